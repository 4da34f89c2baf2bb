"""Paired answers (expectation E and performance P per respondent and item).

Shared by gap, SERVQUAL, IPA and CSI so that "who answered both" is decided in one place
(``methods.md``: a paired statistic uses the respondents who answered both sides of the pair).
Matrices are respondents x items, ``NaN`` = not answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class PairTotals:
    """Sums over the respondents who answered both sides of one item."""

    n: int
    sum_e: int
    sum_p: int

    @property
    def mean_e(self) -> Fraction | None:
        return Fraction(self.sum_e, self.n) if self.n else None

    @property
    def mean_p(self) -> Fraction | None:
        return Fraction(self.sum_p, self.n) if self.n else None


def check_pair(expectation: Matrix, performance: Matrix) -> None:
    if expectation.shape != performance.shape or expectation.ndim != 2:
        raise ValueError("expectation and performance must be matrices of the same shape")


def pair_totals(expectation: Matrix, performance: Matrix) -> list[PairTotals]:
    """Per item: n, sum of E and sum of P over respondents who answered both (whole numbers)."""
    check_pair(expectation, performance)
    both = ~(np.isnan(expectation) | np.isnan(performance))
    n = both.sum(axis=0)
    sum_e = np.where(both, expectation, 0.0).sum(axis=0)
    sum_p = np.where(both, performance, 0.0).sum(axis=0)
    return [
        PairTotals(int(a), round(float(b)), round(float(c)))
        for a, b, c in zip(n, sum_e, sum_p, strict=True)
    ]


@dataclass(frozen=True)
class RespondentScores:
    """Per respondent (who answered at least one pair of the group): mean E, mean P, mean gap."""

    expectation: Matrix
    performance: Matrix
    gap: Matrix
    rows: NDArray[np.intp]  # index of each respondent in the input matrices


def respondent_scores(
    expectation: Matrix, performance: Matrix, columns: list[int]
) -> RespondentScores:
    """Each respondent's mean over the pairs they answered in ``columns``.

    ``methods.md`` section 1: a dimension's score is, per respondent, the mean of that
    respondent's item gaps in the dimension; an item is a group of one.
    """
    check_pair(expectation, performance)
    e = expectation[:, columns]
    p = performance[:, columns]
    both = ~(np.isnan(e) | np.isnan(p))
    k = both.sum(axis=1)
    rows = np.flatnonzero(k > 0)
    k = k[rows]
    sum_e = np.where(both, e, 0.0).sum(axis=1)[rows]
    sum_p = np.where(both, p, 0.0).sum(axis=1)[rows]
    # the gap is computed from the sums so that an exact tie gives exactly 0
    return RespondentScores(sum_e / k, sum_p / k, (sum_p - sum_e) / k, rows)
