"""The six intraclass correlations of Shrout & Fleiss (1979) with F-based 95% intervals.

Shrout & Fleiss (1979), *Psychological Bulletin* 86(2), 420-428; intervals after McGraw & Wong
(1996), *Psychological Methods* 1(1), 30-46, Tables 4-8. n subjects (rows, complete only) each
rated by the same k raters (columns); from the two-way analysis of variance::

    MSR = k sum (row mean - grand mean)^2 / (n - 1)             between subjects
    MSC = n sum (column mean - grand mean)^2 / (k - 1)          between raters
    MSE = (SST - SSR - SSC) / ((n - 1)(k - 1))                  residual
    MSW = (SST - SSR) / (n (k - 1))                             within subjects (one-way)

    ICC1  = (MSR - MSW) / (MSR + (k - 1) MSW)                   ICC1k = (MSR - MSW) / MSR
    ICC2  = (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n)
    ICC2k = (MSR - MSE) / (MSR + (MSC - MSE) / n)
    ICC3  = (MSR - MSE) / (MSR + (k - 1) MSE)                   ICC3k = (MSR - MSE) / MSR

Intervals (q = 0.975, F_q(a, b) the F quantile):

- ICC1: F = MSR/MSW, FL = F / F_q(n-1, n(k-1)), FU = F F_q(n(k-1), n-1);
  [(FL-1)/(FL+k-1), (FU-1)/(FU+k-1)], and for ICC1k [1 - 1/FL, 1 - 1/FU];
- ICC3: the same with F = MSR/MSE and (n-1)(k-1) in place of n(k-1);
- ICC2 (McGraw & Wong's case 2A, Table 7): with r = ICC2, a = k r / (n (1 - r)),
  b = 1 + k r (n - 1) / (n (1 - r)), the Satterthwaite-type degrees of freedom
  v = (a MSC + b MSE)^2 / ((a MSC)^2 / (k-1) + (b MSE)^2 / ((n-1)(k-1))), Fu = F_q(n-1, v),
  Fl = F_q(v, n-1) and c = k MSC + (k n - k - n) MSE::

      low  = n (MSR - Fu MSE) / (Fu c + n MSR)        high = n (Fl MSR - MSE) / (c + n Fl MSR)

  and ICC2k's bounds are these stepped up by Spearman-Brown, k L / (1 + (k - 1) L).

Degenerate input: fewer than 2 subjects or raters, ratings that do not vary at all, or subjects
whose mean ratings are all equal (MSR = 0), raise :class:`AgreementError`. Ratings identical across raters within every subject (MSE = MSW = 0) give
1 for every form with the interval [1, 1]; MSE = 0 alone gives ICC3 = ICC3k = 1, interval [1, 1].
A bound the F method cannot give (v not positive, which needs ICC2 < 0 on tiny samples) is None.
ICC2k is ICC2 stepped up by Spearman-Brown, k r / (1 + (k - 1) r), which has no value at
r = -1/(k - 1) and no meaning below it: where its denominator MSR + (MSC - MSE)/n is not positive
(a residual far larger than the differences between subjects), ICC2k and its bounds are None,
and so is an ICC2k bound stepped up from an ICC2 bound at or below -1/(k - 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.metrics.agreement.errors import AgreementError

ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
CONFIDENCE = 0.95


@dataclass(frozen=True)
class IccEstimate:
    value: float | None  # None: ICC2k where MSR + (MSC - MSE)/n <= 0 (see the module)
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass(frozen=True)
class IccResult:
    n: int
    k: int
    forms: dict[str, IccEstimate]
    msr: float
    msc: float
    mse: float
    msw: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``prima analyze agreement --method icc``."""
        return {
            "n": self.n,
            "k": self.k,
            "icc": {name: self.forms[name].as_dict() for name in ICC_FORMS},
        }


def _f_quantile(q: float, dfn: float, dfd: float) -> float:
    from scipy.special import fdtri

    return float(fdtri(dfn, dfd, q))


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _f_bounds(f: float, df1: float, df2: float) -> tuple[float, float]:
    q = 1 - (1 - CONFIDENCE) / 2
    return f / _f_quantile(q, df1, df2), f * _f_quantile(q, df2, df1)


