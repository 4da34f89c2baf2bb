"""Student's t in plain Python against SciPy, closed forms, and its symmetry and monotonicity."""

import json
import math
import re
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import bernoulli, poch, stdtr, stdtrit

from prima.metrics import student_t
from prima.metrics.student_t import t_cdf, t_isf, t_pdf, t_ppf, t_sf

DFS = [1, 1.5, 2, 3, 4, 5, 7.5, 9, 10, 29, 30, 31, 49, 50, 99, 100, 1000, 12345, 10**5]
DFS += [999_999, 10**6, 3_000_000, 10**7]
PROBABILITIES = [0.5, 0.51, 0.6, 0.75, 0.8, 0.9, 0.95, 0.975, 0.977, 0.99, 0.995]
PROBABILITIES += [0.999, 0.9999, 0.99999, 0.999999, 0.9999999]
# scipy.special.stdtrit loses digits close to p = 1/2 at small df (relative error 4e-4 at
# df = 4, p = 0.5000001; 1.6e-9 at df = 4, p = 0.5001; 2e-11 at 0.501; 1e-10 at df = 3, 5, 10,
# p = 0.5000001) and stdtr 1e-10 at df = 1 near t = 0 (checked against 40-digit mpmath); those
# points are checked against closed forms and the expansion at t = 0 below.
NEAR_CENTRE = [0.5000001, 0.500001, 0.50001, 0.5001]


@pytest.mark.parametrize("df", DFS)
def test_quantile_and_distribution_match_scipy_to_1e_12(df):
    for p in PROBABILITIES:
        expected = float(stdtrit(df, p))
        got = t_ppf(p, df)
        assert got == pytest.approx(expected, rel=1e-12, abs=0), (df, p)
        assert t_isf(1 - p, df) == pytest.approx(expected, rel=1e-12, abs=0), (df, p)
        assert t_ppf(1 - p, df) == pytest.approx(-expected, rel=1e-12, abs=0), (df, p)
        for t in (expected, -expected, 1.3 * expected + 0.1):
            assert t_cdf(t, df) == pytest.approx(float(stdtr(df, t)), rel=1e-12, abs=0), (df, t)
            tail = float(stdtr(df, -t))
            assert t_sf(t, df) == pytest.approx(tail, rel=1e-12, abs=0), (df, t)


@pytest.mark.parametrize("p", [*NEAR_CENTRE, 0.6, 0.9, 0.999, 0.9999999])
def test_closed_forms_for_one_and_two_degrees_of_freedom(p):
    # df = 1 (Cauchy): t = tan(pi (p - 1/2)); df = 2: t = (2p - 1) / sqrt(2 p (1 - p))
    assert t_ppf(p, 1) == pytest.approx(1 / math.tan(math.pi * (1 - p)), rel=1e-13)
    assert t_ppf(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-13)
    t = 1 / math.tan(math.pi * (1 - p))
    assert t_sf(t, 1) == pytest.approx(math.atan2(1, t) / math.pi, rel=1e-13)


@pytest.mark.parametrize("df", DFS)
def test_near_the_centre_the_quantile_follows_the_density_at_zero(df):
    # P(|T| < t) = 2 f(0) t (1 - (df + 1) t^2 / (6 df) + O(t^4)), so with c = 2p - 1:
    # t = c / (2 f(0)) (1 + (df + 1)/(6 df) t^2 + O(t^4)); at t < 3e-4 the O(t^4) is < 1e-14
    # f(0) = Gamma((df+1)/2) / (Gamma(df/2) sqrt(df pi)); math.gamma overflows past df = 340 and
    # scipy's poch/beta lose 1e-12 at df ~ 1000, so there t_pdf(0) is the reference, itself
    # checked by exact identities in test_the_ratio_of_gamma_functions_...
    if df < 300:
        f0 = math.gamma((df + 1) / 2) / math.gamma(df / 2) / math.sqrt(df * math.pi)
    else:
        f0 = t_pdf(0.0, df)
    for p in NEAR_CENTRE:
        t = (p - 0.5) / f0
        t *= 1 + (df + 1) / (6 * df) * t * t
        assert t_ppf(p, df) == pytest.approx(t, rel=1e-12), (df, p)
        assert t_pdf(0.0, df) == pytest.approx(f0, rel=1e-13)


def test_known_values_and_edges():
    assert round(t_ppf(0.975, 9), 6) == 2.262157  # the printed tables
    assert round(t_ppf(0.995, 29), 3) == 2.756
    assert t_ppf(0.5, 7) == 0.0
    assert t_sf(0.0, 7) == 0.5
    assert t_ppf(1.0, 3) == math.inf
    assert t_ppf(0.0, 3) == -math.inf
    assert t_sf(math.inf, 3) == 0.0
    assert t_cdf(-math.inf, 3) == 0.0
    # infinitely many degrees of freedom: the normal distribution
    assert t_ppf(0.975, math.inf) == pytest.approx(1.959963984540054, rel=1e-14)
    assert t_sf(1.0, math.inf) == pytest.approx(0.15865525393145707, rel=1e-14)
    # a p value far out in the tail keeps its relative accuracy (Welch's test uses it)
    assert t_sf(40.0, 50) == pytest.approx(float(stdtr(50, -40.0)), rel=1e-12)
    assert math.isnan(t_cdf(math.nan, 3))


