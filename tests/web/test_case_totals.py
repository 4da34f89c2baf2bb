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
