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


GROUP_FIELDS = ("n", "sum_e", "sum_p", "sum_d", "sum_d2", "below", "equal", "above")
"""Per number of answered pairs k: respondents, and sums over them of the E and P totals,
of d = sum P - sum E, of d^2, and the counts of d < 0, = 0, > 0 (all whole numbers)."""


@dataclass(frozen=True)
class GroupTotals:
    """Whole-number totals from which a group's gap statistics follow exactly.

    A respondent who answered k pairs of the group has mean scores sum_e / k, sum_p / k and
    gap d / k; grouping respondents by k keeps every total an integer, so totals of months,
    units or services add up, and the statistics of the sum equal those of the pooled answers.
    ``rows[k - 1]`` holds :data:`GROUP_FIELDS` for respondents with k answered pairs.
    """

    rows: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def n(self) -> int:
        return sum(r[0] for r in self.rows)

    def pooled(self) -> tuple[int, Fraction, Fraction, Fraction, Fraction, int, int, int]:
        """n, sum of the respondents' mean E, of mean P, of gaps, of squared gaps, below, equal, above."""
        n = 0
        e = p = g = g2 = Fraction(0)
        below = equal = above = 0
        for k, (nk, se, sp, sd, sd2, b, eq, a) in enumerate(self.rows, start=1):
            n += nk
            e += Fraction(se, k)
            p += Fraction(sp, k)
            g += Fraction(sd, k)
            g2 += Fraction(sd2, k * k)
            below, equal, above = below + b, equal + eq, above + a
        return n, e, p, g, g2, below, equal, above


@dataclass(frozen=True)
class RespondentPairs:
    """Per respondent, over the pairs of a group they answered both sides of: how many (k)
    and the totals of E and P (whole numbers)."""

    k: NDArray[np.int64]
    sum_e: NDArray[np.int64]
    sum_p: NDArray[np.int64]

    @property
    def d(self) -> NDArray[np.int64]:
        """The respondent's gap total, sum P - sum E (their mean gap is d / k)."""
        return self.sum_p - self.sum_e


def respondent_pairs(
    expectation: Matrix, performance: Matrix, columns: list[int]
) -> RespondentPairs:
    """:class:`RespondentPairs` of a group of item columns: who answered both sides decides."""
    check_pair(expectation, performance)
    e = expectation[:, columns]
    p = performance[:, columns]
    both = ~(np.isnan(e) | np.isnan(p))
    return RespondentPairs(
        both.sum(axis=1).astype(np.int64),
        np.rint(np.where(both, e, 0.0).sum(axis=1)).astype(np.int64),
        np.rint(np.where(both, p, 0.0).sum(axis=1)).astype(np.int64),
    )


def group_totals(expectation: Matrix, performance: Matrix, columns: list[int]) -> GroupTotals:
    """:class:`GroupTotals` of a group of item columns (one item, a dimension, or all)."""
    r = respondent_pairs(expectation, performance, columns)
    k, d = r.k, r.d
    length = len(columns) + 1

    def by_k(weights: NDArray[np.int64] | NDArray[np.bool_] | None = None) -> list[int]:
        w = None if weights is None else weights.astype(np.float64)
        counts = np.bincount(k, weights=w, minlength=length)
        return [round(float(v)) for v in counts[1:length]]

    columns_by_field = [
        by_k(),
        by_k(r.sum_e),
        by_k(r.sum_p),
        by_k(d),
        by_k(d * d),
        by_k(d < 0),
        by_k((d == 0) & (k > 0)),
        by_k(d > 0),
    ]
    return GroupTotals(tuple(zip(*columns_by_field, strict=True)))
