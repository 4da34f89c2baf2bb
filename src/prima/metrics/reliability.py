"""Reliability and item validity: Cronbach's alpha and corrected item-total correlations.

From ``shared/domain/methods.md`` section 6:

- Cronbach (1951), *Psychometrika* 16(3): alpha = k/(k-1) x (1 - sum of item variances /
  variance of the total), sample (ddof 1) variances, listwise deletion of incomplete respondents;
- Feldt, Woodruff & Salih (1987), *Applied Psychological Measurement* 11(1): 95% interval
  [1 - (1 - a) F(0.975; n-1, (n-1)(k-1)), 1 - (1 - a) F(0.025; n-1, (n-1)(k-1))];
- alpha if item deleted, and the corrected item-total correlation (the item against the total
  of the other items, SPSS's "Corrected Item-Total Correlation");
- validity rule of Indonesian theses: valid when r > r-table = t / sqrt(df + t^2), t the
  two-tailed 5% critical value, df = n - 2 (0,361 at n = 30); reliable when alpha >= 0,60.

Undefined cases are ``None`` with the reason, never 0 or 1: fewer than 2 items or 2
respondents, or a total variance of 0. Items with zero variance are reported and left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.metrics.intervals import t_critical

RELIABILITY_THRESHOLD = 0.60


def r_table(n: int) -> float | None:
    """Critical Pearson r, two-tailed 5%, df = n - 2 (``r_table(30)`` is 0.361)."""
    df = n - 2
    if df < 1:
        return None
    t = t_critical(df)
    return t / math.sqrt(df + t * t)


def cronbach_alpha(data: NDArray[np.float64]) -> float | None:
    """Alpha of a complete respondents x items matrix (None when undefined).

    >>> cronbach_alpha(np.array([[1.0, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]))
    0.9824561403508771
    """
    n, k = data.shape
    if k < 2 or n < 2:
        return None
    total_var = float(data.sum(axis=1).var(ddof=1))
    if total_var == 0:
        return None
    item_var = float(data.var(axis=0, ddof=1).sum())
    return float(k / (k - 1) * (1 - item_var / total_var))


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt (1987) interval of alpha from the F distribution."""
    from scipy.special import fdtri

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * float(fdtri(df1, df2, 1 - tail))
    high = 1 - (1 - alpha) * float(fdtri(df1, df2, tail))
    return low, high


def _pearson(x: NDArray[np.float64], y: NDArray[np.float64]) -> float | None:
    sx, sy = float(x.std()), float(y.std())
    if sx == 0 or sy == 0:
        return None
    return float(np.mean((x - x.mean()) * (y - y.mean())) / (sx * sy))


@dataclass(frozen=True)
class ItemReliability:
    item_total_r: float | None
    alpha_if_deleted: float | None
    valid: bool | None
    variance: float
    excluded: bool  # zero variance: left out of alpha

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_total_r": self.item_total_r,
            "alpha_if_deleted": self.alpha_if_deleted,
            "valid": self.valid,
            "variance": self.variance,
            "excluded": self.excluded,
        }


@dataclass(frozen=True)
class ReliabilityResult:
    n: int
    k: int
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    reliable: bool | None
    r_table: float | None
    items: dict[str, ItemReliability]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "k": self.k,
            "alpha": self.alpha,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "reliable": self.reliable,
            "threshold": RELIABILITY_THRESHOLD,
            "r_table": self.r_table,
            "items": {k: v.as_dict() for k, v in self.items.items()},
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ReliabilitySums:
    """Totals from which :func:`reliability_from_sums` follows: respondents (all), complete
    respondents n, per item the sum of answers and per pair of items the sum of products,
    over the complete respondents (listwise deletion). Whole numbers for whole-number answers,
    so the totals of chunks of a file add up exactly."""

    rows: int
    n: int
    sums: tuple[int | float, ...]
    products: tuple[tuple[int | float, ...], ...]

    def __add__(self, other: ReliabilitySums) -> ReliabilitySums:
        return ReliabilitySums(
            self.rows + other.rows,
            self.n + other.n,
            tuple(a + b for a, b in zip(self.sums, other.sums, strict=True)),
            tuple(
                tuple(a + b for a, b in zip(r, q, strict=True))
                for r, q in zip(self.products, other.products, strict=True)
            ),
        )


