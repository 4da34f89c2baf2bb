"""Auditor calibration (issue 13, point 4) and the audit's PDF (point 2's acceptance line).

The tiny fixture: two auditors (sue, a supervisor of UPT Alpha Satu, kind supervisor; alice, the
admin, kind mystery shopper) audit the same four encounters at Loket Satu (codes KAL-1..KAL-4).
Every line is answered alike ("yes" or 3) except:

- ABL1 (yes/no): yes/yes, yes/no, no/no, yes/yes. Cohen: po = 3/4, pe = 3/4*2/4 + 1/4*2/4 = 1/2,
  kappa = 0.5. Krippendorff (nominal): o_yy = 4, o_nn = 2, o_yn = o_ny = 1, n_yes = 5,
  n_no = 3, n = 8; alpha = 1 - 7 * 2 / (2 * 5 * 3) = 16/30 = 0.5333.
- ABL2 (1-4): 3/3, 4/3, 2/2, 4/4. Quadratic weights over the observed 2..4 (1, 0.75, 0):
  po = 3.75/4 = 0.9375, pe = 0.6875, kappa = 0.25/0.3125 = 0.8.
- ATD1 (yes/no) with a "not applicable": yes/na, yes/yes, no/no, yes/no. "na" is not rated:
  Cohen over the 3 encounters both rated, po = 2/3, pe = 4/9, kappa = 0.4 (n = 3); alpha over the
  same 3: 1 - 5 * 2 / (2 * 3 * 3) = 0.4444 (n = 3).

An encounter at UPT Alpha Dua (KAL-9) is outside bob's subtree.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime

import numpy as np
import pytest
from django.test import Client

from prima.audits import planning
from prima.audits.models import Audit, CorrectiveAction
from prima.audits.services import AuditError, audit_record
from prima.calibration.report import agreement_report, code
from prima.metrics.agreement import cohen_kappa, krippendorff_alpha
from prima.organizations import services as org
from prima.organizations.choices import Role
from tests.web.personas import A6_AUDIT, build_world

pytestmark = pytest.mark.django_db

LIST = "/app/kalibrasi/"
ALIKE = {line.id: "yes" if line.answer == "yes_no" else "3" for line in A6_AUDIT.lines}
FIRST = {  # sue's answers per encounter (the lines that differ from ALIKE)
    1: {"ABL1": "yes", "ABL2": "3", "ATD1": "yes"},
    2: {"ABL1": "yes", "ABL2": "4", "ATD1": "yes"},
    3: {"ABL1": "no", "ABL2": "2", "ATD1": "no"},
    4: {"ABL1": "yes", "ABL2": "4", "ATD1": "yes"},
}
SECOND = {  # alice's
    1: {"ABL1": "yes", "ABL2": "3", "ATD1": "na"},
    2: {"ABL1": "no", "ABL2": "3", "ATD1": "yes"},
    3: {"ABL1": "no", "ABL2": "2", "ATD1": "no"},
    4: {"ABL1": "yes", "ABL2": "4", "ATD1": "no"},
}


def _audit(world, auditor, kind, encounter, answers, unit=None, day=1):
    return audit_record(
        organization=world.alpha,
        unit=unit or world.loket1,
        auditor=auditor,
        kind=kind,
        observed_at=datetime(2026, 7, day, 3, 0, tzinfo=UTC),
        answers={**ALIKE, **answers},
        staff_member=world.staff1 if unit is None else None,
        encounter=encounter,
    )


@pytest.fixture
def world():
    w = build_world()
    w.users["sue"] = org.user_create(username="sue", first_name="Sue", last_name="Supervisor")
    org.membership_grant(
        user=w.users["sue"], organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt1
    )
    w.users["ted"] = org.user_create(username="ted")
    org.membership_grant(
        user=w.users["ted"], organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt2
    )
    w.users["mia"] = planning.mystery_shopper_create(
        organization=w.alpha, username="mia", password="mia-pass-2026", name="Mia"
    ).user
    for i in range(1, 5):
        _audit(w, w.users["sue"], "supervisor", f"KAL-{i}", FIRST[i], day=i)
        _audit(w, w.users["alice"], "mystery", f"KAL-{i}", SECOND[i], day=i)
    _audit(w, w.users["sue"], "supervisor", "", {}, day=5)  # no code: no calibration
    _audit(w, w.users["ted"], "supervisor", "KAL-9", {}, unit=w.upt2, day=6)
    _audit(w, w.users["alice"], "mystery", "KAL-9", {"APP1": "no"}, unit=w.upt2, day=6)
    return w


def _client(world, name):
    c = Client()
    c.force_login(world.users[name])
    return c


def _cells(page: str) -> dict[str, str]:
    return dict(re.findall(r'id="((?:a|line)-\w+-(?:kappa|alpha))">([^<]*)<', page))


def test_hand_checked_figures_on_the_page_equal_the_metrics(world):
    page = _client(world, "alice").get(
        LIST, {"period": "2026-07", "lang": "id", "unit": world.loket1.pk}
    )
    assert page.status_code == 200
    text = page.content.decode()
    cells = _cells(text)
    # by hand (the module's docstring), in the page's Indonesian format
    assert cells["line-ABL1-kappa"] == "0,500"
    assert cells["line-ABL1-alpha"] == "0,533"
    assert cells["line-ABL2-kappa"] == "0,800"
    assert cells["line-ATD1-kappa"] == "0,400"
    assert cells["line-ATD1-alpha"] == "0,444"
    # and the same as prima.metrics.agreement on the same ratings
    first = np.array([code(FIRST[i]["ABL1"]) for i in range(1, 5)])
    second = np.array([code(SECOND[i]["ABL1"]) for i in range(1, 5)])
    assert cohen_kappa(first, second).kappa == pytest.approx(0.5)
    assert krippendorff_alpha(np.column_stack([first, second])).alpha == pytest.approx(16 / 30)
    scale1 = np.array([float(FIRST[i]["ABL2"]) for i in range(1, 5)])
    scale2 = np.array([float(SECOND[i]["ABL2"]) for i in range(1, 5)])
    assert cohen_kappa(scale1, scale2, weights="quadratic").kappa == pytest.approx(0.8)
    # the A of ability pools ABL1-ABL3 (12 subjects; yes/no with 1-4: nominal, unweighted)
    pooled = np.vstack(
        [
            np.column_stack(
                [
                    [code({**ALIKE, **FIRST[i]}[line]) for i in range(1, 5)],
                    [code({**ALIKE, **SECOND[i]}[line]) for i in range(1, 5)],
                ]
            )
            for line in ("ABL1", "ABL2", "ABL3")
        ]
    )
    kappa = cohen_kappa(pooled[:, 0], pooled[:, 1]).kappa
    alpha = krippendorff_alpha(pooled, "nominal").alpha
    assert cells["a-ability-kappa"] == f"{kappa:.3f}".replace(".", ",")
    assert cells["a-ability-alpha"] == f"{alpha:.3f}".replace(".", ",")
    # small n: no reading band; "na" lines undefined where every rating is one category
    assert "n terlalu kecil" in text or "n too small" in text
    # the encounter list: the four pairs, not the audit without a code, nor KAL-9 elsewhere
    assert text.count('href="/app/kalibrasi/alpha/KAL-') == 4
    everything = _client(world, "alice").get(LIST, {"period": "2026-07"}).content.decode()
    assert everything.count('href="/app/kalibrasi/alpha/KAL-') == 5


def test_report_uses_one_implementation():
    answers = [[{**ALIKE, **FIRST[i]}, {**ALIKE, **SECOND[i]}] for i in range(1, 5)]
    report = agreement_report(A6_AUDIT, answers)
    by_line = {r.key: r for r in report.lines}
    assert by_line["ABL1"].kappa.value == pytest.approx(0.5)
    assert by_line["ABL1"].alpha.value == pytest.approx(16 / 30)
    assert by_line["ABL2"].kappa.detail == "quadratic"
    assert by_line["ABL2"].alpha.detail == "ordinal"
    assert by_line["ATD1"].kappa.n == 3
    assert by_line["ATD1"].alpha.n == 3
    assert by_line["ABL1"].kappa.band is None  # 4 < MIN_SUBJECTS
    assert by_line["ABL3"].kappa.value is None
    assert by_line["ABL3"].kappa.reason == "one_category"


def test_encounter_page_side_by_side_and_who_sees_names(world):
    admin = _client(world, "alice").get(f"{LIST}alpha/KAL-2/", {"lang": "en"})
    assert admin.status_code == 200
    page = admin.content.decode()
    assert "Supervisor audit · Sue Supervisor" in page
    assert "Mystery shopper · alice" in page  # the admin sees a mystery shopper's name
    assert re.search(r'id="differences">\s*2 lines answered differently', page)  # ABL1, ABL2
    assert page.count('class="calibration-differs"') == 2
    manager = _client(world, "bob").get(f"{LIST}alpha/KAL-2/", {"lang": "en"}).content.decode()
    assert "Sue Supervisor" in manager
    assert "Mystery shopper 1" in manager
    assert "alice" not in manager


def test_isolation(world):
    # another organization's encounter: 404 (its admin, a user without membership)
    for name in ("charlie", "mallory"):
        assert _client(world, name).get(f"{LIST}alpha/KAL-1/").status_code == 404
        assert _client(world, name).get(LIST, {"unit": world.loket1.pk}).status_code == 404
    assert _client(world, "mallory").get(LIST).status_code == 404
    own = _client(world, "charlie").get(LIST, {"period": "2026-07"})  # Bank Beta's: none
    assert own.status_code == 200
    assert "KAL-" not in own.content.decode()
    # a unit manager outside the subtree: bob manages UPT Alpha Satu, KAL-9 is at UPT Alpha Dua
    bob = _client(world, "bob")
    assert bob.get(f"{LIST}alpha/KAL-1/").status_code == 200
    assert bob.get(f"{LIST}alpha/KAL-9/").status_code == 404
    assert bob.get(LIST, {"unit": world.upt2.pk}).status_code == 404
    listing = bob.get(LIST, {"period": "2026-07"}).content.decode()
    assert "KAL-1" in listing
    assert "KAL-9" not in listing
    # a mystery shopper: refused (the gate), never a result
    mia = _client(world, "mia")
    assert mia.get(LIST).status_code == 403
    assert mia.get(f"{LIST}alpha/KAL-1/").status_code == 403
    audit = Audit.objects.filter(encounter="KAL-1").first()
    assert mia.get(f"/app/audit/{audit.pk}/pdf/").status_code == 403
    assert _client(world, "charlie").get(f"/app/audit/{audit.pk}/pdf/").status_code == 404
    assert Client().get(LIST).status_code == 302  # signed out: to the sign-in page


def test_encounter_code_is_checked_trimmed_and_shown(world):
    with pytest.raises(AuditError) as refused:
        _audit(world, world.users["sue"], "supervisor", "KAL 1/x", {})
    assert "encounter" in refused.value.errors
    with pytest.raises(AuditError):
        _audit(world, world.users["sue"], "supervisor", "K" * 41, {})
    audit = _audit(world, world.users["sue"], "supervisor", "  KAL-77 ", {})
    assert audit.encounter == "KAL-77"
    page = _client(world, "alice").get(f"/app/audit/{audit.pk}/", {"lang": "en"}).content.decode()
    assert '<span id="audit-encounter">KAL-77</span>' in page
    assert 'href="/app/kalibrasi/alpha/KAL-77/"' in page


def test_encounter_through_the_json_submission(world):
    import uuid

    c = _client(world, "alice")
    body = {
        "submission_id": str(uuid.uuid4()),
        "unit": world.loket1.pk,
        "observed_at": "2026-07-01T10:00:00+07:00",
        "answers": ALIKE,
        "encounter": "KAL-JSON-1",
    }
    response = c.post("/app/audit/kirim/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Audit.objects.get(submission_id=body["submission_id"]).encounter == "KAL-JSON-1"
    bad = {**body, "submission_id": str(uuid.uuid4()), "encounter": "KAL 1"}
    response = c.post("/app/audit/kirim/", bad, content_type="application/json")
    assert response.status_code == 400
    assert "encounter" in response.json()["errors"]


def test_encounter_on_the_form_and_a_reaudit_keeps_it_empty(world):
    c = _client(world, "sue")
    form = c.get("/app/audit/baru/", {"unit": world.loket1.pk}).content.decode()
    assert 'name="encounter"' in form
    data = {
        "submission_id": "6f1c1f43-0000-4000-8000-000000000001",
        "unit": world.loket1.pk,
        "observed_at": "2026-07-01T10:00",
        "note": "",
        "encounter": " KAL-F1 ",
        **{f"line_{k}": v for k, v in ALIKE.items()},
    }
    response = c.post(f"/app/audit/baru/?unit={world.loket1.pk}", data)
    assert response.status_code == 302, re.findall(
        r"ui-field__error[^<]*<|ui-notice--error.{0,300}", response.content.decode(), re.S
    )
    assert Audit.objects.get(submission_id=data["submission_id"]).encounter == "KAL-F1"
    bad = {**data, "submission_id": "6f1c1f43-0000-4000-8000-000000000002", "encounter": "a b"}
    response = c.post(f"/app/audit/baru/?unit={world.loket1.pk}", bad)
    assert response.status_code == 400
    assert "hyphens" in response.content.decode() or "tanda hubung" in response.content.decode()
    # a re-audit (for a corrective action) is no calibration pair: no field, and no code kept
    failed = Audit.objects.filter(encounter="KAL-1", kind="supervisor").get()
    action = CorrectiveAction.objects.create(
        organization=world.alpha,
        audit=failed,
        description="Sapa pelanggan",
        owner=world.users["sue"],
        due_date=date(2026, 7, 20),
        created_by=world.users["alice"],
    )
    reaudit_form = c.get("/app/audit/baru/", {"action": action.pk}).content.decode()
    assert 'name="encounter"' not in reaudit_form
    again = {**data, "submission_id": "6f1c1f43-0000-4000-8000-000000000003"}
    response = c.post(f"/app/audit/baru/?action={action.pk}", again)
    assert response.status_code == 302
    assert Audit.objects.get(submission_id=again["submission_id"]).encounter == ""


def _page_figures(page: str) -> tuple[str, list[str], str]:
    overall = re.search(r'id="audit-score"[^>]*>\s*([^<]+?)\s*<', page)
    assert overall is not None
    per_a = re.findall(
        r'<tr class="ui-row--muted"><th scope="row">[^<]+</th><td></td><td class="ui-num">([^<]+)</td>',
        page,
    )
    verdict = re.search(r'id="audit-verdict">.*?class="ui-badge[^"]*"[^>]*>([^<]+)<', page, re.S)
    assert verdict is not None
    return overall.group(1), per_a, verdict.group(1).strip()


def test_pdf_of_an_audit_has_the_numbers_of_the_page(world, tmp_path):
    audit = Audit.objects.filter(encounter="KAL-2", kind="mystery").get()
    audit.note = "Catatan <b>tebal</b> & rapi"
    audit.save(update_fields=["note"])
    c = _client(world, "alice")
    page = c.get(f"/app/audit/{audit.pk}/", {"lang": "id"}).content.decode()
    overall, per_a, verdict = _page_figures(page)
    assert len(per_a) == 6
    assert f'href="/app/audit/{audit.pk}/pdf/"' in page
    response = c.get(f"/app/audit/{audit.pk}/pdf/", {"lang": "id"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "audit.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert overall in flat
    for value in per_a:
        assert value in flat, value
    assert verdict in flat
    assert "Dinas Alpha" in flat
    assert "Loket Satu" in flat
    assert "Siti Petugas" in flat
    observed = re.search(r'id="audit-observed">([^<]+)<', page)
    assert observed is not None
    assert observed.group(1) in flat
    assert "KAL-2" in flat
    assert "Catatan <b>tebal</b> & rapi" in flat  # escaped: shown as typed
    # pdftoppm renders it (the acceptance line): one A4 page image at least
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))


def test_api_gives_the_figures_of_the_page(world):
    api = world.api("alice")
    response = api.get(
        "/api/v1/calibration/agreement",
        {"organization": "alpha", "period": "2026-07", "unit": world.loket1.pk},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["encounters"] == ["KAL-4", "KAL-3", "KAL-2", "KAL-1"]
    assert body["raters"] == 2
    lines = {row["key"]: row for row in body["lines"]}
    assert lines["ABL1"]["kappa"]["method"] == "cohen"
    assert lines["ABL1"]["kappa"]["value"] == pytest.approx(0.5)
    assert lines["ABL1"]["alpha"]["value"] == pytest.approx(16 / 30)
    assert lines["ABL2"]["kappa"]["value"] == pytest.approx(0.8)
    assert lines["ABL2"]["kappa"]["detail"] == "quadratic"
    assert lines["ATD1"]["kappa"]["n"] == 3
    assert lines["ABL1"]["kappa"]["too_small"] is True
    assert lines["ABL1"]["kappa"]["band"] is None
    assert lines["ABL3"]["kappa"]["reason"] == "one_category"
    assert body["per_a"][0]["key"] == "ability"
    # scope: bob's subtree has no KAL-9; UPT Alpha Dua is 404 to him; another tenant 404
    bob = world.api("bob").get(
        "/api/v1/calibration/agreement", {"organization": "alpha", "period": "2026-07"}
    )
    assert bob.status_code == 200
    assert "KAL-9" not in bob.json()["encounters"]
    outside = {"period": "2026-07", "unit": world.upt2.pk}
    assert world.api("bob").get("/api/v1/calibration/agreement", outside).status_code == 404
    other = {"organization": "alpha", "period": "2026-07"}
    assert world.api("charlie").get("/api/v1/calibration/agreement", other).status_code == 404
    assert world.api(None).get("/api/v1/calibration/agreement", other).status_code == 401
    bad = world.api("alice").get("/api/v1/calibration/agreement", {"period": "2026-13"})
    assert bad.status_code == 422


def test_the_interval_is_shown_only_from_the_minimum_of_subjects():
    """Cohen's large-sample interval is left out where the reading says n is too small (a
    kappa of 0 on a handful of encounters had a standard error of 0: "0,000 – 0,000")."""
    from prima.calibration.report import MIN_SUBJECTS, Statistic
    from prima.calibration.views import _stat

    few = _stat(Statistic("cohen", MIN_SUBJECTS - 1, 0.0, 0.0, 0.0), "id")
    assert (few["value"], few["interval"]) == ("0,000", "")
    assert "n terlalu kecil" in few["reading"]
    enough = _stat(Statistic("cohen", MIN_SUBJECTS, 0.5, 0.1, 0.9), "id")
    assert enough["interval"] == "0,100 – 0,900"
