"""The dashboard's headline cards, its sections on demand and the survey list of /app/, through
the HTTP stack: the cards' figures by hand and equal to the detail, the change and its
significance from ``prima.metrics.compare``, sections with and without htmx, every section
and partial scoped to the viewer, English and Indonesian number formats."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prima.alerts.models import Alert, AlertKind
from prima.insights.periods import parse_period
from prima.insights.results import survey_results
from prima.metrics.compare import welch_t_test
from tests.web.personas import World, skm_answers, submit

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")
ALL_4 = {f"U{i}": 4 for i in range(1, 10)}
ALL_3 = {f"U{i}": 3 for i in range(1, 10)}
ALL_2 = {f"U{i}": 2 for i in range(1, 10)}


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=JAKARTA)


def url(world: World, query: str = "", survey: Any = None) -> str:
    return f"/app/surveys/{(survey or world.skm).code}/" + (f"?{query}" if query else "")


@pytest.fixture
def two_months(world: World) -> World:
    """January 2025: two respondents answering 4 everywhere (IKM 100); February 2025: one
    answering 3 and one 2 everywhere (every NRR 2,5: IKM 62,50)."""
    for answers in (ALL_4, ALL_4):
        submit(world.skm, answers, unit=world.loket1, submitted_at=at(2025, 1))
    for answers in (ALL_3, ALL_2):
        submit(world.skm, answers, unit=world.upt2, submitted_at=at(2025, 2))
    return world


def test_headline_figures_by_hand_and_equal_to_the_detail(two_months):
    w = two_months
    r = w.client("alice").get(url(w, "period=2025-02"))
    html = r.content.decode()
    # by hand: every unsur's NRR is (3 + 2) / 2 = 2,5, so IKM = 2,5 x 25 = 62,50 (mutu D)
    assert 'id="ikm-value">62,50<' in html
    assert 'id="response-count">2<' in html
    ikm = r.context["results"]["ikm"]
    assert ikm["ikm_converted"] == pytest.approx(62.5)
    head = r.context["board"].headline
    assert head.figure.value == ikm["ikm_converted"]
    assert head.figure.grade == ikm["grade"]
    assert head.figure.ci_low == ikm["respondent_score"]["ci_low"]
    # the NRR table of the detail (the first section) shows the same numbers
    table = re.search(r'id="nrr-table".*?</table>', html, re.S)[0]
    assert table.count('<td class="ui-num">2,500</td>') == 9


def test_the_change_and_its_significance_come_from_prima_metrics_compare(two_months, monkeypatch):
    w = two_months
    board = w.client("alice").get(url(w, "period=2025-02")).context["board"]
    change = board.headline.change
    assert change.previous.label == "2025-01"
    assert change.previous_value == pytest.approx(100.0)
    assert change.difference == pytest.approx(62.5 - 100.0)
    assert change.direction == "down"
    before = survey_results(w.skm, period=parse_period("2025-01"))["ikm"]["respondent_score"]
    after = survey_results(w.skm, period=parse_period("2025-02"))["ikm"]["respondent_score"]
    expected = welch_t_test(
        before["n"], before["mean"], before["sd"], after["n"], after["mean"], after["sd"]
    )
    assert change.test == expected
    assert change.significant == expected.significant
    html = w.client("alice").get(url(w, "period=2025-02")).content.decode()
    assert "-37,50" in html
    assert "Jan\u00a02025" in html  # compared with January, as people write it
    # a custom range compares with as many days just before it
    custom = w.client("alice").get(url(w, "from=2025-02-01&to=2025-02-28"))
    assert custom.context["board"].headline.change.previous.start.isoformat() == "2025-01-04"
    # no period chosen: the latest complete quarter (2025-Q1, February's, in May 2025) against
    # 2024-Q4, which had nobody, and the card says which quarters
    from prima.dashboard import board as dashboard

    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: date(2025, 5, 20))
    r = w.client("alice").get(url(w))
    head = r.context["board"].headline
    assert head.change_period.label == "2025-Q1"
    assert head.change.previous.label == "2024-Q4"
    assert not head.change.defined
    assert (
        "Perubahan untuk Triwulan\u00a0I\u00a02025, triwulan lengkap terakhir, belum dapat "
        "ditampilkan: tidak ada responden pada Triwulan\u00a0IV\u00a02024." in r.content.decode()
    )


def test_without_a_period_the_change_compares_the_latest_complete_quarter(world, monkeypatch):
    """The default view (all periods) compares the latest complete quarter with the one
    before it, tested like a chosen period's change, and says which quarters it compares; the
    quarter in progress does not count."""
    from prima.dashboard import board as dashboard

    w = world
    for answers in (ALL_4, ALL_4):  # 2025-Q1: IKM 100
        submit(w.skm, answers, unit=w.loket1, submitted_at=at(2025, 1))
    for answers in (ALL_3, ALL_2):  # 2025-Q2: every NRR 2,5, IKM 62,50
        submit(w.skm, answers, unit=w.upt2, submitted_at=at(2025, 4))
    submit(w.skm, ALL_4, unit=w.upt2, submitted_at=at(2025, 7, 2))  # 2025-Q3, in progress
    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: date(2025, 7, 20))
    r = w.client("alice").get(url(w))
    board = r.context["board"]
    # the figure stays the selection's, all periods (the world's three responses of today too)
    assert board.results["responses"] == 3 + 5
    change = board.headline.change
    assert (change.current.label, change.previous.label) == ("2025-Q2", "2025-Q1")
    assert change.current_value == pytest.approx(62.5)
    assert change.previous_value == pytest.approx(100.0)
    assert change.difference == pytest.approx(62.5 - 100.0)
    before = survey_results(w.skm, period=parse_period("2025-Q1"))["ikm"]["respondent_score"]
    after = survey_results(w.skm, period=parse_period("2025-Q2"))["ikm"]["respondent_score"]
    assert change.test == welch_t_test(
        before["n"], before["mean"], before["sd"], after["n"], after["mean"], after["sd"]
    )
    html = r.content.decode()
    assert "-37,50" in html
    assert (
        "Perubahan dari Triwulan\u00a0I\u00a02025 (100,00) ke Triwulan\u00a0II\u00a02025 "
        "(62,50), triwulan lengkap terakhir" in html
    )
    client = w.client("alice")
    client.cookies["django_language"] = "en"
    assert (
        "Change from Q1\u00a02025 (100.00) to Q2\u00a02025 (62.50), the latest complete quarter; "
        "tested two-sided at 5%." in client.get(url(w)).content.decode()
    )
    # the filters apply: Loket 1 had nobody in 2025-Q2
    unit = w.client("alice").get(url(w, f"unit={w.loket1.pk}")).context["board"].headline
    assert unit.change_period.label == "2025-Q2"
    assert unit.change is None
    # the quarter in progress becomes the latest complete one when it ends
    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: date(2025, 10, 1))
    later = w.client("alice").get(url(w)).context["board"].headline.change
    assert (later.current.label, later.previous.label) == ("2025-Q3", "2025-Q2")
    assert later.current_value == pytest.approx(100.0)


def test_no_change_without_respondents_before_and_no_warning_at_zero(two_months):
    w = two_months
    r = w.client("alice").get(url(w, "period=2024-12"))
    html = r.content.decode()
    assert r.context["results"]["responses"] == 0
    assert 'id="small-group"' not in html  # no small-group warning at n = 0
    assert 'id="no-responses"' in html
    assert "spec-nrr" not in html  # no chart drawn from no data
    after = w.client("alice").get(url(w, "period=2025-01")).context["board"].headline.change
    assert after is not None
    assert not after.defined  # December 2024 had nobody


def test_alerts_card_counts_the_selection_alerts_within_the_viewer_scope(two_months):
    w = two_months
    for unit in (w.loket1, w.upt2):
        Alert.objects.create(
            organization=w.alpha,
            survey=w.skm,
            unit=unit,
            period="2025-02",
            kind=AlertKind.THRESHOLD,
            metric="ikm",
            value=62.5,
        )
    assert w.client("alice").get(url(w, "period=2025-02")).context["board"].headline.alerts == 2
    assert w.client("alice").get(url(w, "period=2025-01")).context["board"].headline.alerts == 0
    assert w.client("alice").get(url(w, "period=2025")).context["board"].headline.alerts == 2
    # bob manages UPT Alpha Satu: only Loket Satu's alert
    assert w.client("bob").get(url(w, "period=2025-02")).context["board"].headline.alerts == 1
    page = w.client("alice").get(url(w, f"period=2025-02&unit={w.upt2.pk}"))
    assert 'id="open-alerts">1<' in page.content.decode()


def test_sections_load_in_place_with_htmx_and_as_plain_links(two_months):
    w = two_months
    client = w.client("alice")
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "sections"}
    partial = client.get(url(w, "period=2025&section=units"), **hx)
    assert partial.status_code == 200
    text = partial.content.decode()
    assert "<html" not in text
    assert 'id="units-table"' in text
    assert 'aria-current="page">Unit</a>' in text
    assert "HX-Target" in partial["Vary"]
    # without htmx, the same section in the whole page (headline first)
    page = client.get(url(w, "period=2025&section=units")).content.decode()
    assert "<html" in page
    assert page.index('id="response-count"') < page.index('id="units-table"')
    table = re.search(r'id="units-table".*?</table>', page, re.S)[0]
    assert table == re.search(r'id="units-table".*?</table>', text, re.S)[0]
    # an unknown section: the first one; the filters keep the section shown
    assert 'id="nrr-table"' in client.get(url(w, "section=%3Cscript%3E")).content.decode()
    assert 'form="filters" name="section" value="units"' in page


def test_every_section_and_partial_is_scoped_to_the_viewer(two_months):
    w = two_months
    submit(w.skm, skm_answers(), unit=w.upt2, suggestion="Saran rahasia UPT Dua 9x9x")
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "sections"}
    bob = w.client("bob")
    for section in ("ikm", "trend", "units", "profile", "suggestions", "links"):
        for extra in ({}, hx):
            r = bob.get(url(w, f"section={section}"), **extra)
            assert r.status_code == 200, section
            text = r.content.decode()
            assert "Saran rahasia UPT Dua" not in text, section
            assert w.upt2.name not in text, section
            assert w.dinas.name not in text, section
            assert (
                bob.get(url(w, f"section={section}&unit={w.upt2.pk}"), **extra).status_code == 404
            )
            for outsider in ("charlie", "mallory"):
                other = w.client(outsider).get(url(w, f"section={section}"), **extra)
                assert other.status_code == 404, (outsider, section)
            assert w.client(None).get(url(w, f"section={section}"), **extra).status_code == 302
    assert (
        "Saran rahasia UPT Dua"
        in w.client("alice").get(url(w, "section=suggestions")).content.decode()
    )


def test_english_pages_use_english_number_conventions(two_months):
    w = two_months
    client = w.client("alice")
    client.cookies["django_language"] = "en"
    html = client.get(url(w, "period=2025-02")).content.decode()
    assert 'id="ikm-value">62.50<' in html
    assert "Respondents" in html
    assert "Responden<" not in html
    assert "-37.50" in html
    trend = client.get(url(w, "period=2025&section=trend")).content.decode()
    assert "Feb\u00a02025" in trend
    assert '"decimal": "."' in trend  # the charts' number locale
    indonesian = w.client("alice").get(url(w, "period=2025&section=trend")).content.decode()
    assert '"decimal": ","' in indonesian
    assert '"thousands": "."' in indonesian


def test_survey_list_shows_each_survey_with_figures_and_a_sparkline(world, monkeypatch):
    from datetime import date

    from prima.dashboard import overview

    monkeypatch.setattr(overview.timezone, "localdate", lambda: date(2025, 5, 20))
    for month, answers in ((1, ALL_4), (2, ALL_3), (3, ALL_3), (4, ALL_2), (5, ALL_3)):
        for _ in range(2):
            submit(world.skm, answers, unit=world.loket1, submitted_at=at(2025, month))
    r = world.client("alice").get("/app/")
    assert r.status_code == 200
    html = r.content.decode()
    rows = {row.survey.code: row for row in r.context["rows"]}
    assert set(rows) == {world.skm.code, world.a6.code}
    row = rows[world.skm.code]
    assert row.period.label == "2025-Q2"
    assert row.responses == 4  # April and May
    # Q2: April 2 x NRR 2 and May 2 x NRR 3 -> NRR 2,5 -> IKM 62,50; Q1 (4, 3, 3) -> 83,33
    assert row.figure.value == pytest.approx(62.5)
    assert row.change.previous_value == pytest.approx(250 / 3)
    card = re.search(rf'id="survey-{world.skm.code}".*?</li>', html, re.S)[0]
    assert "62,50" in card
    assert "Triwulan\u00a0II\u00a02025" in card
    assert "-20,83" in card
    assert '<path class="ui-sparkline__line" d="M' in card
    assert row.spark_values[-2:] == pytest.approx([250 / 3, 62.5])  # Q1 and Q2 2025
    assert row.spark_values[:-2] == [None] * 4
    assert [p.label for p in row.spark_periods][-2:] == ["2025-Q1", "2025-Q2"]
    # another tenant's surveys are not listed; bob sees only his subtree's numbers
    assert world.bank_unit.name not in html
    bob = {row.survey.code: row for row in world.client("bob").get("/app/").context["rows"]}
    assert bob[world.skm.code].responses == 4


def test_survey_list_reads_rollups_a_bounded_number_of_times(world):
    """One read of the monthly rollups per survey (plus the scope's look-ups), whatever the
    number of responses: the page costs the same at any history."""
    client = world.client("alice")
    client.get("/app/")  # fold the rollups once
    with CaptureQueriesContext(connection) as few:
        client.get("/app/")
    for i in range(60):
        submit(world.skm, skm_answers(), unit=world.loket1, submitted_at=at(2025, 1 + i % 12))
    client.get("/app/")
    with CaptureQueriesContext(connection) as many:
        client.get("/app/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any(
        "surveys_response" in q["sql"] and "answers" in q["sql"] for q in many.captured_queries
    )