def reliability_sums(data: NDArray[np.float64]) -> ReliabilitySums:
    """:class:`ReliabilitySums` of a respondents x items matrix (``NaN`` = not answered)."""
    if data.ndim != 2:
        raise ValueError("data must be respondents x items")
    complete = data[~np.isnan(data).any(axis=1)]
    whole = bool(np.all(np.trunc(complete) == complete))
    values = complete.astype(np.int64) if whole else complete
    sums = values.sum(axis=0)
    products = values.T @ values
    cast = int if whole else float
    return ReliabilitySums(
        int(data.shape[0]),
        int(complete.shape[0]),
        tuple(cast(v) for v in sums),
        tuple(tuple(cast(v) for v in row) for row in products),
    )


def _alpha_from_cov(cov: list[list[Fraction]], keep: list[int]) -> float | None:
    k = len(keep)
    total = sum((cov[i][j] for i in keep for j in keep), Fraction(0))
    if k < 2 or total == 0:
        return None
    items = sum((cov[j][j] for j in keep), Fraction(0))
    return float(Fraction(k, k - 1) * (1 - items / total))


def reliability(data: NDArray[np.float64], items: list[str]) -> ReliabilityResult:
    """Alpha, its Feldt interval and per-item statistics, after listwise deletion.

    ``k`` counts the items used (zero-variance items are left out and flagged ``excluded``).
    """
    if data.ndim != 2 or data.shape[1] != len(items):
        raise ValueError("data must be respondents x items")
    return reliability_from_sums(reliability_sums(data), items)


def reliability_from_sums(totals: ReliabilitySums, items: list[str]) -> ReliabilityResult:
    """:func:`reliability` from its totals, in exact fractions: the (co)variances are
    (n x sum of products - sum x sum) / (n (n - 1)); the corrected item-total r of item j is
    the covariance of j with the other kept items' total over the square root of the product
    of their variances."""
    if len(totals.sums) != len(items):
        raise ValueError("one sum per item expected")
    n = totals.n
    notes: list[str] = []
    if n < totals.rows:
        notes.append(f"listwise deletion: {totals.rows - n} respondents with blanks left out")
    size = len(items)
    if n >= 2:
        s = [Fraction(v) for v in totals.sums]
        cov = [
            [
                (n * Fraction(totals.products[i][j]) - s[i] * s[j]) / (n * (n - 1))
                for j in range(size)
            ]
            for i in range(size)
        ]
    else:
        cov = [[Fraction(0)] * size for _ in range(size)]
    keep = [j for j in range(size) if cov[j][j] > 0]
    for j, item in enumerate(items):
        if j not in keep and n >= 2:
            notes.append(f"{item}: zero variance, left out")
    k = len(keep)
    alpha = _alpha_from_cov(cov, keep) if n >= 2 else None
    if n < 2:
        notes.append("fewer than 2 complete respondents: alpha undefined")
    elif k < 2:
        notes.append("fewer than 2 items with variance: alpha undefined")
    elif alpha is None:
        notes.append("total score has zero variance: alpha undefined")
    ci_low = ci_high = None
    if alpha is not None:
        ci_low, ci_high = feldt_interval(alpha, n, k)
        if alpha < 0:
            notes.append("alpha is negative: check for reverse-keyed items")
    critical = r_table(n)
    per_item: dict[str, ItemReliability] = {}
    for j, item in enumerate(items):
        variance = float(cov[j][j]) if n >= 2 else 0.0
        if j not in keep:
            per_item[item] = ItemReliability(None, None, None, variance, True)
            continue
        rest = [m for m in keep if m != j]
        r = None
        if k >= 2:
            with_rest = sum((cov[j][m] for m in rest), Fraction(0))
            rest_var = sum((cov[a][b] for a in rest for b in rest), Fraction(0))
            if rest_var > 0:
                r = float(with_rest) / math.sqrt(float(cov[j][j]) * float(rest_var))
        deleted = _alpha_from_cov(cov, rest) if k >= 3 else None
        valid = None if r is None or critical is None else r > critical
        per_item[item] = ItemReliability(r, deleted, valid, variance, False)
    reliable = None if alpha is None else alpha >= RELIABILITY_THRESHOLD
    return ReliabilityResult(n, k, alpha, ci_low, ci_high, reliable, critical, per_item, notes)
