"""``case_totals`` (the measures' one grouped pass) counts exactly what its definitions say
(issue 11, point 6): a Hypothesis property over stored cases of every combination of status,
on-time flags, working days, due dates and ratings (also combinations the services never make,
such as a closed case without a first response), against the definitions evaluated case by
case in Python."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prima.cases import services as cs
from prima.cases.models import OPEN_STATUSES, Case, CaseRating, CaseStatus
from prima.cases.selectors import case_totals

TODAY = date(2026, 7, 15)
WIB = ZoneInfo("Asia/Jakarta")

flag = st.sampled_from([None, True, False])
days = st.one_of(st.none(), st.integers(0, 12))
due = st.integers(-4, 4).map(lambda d: TODAY + timedelta(days=d))
case_rows = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(CaseStatus.values),
            "first_response_on_time": flag,
            "resolved_on_time": flag,
            "first_response_days": days,
            "resolution_days": days,
            "answered": st.booleans(),  # first_response_at set
            "first_response_due": due,
            "resolution_due": due,
            "rating": st.one_of(st.none(), st.integers(1, 5)),
        }
    ),
    max_size=30,
)


def expected(rows: list[dict]) -> dict:
    """The definitions of prima.cases.selectors / prima.metrics.handling, case by case."""
    out = Counter()
    first, resolution = Counter(), Counter()
    for r in rows:
        resolved = r["status"] == CaseStatus.RESOLVED
        open_ = r["status"] in OPEN_STATUSES
        out["received"] += 1
        out["resolved"] += resolved
        out["rejected"] += r["status"] == CaseStatus.REJECTED
        out["open_"] += open_
        out["resolved_on_time"] += resolved and r["resolved_on_time"] is True
        first_late = r["first_response_on_time"] is False or (
            not r["answered"] and r["first_response_due"] < TODAY
        )
        resolution_late = (resolved and r["resolved_on_time"] is False) or (
            open_ and r["resolution_due"] < TODAY
        )
        out["first_response_late"] += first_late
        out["resolution_late"] += resolution_late
        out["breached"] += first_late or resolution_late
        if r["first_response_days"] is not None:
            first[r["first_response_days"]] += 1
        if resolved and r["resolution_days"] is not None:
            resolution[r["resolution_days"]] += 1
        if r["rating"] is not None:
            out["ratings"] += 1
            out["rating_sum"] += r["rating"]
            out["rating_sum_squares"] += r["rating"] ** 2
    return {**out, "first_response_days": dict(first), "resolution_days": dict(resolution)}


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=case_rows)
def test_the_grouped_totals_are_the_definitions(world, rows):
    Case.objects.all().delete()
    received = datetime(2026, 7, 1, 9, tzinfo=WIB)
    cases = Case.objects.bulk_create(
        Case(
            organization=world.alpha,
            unit=world.upt1,
            tracking_code=uuid.uuid4().hex[:12],
            text="x",
            status=r["status"],
            received_at=received,
            first_response_due=r["first_response_due"],
            resolution_due=r["resolution_due"],
            first_response_at=received if r["answered"] else None,
            first_response_on_time=r["first_response_on_time"],
            resolved_on_time=r["resolved_on_time"],
            first_response_days=r["first_response_days"],
            resolution_days=r["resolution_days"],
            rating_score=r["rating"],  # as the receivers keep it (bulk_create sends no signal)
        )
        for r in rows
    )
    CaseRating.objects.bulk_create(
        CaseRating(case=c, score=r["rating"])
        for c, r in zip(cases, rows, strict=True)
        if r["rating"] is not None
    )
    totals = case_totals(Case.objects.filter(organization=world.alpha), TODAY)
    want = expected(rows)
    got = {k: getattr(totals, k) for k in want}
    got.update({k: dict(getattr(totals, k)) for k in ("first_response_days", "resolution_days")})
    for key in (
        "received",
        "resolved",
        "rejected",
        "open_",
        "resolved_on_time",
        "first_response_late",
        "resolution_late",
        "breached",
        "ratings",
        "rating_sum",
        "rating_sum_squares",
    ):
        assert got.get(key, 0) == want.get(key, 0), key
    assert got["first_response_days"] == want["first_response_days"]
    assert got["resolution_days"] == want["resolution_days"]


def test_the_rating_score_follows_the_rating(world):
    case, _ = cs.case_receive(
        organization=world.alpha, unit=world.upt1, text="Antrean lama.", channel="web"
    )
    for status in ("diverifikasi", "diproses", "selesai"):
        cs.case_transition(case, status=status, note="ok")
    cs.case_rate(case, score=4, comment="cepat")
    case.refresh_from_db()
    assert case.rating_score == 4
    totals = case_totals(Case.objects.filter(pk=case.pk), TODAY)
    assert (totals.ratings, totals.rating_sum, totals.rating_sum_squares) == (1, 4, 16)
    rating = CaseRating.objects.get(case=case)
    rating.score = 2  # an admin's correction
    rating.save()
    case.refresh_from_db()
    assert case.rating_score == 2
    rating.delete()
    case.refresh_from_db()
    assert case.rating_score is None
    assert case_totals(Case.objects.filter(pk=case.pk), TODAY).ratings == 0


def _plans(queryset_sql: list[str]) -> list[str]:
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # every way but an index-only scan off: the planner takes one if an index covers
            # the query (on a table this small it would otherwise pick any)
            for way in ("seqscan", "bitmapscan", "indexscan"):
                cursor.execute(f"SET LOCAL enable_{way} = off")
        for sql in queryset_sql:
            explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            cursor.execute(explain + sql)
            out.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
    return out


@pytest.mark.parametrize("scope", ["organization", "subtree", "period"])
def test_the_grouped_pass_reads_a_covering_index_alone(world, scope):
    """Every column the measures' grouped pass reads is in a covering index of Case (no
    ``COUNT(id)``, no subquery on the units): the database answers from the index without
    reading the table (PostgreSQL: an index-only scan; SQLite: a covering index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from prima.cases.selectors import cases_received

    cs.case_receive(organization=world.alpha, unit=world.upt1, text="Antrean lama.", channel="web")
    kwargs = {
        "organization": {},
        "subtree": {"unit": world.upt1},
        "period": {"start": date(2026, 7, 1), "end": date(2026, 10, 1)},
    }[scope]
    qs = cases_received(Case.objects.all(), world.alpha, **kwargs)
    with CaptureQueriesContext(connection) as ctx:
        case_totals(qs, TODAY)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert grouped
    for plan in _plans(grouped):
        if connection.vendor == "postgresql":
            assert "Index Only Scan" in plan, plan
            assert "Seq Scan" not in plan, plan
            assert " Index Scan" not in plan.replace("Index Only Scan", ""), plan
        else:
            scans = [line for line in plan.splitlines() if "cases_case" in line]
            assert scans, plan
            assert all("COVERING INDEX" in line for line in scans), plan


def test_postgresql_connections_plan_for_cached_data(tmp_path):
    """``random_page_cost`` 1.1 on Prima's PostgreSQL connections (the planner then prefers
    the measures' covering index to reading the table); PRIMA_PG_RANDOM_PAGE_COST sets it,
    empty leaves the server's, and a word is refused by name."""
    import os
    import subprocess
    import sys

    def options(value: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PRIMA_", "DATABASE"))}
        env.update(PRIMA_DATA_DIR=str(tmp_path), DATABASE_URL="postgres://u:p@db.example/prima")
        if value is not None:
            env["PRIMA_PG_RANDOM_PAGE_COST"] = value
        code = (
            "from prima.config import settings as s; "
            "print(s.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
        )
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )

    assert options(None).stdout.strip() == "-c random_page_cost=1.1"
    assert options("1.5").stdout.strip() == "-c random_page_cost=1.5"
    assert options("").stdout.strip() == ""
    refused = options("fast")
    assert refused.returncode != 0
    assert "PRIMA_PG_RANDOM_PAGE_COST: a number such as 1.1, not 'fast'" in refused.stderr
