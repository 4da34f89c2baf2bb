"""Intervals of a proportion and of the difference of two proportions (e.g. the share of
complaints resolved on time, issue 11, and its change from one period to the next, issue 12).

- **Wilson score interval** (E. B. Wilson, *Probable inference, the law of succession, and
  statistical inference*, JASA 22, 1927; recommended by R. G. Newcombe, *Two-sided confidence
  intervals for the single proportion*, Statistics in Medicine 17, 1998, method 3): with
  p = k / n and z = 1.96, centre (p + z^2 / 2n) / (1 + z^2 / n) and half-width
  z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2). Never outside [0, 1], defined for
  k = 0 and k = n (the Wald interval is not).
- **Difference p1 - p2** by Newcombe's hybrid score interval (R. G. Newcombe, *Interval
  estimation for the difference between independent proportions*, Statistics in Medicine 17,
  1998, method 10): with (l1, u1) and (l2, u2) the Wilson intervals,
  L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
  Newcombe's example: 56/70 - 48/80 = 0.2, interval 0.0524 .. 0.3339.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from prima.metrics.intervals import CONFIDENCE


@dataclass(frozen=True)
class Proportion:
    """k of n with its Wilson interval (all None when n = 0)."""

    k: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class ProportionDifference:
    """``after - before`` of two independent proportions with Newcombe's interval."""

    before: Proportion
    after: Proportion
    difference: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def significant_drop(self) -> bool:
        """The interval lies wholly below 0."""
        return self.ci_high is not None and self.ci_high < 0


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> Proportion:
    """The share k / n with its Wilson score interval.

    >>> r = wilson(81, 263)
    >>> round(r.ci_low, 4), round(r.ci_high, 4)
    (0.2553, 0.3662)
    """
    if n < 0 or not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return Proportion(0, 0, None, None, None)
    z = _z(confidence)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # exactly 0 for k = 0 and 1 for k = n (the float subtraction leaves a trace of 1e-19)
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Proportion(k, n, p, low, high)


def newcombe_difference(
    before: tuple[int, int], after: tuple[int, int], confidence: float = CONFIDENCE
) -> ProportionDifference:
    """``after - before`` (each given as (k, n)) with Newcombe's hybrid score interval.

    >>> r = newcombe_difference((48, 80), (56, 70))
    >>> round(r.difference, 4), round(r.ci_low, 4), round(r.ci_high, 4)
    (0.2, 0.0524, 0.3339)
    """
    b, a = wilson(*before, confidence), wilson(*after, confidence)
    if a.share is None or b.share is None or a.ci_low is None or b.ci_low is None:
        return ProportionDifference(b, a, None, None, None)
    a_high, b_high = a.ci_high or 0.0, b.ci_high or 0.0  # set whenever the share is
    d = a.share - b.share
    low = d - math.sqrt((a.share - a.ci_low) ** 2 + (b_high - b.share) ** 2)
    high = d + math.sqrt((a_high - a.share) ** 2 + (b.share - b.ci_low) ** 2)
    return ProportionDifference(b, a, d, low, high)
