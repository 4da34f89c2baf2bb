"""Performance vs expectation (*kinerja* vs *harapan*) and its verdict.

Source: ``shared/domain/methods.md`` section 1 and ``concept.md`` (kinerja < harapan: tidak
memuaskan; = : memuaskan; > : sangat memuaskan). Gap G = P - E per respondent; the mean gap
gets a t-based 95% interval, and the verdict is decided with that interval (canonical rule):

- upper bound < 0 -> ``tidak memuaskan``;
- lower bound > 0 -> ``sangat memuaskan``;
- otherwise -> ``memuaskan`` (the data cannot tell the gap from zero);
- n < 2 -> ``data belum cukup`` (no interval, never a fall-back to comparing means).

Published practice compares the two means exactly; with real data that removes the middle
verdict, which is why Prima uses the interval and reports the rule beside the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prima import i18n
from prima.i18n import gettext_noop
from prima.metrics.intervals import mean_interval_from_sums
from prima.metrics.notes import Note
from prima.metrics.paired import GroupTotals, Matrix, group_totals

TIDAK_MEMUASKAN = "tidak memuaskan"
MEMUASKAN = "memuaskan"
# notes (codes, and English msgids of the catalogue; prima.metrics.notes)
UNGROUPED = "gap.ungrouped"
NO_INTERVAL = "gap.no_interval"
NOTE_UNGROUPED = gettext_noop("no instrument: items are not grouped into dimensions")
NOTE_NO_INTERVAL = gettext_noop(
    "%(name)s: fewer than 2 respondents answered both sides, no interval"
)
SANGAT_MEMUASKAN = "sangat memuaskan"
DATA_BELUM_CUKUP = "data belum cukup"

# the verdict's name, translated through the catalogue (prima.i18n; English msgids)
VERDICT_NAMES = {
    TIDAK_MEMUASKAN: gettext_noop("Not satisfying"),
    MEMUASKAN: gettext_noop("Satisfying"),
    SANGAT_MEMUASKAN: gettext_noop("Very satisfying"),
    DATA_BELUM_CUKUP: gettext_noop("Not enough data"),
}


def verdict_label(code: str | None, lang: str | None) -> str:
    """The name of a verdict in ``lang`` ("" for no verdict)."""
    name = VERDICT_NAMES.get(code or "")
    return i18n.gettext(name, lang) if name else ""


# {code: {"id": ..., "en": ...}} as before, now read from the catalogue
VERDICT_LABELS = {
    code: {lang: verdict_label(code, lang) for lang in i18n.LANGUAGES} for code in VERDICT_NAMES
}

VERDICT_RULE = (
    "95% t interval of the mean gap (P - E): upper < 0 tidak memuaskan; lower > 0 sangat "
    "memuaskan; otherwise memuaskan; n < 2 data belum cukup"
)


def verdict(ci_low: float | None, ci_high: float | None) -> str:
    """The verdict decided by the interval of the mean gap (None: fewer than 2 respondents)."""
    if ci_low is None or ci_high is None:
        return DATA_BELUM_CUKUP
    if ci_high < 0:
        return TIDAK_MEMUASKAN
    if ci_low > 0:
        return SANGAT_MEMUASKAN
    return MEMUASKAN


@dataclass(frozen=True)
class GapStats:
    """Gap statistics of one item, dimension or the whole instrument."""

    n: int
    expectation: float | None
    performance: float | None
    gap: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str
    below: float | None  # % of respondents whose own gap < 0
    equal: float | None  # % with gap exactly 0
    above: float | None  # % with gap > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "expectation": self.expectation,
            "performance": self.performance,
            "gap": self.gap,
            "sd": self.sd,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "verdict": self.verdict,
            "below": self.below,
            "equal": self.equal,
            "above": self.above,
        }


def gap_stats(totals: GroupTotals) -> GapStats:
    """Statistics of a group from its whole-number totals: mean E and P over respondents
    (each respondent's mean over the pairs they answered), the mean gap with its t interval,
    and the shares of respondents whose own gap is below, equal to or above zero.

    Computed in exact fractions, so the same totals always give the same floats, however
    they were added up (one file, or months and units of rollups).
    """
    n, e, p, g, g2, below, equal, above = totals.pooled()
    if n == 0:
        return GapStats(0, None, None, None, None, None, None, DATA_BELUM_CUKUP, None, None, None)
    interval = mean_interval_from_sums(n, g, g2)
    return GapStats(
        n=n,
        expectation=float(e / n),
        performance=float(p / n),
        gap=interval.mean,
        sd=interval.sd,
        ci_low=interval.ci_low,
        ci_high=interval.ci_high,
        verdict=verdict(interval.ci_low, interval.ci_high),
        below=100.0 * below / n,
        equal=100.0 * equal / n,
        above=100.0 * above / n,
    )


def group_gap(expectation: Matrix, performance: Matrix, columns: list[int]) -> GapStats:
    """Gap statistics of a group of items (one item, a dimension, or all items)."""
    return gap_stats(group_totals(expectation, performance, columns))


@dataclass(frozen=True)
class GapResult:
    n: int
    items: dict[str, GapStats]
    dimensions: dict[str, GapStats]
    overall: GapStats
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "verdict_rule": VERDICT_RULE,
            "items": {k: v.as_dict() for k, v in self.items.items()},
            "dimensions": {k: v.as_dict() for k, v in self.dimensions.items()},
            "overall": self.overall.as_dict(),
            "notes": list(self.notes),
        }


def performance_gap(
    expectation: Matrix,
    performance: Matrix,
    items: list[str],
    dimensions: dict[str, list[str]] | None = None,
) -> GapResult:
    """Gaps per item, per dimension (``{dimension: [item ids]}``) and overall.

    ``n`` is the number of respondents who answered at least one pair.

    >>> import numpy as np
    >>> e = np.array([[4.0], [4.0], [5.0]]); p = np.array([[2.0], [3.0], [3.0]])
    >>> r = performance_gap(e, p, ["X1"])
    >>> r.items["X1"].gap, r.items["X1"].verdict
    (-1.6666666666666667, 'tidak memuaskan')
    """
    if expectation.shape[1] != len(items):
        raise ValueError("one column per item expected")
    index = {item: j for j, item in enumerate(items)}
    return performance_gap_from_totals(
        {item: group_totals(expectation, performance, [j]) for item, j in index.items()},
        {
            dim: group_totals(expectation, performance, [index[m] for m in members])
            for dim, members in (dimensions or {}).items()
        },
        group_totals(expectation, performance, list(range(len(items)))),
        grouped=bool(dimensions),
    )


def performance_gap_from_totals(
    items: dict[str, GroupTotals],
    dimensions: dict[str, GroupTotals],
    overall: GroupTotals,
    *,
    grouped: bool = True,
) -> GapResult:
    """:func:`performance_gap` from the totals of each item, dimension and all items."""
    notes: list[str] = []
    item_stats = {item: gap_stats(t) for item, t in items.items()}
    dim_stats = {dim: gap_stats(t) for dim, t in dimensions.items()}
    if not grouped:
        notes.append(Note(NOTE_UNGROUPED, UNGROUPED))
    overall_stats = gap_stats(overall)
    for name, stats in [*item_stats.items(), *dim_stats.items()]:
        if stats.verdict == DATA_BELUM_CUKUP:
            notes.append(Note(NOTE_NO_INTERVAL, NO_INTERVAL, name=name))
    return GapResult(overall_stats.n, item_stats, dim_stats, overall_stats, notes)
