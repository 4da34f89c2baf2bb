"""Wilson's interval of a proportion and Newcombe's interval of a difference (hand-checked
and against statsmodels)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from prima.metrics.proportions import newcombe_difference, wilson


def test_wilson_by_hand():
    # 8 of 10, z = 1.959964: centre (0.8 + z^2/20) / (1 + z^2/10) = 0.7166, half 0.2265
    r = wilson(8, 10)
    z2 = 1.959963984540054**2
    centre = (0.8 + z2 / 20) / (1 + z2 / 10)
    half = math.sqrt(z2) / (1 + z2 / 10) * math.sqrt(0.8 * 0.2 / 10 + z2 / 400)
    assert (r.share, r.ci_low, r.ci_high) == pytest.approx((0.8, centre - half, centre + half))
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == (0.4902, 0.9433)


def test_wilson_edges():
    assert wilson(0, 0).share is None
    none = wilson(0, 12)
    assert none.ci_low == 0.0
    assert 0 < none.ci_high < 0.3
    every = wilson(12, 12)
    assert every.ci_high == pytest.approx(1.0)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        wilson(5, 4)


def test_newcombe_published_example():
    # Newcombe (1998), example (a): 56/70 - 48/80, method 10: 0.0524 .. 0.3339
    r = newcombe_difference((48, 80), (56, 70))
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == (0.0524, 0.3339)
    assert not r.significant_drop
    assert newcombe_difference((56, 70), (48, 80)).significant_drop
    assert newcombe_difference((0, 0), (3, 4)).difference is None


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(kn):
    k, n = kn
    low, high = proportion_confint(k, n, method="wilson")
    r = wilson(k, n)
    assert (r.ci_low, r.ci_high) == pytest.approx((low, high), abs=1e-9)
    assert 0 <= r.ci_low <= r.share <= r.ci_high <= 1


@given(
    st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_newcombe_matches_statsmodels(before, after):
    low, high = confint_proportions_2indep(
        after[0], after[1], before[0], before[1], method="newcomb", compare="diff"
    )
    r = newcombe_difference(before, after)
    assert (r.ci_low, r.ci_high) == pytest.approx((float(low), float(high)), abs=1e-9)
    assert r.ci_low <= r.difference <= r.ci_high
