"""Fair staff rankings (issue 13 point 5): empirical-Bayes shrinkage toward the unit's mean,
by hand, the fairness case of the issue's acceptance, and Hypothesis invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.shrinkage import MIN_RANKED, StaffRatings, rank, shrink

Z = 1.959963984540054


def test_shrinkage_by_hand():
    # X 2,4 (mean 3, SS 2), Y 4,6 (mean 5, SS 2), Z 6,8 (mean 7, SS 2): s2 = 6/3 = 2, v = 2/2 = 1
    # w = 1 each, ybar = 5, Q = 4 + 0 + 4 = 8, tau2 = (8 - 2) / (3 - 3/3) = 3
    # B = 1/(1 + 3) = 1/4 ; mu = 5 ; X: 5 + 3/4 (3 - 5) = 3.5 ; Z: 6.5
    # V_mu = 1 / (3/4) = 4/3 ; var X = 3/4 x 1 + 1/16 x 4/3 = 5/6 (m = 3: no B term)
    unit = shrink(
        [StaffRatings.of("X", [2, 4]), StaffRatings.of("Y", [4, 6]), StaffRatings.of("Z", [6, 8])]
    )
    assert (unit.within, unit.tau2, unit.unit_mean) == pytest.approx((2.0, 3.0, 5.0))
    x, y, z = unit.staff
    assert (x.shrunk, y.shrunk, z.shrunk) == pytest.approx((3.5, 5.0, 6.5))
    assert x.shrinkage == pytest.approx(0.25)
    assert x.mean == 3.0  # the raw mean stays
    assert x.ci_low == pytest.approx(3.5 - Z * math.sqrt(5 / 6))
    assert z.ci_high == pytest.approx(6.5 + Z * math.sqrt(5 / 6))


def test_no_spread_between_staff_shrinks_everyone_to_the_unit_mean():
    # X 1,3 (mean 2), Y 2,4 (mean 3): s2 = 2, v = 1, ybar 2.5, Q = .25 + .25 = .5 < m - 1 = 1
    # -> tau2 = 0, B = 1: both 2.5 with V_mu = 1/2
    unit = shrink([StaffRatings.of("X", [1, 3]), StaffRatings.of("Y", [2, 4])])
    assert unit.tau2 == 0.0
    for s in unit.staff:
        assert s.shrunk == pytest.approx(2.5)
        assert s.shrinkage == 1.0
        assert s.ci_high - s.shrunk == pytest.approx(Z * math.sqrt(0.5))


def test_morris_term_with_more_than_three_staff():
    # four staff, two ratings each, means 1 3 5 7 (each SS 2): s2 = 2, v = 1, ybar 4
    # Q = 9 + 1 + 1 + 9 = 20 ; tau2 = (20 - 3) / (4 - 1) = 17/3 ; B = 1 / (1 + 17/3) = 3/20
    # V_mu = 1 / (4 x 3/20) = 5/3 ; first staff: shrunk 4 + 17/20 (1 - 4) = 1.45
    # variance = 17/20 + (3/20)^2 x 5/3 + 2/1 x (3/20)^2 x 9 = .85 + .0375 + .405 = 1.2925
    unit = shrink(
        [StaffRatings.of(k, [m - 1, m + 1]) for k, m in zip("ABCD", [1, 3, 5, 7], strict=True)]
    )
    first = unit.staff[0]
    assert unit.tau2 == pytest.approx(17 / 3)
    assert first.shrunk == pytest.approx(1.45)
    assert first.ci_high - first.shrunk == pytest.approx(Z * math.sqrt(1.2925))


def test_three_perfect_ratings_do_not_outrank_two_hundred_good_ones():
    # a unit on a 1-5 scale whose staff differ little: "new" has 3 perfect ratings, "steady"
    # 200 good ones (mean 4.3), the others 80 each around 4.15
    staff = [
        StaffRatings.of("new", [5, 5, 5]),
        StaffRatings.of("steady", [3] * 20 + [4] * 100 + [5] * 80),  # 4.3
        StaffRatings.of("a", [3] * 15 + [4] * 42 + [5] * 23),  # 4.1
        StaffRatings.of("b", [3] * 14 + [4] * 40 + [5] * 26),  # 4.15
        StaffRatings.of("c", [3] * 12 + [4] * 40 + [5] * 28),  # 4.2
        StaffRatings.of("d", [3] * 5 + [4] * 15 + [5] * 5),  # 4.0 from 25 ratings
    ]
    unit = shrink(staff)
    by_key = {s.key: s for s in unit.staff}
    assert by_key["new"].mean == 5.0
    assert by_key["new"].mean > by_key["steady"].mean
    # few ratings are pulled hard toward the unit's mean (about 4.2), many hardly at all
    assert by_key["new"].shrinkage > 0.9
    assert by_key["steady"].shrinkage < 0.2
    assert by_key["new"].shrunk < by_key["steady"].shrunk
    # and whatever the shrinkage, nobody under 30 ratings is ranked: "new" (3), "d" (25)
    ranked = rank(unit.staff)
    assert [s.key for s in ranked] == ["steady", "c", "b", "a"]
    assert [s.key for s in rank(unit.staff, best_first=False)] == ["a", "b", "c", "steady"]
    # with the threshold lowered, "new" comes second: below "steady" all the same
    assert [s.key for s in rank(unit.staff, min_ratings=3)] == ["steady", "new", "c", "b", "a", "d"]


def test_edge_cases():
    alone = shrink([StaffRatings.of("X", [3, 4, 5])])  # no unit to shrink toward
    (x,) = alone.staff
    assert (x.shrunk, x.shrinkage) == (4.0, 0.0)
    assert x.ci_high == pytest.approx(4 + Z * math.sqrt(1 / 3))  # s2 = 1, n = 3
    exact = shrink([StaffRatings.of("X", [4, 4]), StaffRatings.of("Y", [2, 2])])  # s2 = 0
    assert [(s.shrunk, s.ci_low, s.ci_high) for s in exact.staff] == [(4, 4, 4), (2, 2, 2)]
    with pytest.raises(ValueError, match="two ratings"):
        shrink([StaffRatings.of("X", [4]), StaffRatings.of("Y", [2])])
    with pytest.raises(ValueError, match="no ratings"):
        shrink([StaffRatings.of("X", [])])
    totals = StaffRatings("Y", 3, 12.0, 50.0)  # from SQL: COUNT, SUM, SUM(x * x)
    assert (totals.mean, totals.squares) == (4.0, 2.0)


staff_lists = st.lists(
    st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=60),
    min_size=2,
    max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(staff_lists)
def test_shrunk_means_lie_between_the_raw_and_the_unit_mean(ratings):
    unit = shrink([StaffRatings.of(str(i), r) for i, r in enumerate(ratings)])
    for s in unit.staff:
        low, high = sorted((s.mean, unit.unit_mean))
        assert low - 1e-9 <= s.shrunk <= high + 1e-9
        assert 0.0 <= s.shrinkage <= 1.0
        assert s.ci_low <= s.shrunk <= s.ci_high
    assert all(s.n >= MIN_RANKED for s in rank(unit.staff))
    assert len(rank(unit.staff, min_ratings=0)) == len(ratings)


@settings(max_examples=60, deadline=None)
@given(staff_lists, st.integers(min_value=1, max_value=5))
def test_more_ratings_mean_less_shrinkage(ratings, value):
    # two newcomers with the same raw mean: the one with more ratings is shrunk less
    few = [value, value + 1]
    many = few * 10
    unit = shrink(
        [StaffRatings.of(str(i), r) for i, r in enumerate(ratings)]
        + [StaffRatings.of("few", few), StaffRatings.of("many", many)]
    )
    by_key = {s.key: s for s in unit.staff}
    assert by_key["many"].shrinkage <= by_key["few"].shrinkage + 1e-12
    assert (
        abs(by_key["many"].shrunk - by_key["many"].mean)
        <= abs(by_key["few"].shrunk - by_key["few"].mean) + 1e-9
    )
