"""The shared t interval and the paired-answer helpers."""

import math

import numpy as np
import pytest
from scipy import stats

from prima.metrics.intervals import mean_interval, t_critical
from prima.metrics.paired import pair_totals, respondent_scores

NAN = np.nan


@pytest.mark.parametrize(("df", "printed"), [(1, 12.706), (2, 4.303), (9, 2.262), (29, 2.045)])
def test_t_critical_matches_the_printed_table_and_scipy(df, printed):
    assert round(t_critical(df), 3) == printed
    assert t_critical(df) == pytest.approx(stats.t.ppf(0.975, df))
    assert t_critical(df, 0.90) == pytest.approx(stats.t.ppf(0.95, df))


def test_mean_interval_by_hand():
    # 2, 4, 6: mean 4 ; SD = sqrt((4+0+4)/2) = 2 ; SE = 2/sqrt(3) ; t(0.975; 2) = 4.302653
    r = mean_interval(np.array([2.0, 4.0, 6.0]))
    assert (r.n, r.mean, r.sd) == (3, 4.0, pytest.approx(2.0))
    half = 4.302653 * 2 / math.sqrt(3)  # 4.96828
    assert (r.ci_low, r.ci_high) == pytest.approx((4 - half, 4 + half), abs=1e-5)


def test_mean_interval_small_samples():
    assert mean_interval(np.array([])).mean is None
    one = mean_interval(np.array([3.0]))
    assert (one.n, one.mean, one.sd, one.ci_low, one.ci_high) == (1, 3.0, None, None, None)


def test_pair_totals_counts_only_both_sides():
    e = np.array([[4.0, NAN], [3.0, 2.0], [NAN, 5.0]])
    p = np.array([[5.0, 1.0], [NAN, 3.0], [2.0, 4.0]])
    first, second = pair_totals(e, p)
    # item 1: only respondent 1 has both (4, 5) ; item 2: respondents 2, 3: E 2+5, P 3+4
    assert (first.n, first.sum_e, first.sum_p) == (1, 4, 5)
    assert (second.n, second.sum_e, second.sum_p) == (2, 7, 7)
    assert second.mean_e == pytest.approx(3.5)
    none = pair_totals(np.array([[NAN]]), np.array([[3.0]]))[0]
    assert (none.n, none.mean_e, none.mean_p) == (0, None, None)


def test_respondent_scores_rows_and_means():
    e = np.array([[4.0, 2.0], [NAN, NAN], [3.0, NAN]])
    p = np.array([[5.0, 4.0], [3.0, 3.0], [1.0, 5.0]])
    s = respondent_scores(e, p, [0, 1])
    # respondent 2 has no pair -> dropped ; respondent 3 only item 1 (gap -2)
    assert s.rows.tolist() == [0, 2]
    # respondent 1: E (4+2)/2 = 3, P (5+4)/2 = 4.5, gap 1.5
    assert s.expectation.tolist() == [3.0, 3.0]
    assert s.performance.tolist() == [4.5, 1.0]
    assert s.gap.tolist() == [1.5, -2.0]


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="same shape"):
        pair_totals(np.zeros((2, 2)), np.zeros((2, 3)))
