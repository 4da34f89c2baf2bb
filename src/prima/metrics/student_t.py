"""Student's t distribution in plain Python (``math`` only): tail, distribution function, quantile.

Every caller of a t probability or quantile in Prima uses these functions (the intervals of
:mod:`prima.metrics.intervals`, Welch's test in :mod:`prima.metrics.compare`), so that the
analysis path needs no SciPy. Accuracy: a few units in the last place of the tail or of the
central probability, whichever is smaller; the tests compare with ``scipy.special.stdtr`` and
``stdtrit`` (relative error at most 1e-12) for df from 1 to 10**7.

With a = df/2, x = df/(df + t^2) and z = 1 - x = t^2/(df + t^2) (both computed without
cancellation), for t >= 0 (Abramowitz & Stegun, *Handbook of Mathematical Functions*, 26.7.1)::

    P(T > t)   = I_x(a, 1/2) / 2            (the tail)
    P(|T| < t) = I_z(1/2, a)                (the central probability)

where I is the regularized incomplete beta function, computed by whichever method is accurate
and quick for (t, df):

- t^2 < min(df, 4): the central probability by the power series of I_z(1/2, a)
  (A&S 26.5.4; z < 1/2, a few dozen terms);
- t^2 >= df: the tail by the same series for I_x(a, 1/2) (x <= 1/2);
- otherwise, df < 30: the tail by the continued fraction of I_x(a, 1/2) (A&S 26.5.8), evaluated
  by the modified Lentz method (Press et al., *Numerical Recipes*, 3rd ed., 5.2 and 6.4);
- otherwise (df >= 30, 4 <= t^2 < df): the tail by the expansion of DiDonato & Morris (1992,
  ACM TOMS 18(3), 360-373, "BGRAT") for large a and small b: with T = a - 1/4,
  u = -T log x and (sinh(y/2)/(y/2))^(-1/2) = sum c_n y^(2n)::

      I_x(a, 1/2) = Gamma(a + 1/2) / (Gamma(a) sqrt(pi)) * sum c_n T^(-1/2 - 2n) Gamma(1/2 + 2n, u)

  with Gamma(1/2, u) = sqrt(pi) erfc(sqrt(u)) and Gamma(s + 1, u) = s Gamma(s, u) + u^s e^-u.
  The continued fraction would lose digits there (its terms cancel when x is close to 1).

Gamma(a + 1/2) / Gamma(a) comes from ``math.gamma`` for a < 50 and from the asymptotic series of
log Gamma(a + h) - log Gamma(a) (A&S 6.1.47, Bernoulli polynomials B_k(1/2) = (2^(1-k) - 1) B_k)
above. The quantile starts from the Cornish-Fisher expansion (A&S 26.7.5) on a normal quantile
(A&S 26.2.23) or, far in a heavy tail, from the power-law tail (an upper bound of the
quantile), and is refined by Newton steps on log P(T > t) against log t (or on P(|T| < t) near
the centre) kept inside a bracket, until a step is below a few units in the last place.
"""

from __future__ import annotations

import math

_EPS = 2.0**-52
_SQRT_PI = math.sqrt(math.pi)
_BGRAT_MIN_DF = 30.0
_MAX_TERMS = 10_000

# log Gamma(a + 1/2) - log Gamma(a) - log(a)/2 = sum_j K_j a^-(2j-1), K_j = (2^(1-2j) - 2) B_2j /
# (2j (2j - 1)): -1/8, 1/192, -1/640, 17/14336, -31/18432 (checked in the tests with fractions).
_HALF_RATIO_SERIES = (-1 / 8, 1 / 192, -1 / 640, 17 / 14336, -31 / 18432)


def _gamma_half_ratio(a: float) -> float:
    """Gamma(a + 1/2) / Gamma(a) for a > 0."""
    if a < 50.0:
        return math.gamma(a + 0.5) / math.gamma(a)
    inv2 = 1.0 / (a * a)
    total = 0.0
    for k in reversed(_HALF_RATIO_SERIES):
        total = total * inv2 + k
    return math.sqrt(a) * math.exp(total / a)


def _bgrat_coefficients(count: int = 30) -> list[float]:
    """c_n of (sinh(v)/v)^(-1/2) = sum c_n y^(2n), v = y/2 (a power of a power series)."""
    a = [1.0]
    for k in range(1, count):
        a.append(1.0 / (4.0**k * math.factorial(2 * k + 1)))
    b = [1.0]
    for n in range(1, count):
        b.append(sum((0.5 * k - n) * a[k] * b[n - k] for k in range(1, n + 1)) / n)
    return b


_BGRAT_C = _bgrat_coefficients()


def _log1p_ratio(t: float, df: float) -> float:
    """log(1 + t^2/df) = -log x, also when t^2 overflows."""
    t2 = t * t
    if math.isinf(t2):
        return 2.0 * math.log(t) - math.log(df) + math.log1p(df / t / t)
    return math.log1p(t2 / df)


