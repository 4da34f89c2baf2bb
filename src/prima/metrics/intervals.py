"""Confidence intervals shared by the methods (t interval of a mean)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from prima.metrics.student_t import t_ppf

CONFIDENCE = 0.95


def t_critical(df: int, confidence: float = CONFIDENCE) -> float:
    """Two-sided Student t critical value, e.g. 2.262 for df = 9 at 95%.

    The quantile comes from :func:`prima.metrics.student_t.t_ppf` (plain Python: the analysis
    path imports no SciPy).
    """
    return t_ppf(0.5 + confidence / 2, df)


@dataclass(frozen=True)
class MeanInterval:
    """Mean of a sample with its t-based confidence interval (None when n < 2)."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


def interval_from_sd(
    n: int, mean: float | None, sd: float | None, confidence: float = CONFIDENCE
) -> MeanInterval:
    """mean +/- t(0.975; n-1) * SD / sqrt(n): the one-sample t interval.

    Any textbook (e.g. Moore & McCabe, *Introduction to the Practice of Statistics*, 7.1).
    """
    if n == 0 or mean is None:
        return MeanInterval(0, None, None, None, None)
    if n < 2 or sd is None:
        return MeanInterval(n, mean, None, None, None)
    half = t_critical(n - 1, confidence) * sd / math.sqrt(n)
    return MeanInterval(n, mean, sd, mean - half, mean + half)


def mean_interval(values: NDArray[np.float64], confidence: float = CONFIDENCE) -> MeanInterval:
    """Mean, sample SD (ddof 1) and the t interval of real-valued ``values`` (no NaN)."""
    n = int(values.size)
    if n == 0:
        return MeanInterval(0, None, None, None, None)
    sd = float(values.std(ddof=1)) if n > 1 else None
    return interval_from_sd(n, float(values.mean()), sd, confidence)


def mean_interval_from_sums(
    n: int, total: Fraction, total_sq: Fraction, confidence: float = CONFIDENCE
) -> MeanInterval:
    """The t interval from n, the sum and the sum of squares of the values, computed exactly.

    Sample variance = (sum of squares - sum^2 / n) / (n - 1), in exact fractions, so totals
    kept per period and added up give the same interval as the raw values, to the last bit.
    """
    if n == 0:
        return MeanInterval(0, None, None, None, None)
    mean = total / n
    sd = None
    if n > 1:
        variance = (total_sq - total * total / n) / (n - 1)
        sd = math.sqrt(variance) if variance > 0 else 0.0
    return interval_from_sd(n, float(mean), sd, confidence)
