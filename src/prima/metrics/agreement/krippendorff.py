"""Krippendorff's alpha for any number of raters, missing ratings allowed.

Krippendorff (2011), "Computing Krippendorff's alpha-reliability", Annenberg School for
Communication, University of Pennsylvania, sections B-E (the coincidence matrix). Only subjects
("units") with at least two ratings are pairable. With m_u the number of ratings of unit u and
n_uc how many of them are value c, the coincidences, the value totals and the total are::

    o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)     n_c = sum_k o_ck     n = sum_c n_c

    alpha = 1 - (n - 1) sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck

with the difference functions of the four levels of measurement (c, k the values)::

    nominal   delta2 = 0 if c = k else 1
    ordinal   delta2 = (sum_{g from c to k} n_g - (n_c + n_k) / 2)^2
    interval  delta2 = (c - k)^2
    ratio     delta2 = ((c - k) / (c + k))^2     (0 when c = k = 0; values must not be negative)

Undefined input raises :class:`AgreementError`: fewer than 2 pairable subjects, or a single value
among the pairable ratings (no expected disagreement).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.metrics.agreement.errors import AgreementError

LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class AlphaResult:
    n: int  # subjects with at least two ratings
    alpha: float
    level: str
    pairable: int  # ratings in those subjects (Krippendorff's n)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``prima analyze agreement --method krippendorff``."""
        return {"n": self.n, "alpha": self.alpha, "level": self.level}


def differences(
    values: NDArray[np.float64], totals: NDArray[np.float64], level: str
) -> NDArray[np.float64]:
    """delta2_ck of the sorted ``values`` at ``level`` (``totals`` are the n_c, for ordinal)."""
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        total = c + k
        safe = np.where(total == 0, 1.0, total)
        return np.where(total == 0, 0.0, ((c - k) / safe) ** 2)
    if level == "ordinal":
        cumulative = np.concatenate(([0.0], np.cumsum(totals)))
        i = np.arange(values.size)
        low, high = np.minimum(i[:, None], i[None, :]), np.maximum(i[:, None], i[None, :])
        between = cumulative[high + 1] - cumulative[low]  # sum of n_g from the lower to the upper
        ordinal: NDArray[np.float64] = (between - (totals[:, None] + totals[None, :]) / 2) ** 2
        return ordinal
    raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def krippendorff_alpha(data: NDArray[np.float64], level: str = "nominal") -> AlphaResult:
    """Alpha of a subjects x raters array of ratings (``NaN`` = not rated).

    >>> krippendorff_alpha(np.array([[1.0, 1], [2, 2], [1, 2]])).alpha
    0.4444444444444444
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    ratings = np.asarray(data, dtype=np.float64)
    if ratings.ndim != 2:
        raise ValueError("data must be subjects x raters")
    rated = ~np.isnan(ratings)
    m = rated.sum(axis=1)
    units = ratings[m >= 2]
    m = m[m >= 2].astype(np.float64)
    if units.shape[0] < 2:
        raise AgreementError("too_few_subjects")
    present = ~np.isnan(units)
    if level == "ratio" and bool((units[present] < 0).any()):
        raise AgreementError("negative_ratio", value=float(units[present].min()))
    values, codes = np.unique(units[present], return_inverse=True)
    if values.size < 2:
        raise AgreementError("one_category")
    counts = np.zeros((units.shape[0], values.size))  # n_uc
    rows = np.nonzero(present)[0]
    np.add.at(counts, (rows, codes.reshape(-1)), 1.0)
    share = 1.0 / (m - 1.0)
    coincidences = (counts * share[:, None]).T @ counts - np.diag(share @ counts)
    totals = coincidences.sum(axis=1)
    total = float(totals.sum())
    delta = differences(values, totals, level)
    observed = float((coincidences * delta).sum())
    expected = float(totals @ delta @ totals)
    if expected <= 0:  # pragma: no cover - two values always differ at every level
        raise AgreementError("one_category")
    return AlphaResult(
        int(units.shape[0]), 1.0 - (total - 1.0) * observed / expected, level, int(total)
    )
