"""The demo's third tenant (issue 13, point 6): the concept's own example, a shop (*toko*).

``shared/domain/concept.md``: the owner has taught the staff service excellence, but needs
*kontrol yang ketat*. Toko Sinar Jaya (kind commercial) is one unit, the shop, with four shop
assistants (staff members) and one kiosk tablet at the till (:func:`prima.collection.kiosks.
kiosk_register`) on a quick survey (satisfaction 1-5, NPS, would come back):

- **kiosk ratings per assistant**: every customer at the till rates the assistant who served
  them (a kiosk response with a staff context: channel ``kiosk``, the device, the staff member),
  checked with the submission rules and stored in one ``bulk_create``, spread over the demo's
  months (08:00-21:00, every day). Three assistants serve at the till most days (well over the
  30 ratings a quarter a ranking needs, :data:`prima.metrics.shrinkage.MIN_RANKED`); the fourth
  works part-time and stays below it, with a high raw mean that the fair ranking does not put
  on top. One assistant (Dimas) is clearly weaker, in the ratings and in the audits;
- **monthly A6 audits** (:mod:`prima.demo.audits`): a plan of the shop per month with two
  assignments: the owner (``pemilik.toko``, the organization's admin) audits each assistant once,
  the mystery shopper (``pembeli.misterius``, :class:`prima.audits.models.MysteryShopper`, no
  membership) three times; the mystery shopper's first audit of each month (a third) is a
  **calibration pair**: the owner audits the same encounter (from the back office), same
  encounter code, answers mostly agreeing;
- **corrective actions** on every failed audit, owned by the owner: older ones done and
  verified by a re-audit, recent ones open, one overdue.

Built after everything else of the demo with generators of its own (so the other tenants' data
and figures stay as they were).
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from prima.audits.models import Audit, MysteryShopper
from prima.collection.kiosks import kiosk_register
from prima.collection.models import KioskDevice
from prima.demo.audits import Recorder, Visit, month_days, months_of
from prima.instruments.questions import clean_answers
from prima.organizations import services as org
from prima.organizations.choices import OrganizationKind, Role
from prima.organizations.models import Organization, StaffMember, Unit
from prima.surveys import services as srv
from prima.surveys.choices import Channel
from prima.surveys.models import Instrument, Response, Survey

SHOP_SLUG = "toko-sinar-jaya"
SHOP_NAME = "Toko Sinar Jaya"
OWNER = "pemilik.toko"
SHOPPER = "pembeli.misterius"
SURVEY_TITLE = "Penilaian Pelayanan Kasir Toko Sinar Jaya"


@dataclass(frozen=True)
class Assistant:
    name: str
    per_month: int  # kiosk ratings a month
    csat: float  # mean satisfaction 1-5
    level: float  # audited practice 0-1


ASSISTANTS = (
    Assistant("Siti Rahmawati", 24, 4.55, 0.93),
    Assistant("Dimas Saputra", 22, 3.45, 0.70),  # clearly weaker: curt, forgets the receipt
    Assistant("Lina Marlina", 19, 4.30, 0.88),
    Assistant("Rizky Ramadhan", 5, 4.75, 0.90),  # part-time: few ratings, never ranked
)
SUGGESTIONS = (
    "Kasirnya ramah dan cepat, terima kasih.",
    "Antrean kasir panjang pada sore hari.",
    "Kembalian receh jangan diganti permen.",
    "Mohon tambah stok beras kemasan 5 kg.",
    "Struk belanja sering tidak diberikan.",
    "Pelayanan memuaskan, tokonya bersih.",
)
ACTION_TEXTS = {
    "ABL": "Pelajari kembali daftar harga dan promo minggu ini.",
    "ATD": "Latihan menyapa dan mengucapkan salam penutup kepada setiap pembeli.",
    "APP": "Pakai seragam dan tanda nama setiap shift; rapikan meja kasir.",
    "ATN": "Tawarkan bantuan (membawa barang, mencari barang lain) sebelum pembeli pergi.",
    "ACT": "Berikan struk dan kembalian yang benar; hitung ulang di depan pembeli.",
    "ACC": "Catat keluhan pembeli di buku keluhan dan laporkan ke pemilik hari itu juga.",
    "": "Bahas hasil audit bersama pemilik dan latih ulang pelayanan di kasir.",
}
OWNER_NOTE = "Audit kalibrasi: pertemuan yang sama, diamati pemilik dari rekaman CCTV."


@dataclass
class ShopResult:
    organization: Organization
    survey: Survey
    responses: int
    audits: list[Audit]
    users: list[str]


def _clip(x: float, low: int, high: int) -> int:
    return min(high, max(low, math.floor(x + 0.5)))


def shop_build(
    *, today: date, first_day: date, password_hash: str, seed: int, tz: Any
) -> ShopResult:
    """Create the shop, its people, kiosk ratings, audits and actions (module docstring)."""
    rng = random.Random(seed)
    organization = org.organization_create(
        name=SHOP_NAME, slug=SHOP_SLUG, kind=OrganizationKind.COMMERCIAL
    )
    shop = org.unit_create(organization=organization, name=SHOP_NAME, code="TSJ")
    staff = [
        org.staff_create(unit=shop, name=a.name, employee_number=f"TSJ-{i + 1:02d}")
        for i, a in enumerate(ASSISTANTS)
    ]
    owner = org.user_create(username=OWNER, first_name="Pemilik Toko")
    shopper = org.user_create(username=SHOPPER, first_name="Pembeli Misterius")
    for user in (owner, shopper):
        user.password = password_hash
        user.save(update_fields=["password"])
    org.membership_grant(user=owner, organization=organization, role=Role.ADMIN)
    # as prima.audits.planning.mystery_shopper_create makes one (the hash made once above)
    MysteryShopper.objects.create(organization=organization, user=shopper)

    instrument = Instrument.objects.get(key="quick", organization=None)
    survey = srv.survey_create(
        organization=organization,
        title=SURVEY_TITLE,
        instrument=instrument,
        units=[shop],
        channels=[Channel.KIOSK, Channel.QR],
        starts_on=first_day,
    )
    device, _pairing = kiosk_register(survey=survey, unit=shop, name="Tablet Kasir")
    rows = _kiosk_ratings(rng, survey, shop, staff, device, first_day, today, tz)
    rows.sort(key=lambda r: r.submitted_at)
    Response.objects.bulk_create(rows, batch_size=1000)
    if rows:
        KioskDevice.objects.filter(pk=device.pk).update(
            last_answered_at=rows[-1].submitted_at, last_seen_at=rows[-1].submitted_at
        )
    audits = _audits(rng, organization, shop, staff, owner, shopper, first_day, today, tz)
    return ShopResult(organization, survey, len(rows), audits, [OWNER, SHOPPER])


def _kiosk_ratings(
    rng: random.Random,
    survey: Survey,
    shop: Unit,
    staff: list[StaffMember],
    device: KioskDevice,
    first_day: date,
    today: date,
    tz: Any,
) -> list[Response]:
    from django.utils import timezone

    version = survey.instrument_version
    days = (today - first_day).days  # first_day .. yesterday
    rows = []
    for assistant, member in zip(ASSISTANTS, staff, strict=True):
        count = round(assistant.per_month * days / 30.44)
        for _ in range(count):
            day = first_day + timedelta(days=rng.randrange(days))
            seconds = int(rng.triangular(8.0, 21.0, 17.5) * 3600)
            moment = timezone.make_aware(
                datetime.combine(day, time()) + timedelta(seconds=seconds), tz
            )
            csat = _clip(assistant.csat + rng.gauss(0, 0.7), 1, 5)
            answers = {
                "csat": csat,
                "nps": _clip(2 * csat - 0.3 + rng.gauss(0, 1.1), 0, 10),
                "kembali": 1 if rng.random() < (0.93 if csat >= 3 else 0.45) else 0,
            }
            clean, errors = clean_answers(version.questions, answers)
            if errors or clean != answers:  # pragma: no cover - the generator keeps the scales
                raise ValueError(f"invalid demo kiosk rating: {answers}")
            rows.append(
                Response(
                    organization_id=survey.organization_id,
                    survey=survey,
                    instrument_version=version,
                    unit=shop,
                    staff=member,
                    channel=Channel.KIOSK,
                    device=device,
                    submitted_at=moment,
                    submission_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    answers=clean,
                    suggestion=rng.choice(SUGGESTIONS) if rng.random() < 0.06 else "",
                    duration_ms=rng.randint(6000, 40000),
                )
            )
    return rows


def _audits(
    rng: random.Random,
    organization: Organization,
    shop: Unit,
    staff: list[StaffMember],
    owner: AbstractBaseUser,
    shopper: AbstractBaseUser,
    first_day: date,
    today: date,
    tz: Any,
) -> list[Audit]:
    rec = Recorder(organization, rng, tz)
    level = {m.pk: a.level for a, m in zip(ASSISTANTS, staff, strict=True)}
    for month in months_of(first_day, today):
        days = month_days(first_day, today, month)
        assignments = rec.plan(shop, month, [(owner, len(staff)), (shopper, 3)], created_by=owner)
        if not days:  # the first of the month: planned, nothing done yet
            continue
        visits: list[Visit] = []
        for member in staff:  # the owner audits each assistant once a month
            visits.append(
                Visit(
                    unit=shop,
                    staff=member,
                    auditor=owner,
                    assignment=assignments[owner.pk],
                    moment=rec.at(rng.choice(days), rng.uniform(9.0, 20.0)),
                    level=level[member.pk],
                )
            )
        for n in range(3):  # the mystery shopper three times; the first with the owner
            member = rng.choice(staff[:3])
            pair = n == 0
            visits.append(
                Visit(
                    unit=shop,
                    staff=member,
                    auditor=shopper,
                    assignment=assignments[shopper.pk],
                    moment=rec.at(rng.choice(days), rng.uniform(10.0, 20.5)),
                    level=level[member.pk],
                    partner=owner if pair else None,
                    encounter=f"TSJ-{month:%Y%m}-{n + 1}" if pair else "",
                    partner_note=OWNER_NOTE if pair else "",
                )
            )
        visits.sort(key=lambda v: v.moment)
        for visit in visits:
            if visit.moment.date() >= today:  # pragma: no cover - days end yesterday
                continue
            if (month.year, month.month) == (today.year, today.month) and (
                visit.moment.date() > today - timedelta(days=3) and rng.random() < 0.5
            ):
                continue  # the current month is under way
            rec.record(visit)
    rec.actions(owner=owner, handler=owner, today=today, texts=ACTION_TEXTS, working_days=3)
    return rec.audits
