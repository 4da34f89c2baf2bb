"""An organization adds its own audit checklists in ``/manage/`` (issue 13 point 1): a shop's
checklist as JSON, stored as versions by prima.audits.services.checklist_save, refused with the
error at the Definition field, kept to its organization, and offered where checklists are
chosen (an audit plan, then its assignment's form). Through the whole HTTP stack; SQLite and
PostgreSQL."""

from __future__ import annotations

import copy
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from prima.audits import planning
from prima.audits.models import Audit, Checklist, ChecklistVersion
from prima.audits.selectors import checklist_versions_for
from prima.audits.services import (
    AuditError,
    audit_record,
    builtin_checklist_version,
    checklist_save,
)
from prima.organizations import services as org
from prima.organizations.choices import Role

pytestmark = pytest.mark.django_db

ADD = "/manage/audits/checklist/add/"
LIST = "/manage/audits/checklist/"

SHOP: dict[str, Any] = {
    "code": "toko",
    "version": 1,
    "title": {"id": "Audit Kasir Toko", "en": "Shop till audit"},
    "pass_mark": 75,
    "groups": [
        {
            "a": "attitude",
            "text": {"id": "Sikap", "en": "Attitude"},
            "lines": [
                {
                    "id": "T1",
                    "text": {"id": "Kasir menyapa pembeli.", "en": "The cashier greets."},
                    "weight": 1,
                    "answer": "yes_no",
                },
                {
                    "id": "T2",
                    "text": {"id": "Kasir memberi kembalian yang benar.", "en": "Right change."},
                    "weight": 2,
                    "answer": "yes_no",
                    "critical": True,
                },
            ],
        },
        {
            "a": "action",
            "lines": [
                {
                    "id": "T3",
                    "text": "Struk diberikan kepada pembeli.",
                    "weight": 1.5,
                    "answer": "scale4",
                }
            ],
        },
    ],
}
SHOP_ANSWERS = {"T1": "yes", "T2": "yes", "T3": 4}


@pytest.fixture
def w() -> SimpleNamespace:
    w = SimpleNamespace()
    w.alpha = org.organization_create(name="Toko Alpha", slug="alpha", kind="commercial")
    w.root = org.unit_create(organization=w.alpha, name="Toko Pusat")
    w.branch = org.unit_create(organization=w.alpha, name="Cabang Satu", parent=w.root)
    w.admin = org.user_create(username="admin-alpha")
    org.membership_grant(user=w.admin, organization=w.alpha, role=Role.ADMIN)
    w.manager = org.user_create(username="manager-alpha")
    org.membership_grant(user=w.manager, organization=w.alpha, role=Role.MANAGER, unit=w.branch)
    w.beta = org.organization_create(name="Bank Beta", slug="beta", kind="commercial")
    w.beta_unit = org.unit_create(organization=w.beta, name="Teller Beta")
    w.beta_admin = org.user_create(username="admin-beta")
    org.membership_grant(user=w.beta_admin, organization=w.beta, role=Role.ADMIN)
    return w


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(definition: Any) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=2)


