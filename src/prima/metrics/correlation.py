"""Spearman's rank correlation with its 95% interval, and the plain-language reading of it.

rho is Pearson's correlation of the ranks, tied values sharing the average of their ranks
(Spearman 1904; as ``scipy.stats.spearmanr``). Pairs with a missing value (``NaN``) on either
side are left out; n counts the pairs used.

Interval: Fisher's z = atanh(rho) +/- 1.96 SE, back with tanh, where
SE = sqrt((1 + rho^2 / 2) / (n - 3)) (Bonett & Wright 2000, "Sample size requirements for
estimating Pearson, Kendall and Spearman correlations", *Psychometrika* 65(1), 23-28).
Why this one and not Fieller, Hartley & Pearson's (1957) constant sqrt(1.06 / (n - 3)): the
sampling variance of Spearman's z grows with |rho|, and Bonett and Wright's term follows it
(the two agree at |rho| near 0.35, where 1 + rho^2 / 2 = 1.06); it is also what Bonett's own
``statpsych::ci.spear`` computes, whose published example the tests reproduce. Both are
approximations: coverage is poor for |rho| above about 0.9 or small n (Bishara & Hittner
2017, *Behavior Research Methods* 49, 294-309), so the interval between units of one
organization (often 10-30 units) is a rough guide, and the reading below stays cautious.

Undefined cases give ``None`` with a note, never a number: fewer than 2 pairs or no variation
on one side (no rho); fewer than 4 pairs (n - 3 <= 0: no interval); rho = +/-1 (Fisher's z is
infinite: no interval).

Reading (issue 12, point 5): "higher together" only when the interval lies above 0, "lower
together" only when it lies below 0; otherwise the data cannot tell (:func:`reading`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from prima.i18n import gettext_noop

Z95 = 1.959963984540054
MIN_PAIRS_FOR_INTERVAL = 4

Reading = Literal["positive", "negative", "cannot_tell"]

# The "internal first" view (issue 12, point 5): each unit's employee index against its
# customer index; the sentence is chosen by :func:`reading` of their Spearman interval.
INTERNAL_FIRST_READING: dict[Reading, str] = {
    "positive": gettext_noop(
        "Units whose employees are more satisfied also score higher with their customers."
    ),
    "negative": gettext_noop(
        "Units whose employees are more satisfied score lower with their customers."
    ),
    "cannot_tell": gettext_noop(
        "The data cannot tell whether units whose employees are more satisfied score higher "
        "or lower with their customers."
    ),
}


@dataclass(frozen=True)
class SpearmanResult:
    n: int
    rho: float | None
    ci_low: float | None
    ci_high: float | None
    interval: str = "fisher-z-bonett-wright"
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "rho": self.rho,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "interval": self.interval,
            "reading": reading(self),
            "notes": list(self.notes),
        }


def average_ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks 1..n, ties sharing the average of their positions.

    >>> average_ranks(np.array([10.0, 20.0, 10.0, 30.0])).tolist()
    [1.5, 3.0, 1.5, 4.0]
    """
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    ranks = np.empty(values.size, dtype=np.float64)
    start = 0
    while start < values.size:
        stop = start + 1
        while stop < values.size and ordered[stop] == ordered[start]:
            stop += 1
        ranks[order[start:stop]] = (start + 1 + stop) / 2  # mean of positions start+1..stop
        start = stop
    return ranks


def spearman(x: ArrayLike, y: ArrayLike) -> SpearmanResult:
    """Spearman's rho of paired values with its 95% interval (module docstring).

    >>> r = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> r.rho, round(r.ci_low, 4), round(r.ci_high, 4)
    (0.8, -0.4571, 0.9908)
    """
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("x and y must be two lists of the same length")
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = int(a.size)
    if n < 2:
        return SpearmanResult(n, None, None, None, notes=["fewer than 2 pairs: rho undefined"])
    ra, rb = average_ranks(a) - (n + 1) / 2, average_ranks(b) - (n + 1) / 2
    denominator = math.sqrt(float(ra @ ra) * float(rb @ rb))
    if denominator == 0:
        return SpearmanResult(
            n, None, None, None, notes=["no variation on one side: rho undefined"]
        )
    rho = max(-1.0, min(1.0, float(ra @ rb) / denominator))
    if n < MIN_PAIRS_FOR_INTERVAL:
        return SpearmanResult(n, rho, None, None, notes=["fewer than 4 pairs: no interval"])
    if abs(rho) == 1.0:
        return SpearmanResult(
            n, rho, None, None, notes=["perfect rank agreement: Fisher's z interval undefined"]
        )
    se = math.sqrt((1 + rho * rho / 2) / (n - 3))
    z = math.atanh(rho)
    return SpearmanResult(n, rho, math.tanh(z - Z95 * se), math.tanh(z + Z95 * se))


def reading(result: SpearmanResult) -> Reading:
    """``"positive"`` when the interval lies above 0, ``"negative"`` when below 0, otherwise
    (it includes 0, or there is none) ``"cannot_tell"``."""
    if result.ci_low is not None and result.ci_low > 0:
        return "positive"
    if result.ci_high is not None and result.ci_high < 0:
        return "negative"
    return "cannot_tell"
