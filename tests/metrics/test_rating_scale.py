"""prima.metrics.rating_scale: ratings on 1-5 or 1-4 as 0-100, from totals."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prima.metrics.rating_scale import mean_of_items_totals, percent_totals


def test_hand_checked_csat():
    # answers 4, 5, 5 on 1-5: scores 75, 100, 100; sum 275, squares 5625 + 2 x 10000
    assert percent_totals(3, 14, 66, low=1, high=5) == (3, 275.0, 25625.0)


def test_hand_checked_skm_respondent_means():
    # two SKM respondents (9 unsur, 1-4): totals 27 (all 3) and 36 (all 4): means 3 and 4,
    # scores 66.67 and 100
    n, total, total_sq = mean_of_items_totals(2, 63, 27 * 27 + 36 * 36, 9)
    assert (n, total, total_sq) == (2, 7.0, 25.0)
    _, s, s2 = percent_totals(n, total, total_sq, low=1, high=4)
    assert s == pytest.approx(200 / 3 + 100)
    assert s2 == pytest.approx((200 / 3) ** 2 + 100**2)


def test_refuses_an_empty_scale():
    with pytest.raises(ValueError, match="scale"):
        percent_totals(1, 1, 1, low=3, high=3)
    with pytest.raises(ValueError, match="k"):
        mean_of_items_totals(1, 1, 1, 0)


@given(st.lists(st.integers(1, 5), min_size=1, max_size=60))
def test_totals_are_the_totals_of_the_mapped_ratings(values):
    n, s, s2 = percent_totals(len(values), sum(values), sum(v * v for v in values), low=1, high=5)
    mapped = [25.0 * (v - 1) for v in values]
    assert n == len(values)
    assert math.isclose(s, math.fsum(mapped), abs_tol=1e-6)
    assert math.isclose(s2, math.fsum(x * x for x in mapped), rel_tol=1e-9, abs_tol=1e-6)
