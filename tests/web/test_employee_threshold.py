"""The confidentiality threshold of employee surveys in the results API and the dashboard
(issue 12, points 3-4; docs/disclosure.md): one release per survey and period decides, for the
whole organization, which groups are shown, and every surface reads it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prima.metrics.nps import nps_from_counts
from prima.organizations import services as org
from prima.organizations.choices import OrganizationKind, Role
from prima.surveys import services as srv
from prima.surveys.models import Instrument
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
        "period": None,
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
    empty = api.get(f"/api/v1/surveys/{code}/results/units", {"period": "2020"}).json()
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


@given(org_trees())
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_property_no_group_under_k_and_no_remainder_below_k(db, tree):
    parents, counts, k = tree
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
        instrument=Instrument.objects.get(key="internal"),
        units=units,
    )
    for unit, c in zip(units, counts, strict=True):
        submit(survey, unit, c, comment=f"komentar {unit.pk}")
    admin = org.user_create(username=f"admin-{_counter[0]}", password=None)
    org.membership_grant(user=admin, organization=organization, role=Role.ADMIN)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {org.token_create(user=admin)}")
    web = Client()
    web.force_login(admin)

    subtree = {u.pk: [u.pk] for u in units}
    for i in reversed(range(len(units))):
        if parents[i] is not None:
            subtree[units[parents[i]].pk] += subtree[units[i].pk]
    own = {u.pk: c for u, c in zip(units, counts, strict=True)}
    truth: dict[Any, int] = {u: sum(own[v] for v in subtree[u]) for u in subtree}
    truth["org"] = sum(counts)
    parent_of = {
        u.pk: (units[p].pk if p is not None else "org") for u, p in zip(units, parents, strict=True)
    }
    year = str(timezone.localdate().year)
    code = survey.code
    empty = api.get(f"/api/v1/surveys/{code}/results/units", {"period": "2020"}).json()
    assert [r["n"] for r in empty] == [f"<{k}"] * len(units)  # no responses in 2020
    crossed = api.get(f"/api/v1/surveys/{code}/results", {"service": service.pk}).json()
    assert crossed["suppressed"] is True  # a service crosses the unit tree: never shown
    for period in (None, year):
        query = {"period": period} if period else {}
        truth_now = truth
        rows = api.get(f"/api/v1/surveys/{code}/results/units", query).json()
        whole = api.get(f"/api/v1/surveys/{code}/results", query).json()
        family: dict[Any, tuple[int | None, Any]] = {"org": (whole["n"], None)}
        if whole["suppressed"]:
            family["org"] = (None, None)
        for r in rows:
            family[r["unit"]] = (None if r["suppressed"] else r["n"], parent_of[r["unit"]])
            # every filter combination of the results endpoint agrees with the units list
            one = api.get(f"/api/v1/surveys/{code}/results", {**query, "unit": r["unit"]}).json()
            assert (one["n"], one["suppressed"]) == (r["n"], r["suppressed"])
            if r["suppressed"]:
                # the band only when true; a hidden group of at least k says nothing
                expected = f"<{k}" if truth_now[r["unit"]] < k else None
                assert r["n"] == expected
                assert r["gap"] is None
                assert one["gap"] is None
        _check_family(family, truth_now, k)

        # the dashboard: the same decisions, its rows (with the pool) obey the same rule
        for unit in [None, *units]:
            params = {**query, **({"unit": unit.pk} if unit else {})}
            page = web.get(f"/app/surveys/{code}/", params)
            assert page.status_code == 200
            eb = page.context["eb"]
            key = unit.pk if unit else "org"
            assert (eb.group.n if eb.group.shown else None) == family[key][0]
            if not eb.group.shown:
                assert eb.rows == []
                assert eb.comments == []
                assert eb.results is None
                continue
            assert len(eb.comments) == truth_now[key]  # every respondent left one
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
