"""Spearman's rho with the Fisher z / Bonett-Wright interval and its reading (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prima.i18n import gettext
from prima.metrics.correlation import (
    INTERNAL_FIRST_READING,
    SpearmanResult,
    average_ranks,
    reading,
    spearman,
)

NAN = np.nan


def test_five_pairs_by_hand():
    # ranks x 1 2 3 4 5, y 2 1 4 3 5: d = -1 1 -1 1 0, sum d^2 = 4
    # rho = 1 - 6 x 4 / (5 x 24) = 0.8
    r = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert r.n == 5
    assert r.rho == pytest.approx(0.8)
    # z = atanh 0.8 = ln(9) / 2 = 1.098612; SE = sqrt((1 + 0.64 / 2) / 2) = sqrt(0.66) = 0.812404
    # 1.959964 x 0.812404 = 1.592282; z -/+ = -0.493670 .. 2.690895; tanh -> -0.45712 .. 0.99084
    assert r.ci_low == pytest.approx(-0.457124, abs=1e-6)
    assert r.ci_high == pytest.approx(0.990843, abs=1e-6)
    assert reading(r) == "cannot_tell"


def test_ties_take_the_average_rank():
    assert average_ranks(np.array([3.0, 1.0, 3.0, 3.0, 2.0])).tolist() == [4.0, 1.0, 4.0, 4.0, 2.0]
    # x 1 2 2 3 -> ranks 1 2.5 2.5 4; y 1 3 2 4 -> ranks 1 3 2 4; centred on 2.5:
    # x -1.5 0 0 1.5, y -1.5 .5 -.5 1.5: sum xy = 4.5, sum x^2 = 4.5, sum y^2 = 5
    # rho = 4.5 / sqrt(22.5) = 0.948683
    r = spearman([1, 2, 2, 3], [1, 3, 2, 4])
    assert r.rho == pytest.approx(0.948683, abs=1e-6)
    # n = 4: SE = sqrt(1 + 0.9 / 2) = 1.204159; z = 1.818446 -/+ 2.360109 -> -0.49425 .. 0.99953
    assert r.ci_low == pytest.approx(-0.494246, abs=1e-6)
    assert r.ci_high == pytest.approx(0.999531, abs=1e-6)


def test_bonetts_published_example():
    # statpsych::ci.spear(.05, y, x) (Bonett's R package, reference page): 0.8699639,
    # LL 0.5840951, UL 0.9638297 (x has ties: 28 three times, 40 twice)
    y = [21, 4, 9, 12, 35, 18, 10, 22, 24, 1, 6, 8, 13, 16, 19]
    x = [67, 28, 30, 28, 52, 40, 25, 37, 44, 10, 14, 20, 28, 40, 51]
    r = spearman(y, x)
    assert r.rho == pytest.approx(0.8699639, abs=1e-7)
    assert r.ci_low == pytest.approx(0.5840951, abs=1e-7)
    assert r.ci_high == pytest.approx(0.9638297, abs=1e-7)
    assert reading(r) == "positive"


def test_reading_rule():
    assert reading(SpearmanResult(20, 0.6, 0.2, 0.8)) == "positive"
    assert reading(SpearmanResult(20, -0.6, -0.8, -0.2)) == "negative"
    assert reading(SpearmanResult(20, 0.3, -0.1, 0.6)) == "cannot_tell"
    assert reading(SpearmanResult(20, 0.3, 0.0, 0.6)) == "cannot_tell"  # touching 0 is not above
    assert reading(SpearmanResult(3, 1.0, None, None)) == "cannot_tell"
    # strongly opposite ranks over 12 units: the interval lies below 0
    r = spearman(list(range(12)), [11, 10, 9, 8, 7, 6, 5, 4, 3, 1, 2, 0])
    assert r.ci_high is not None
    assert r.ci_high < 0
    assert r.as_dict()["reading"] == "negative"


def test_internal_first_sentences_are_translated():
    assert set(INTERNAL_FIRST_READING) == {"positive", "negative", "cannot_tell"}
    for message in INTERNAL_FIRST_READING.values():
        assert gettext(message, "en") == message
        assert gettext(message, "id") != message


def test_undefined_cases_say_why():
    one = spearman([1.0], [2.0])
    assert (one.n, one.rho, one.ci_low) == (1, None, None)
    assert "fewer than 2" in one.notes[0]
    flat = spearman([1, 2, 3, 4, 5], [3, 3, 3, 3, 3])
    assert flat.rho is None
    assert "no variation" in flat.notes[0]
    three = spearman([1, 2, 3], [1, 3, 2])
    assert three.rho == pytest.approx(0.5)
    assert (three.ci_low, three.ci_high) == (None, None)
    assert "fewer than 4" in three.notes[0]
    perfect = spearman([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
    assert perfect.rho == 1.0
    assert perfect.ci_low is None
    assert "perfect" in perfect.notes[0]
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2], [1, 2, 3])


def test_missing_values_leave_the_pair_out():
    r = spearman([1, 2, NAN, 3, 4, 5], [2, 1, 9, 4, 3, NAN])
    assert r.n == 4
    assert r.rho == pytest.approx(spearman([1, 2, 3, 4], [2, 1, 4, 3]).rho)


pairs = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, 6), min_size=n, max_size=n),
        st.lists(st.floats(-100, 100, allow_nan=False), min_size=n, max_size=n),
    )
)


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@settings(max_examples=200, deadline=None)
@given(pairs)
def test_rho_matches_scipy_and_the_interval_holds_it(xy):
    x, y = xy
    r = spearman(x, y)
    expected = stats.spearmanr(x, y).statistic
    if r.rho is None:
        assert math.isnan(expected)
        return
    assert r.rho == pytest.approx(expected, abs=1e-9)
    assert -1.0 <= r.rho <= 1.0
    mirrored = spearman(x, [-v for v in y])
    assert mirrored.rho == pytest.approx(-r.rho, abs=1e-12)
    if r.ci_low is not None and r.ci_high is not None:
        assert -1.0 < r.ci_low <= r.rho <= r.ci_high < 1.0
        assert mirrored.ci_low == pytest.approx(-r.ci_high, abs=1e-12)
    else:
        assert r.n < 4 or abs(r.rho) == 1.0
