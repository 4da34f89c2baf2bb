"""Auditor agreement (issue 13 point 4): Cohen's and Fleiss' kappa, the six ICC forms and
Krippendorff's alpha, by hand, against reference implementations on random data with missing
ratings, and Hypothesis invariants."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, to_table
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from prima.metrics.agreement import (
    ICC_FORMS,
    LEVELS,
    AgreementError,
    cohen_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
)

NAN = np.nan
Z = 1.959963984540054
PINGOUIN_TYPES = dict(
    zip(
        ICC_FORMS,
        ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"],
        strict=True,
    )
)


def arr(*rows: list[float]) -> np.ndarray:
    return np.array(rows, dtype=float)


# -- Cohen's kappa by hand -----------------------------------------------------------------------
def test_cohen_unweighted_by_hand():
    # a = 1 1 2 2, b = 1 2 2 2: cells (1,1) (1,2) (2,2) (2,2) -> p = [[.25, .25], [0, .5]]
    # po = .25 + .5 = .75 ; rows .5 .5, columns .25 .75 -> pe = .125 + .375 = .5 ; kappa = .25/.5
    r = cohen_kappa(np.array([1.0, 1, 2, 2]), np.array([1.0, 2, 2, 2]))
    assert (r.n, r.po, r.pe, r.weights) == (4, 0.75, 0.5, None)
    assert r.kappa == pytest.approx(0.5)
    # Fleiss-Cohen-Everitt: wbar_i. = (.25, .75), wbar_.j = (.5, .5), 1 - kappa = .5
    # (1,1): 1 - .75 x .5 = .625 -> .25 x .390625 = .09765625
    # (1,2): 0 - .75 x .5 = -.375 -> .25 x .140625 = .03515625
    # (2,2): 1 - 1.25 x .5 = .375 -> .5 x .140625 = .0703125     sum .203125
    # minus (kappa - pe(1 - kappa))^2 = .25^2 = .0625 -> .140625 / (n (1 - pe)^2 = 1): se .375
    assert r.se == pytest.approx(0.375)
    assert r.ci_low == pytest.approx(0.5 - Z * 0.375)
    assert r.ci_high == 1.0  # .5 + .735 clipped to 1


def test_cohen_weighted_by_hand():
    # a = 1 2 3 1, b = 1 3 3 2; values 1 2 3, span 2
    a, b = np.array([1.0, 2, 3, 1]), np.array([1.0, 3, 3, 2])
    # linear weights: 1 on the diagonal, 1/2 one apart, 0 two apart
    # po = (1 + .5 + 1 + .5)/4 = .75 ; rows .5 .25 .25 ; columns .25 .25 .5
    # pe = .5 (.25 + .125) + .25 (.125 + .25 + .25) + .25 (.125 + .5) = .1875 + .15625 + .15625 = .5
    r = cohen_kappa(a, b, "linear")
    assert (r.po, r.pe) == (pytest.approx(0.75), pytest.approx(0.5))
    assert r.kappa == pytest.approx(0.5)
    # quadratic weights: 1, 3/4 one apart, 0 two apart: po = (1 + .75 + 1 + .75)/4 = .875
    # pe = .5 (.25 + .1875) + .25 (.1875 + .25 + .375) + .25 (.1875 + .5) = .59375
    # kappa = .28125 / .40625 = 9/13
    r = cohen_kappa(a, b, "quadratic")
    assert (r.po, r.pe) == (pytest.approx(0.875), pytest.approx(0.59375))
    assert r.kappa == pytest.approx(9 / 13)
    assert r.weights == "quadratic"


def test_cohen_counts_only_subjects_rated_by_both():
    a = np.array([1.0, 1, 2, 2, NAN, 3])
    b = np.array([1.0, 2, 2, 2, 1, NAN])
    r = cohen_kappa(a, b)
    assert r.n == 4
    assert r.kappa == pytest.approx(0.5)  # the hand case above


def test_weights_use_the_category_values():
    # observed values 1, 2, 4: linear weights 1 - |x_i - x_j| / 3 (2 and 4 are 2/3 apart)
    a, b = np.array([1.0, 2, 4, 4]), np.array([2.0, 4, 4, 1])
    r = cohen_kappa(a, b, "linear")
    # cells (1,2) w 2/3, (2,4) w 1/3, (4,4) w 1, (4,1) w 0 -> po = (2/3 + 1/3 + 1 + 0)/4 = .5
    assert r.po == pytest.approx(0.5)


# -- Fleiss' kappa by hand --------------------------------------------------------------------
def test_fleiss_by_hand():
    # three raters: (1,1,1) (2,2,2) (1,2,2) -> counts (3,0) (0,3) (1,2)
    # P_i = (9-3)/6 = 1, 1, (1+4-3)/6 = 1/3 -> Pbar = 7/9
    # p_j = 4/9, 5/9 -> Pe = 41/81 ; kappa = (63/81 - 41/81) / (40/81) = 22/40
    r = fleiss_kappa(arr([1, 1, 1], [2, 2, 2], [1, 2, 2], [1, NAN, 2]))
    assert (r.n, r.k) == (3, 3)  # the row with a blank is dropped
    assert r.kappa == pytest.approx(0.55)
    assert r.as_dict() == {"n": 3, "k": 3, "kappa": pytest.approx(0.55)}


# -- ICC by hand --------------------------------------------------------------------------------
def test_icc_by_hand():
    # 3 subjects x 2 raters: 1 2 / 2 3 / 3 5 ; grand mean 8/3
    # SST = 28/3, SSR = 2 x (49/36 + 1/36 + 64/36) = 19/3, SSC = 3 x (4/9 + 4/9) = 8/3
    # SSE = 1/3 ; MSR = 19/6, MSC = 8/3, MSE = 1/6, MSW = (28/3 - 19/3)/3 = 1
    r = icc(arr([1, 2], [2, 3], [3, 5]))
    assert (r.msr, r.msc, r.mse, r.msw) == pytest.approx((19 / 6, 8 / 3, 1 / 6, 1.0))
    f = r.forms
    assert f["ICC1"].value == pytest.approx((19 / 6 - 1) / (19 / 6 + 1))  # 13/25
    assert f["ICC1k"].value == pytest.approx((19 / 6 - 1) / (19 / 6))  # 13/19
    # ICC2 = 3 / (19/6 + 1/6 + 2 (8/3 - 1/6)/3) = 3 / (20/6 + 10/6) = 3/5
    assert f["ICC2"].value == pytest.approx(0.6)
    # ICC2k = 3 / (19/6 + (8/3 - 1/6)/3) = 3 / (19/6 + 5/6) = 3/4
    assert f["ICC2k"].value == pytest.approx(0.75)
    assert f["ICC3"].value == pytest.approx(3 / (19 / 6 + 1 / 6))  # 9/10
    assert f["ICC3k"].value == pytest.approx(3 / (19 / 6))  # 18/19
    # ICC1 interval: F = 19/6 on (2, 3) degrees of freedom
    fl = (19 / 6) / stats.f.ppf(0.975, 2, 3)
    fu = (19 / 6) * stats.f.ppf(0.975, 3, 2)
    assert f["ICC1"].ci_low == pytest.approx((fl - 1) / (fl + 1))
    assert f["ICC1"].ci_high == pytest.approx((fu - 1) / (fu + 1))
    assert f["ICC1k"].ci_low == pytest.approx(1 - 1 / fl)
    # ICC3 interval: F = MSR/MSE = 19 on (2, 2)
    fl = 19 / stats.f.ppf(0.975, 2, 2)
    assert f["ICC3"].ci_low == pytest.approx((fl - 1) / (fl + 1))
    assert f["ICC3k"].ci_high == pytest.approx(1 - 1 / (19 * stats.f.ppf(0.975, 2, 2)))
    # ICC2 interval (McGraw & Wong 2A): r = 3/5, a = 2 x .6 / (3 x .4) = 1, b = 1 + 1.2 x 2 / 1.2 = 3
    # v = (8/3 + 1/2)^2 / ((8/3)^2 / 1 + (1/2)^2 / 2) = (19/6)^2 / (64/9 + 1/8)
    v = (19 / 6) ** 2 / (64 / 9 + 1 / 8)
    fu = stats.f.ppf(0.975, 2, v)
    c = 2 * 8 / 3 + (6 - 2 - 3) / 6  # k MSC + (kn - k - n) MSE
    low = 3 * (19 / 6 - fu / 6) / (fu * c + 3 * 19 / 6)
    assert f["ICC2"].ci_low == pytest.approx(low)
    assert f["ICC2k"].ci_low == pytest.approx(2 * low / (1 + low))


def test_icc_perfect_agreement_and_rater_offsets():
    r = icc(arr([1, 1, 1], [2, 2, 2], [4, 4, 4]))
    assert all(
        r.forms[name].as_dict() == {"value": 1.0, "ci_low": 1.0, "ci_high": 1.0}
        for name in ICC_FORMS
    )
    # the second rater always one higher: consistency perfect (ICC3 = 1), absolute agreement not
    r = icc(arr([1, 2], [2, 3], [4, 5]))
    assert r.forms["ICC3"].value == 1.0
    assert r.forms["ICC3"].ci_low == 1.0
    assert 0 < r.forms["ICC2"].value < 1
    assert r.forms["ICC2"].ci_low is not None
    assert r.forms["ICC2"].ci_low < r.forms["ICC2"].value
    assert 0 < r.forms["ICC1"].value < 1


# -- Krippendorff's alpha by hand ---------------------------------------------------------------
def test_krippendorff_by_hand():
    # units (1,2) (2,3) (3,3): o_12 = o_21 = 1, o_23 = o_32 = 1, o_33 = 2 -> n_1 1, n_2 2, n_3 3, n 6
    data = arr([1, 2], [2, 3], [3, 3])
    # nominal: Do = 4 ; De = 2 (n1 n2 + n1 n3 + n2 n3) = 2 (2 + 3 + 6) = 22 -> 1 - 5 x 4/22 = 1/11
    assert krippendorff_alpha(data, "nominal").alpha == pytest.approx(1 / 11)
    # interval: Do = 4 x 1 ; De = 2 (2 x 1 + 3 x 4 + 6 x 1) = 40 -> 1 - 20/40
    assert krippendorff_alpha(data, "interval").alpha == pytest.approx(0.5)
    # ordinal: d(1,2) = (3 - 1.5)^2 = 2.25, d(2,3) = (5 - 2.5)^2 = 6.25, d(1,3) = (6 - 2)^2 = 16
    # Do = 2 x 2.25 + 2 x 6.25 = 17 ; De = 2 (2 x 2.25 + 3 x 16 + 6 x 6.25) = 180 -> 1 - 85/180
    assert krippendorff_alpha(data, "ordinal").alpha == pytest.approx(95 / 180)
    # ratio: d(1,2) = (1/3)^2, d(2,3) = (1/5)^2, d(1,3) = (2/4)^2 ; Do = 2/9 + 2/25 = 68/225
    # De = 2 (2/9 + 3/4 + 6/25) = 1091/450 -> 1 - 5 x (68/225) / (1091/450) = 411/1091
    assert krippendorff_alpha(data, "ratio").alpha == pytest.approx(411 / 1091)


def test_krippendorff_published_example():
    # Krippendorff (2011), the 4 observers x 12 units example with missing values:
    # alpha 0.743 nominal, 0.815 ordinal, 0.849 interval, 0.797 ratio; unit 12 has one rating
    n = NAN
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
        ]
    ).T
    published = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
    for level, value in published.items():
        r = krippendorff_alpha(data, level)
        assert round(r.alpha, 3) == value
        assert (r.n, r.pairable) == (11, 40)
        assert r.as_dict() == {"n": 11, "alpha": r.alpha, "level": level}


# -- degenerate input ----------------------------------------------------------------------------
def test_degenerate_input_raises_clear_errors():
    with pytest.raises(AgreementError) as caught:
        cohen_kappa(np.array([1.0, NAN, 2]), np.array([1.0, 2, NAN]))
    assert caught.value.key == "too_few_subjects"
    with pytest.raises(AgreementError, match="one and the same category"):
        cohen_kappa(np.array([3.0, 3, 3]), np.array([3.0, 3, 3]), "linear")
    with pytest.raises(AgreementError) as caught:
        fleiss_kappa(arr([2, 2], [2, 2]))
    assert caught.value.key == "one_category"
    with pytest.raises(AgreementError) as caught:
        fleiss_kappa(arr([1], [2]))
    assert caught.value.key == "too_few_raters"
    with pytest.raises(AgreementError) as caught:
        icc(arr([3, 3], [3, 3], [3, 3]))
    assert caught.value.key == "no_variance"
    with pytest.raises(AgreementError) as caught:
        icc(arr([1, 3], [3, 1]))  # subject means 2 and 2: MSR = 0, ICC1k = (0 - MSW)/0
    assert caught.value.key == "no_subject_variance"
    with pytest.raises(AgreementError) as caught:
        icc(arr([1, 2], [NAN, 3]))
    assert caught.value.key == "too_few_subjects"
    with pytest.raises(AgreementError) as caught:
        krippendorff_alpha(arr([1, NAN], [2, 2], [NAN, 3]))
    assert caught.value.key == "too_few_subjects"
    with pytest.raises(AgreementError) as caught:
        krippendorff_alpha(arr([4, 4], [4, 4], [1, NAN]))
    assert caught.value.key == "one_category"
    with pytest.raises(AgreementError) as caught:
        krippendorff_alpha(arr([-1, 1], [2, 2]), "ratio")
    assert caught.value.key == "negative_ratio"
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(arr([1, 2], [2, 2]), "cardinal")
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa(np.array([1.0, 2]), np.array([1.0, 2]), "cubic")


def test_krippendorff_ratio_with_zeros():
    # c = k = 0 differs by nothing; 0 against 2 by ((0 - 2)/(0 + 2))^2 = 1
    r = krippendorff_alpha(arr([0, 0], [2, 2], [0, 2]), "ratio")
    # same coincidences as the nominal 1/2 example: 1 - 5 x 2 / 18
    assert r.alpha == pytest.approx(1 - 10 / 18)


# -- against reference implementations on random data with missing ratings ---------------------
def _ratings(seed: int, n: int, k: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    true = rng.integers(1, 6, size=n)
    x = np.clip(true[:, None] + rng.integers(-1, 2, size=(n, k)), 1, 5).astype(float)
    x[rng.random(x.shape) < missing] = NAN
    return x


@pytest.mark.parametrize("seed", range(6))
def test_cohen_against_sklearn_and_statsmodels(seed):
    x = _ratings(seed, 60, 2, 0.15)
    both = ~np.isnan(x).any(axis=1)
    a, b = x[both, 0].astype(int), x[both, 1].astype(int)
    full = len(set(a) | set(b)) == len(range(min(a.min(), b.min()), max(a.max(), b.max()) + 1))
    assert full  # these seeds use every value from the lowest to the highest
    table, _ = to_table(np.column_stack([a, b]))
    for weights in (None, "linear", "quadratic"):
        r = cohen_kappa(x[:, 0], x[:, 1], weights)
        assert r.n == int(both.sum())
        # the references weight category indices: the same as values when none is skipped
        assert r.kappa == pytest.approx(cohen_kappa_score(a, b, weights=weights), abs=1e-12)
        ref = cohens_kappa(table, wt=weights)
        assert r.se == pytest.approx(ref.std_kappa, rel=1e-9)
        assert r.ci_low == pytest.approx(max(-1, ref.kappa_low), abs=1e-9)
        assert r.ci_high == pytest.approx(min(1, ref.kappa_upp), abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_fleiss_against_statsmodels(seed):
    x = _ratings(seed, 50, 4, 0.05)
    complete = x[~np.isnan(x).any(axis=1)]
    table, _ = aggregate_raters(complete.astype(int))
    r = fleiss_kappa(x)
    assert (r.n, r.k) == (complete.shape[0], 4)
    assert r.kappa == pytest.approx(sm_fleiss_kappa(table), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_icc_against_pingouin(seed):
    x = _ratings(seed, 40, 3, 0.05)
    x[:, 1] += seed % 3 * 0.5  # a rater's offset, and non-integer ratings
    long = pd.DataFrame(
        [(i, j, x[i, j]) for i in range(x.shape[0]) for j in range(x.shape[1])],
        columns=["subject", "rater", "rating"],
    )
    ref = pg.intraclass_corr(long, "subject", "rater", "rating", nan_policy="omit").set_index(
        "Type"
    )
    r = icc(x)
    assert r.n == int((~np.isnan(x).any(axis=1)).sum())
    for name in ICC_FORMS:
        row = ref.loc[PINGOUIN_TYPES[name]]
        assert r.forms[name].value == pytest.approx(row["ICC"], abs=1e-12)
        low, high = row["CI95"]  # pingouin rounds its interval to 2 decimals
        assert r.forms[name].ci_low == pytest.approx(low, abs=0.005 + 1e-9)
        assert r.forms[name].ci_high == pytest.approx(high, abs=0.005 + 1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_against_package(seed, level):
    x = _ratings(seed, 40, 5, 0.35)
    r = krippendorff_alpha(x, level)
    expected = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
    assert r.alpha == pytest.approx(expected, abs=1e-12)
    assert r.n == int(((~np.isnan(x)).sum(axis=1) >= 2).sum())


# -- invariants -------------------------------------------------------------------------------
values = st.integers(min_value=0, max_value=6)
varied = st.lists(values, min_size=2, max_size=25).filter(lambda v: len(set(v)) >= 2)


@settings(max_examples=60, deadline=None)
@given(varied, st.integers(min_value=2, max_value=5))
def test_perfect_agreement_gives_one(subjects, raters):
    x = np.repeat(np.array(subjects, dtype=float)[:, None], raters, axis=1)
    for weights in (None, "linear", "quadratic"):
        assert cohen_kappa(x[:, 0], x[:, 1], weights).kappa == pytest.approx(1.0)
    assert fleiss_kappa(x).kappa == pytest.approx(1.0)
    assert cohen_kappa(x[:, 0], x[:, 1]).ci_low == 1.0  # no variance left
    assert all(v.value == 1.0 for v in icc(x).forms.values())
    for level in LEVELS:
        assert krippendorff_alpha(x, level).alpha == pytest.approx(1.0)


pairs = st.lists(st.tuples(values, values), min_size=2, max_size=30).filter(
    lambda p: len({v for pair in p for v in pair}) >= 2
)


@settings(max_examples=80, deadline=None)
@given(pairs, st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_is_symmetric_in_the_raters(pairs, weights):
    a = np.array([p[0] for p in pairs], dtype=float)
    b = np.array([p[1] for p in pairs], dtype=float)
    one, two = cohen_kappa(a, b, weights), cohen_kappa(b, a, weights)
    assert one.kappa == pytest.approx(two.kappa, abs=1e-12)
    assert one.se == pytest.approx(two.se, abs=1e-12)
    assert -1 <= one.ci_low <= one.kappa <= one.ci_high <= 1


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(values, min_size=3, max_size=3), min_size=2, max_size=20).filter(
        lambda rows: len({v for r in rows for v in r}) >= 2
    ),
    st.permutations(list(range(7))),
)
def test_relabelling_nominal_categories_changes_nothing(rows, relabel):
    x = np.array(rows, dtype=float)
    y = np.vectorize(lambda v: float(relabel[int(v)] * 10 + 3))(x)
    if len(set(x[:, 0]) | set(x[:, 1])) >= 2:
        assert cohen_kappa(x[:, 0], x[:, 1]).kappa == pytest.approx(
            cohen_kappa(y[:, 0], y[:, 1]).kappa, abs=1e-12
        )
    assert fleiss_kappa(x).kappa == pytest.approx(fleiss_kappa(y).kappa, abs=1e-12)
    x[0, 2] = y[0, 2] = NAN  # and with a missing rating
    if len(set(x[~np.isnan(x)])) >= 2:
        a, b = krippendorff_alpha(x), krippendorff_alpha(y)
        assert a.alpha == pytest.approx(b.alpha, abs=1e-12)


def test_icc2k_without_a_value():
    # 2 subjects x 3 raters: 1 3 5 / 4 3 1
    # grand mean 17/6; row means 3, 8/3: SSR = 3 ((1/6)^2 + (1/6)^2) = 1/6, MSR = 1/6
    # column means 2.5, 3, 3: SSC = 2 (1/9 + 1/36 + 1/36) = 1/3, MSC = 1/6
    # SST = sum x^2 - 6 x (17/6)^2 = 61 - 289/6 = 77/6 ; SSE = 77/6 - 1/6 - 2/6 = 74/6, MSE = 37/6
    # ICC2k denominator MSR + (MSC - MSE)/n = 1/6 + (1/6 - 37/6)/2 = -17/6 <= 0: no value
    r = icc(arr([1, 3, 5], [4, 3, 1]))
    assert r.mse == pytest.approx(37 / 6)
    assert r.forms["ICC2k"].as_dict() == {"value": None, "ci_low": None, "ci_high": None}
    assert r.forms["ICC2"].value == pytest.approx(
        (1 / 6 - 37 / 6) / (1 / 6 + 2 * 37 / 6 + 3 * (1 / 6 - 37 / 6) / 2)
    )


def test_spearman_brown_of_a_bound_at_minus_one_over_k_minus_one():
    from prima.metrics.agreement.icc import _spearman_brown

    # k = 3: r = -1/2 makes 1 + 2r = 0; below it the step-up has no meaning
    assert _spearman_brown(-0.5, 3) is None
    assert _spearman_brown(-0.6, 3) is None
    assert _spearman_brown(0.5, 3) == pytest.approx(1.5 / 2)  # 3 x .5 / (1 + 2 x .5)


def test_results_hold_no_nan():
    for seed in range(20):
        x = _ratings(seed, 4, 2, 0.0)
        try:
            result = icc(x)
        except AgreementError:
            continue
        for estimate in result.forms.values():
            for v in (estimate.value, estimate.ci_low, estimate.ci_high):
                assert v is None or math.isfinite(v)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.none(), st.integers(min_value=0, max_value=4)), min_size=3, max_size=3
        ),
        min_size=0,
        max_size=12,
    )
)
def test_every_statistic_is_finite_or_a_clear_error(rows):
    x = np.array([[NAN if v is None else v for v in r] for r in rows], dtype=float).reshape(-1, 3)
    results = []
    for compute in (
        lambda: cohen_kappa(x[:, 0], x[:, 1]).as_dict(),
        lambda: cohen_kappa(x[:, 0], x[:, 1], "quadratic").as_dict(),
        lambda: fleiss_kappa(x).as_dict(),
        lambda: icc(x).as_dict()["icc"],
        *(lambda level=level: krippendorff_alpha(x, level).as_dict() for level in LEVELS),
    ):
        try:
            results.append(compute())
        except AgreementError:
            continue

    def numbers(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from numbers(v)
        elif isinstance(value, float):
            yield value

    for result in results:
        assert all(math.isfinite(v) for v in numbers(result)), result
