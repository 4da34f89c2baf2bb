"""Cohen's kappa (two raters, unweighted or weighted) and Fleiss' kappa (any number of raters).

Cohen (1960), *Educational and Psychological Measurement* 20(1), 37-46, and Cohen (1968),
*Psychological Bulletin* 70(4), 213-220 (weighted kappa): with p_ij the share of subjects put in
category i by the first rater and j by the second, p_i. and p_.j the two raters' shares, and
agreement weights w_ij (1 on the diagonal)::

    po = sum w_ij p_ij        pe = sum w_ij p_i. p_.j        kappa = (po - pe) / (1 - pe)

Unweighted: w_ij = 1 if i = j else 0. Linear: w_ij = 1 - |x_i - x_j| / (x_max - x_min);
quadratic: w_ij = 1 - (x_i - x_j)^2 / (x_max - x_min)^2, where x are the category values (the
distinct ratings observed); for equally spaced observed values this is the usual
1 - |i - j| / (c - 1) (and its square) of category indices.

95% interval: kappa +/- 1.95996 SE with the large-sample (non-null) variance of Fleiss, Cohen &
Everitt (1969), *Psychological Bulletin* 72(5), 323-327, eq. 13 (weighted; the unweighted
variance is its special case)::

    var = [sum p_ij (w_ij - (wbar_i. + wbar_.j)(1 - kappa))^2 - (kappa - pe (1 - kappa))^2]
          / (n (1 - pe)^2)
    wbar_i. = sum_j p_.j w_ij,   wbar_.j = sum_i p_i. w_ij

The interval is clipped to [-1, 1].

Fleiss (1971), *Psychological Bulletin* 76(5), 378-382: N subjects each rated by the same
number m of raters, n_ij raters putting subject i in category j::

    P_i = (sum_j n_ij^2 - m) / (m (m - 1))      Pbar = mean P_i
    p_j = sum_i n_ij / (N m)                    Pe = sum p_j^2
    kappa = (Pbar - Pe) / (1 - Pe)

Only subjects rated by every rater count (rows with a blank are dropped). Undefined input
(fewer than 2 subjects, one category only) raises :class:`AgreementError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.metrics.agreement.errors import AgreementError

WEIGHTS = ("linear", "quadratic")
Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class CohenResult:
    n: int
    kappa: float
    po: float
    pe: float
    weights: str | None
    ci_low: float
    ci_high: float
    se: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``prima analyze agreement --method cohen``."""
        return {
            "n": self.n,
            "kappa": self.kappa,
            "po": self.po,
            "pe": self.pe,
            "weights": self.weights,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


@dataclass(frozen=True)
class FleissResult:
    n: int
    k: int
    kappa: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``prima analyze agreement --method fleiss``."""
        return {"n": self.n, "k": self.k, "kappa": self.kappa}


def agreement_weights(values: NDArray[np.float64], weights: str | None) -> NDArray[np.float64]:
    """The c x c agreement weights of the sorted category ``values`` (Cohen 1968)."""
    c = values.size
    if weights is None:
        return np.eye(c)
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    span = float(values[-1] - values[0])
    distance = np.abs(values[:, None] - values[None, :]) / span
    return 1.0 - (distance if weights == "linear" else distance * distance)


def cohen_kappa(
    first: NDArray[np.float64], second: NDArray[np.float64], weights: str | None = None
) -> CohenResult:
    """Cohen's kappa of two raters' ratings (``NaN`` = not rated; n = subjects rated by both).

    >>> r = cohen_kappa(np.array([1.0, 1, 2, 2]), np.array([1.0, 2, 2, 2]))
    >>> r.po, r.pe, round(r.kappa, 6)
    (0.75, 0.5, 0.5)
    """
    a = np.asarray(first, dtype=np.float64)
    b = np.asarray(second, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("two ratings per subject expected")
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    n = int(a.size)
    if n < 2:
        raise AgreementError("too_few_subjects")
    values, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    c = values.size
    if c < 2:
        raise AgreementError("one_category")
    table = np.zeros((c, c))
    np.add.at(table, (codes[:n], codes[n:]), 1.0)
    p = table / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    w = agreement_weights(values, weights)
    po = float((w * table).sum()) / n  # from the counts: exactly 1 when every pair agrees
    pe = float(table.sum(axis=1) @ w @ table.sum(axis=0)) / (n * n)
    kappa = (po - pe) / (1.0 - pe)
    row_w = w @ cols  # wbar_i.
    col_w = rows @ w  # wbar_.j
    spread = w - (row_w[:, None] + col_w[None, :]) * (1.0 - kappa)
    spread_sq = float((p * spread * spread).sum())
    numerator = spread_sq - (kappa - pe * (1.0 - kappa)) ** 2
    if numerator <= 64 * np.finfo(float).eps * spread_sq:  # zero up to rounding (perfect agreement)
        numerator = 0.0
    se = float(np.sqrt(numerator / (n * (1.0 - pe) ** 2)))
    low = max(-1.0, kappa - Z95 * se)
    high = min(1.0, kappa + Z95 * se)
    return CohenResult(n, float(kappa), po, pe, weights, float(low), float(high), se)


def fleiss_kappa(data: NDArray[np.float64]) -> FleissResult:
    """Fleiss' kappa of a subjects x raters array (rows with a ``NaN`` are dropped).

    >>> fleiss_kappa(np.array([[1.0, 1, 1], [2, 2, 2], [1, 2, 2]])).kappa
    0.55
    """
    ratings = np.asarray(data, dtype=np.float64)
    if ratings.ndim != 2:
        raise ValueError("data must be subjects x raters")
    m = int(ratings.shape[1])
    if m < 2:
        raise AgreementError("too_few_raters")
    complete = ratings[~np.isnan(ratings).any(axis=1)]
    subjects = int(complete.shape[0])
    if subjects < 2:
        raise AgreementError("too_few_subjects")
    values, codes = np.unique(complete, return_inverse=True)
    if values.size < 2:
        raise AgreementError("one_category")
    counts = np.zeros((subjects, values.size))
    np.add.at(counts, (np.repeat(np.arange(subjects), m), codes.reshape(-1)), 1.0)
    p_i = ((counts * counts).sum(axis=1) - m) / (m * (m - 1))
    p_j = counts.sum(axis=0) / (subjects * m)
    p_bar = float(p_i.mean())
    p_e = float((p_j * p_j).sum())
    return FleissResult(subjects, m, (p_bar - p_e) / (1.0 - p_e))