@pytest.mark.parametrize("q", [1e-30, 1e-100, 1e-300])
def test_far_in_heavy_tails_the_quantile_is_still_found(q):
    # Cauchy: P(T > t) = atan(1/t)/pi, so t = 1/tan(pi q); df = 2: t = (1 - 2q)/sqrt(2q(1-q))
    assert t_isf(q, 1) == pytest.approx(1 / math.tan(math.pi * q), rel=1e-12)
    assert t_isf(q, 2) == pytest.approx((1 - 2 * q) / math.sqrt(2 * q * (1 - q)), rel=1e-12)
    assert t_isf(1e-320, 1) == math.inf  # past the largest float


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: t_ppf(0.9, 0), "degrees of freedom must be positive, got 0.0"),
        (lambda: t_ppf(0.9, math.nan), "degrees of freedom must be positive, got nan"),
        (lambda: t_ppf(1.5, 3), "a probability must lie in [0, 1], got 1.5"),
        (lambda: t_isf(-0.1, 3), "a probability must lie in [0, 1], got -0.1"),
        (lambda: t_sf(1.0, -2), "degrees of freedom must be positive, got -2.0"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


def test_the_series_constants_are_the_exact_ones():
    # log Gamma(a + 1/2) - log Gamma(a) - log(a)/2 = sum_j (2^(1-2j) - 2) B_2j / (2j (2j-1) a^(2j-1))
    b = bernoulli(10)
    exact = [
        (Fraction(2) ** (1 - 2 * j) - 2)
        * Fraction(b[2 * j]).limit_denominator(10**6)
        / (2 * j * (2 * j - 1))
        for j in range(1, 6)
    ]
    assert list(student_t._HALF_RATIO_SERIES) == [float(k) for k in exact]
    # (sinh(v)/v)^(-1/2), v = y/2, in powers of y^2: 1 - y^2/48 + ... (squared, inverted: exact)
    c = student_t._BGRAT_C
    assert c[0] == 1.0
    assert c[1] == pytest.approx(-1 / 48, rel=1e-15)
    # 1/(1 + w/24 + w^2/1920 + ...)^(1/2) = 1 - w/48 + (3/8 (1/24)^2 - 1/2 1/1920) w^2 + ...
    assert c[2] == pytest.approx(Fraction(3, 8) / 24**2 - Fraction(1, 2 * 1920), rel=1e-15)


def test_the_ratio_of_gamma_functions_keeps_exact_identities_across_its_methods():
    # R(a) = Gamma(a + 1/2)/Gamma(a): R(a) R(a + 1/2) = a and R(a + 1) = R(a) (a + 1/2)/a,
    # math.gamma below a = 50, an asymptotic series above (both sides of the switch here)
    ratio = student_t._gamma_half_ratio
    for a in (0.5, 3.25, 49.6, 49.75, 50.0, 1e3, 12345.5, 5e6):
        assert ratio(a) * ratio(a + 0.5) == pytest.approx(a, rel=4e-15), a
        assert ratio(a + 1) == pytest.approx(ratio(a) * (a + 0.5) / a, rel=4e-15), a
    assert ratio(10.0) == pytest.approx(float(poch(10.0, 0.5)), rel=4e-15)


probabilities = st.floats(min_value=1e-12, max_value=1 - 1e-12)
degrees = st.one_of(
    st.floats(min_value=0.5, max_value=100.0), st.floats(min_value=100.0, max_value=1e8)
)


@given(probabilities, degrees)
def test_quantile_is_antisymmetric_and_inverts_the_distribution(p, df):
    t = t_ppf(p, df)
    if 1 - (1 - p) == p:  # 1 - p is exact: the two quantiles solve the same equation
        assert t_ppf(1 - p, df) == -t
    assert t_cdf(t, df) == pytest.approx(p, rel=1e-11)
    assert t_sf(-t, df) == t_cdf(t, df)


@given(probabilities, probabilities, degrees)
def test_quantile_is_monotone(p1, p2, df):
    lo, hi = sorted((p1, p2))
    assert t_ppf(lo, df) <= t_ppf(hi, df)


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=-1e6, max_value=1e6), degrees)
def test_distribution_is_monotone_and_symmetric(t1, t2, df):
    lo, hi = sorted((t1, t2))
    assert t_cdf(lo, df) <= t_cdf(hi, df)
    assert t_cdf(lo, df) + t_cdf(-lo, df) == pytest.approx(1.0, abs=2e-16)


def test_prima_analyze_imports_no_scipy(tmp_path):
    path = tmp_path / "skm.csv"
    rows = ["U1,U2,U3,U4,U5,U6,U7,U8,U9"]
    rows += [",".join(str(1 + (i + j) % 4) for j in range(9)) for i in range(40)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = (
        "import sys; from prima.cli.main import main; status = main(['analyze', 'ikm', "
        f"{str(path)!r}, '--json']); print(sorted(m for m in sys.modules if 'scipy' in m)); "
        "sys.exit(status)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    *report, modules = done.stdout.strip().splitlines()
    assert modules == "[]"
    score = json.loads("\n".join(report))["respondent_score"]  # a t interval was computed
    n, mean, sd = score["n"], score["mean"], score["sd"]
    half = float(stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    assert (score["ci_low"], score["ci_high"]) == pytest.approx((mean - half, mean + half))
