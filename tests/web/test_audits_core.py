"""The audits app's core (issue 13): checklist versions stored from JSON, an audit recorded
with its answers checked against the checklist and scored by prima.metrics.audit_score, every
refusal naming its field, and what a user may see. SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import ProtectedError
from django.utils import timezone, translation

from prima.audit_checklists import load_checklist
from prima.audits import services as au
from prima.audits.models import Audit, AuditAnswer, Checklist, ChecklistVersion
from prima.audits.selectors import audit_scores, audits_visible_to, checklist_versions_for
from prima.organizations import services as org
from prima.organizations.choices import Role

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
OBSERVED = datetime(2026, 7, 1, 9, 30, tzinfo=WIB)

# the worked audit of tests/metrics/test_audit_score.py: overall 18/22 = 81.8181..%
WORKED = {
    "ABL1": "yes",
    "ABL2": 3,
    "ABL3": 4,
    "ATD1": "no",
    "ATD2": 4,
    "ATD3": 2,
    "APP1": "yes",
    "APP2": "no",
    "APP3": "na",
    "ATN1": "na",
    "ATN2": "na",
    "ATN3": "na",
    "ACT1": "yes",
    "ACT2": "yes",
    "ACC1": "na",
    "ACC2": "yes",
}


@pytest.fixture
def world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.alpha = org.organization_create(name="Dinas Alpha", slug="alpha", kind="government")
    w.root = org.unit_create(organization=w.alpha, name="Dinas")
    w.upt1 = org.unit_create(organization=w.alpha, name="UPT 1", parent=w.root)
    w.upt2 = org.unit_create(organization=w.alpha, name="UPT 2", parent=w.root)
    w.counter = org.unit_create(organization=w.alpha, name="Loket 1", parent=w.upt1)
    w.ani = org.staff_create(unit=w.upt1, name="Ani")
    w.budi = org.staff_create(unit=w.upt2, name="Budi")
    w.service1 = org.service_create(unit=w.upt1, name="Perizinan")
    w.service2 = org.service_create(unit=w.upt2, name="Rekomendasi")
    w.beta = org.organization_create(name="Toko Beta", slug="beta", kind="commercial")
    w.shop = org.unit_create(organization=w.beta, name="Toko")
    w.cici = org.staff_create(unit=w.shop, name="Cici")
    w.admin = org.user_create(username="admin-alpha")
    org.membership_grant(user=w.admin, organization=w.alpha, role=Role.ADMIN)
    w.supervisor = org.user_create(username="spv-upt1")
    org.membership_grant(user=w.supervisor, organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt1)
    w.staff = org.user_create(username="staff-upt1")
    org.membership_grant(user=w.staff, organization=w.alpha, role=Role.STAFF, unit=w.upt1)
    w.viewer = org.user_create(username="viewer-upt2")
    org.membership_grant(user=w.viewer, organization=w.alpha, role=Role.VIEWER, unit=w.upt2)
    w.owner = org.user_create(username="owner-beta")
    org.membership_grant(user=w.owner, organization=w.beta, role=Role.ADMIN)
    return w


def record(w: SimpleNamespace, **extra: Any) -> Audit:
    values: dict[str, Any] = {
        "organization": w.alpha,
        "unit": w.upt1,
        "auditor": w.supervisor,
        "kind": "supervisor",
        "observed_at": OBSERVED,
        "answers": WORKED,
        "staff_member": w.ani,
        "service": w.service1,
    }
    values.update(extra)
    return au.audit_record(**values)


def refused(w: SimpleNamespace, lang: str = "en", **extra: Any) -> dict[str, str]:
    """The errors of a refused audit, in ``lang`` (the installation's default is Indonesian)."""
    with translation.override(lang), pytest.raises(au.AuditError) as caught:
        record(w, **extra)
    assert not Audit.objects.exists()
    return caught.value.errors


# -- checklists --------------------------------------------------------------------------------
def test_the_builtin_checklist_is_stored_once_from_its_json():
    first = au.builtin_checklist_version()
    again = au.builtin_checklist_version("a6")
    assert first.pk == again.pk
    assert Checklist.objects.filter(organization=None).count() == 1
    assert first.checklist.builtin
    assert (first.checklist.code, first.number) == ("a6", 1)
    assert first.checklist.title == "Audit Pelayanan Prima A6"
    assert first.definition == load_checklist("a6").raw
    assert first.parsed.line_ids == load_checklist("a6").line_ids


def test_an_organizations_checklist_is_versioned_and_a_version_never_changes(world):
    definition = copy.deepcopy(load_checklist("a6").raw) | {"code": "toko", "title": "Audit toko"}
    v1 = au.checklist_save(organization=world.beta, definition=definition)
    assert (v1.checklist.organization, v1.number, v1.checklist.title) == (
        world.beta,
        1,
        "Audit toko",
    )
    assert (
        au.checklist_save(organization=world.beta, definition=copy.deepcopy(definition)).pk == v1.pk
    )
    changed = copy.deepcopy(definition)
    changed["groups"][0]["lines"][0]["weight"] = 5
    with pytest.raises(au.AuditError) as caught:
        au.checklist_save(organization=world.beta, definition=changed)
    assert list(caught.value.errors) == ["version"]
    assert "nomor versi baru" in caught.value.errors["version"]  # Indonesian by default
    v2 = au.checklist_save(
        organization=world.beta, definition=changed | {"version": 2, "title": "Audit toko 2026"}
    )
    assert v2.checklist_id == v1.checklist_id
    assert v2.number == 2
    assert Checklist.objects.get(pk=v1.checklist_id).title == "Audit toko 2026"
    assert v2.parsed.line("ABL1").weight == 5
    # the same code in another organization is another checklist
    other = au.checklist_save(organization=world.alpha, definition=definition)
    assert other.checklist_id != v1.checklist_id
    # each organization may use the built-in ones and its own only
    builtin = au.builtin_checklist_version()
    assert set(checklist_versions_for(world.beta)) == {builtin, v1, v2}
    assert set(checklist_versions_for(world.alpha)) == {builtin, other}


def test_a_bad_checklist_is_refused_naming_the_line_and_field(world):
    definition = copy.deepcopy(load_checklist("a6").raw) | {"code": "toko"}
    definition["groups"][1]["lines"][1]["weight"] = 0
    with pytest.raises(au.AuditError) as caught:
        au.checklist_save(organization=world.beta, definition=definition)
    assert caught.value.errors == {
        "definition": 'definition: line ATD2: "weight" must be a number above 0'
    }
    assert not ChecklistVersion.objects.filter(checklist__organization=world.beta).exists()


# -- recording an audit ------------------------------------------------------------------------
def test_an_audit_is_scored_and_stored_with_its_answers(world):
    audit = record(world)
    assert audit.organization == world.alpha
    assert (audit.unit, audit.staff_member, audit.service) == (
        world.upt1,
        world.ani,
        world.service1,
    )
    assert (audit.auditor, audit.kind, audit.observed_at) == (
        world.supervisor,
        "supervisor",
        OBSERVED,
    )
    assert audit.checklist_version == au.builtin_checklist_version()
    # 18 / 22 = 81.818181..% -> stored half-up to 4 decimals; at least 80: passed
    stored = Audit.objects.get(pk=audit.pk)
    assert stored.score == Decimal("81.8182")
    assert stored.pass_mark == Decimal("80.0000")
    assert (stored.verdict, stored.passed, stored.critical_failures) == ("passed", True, [])
    answers = dict(AuditAnswer.objects.filter(audit=audit).values_list("line_id", "answer"))
    assert answers == {line: str(value) for line, value in WORKED.items()}
    # the stored audit rescored from its answers: the same numbers, per A as well
    scores = audit_scores(stored)
    assert scores.overall == Fraction(900, 11)
    assert scores.per_a["ability"].percent == Fraction(1900, 21)
    assert scores.per_a["attention"].percent is None
    assert scores.verdict == stored.verdict


def test_a_critical_failure_is_stored_as_such(world):
    best = dict.fromkeys(WORKED, "yes") | {
        "ABL2": 4,
        "ABL3": 4,
        "ATD2": 4,
        "ATD3": 4,
        "ATN1": 4,
        "ATN3": 4,
        "ACC1": 4,
    }
    audit = record(world, answers=best | {"ACT2": "no"}, kind="mystery", staff_member=None)
    # 26 / 29 = 89.6552 %, above the pass mark, failed on the critical line ACT2
    assert audit.score == Decimal("89.6552")
    assert (audit.verdict, audit.passed, audit.critical_failures) == (
        "failed_critical",
        False,
        ["ACT2"],
    )
    assert audit.kind == "mystery"
    assert audit_scores(audit).critical_failures == ("ACT2",)


def test_the_organizations_pass_mark_is_stored_and_used(world):
    audit = record(world, pass_mark=85)
    assert (audit.verdict, audit.pass_mark) == ("failed", Decimal("85.0000"))
    assert audit_scores(Audit.objects.get(pk=audit.pk)).verdict == "failed"
    assert record(world, pass_mark="81.5").verdict == "passed"


def test_an_audit_where_nothing_applies_has_no_score(world):
    audit = record(world, answers=dict.fromkeys(WORKED, "na"))
    assert (audit.score, audit.verdict, audit.passed) == (None, "no_score", None)


def test_an_audit_on_an_organizations_own_checklist(world):
    definition = copy.deepcopy(load_checklist("a6").raw) | {"code": "toko", "pass_mark": 90}
    version = au.checklist_save(organization=world.beta, definition=definition)
    audit = au.audit_record(
        organization=world.beta,
        unit=world.shop,
        auditor=world.owner,
        kind="supervisor",
        observed_at=OBSERVED,
        answers=WORKED,
        checklist_version=version,
        staff_member=world.cici,
    )
    # the checklist's own pass mark of 90 fails 81.82 %
    assert (audit.verdict, audit.pass_mark) == ("failed", Decimal("90.0000"))


def test_the_organization_wide_admin_may_audit_a_sub_unit(world):
    audit = record(world, auditor=world.admin, unit=world.counter)
    assert audit.unit == world.counter  # Ani of UPT 1 serves at its counter


@pytest.mark.parametrize(
    ("who", "field"),
    [
        ("staff", "unit"),  # the staff role does not audit
        ("viewer", "unit"),  # nor does a viewer
        ("owner", "unit"),  # another organization's admin
    ],
)
def test_who_may_not_audit_is_refused_as_if_the_unit_were_unknown(world, who, field):
    assert refused(world, auditor=getattr(world, who)) == {field: "unknown unit"}


def test_a_supervisor_audits_only_within_their_subtree(world):
    errors = refused(world, unit=world.upt2, staff_member=None, service=None)
    assert errors == {"unit": "unknown unit"}
    assert record(world, unit=world.counter).unit == world.counter


def test_everything_an_audit_names_must_belong_to_the_organization_and_unit(world):
    assert refused(world, unit=world.shop) == {"unit": "unknown unit"}
    assert refused(world, staff_member=world.cici) == {
        "staff_member": "unknown staff member for this unit"
    }
    assert refused(world, staff_member=world.budi) == {
        "staff_member": "unknown staff member for this unit"
    }
    assert refused(world, service=world.service2) == {
        "service": "this service is not offered by the unit"
    }
    toko = au.checklist_save(
        organization=world.beta,
        definition=copy.deepcopy(load_checklist("a6").raw) | {"code": "toko"},
    )
    assert refused(world, checklist_version=toko) == {"checklist_version": "unknown checklist"}


def test_the_kind_time_and_pass_mark_are_checked(world):
    assert refused(world, kind="customer") == {"kind": 'must be "supervisor" or "mystery"'}
    assert refused(world, observed_at=datetime(2026, 7, 1, 9, 30)) == {
        "observed_at": "must be a date and time with its time zone"
    }
    assert refused(world, observed_at=timezone.now() + timedelta(minutes=10)) == {
        "observed_at": "must not be in the future"
    }
    # a phone's clock a little ahead is accepted
    assert record(world, observed_at=timezone.now() + timedelta(minutes=2)).pk
    Audit.objects.all().delete()
    for bad in (0, 101, "many", True):
        assert refused(world, pass_mark=bad) == {
            "pass_mark": "must be a percentage above 0 and at most 100"
        }


def test_every_wrong_answer_is_named_by_its_line(world):
    answers: dict[str, Any] = dict(WORKED)
    del answers["ABL1"]
    answers["ABL2"] = "yes"
    answers["ATD1"] = 4
    answers["XX1"] = "yes"
    assert refused(world, answers=answers) == {
        "answers.ABL1": "This line needs an answer (choose not applicable if it does not apply).",
        "answers.ABL2": "Choose a whole number from 1 to 4, or not applicable.",
        "answers.ATD1": "Choose yes, no or not applicable.",
        "answers.XX1": "This checklist has no such line.",
    }
    assert refused(world, answers=["yes"] * 16) == {
        "answers": "must map each line of the checklist to its answer"
    }


def test_the_refusals_speak_indonesian_by_default(world):
    errors = refused(world, lang="id", answers=dict(WORKED) | {"ATD1": 4}, kind="x")
    assert errors["answers.ATD1"] == "Pilih ya, tidak, atau tidak berlaku."
    assert errors["kind"] == 'harus "supervisor" atau "mystery"'


# -- what a user sees --------------------------------------------------------------------------
def test_audits_are_seen_within_the_users_scope_only(world):
    in_upt1 = record(world)
    in_upt2 = record(
        world, auditor=world.admin, unit=world.upt2, staff_member=world.budi, service=None
    )
    assert set(audits_visible_to(world.admin, world.alpha)) == {in_upt1, in_upt2}
    assert set(audits_visible_to(world.supervisor, world.alpha)) == {in_upt1}
    assert set(audits_visible_to(world.viewer, world.alpha)) == {in_upt2}
    assert not audits_visible_to(world.staff, world.alpha).exists()  # no results for staff
    assert not audits_visible_to(world.owner, world.alpha).exists()  # another organization


def test_deleting_a_staff_member_service_or_auditor_keeps_the_audit_but_not_its_unit(world):
    audit = record(world)
    with pytest.raises(ProtectedError):
        world.upt1.delete()
    world.ani.delete()
    world.service1.delete()
    world.supervisor.delete()
    kept = Audit.objects.get(pk=audit.pk)
    assert (kept.staff_member, kept.service, kept.auditor) == (None, None, None)
    assert kept.unit == world.upt1
    assert kept.answers.count() == 16
    assert audit_scores(kept).overall == Fraction(900, 11)


# -- /manage/ ----------------------------------------------------------------------------------
def test_an_organizations_admin_reads_its_audits_in_manage(world, client):
    audit = record(world)
    client.force_login(world.admin)
    listing = client.get("/manage/audits/audit/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Ani" in page
    assert "81,82 %" in page  # 18/22, half-up to 2 decimals, written the Indonesian way
    detail = client.get(f"/manage/audits/audit/{audit.pk}/change/")
    assert detail.status_code == 200
    shown = detail.content.decode()
    # the per-A scores recomputed from the answers, by the A's names of the checklist
    assert "Kemampuan: 90,48 %; Sikap: 53,33 %; Penampilan: 50,00 %; Perhatian: -" in shown
    assert "Petugas mengetahui persyaratan layanan yang dimohon pelanggan." in shown
    # evidence: nobody adds, changes or deletes an audit here
    assert client.get("/manage/audits/audit/add/").status_code == 403
    assert (
        client.post(f"/manage/audits/audit/{audit.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Audit.objects.filter(pk=audit.pk).exists()
    # another organization's admin sees none of it
    client.force_login(world.owner)
    assert "Ani" not in client.get("/manage/audits/audit/").content.decode()
    foreign = client.get(f"/manage/audits/audit/{audit.pk}/change/")
    assert foreign.status_code == 302  # to the site's index: "no such audit"
