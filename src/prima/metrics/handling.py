"""Measures of complaint handling (issue 11, point 6): counts, working-day percentiles, the
share resolved on time and the satisfaction with the handling, from whole-number totals.

The totals (:class:`HandlingTotals`) are what a database can add up in one pass over the cases
of a unit and period (``prima.cases.selectors.case_measures``): counts per status, the number of
cases per whole number of working days to the first response and to the resolution, the on-time
and breach counts, and the count, sum and sum of squares of the ratings (1-5). Totals of two
groups of cases add up (:meth:`HandlingTotals.__add__`), so a per-period table could feed the
same function.

Formulas (each implemented once):

- **Percentiles** of working days (median = the 50th, and the 90th) by Hyndman & Fan's
  definition 7 (*Sample quantiles in statistical packages*, The American Statistician 50(4),
  1996; the default of R's ``quantile`` and NumPy's ``percentile(method="linear")``): with the
  n values sorted x[0] <= ... <= x[n-1] and h = (n - 1) p,
  Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). Computed from the counts per
  value (:func:`quantile_from_counts`), never from a list of the cases.
- **Share resolved on time** = cases resolved by their resolution due date / cases resolved.
- **Satisfaction with the handling**: the mean rating with its 95% t interval,
  :func:`prima.metrics.intervals.mean_interval_from_sums` (mean +/- t(0.975; n-1) SD / sqrt(n)),
  from n, the sum and the sum of squares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

from prima.metrics.intervals import MeanInterval, mean_interval_from_sums

RATING_SCALE = (1, 5)


def _add_counts(a: Mapping[int, int], b: Mapping[int, int]) -> dict[int, int]:
    out = dict(a)
    for value, count in b.items():
        out[value] = out.get(value, 0) + count
    return out


def quantile_from_counts(counts: Mapping[int, int], p: float) -> float | None:
    """The p-quantile (0 <= p <= 1) of the values given as ``{value: how many}``, by Hyndman
    and Fan's definition 7 (NumPy's ``linear``); None when there is no value.

    >>> quantile_from_counts({1: 1, 2: 1, 3: 1, 4: 1}, 0.5)
    2.5
    >>> quantile_from_counts({2: 3, 10: 1}, 0.9)
    7.6
    """
    if not 0 <= p <= 1:
        raise ValueError("p must lie between 0 and 1")
    items = sorted((v, c) for v, c in counts.items() if c > 0)
    n = sum(c for _, c in items)
    if n == 0:
        return None
    # exact arithmetic on p as written (0.9 is 9/10, not the binary fraction nearest to it)
    h = (n - 1) * Fraction(repr(float(p)))
    low = math.floor(h)
    frac = h - low

    def value_at(index: int) -> int:
        seen = 0
        for value, count in items:
            seen += count
            if index < seen:
                return value
        return items[-1][0]

    x_low = value_at(low)
    if frac == 0:
        return float(x_low)
    x_high = value_at(min(low + 1, n - 1))
    return float(x_low + frac * (x_high - x_low))  # exact, then rounded once


@dataclass(frozen=True)
class HandlingTotals:
    """Whole-number totals of a group of cases (all received in the same unit scope and period).

    ``open_`` counts cases still ``baru``, ``diverifikasi`` or ``diproses``;
    ``first_response_days`` / ``resolution_days`` map working days to how many cases took them;
    ``first_response_late`` counts cases whose first response came after its due date or has
    not come and is overdue; ``resolution_late`` cases resolved after their due date or still
    open past it; ``breached`` cases with either (each case once).
    """

    received: int = 0
    resolved: int = 0
    rejected: int = 0
    open_: int = 0
    first_response_days: Mapping[int, int] = field(default_factory=dict)
    resolution_days: Mapping[int, int] = field(default_factory=dict)
    resolved_on_time: int = 0
    first_response_late: int = 0
    resolution_late: int = 0
    breached: int = 0
    ratings: int = 0
    rating_sum: int = 0
    rating_sum_squares: int = 0

    def __add__(self, other: HandlingTotals) -> HandlingTotals:
        return HandlingTotals(
            received=self.received + other.received,
            resolved=self.resolved + other.resolved,
            rejected=self.rejected + other.rejected,
            open_=self.open_ + other.open_,
            first_response_days=_add_counts(self.first_response_days, other.first_response_days),
            resolution_days=_add_counts(self.resolution_days, other.resolution_days),
            resolved_on_time=self.resolved_on_time + other.resolved_on_time,
            first_response_late=self.first_response_late + other.first_response_late,
            resolution_late=self.resolution_late + other.resolution_late,
            breached=self.breached + other.breached,
            ratings=self.ratings + other.ratings,
            rating_sum=self.rating_sum + other.rating_sum,
            rating_sum_squares=self.rating_sum_squares + other.rating_sum_squares,
        )


@dataclass(frozen=True)
class Duration:
    """Working days to an event: how many cases have it, their median and 90th percentile."""

    n: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class HandlingMeasures:
    received: int
    resolved: int
    rejected: int
    open: int
    first_response: Duration
    resolution: Duration
    resolved_on_time: int
    on_time_share: float | None  # resolved on time / resolved; None when none was resolved
    first_response_late: int
    resolution_late: int
    breaches: int
    satisfaction: MeanInterval

    @property
    def on_time_percent(self) -> float | None:
        """The share resolved on time in percent (for display; the share is the measure)."""
        return None if self.on_time_share is None else self.on_time_share * 100

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def duration(counts: Mapping[int, int]) -> Duration:
    n = sum(c for c in counts.values() if c > 0)
    return Duration(n, quantile_from_counts(counts, 0.5), quantile_from_counts(counts, 0.9))


def handling_measures(totals: HandlingTotals) -> HandlingMeasures:
    """The measures of point 6 of issue 11 from the totals (see the module's docstring).

    >>> m = handling_measures(HandlingTotals(received=4, resolved=2, open_=2,
    ...     resolution_days={3: 1, 7: 1}, resolved_on_time=1, ratings=2, rating_sum=9,
    ...     rating_sum_squares=41))
    >>> m.resolution.median, m.on_time_share, m.satisfaction.mean
    (5.0, 0.5, 4.5)
    """
    share = float(Fraction(totals.resolved_on_time, totals.resolved)) if totals.resolved else None
    return HandlingMeasures(
        received=totals.received,
        resolved=totals.resolved,
        rejected=totals.rejected,
        open=totals.open_,
        first_response=duration(totals.first_response_days),
        resolution=duration(totals.resolution_days),
        resolved_on_time=totals.resolved_on_time,
        on_time_share=share,
        first_response_late=totals.first_response_late,
        resolution_late=totals.resolution_late,
        breaches=totals.breached,
        satisfaction=mean_interval_from_sums(
            totals.ratings, Fraction(totals.rating_sum), Fraction(totals.rating_sum_squares)
        ),
    )