def _central_series(t: float, df: float, a: float) -> float:
    """P(|T| < t) = I_z(1/2, a) by its power series (z < 1/2)."""
    t2 = t * t
    z = t2 / (df + t2)
    term = total = 1.0
    n = 0
    while n < _MAX_TERMS:
        n += 1
        term *= z * (a + n - 0.5) / (n + 0.5)
        total += term
        if term <= _EPS * total:
            break
    log_x_a = -a * _log1p_ratio(t, df)
    sqrt_z = t / math.sqrt(df + t2)
    return 2.0 * sqrt_z * math.exp(log_x_a) * _gamma_half_ratio(a) / _SQRT_PI * total


def _tail_prefactor(t: float, df: float, a: float) -> float:
    """x^a (1 - x)^(1/2) / (a B(a, 1/2)), the factor before the series and the fraction."""
    sqrt_z = 1.0 / math.sqrt(1.0 + df / t / t)
    return math.exp(-a * _log1p_ratio(t, df)) * sqrt_z * _gamma_half_ratio(a) / (a * _SQRT_PI)


def _x_of(t: float, df: float) -> float:
    t2 = t * t
    return df / (df + t2) if not math.isinf(t2) else df / t / t / (1.0 + df / t / t)


def _tail_series(t: float, df: float, a: float) -> float:
    """I_x(a, 1/2) by its power series (x <= 1/2)."""
    x = _x_of(t, df)
    term = total = 1.0
    n = 0
    while n < _MAX_TERMS:
        n += 1
        term *= x * (a + n - 0.5) / (a + n)
        total += term
        if term <= _EPS * total:
            break
    return _tail_prefactor(t, df, a) * total


def _tail_fraction(t: float, df: float, a: float) -> float:
    """I_x(a, 1/2) by the continued fraction A&S 26.5.8 (modified Lentz), x below its pivot."""
    b = 0.5
    x = _x_of(t, df)
    z = t * t / (df + t * t)
    tiny = 1e-300
    # first denominator 1 - (a + b) x / (a + 1), written with z = 1 - x to avoid cancellation
    d = ((1.0 - b) + (a + b) * z) / (a + 1.0)
    d = 1.0 / max(d, tiny)
    c = 1.0
    h = d
    for m in range(1, _MAX_TERMS):
        for coefficient in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + coefficient * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + coefficient / c
            c = c if abs(c) > tiny else tiny
            h *= c * d
        if abs(c * d - 1.0) <= _EPS:
            break
    return _tail_prefactor(t, df, a) * h


def _tail_bgrat(t: float, df: float, a: float) -> float:
    """I_x(a, 1/2) by the DiDonato-Morris expansion for large a (x close to 1)."""
    big_t = a - 0.25
    u = big_t * _log1p_ratio(t, df)
    gamma_s = _SQRT_PI * math.erfc(math.sqrt(u))  # Gamma(1/2, u)
    power = math.sqrt(u) * math.exp(-u)  # u^s e^-u for s = 1/2
    s = 0.5
    inv_t2 = 1.0 / (big_t * big_t)
    scale = 1.0
    total = gamma_s
    for coefficient in _BGRAT_C[1:]:
        for _ in range(2):
            gamma_s = s * gamma_s + power
            power *= u
            s += 1.0
        scale *= inv_t2
        term = coefficient * scale * gamma_s
        total += term
        if abs(term) <= _EPS * abs(total):
            break
    return _gamma_half_ratio(a) / (_SQRT_PI * math.sqrt(big_t)) * total


def _split(t: float, df: float) -> tuple[float, float]:
    """(P(T > t), P(|T| < t)) for t >= 0, the smaller of the two computed directly."""
    if t == 0.0:
        return 0.5, 0.0
    if math.isinf(t):
        return 0.0, 1.0
    if math.isinf(df):
        tail = 0.5 * math.erfc(t / math.sqrt(2.0))
        return tail, math.erf(t / math.sqrt(2.0))
    a = 0.5 * df
    t2 = t * t
    if t2 < df and t2 < 4.0:
        central = _central_series(t, df, a)
        return 0.5 * (1.0 - central), central
    if t2 >= df:
        tail = 0.5 * _tail_series(t, df, a)
    elif df < _BGRAT_MIN_DF:
        tail = 0.5 * _tail_fraction(t, df, a)
    else:
        tail = 0.5 * _tail_bgrat(t, df, a)
    return tail, 1.0 - 2.0 * tail


def _check_df(df: float) -> float:
    df = float(df)
    if not df > 0:  # also NaN
        raise ValueError(f"degrees of freedom must be positive, got {df!r}")
    return df


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with ``df`` degrees of freedom (as ``scipy.special.stdtr(df, -t)``).

    >>> round(t_sf(2.262157162798205, 9), 12)
    0.025
    """
    df = _check_df(df)
    t = float(t)
    if math.isnan(t):
        return math.nan
    tail, central = _split(abs(t), df)
    return tail if t >= 0 else 0.5 * (1.0 + central)


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom (``scipy.special.stdtr``)."""
    df = _check_df(df)
    t = float(t)
    if math.isnan(t):
        return math.nan
    tail, central = _split(abs(t), df)
    return tail if t <= 0 else 0.5 * (1.0 + central)


