"""The confidentiality threshold of employee surveys in the results API and the dashboard
(issue 12, points 3-4; docs/disclosure.md): one release per survey and period decides, for the
whole organization, which groups are shown, and every surface reads it."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prima.insights.periods import previous_period
from prima.insights.release import quarter_of
from prima.metrics.nps import nps_from_counts
from prima.organizations import services as org
from prima.organizations.choices import OrganizationKind, Role
from prima.surveys import services as srv
from prima.surveys.models import Instrument, InstrumentVersion
from tests.web.personas import build_world

COMMENT = "Komentar pegawai 5t7w"


def employee_answers(expectation: int = 4, performance: int = 3, enps: int = 8) -> dict[str, int]:
    version = Instrument.objects.get(key="internal").latest()
    answers = {
        q.key: expectation if q.key.endswith(".harapan") else performance
        for q in version.questions
        if q.key.endswith((".harapan", ".kinerja"))
    }
    return {**answers, "enps": enps}


def submit(survey, unit, n: int, comment: str = "", **answers: int) -> None:
    for _ in range(n):
        srv.response_submit(
            survey=survey,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers=employee_answers(**answers),
                unit_id=unit.pk,
                suggestion=comment,
            ),
        )


@pytest.fixture
def world(db):
    w = build_world()
    w.employee = srv.survey_create(
        organization=w.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[w.upt1, w.upt2],
    )
    return w


def enps(promoters: int, passives: int, detractors: int) -> dict[str, Any]:
    result = nps_from_counts(promoters, passives, detractors)
    assert result.nps == pytest.approx(
        100 * (promoters - detractors) / (promoters + passives + detractors)
    )
    return {"nps": result.nps, "ci_low": result.ci_low, "ci_high": result.ci_high}


def _gap(value: float) -> dict[str, Any]:
    verdict = "tidak memuaskan" if value < 0 else "sangat memuaskan"
    return {"gap": value, "ci_low": value, "ci_high": value, "verdict": verdict}


# -- hand example ------------------------------------------------------------------------------
def test_hand_example_units_and_results(world):
    """Dinas Alpha Pusat (no own staff) > UPT Alpha Satu (6 own) > Loket Satu (3); UPT Alpha
    Dua (5); k = 5. Loket Satu is below k: "<5". UPT Alpha Satu's own 6 would give Loket Satu
    away by subtraction (9 - 6 = 3), so they are not shown apart: UPT Alpha Satu shows 9."""
    submit(world.employee, world.upt1, 6, performance=3, enps=9)
    submit(world.employee, world.loket1, 3, performance=2, enps=3)
    submit(world.employee, world.upt2, 5, performance=5, enps=10)
    api = world.api("alice")
    code = world.employee.code
    rows = api.get(f"/api/v1/surveys/{code}/results/units").json()
    # overall gaps: (6*-1 + 3*-2 + 5*1) / 14 = -0.5; (6*-1 + 3*-2) / 9 = -4/3; 5 - 4 = 1.
    # UPT Alpha Satu's interval by hand: deviations 1/3 (6x) and -2/3 (3x), sum of squares 2,
    # sd = sqrt(2 / 8) = 0.5, se = 0.5 / 3, t(0.975, 8) = 2.306004135 -> -4/3 -+ 0.384334;
    # UPT Alpha Dua's respondents answer alike: an interval of no width.
    # eNPS: UPT Alpha Satu 6 promoters (9) and 3 detractors (3) of 9: 100 * 3 / 9 = 33.3;
    # UPT Alpha Dua 5 promoters of 5: 100; the intervals are prima.metrics.nps's (adjusted Wald)
    half = 2.306004135 * 0.5 / 3
    upt1_gap = {
        "gap": pytest.approx(-4 / 3),
        "ci_low": pytest.approx(-4 / 3 - half),
        "ci_high": pytest.approx(-4 / 3 + half),
        "verdict": "tidak memuaskan",
    }
    assert rows[1:] == [
        {
            "unit": world.upt1.pk,
            "parent": world.dinas.pk,
            "n": 9,
            "suppressed": False,
            "gap": upt1_gap,
            "enps": enps(6, 0, 3),
        },
        {
            "unit": world.loket1.pk,
            "parent": world.upt1.pk,
            "n": "<5",
            "suppressed": True,
            "gap": None,
            "enps": None,
        },
        {
            "unit": world.upt2.pk,
            "parent": world.dinas.pk,
            "n": 5,
            "suppressed": False,
            "gap": _gap(1.0),
            "enps": enps(5, 0, 0),
        },
    ]
    top = rows[0]
    assert (top["unit"], top["parent"], top["n"], top["suppressed"]) == (
        world.dinas.pk,
        None,
        14,
        False,
    )
    assert top["gap"]["gap"] == pytest.approx(-0.5)
    assert top["enps"]["nps"] == pytest.approx(100 * (11 - 3) / 14)  # 57.1
    assert top["gap"]["ci_low"] < -0.5 < top["gap"]["ci_high"]
    hidden = api.get(f"/api/v1/surveys/{code}/results", {"unit": world.loket1.pk}).json()
    assert hidden == {
        "survey": code,
        "instrument": {"name": "internal", "version": hidden["instrument"]["version"]},
        "unit": world.loket1.pk,
        "service": None,
        "staff": None,
        "period": quarter_of(timezone.localdate()).label,  # by default the latest quarter
        "responses": None,
        "gap": None,
        "ipa": None,
        "csi": None,
        "enps": None,
        "n": "<5",
        "suppressed": True,
    }
    shown = api.get(f"/api/v1/surveys/{code}/results", {"unit": world.upt1.pk}).json()
    assert (shown["n"], shown["responses"], shown["suppressed"]) == (9, 9, False)
    assert shown["gap"]["overall"]["gap"] == pytest.approx(-4 / 3)
    whole = api.get(f"/api/v1/surveys/{code}/results").json()
    assert (whole["n"], whole["suppressed"]) == (14, False)
    # a service filter crosses the unit tree (and employee responses keep none): never shown
    by_service = api.get(f"/api/v1/surveys/{code}/results", {"service": world.service1.pk})
    assert by_service.json()["suppressed"] is True
    assert by_service.json()["n"] == "<5"
    # a period without responses: the organization is below k
    empty = api.get(f"/api/v1/surveys/{code}/results/units", {"period": "2020-Q1"}).json()
    assert {r["n"] for r in empty} == {"<5"}
    assert api.get(f"/api/v1/surveys/{code}/results/units", {"period": "x"}).status_code == 400


def test_complementary_suppression_hides_a_large_unit_with_n_null(world):
    """UPT Alpha Satu 9, UPT Alpha Dua 3: showing UPT Alpha Satu would give UPT Alpha Dua away
    (12 - 9 = 3), so both are hidden; UPT Alpha Satu holds at least k, so its n is null, not
    "<5" (which would be false)."""
    submit(world.employee, world.upt1, 9)
    submit(world.employee, world.upt2, 3)
    api = world.api("alice")
    code = world.employee.code
    rows = {r["unit"]: r for r in api.get(f"/api/v1/surveys/{code}/results/units").json()}
    assert rows[world.dinas.pk]["n"] == 12
    assert (rows[world.upt1.pk]["n"], rows[world.upt1.pk]["suppressed"]) == (None, True)
    assert (rows[world.upt2.pk]["n"], rows[world.upt2.pk]["suppressed"]) == ("<5", True)
    one = api.get(f"/api/v1/surveys/{code}/results", {"unit": world.upt1.pk}).json()
    assert (one["n"], one["suppressed"], one["gap"]) == (None, True, None)
    # the unit manager of UPT Alpha Satu reads the organization's decision, not a plan of
    # their own subtree (which would show 9 and, beside the organization's 12, give 3 away)
    bob = world.api("bob")
    mine = bob.get(f"/api/v1/surveys/{code}/results").json()
    assert (mine["n"], mine["suppressed"]) == (None, True)


def test_a_unit_manager_sees_nothing_outside_the_subtree(world):
    submit(world.employee, world.upt1, 6)
    submit(world.employee, world.upt2, 6)
    code = world.employee.code
    bob = world.api("bob")  # manager of UPT Alpha Satu
    rows = bob.get(f"/api/v1/surveys/{code}/results/units").json()
    assert [r["unit"] for r in rows] == [world.upt1.pk, world.loket1.pk]
    for unit in (world.upt2, world.dinas):
        r = bob.get(f"/api/v1/surveys/{code}/results", {"unit": unit.pk})
        assert r.status_code == 404
    assert world.api("charlie").get(f"/api/v1/surveys/{code}/results/units").status_code == 404
    assert world.api(None).get(f"/api/v1/surveys/{code}/results/units").status_code == 401
    page = world.client("bob").get(f"/app/surveys/{code}/", {"unit": world.upt2.pk})
    assert page.status_code == 404


def test_customer_surveys_list_units_without_suppression(world):
    rows = world.api("alice").get(f"/api/v1/surveys/{world.skm.code}/results/units").json()
    counts = {r["unit"]: r["n"] for r in rows}
    # build_world: one response each in UPT Alpha Satu, Loket Satu and UPT Alpha Dua
    assert counts == {world.dinas.pk: 3, world.upt1.pk: 2, world.loket1.pk: 1, world.upt2.pk: 1}
    assert not any(r["suppressed"] for r in rows)
    results = world.api("alice").get(f"/api/v1/surveys/{world.skm.code}/results").json()
    assert "suppressed" not in results
    assert results["responses"] == 3


def test_the_schema_declares_results_units(world):
    schema = world.api("alice").get("/api/openapi.json").json()
    op = schema["paths"]["/api/v1/surveys/{code}/results/units"]["get"]
    assert set(op["responses"]) >= {"200", "400", "401", "404"}
    text = str(schema["components"]["schemas"]["UnitResultOut"])
    assert "suppressed" in text
    assert "<k" in text


def test_an_optional_item_and_the_enps_follow_the_rule_on_their_own_counts(world):
    """Dinas Alpha Pusat > UPT Alpha Satu (6 own) > Loket Satu (5); UPT Alpha Dua (5); k = 5:
    every group is shown. The optional item KB1: UPT Alpha Satu's own 6 and Loket Satu's 2
    answer it, UPT Alpha Dua's 5: Loket Satu's KB1 (2) is below k and UPT Alpha Satu's own
    staff would give it away (8 - 6 = 2), so KB1 shows in UPT Alpha Satu (8) and the Dinas (13)
    only. eNPS: answered by all 11 of UPT Alpha Satu and 3 of UPT Alpha Dua: UPT Alpha Dua's
    is below k and UPT Alpha Satu's would give it away (14 - 11 = 3): the Dinas's alone."""
    survey = srv.survey_create(
        organization=world.alpha,
        title="Survei Pegawai Opsional",
        instrument=optional_instrument(world.alpha),
        units=[world.upt1, world.upt2, world.loket1],
    )
    people = [(world.upt1, True, True)] * 6
    people += [(world.loket1, i < 2, True) for i in range(5)]
    people += [(world.upt2, True, i < 3) for i in range(5)]
    for unit, item, enps_given in people:
        srv.response_submit(
            survey=survey,
            submission=srv.Submission(
                submission_id=uuid.uuid4(), answers=_answers(item, enps_given), unit_id=unit.pk
            ),
        )
    api = world.api("alice")
    url = f"/api/v1/surveys/{survey.code}/results"
    got = {
        key: api.get(url, {"unit": unit.pk} if unit else {}).json()
        for key, unit in (
            ("dinas", None),
            ("upt1", world.upt1),
            ("loket1", world.loket1),
            ("upt2", world.upt2),
        )
    }
    assert {k: (r["n"], r["suppressed"]) for k, r in got.items()} == {
        "dinas": (16, False),
        "upt1": (11, False),
        "loket1": (5, False),
        "upt2": (5, False),
    }
    item = {
        k: (r["gap"]["items"][ITEM]["n"], r["gap"]["items"][ITEM]["suppressed"])
        for k, r in got.items()
    }
    assert item == {
        "dinas": (13, False),
        "upt1": (8, False),
        "loket1": (None, True),
        "upt2": (5, False),
    }
    hidden = got["loket1"]["gap"]["items"][ITEM]
    assert {k for k, v in hidden.items() if v is not None} == {"suppressed"}
    assert got["loket1"]["gap"]["items"]["KB2"]["suppressed"] is False  # the others as usual
    ipa_item = got["loket1"]["ipa"]["items"][ITEM]
    assert ipa_item["suppressed"] is True
    assert all(v is None for k, v in ipa_item.items() if k != "suppressed")
    assert ITEM not in got["loket1"]["ipa"]["priorities"]
    assert got["loket1"]["csi"]["items"][ITEM]["suppressed"] is True
    enps_of = {k: (r["enps"]["n"], r["enps"]["suppressed"]) for k, r in got.items()}
    assert enps_of == {
        "dinas": (14, False),
        "upt1": (None, True),
        "loket1": (None, True),
        "upt2": (None, True),
    }
    rows = {r["unit"]: r for r in api.get(f"{url}/units").json()}
    assert rows[world.upt1.pk]["enps"] is None
    assert rows[world.upt1.pk]["gap"] is not None
    assert rows[world.dinas.pk]["enps"]["nps"] is not None
    # the dashboard: the same figures, the hidden item's row says so
    client = world.client("alice")
    client.cookies["django_language"] = "en"
    page = client.get(f"/app/surveys/{survey.code}/", {"unit": world.loket1.pk})
    eb = page.context["eb"]
    assert eb.results["gap"]["items"][ITEM]["suppressed"] is True
    assert eb.results["enps"]["suppressed"] is True
    assert ITEM not in {r["item"] for r in eb.ipa_rows}
    html = page.content.decode()
    assert 'id="enps-value"' not in html
    row = html.split('id="gap-items"')[1].split(f'<th scope="row">{ITEM} ')[1].split("</tr>")[0]
    assert "hidden: too few answered it" in row


# -- the threshold itself ------------------------------------------------------------------------
def test_an_admin_raises_the_threshold_never_below_3(world):
    submit(world.employee, world.upt1, 6)
    submit(world.employee, world.upt2, 6)
    alice = world.api("alice")
    assert alice.get("/api/v1/organizations").json()[0]["disclosure_threshold"] == 5
    r = alice.patch(
        "/api/v1/organizations/alpha", {"disclosure_threshold": 7}, content_type="application/json"
    )
    assert r.status_code == 200
    assert r.json()["disclosure_threshold"] == 7
    rows = alice.get(f"/api/v1/surveys/{world.employee.code}/results/units").json()
    assert {r["unit"]: r["n"] for r in rows}[world.upt1.pk] == "<7"
    r = alice.patch(
        "/api/v1/organizations/alpha", {"disclosure_threshold": 2}, content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["errors"] == {"disclosure_threshold": "the threshold may not be below 3"}
    assert alice.get("/api/v1/organizations").json()[0]["disclosure_threshold"] == 7
    for persona in ("bob", "victor"):  # a manager or viewer may not change it
        r = world.api(persona).patch(
            "/api/v1/organizations/alpha",
            {"disclosure_threshold": 9},
            content_type="application/json",
        )
        assert r.status_code == 403
    with pytest.raises(ValueError, match="below 3"):
        org.organization_set_threshold(organization=world.alpha, k=1)


def test_the_threshold_in_manage(world):
    alice = world.client("alice")
    url = f"/manage/organizations/organization/{world.alpha.pk}/change/"
    base = {"name": world.alpha.name, "kind": world.alpha.kind, "time_zone": ""}
    r = alice.post(url, {**base, "disclosure_threshold": "2"})
    assert r.status_code == 200
    assert "disclosure_threshold" in r.context["adminform"].form.errors
    world.alpha.refresh_from_db()
    assert world.alpha.disclosure_threshold == 5
    assert alice.post(url, {**base, "disclosure_threshold": "8"}).status_code == 302
    world.alpha.refresh_from_db()
    assert world.alpha.disclosure_threshold == 8
    assert alice.post(url, base).status_code == 302  # left out: kept
    world.alpha.refresh_from_db()
    assert world.alpha.disclosure_threshold == 8


# -- the dashboard -------------------------------------------------------------------------------
def test_the_dashboard_pools_small_units_and_shows_comments_of_large_groups(world):
    """Dinas Alpha Pusat > UPT Alpha Satu (6 own, Loket Satu 2), UPT Alpha Dua 3, and a new
    UPT Alpha Tiga 3: UPT Alpha Dua and Tiga are pooled as other units (6)."""
    tiga = org.unit_create(organization=world.alpha, name="UPT Alpha Tiga", parent=world.dinas)
    world.employee.units.add(tiga)
    srv._units_cache.clear()  # the survey's units are reused for a few seconds per process
    submit(world.employee, world.upt1, 6, comment=COMMENT)
    submit(world.employee, world.loket1, 2)
    submit(world.employee, world.upt2, 3)
    submit(world.employee, tiga, 3)
    alice = world.client("alice")
    alice.cookies["django_language"] = "en"
    url = f"/app/surveys/{world.employee.code}/"
    page = alice.get(url)
    assert page.status_code == 200
    eb = page.context["eb"]
    assert (eb.group.shown, eb.group.n) == (True, 14)
    table = [(r.label, r.shown, r.n, r.band, r.pool) for r in eb.rows]
    assert table == [
        ("UPT Alpha Satu", True, 8, None, False),
        ("UPT Alpha Dua", False, None, "<5", False),
        ("UPT Alpha Tiga", False, None, "<5", False),
        ("Other units", True, 6, None, True),
    ]
    html = page.content.decode()
    assert html.count(COMMENT) == 6  # the group holds 14 >= 5: its comments, no unit or day
    assert 'id="units-table"' in html
    assert "Other units" in html
    # UPT Alpha Satu: Loket Satu (2) below k, its own staff (6) then hidden with it
    upt1 = alice.get(url, {"unit": world.upt1.pk}).context["eb"]
    assert (upt1.group.n, [(r.shown, r.n, r.band) for r in upt1.rows]) == (
        8,
        [(False, None, "<5"), (False, None, None)],
    )
    # Loket Satu: below k, nothing but its band; no comments, no table
    small = alice.get(url, {"unit": world.loket1.pk})
    assert small.context["eb"].group.band == "<5"
    assert small.context["eb"].results is None
    assert small.context["eb"].rows == []
    assert 'id="gap-table"' not in small.content.decode()
    # a service filter or a date range is not offered for an employee survey
    crossed = alice.get(url, {"service": world.service1.pk}).context["eb"]
    assert crossed.notices
    assert crossed.group.n == 14
    # the survey list: this quarter's count and figure for the viewer's (shown) scope
    home = alice.get("/app/").content.decode()
    assert "14 respondents" in home


def test_the_manager_of_a_small_subtree_sees_the_band_only(world):
    submit(world.employee, world.upt1, 2, comment=COMMENT)
    submit(world.employee, world.loket1, 1)
    submit(world.employee, world.upt2, 9)
    bob = world.client("bob")
    bob.cookies["django_language"] = "en"
    page = bob.get(f"/app/surveys/{world.employee.code}/")
    html = page.content.decode()
    assert page.context["eb"].group.band == "<5"
    assert COMMENT not in html
    assert 'id="gap-table"' not in html
    home = bob.get("/app/").content.decode()
    assert "&lt;5 respondents" in home


# -- the property: through the API and the dashboard -------------------------------------------
@st.composite
def org_trees(draw):
    """A random unit tree (1-6 units, parents before children) with respondents per unit."""
    n = draw(st.integers(1, 6))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    if draw(st.booleans()):  # sometimes several top units
        parents = [p if draw(st.integers(0, 3)) else None for p in parents]
    counts = [draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 11])) for _ in range(n)]
    k = draw(st.sampled_from([3, 5]))
    return parents, counts, k


def _check_family(groups: dict[Any, tuple[int | None, Any]], truth: dict[Any, int], k: int):
    """``groups``: id -> (the shown n or None, parent id); the rule on every shown group."""
    shown = {g: n for g, (n, _) in groups.items() if n is not None}
    for g, n in shown.items():
        assert n >= k, (g, n)
        assert n == truth[g]
        below = sum(m for c, m in shown.items() if groups[c][1] == g)
        assert not (0 < n - below < k), (g, n, below)


_counter = [0]

ITEM = "KB1"  # the optional item of the property (every other pair is always answered)


@st.composite
def org_answers(draw):
    """A random tree (``org_trees``) whose respondents fall in two quarters and skip the
    optional item, the eNPS or the comment at random: per unit, a list of (quarter index,
    answers the item, answers eNPS, writes a comment)."""
    parents, counts, k = draw(org_trees())
    people = [
        [
            (
                draw(st.integers(0, 1)),
                draw(st.booleans()),
                draw(st.sampled_from([True, True, False])),
                draw(st.sampled_from([True, True, False])),
            )
            for _ in range(c)
        ]
        for c in counts
    ]
    return parents, people, k


def optional_instrument(organization) -> Instrument:
    """The built-in internal instrument as an organization's own, its item KB1 and its eNPS
    optional (admins may add their own employee instruments)."""
    definition = json.loads(json.dumps(Instrument.objects.get(key="internal").latest().definition))
    for item in definition["items"]:
        if item["id"] in (ITEM, "enps"):
            item["required"] = False
    definition["name"] = "internal-optional"
    instrument = Instrument.objects.create(
        organization=organization, key="internal-optional", title="Pegawai (opsional)"
    )
    InstrumentVersion.objects.create(instrument=instrument, number=1, definition=definition)
    return instrument


def _answers(item: bool, enps: bool) -> dict[str, int]:
    out = employee_answers()
    if not item:
        del out[f"{ITEM}.harapan"], out[f"{ITEM}.kinerja"]
    if not enps:
        del out["enps"]
    return out


def _check_figure(results: dict[Any, dict], children: dict[Any, list], truth: dict, k: int):
    """Per figure (the optional item, eNPS): no shown (group, figure) under k, its n true, and
    no remainder of 1..k-1 answerers against the shown subgroups where it is shown."""
    for name, read in (
        ("item", lambda r: r["gap"]["items"][ITEM]),
        ("enps", lambda r: r["enps"]),
    ):
        shown: dict[Any, int] = {}
        for g, r in results.items():
            if r["suppressed"]:
                continue
            figure = read(r)
            assert "suppressed" in figure, (name, g)
            if figure["suppressed"]:
                assert figure["n"] is None
                continue
            assert figure["n"] >= k, (name, g, figure["n"])
            assert figure["n"] == truth[name][g], (name, g)
            shown[g] = figure["n"]
        for g, n in shown.items():
            below = sum(shown.get(c, 0) for c in children.get(g, []))
            assert not (0 < n - below < k), (name, g, n, below)


@given(org_answers())
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_property_no_group_under_k_and_no_remainder_below_k(db, tree):
    """Random trees, counts, k, two quarters and optional answers, through the API and the
    dashboard: within each quarter no shown group or (group, figure) under k and no remainder
    of 1..k-1 (units and figures); every period that overlaps a quarter (a year, semester,
    month, none of them a quarter) is refused (400) or, on the dashboard, shown as its quarter
    with a notice, so no two shown periods overlap (quarters are disjoint)."""
    parents, people, k = tree
    _counter[0] += 1
    organization = org.organization_create(
        name="Dinas Acak", slug=f"acak-{_counter[0]}", kind=OrganizationKind.GOVERNMENT
    )
    org.organization_set_threshold(organization=organization, k=k)
    units = []
    for i, p in enumerate(parents):
        units.append(
            org.unit_create(
                organization=organization,
                name=f"Unit {i}",
                parent=units[p] if p is not None else None,
            )
        )
    service = org.service_create(unit=units[0], name="Layanan")
    survey = srv.survey_create(
        organization=organization,
        title="Survei Pegawai",
        instrument=optional_instrument(organization),
        units=units,
    )
    latest = previous_period(quarter_of(timezone.localdate()))
    quarters = [previous_period(latest), latest]
    for unit, answers in zip(units, people, strict=True):
        for q, item, enps_given, comment in answers:
            srv.response_submit(
                survey=survey,
                submission=srv.Submission(
                    submission_id=uuid.uuid4(),
                    answers=_answers(item, enps_given),
                    unit_id=unit.pk,
                    suggestion=f"komentar {unit.pk}" if comment else "",
                    submitted_at=timezone.make_aware(
                        datetime.combine(quarters[q].start + timedelta(days=10), time(10))
                    ),
                ),
            )
    admin = org.user_create(username=f"admin-{_counter[0]}", password=None)
    org.membership_grant(user=admin, organization=organization, role=Role.ADMIN)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {org.token_create(user=admin)}")
    web = Client()
    web.force_login(admin)
    code = survey.code

    subtree = {u.pk: [u.pk] for u in units}
    for i in reversed(range(len(units))):
        if parents[i] is not None:
            subtree[units[parents[i]].pk] += subtree[units[i].pk]
    parent_of = {
        u.pk: (units[p].pk if p is not None else "org") for u, p in zip(units, parents, strict=True)
    }
    children: dict[Any, list] = {}
    for u, p in parent_of.items():
        children.setdefault(p, []).append(u)

    def truth_of(q: int, index: int) -> dict[Any, int]:
        own = {
            u.pk: sum(1 for a in answers if a[0] == q and (index < 0 or a[index]))
            for u, answers in zip(units, people, strict=True)
        }
        out: dict[Any, int] = {u: sum(own[v] for v in subtree[u]) for u in subtree}
        out["org"] = sum(own.values())
        return out

    # every period that is not a quarter overlaps one: refused everywhere in the API
    year = str(latest.start.year)
    overlapping = [year, f"{year}-S1", f"{year}-S2", f"{latest.start:%Y-%m}", "2020"]
    for label in overlapping:
        for path in ("results", "results/units"):
            r = api.get(f"/api/v1/surveys/{code}/{path}", {"period": label})
            assert r.status_code == 400, (label, path)
            assert "quarter" in str(r.json()), r.json()
    crossed = api.get(
        f"/api/v1/surveys/{code}/results", {"service": service.pk, "period": latest.label}
    ).json()
    assert crossed["suppressed"] is True  # a service crosses the unit tree: never shown
    default = api.get(f"/api/v1/surveys/{code}/results").json()
    # none: the quarter of the latest response (the current quarter before the first)
    last = max((a[0] for answers in people for a in answers), default=None)
    expected = quarters[last] if last is not None else quarter_of(timezone.localdate())
    assert default["period"] == expected.label

    for q, quarter in enumerate(quarters):
        query = {"period": quarter.label}
        truth_now = truth_of(q, -1)
        truth = {"item": truth_of(q, 1), "enps": truth_of(q, 2)}
        rows = api.get(f"/api/v1/surveys/{code}/results/units", query).json()
        whole = api.get(f"/api/v1/surveys/{code}/results", query).json()
        family: dict[Any, tuple[int | None, Any]] = {"org": (whole["n"], None)}
        if whole["suppressed"]:
            family["org"] = (None, None)
        results = {"org": whole}
        for r in rows:
            family[r["unit"]] = (None if r["suppressed"] else r["n"], parent_of[r["unit"]])
            # every filter combination of the results endpoint agrees with the units list
            one = api.get(f"/api/v1/surveys/{code}/results", {**query, "unit": r["unit"]}).json()
            results[r["unit"]] = one
            assert (one["n"], one["suppressed"]) == (r["n"], r["suppressed"])
            if r["suppressed"]:
                # the band only when true; a hidden group of at least k says nothing
                expected = f"<{k}" if truth_now[r["unit"]] < k else None
                assert r["n"] == expected
                assert r["gap"] is None
                assert one["gap"] is None
            elif r["enps"] is not None:
                assert one["enps"]["suppressed"] is False
            elif not r["suppressed"]:
                assert one["enps"]["suppressed"] is True  # its own count hides it
        _check_family(family, truth_now, k)
        _check_figure(results, children, truth, k)

        # the dashboard: the same decisions, its rows (with the pool) obey the same rule
        for unit in [None, *units]:
            params = {**query, **({"unit": unit.pk} if unit else {})}
            page = web.get(f"/app/surveys/{code}/", params)
            assert page.status_code == 200
            eb = page.context["eb"]
            key = unit.pk if unit else "org"
            assert eb.period == quarter
            assert (eb.group.n if eb.group.shown else None) == family[key][0]
            if not eb.group.shown:
                assert eb.rows == []
                assert eb.comments == []
                assert eb.results is None
                continue
            assert eb.results["gap"]["items"][ITEM] == results[key]["gap"]["items"][ITEM]
            assert eb.results["enps"] == results[key]["enps"]
            commenters = truth_of(q, 3)[key]
            assert len(eb.comments) in (0, commenters)
            if eb.comments:
                assert commenters >= k
            shown_rows = [r for r in eb.rows if r.shown]
            for r in shown_rows:
                assert r.n is not None
                assert r.n >= k
                if r.unit is not None:
                    assert family[r.unit.pk][0] == r.n  # shown here = shown in the API
            for r in eb.rows:
                if not r.shown and r.unit is not None:
                    assert family[r.unit.pk][0] is None
            covered = sum(r.n for r in shown_rows)
            assert not (0 < eb.group.n - covered < k), (key, eb.group.n, covered)

    # a period that overlaps a quarter, asked of the dashboard: its quarter, said in a notice
    for label, quarter in (
        (year, quarter_of(date(int(year), 12, 31))),
        (f"{latest.start:%Y-%m}", latest),
    ):
        eb = web.get(f"/app/surveys/{code}/", {"period": label}).context["eb"]
        assert eb.period == quarter
        assert any(quarter.label in n for n in eb.notices)
    options = web.get(f"/app/surveys/{code}/").content.decode().split('id="period"')[1]
    options = options.split("</select>")[0]
    assert f'value="{latest.label}"' in options
    assert f'value="{year}"' not in options  # quarters only
    assert 'value=""' not in options  # no "all periods"
