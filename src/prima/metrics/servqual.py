"""SERVQUAL (Parasuraman, Zeithaml & Berry 1988, *Journal of Retailing* 64(1)).

Conventions from ``shared/domain/methods.md`` section 2:

- dimension score = mean over respondents of the respondent's mean item gap (P - E) in the
  dimension, with a one-sample t interval (computed by :mod:`prima.metrics.gap`);
- unweighted SERVQUAL score = mean of the dimension scores (not the mean of the item gaps);
- weighted score: each respondent allocates 100 points over the dimensions; per respondent
  sum of (points / 100) x dimension gap, then the mean over respondents. Points that do not sum
  to 100 are an input error (:class:`WeightsError` names the respondent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.metrics.gap import GapStats, gap_stats
from prima.metrics.intervals import mean_interval
from prima.metrics.paired import GroupTotals, Matrix, group_totals, respondent_scores

WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 1e-6


class WeightsError(ValueError):
    """A respondent's SERVQUAL weights are incomplete, negative or do not sum to 100."""

    def __init__(self, row: int, total: float | None, reason: str) -> None:
        self.row = row  # index of the respondent in the input matrices
        self.total = total
        self.reason = reason
        super().__init__(f"respondent {row}: {reason}")


@dataclass(frozen=True)
class ServqualResult:
    dimensions: dict[str, GapStats]
    unweighted: float | None
    weighted: float | None
    weighted_n: int
    weighted_ci_low: float | None
    weighted_ci_high: float | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimensions": {k: v.as_dict() for k, v in self.dimensions.items()},
            "unweighted": self.unweighted,
            "weighted": self.weighted,
            "weighted_n": self.weighted_n,
            "weighted_ci_low": self.weighted_ci_low,
            "weighted_ci_high": self.weighted_ci_high,
            "notes": list(self.notes),
        }


def check_weights(weights: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Validate the 100-point allocations; returns which respondents gave weights.

    A respondent who left every weight blank is skipped; a partial, negative or
    not-100 allocation raises :class:`WeightsError`.
    """
    blank = np.isnan(weights)
    given: NDArray[np.bool_] = np.asarray(~blank.all(axis=1))
    filled = np.where(blank, 0.0, weights)
    partial = np.flatnonzero(given & blank.any(axis=1))
    if partial.size:
        raise WeightsError(int(partial[0]), None, "some dimension weights are blank")
    negative = np.flatnonzero(given & (filled < 0).any(axis=1))
    if negative.size:
        raise WeightsError(int(negative[0]), None, "a dimension weight is negative")
    totals = filled.sum(axis=1)
    off = np.flatnonzero(given & (np.abs(totals - WEIGHT_TOTAL) > WEIGHT_TOLERANCE))
    if off.size:
        row = int(off[0])
        raise WeightsError(row, float(totals[row]), f"weights sum to {totals[row]:g}, not 100")
    return given


def _unweighted(
    totals: dict[str, GroupTotals],
) -> tuple[dict[str, GapStats], float | None, list[str]]:
    dims = {d: gap_stats(t) for d, t in totals.items()}
    notes: list[str] = []
    gaps = [s.gap for s in dims.values()]
    unweighted = None
    if any(g is None for g in gaps):
        notes.append("a dimension has no answers: unweighted score undefined")
    else:
        unweighted = float(np.mean([g for g in gaps if g is not None]))
    return dims, unweighted, notes


def servqual_from_totals(dimensions: dict[str, GroupTotals]) -> ServqualResult:
    """The dimension gaps and the unweighted score from each dimension's totals (no weights)."""
    if not dimensions:
        raise ValueError("SERVQUAL needs items grouped into dimensions")
    dims, unweighted, notes = _unweighted(dimensions)
    notes.append("no W.<dimension> columns: weighted score not computed")
    return ServqualResult(dims, unweighted, None, 0, None, None, notes)


def servqual(
    expectation: Matrix,
    performance: Matrix,
    items: list[str],
    dimensions: dict[str, list[str]],
    weights: NDArray[np.float64] | None = None,
) -> ServqualResult:
    """Dimension gaps, the unweighted score and (with ``weights``, respondents x dimensions in
    the order of ``dimensions``) the weighted score.

    >>> e = np.array([[5.0, 4.0], [4.0, 4.0]]); p = np.array([[4.0, 4.0], [4.0, 5.0]])
    >>> r = servqual(e, p, ["T1", "R1"], {"tangibles": ["T1"], "reliability": ["R1"]},
    ...              np.array([[50.0, 50.0], [20.0, 80.0]]))
    >>> r.unweighted, round(r.weighted, 6)
    (0.0, 0.15)
    """
    if not dimensions:
        raise ValueError("SERVQUAL needs items grouped into dimensions")
    index = {item: j for j, item in enumerate(items)}
    columns = {d: [index[m] for m in members] for d, members in dimensions.items()}
    totals = {d: group_totals(expectation, performance, cols) for d, cols in columns.items()}
    if weights is None:
        return servqual_from_totals(totals)
    dims, unweighted, notes = _unweighted(totals)
    if weights.shape != (expectation.shape[0], len(dimensions)):
        raise ValueError("weights must be respondents x dimensions")
    given = check_weights(weights)
    # per respondent: the dimension gaps (NaN where the respondent answered no pair)
    per_dim = np.full((expectation.shape[0], len(dimensions)), np.nan)
    for k, cols in enumerate(columns.values()):
        scores = respondent_scores(expectation, performance, cols)
        per_dim[scores.rows, k] = scores.gap
    usable = given & ~np.isnan(per_dim).any(axis=1)
    weighted_scores = (weights[usable] / WEIGHT_TOTAL * per_dim[usable]).sum(axis=1)
    interval = mean_interval(weighted_scores)
    if interval.n == 0:
        notes.append("no respondent gave weights and answered every dimension")
    return ServqualResult(
        dims, unweighted, interval.mean, interval.n, interval.ci_low, interval.ci_high, notes
    )
