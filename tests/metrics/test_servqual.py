"""SERVQUAL dimension gaps and scores (methods.md section 2)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prima.metrics.gap import performance_gap
from prima.metrics.servqual import WeightsError, check_weights, servqual

NAN = np.nan

# Unbalanced: tangibles has one item, reliability three (REL1..REL3). E = 4 everywhere.
#   respondent 1: T1 P=2 (gap -2) ; REL1..REL3 P=4,4,4 (gaps 0, 0, 0)
#   respondent 2: T1 P=2 (gap -2) ; REL1..REL3 P=5,5,5 (gaps 1, 1, 1)
ITEMS = ["T1", "REL1", "REL2", "REL3"]
DIMS = {"tangibles": ["T1"], "reliability": ["REL1", "REL2", "REL3"]}
E = np.full((2, 4), 4.0)
P = np.array([[2.0, 4.0, 4.0, 4.0], [2.0, 5.0, 5.0, 5.0]])


def test_dimension_scores_by_hand():
    r = servqual(E, P, ITEMS, DIMS)
    # tangibles: -2, -2 -> -2 ; reliability: (0+0+0)/3 = 0 and (1+1+1)/3 = 1 -> 0.5
    assert r.dimensions["tangibles"].gap == pytest.approx(-2.0)
    assert r.dimensions["reliability"].gap == pytest.approx(0.5)
    assert r.dimensions["reliability"].n == 2
    # reliability interval: respondent gaps 0 and 1, scipy t(0.975; 1) = 12.706
    sd = math.sqrt(0.5)
    half = stats.t.ppf(0.975, 1) * sd / math.sqrt(2)
    assert r.dimensions["reliability"].ci_low == pytest.approx(0.5 - half)
    assert r.dimensions["reliability"].ci_high == pytest.approx(0.5 + half)


def test_unweighted_is_the_mean_of_dimension_scores_not_of_item_gaps():
    r = servqual(E, P, ITEMS, DIMS)
    # mean of the dimension scores: (-2 + 0.5)/2 = -0.75
    assert r.unweighted == pytest.approx(-0.75)
    # the labelled alternative, the mean of the four item gaps: (-2 + 0.5 + 0.5 + 0.5)/4 = -0.125
    item_gaps = performance_gap(E, P, ITEMS).items
    mean_item_gap = np.mean([s.gap for s in item_gaps.values()])
    assert mean_item_gap == pytest.approx(-0.125)
    assert r.unweighted != pytest.approx(mean_item_gap)


def test_weighted_score_by_hand():
    w = np.array([[40.0, 60.0], [70.0, 30.0]])
    r = servqual(E, P, ITEMS, DIMS, w)
    # respondent 1: 0.4 x -2 + 0.6 x 0 = -0.8 ; respondent 2: 0.7 x -2 + 0.3 x 1 = -1.1
    # mean -0.95
    assert r.weighted == pytest.approx(-0.95)
    assert r.weighted_n == 2
    # SD of (-0.8, -1.1) = 0.3/sqrt(2) ; SE = 0.15 ; -0.95 -/+ t(0.975; 1) x 0.15
    half = stats.t.ppf(0.975, 1) * 0.15
    assert r.weighted_ci_low == pytest.approx(-0.95 - half)
    assert r.weighted_ci_high == pytest.approx(-0.95 + half)
    # the weighting moves the score away from the unweighted -0.75
    assert r.weighted != pytest.approx(r.unweighted)


def test_docstring_example_with_positive_gaps():
    e = np.array([[5.0, 4.0], [4.0, 4.0]])
    p = np.array([[4.0, 4.0], [4.0, 5.0]])
    w = np.array([[50.0, 50.0], [20.0, 80.0]])
    r = servqual(e, p, ["T1", "R1"], {"tangibles": ["T1"], "reliability": ["R1"]}, w)
    # tangibles: gaps -1, 0 -> -0.5 ; reliability: 0, 1 -> 0.5 ; unweighted 0
    assert r.unweighted == pytest.approx(0.0)
    # respondent 1: 0.5 x -1 + 0.5 x 0 = -0.5 ; respondent 2: 0.2 x 0 + 0.8 x 1 = 0.8
    # mean 0.15
    assert r.weighted == pytest.approx(0.15)


def test_weights_equal_shares_give_the_unweighted_score_on_complete_data():
    # every respondent 50/50 on complete data: mean over respondents of (g_T + g_R)/2
    # = (mean g_T + mean g_R)/2 = unweighted
    w = np.full((2, 2), 50.0)
    r = servqual(E, P, ITEMS, DIMS, w)
    assert r.weighted == pytest.approx(r.unweighted)


def test_partial_answer_blanks():
    # respondent 3 answered only tangibles (gap 4 - 5 = -1): counted in tangibles, absent from
    # reliability, and left out of the weighted score, which needs every dimension
    e = np.vstack([E, [5.0, NAN, NAN, NAN]])
    p = np.vstack([P, [4.0, NAN, 3.0, NAN]])  # REL2 one-sided: P without E -> not a pair
    w = np.array([[40.0, 60.0], [70.0, 30.0], [50.0, 50.0]])
    r = servqual(e, p, ITEMS, DIMS, w)
    # tangibles: -2, -2, -1 -> -5/3 ; reliability unchanged 0.5
    assert r.dimensions["tangibles"].n == 3
    assert r.dimensions["tangibles"].gap == pytest.approx(-5 / 3)
    assert r.dimensions["reliability"].n == 2
    assert r.dimensions["reliability"].gap == pytest.approx(0.5)
    assert r.unweighted == pytest.approx((-5 / 3 + 0.5) / 2)
    assert r.weighted_n == 2
    assert r.weighted == pytest.approx(-0.95)


def test_partial_items_within_a_dimension():
    # respondent 2 skipped REL3 (both sides): their reliability = (1 + 1)/2 = 1, unchanged
    e = E.copy()
    p = P.copy()
    e[1, 3] = NAN
    p[1, 3] = NAN
    r = servqual(e, p, ITEMS, DIMS)
    assert r.dimensions["reliability"].gap == pytest.approx(0.5)
    # respondent 2's REL1 gap made 3 (P = 7, out of scale, shows the mean over 2 items):
    p[1, 1] = 7.0
    r = servqual(e, p, ITEMS, DIMS)
    # respondent 2: (3 + 1)/2 = 2 ; reliability (0 + 2)/2 = 1
    assert r.dimensions["reliability"].gap == pytest.approx(1.0)


def test_respondent_with_all_weights_blank_is_skipped():
    w = np.array([[40.0, 60.0], [NAN, NAN]])
    r = servqual(E, P, ITEMS, DIMS, w)
    assert r.weighted_n == 1
    assert r.weighted == pytest.approx(-0.8)
    assert r.weighted_ci_low is None  # one respondent: no interval


@pytest.mark.parametrize(
    ("weights", "row", "match"),
    [
        (np.array([[40.0, 60.0], [70.0, 20.0]]), 1, "sum to 90"),
        (np.array([[40.0, 61.0], [70.0, 30.0]]), 0, "sum to 101"),
        (np.array([[0.4, 0.6], [0.7, 0.3]]), 0, "not 100"),  # proportions, not points
        (np.array([[40.0, 60.0], [70.0, NAN]]), 1, "blank"),
        (np.array([[140.0, -40.0], [70.0, 30.0]]), 0, "negative"),
    ],
)
def test_invalid_weights_raise(weights, row, match):
    with pytest.raises(WeightsError, match=match) as info:
        servqual(E, P, ITEMS, DIMS, weights)
    assert info.value.row == row
    assert f"respondent {row}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_weights_error_reports_the_total():
    with pytest.raises(WeightsError) as info:
        check_weights(np.array([[30.0, 30.0, 30.0]]))
    assert info.value.total == pytest.approx(90.0)


def test_weights_float_noise_tolerated():
    # 33.3 + 33.3 + 33.4 = 100.00000000000001 in binary
    gave = check_weights(np.array([[33.3, 33.3, 33.4], [NAN, NAN, NAN]]))
    assert gave.tolist() == [True, False]


def test_negative_gaps_everywhere():
    e = np.full((3, 4), 5.0)
    p = np.array([[1.0, 2.0, 2.0, 2.0], [2.0, 1.0, 1.0, 1.0], [3.0, 4.0, 4.0, 4.0]])
    r = servqual(e, p, ITEMS, DIMS, np.full((3, 2), 50.0))
    # tangibles: -4, -3, -2 -> -3 ; reliability: -3, -4, -1 -> -8/3
    assert r.dimensions["tangibles"].gap == pytest.approx(-3.0)
    assert r.dimensions["reliability"].gap == pytest.approx(-8 / 3)
    assert r.unweighted == pytest.approx((-3 - 8 / 3) / 2)
    assert r.weighted == pytest.approx(r.unweighted)


def test_dimension_without_answers():
    e = E.copy()
    e[:, 0] = NAN
    r = servqual(e, P, ITEMS, DIMS, np.full((2, 2), 50.0))
    assert r.dimensions["tangibles"].gap is None
    assert r.unweighted is None
    assert r.weighted is None
    assert r.weighted_n == 0
    assert any("unweighted score undefined" in n for n in r.notes)
    assert any("no respondent gave weights" in n for n in r.notes)


def test_no_weights_note_and_errors():
    r = servqual(E, P, ITEMS, DIMS)
    assert r.weighted is None
    assert any("weighted score not computed" in n for n in r.notes)
    with pytest.raises(ValueError, match="dimensions"):
        servqual(E, P, ITEMS, {})
    with pytest.raises(ValueError, match="respondents x dimensions"):
        servqual(E, P, ITEMS, DIMS, np.full((2, 3), 100 / 3))


# --- properties ---------------------------------------------------------------------------


@st.composite
def survey(draw):
    rows = draw(st.integers(min_value=2, max_value=12))
    answer = st.integers(min_value=1, max_value=7).map(float)
    e = np.array(
        draw(st.lists(st.lists(answer, min_size=4, max_size=4), min_size=rows, max_size=rows))
    )
    p = np.array(
        draw(st.lists(st.lists(answer, min_size=4, max_size=4), min_size=rows, max_size=rows))
    )
    split = st.integers(min_value=0, max_value=100)
    w = np.array(
        [[float(a), float(100 - a)] for a in draw(st.lists(split, min_size=rows, max_size=rows))]
    )
    return e, p, w


@settings(max_examples=80, deadline=None)
@given(survey())
def test_weighted_score_between_extreme_dimensions_and_sign_flips(data):
    e, p, w = data
    r = servqual(e, p, ITEMS, DIMS, w)
    gaps = [s.gap for s in r.dimensions.values()]
    assert r.unweighted == pytest.approx(sum(gaps) / 2)
    # each respondent's weighted score lies between their two dimension gaps, so the mean lies
    # within [mean of per-respondent minima, mean of maxima]
    t = p[:, 0] - e[:, 0]
    rel = (p[:, 1:] - e[:, 1:]).mean(axis=1)
    assert np.minimum(t, rel).mean() - 1e-9 <= r.weighted <= np.maximum(t, rel).mean() + 1e-9
    assert r.weighted == pytest.approx(float((w[:, 0] / 100 * t + w[:, 1] / 100 * rel).mean()))
    swapped = servqual(p, e, ITEMS, DIMS, w)
    assert swapped.weighted == pytest.approx(-r.weighted)
    assert swapped.unweighted == pytest.approx(-r.unweighted)
