"""Importance-Performance Analysis (Martilla & James 1977, *Journal of Marketing* 41(1);
Indonesian practice after Supranto, *Pengukuran Tingkat Kepuasan Pelanggan*).

Conventions from ``shared/domain/methods.md`` section 3:

- X = mean performance (kinerja), Y = mean importance (kepentingan/harapan), per attribute over
  the respondents who answered both;
- crosshair: the mean of the attribute means on each axis (canonical, ``"mean"``) or the scale
  midpoint (``"midpoint"``);
- conformity Tki = sum of performance / sum of importance x 100 (lowest = first priority);
- quadrants by meaning: A high importance & low performance (Prioritas Utama, Kuadran I);
  B high & high (Pertahankan Prestasi, II); C low & low (Prioritas Rendah, III);
  D low importance & high performance (Berlebihan, IV). A point exactly on a crosshair goes to
  the high side and is flagged ``on_boundary``. Fewer than two attributes: no quadrants.

Comparisons use exact fractions of the integer sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from prima import i18n
from prima.i18n import gettext_noop
from prima.metrics.notes import Note
from prima.metrics.paired import Matrix, PairTotals, pair_totals

Axis = Literal["mean", "midpoint"]
# notes (codes, and English msgids of the catalogue; prima.metrics.notes)
ITEM_UNANSWERED = "ipa.item_unanswered"
NO_QUADRANTS = "ipa.no_quadrants"
NOTE_ITEM_UNANSWERED = gettext_noop("%(item)s: no respondent answered both sides")
NOTE_NO_QUADRANTS = gettext_noop("fewer than two attributes with answers: no quadrants")

# quadrant names (Martilla & James 1977), translated through the catalogue (prima.i18n)
QUADRANT_NAMES = {
    "A": gettext_noop("Concentrate here"),
    "B": gettext_noop("Keep up the good work"),
    "C": gettext_noop("Low priority"),
    "D": gettext_noop("Possible overkill"),
}
QUADRANT_ROMAN = {"A": "I", "B": "II", "C": "III", "D": "IV"}


def quadrant_name(letter: str | None, lang: str | None) -> str:
    """The name of quadrant ``letter`` in ``lang`` ("" for none)."""
    name = QUADRANT_NAMES.get(letter or "")
    return i18n.gettext(name, lang) if name else ""


# {letter: {"id": ..., "en": ..., "roman": ...}} as before, now read from the catalogue
QUADRANTS: dict[str, dict[str, str]] = {
    letter: {**{lang: quadrant_name(letter, lang) for lang in i18n.LANGUAGES}, "roman": roman}
    for letter, roman in QUADRANT_ROMAN.items()
}


def quadrant(importance: Fraction, performance: Fraction, y: Fraction, x: Fraction) -> str:
    """Quadrant letter; on the crosshair counts as high."""
    high_importance = importance >= y
    high_performance = performance >= x
    if high_importance:
        return "B" if high_performance else "A"
    return "D" if high_performance else "C"


@dataclass(frozen=True)
class IpaItem:
    n: int
    importance: Fraction | None
    performance: Fraction | None
    conformity: Fraction | None
    quadrant: str | None
    on_boundary: bool

    def as_dict(self) -> dict[str, Any]:
        labels = QUADRANTS.get(self.quadrant or "", {})
        return {
            "n": self.n,
            "importance": _float(self.importance),
            "performance": _float(self.performance),
            "conformity": _float(self.conformity),
            "quadrant": self.quadrant,
            "quadrant_label": {"id": labels["id"], "en": labels["en"]} if labels else None,
            "on_boundary": self.on_boundary,
        }


@dataclass(frozen=True)
class IpaResult:
    axis_kind: Axis
    importance_axis: Fraction | None
    performance_axis: Fraction | None
    items: dict[str, IpaItem]
    notes: list[str] = field(default_factory=list)

    def priorities(self) -> list[str]:
        """Items by conformity, lowest first (the first priority for improvement)."""
        scored = [(v.conformity, k) for k, v in self.items.items() if v.conformity is not None]
        return [k for _, k in sorted(scored)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "axis": {
                "kind": self.axis_kind,
                "importance": _float(self.importance_axis),
                "performance": _float(self.performance_axis),
            },
            "items": {k: v.as_dict() for k, v in self.items.items()},
            "priorities": self.priorities(),
            "notes": list(self.notes),
        }


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def ipa(
    importance: Matrix,
    performance: Matrix,
    items: list[str],
    *,
    scale: tuple[int, int],
    axis: Axis = "mean",
) -> IpaResult:
    """IPA of paired matrices (respondents x items, ``NaN`` = not answered).

    >>> import numpy as np
    >>> imp = np.array([[5.0, 3.0], [5.0, 3.0]]); perf = np.array([[2.0, 4.0], [3.0, 4.0]])
    >>> r = ipa(imp, perf, ["K1", "K2"], scale=(1, 5))
    >>> r.items["K1"].quadrant, r.items["K2"].quadrant, float(r.items["K1"].conformity)
    ('A', 'D', 50.0)
    """
    return ipa_from_totals(pair_totals(importance, performance), items, scale=scale, axis=axis)


def ipa_from_totals(
    totals: list[PairTotals],
    items: list[str],
    *,
    scale: tuple[int, int],
    axis: Axis = "mean",
) -> IpaResult:
    """IPA from each item's :class:`~prima.metrics.paired.PairTotals` (the whole computation)."""
    if axis not in ("mean", "midpoint"):
        raise ValueError("axis must be 'mean' or 'midpoint'")
    notes: list[str] = []
    means: dict[str, tuple[Fraction, Fraction]] = {}
    for item, t in zip(items, totals, strict=True):
        if t.mean_e is None or t.mean_p is None:
            notes.append(Note(NOTE_ITEM_UNANSWERED, ITEM_UNANSWERED, item=item))
        else:
            means[item] = (t.mean_e, t.mean_p)
    y: Fraction | None
    x: Fraction | None
    if axis == "midpoint":
        y = x = Fraction(scale[0] + scale[1], 2)
    elif means:
        y = sum((m[0] for m in means.values()), Fraction(0)) / len(means)
        x = sum((m[1] for m in means.values()), Fraction(0)) / len(means)
    else:
        y = x = None
    place = len(means) >= 2 and x is not None and y is not None
    if not place:
        notes.append(Note(NOTE_NO_QUADRANTS, NO_QUADRANTS))
    result: dict[str, IpaItem] = {}
    for item, t in zip(items, totals, strict=True):
        if item not in means:
            result[item] = IpaItem(t.n, None, None, None, None, False)
            continue
        imp, perf = means[item]
        conformity = Fraction(100 * t.sum_p, t.sum_e) if t.sum_e else None
        q = None
        boundary = False
        if place and x is not None and y is not None:
            q = quadrant(imp, perf, y, x)
            boundary = imp == y or perf == x
        result[item] = IpaItem(t.n, imp, perf, conformity, q, boundary)
    return IpaResult(axis, y, x, result, notes)
