"""Named personas and a small world of two tenants, for tests through the HTTP stack.

- alice:   admin of Dinas Alpha (whole organization)
- bob:     manager of UPT Alpha Satu only (a unit subtree)
- victor:  viewer of Dinas Alpha (whole organization)
- charlie: admin of Bank Beta (the other tenant)
- mallory: a signed-in user with no membership anywhere
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.test import Client

from prima.audit_checklists import load_checklist
from prima.audits.services import audit_record
from prima.insights.models import FollowUpAction
from prima.organizations import services as org
from prima.organizations.choices import OrganizationKind, Role
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.surveys import services as srv
from prima.surveys.models import Instrument, Survey

PASSWORD = "correct-horse-battery-9"

SKM_ANSWERS = {f"U{i}": 3 for i in range(1, 10)}


A6_AUDIT = load_checklist("a6")


@dataclass
class World:
    alpha: Organization
    beta: Organization
    dinas: Unit
    upt1: Unit
    upt2: Unit
    loket1: Unit
    bank_unit: Unit
    service1: Service
    staff1: StaffMember
    skm: Survey
    a6: Survey
    quick: Survey
    users: dict[str, Any] = field(default_factory=dict)

    def client(self, name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(self.users[name])
        return client

    def token(self, name: str) -> str:
        return org.token_create(user=self.users[name])

    def api(self, name: str | None) -> Client:
        """A client that sends ``Authorization: Bearer`` for the persona (anonymous: none)."""
        if name is None:
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.token(name)}")


def skm_answers(**overrides: int) -> dict[str, int]:
    return {**SKM_ANSWERS, **overrides}


def submit(survey: Survey, answers: dict[str, Any], *, unit: Unit | None = None, **extra: Any):
    sub = srv.Submission(
        submission_id=uuid.uuid4(), answers=answers, unit_id=unit.pk if unit else None, **extra
    )
    return srv.response_submit(survey=survey, submission=sub)[0]


def build_world() -> World:
    alpha = org.organization_create(
        name="Dinas Alpha", slug="alpha", kind=OrganizationKind.GOVERNMENT
    )
    beta = org.organization_create(name="Bank Beta", slug="beta", kind=OrganizationKind.COMMERCIAL)
    dinas = org.unit_create(organization=alpha, name="Dinas Alpha Pusat", code="DA")
    upt1 = org.unit_create(
        organization=alpha, name="UPT Alpha Satu", parent=dinas, code="U1", population=1200
    )
    upt2 = org.unit_create(organization=alpha, name="UPT Alpha Dua", parent=dinas, code="U2")
    loket1 = org.unit_create(organization=alpha, name="Loket Satu", parent=upt1, code="L1")
    bank_unit = org.unit_create(organization=beta, name="Cabang Beta", code="CB")
    service1 = org.service_create(unit=upt1, name="Pendaftaran")
    staff1 = org.staff_create(unit=loket1, name="Siti Petugas")
    skm = srv.survey_create(
        organization=alpha,
        title="SKM Alpha 2026",
        instrument=Instrument.objects.get(key="skm2017"),
        units=[upt1, upt2],
    )
    a6 = srv.survey_create(
        organization=alpha,
        title="A6 Alpha",
        instrument=Instrument.objects.get(key="a6"),
        units=[upt1],
    )
    quick = srv.survey_create(
        organization=beta,
        title="Quick Beta",
        instrument=Instrument.objects.get(key="quick"),
        units=[bank_unit],
    )
    users = {}
    for name in ("alice", "bob", "victor", "charlie", "mallory"):
        users[name] = org.user_create(username=name, password=PASSWORD)
    org.membership_grant(user=users["alice"], organization=alpha, role=Role.ADMIN)
    org.membership_grant(user=users["bob"], organization=alpha, role=Role.MANAGER, unit=upt1)
    org.membership_grant(user=users["victor"], organization=alpha, role=Role.VIEWER)
    org.membership_grant(user=users["charlie"], organization=beta, role=Role.ADMIN)
    submit(skm, skm_answers(), unit=upt1)
    submit(skm, skm_answers(U1=4, U3=2), unit=loket1)
    submit(skm, skm_answers(U1=1, U9=4), unit=upt2)
    submit(quick, {"csat": 5, "nps": 9, "kembali": 1})
    return World(
        alpha, beta, dinas, upt1, upt2, loket1, bank_unit, service1, staff1, skm, a6, quick, users
    )


# -- private data of Dinas Alpha and the strings that must never leak (isolation/security tests) --
ALPHA_SUGGESTION = "Saran rahasia Alpha: antrean loket 7f3k"
ALPHA_CONTACT = {
    "name": "Budi Rahasia Alpha",
    "phone": "0812-7777-3141",
    "email": "budi.rahasia@alpha.example",
}
ALPHA_INSTRUMENT_TITLE = "Kuesioner Internal Alpha"
ALPHA_FOLLOW_UP = "Tindak lanjut rahasia Alpha: loket tambahan 5m8x"


@dataclass
class Markers:
    """Strings of Dinas Alpha: ``definition`` may appear on its public survey pages,
    ``private`` never outside the organization."""

    definition: list[str]
    private: list[str]

    @property
    def all(self) -> list[str]:
        return [*self.definition, *self.private]


def add_alpha_private_data(world: World) -> Markers:
    """A response with a suggestion and contact details, an organization-owned instrument, a
    follow-up plan and an A6 audit of a staff member."""
    submit(
        world.skm,
        skm_answers(U5=2),
        unit=world.loket1,
        service_id=world.service1.pk,
        staff_id=world.staff1.pk,
        suggestion=ALPHA_SUGGESTION,
        contact=ALPHA_CONTACT,
        consent=True,
    )
    srv.instrument_copy(
        source=Instrument.objects.get(key="quick"),
        organization=world.alpha,
        key="internal-alpha",
        title=ALPHA_INSTRUMENT_TITLE,
    )
    audit_record(  # a mystery shopper's A6 audit of Siti at Loket Satu (issue 13)
        organization=world.alpha,
        unit=world.loket1,
        auditor=world.users["alice"],
        kind="mystery",
        observed_at=datetime(2026, 4, 8, 10, 0, tzinfo=UTC),
        answers={line.id: "yes" if line.answer == "yes_no" else 3 for line in A6_AUDIT.lines},
        staff_member=world.staff1,
        service=world.service1,
    )
    FollowUpAction.objects.create(  # the organization's follow-up plan (SKM report)
        organization=world.alpha,
        survey=world.skm,
        period="2026",
        element="waktu",
        problem="Antrean panjang pada jam sibuk",
        action=ALPHA_FOLLOW_UP,
        owner="Kepala Seksi Pelayanan",
        deadline=date(2026, 12, 31),
    )
    return Markers(
        definition=[
            world.alpha.name,
            world.skm.title,
            world.a6.title,
            world.upt1.name,
            world.upt2.name,
            # a service of a survey's unit: the public survey offers it (jenis layanan)
            world.service1.name,
        ],
        private=[
            world.dinas.name,
            world.loket1.name,
            world.staff1.name,
            ALPHA_SUGGESTION,
            *ALPHA_CONTACT.values(),
            ALPHA_INSTRUMENT_TITLE,
            ALPHA_FOLLOW_UP,
            "alice",
            "victor",
        ],
    )
