"""Audit plans, assignments, the mystery shopper's account, the audit form and its JSON
submission, corrective actions and ``prima audits check`` (issue 13 points 2-3), through the
whole HTTP stack. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from prima.alerts.models import Notification
from prima.audit_checklists import load_checklist
from prima.audits import planning
from prima.audits.actions import actions_check
from prima.audits.models import (
    ActionStatus,
    Audit,
    AuditPlan,
    CorrectiveAction,
    MysteryShopper,
)
from prima.audits.services import AuditError, audit_record
from prima.organizations import services as org
from prima.organizations.calendar import calendar_for, local_date
from prima.organizations.calendar import zone_of as calendar_zone
from prima.organizations.choices import Role

pytestmark = pytest.mark.django_db

A6 = load_checklist("a6")
PASSING = {line.id: "yes" if line.answer == "yes_no" else 4 for line in A6.lines}
CRITICAL = next(line for line in A6.lines if line.critical)
FAILING = {**PASSING, CRITICAL.id: "no" if CRITICAL.answer == "yes_no" else 1}
SECRET_NOTE = "Catatan audit rahasia 4t7u"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def w() -> SimpleNamespace:
    w = SimpleNamespace()
    w.alpha = org.organization_create(name="Dinas Alpha", slug="alpha", kind="government")
    w.root = org.unit_create(organization=w.alpha, name="Dinas")
    w.upt1 = org.unit_create(organization=w.alpha, name="UPT Satu", parent=w.root)
    w.upt2 = org.unit_create(organization=w.alpha, name="UPT Dua", parent=w.root)
    w.counter = org.unit_create(organization=w.alpha, name="Loket Satu", parent=w.upt1)
    w.ani = org.staff_create(unit=w.counter, name="Ani Petugas")
    w.service = org.service_create(unit=w.upt1, name="Perizinan")
    w.admin = org.user_create(username="admin", password="pw-admin-2026")
    org.membership_grant(user=w.admin, organization=w.alpha, role=Role.ADMIN)
    w.spv = org.user_create(username="spv1")
    org.membership_grant(user=w.spv, organization=w.alpha, role=Role.MANAGER, unit=w.upt1)
    w.spv2 = org.user_create(username="spv2")
    org.membership_grant(user=w.spv2, organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt2)
    w.viewer = org.user_create(username="viewer")
    org.membership_grant(user=w.viewer, organization=w.alpha, role=Role.VIEWER)
    w.staff = org.user_create(username="staff1")
    org.membership_grant(user=w.staff, organization=w.alpha, role=Role.STAFF, unit=w.counter)
    w.mia = planning.mystery_shopper_create(
        organization=w.alpha, username="mia", password="pw-mia-2026"
    ).user
    w.plan = planning.plan_create(
        organization=w.alpha, unit=w.counter, period="2026-07", target=4, created_by=w.admin
    )
    w.mia_task = planning.assignment_create(plan=w.plan, auditor=w.mia, count=2)
    w.spv_task = planning.assignment_create(plan=w.plan, auditor=w.spv, count=2)
    return w


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form_data(answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_id": str(uuid.uuid4()),
        "observed_at": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "note": "",
        **{f"line_{k}": str(v) for k, v in answers.items()},
    }
    data.update(extra)
    return data


# -- plans and assignments ---------------------------------------------------------------------
def test_assignments_go_to_supervisors_of_the_subtree_or_mystery_shoppers(w):
    assert w.mia_task.kind == "mystery"
    assert w.spv_task.kind == "supervisor"
    for user in (w.spv2, w.viewer, w.staff):  # another subtree, a viewer, a staff member
        with pytest.raises(AuditError) as caught:
            planning.assignment_create(plan=w.plan, auditor=user)
        assert list(caught.value.errors) == ["auditor"]
        assert user.username in caught.value.errors["auditor"]
    with pytest.raises(AuditError):
        planning.assignment_create(plan=w.plan, auditor=w.mia)  # one assignment per plan
    with pytest.raises(AuditError) as caught:
        planning.plan_create(organization=w.alpha, unit=w.counter, period="2026-13", target=0)
    assert set(caught.value.errors) == {"period", "target"}


def test_an_admin_creates_a_plan_and_assigns_in_manage(w):
    admin = client(w.admin)
    assert admin.get("/manage/audits/auditplan/add/").status_code == 200
    base = {
        "organization": w.alpha.pk,
        "unit": w.upt2.pk,
        "period": "2026-08",
        "target": "4",
        "checklist_version": w.plan.checklist_version_id,
        "assignments-TOTAL_FORMS": "1",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-count": "4",
    }
    refused = admin.post(
        "/manage/audits/auditplan/add/", {**base, "assignments-0-auditor": w.spv.pk}
    )
    assert refused.status_code == 200  # spv1 manages UPT Satu, not UPT Dua
    assert "spv1" in refused.content.decode()
    assert not AuditPlan.objects.filter(unit=w.upt2).exists()
    ok = admin.post("/manage/audits/auditplan/add/", {**base, "assignments-0-auditor": w.spv2.pk})
    assert ok.status_code == 302, ok.content.decode()[:3000]
    plan = AuditPlan.objects.get(unit=w.upt2)
    assert (plan.target, plan.created_by) == (4, w.admin)
    assert list(plan.assignments.values_list("auditor__username", "kind", "count")) == [
        ("spv2", "supervisor", 4)
    ]
    # progress on the list
    audit_record(
        organization=w.alpha,
        unit=w.counter,
        auditor=w.mia,
        kind="mystery",
        observed_at=timezone.now(),
        answers=PASSING,
        assignment=w.mia_task,
    )
    page = admin.get("/manage/audits/auditplan/").content.decode()
    assert "1 / 4" in page
    assert "0 / 4" in page


def test_an_admin_creates_a_mystery_shoppers_account(w):
    r = client(w.admin).post(
        "/manage/audits/mysteryshopper/add/",
        {
            "organization": w.alpha.pk,
            "username": "rina",
            "name": "Rina",
            "password1": "Pembeli-rahasia-2026",
            "password2": "Pembeli-rahasia-2026",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    shopper = MysteryShopper.objects.get(user__username="rina")
    assert shopper.organization == w.alpha
    assert not shopper.user.memberships.exists()
    assert planning.is_mystery_shopper_only(shopper.user)


# -- the mystery shopper -----------------------------------------------------------------------
def test_a_mystery_shopper_does_its_assignment_and_sees_no_score(w):
    mia = Client()
    assert (
        mia.post("/accounts/login/", {"username": "mia", "password": "pw-mia-2026"}).status_code
        == 302
    )
    home = mia.get("/app/")
    assert home.status_code == 302
    assert home["Location"] == "/app/audit/tugas/"
    listing = mia.get("/app/audit/tugas/").content.decode()
    assert "Loket Satu" in listing
    assert "0 / 2" in listing
    form = mia.get(f"/app/audit/tugas/{w.mia_task.pk}/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Ani Petugas" in html
    assert 'type="radio"' in html
    data = form_data(FAILING, unit=w.counter.pk, staff_member=w.ani.pk, note=SECRET_NOTE)
    saved = mia.post(f"/app/audit/tugas/{w.mia_task.pk}/", data)
    assert saved.status_code == 302
    assert saved["Location"] == "/app/audit/tugas/?saved=1"
    audit = Audit.objects.get()
    assert (audit.kind, audit.assignment, audit.auditor, audit.staff_member) == (
        "mystery",
        w.mia_task,
        w.mia,
        w.ani,
    )
    assert audit.verdict == "failed_critical"
    after = mia.get(saved["Location"]).content.decode()
    assert "1 / 2" in after
    assert "%" not in after
    assert "failed" not in after.lower()
    # the same form sent again (a double tap) stores nothing more
    assert mia.post(f"/app/audit/tugas/{w.mia_task.pk}/", data).status_code == 302
    assert Audit.objects.count() == 1
    # everything else is refused
    for url in (
        f"/app/audit/{audit.pk}/",
        "/app/audit/tindakan/",
        "/app/audit/baru/",
        f"/app/audit/tugas/{w.spv_task.pk}/",  # another auditor's assignment
        "/app/kasus/",
        "/app/pemberitahuan/",
        "/manage/",
        "/manage/audits/audit/",
    ):
        assert mia.get(url).status_code in (403, 404), url
    token = org.token_create(user=w.mia)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for url in ("/api/v1/organizations", "/api/v1/organizations/alpha/units"):
        r = api.get(url)
        assert r.status_code == 403, url
        assert r.json()["detail"]


def test_a_completed_assignment_takes_no_more_audits(w):
    mia = client(w.mia)
    for _ in range(2):
        assert (
            mia.post(
                f"/app/audit/tugas/{w.mia_task.pk}/", form_data(PASSING, unit=w.counter.pk)
            ).status_code
            == 302
        )
    r = mia.post(f"/app/audit/tugas/{w.mia_task.pk}/", form_data(PASSING, unit=w.counter.pk))
    assert r.status_code == 400
    assert Audit.objects.count() == 2
    assert "Complete" in mia.get("/app/audit/tugas/?lang=en").content.decode()


# -- the JSON submission (the offline form's endpoint) -----------------------------------------
def test_json_submission_stores_once_per_submission_id(w):
    body = {
        "submission_id": str(uuid.uuid4()),
        "assignment": w.mia_task.pk,
        "staff_member": w.ani.pk,
        "observed_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "answers": PASSING,
        "note": "",
    }
    mia = client(w.mia)

    def send(payload: dict[str, Any]) -> Any:
        return mia.post("/app/audit/kirim/", json.dumps(payload), content_type="application/json")

    first = send(body)
    assert first.status_code == 201, first.content
    assert first.json() == {"created": True, "submission_id": body["submission_id"]}
    again = send(body)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert Audit.objects.count() == 1
    assert "score" not in first.json()
    bad = send({**body, "submission_id": str(uuid.uuid4()), "answers": {"ABL1": "maybe"}})
    assert bad.status_code == 400
    assert "answers.ABL1" in bad.json()["errors"]
    assert send({**body, "assignment": w.spv_task.pk}).status_code == 404
    assert Audit.objects.count() == 1
    # a supervisor's own audit without an assignment, the same way
    spv = client(w.spv)
    own = {**body, "assignment": None, "unit": w.upt1.pk, "submission_id": str(uuid.uuid4())}
    r = spv.post("/app/audit/kirim/", json.dumps(own), content_type="application/json")
    assert r.status_code == 201
    # another user may not reuse a stored submission id
    r = spv.post(
        "/app/audit/kirim/",
        json.dumps({**own, "submission_id": body["submission_id"]}),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert "submission_id" in r.json()["errors"]
    assert (
        Client().post("/app/audit/kirim/", "{}", content_type="application/json").status_code == 401
    )


# -- a supervisor's audit, its scores and corrective actions -----------------------------------
def test_a_supervisor_audits_sees_the_scores_and_follows_up(w):
    spv = client(w.spv)
    assert spv.get("/app/audit/baru/").status_code == 200
    assert spv.get(f"/app/audit/baru/?unit={w.upt2.pk}").status_code == 404  # not spv1's
    form = spv.get(f"/app/audit/baru/?unit={w.upt1.pk}&lang=en")
    assert form.status_code == 200
    data = form_data(FAILING, unit=w.counter.pk, staff_member=w.ani.pk, service=w.service.pk)
    r = spv.post(f"/app/audit/baru/?unit={w.upt1.pk}", data)
    assert r.status_code == 302
    audit = Audit.objects.get()
    assert r["Location"] == f"/app/audit/{audit.pk}/?saved=1"
    page = spv.get(r["Location"] + "&lang=en").content.decode()
    assert "Failed on a critical line" in page
    assert CRITICAL.text["en"] in page
    assert 'id="critical-failures"' in page
    # a corrective action on the critical line, due in 5 working days
    r = spv.post(
        f"/app/audit/{audit.pk}/tindakan/",
        {
            "line_id": CRITICAL.id,
            "description": "Latihan ulang",
            "owner": w.staff.pk,
            "working_days": "5",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    action = CorrectiveAction.objects.get()
    today = local_date(w.alpha, timezone.now())
    assert action.due_date == calendar_for(w.alpha).add_working_days(today, 5)
    assert (action.owner, action.status, action.line_id) == (w.staff, "open", CRITICAL.id)
    # a line that passed is refused
    passed_line = next(line.id for line in A6.lines if line.id != CRITICAL.id)
    r = spv.post(
        f"/app/audit/{audit.pk}/tindakan/",
        {"line_id": passed_line, "description": "x", "owner": w.staff.pk, "working_days": "5"},
    )
    assert r.status_code == 400
    # the owner sees it among the actions, marks it done, cannot verify it
    staff = client(w.staff)
    assert "Latihan ulang" in staff.get("/app/audit/tindakan/").content.decode()
    assert (
        staff.post(f"/app/audit/tindakan/{action.pk}/", {"status": "verified"}).status_code == 400
    )
    assert staff.post(f"/app/audit/tindakan/{action.pk}/", {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_at is not None
    assert staff.get(f"/app/audit/{audit.pk}/").status_code == 404  # staff see no scores
    # the re-audit: from the action, a new audit of the unit, linked
    reaudit_form = spv.get(f"/app/audit/baru/?action={action.pk}")
    assert reaudit_form.status_code == 200
    now = timezone.now().astimezone(calendar_zone(w.alpha)).strftime("%Y-%m-%dT%H:%M")
    r = spv.post(
        f"/app/audit/baru/?action={action.pk}",
        form_data(PASSING, unit=w.counter.pk, observed_at=now),
    )
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.reaudit is not None
    assert action.reaudit.verdict == "passed"
    r = spv.post(
        f"/app/audit/tindakan/{action.pk}/", {"status": "verified", "reaudit": action.reaudit_id}
    )
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    # outsiders of the unit: 404
    assert client(w.spv2).get(f"/app/audit/tindakan/{action.pk}/").status_code == 404
    assert client(w.spv2).get(f"/app/audit/{audit.pk}/").status_code == 404


def test_the_overdue_check_notifies_once(w):
    audit = audit_record(
        organization=w.alpha,
        unit=w.counter,
        auditor=w.spv,
        kind="supervisor",
        observed_at=timezone.now(),
        answers=FAILING,
    )
    action = CorrectiveAction.objects.create(
        organization=w.alpha,
        audit=audit,
        description="Perbaiki papan nama",
        owner=w.staff,
        due_date=local_date(w.alpha, timezone.now()),
        created_by=w.spv,
    )
    assert actions_check().notified == []  # due today: not overdue yet
    later = (timezone.now() + timedelta(days=3)).isoformat()
    call_command("audits", "check", now=later)
    call_command("audits", "check", now=later)
    notes = Notification.objects.filter(user=w.staff)
    assert notes.count() == 1
    assert notes.get().url == f"/app/audit/tindakan/{action.pk}/"
    assert client(w.staff).get("/app/pemberitahuan/").status_code == 200
    action.refresh_from_db()
    assert action.overdue_notified_at is not None
    # a done action is not overdue
    CorrectiveAction.objects.filter(pk=action.pk).update(status="done", overdue_notified_at=None)
    assert actions_check(now=datetime.fromisoformat(later)).notified == []
