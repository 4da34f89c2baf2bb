"""Cronbach's alpha, the Feldt interval, item-total r and r-table (methods.md section 6)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from prima.metrics.reliability import (
    RELIABILITY_THRESHOLD,
    cronbach_alpha,
    feldt_interval,
    r_table,
    reliability,
)

NAN = np.nan

# 4 respondents x 3 items, every item 1..4 in some order (mean 2.5, SS 5, variance 5/3)
#   A = 1 2 3 4 ; B = 2 1 4 3 ; C = 1 3 2 4
# deviations A -1.5 -.5 .5 1.5 ; B -.5 -1.5 1.5 .5 ; C -1.5 .5 -.5 1.5
# cross products: AB = .75+.75+.75+.75 = 3 ; AC = 2.25-.25-.25+2.25 = 4 ; BC = .75-.75-.75+.75 = 0
# totals 4 6 9 11: SS = 5+5+5 + 2(3+4+0) = 29 (check: 12.25+2.25+2.25+12.25 = 29)
DATA = np.array([[1.0, 2.0, 1.0], [2.0, 1.0, 3.0], [3.0, 4.0, 2.0], [4.0, 3.0, 4.0]])
ITEMS = ["A", "B", "C"]


def test_alpha_by_hand():
    # alpha = 3/2 x (1 - 15/29) = 3/2 x 14/29 = 21/29 = 0.724138
    assert cronbach_alpha(DATA) == pytest.approx(21 / 29)
    r = reliability(DATA, ITEMS)
    assert r.alpha == pytest.approx(21 / 29)
    assert (r.n, r.k) == (4, 3)
    assert r.reliable is True  # 0.724 >= 0.60
    assert r.notes == []


def test_docstring_matrix_by_hand():
    # variances 5/3, 4.75/3, 5/3 (sum 14.75/3) ; totals 5 8 10 14, SS 42.75 -> variance 42.75/3
    # alpha = 1.5 x (1 - 14.75/42.75) = 1.5 x 28/42.75 = 42/42.75 = 0.982456
    data = np.array([[1.0, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]])
    assert cronbach_alpha(data) == pytest.approx(42 / 42.75)


def test_alpha_if_item_deleted_by_hand():
    items = reliability(DATA, ITEMS).items
    # without A: B, C: SS total = 5 + 5 + 2 x 0 = 10 -> 2 x (1 - 10/10) = 0
    assert items["A"].alpha_if_deleted == pytest.approx(0.0, abs=1e-12)
    # without B: A, C: SS total = 10 + 2 x 4 = 18 -> 2 x (1 - 10/18) = 8/9
    assert items["B"].alpha_if_deleted == pytest.approx(8 / 9)
    # without C: A, B: SS total = 10 + 2 x 3 = 16 -> 2 x (1 - 10/16) = 0.75
    assert items["C"].alpha_if_deleted == pytest.approx(0.75)


def test_corrected_item_total_r_by_hand():
    items = reliability(DATA, ITEMS).items
    # A vs B+C: cross products 3 + 4 = 7 ; SS(B+C) = 10 -> r = 7 / sqrt(5 x 10) = 0.98995
    assert items["A"].item_total_r == pytest.approx(7 / math.sqrt(50))
    # B vs A+C: 3 + 0 = 3 ; SS(A+C) = 18 -> 3 / sqrt(90) = 0.31623
    assert items["B"].item_total_r == pytest.approx(3 / math.sqrt(90))
    # C vs A+B: 4 + 0 = 4 ; SS(A+B) = 16 -> 4 / sqrt(80) = 0.44721
    assert items["C"].item_total_r == pytest.approx(4 / math.sqrt(80))
    # the uncorrected r (item against a total that includes it) would be larger:
    # A vs A+B+C: (5 + 7) / sqrt(5 x 29) = 0.99654 -- make sure that is not what we get
    assert items["A"].item_total_r != pytest.approx(12 / math.sqrt(145))
    # r-table at n = 4 (df 2) is 0.950: only A is valid
    assert [items[k].valid for k in ITEMS] == [True, False, False]
    assert items["A"].variance == pytest.approx(5 / 3)
    assert items["A"].excluded is False


def test_feldt_interval_by_hand_and_scipy():
    r = reliability(DATA, ITEMS)
    # df1 = n - 1 = 3 ; df2 = 3 x (k - 1) = 6 ; 1 - alpha = 8/29
    # F(0.975; 3, 6) = 6.5988 -> 1 - 8/29 x 6.5988 = -0.8204
    # F(0.025; 3, 6) = 0.06787 -> 1 - 8/29 x 0.06787 = 0.98128
    low = 1 - (8 / 29) * stats.f.ppf(0.975, 3, 6)
    high = 1 - (8 / 29) * stats.f.ppf(0.025, 3, 6)
    assert (r.ci_low, r.ci_high) == pytest.approx((low, high))
    assert (r.ci_low, r.ci_high) == pytest.approx((-0.8204, 0.98128), abs=1e-4)
    assert r.ci_low < r.alpha < r.ci_high


def test_r_table():
    # df = 28 ; t = 2.048407 ; r = t / sqrt(28 + t^2) = 2.048407 / 5.674128 = 0.361
    assert round(r_table(30), 3) == 0.361
    # other rows of the usual Indonesian r-table (5%, two-tailed)
    assert round(r_table(4), 3) == 0.950
    assert round(r_table(10), 3) == 0.632
    assert round(r_table(20), 3) == 0.444
    assert round(r_table(100), 3) == 0.197
    # from scipy directly
    t = stats.t.ppf(0.975, 48)
    assert r_table(50) == pytest.approx(t / math.sqrt(48 + t * t))
    assert r_table(2) is None
    assert r_table(1) is None


def test_fewer_than_two_items_is_undefined():
    r = reliability(DATA[:, :1], ["A"])
    assert r.alpha is None
    assert r.ci_low is None
    assert r.reliable is None
    assert r.items["A"].item_total_r is None
    assert any("fewer than 2 items" in n for n in r.notes)
    assert cronbach_alpha(DATA[:, :1]) is None


def test_one_respondent_is_undefined():
    r = reliability(DATA[:1], ITEMS)
    assert r.n == 1
    assert r.alpha is None
    assert r.r_table is None
    assert any("fewer than 2 complete respondents" in n for n in r.notes)
    assert cronbach_alpha(DATA[:1]) is None


def test_zero_total_variance_is_undefined():
    # A = 1 2 3, B = 3 2 1: every total is 4 -> variance 0 -> alpha undefined, not 0 or 1
    data = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    r = reliability(data, ["A", "B"])
    assert r.alpha is None
    assert r.reliable is None
    assert any("zero variance: alpha undefined" in n for n in r.notes)


def test_zero_variance_item_is_excluded_and_reported():
    data = np.column_stack([DATA, np.full(4, 3.0)])
    r = reliability(data, [*ITEMS, "D"])
    # D is constant: left out, alpha over A, B, C unchanged
    assert r.k == 3
    assert r.alpha == pytest.approx(21 / 29)
    assert r.items["D"].excluded is True
    assert r.items["D"].variance == 0.0
    assert r.items["D"].item_total_r is None
    assert r.items["D"].alpha_if_deleted is None
    assert r.items["D"].valid is None
    assert any("D: zero variance" in n for n in r.notes)
    # and the other items are computed on A, B, C only
    assert r.items["B"].alpha_if_deleted == pytest.approx(8 / 9)


def test_negative_alpha_is_reported_with_the_reverse_keyed_note():
    # A = 1 2 3 4 ; B = 3 4 1 2 (mean 2.5, SS 5) ; cross product AB = -.75 x 4 = -3
    # totals 4 6 4 6: SS = 10 - 6 = 4 -> alpha = 2 x (1 - 10/4) = -3
    data = np.array([[1.0, 3.0], [2.0, 4.0], [3.0, 1.0], [4.0, 2.0]])
    r = reliability(data, ["A", "B"])
    assert r.alpha == pytest.approx(-3.0)
    assert r.reliable is False
    assert any("reverse-keyed" in n for n in r.notes)
    # two items: alpha if deleted is undefined (one item left)
    assert r.items["A"].alpha_if_deleted is None
    # item-total r with two items is the inter-item r = -3/5
    assert r.items["A"].item_total_r == pytest.approx(-0.6)


def test_listwise_deletion():
    data = np.vstack([DATA, [5.0, NAN, 1.0], [NAN, NAN, NAN]])
    r = reliability(data, ITEMS)
    assert r.n == 4
    assert r.alpha == pytest.approx(21 / 29)
    assert any("listwise deletion: 2 respondents" in n for n in r.notes)


def test_shape_checked_and_threshold():
    with pytest.raises(ValueError, match="respondents x items"):
        reliability(DATA, ["A", "B"])
    assert RELIABILITY_THRESHOLD == 0.60
    d = reliability(DATA, ITEMS).as_dict()
    assert d["threshold"] == 0.60
    assert d["items"]["A"]["valid"] is True


def test_feldt_function_directly():
    # alpha 0.8, n 30, k 10: df1 29, df2 261
    low, high = feldt_interval(0.8, 30, 10)
    assert low == pytest.approx(1 - 0.2 * stats.f.ppf(0.975, 29, 261))
    assert high == pytest.approx(1 - 0.2 * stats.f.ppf(0.025, 29, 261))
    assert low < 0.8 < high


# --- properties and the cross-check against pingouin ------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=25).filter(
        lambda xs: len(set(xs)) > 1
    ),
    st.integers(min_value=2, max_value=8),
)
def test_identical_items_give_alpha_one(column, k):
    data = np.tile(np.array(column, dtype=float).reshape(-1, 1), (1, k))
    assert cronbach_alpha(data) == pytest.approx(1.0)
    r = reliability(data, [f"X{j}" for j in range(k)])
    assert r.alpha == pytest.approx(1.0)
    # the interval collapses on 1 when alpha is 1
    assert (r.ci_low, r.ci_high) == pytest.approx((1.0, 1.0))


def test_alpha_and_interval_match_pingouin_on_seeded_data():
    pingouin = pytest.importorskip("pingouin")
    rng = np.random.default_rng(20240601)
    for _ in range(25):
        n = int(rng.integers(5, 80))
        k = int(rng.integers(2, 10))
        # correlated Likert answers: a shared trait plus noise, cut to 1..5
        trait = rng.normal(size=(n, 1))
        data = np.clip(np.rint(3 + trait + rng.normal(scale=1.2, size=(n, k))), 1, 5)
        if (data.var(axis=0, ddof=1) == 0).any():
            continue
        frame = pd.DataFrame(data, columns=[f"X{j}" for j in range(k)])
        expected_alpha, (low, high) = pingouin.cronbach_alpha(frame, nan_policy="listwise")
        r = reliability(data, list(frame.columns))
        assert r.alpha == pytest.approx(expected_alpha, abs=1e-12)
        # pingouin rounds its interval to 3 decimals
        assert abs(r.ci_low - low) <= 0.0005 + 1e-12
        assert abs(r.ci_high - high) <= 0.0005 + 1e-12


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=3, max_value=40),
    st.integers(min_value=2, max_value=7),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_alpha_matches_pingouin_hypothesis(n, k, seed):
    pingouin = pytest.importorskip("pingouin")
    data = np.random.default_rng(seed).integers(1, 6, size=(n, k)).astype(float)
    if (data.var(axis=0, ddof=1) == 0).any() or data.sum(axis=1).var() == 0:
        return
    expected_alpha, (low, high) = pingouin.cronbach_alpha(pd.DataFrame(data), nan_policy="listwise")
    r = reliability(data, [str(j) for j in range(k)])
    assert r.alpha == pytest.approx(expected_alpha, abs=1e-9)
    assert abs(r.ci_low - low) <= 0.0005 + 1e-9
    assert abs(r.ci_high - high) <= 0.0005 + 1e-9
    # the Feldt interval always contains alpha
    assert r.ci_low <= r.alpha <= r.ci_high


def test_from_sums_of_chunks_is_exact_and_equals_the_whole():
    """Totals of chunks add up: the result of two halves is the result of the whole, and with
    whole-number answers it is exact (21/29 to the last bit, 0 exactly for alpha without A)."""
    from prima.metrics.reliability import reliability_from_sums, reliability_sums

    with_blank = np.vstack([DATA, [[2.0, NAN, 1.0]]])
    halves = reliability_sums(with_blank[:2]) + reliability_sums(with_blank[2:])
    assert (halves.rows, halves.n, halves.sums) == (5, 4, (10, 10, 10))
    assert halves.products[0] == (30, 28, 29)  # A.A = 1+4+9+16, A.B = 2+2+12+12, A.C = 1+6+6+16
    chunked = reliability_from_sums(halves, ITEMS)
    assert chunked == reliability(with_blank, ITEMS)
    assert chunked.alpha == 21 / 29
    assert chunked.items["A"].alpha_if_deleted == 0.0
    assert chunked.items["A"].item_total_r == pytest.approx(7 / math.sqrt(50), rel=1e-15)
    assert chunked.notes == ["listwise deletion: 1 respondents with blanks left out"]
