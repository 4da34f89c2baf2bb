"""The survey dashboard (/app/surveys/<code>/) through the whole HTTP stack: each filter, role
scoping (a manager's unit, service or staff member outside the subtree is 404), the numbers
equal to ``survey_results`` for the same selection, trends, units side by side, the profile
tables, suggestions (search, pages, escaping), the small-group warning and the sample size."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from prima.dashboard import board as dashboard
from prima.dashboard import charts
from prima.insights.periods import custom_period, parse_period, sub_periods
from prima.insights.results import survey_results
from prima.organizations import services as org
from prima.surveys.models import Response
from prima.surveys.selectors import response_scope
from tests.web.personas import World, skm_answers, submit

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def at(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=JAKARTA)


def url(world: World, query: str = "", survey: Any = None) -> str:
    return f"/app/surveys/{(survey or world.skm).code}/" + (f"?{query}" if query else "")


def results_for(world: World, user: str = "alice", **filters: Any) -> dict[str, Any]:
    survey = filters.pop("survey", world.skm)
    scope = response_scope(world.users[user], survey)
    return survey_results(survey, scope=scope, **filters)


@pytest.fixture
def dated(world: World) -> World:
    """SKM responses in January, February and July 2025, with services, staff and profiles."""
    submit(
        world.skm,
        skm_answers(U1=4),
        unit=world.loket1,
        service_id=world.service1.pk,
        staff_id=world.staff1.pk,
        submitted_at=at(2025, 1),
        profile={"age": 34, "sex": "P", "education": "d4s1", "occupation": "pns"},
        suggestion="Antrean terlalu panjang di pagi hari",
    )
    submit(
        world.skm,
        skm_answers(U2=2),
        unit=world.upt1,
        submitted_at=at(2025, 2),
        profile={"age": 61, "sex": "L"},
        suggestion="Petugas ramah",
    )
    submit(world.skm, skm_answers(U3=1), unit=world.upt2, submitted_at=at(2025, 7))
    return world


# -- the page and its filters ------------------------------------------------------------------
def test_page_shows_the_numbers_of_survey_results(world):
    r = world.client("alice").get(url(world))
    assert r.status_code == 200
    assert r.context["results"] == results_for(world)
    html = r.content.decode()
    assert 'id="response-count">3<' in html
    assert "74,07" in html  # the IKM of the world's three responses (see test_browser)
    # the headline cards, then one section (the first: IKM per element); every other section
    # is a tab, a plain link that also works without JavaScript
    assert 'id="nrr-table"' in html
    for section, part in (
        ("trend", "trend-table"),
        ("units", "units-table"),
        ("profile", "profile-sex"),
        ("suggestions", "saran-h"),
    ):
        assert f'href="?section={section}"' in html, section
        assert f'id="{part}"' not in html, part  # loaded on demand
        shown = world.client("alice").get(url(world, f"section={section}")).content.decode()
        assert f'id="{part}"' in shown, part
        assert 'id="response-count">3<' in shown  # the headline stays
    # the charts' specs are embedded as JSON beside their tables; the bundle is a local file
    assert 'id="spec-nrr" type="application/json"' in html
    for section in ("trend", "units"):
        shown = world.client("alice").get(url(world, f"section={section}")).content.decode()
        assert f'id="spec-{section}" type="application/json"' in shown
    assert charts.vega_bundle_name() in html
    # every script and style comes from the site itself (no CDN, no other host)
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "https://" not in html.split("Tautan umum")[0]


@pytest.mark.parametrize("who", ["alice", "victor"])
def test_each_filter_narrows_to_survey_results_of_the_same_selection(dated, who):
    w = dated
    client = w.client(who)
    cases = [
        (f"unit={w.upt1.pk}", {"unit": w.upt1}),
        (f"unit={w.loket1.pk}", {"unit": w.loket1}),
        (f"service={w.service1.pk}", {"service": w.service1}),
        (f"staff={w.staff1.pk}", {"staff": w.staff1}),
        ("period=2025", {"period": parse_period("2025")}),
        ("period=2025-S1", {"period": parse_period("2025-S1")}),
        ("period=2025-Q1", {"period": parse_period("2025-Q1")}),
        ("period=2025-07", {"period": parse_period("2025-07")}),
        (
            "from=2025-02-01&to=2025-07-31",
            {"period": custom_period(at(2025, 2, 1).date(), at(2025, 7, 31).date())},
        ),
        (f"unit={w.upt1.pk}&period=2025-Q1", {"unit": w.upt1, "period": parse_period("2025-Q1")}),
    ]
    for query, filters in cases:
        r = client.get(url(w, query))
        assert r.status_code == 200, query
        expected = results_for(w, who, **filters)
        assert r.context["results"] == expected, query
        assert f'id="response-count">{expected["responses"]}<' in r.content.decode(), query
    counts = {q: client.get(url(w, q)).context["results"]["responses"] for q, _ in cases[:8]}
    assert counts == {
        f"unit={w.upt1.pk}": 4,
        f"unit={w.loket1.pk}": 2,
        f"service={w.service1.pk}": 1,
        f"staff={w.staff1.pk}": 1,
        "period=2025": 3,
        "period=2025-S1": 2,
        "period=2025-Q1": 2,
        "period=2025-07": 1,
    }


def test_bad_periods_are_reported_in_indonesian_and_ignored(world):
    client = world.client("alice")
    for query, words in (
        ("period=2026-Q5", "Periode"),
        ("from=2026-05-01", "tanggal akhir"),
        ("from=2026-05-01&to=2026-04-01", "Rentang"),
        ("from=kemarin&to=2026-04-01", "Rentang"),
    ):
        r = client.get(url(world, query))
        assert r.status_code == 200
        assert any(words in e for e in r.context["errors"]), (query, r.context["errors"])
        assert r.context["results"]["responses"] == 3


def test_unknown_or_malformed_ids_are_not_found(world):
    client = world.client("alice")
    for query in (
        "unit=999999",
        "unit=abc",
        "service=-1",
        "staff=1e3",
        f"unit={world.bank_unit.pk}",  # another tenant's unit
        "unit=%00",
    ):
        assert client.get(url(world, query)).status_code == 404, query


# -- role scoping ------------------------------------------------------------------------------
def test_a_manager_sees_only_the_subtree_and_cannot_pass_other_ids(dated):
    w = dated
    service2 = org.service_create(unit=w.upt2, name="Legalisir Dua")
    staff2 = org.staff_create(unit=w.upt2, name="Rahmat Petugas Dua")
    bob = w.client("bob")
    r = bob.get(url(w, "section=units"))
    assert r.status_code == 200
    inside = {w.upt1.pk, w.loket1.pk}
    assert {u.pk for u in r.context["units"]} == inside
    assert r.context["results"] == results_for(w, "bob")
    assert r.context["results"]["responses"] == 4  # 2 of the world + 2 dated in the subtree
    html = r.content.decode()
    for secret in (w.upt2.name, w.dinas.name, service2.name, staff2.name):
        assert secret not in html
    # the units side by side: bob's one top unit has one child, Loket Satu
    assert [row.unit.pk for row in r.context["board"].comparison.rows] == [w.loket1.pk]
    for query in (
        f"unit={w.upt2.pk}",
        f"unit={w.dinas.pk}",
        f"service={service2.pk}",
        f"staff={staff2.pk}",
        f"unit={w.upt1.pk}&staff={staff2.pk}",
    ):
        assert bob.get(url(w, query)).status_code == 404, query
    assert bob.get(url(w, f"unit={w.loket1.pk}")).context["results"]["responses"] == 2
    for outsider in ("charlie", "mallory"):
        assert w.client(outsider).get(url(w)).status_code == 404
    assert w.client(None).get(url(w)).status_code == 302  # to the sign-in page


def test_units_side_by_side_descend_from_the_single_top_unit(dated):
    w = dated
    board = w.client("alice").get(url(w, "section=units")).context["board"]
    assert board.comparison.parent == w.dinas
    rows = {row.unit.pk: row.head for row in board.comparison.rows}
    assert set(rows) == {w.upt1.pk, w.upt2.pk}
    for unit in (w.upt1, w.upt2):
        expected = results_for(w, unit=unit)
        assert rows[unit.pk]["responses"] == expected["responses"]
        assert rows[unit.pk]["ikm"]["value"] == expected["ikm"]["ikm_converted"]
        score = expected["ikm"]["respondent_score"]  # the interval shown beside the IKM
        assert rows[unit.pk]["ikm"]["ci_low"] == (score or {}).get("ci_low")
        assert rows[unit.pk]["small"] is True
    html = w.client("alice").get(url(w, f"unit={w.upt1.pk}&section=units")).content.decode()
    table = re.search(r'id="units-table".*?</table>', html, re.S)[0]
    assert w.loket1.name in table
    assert w.upt2.name not in table


def test_paired_survey_shows_gaps_with_intervals_ipa_and_csi(world):
    for answers in (
        {"A1.1.harapan": 5, "A1.1.kinerja": 3},
        {"A1.1.harapan": 4, "A1.1.kinerja": 4},
        {"A1.1.harapan": 5, "A1.1.kinerja": 4},
    ):
        keys = [q.key for q in world.a6.instrument_version.questions]
        full = {k: (answers.get(k) or (4 if k.endswith("harapan") else 3)) for k in keys}
        submit(world.a6, full, unit=world.loket1)
    r = world.client("bob").get(url(world, survey=world.a6))
    assert r.status_code == 200
    results = r.context["results"]
    assert results == results_for(world, "bob", survey=world.a6)
    html = r.content.decode()
    for section, parts in (
        ("gap", ("gap-table", "gap-items", "spec-gap")),
        ("ipa", ("ipa-table", "spec-ipa")),
        ("csi", ("csi-table",)),
    ):
        shown = world.client("bob").get(url(world, f"section={section}", survey=world.a6))
        for part in parts:
            assert f'id="{part}"' in shown.content.decode(), part
    html += world.client("bob").get(url(world, "section=ipa", survey=world.a6)).content.decode()
    overall = results["gap"]["overall"]
    assert overall["ci_low"] is not None
    # the verdict and its interval are on the page, with the rule used
    assert "interval kepercayaan 95%" in html
    spec = json.loads(
        re.search(r'id="spec-ipa" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    points = spec["datasets"]["rows"]  # every item a point; some of them labelled
    assert {p["item"] for p in points} == set(results["ipa"]["items"])
    labelled = spec["datasets"]["labels_right"] + spec["datasets"]["labels_left"]
    assert {p["item"] for p in labelled} <= set(results["ipa"]["items"])
    # under the diagram the items per quadrant (A first, the only one unfolded), each item
    # once, lowest conformity first; no column repeats the quadrant the groups already name
    ipa = world.client("bob").get(url(world, "section=ipa", survey=world.a6))
    groups = ipa.context["board"].ipa_groups
    letters = [g["letter"] for g in groups]
    assert letters == sorted(letters)
    items = results["ipa"]["items"]
    assert sorted(r["item"] for g in groups for r in g["rows"]) == sorted(items)
    for g in groups:
        assert {items[r["item"]]["quadrant"] for r in g["rows"]} == {g["letter"]}
        conformity = [r["kesesuaian"] for r in g["rows"]]
        assert conformity == sorted(conformity)
        assert g["open"] == (g["letter"] == "A")
    page = ipa.content.decode()
    assert page.count('<details class="ipa-group"') == len(groups)
    assert page.count('class="ipa-group" id="ipa-group-A" open') == ("A" in letters)
    assert '<th scope="col">Kuadran</th>' not in page


def test_trend_calls_survey_results_per_month_and_stays_bounded(dated):
    w = dated
    r = w.client("alice").get(url(w, "period=2025&section=trend"))
    board = r.context["board"]
    assert [p.label for p in board.trend] == [
        p.label for p in sub_periods(parse_period("2025"), "month")
    ]
    by_label = {p.label: p.head["responses"] for p in board.trend}
    assert by_label["2025-01"] == 1
    assert by_label["2025-02"] == 1
    assert by_label["2025-07"] == 1
    assert sum(by_label.values()) == 3
    quarters = w.client("alice").get(url(w, "period=2025&per=quarter&section=trend"))
    quarters = quarters.context["board"].trend
    assert [p.head["responses"] for p in quarters] == [2, 0, 1, 0]
    # the number of reads of the results is bounded whatever the range: the selection and
    # the previous period (the headline), then the shown section's: the months in one read
    # (or at most MAX_TREND_POINTS quarters or years), one per unit compared, one for the
    # services of the profile
    calls: list[str] = []
    real, real_by = dashboard.survey_results, dashboard.survey_results_by

    def counting(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append("one")
        return real(*args, **kwargs)

    def counting_by(*args: Any, **kwargs: Any) -> dict[Any, Any]:
        calls.append("by")
        return real_by(*args, **kwargs)

    with (
        mock.patch.object(dashboard, "survey_results", counting),
        mock.patch.object(dashboard, "survey_results_by", counting_by),
    ):
        r = w.client("alice").get(url(w, "from=1990-01-01&to=2025-12-31&section=trend"))
        assert r.status_code == 200
        assert len(r.context["board"].trend) <= dashboard.MAX_TREND_POINTS
        assert len(calls) <= 2 + dashboard.MAX_TREND_POINTS
        calls.clear()
        w.client("alice").get(url(w, "period=2025"))
        assert sorted(calls) == ["one", "one"]  # the year and the year before (the headline)
        for section, expected in (
            ("trend", ["by", "one", "one"]),  # the months in one read
            ("units", ["one", "one", "one", "one"]),  # two units
            ("profile", ["by", "one", "one"]),  # the services
        ):
            calls.clear()
            w.client("alice").get(url(w, f"period=2025&section={section}"))
            assert sorted(calls) == expected, section


# -- profile, suggestions, warnings ------------------------------------------------------------
def test_profile_tables_count_respondents(dated):
    w = dated
    board = w.client("alice").get(url(w, "period=2025&section=profile")).context["board"]
    tables = {t.key: {row.label: row.count for row in t.rows} for t in board.profile}
    assert tables["sex"]["Perempuan"] == 1
    assert tables["sex"]["Laki-laki"] == 1
    assert tables["sex"]["Tidak mengisi"] == 1
    assert tables["age"]["30–39 tahun"] == 1
    assert tables["age"]["60 tahun ke atas"] == 1
    assert tables["service"] == {w.service1.name: 1, "Tidak mengisi": 2}
    assert all(t.total == 3 for t in board.profile)


def test_suggestions_search_pages_and_escaping(world):
    for i in range(25):
        submit(world.skm, skm_answers(), unit=world.upt1, suggestion=f"Saran nomor {i:02d} parkir")
    evil = '<script>alert("x")</script> & <b>tebal</b>'
    submit(world.skm, skm_answers(), unit=world.upt1, suggestion=evil)
    flagged = submit(world.skm, skm_answers(), unit=world.upt1, suggestion="Saran yang ditandai")
    Response.objects.filter(pk=flagged.pk).update(flag="honeypot")
    client = world.client("alice")
    html = client.get(url(world, "section=suggestions")).content.decode()
    assert evil not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;tebal&lt;/b&gt;" in html
    )
    assert "Saran yang ditandai" not in html
    page1 = client.get(url(world, "q=PARKIR&section=suggestions")).context["board"].suggestions
    assert len(page1.items) == dashboard.SUGGESTIONS_PER_PAGE
    assert page1.has_next
    r = client.get(url(world, "q=PARKIR&page=2&section=suggestions"))
    page2 = r.context["board"].suggestions
    assert len(page2.items) == 5
    assert not page2.has_next
    assert page2.has_previous
    texts = {i["suggestion"] for i in page1.items} | {i["suggestion"] for i in page2.items}
    assert len(texts) == 25
    html = r.content.decode()
    assert 'name="q" id="q" value="PARKIR"' in html
    assert 'href="?q=PARKIR&amp;section=suggestions#saran" rel="prev"' in html
    none = client.get(url(world, "q=%3Cimg%20src%3Dx%3E&section=suggestions")).content.decode()
    assert "<img src=x>" not in none
    assert "&lt;img src=x&gt;" in none


def test_small_groups_warn_and_the_sample_size_is_stated(world):
    html = world.client("bob").get(url(world)).content.decode()
    assert 'id="small-group"' in html
    assert "kurang dari 30 responden" in html
    # bob's subtree is UPT Alpha Satu, 1,200 service users a year: Krejcie-Morgan 291
    assert "1.200" in html
    assert "291" in html
    assert "belum terpenuhi" in html
    for _ in range(30):
        submit(world.skm, skm_answers(), unit=world.upt2)
    html = world.client("alice").get(url(world, f"unit={world.upt2.pk}")).content.decode()
    assert 'id="small-group"' not in html
    assert "belum diisi" in html  # UPT Alpha Dua has no population


def test_the_vega_bundle_is_written_once_into_the_static_assets(tmp_path):
    target = charts.ensure_vega_bundle(tmp_path)
    assert target.name.startswith("vega-bundle-")
    assert target.stat().st_size > 500_000
    text = target.read_text()
    assert "window.vegaEmbed" in text
    assert "cdn.jsdelivr" not in text
    mtime = target.stat().st_mtime_ns
    assert charts.ensure_vega_bundle(tmp_path).stat().st_mtime_ns == mtime


def test_prima_assets_writes_the_bundle_where_static_files_are_found(settings, tmp_path):
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    settings.ASSETS_DIR = tmp_path
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    call_command("assets", verbosity=0)
    found = finders.find(charts.vega_bundle_name())
    assert found is not None
    assert oct(Path(found).stat().st_mode & 0o777) == "0o644"


def test_the_trend_of_a_year_in_progress_ends_with_the_current_month(world, monkeypatch):
    from datetime import date

    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: date(2026, 5, 14))
    r = world.client("alice").get(url(world, "period=2026&section=trend"))
    labels = [p.label for p in r.context["board"].trend]
    assert labels == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    quarters = world.client("alice").get(url(world, "period=2026&per=quarter&section=trend"))
    assert [p.label for p in quarters.context["board"].trend] == ["2026-Q1", "2026-Q2"]