def t_pdf(t: float, df: float) -> float:
    """The density of Student's t with ``df`` degrees of freedom."""
    df = _check_df(df)
    if math.isinf(df):
        return math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    a = 0.5 * df
    return (
        _gamma_half_ratio(a)
        / math.sqrt(math.pi * df)
        * math.exp(-(a + 0.5) * _log1p_ratio(abs(t), df))
    )


def _normal_upper_quantile(q: float) -> float:
    """Approximate z with P(Z > z) = q, 0 < q <= 1/2 (A&S 26.2.23, |error| < 4.5e-4)."""
    w = math.sqrt(-2.0 * math.log(q))
    return w - (2.515517 + w * (0.802853 + w * 0.010328)) / (
        1.0 + w * (1.432788 + w * (0.189269 + w * 0.001308))
    )


def _tail_start(q: float, df: float) -> tuple[float, float]:
    """A start and an upper bound for t with P(T > t) = q (q < 1/2)."""
    a = 0.5 * df
    # power-law tail: P(T > t) <= R(a) / (sqrt(pi) df) (sqrt(df)/t)^df, so this t is an upper bound
    log_upper = (
        0.5 * math.log(df) + (math.log(_gamma_half_ratio(a) / (_SQRT_PI * df)) - math.log(q)) / df
    )
    upper = math.exp(log_upper) if log_upper < 700 else math.inf
    x = _normal_upper_quantile(q)
    if math.isinf(df):
        return x, math.inf
    x2 = x * x
    g1 = (x2 + 1) * x / 4
    g2 = ((5 * x2 + 16) * x2 + 3) * x / 96
    g3 = (((3 * x2 + 19) * x2 + 17) * x2 - 15) * x / 384
    g4 = ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945) * x / 92160
    cornish_fisher = x + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    # far in a heavy tail (t >> sqrt(df)) the power law is close; elsewhere Cornish-Fisher
    start = upper if upper > 4.0 * math.sqrt(df) else min(max(cornish_fisher, x), upper)
    return start, upper * (1.0 + 1e-9) if upper < math.inf else math.inf


def t_isf(q: float, df: float) -> float:
    """t with P(T > t) = q (the upper quantile; ``scipy.special.stdtrit(df, 1 - q)``).

    >>> round(t_isf(0.025, 9), 6)
    2.262157
    """
    df = _check_df(df)
    q = float(q)
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"a probability must lie in [0, 1], got {q!r}")
    if q > 0.5:
        return -t_isf(1.0 - q, df) if q < 1.0 else -math.inf
    if q == 0.5:
        return 0.0
    if q == 0.0:
        return math.inf
    return _solve(q, 1.0 - 2.0 * q, df)


def t_ppf(p: float, df: float) -> float:
    """t with P(T <= t) = p (``scipy.special.stdtrit(df, p)``).

    >>> round(t_ppf(0.975, 9), 6), t_ppf(0.5, 3)
    (2.262157, 0.0)
    """
    df = _check_df(df)
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a probability must lie in [0, 1], got {p!r}")
    if p < 0.5:
        return -t_isf(p, df)
    if p == 1.0:
        return math.inf
    if p == 0.5:
        return 0.0
    # both 1 - p and 2p - 1 are exact for p >= 1/2
    return _solve(1.0 - p, 2.0 * p - 1.0, df)


def _solve(q: float, c: float, df: float) -> float:
    """t > 0 with P(T > t) = q and P(|T| < t) = c (both given exactly), by guarded Newton."""
    if q > 0.25:  # near the centre: Newton on the concave P(|T| < t), from below
        t = c / (2.0 * t_pdf(0.0, df))
        for _ in range(100):
            _, central = _split(t, df)
            step = (c - central) / (2.0 * t_pdf(t, df))
            t += step
            if abs(step) <= 2 * _EPS * t:
                break
        return t
    t, high = _tail_start(q, df)
    low = 0.0
    log_q = math.log(q)
    for _ in range(200):
        tail, _ = _split(t, df)
        if tail <= 0.0:
            high = t
            new = 0.5 * (low + high)
        else:
            h = math.log(tail) - log_q
            if h > 0:
                low = t
            elif h < 0:
                high = t
            else:
                return t
            # Newton on log P(T > t) against log t: linear in the power-law tail, so a start
            # far below a heavy-tailed quantile gets there in a step or two
            density = t_pdf(t, df)
            ratio = h * tail / (t * density) if density > 0.0 else math.inf
            new = t * math.exp(ratio) if ratio < 700.0 else math.inf
            if not low < new < high:  # outside the bracket: bisect it (or widen it)
                if high == math.inf:
                    new = 16.0 * t
                elif low > 0:
                    new = math.sqrt(low * high)
                else:
                    new = 0.5 * (low + high)
        if abs(new - t) <= 2 * _EPS * new:
            return new
        t = new
    return t
