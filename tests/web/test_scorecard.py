"""The triple-win scorecard (issue 12, point 5) through the API, checked by hand.

UPT Alpha Satu (with Loket Satu) in August 2026 against July:

- customer: SKM July 3 respondents answering 3 everywhere (IKM 75,00, mutu C); August two
  answering 4 and one answering 3 (NRR 11/3 per unsur, IKM 91,67, mutu A); change +16,67.
  Quick survey NPS August 10, 9, 6, 8 (promoters 2, passive 1, detractor 1: NPS 25), July 3, 4
  (NPS -100); "kembali" August 1, 1, 0, 1 (0,75), July 0, 0.
- employee (threshold 5): August 6 in UPT Alpha Satu's own staff and 2 in Loket Satu (the
  subtree 8: shown; Loket Satu alone "<5"), 5 in UPT Alpha Dua (shown); everyone expects 5,
  four of UPT Alpha Satu's subtree experience 4 and four 3: gaps -1 x 4 and -2 x 4, mean -1,5,
  SD sqrt(2/7), 95% t interval -1,5 -/+ t(0,975; 7) SD / sqrt(8) = -1,947 .. -1,053: *tidak
  memuaskan*. eNPS 10, 10, 9, 8, 7, 6, 5, 0: promoters 3, detractors 3: 0.
- organization: the cases of ``complaint_fixture.py``: 4 received in August, resolved on time 2
  of 3 (Wilson), satisfaction 5, 4, 4 (mean 4,33, 2,90 .. 5,77); July: one case, open.
- verdict: the employee side is losing (its gap is *tidak memuaskan*), the others hold.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from prima.metrics.nps import nps_from_counts
from prima.metrics.proportions import newcombe_difference, wilson
from prima.metrics.student_t import t_ppf
from prima.surveys import services as srv
from prima.surveys.models import Instrument
from tests.web.complaint_fixture import T_975_2, Clock, build_august
from tests.web.personas import build_world, skm_answers

WIB = ZoneInfo("Asia/Jakarta")
URL = "/api/v1/scorecards/triple-win"


def _submit(survey, answers, unit, day):
    sub = srv.Submission(
        submission_id=uuid.uuid4(),
        answers=answers,
        unit_id=unit.pk,
        submitted_at=datetime(2026, *day, 10, 0, tzinfo=WIB),
    )
    srv.response_submit(survey=survey, submission=sub)


def _employee(performance: int, enps: int) -> dict[str, int]:
    version = Instrument.objects.get(key="internal").latest()
    out = {q.key: (5 if q.key.endswith(".harapan") else performance) for q in version.questions}
    out["enps"] = enps
    return out


@pytest.fixture
def world(db, monkeypatch):
    w = build_world()
    for answers, unit, day in (
        (skm_answers(), w.upt1, (7, 6)),
        (skm_answers(), w.loket1, (7, 7)),
        (skm_answers(), w.upt1, (7, 8)),
        ({f"U{i}": 4 for i in range(1, 10)}, w.upt1, (8, 3)),
        ({f"U{i}": 4 for i in range(1, 10)}, w.loket1, (8, 4)),
        (skm_answers(), w.upt1, (8, 5)),
    ):
        _submit(w.skm, answers, unit, day)
    quick = srv.survey_create(
        organization=w.alpha,
        title="Cepat Alpha",
        instrument=Instrument.objects.get(key="quick"),
        units=[w.upt1, w.upt2],
    )
    for nps, back, day in ((10, 1, (8, 3)), (9, 1, (8, 4)), (6, 0, (8, 5)), (8, 1, (8, 6))):
        _submit(quick, {"csat": 4, "nps": nps, "kembali": back}, w.upt1, day)
    for nps, day in ((3, (7, 3)), (4, (7, 4))):
        _submit(quick, {"csat": 2, "nps": nps, "kembali": 0}, w.upt1, day)
    w.employee = srv.survey_create(
        organization=w.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[w.upt1, w.upt2, w.loket1],
    )
    subtree = [(4, 10, w.upt1), (4, 10, w.upt1), (4, 9, w.upt1), (4, 8, w.loket1)]
    subtree += [(3, 7, w.upt1), (3, 6, w.upt1), (3, 5, w.upt1), (3, 0, w.loket1)]
    for performance, enps, unit in subtree:
        _submit(w.employee, _employee(performance, enps), unit, (8, 11))
    for _ in range(5):
        _submit(w.employee, _employee(5, 9), w.upt2, (8, 12))
    build_august(w, Clock(monkeypatch))
    return w


def _card(world, persona="alice", **query):
    response = world.api(persona).get(URL, {"period": "2026-08", **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_scorecard_by_hand(world):
    """One scorecard read side by side (one fixture: it is slow to build)."""
    card = _card(world, unit=world.upt1.pk)
    _customer_side(world, card)
    _employee_side(world, card["employee"])
    _organization_side(card["organization"])
    assert card["verdict"] == {
        "losing": ["employee"],
        "status": {"customer": "holding", "employee": "losing", "organization": "holding"},
        "summary": "employee",
    }


def _customer_side(world, card):
    assert (card["period"], card["previous_period"]) == ("2026-08", "2026-07")
    customer = card["customer"]
    index = customer["index"]
    assert (index["method"], index["survey"], index["n"]) == ("ikm", world.skm.code, 3)
    assert index["value"] == pytest.approx(275 / 3)  # NRR 11/3 x 25
    assert index["previous"] == pytest.approx(75.0)
    assert index["change"] == pytest.approx(275 / 3 - 75)
    assert index["below_standard"] is False  # mutu A
    # respondents' scores 100, 100, 75 against 75, 75, 75: Welch with df 2
    half = T_975_2 * math.sqrt((25**2 / 3) / 3)
    assert index["change_ci_low"] == pytest.approx(25 / 3 * 2 - half)
    assert index["change_ci_high"] == pytest.approx(25 / 3 * 2 + half)
    nps = customer["nps"]
    expected = nps_from_counts(2, 1, 1)
    assert (nps["value"], nps["n"], nps["previous"]) == (25.0, 4, -100.0)
    assert (nps["ci_low"], nps["ci_high"]) == (expected.ci_low, expected.ci_high)
    assert customer["responses"] == 3 + 4
    assert customer["previous_responses"] == 3 + 2
    assert customer["status"] == "holding"


def _employee_side(world, employee):
    assert (employee["survey"], employee["k"], employee["suppressed"]) == (
        world.employee.code,
        5,
        False,
    )
    assert employee["n"] == 8
    gap = employee["gap"]
    sd = math.sqrt(2 / 7)
    half = t_ppf(0.975, 7) * sd / math.sqrt(8)
    assert gap["value"] == pytest.approx(-1.5)
    assert (gap["ci_low"], gap["ci_high"]) == pytest.approx((-1.5 - half, -1.5 + half))
    assert gap["below_standard"] is True  # tidak memuaskan
    assert gap["previous"] is None
    assert employee["enps"]["value"] == 0.0
    assert employee["enps"]["n"] == 8
    assert employee["status"] == "losing"
    assert employee["reasons"] == [{"measure": "gap", "reason": "below_standard"}]


def _organization_side(side):
    back = side["loyalty"]["return_intent"]
    expected = wilson(3, 4)
    assert (back["value"], back["n"], back["ci_low"], back["ci_high"]) == (
        0.75,
        4,
        expected.ci_low,
        expected.ci_high,
    )
    change = newcombe_difference((0, 2), (3, 4))
    assert (back["previous"], back["change"]) == (0.0, 0.75)
    assert (back["change_ci_low"], back["change_ci_high"]) == (change.ci_low, change.ci_high)
    assert side["loyalty"]["nps"]["value"] == 25.0
    handling = side["handling"]
    assert (handling["received"], handling["resolved"]) == (4, 3)
    on_time = handling["on_time"]
    assert on_time["value"] == pytest.approx(2 / 3)
    assert (on_time["ci_low"], on_time["ci_high"]) == (wilson(2, 3).ci_low, wilson(2, 3).ci_high)
    assert on_time["previous"] is None  # July: nothing resolved
    satisfaction = handling["satisfaction"]
    half = T_975_2 * math.sqrt(1 / 3) / math.sqrt(3)
    assert satisfaction["value"] == pytest.approx(13 / 3)
    assert (satisfaction["ci_low"], satisfaction["ci_high"]) == pytest.approx(
        (13 / 3 - half, 13 / 3 + half)
    )
    assert side["volume"] == {"responses": 7, "cases": 4, "total": 11, "previous_total": 5 + 1}
    assert side["status"] == "holding"


def test_the_employee_side_obeys_the_threshold(world):
    small = _card(world, unit=world.loket1.pk)["employee"]
    assert small["suppressed"] is True
    assert small["n"] == "<5"
    assert (small["gap"], small["enps"], small["status"]) == (None, None, "unknown")
    whole = _card(world)["employee"]
    assert (whole["suppressed"], whole["n"]) == (False, 13)
    raised = world.alpha
    raised.disclosure_threshold = 9
    raised.save()
    assert _card(world, unit=world.upt1.pk)["employee"]["n"] == "<9"


def test_who_may_see_which_scorecard(world):
    assert world.api("bob").get(URL, {"unit": world.upt1.pk}).status_code == 200
    for persona, query, status, field in (
        ("bob", {"unit": world.upt2.pk}, 404, "unit"),  # outside his subtree
        ("bob", {}, 422, "unit"),  # a unit manager names a unit
        ("charlie", {"unit": world.upt1.pk}, 404, "unit"),  # another tenant
        ("mallory", {"unit": world.upt1.pk}, 404, "unit"),
        ("alice", {"unit": 999999}, 404, "unit"),
        ("alice", {"period": "2026-13"}, 422, "period"),
        ("charlie", {"organization": "alpha"}, 404, "organization"),
    ):
        response = world.api(persona).get(URL, query)
        assert response.status_code == status, (persona, query, response.content)
        assert field in response.content.decode()
    assert world.api(None).get(URL).status_code == 401


def test_the_schema_documents_it_and_the_default_period_is_the_current_quarter(world):
    schema = world.api("alice").get("/api/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert set(operation["responses"]) >= {"200", "401", "404", "422"}
    card = schema["components"]["schemas"]["ScorecardOut"]
    assert {"unit", "period", "customer", "employee", "organization", "verdict"} <= set(
        card["properties"]
    )

    card = world.api("alice").get(URL).json()
    assert card["period"] == "2026-Q3"  # the clock stands on 28 August 2026
    assert card["previous_period"] == "2026-Q2"


# -- the page and its PDF ------------------------------------------------------------------------
PAGE = "/app/kartu-skor/"


def test_the_page_shows_the_same_numbers_in_both_languages(world):
    client = world.client("alice")
    page = client.get(PAGE, {"unit": world.upt1.pk, "period": "2026-08", "lang": "id"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kartu skor" in html
    assert "91,67" in html  # IKM
    assert "-1,50" in html  # the employees' overall gap
    assert "66,7 %" in html  # complaints resolved on time
    assert "Sisi pegawai kalah." in html
    english = client.get(PAGE, {"unit": world.upt1.pk, "period": "2026-08", "lang": "en"})
    text = english.content.decode()
    assert "91.67" in text
    assert "The employee side is losing." in text


def test_the_page_hides_small_employee_groups_and_escapes_names(world):
    world.loket1.name = "Loket <script>alert(1)</script>"
    world.loket1.save()
    html = (
        world.client("alice")
        .get(PAGE, {"unit": world.loket1.pk, "period": "2026-08", "lang": "en"})
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    employee = html.split('id="side-employee-card"')[1].split("</section>")[0]
    assert "Fewer than 5 employees answered here (&lt;5)" in employee
    assert "<table" not in employee


def test_who_may_open_the_page(world):
    assert world.client("bob").get(PAGE).status_code == 200  # starts on his unit
    assert world.client("bob").get(PAGE, {"unit": world.upt2.pk}).status_code == 404
    assert world.client("charlie").get(PAGE, {"unit": world.upt1.pk}).status_code == 404
    assert world.client("mallory").get(PAGE).status_code == 404
    assert world.client(None).get(PAGE).status_code == 302  # to the sign-in page
    bad = world.client("alice").get(PAGE, {"period": "2026-13", "lang": "en"})
    assert bad.status_code == 400
    assert "The period 2026-13 is not valid" in bad.content.decode()


def test_the_pdf_has_the_numbers_of_the_page(world, tmp_path):
    import subprocess

    response = world.client("alice").get(
        PAGE + "pdf/", {"unit": world.upt1.pk, "period": "2026-08", "lang": "id"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "kartu.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for figure in ("91,67", "-1,50", "66,7 %", "4,33", "75,0 %"):
        assert figure in text, figure
    assert world.client("bob").get(PAGE + "pdf/", {"unit": world.upt2.pk}).status_code == 404


def test_internal_first_compares_the_units_the_threshold_shows(world):
    """UPT Alpha Satu (gap -1,5; IKM 91,67), UPT Alpha Dua (gap 0; IKM 50), two new units (gap
    -1 and -2; IKM 75 each); Loket Satu (2 employees) is left out. Spearman's rho as SciPy's."""
    from scipy.stats import spearmanr

    from prima.organizations import services as org

    units = [
        org.unit_create(organization=world.alpha, name=f"UPT Alpha {n}", parent=world.dinas)
        for n in ("Tiga", "Empat")
    ]
    world.skm.units.add(*units)
    world.employee.units.add(*units)
    srv._units_cache.clear()  # the survey's units are reused for a few seconds per process
    for unit, performance in zip(units, (4, 3), strict=True):
        for _ in range(5):
            _submit(world.employee, _employee(performance, 8), unit, (8, 13))
        _submit(world.skm, skm_answers(), unit, (8, 14))
    for _ in range(2):
        _submit(world.skm, {f"U{i}": 2 for i in range(1, 10)}, world.upt2, (8, 14))
    html = world.client("alice").get(PAGE, {"period": "2026-08", "lang": "en"}).content.decode()
    table = html.split('id="internal-first-table"')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert names == ["UPT Alpha Satu", "UPT Alpha Dua", "UPT Alpha Tiga", "UPT Alpha Empat"]
    internal, customer = [-1.5, 0.0, -1.0, -2.0], [275 / 3, 50.0, 75.0, 75.0]
    rho = spearmanr(internal, customer).statistic
    assert f"Spearman's rho {rho:.2f}" in unescape(html)
    assert "4 units" in html
    assert "The data cannot tell whether units" in html  # four units: a wide interval
    assert "1 unit with employee answers is left out by the confidentiality threshold." in html
    assert 'data-spec="internal-first-spec"' in html