def field_errors(response: Any) -> list[str]:
    """The errors shown at the Definition field of a refused form."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    assert set(form.errors) == {"definition"}, form.errors
    return [str(e) for e in form.errors["definition"]]


def refusal(w: SimpleNamespace, definition: Any) -> str:
    """What checklist_save answers to ``definition`` (the installation's language)."""
    with pytest.raises(AuditError) as caught:
        checklist_save(organization=w.alpha, definition=definition)
    (message,) = caught.value.errors.values()
    return message


def add_shop(w: SimpleNamespace) -> Checklist:
    r = client(w.admin).post(ADD, {"organization": w.alpha.pk, "definition": text(SHOP)})
    assert r.status_code == 302, r.content.decode()[:3000]
    return Checklist.objects.get(organization=w.alpha, code="toko")


def test_an_admin_adds_a_shop_checklist_stored_as_version_1(w):
    admin = client(w.admin)
    form = admin.get(ADD)
    assert form.status_code == 200
    # a new checklist starts as a copy of the built-in A6 under its own code
    assert "a6-own" in form.content.decode()
    checklist = add_shop(w)
    assert (checklist.title, checklist.organization) == ("Audit Kasir Toko", w.alpha)
    version = checklist.versions.get()
    assert (version.number, version.definition) == (1, SHOP)
    parsed = version.parsed
    assert [line.id for line in parsed.lines if line.critical] == ["T2"]
    # the list: code, title, versions count, latest version
    page = admin.get(LIST).content.decode()
    assert "toko" in page
    assert "Audit Kasir Toko" in page
    assert "v1" in page
    # built-in checklists are not listed (they change only with the software)
    assert "Audit Pelayanan Prima A6" not in page
    # the change form starts from the latest version's JSON
    change = admin.get(f"{LIST}{checklist.pk}/change/").content.decode()
    assert "Kasir memberi kembalian yang benar." in change


def test_a_new_version_is_stored_beside_the_old_one_and_audits_keep_theirs(w):
    checklist = add_shop(w)
    v1 = checklist.versions.get()
    audit = audit_record(
        organization=w.alpha,
        unit=w.branch,
        auditor=w.admin,
        kind="supervisor",
        observed_at=timezone.now(),
        answers=SHOP_ANSWERS,
        checklist_version=v1,
    )
    v2_definition = copy.deepcopy(SHOP) | {"version": 2}
    v2_definition["title"] = {"id": "Audit Kasir Toko (baru)", "en": "Shop till audit (new)"}
    v2_definition["groups"][1]["lines"].append(
        {"id": "T4", "text": "Kasir menawarkan kantong belanja.", "weight": 1, "answer": "yes_no"}
    )
    r = client(w.admin).post(f"{LIST}{checklist.pk}/change/", {"definition": text(v2_definition)})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert list(checklist.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert Checklist.objects.filter(organization=w.alpha).count() == 1
    checklist.refresh_from_db()
    assert checklist.title == "Audit Kasir Toko (baru)"
    audit.refresh_from_db()
    assert audit.checklist_version == v1
    assert v1.definition == SHOP
    assert set(audit.answers.values_list("line_id", flat=True)) == {"T1", "T2", "T3"}
    shown = client(w.admin).get(f"/app/audit/{audit.pk}/").content.decode()
    assert "Kasir memberi kembalian yang benar." in shown
    assert "kantong belanja" not in shown  # v2's new line is not on the v1 audit
    page = client(w.admin).get(LIST).content.decode()
    assert "v2" in page
    change = client(w.admin).get(f"{LIST}{checklist.pk}/change/").content.decode()
    assert "Kasir menawarkan kantong belanja." in change  # the latest version's JSON
    # a checklist with audits is not deleted (they keep their version: PROTECT)
    r = client(w.admin).post(f"{LIST}{checklist.pk}/delete/", {"post": "yes"})
    assert r.status_code == 200
    assert checklist.versions.count() == 2
    assert "v1: 1" in change
    assert "v2: 0" in change


def test_the_same_version_with_other_contents_is_refused_at_the_field(w):
    checklist = add_shop(w)
    changed = copy.deepcopy(SHOP)
    changed["groups"][0]["lines"][0]["weight"] = 3
    r = client(w.admin).post(f"{LIST}{checklist.pk}/change/", {"definition": text(changed)})
    assert field_errors(r) == [refusal(w, changed)]  # checklist_save's message, at the field
    assert ChecklistVersion.objects.filter(checklist=checklist).count() == 1
    assert checklist.versions.get().definition == SHOP
    # the same contents again are no change: still one version, nothing refused
    same = client(w.admin).post(f"{LIST}{checklist.pk}/change/", {"definition": text(SHOP)})
    assert same.status_code == 302
    assert checklist.versions.count() == 1


def test_bad_json_and_bad_checklists_are_refused_naming_where(w):
    admin = client(w.admin)
    broken = text(SHOP).replace('"weight": 2,', '"weight": 2', 1)  # a missing comma
    # json reports the line after the missing comma, at its first character
    line = text(SHOP).splitlines().index('          "weight": 2,') + 2
    after = text(SHOP).splitlines()[line - 1]
    column = len(after) - len(after.lstrip()) + 1
    errors = field_errors(admin.post(ADD, {"organization": w.alpha.pk, "definition": broken}))
    assert "JSON" in errors[0]
    assert re.search(rf"\b{line}\b\D+\b{column}\b", errors[0]), errors[0]
    bad = copy.deepcopy(SHOP)
    bad["groups"][0]["lines"][1]["answer"] = "maybe"
    errors = field_errors(admin.post(ADD, {"organization": w.alpha.pk, "definition": text(bad)}))
    assert "line T2" in errors[0]
    assert '"answer"' in errors[0]
    # a second checklist with the code of one the organization has: open that one instead
    add_shop(w)
    again = copy.deepcopy(SHOP) | {"version": 5}
    errors = field_errors(admin.post(ADD, {"organization": w.alpha.pk, "definition": text(again)}))
    assert "toko" in errors[0]
    # editing cannot switch a checklist to another code
    checklist = Checklist.objects.get(organization=w.alpha)
    other = copy.deepcopy(SHOP) | {"code": "bank", "version": 2}
    errors = field_errors(admin.post(f"{LIST}{checklist.pk}/change/", {"definition": text(other)}))
    assert "toko" in errors[0]
    assert Checklist.objects.filter(organization=w.alpha).count() == 1
    assert ChecklistVersion.objects.filter(checklist__organization=w.alpha).count() == 1


def test_another_organizations_admin_neither_sees_nor_changes_it(w):
    checklist = add_shop(w)
    beta = client(w.beta_admin)
    assert "Audit Kasir Toko" not in beta.get(LIST).content.decode()
    change = f"{LIST}{checklist.pk}/change/"
    r = beta.get(change)
    assert r.status_code == 302
    assert "/change/" not in r["Location"]
    v2 = copy.deepcopy(SHOP) | {"version": 2}
    beta.post(change, {"definition": text(v2)})
    beta.post(f"{LIST}{checklist.pk}/delete/", {"post": "yes"})
    assert checklist.versions.count() == 1
    # beta cannot add one for alpha either: the organization is not among its choices
    r = beta.post(ADD, {"organization": w.alpha.pk, "definition": text(v2)})
    assert r.status_code == 200
    assert "organization" in r.context["adminform"].form.errors
    assert not Checklist.objects.filter(organization=w.beta).exists()
    assert checklist.versions.count() == 1


def test_a_unit_manager_cannot_reach_the_page(w):
    checklist = add_shop(w)
    manager = client(w.manager)
    for url in (LIST, ADD, f"{LIST}{checklist.pk}/change/"):
        r = manager.get(url)
        assert r.status_code == 302, url
        assert r["Location"].startswith("/manage/login/"), url
    r = manager.post(ADD, {"organization": w.alpha.pk, "definition": text(SHOP | {"code": "x"})})
    assert r["Location"].startswith("/manage/login/")
    assert Checklist.objects.filter(organization=w.alpha).count() == 1


def test_the_own_checklist_is_offered_for_plans_and_used_by_their_assignments(w):
    checklist = add_shop(w)
    version = checklist.versions.get()
    beta_version = checklist_save(organization=w.beta, definition=SHOP | {"code": "teller"})
    builtin = builtin_checklist_version()  # stored on first use
    offered = set(checklist_versions_for(w.alpha))
    assert version in offered
    assert beta_version not in offered
    assert builtin in offered
    admin = client(w.admin)
    form = admin.get("/manage/audits/auditplan/add/")
    choices = set(form.context["adminform"].form.fields["checklist_version"].queryset)
    assert choices == {builtin, version}
    assert "Audit Kasir Toko v1" in form.content.decode()
    r = admin.post(
        "/manage/audits/auditplan/add/",
        {
            "organization": w.alpha.pk,
            "unit": w.branch.pk,
            "period": "2026-08",
            "target": "2",
            "checklist_version": version.pk,
            "assignments-TOTAL_FORMS": "1",
            "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
            "assignments-0-auditor": w.manager.pk,
            "assignments-0-count": "2",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assignment = planning.assignment_of(w.manager, w.manager.audit_assignments.get().pk)
    assert assignment is not None
    assert assignment.plan.checklist_version == version
    page = client(w.manager).get(f"/app/audit/tugas/{assignment.pk}/").content.decode()
    assert "Kasir memberi kembalian yang benar." in page
    assert not Audit.objects.exists()
