"""Confidence intervals shared by the methods (t interval of a mean)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

CONFIDENCE = 0.95


def t_critical(df: int, confidence: float = CONFIDENCE) -> float:
    """Two-sided Student t critical value, e.g. 2.262 for df = 9 at 95%."""
    from scipy.special import stdtrit  # scipy.special only: scipy.stats costs 0.5 s to import

    return float(stdtrit(df, 0.5 + confidence / 2))


@dataclass(frozen=True)
class MeanInterval:
    """Mean of a sample with its t-based confidence interval (None when n < 2)."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


def mean_interval(values: NDArray[np.float64], confidence: float = CONFIDENCE) -> MeanInterval:
    """Mean, sample SD (ddof 1), and mean +/- t(0.975; n-1) * SD / sqrt(n).

    Any textbook one-sample t interval (e.g. Moore & McCabe, *Introduction to the Practice of
    Statistics*, 7.1). ``values`` holds no NaN.
    """
    n = int(values.size)
    if n == 0:
        return MeanInterval(0, None, None, None, None)
    mean = float(values.mean())
    if n < 2:
        return MeanInterval(1, mean, None, None, None)
    sd = float(values.std(ddof=1))
    half = t_critical(n - 1, confidence) * sd / math.sqrt(n)
    return MeanInterval(n, mean, sd, mean - half, mean + half)