def _consistency(f: float, df2: float, n: int, k: int) -> tuple[IccEstimate, IccEstimate]:
    """Single and average bounds from F = MSR / MS(error) (ICC1 and ICC3 forms)."""
    low, high = _f_bounds(f, n - 1, df2)
    single = IccEstimate(
        (f - 1) / (f + k - 1),
        _finite((low - 1) / (low + k - 1)),
        _finite((high - 1) / (high + k - 1)),
    )
    average = IccEstimate(1 - 1 / f, _finite(1 - 1 / low), _finite(1 - 1 / high))
    return single, average


def _spearman_brown(value: float | None, k: int) -> float | None:
    if value is None or 1 + (k - 1) * value <= 0:  # undefined at and below -1/(k - 1)
        return None
    return _finite(k * value / (1 + (k - 1) * value))


def icc(data: NDArray[np.float64]) -> IccResult:
    """The six ICC forms of a subjects x raters array (rows with a ``NaN`` are dropped).

    >>> r = icc(np.array([[1.0, 2], [2, 3], [3, 5]]))
    >>> round(r.forms["ICC3"].value, 6), round(r.forms["ICC1"].value, 6)
    (0.9, 0.52)
    """
    ratings = np.asarray(data, dtype=np.float64)
    if ratings.ndim != 2:
        raise ValueError("data must be subjects x raters")
    k = int(ratings.shape[1])
    if k < 2:
        raise AgreementError("too_few_raters")
    x = ratings[~np.isnan(ratings).any(axis=1)]
    n = int(x.shape[0])
    if n < 2:
        raise AgreementError("too_few_subjects")
    grand = float(x.mean())
    sst = float(((x - grand) ** 2).sum())
    ssr = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ssc = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    tiny = 1e-12 * max(sst, 1.0)
    if sst <= tiny:
        raise AgreementError("no_variance")
    if ssr <= tiny:  # no between-subject variance: the averaged forms divide by MSR = 0
        raise AgreementError("no_subject_variance")
    sse = max(sst - ssr - ssc, 0.0)
    ssw = max(sst - ssr, 0.0)
    sse = 0.0 if sse <= tiny else sse
    ssw = 0.0 if ssw <= tiny else ssw
    msr = ssr / (n - 1)
    msc = ssc / (k - 1)
    mse = sse / ((n - 1) * (k - 1))
    msw = ssw / (n * (k - 1))
    one = IccEstimate(1.0, 1.0, 1.0)
    forms: dict[str, IccEstimate] = {}
    if msw == 0:  # every subject rated alike by every rater (then MSE = MSC = 0 too)
        forms = dict.fromkeys(ICC_FORMS, one)
        return IccResult(n, k, forms, msr, msc, mse, msw)
    forms["ICC1"], forms["ICC1k"] = _consistency(msr / msw, n * (k - 1), n, k)
    if mse == 0:
        forms["ICC3"] = forms["ICC3k"] = one
    else:
        forms["ICC3"], forms["ICC3k"] = _consistency(msr / mse, (n - 1) * (k - 1), n, k)
    forms["ICC2"], forms["ICC2k"] = _absolute(msr, msc, mse, n, k)
    return IccResult(n, k, {name: forms[name] for name in ICC_FORMS}, msr, msc, mse, msw)


def _absolute(
    msr: float, msc: float, mse: float, n: int, k: int
) -> tuple[IccEstimate, IccEstimate]:
    """ICC2 and ICC2k with McGraw & Wong's (1996) case 2A intervals."""
    single = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    average_denominator = msr + (msc - mse) / n
    average = (msr - mse) / average_denominator if average_denominator > 0 else None
    low = high = None
    if single < 1:
        a = k * single / (n * (1 - single))
        b = 1 + k * single * (n - 1) / (n * (1 - single))
        numerator = (a * msc + b * mse) ** 2
        denominator = (a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1))
        v = numerator / denominator if denominator > 0 else math.nan
        if v > 0:
            q = 1 - (1 - CONFIDENCE) / 2
            f_u = _f_quantile(q, n - 1, v)
            f_l = _f_quantile(q, v, n - 1)
            c = k * msc + (k * n - k - n) * mse
            low = _finite(n * (msr - f_u * mse) / (f_u * c + n * msr))
            high = _finite(n * (f_l * msr - mse) / (c + n * f_l * msr))
    elif single == 1:
        low = high = 1.0
    if average is None:
        return IccEstimate(single, low, high), IccEstimate(None, None, None)
    return (
        IccEstimate(single, low, high),
        IccEstimate(average, _spearman_brown(low, k), _spearman_brown(high, k)),
    )
