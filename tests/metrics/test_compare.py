"""Comparing two periods: Welch's t test and the difference of two NPS (prima.metrics.compare)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prima.metrics.compare import (
    UNDEFINED_NO_VARIANCE,
    UNDEFINED_SMALL,
    nps_difference_test,
    welch_t_test,
)


def test_welch_by_hand():
    # before 2, 4, 6 (mean 4, SD 2); after 1, 2, 3, 4, 5 (mean 3, SD sqrt(2.5))
    # v1 = 4/3 = 1.333333 ; v2 = 2.5/5 = 0.5 ; SE = sqrt(1.833333) = 1.354006
    # df = 1.833333^2 / (1.333333^2/2 + 0.5^2/4) = 3.361111 / (0.888889 + 0.0625) = 3.532847
    # t = -1 / 1.354006 = -0.738549
    r = welch_t_test(3, 4.0, 2.0, 5, 3.0, math.sqrt(2.5))
    assert r.difference == -1.0
    assert r.se == pytest.approx(1.354006, abs=1e-6)
    assert r.df == pytest.approx(3.532847, abs=1e-6)
    assert r.statistic == pytest.approx(-0.738549, abs=1e-6)
    check = stats.ttest_ind_from_stats(3.0, math.sqrt(2.5), 5, 4.0, 2.0, 3, equal_var=False)
    assert r.statistic == pytest.approx(check.statistic)
    assert r.p_value == pytest.approx(check.pvalue)
    # the interval: D -/+ t(0.975; df) SE
    half = stats.t.ppf(0.975, r.df) * r.se
    assert (r.ci_low, r.ci_high) == pytest.approx((-1 - half, -1 + half))
    assert not r.significant
    assert not r.significant_drop


def test_welch_equal_sizes_and_sds_gives_pooled_df():
    # n1 = n2 = 3, s1 = s2: df = 2 (n - 1) = 4, t = -2 / sqrt(8/3) = -1.224745, p = 0.2879
    r = welch_t_test(3, 4.0, 2.0, 3, 2.0, 2.0)
    assert r.df == pytest.approx(4.0)
    assert r.statistic == pytest.approx(-1.224745, abs=1e-6)
    assert r.p_value == pytest.approx(0.287864, abs=1e-6)


def test_welch_significant_drop_on_raw_answers():
    before = np.array([4.0, 4, 4, 3, 4, 4, 3, 4, 4, 4])
    after = np.array([2.0, 3, 2, 2, 3, 2, 2, 3, 2, 2])
    r = welch_t_test(
        before.size,
        before.mean(),
        before.std(ddof=1),
        after.size,
        after.mean(),
        after.std(ddof=1),
    )
    check = stats.ttest_ind(after, before, equal_var=False)
    assert r.statistic == pytest.approx(check.statistic)
    assert r.p_value == pytest.approx(check.pvalue)
    assert r.p_value < 1e-6
    assert r.significant
    assert r.significant_drop
    assert r.difference == pytest.approx(2.3 - 3.8)


def test_welch_undefined_cases():
    one = welch_t_test(1, 3.0, None, 10, 2.0, 1.0)
    assert one.p_value is None
    assert one.notes == [UNDEFINED_SMALL]
    assert not one.defined
    assert not one.significant_drop
    assert one.difference == -1.0  # still reported
    flat = welch_t_test(5, 3.0, 0.0, 5, 3.0, 0.0)
    assert flat.p_value is None
    assert flat.notes == [UNDEFINED_NO_VARIANCE]
    missing = welch_t_test(0, None, None, 4, 3.0, 1.0)
    assert missing.difference is None
    assert not missing.defined
    with pytest.raises(ValueError, match="alpha"):
        welch_t_test(3, 1.0, 1.0, 3, 1.0, 1.0, alpha=0)


def test_welch_one_constant_sample():
    # all variance in one sample: df = n - 1 of the other, as scipy
    r = welch_t_test(5, 3.0, 0.0, 4, 2.0, 1.0)
    assert r.df == pytest.approx(3.0)
    check = stats.ttest_ind_from_stats(2.0, 1.0, 4, 3.0, 0.0, 5, equal_var=False)
    assert r.p_value == pytest.approx(check.pvalue)


def test_nps_difference_by_hand():
    # before: 10 answers 1..10 (2 promoters, 2 passives, 6 detractors): NPS -40
    # after: 6 promoters, 2 passives, 2 detractors: NPS +40
    # adjusted: n = 13; before p = 2.75/13 = 0.211538, d = 6.75/13 = 0.519231, p - d = -0.307692
    # v = 0.211538 + 0.519231 - 0.307692^2 = 0.636095 (the same for after, mirrored)
    # D = 0.615385 ; SE = sqrt(2 x 0.636095 / 13) = 0.312827 ; z = 1.967172 ; p = 0.049163
    r = nps_difference_test((2, 2, 6), (6, 2, 2))
    assert (r.before, r.after, r.difference) == (-40.0, 40.0, 80.0)
    assert r.se == pytest.approx(31.2827, abs=1e-4)
    assert r.statistic == pytest.approx(1.967172, abs=1e-6)
    assert r.p_value == pytest.approx(0.049163, abs=1e-6)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(r.statistic))
    assert r.ci_low == pytest.approx(100 * (0.615385 - 1.959964 * 0.312827), abs=1e-3)
    assert r.significant
    assert not r.significant_drop
    drop = nps_difference_test((6, 2, 2), (2, 2, 6))
    assert drop.significant_drop
    assert drop.statistic == pytest.approx(-r.statistic)


def test_nps_difference_plain_wald():
    # Wald: p1 = 0.2, d1 = 0.6, v1 = 0.8 - 0.16 = 0.64 ; mirrored after ; SE = sqrt(1.28/10)
    r = nps_difference_test((2, 2, 6), (6, 2, 2), method="wald")
    se = math.sqrt(1.28 / 10)
    assert r.se == pytest.approx(100 * se)
    assert r.statistic == pytest.approx(0.8 / se)
    assert r.test == "nps-wald"


def test_nps_difference_undefined_and_errors():
    assert nps_difference_test((1, 0, 0), (5, 5, 5)).notes == [UNDEFINED_SMALL]
    assert nps_difference_test((0, 0, 0), (5, 5, 5)).difference is None
    # all passives on both sides: plain Wald has no variance; adjusted Wald still has some
    assert nps_difference_test((0, 5, 0), (0, 5, 0), method="wald").notes == [UNDEFINED_NO_VARIANCE]
    assert nps_difference_test((0, 5, 0), (0, 5, 0)).p_value == pytest.approx(1.0)
    with pytest.raises(ValueError, match="negative"):
        nps_difference_test((-1, 2, 2), (1, 1, 1))
    with pytest.raises(ValueError, match="method"):
        nps_difference_test((1, 2, 2), (1, 1, 1), method="exact")  # type: ignore[arg-type]


samples = st.lists(st.integers(1, 4), min_size=2, max_size=40).map(
    lambda xs: np.array(xs, dtype=float)
)


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy, nearly equal data
@settings(max_examples=150, deadline=None)
@given(samples, samples)
def test_welch_agrees_with_scipy_and_is_antisymmetric(a, b):
    r = welch_t_test(a.size, a.mean(), a.std(ddof=1), b.size, b.mean(), b.std(ddof=1))
    swapped = welch_t_test(b.size, b.mean(), b.std(ddof=1), a.size, a.mean(), a.std(ddof=1))
    if a.std() == 0 and b.std() == 0:
        assert not r.defined
        return
    assert 0.0 <= r.p_value <= 1.0
    assert r.p_value == pytest.approx(swapped.p_value)
    assert r.statistic == pytest.approx(-swapped.statistic)
    assert r.df == pytest.approx(swapped.df)
    # Satterthwaite's df lies between the smaller sample's n - 1 and n1 + n2 - 2
    assert min(a.size, b.size) - 1 - 1e-9 <= r.df <= a.size + b.size - 2 + 1e-9
    check = stats.ttest_ind(b, a, equal_var=False)
    assert r.statistic == pytest.approx(check.statistic, rel=1e-9, abs=1e-12)
    assert r.p_value == pytest.approx(check.pvalue, rel=1e-9, abs=1e-12)
    # the interval decides as the test: wholly below 0 exactly when significant and negative
    assert r.significant_drop == (r.significant and r.difference < 0)


counts = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)).filter(
    lambda c: sum(c) >= 2
)


@settings(max_examples=150, deadline=None)
@given(counts, counts)
def test_nps_difference_properties(before, after):
    r = nps_difference_test(before, after)
    swapped = nps_difference_test(after, before)
    assert 0.0 <= r.p_value <= 1.0
    assert r.p_value == pytest.approx(swapped.p_value)
    assert r.difference == pytest.approx(-swapped.difference)
    assert -200.0 <= r.ci_low <= r.ci_high <= 200.0
    assert r.significant_drop == (r.significant and r.statistic < 0)
    same = nps_difference_test(before, before)
    assert same.statistic == 0
    assert same.p_value == pytest.approx(1.0)
