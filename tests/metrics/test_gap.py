"""Performance vs expectation (methods.md section 1), checked by hand and with scipy."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prima.metrics.gap import (
    DATA_BELUM_CUKUP,
    MEMUASKAN,
    SANGAT_MEMUASKAN,
    TIDAK_MEMUASKAN,
    gap_stats,
    performance_gap,
    verdict,
)
from prima.metrics.paired import group_totals

NAN = np.nan


def t_interval(values):
    """Reference t interval straight from scipy.stats."""
    x = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    return x.mean() - half, x.mean() + half


# --- one item, by hand --------------------------------------------------------------------


def test_item_below_expectation():
    e = np.array([[4.0], [4.0], [5.0]])
    p = np.array([[2.0], [3.0], [3.0]])
    s = performance_gap(e, p, ["X1"]).items["X1"]
    # E = (4+4+5)/3 = 13/3 ; P = (2+3+3)/3 = 8/3 ; gaps -2, -1, -2 -> mean -5/3
    assert s.n == 3
    assert s.expectation == pytest.approx(13 / 3)
    assert s.performance == pytest.approx(8 / 3)
    assert s.gap == pytest.approx(-5 / 3)
    # deviations -1/3, 2/3, -1/3 -> SS = 6/9 ; var = 1/3 ; SD = 0.57735 ; SE = 1/3
    assert s.sd == pytest.approx(math.sqrt(1 / 3))
    # t(0.975; 2) = 4.302653 ; -5/3 -/+ 4.302653/3 = -3.10088 .. -0.23245
    assert (s.ci_low, s.ci_high) == pytest.approx((-3.10088, -0.23245), abs=1e-5)
    assert (s.ci_low, s.ci_high) == pytest.approx(t_interval([-2, -1, -2]))
    # upper < 0 -> tidak memuaskan
    assert s.verdict == TIDAK_MEMUASKAN
    # every respondent is below expectation
    assert (s.below, s.equal, s.above) == pytest.approx((100.0, 0.0, 0.0))


def test_swapping_sides_flips_the_verdict():
    e = np.array([[4.0], [4.0], [5.0]])
    p = np.array([[2.0], [3.0], [3.0]])
    s = performance_gap(p, e, ["X1"]).items["X1"]
    # gaps 2, 1, 2 -> mean 5/3, interval 0.23245 .. 3.10088, lower > 0
    assert s.gap == pytest.approx(5 / 3)
    assert s.ci_low == pytest.approx(0.23245, abs=1e-5)
    assert s.verdict == SANGAT_MEMUASKAN
    assert (s.below, s.equal, s.above) == pytest.approx((0.0, 0.0, 100.0))


def test_interval_containing_zero_is_memuaskan():
    # gaps -1, 0, 0, 1 -> mean 0 ; SD = sqrt(2/3) ; interval straddles 0
    e = np.array([[4.0], [4.0], [5.0], [3.0]])
    p = np.array([[3.0], [4.0], [5.0], [4.0]])
    s = performance_gap(e, p, ["X1"]).items["X1"]
    assert s.gap == 0.0
    assert s.sd == pytest.approx(math.sqrt(2 / 3))
    assert (s.ci_low, s.ci_high) == pytest.approx(t_interval([-1, 0, 0, 1]))
    assert s.verdict == MEMUASKAN
    # shares: 1 of 4 below, 2 of 4 equal, 1 of 4 above
    assert (s.below, s.equal, s.above) == pytest.approx((25.0, 50.0, 25.0))


def test_means_differ_but_interval_says_memuaskan():
    # published practice (compare means: 3.6 < 4.0) would say tidak memuaskan
    # gaps 0, 0, -1, -1, 0 -> mean -0.4 ; SD = sqrt(0.3) = 0.5477 ; SE = 0.24495
    # t(0.975; 4) = 2.776445 -> -0.4 -/+ 0.68008 = -1.08008 .. 0.28008 -> contains 0
    e = np.full((5, 1), 4.0)
    p = np.array([[4.0], [4.0], [3.0], [3.0], [4.0]])
    s = performance_gap(e, p, ["X1"]).items["X1"]
    assert s.performance < s.expectation
    assert (s.ci_low, s.ci_high) == pytest.approx((-1.08008, 0.28008), abs=1e-5)
    assert s.verdict == MEMUASKAN


def test_constant_gap_has_a_zero_width_interval():
    # everyone exactly 1 above: SD 0, interval [1, 1], lower > 0
    s = performance_gap(np.full((3, 1), 3.0), np.full((3, 1), 4.0), ["X1"]).items["X1"]
    assert (s.ci_low, s.ci_high) == (1.0, 1.0)
    assert s.verdict == SANGAT_MEMUASKAN
    # all equal: [0, 0] -> memuaskan
    s = performance_gap(np.full((3, 1), 3.0), np.full((3, 1), 3.0), ["X1"]).items["X1"]
    assert (s.ci_low, s.ci_high) == (0.0, 0.0)
    assert s.verdict == MEMUASKAN


def test_n_below_two_is_data_belum_cukup():
    # only R1 answered both sides: one gap of -3, no interval, never a comparison of means
    e = np.array([[5.0], [NAN], [4.0]])
    p = np.array([[2.0], [3.0], [NAN]])
    r = performance_gap(e, p, ["X1"])
    s = r.items["X1"]
    assert s.n == 1
    assert s.gap == -3.0
    assert s.ci_low is None
    assert s.ci_high is None
    assert s.sd is None
    assert s.verdict == DATA_BELUM_CUKUP
    assert any("X1" in note and "fewer than 2" in note for note in r.notes)


def test_nobody_answered_both():
    s = performance_gap(np.array([[4.0], [NAN]]), np.array([[NAN], [3.0]]), ["X1"]).items["X1"]
    assert s.n == 0
    assert s.gap is None
    assert s.below is None
    assert s.verdict == DATA_BELUM_CUKUP


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (-2.0, -0.001, TIDAK_MEMUASKAN),
        (-2.0, 0.0, MEMUASKAN),  # upper exactly 0 is not < 0
        (-0.5, 0.5, MEMUASKAN),
        (0.0, 1.0, MEMUASKAN),  # lower exactly 0 is not > 0
        (0.001, 1.0, SANGAT_MEMUASKAN),
        (None, None, DATA_BELUM_CUKUP),
    ],
)
def test_verdict_rule(low, high, expected):
    assert verdict(low, high) == expected


# --- dimensions and blanks ----------------------------------------------------------------

# items X1, X2 in one dimension
#   R1: E (5, 4)  P (3, 4)    gaps (-2, 0)  mean -1
#   R2: E (4, -)  P (4, 5)    X2 one-sided -> excluded from X2; gaps (0, -)  mean 0
#   R3: E (4, 3)  P (-, 5)    X1 one-sided -> excluded from X1; gaps (-, 2)  mean 2
#   R4: all blank              not a respondent
E_DIM = np.array([[5.0, 4.0], [4.0, NAN], [4.0, 3.0], [NAN, NAN]])
P_DIM = np.array([[3.0, 4.0], [4.0, 5.0], [NAN, 5.0], [NAN, NAN]])


def test_items_use_only_respondents_who_answered_both_sides():
    r = performance_gap(E_DIM, P_DIM, ["X1", "X2"], {"D": ["X1", "X2"]})
    x1, x2 = r.items["X1"], r.items["X2"]
    # X1: R1, R2 -> E (5+4)/2 = 4.5, P (3+4)/2 = 3.5, gap (-2+0)/2 = -1
    assert x1.n == 2
    assert (x1.expectation, x1.performance, x1.gap) == pytest.approx((4.5, 3.5, -1.0))
    # X2: R1, R3 -> E (4+3)/2 = 3.5, P (4+5)/2 = 4.5 (R2's P of 5 is left out), gap 1
    assert x2.n == 2
    assert (x2.expectation, x2.performance, x2.gap) == pytest.approx((3.5, 4.5, 1.0))


def test_dimension_is_the_mean_of_respondent_means():
    r = performance_gap(E_DIM, P_DIM, ["X1", "X2"], {"D": ["X1", "X2"]})
    d = r.dimensions["D"]
    # respondent scores -1, 0, 2 -> mean 1/3 ; n = 3 (R4 answered nothing)
    assert d.n == 3
    assert d.gap == pytest.approx(1 / 3)
    # not the mean of item gaps ((-1 + 1)/2 = 0) nor the pooled mean ((-2+0+0+2)/4 = 0)
    assert d.gap != pytest.approx(0.0)
    # E: R1 (5+4)/2 = 4.5, R2 4, R3 3 -> 11.5/3 ; P: R1 3.5, R2 4, R3 5 -> 12.5/3
    assert d.expectation == pytest.approx(11.5 / 3)
    assert d.performance == pytest.approx(12.5 / 3)
    # deviations -4/3, -1/3, 5/3 -> SS = 42/9 ; var = 7/3
    assert d.sd == pytest.approx(math.sqrt(7 / 3))
    assert (d.ci_low, d.ci_high) == pytest.approx(t_interval([-1, 0, 2]))
    assert d.verdict == MEMUASKAN
    # one respondent below, one at 0, one above
    assert (d.below, d.equal, d.above) == pytest.approx((100 / 3, 100 / 3, 100 / 3))
    # overall (all items, here the same single dimension) and n of the result
    assert r.overall.gap == pytest.approx(1 / 3)
    assert r.n == 3
    assert r.notes == []


def test_overall_across_dimensions():
    # R1: X1 gap -1, X2 gap 1, X3 gap 0 ; R2: X1 gap 0, X2 gap 0, X3 gap -3
    e = np.array([[4.0, 3.0, 4.0], [4.0, 4.0, 5.0]])
    p = np.array([[3.0, 4.0, 4.0], [4.0, 4.0, 2.0]])
    r = performance_gap(e, p, ["X1", "X2", "X3"], {"A": ["X1", "X2"], "B": ["X3"]})
    # A: R1 (-1+1)/2 = 0, R2 0 -> 0 ; B: R1 0, R2 -3 -> -1.5
    assert r.dimensions["A"].gap == pytest.approx(0.0)
    assert r.dimensions["B"].gap == pytest.approx(-1.5)
    # overall: R1 (-1+1+0)/3 = 0, R2 (0+0-3)/3 = -1 -> -0.5
    assert r.overall.gap == pytest.approx(-0.5)
    assert (r.overall.ci_low, r.overall.ci_high) == pytest.approx(t_interval([0, -1]))
    # an exact tie in a respondent's mean counts as "equal", not as float noise
    assert r.dimensions["A"].equal == 100.0


def test_no_dimensions_gives_a_note():
    r = performance_gap(np.full((2, 1), 3.0), np.full((2, 1), 3.0), ["X1"])
    assert r.dimensions == {}
    assert any("not grouped" in note for note in r.notes)


def test_wrong_columns_raise():
    with pytest.raises(ValueError, match="one column per item"):
        performance_gap(np.full((2, 2), 3.0), np.full((2, 2), 3.0), ["X1"])
    with pytest.raises(ValueError, match="same shape"):
        performance_gap(np.full((2, 1), 3.0), np.full((3, 1), 3.0), ["X1"])


def test_as_dict_names_the_rule():
    d = performance_gap(E_DIM, P_DIM, ["X1", "X2"], {"D": ["X1", "X2"]}).as_dict()
    assert "upper < 0" in d["verdict_rule"]
    assert d["dimensions"]["D"]["n"] == 3
    assert d["items"]["X1"]["verdict"] == MEMUASKAN


# --- properties ---------------------------------------------------------------------------

cell = st.one_of(st.integers(min_value=1, max_value=5).map(float), st.just(NAN))


@st.composite
def paired(draw, max_items=4):
    rows = draw(st.integers(min_value=1, max_value=15))
    cols = draw(st.integers(min_value=1, max_value=max_items))
    shape = st.lists(st.lists(cell, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    return np.array(draw(shape), dtype=float), np.array(draw(shape), dtype=float)


FLIP = {
    TIDAK_MEMUASKAN: SANGAT_MEMUASKAN,
    SANGAT_MEMUASKAN: TIDAK_MEMUASKAN,
    MEMUASKAN: MEMUASKAN,
    DATA_BELUM_CUKUP: DATA_BELUM_CUKUP,
}


@settings(max_examples=150, deadline=None)
@given(paired())
def test_swap_flips_verdict_and_gap_sign(pair):
    e, p = pair
    items = [f"X{j}" for j in range(e.shape[1])]
    dims = {"all": items}
    forward = performance_gap(e, p, items, dims)
    backward = performance_gap(p, e, items, dims)
    for a, b in [
        *zip(forward.items.values(), backward.items.values(), strict=True),
        (forward.dimensions["all"], backward.dimensions["all"]),
        (forward.overall, backward.overall),
    ]:
        assert b.verdict == FLIP[a.verdict]
        assert a.n == b.n
        if a.n:
            assert b.gap == pytest.approx(-a.gap)
            assert (a.below, a.equal, a.above) == pytest.approx((b.above, b.equal, b.below))
        if a.ci_low is not None:
            assert (b.ci_low, b.ci_high) == pytest.approx((-a.ci_high, -a.ci_low))


@settings(max_examples=150, deadline=None)
@given(paired())
def test_shares_sum_to_100_and_interval_brackets_the_mean(pair):
    e, p = pair
    items = [f"X{j}" for j in range(e.shape[1])]
    r = performance_gap(e, p, items, {"all": items})
    for s in [*r.items.values(), r.overall]:
        if s.n == 0:
            assert (s.below, s.equal, s.above) == (None, None, None)
            continue
        assert s.below + s.equal + s.above == pytest.approx(100.0)
        assert s.gap == pytest.approx(s.performance - s.expectation)
        if s.n >= 2:
            assert s.ci_low <= s.gap <= s.ci_high
        else:
            assert s.verdict == DATA_BELUM_CUKUP


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=4, max_size=60))
def test_gap_stats_interval_matches_scipy(answers):
    half = len(answers) // 2
    e = np.array(answers[:half], dtype=float)[:, None]
    p = np.array(answers[half : 2 * half], dtype=float)[:, None]
    s = gap_stats(group_totals(e, p, [0]))
    low, high = t_interval(p[:, 0] - e[:, 0])
    assert s.ci_low == pytest.approx(low, abs=1e-9)
    assert s.ci_high == pytest.approx(high, abs=1e-9)
