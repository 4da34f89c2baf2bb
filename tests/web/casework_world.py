"""Cases of Dinas Alpha for the casework tests (pages, ``prima cases check``, e-mails).

The personas of :mod:`tests.web.personas` get e-mail addresses, plus dewi (manager of the unit
Dinas Alpha Pusat, the parent of both UPTs) and sari (a *petugas* with the staff role on UPT
Alpha Satu). Cases are received through :func:`prima.cases.services.case_receive` at a fixed
instant, so their due dates are known by hand (Dinas Alpha is a government organization in WIB;
November 2026 has no public holiday and no *cuti bersama*).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from prima.cases.models import Case
from prima.cases.services import case_receive
from prima.organizations import services as org
from prima.organizations.choices import Role
from tests.web.personas import World

WIB = ZoneInfo("Asia/Jakarta")
# Monday 2 November 2026, 10:00 WIB: first response due Thursday 5 November (3 working days),
# resolution due Monday 9 November (5 working days, tier biasa)
RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=WIB)
CONTACT = {"name": "Rina Pelapor", "email": "rina.pelapor@warga.example", "phone": "0812-7777-3141"}


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    """An instant of November 2026 (by default) in WIB."""
    return datetime(2026, month, day, hour, 0, tzinfo=WIB)


def add_people(world: World) -> World:
    for name in ("alice", "bob", "victor", "charlie"):
        user = world.users[name]
        user.email = f"{name}@example.org"
        user.save()
    dewi = org.user_create(username="dewi", password="x-Passw0rd-9", email="dewi@example.org")
    org.membership_grant(user=dewi, organization=world.alpha, role=Role.MANAGER, unit=world.dinas)
    sari = org.user_create(username="sari", password="x-Passw0rd-9", email="sari@example.org")
    org.membership_grant(user=sari, organization=world.alpha, role=Role.STAFF, unit=world.upt1)
    world.users.update(dewi=dewi, sari=sari)
    return world


def receive(world: World, unit: Any = None, **extra: Any) -> Case:
    """A complaint by letter to ``unit`` (default UPT Alpha Satu) received at ``RECEIVED``."""
    values: dict[str, Any] = {
        "organization": world.alpha,
        "unit": unit or world.upt1,
        "text": "Antrean di loket terlalu lama, saya menunggu tiga jam.",
        "channel": "surat",
        "received_at": RECEIVED,
        "contact": dict(CONTACT),
        "consent": True,
    }
    values.update(extra)
    case, _created = case_receive(**values)
    return case
