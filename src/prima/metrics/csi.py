"""Customer Satisfaction Index (Indonesian practice after Aritonang, *Riset Pemasaran*, 2005).

From ``shared/domain/methods.md`` section 4, per attribute over the respondents who answered both:

- MIS = mean importance, MSS = mean satisfaction (performance);
- WF = MIS / sum of all MIS, shown in percent (sums to 100);
- WS = WF x MSS (WF in percent);
- CSI = sum of WS / HS, in percent, HS = the top of the scale (5 on 1-5).

Bands, half-open: [81, 100] Sangat Puas; [66, 81) Puas; [51, 66) Cukup Puas;
[35, 51) Kurang Puas; [0, 35) Tidak Puas. A CSI above 100% is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from prima.i18n import gettext_noop
from prima.metrics.notes import Note
from prima.metrics.paired import Matrix, PairTotals, pair_totals

# notes (codes, and English msgids of the catalogue; prima.metrics.notes)
ITEM_LEFT_OUT = "csi.item_left_out"
UNDEFINED = "csi.undefined"
NOTE_ITEM_LEFT_OUT = gettext_noop("%(item)s: no respondent answered both sides, left out")
NOTE_UNDEFINED = gettext_noop("no importance answers: CSI undefined")

BANDS: tuple[tuple[int, str, str], ...] = (
    (81, "Sangat Puas", "Very satisfied"),
    (66, "Puas", "Satisfied"),
    (51, "Cukup Puas", "Fairly satisfied"),
    (35, "Kurang Puas", "Less than satisfied"),
    (0, "Tidak Puas", "Not satisfied"),
)


def category(csi_percent: Fraction | float) -> tuple[str, str]:
    """Indonesian and English label of a CSI in percent (half-open bands)."""
    value = Fraction(csi_percent)
    if value < 0 or value > 100:
        raise ValueError(f"CSI {float(value):g}% is outside 0-100")
    for lower, label_id, label_en in BANDS:
        if value >= lower:
            return label_id, label_en
    raise AssertionError("unreachable: the last band starts at 0")


@dataclass(frozen=True)
class CsiItem:
    n: int
    mis: Fraction
    mss: Fraction
    wf: Fraction  # percent
    ws: Fraction

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mis": float(self.mis),
            "mss": float(self.mss),
            "wf": float(self.wf),
            "ws": float(self.ws),
        }


@dataclass(frozen=True)
class CsiResult:
    csi: Fraction | None
    category: str | None
    category_en: str | None
    top_of_scale: int
    items: dict[str, CsiItem]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "csi": None if self.csi is None else float(self.csi),
            "category": self.category,
            "category_en": self.category_en,
            "top_of_scale": self.top_of_scale,
            "items": {k: v.as_dict() for k, v in self.items.items()},
            "notes": list(self.notes),
        }


def csi(importance: Matrix, performance: Matrix, items: list[str], *, top: int) -> CsiResult:
    """CSI of paired matrices; ``top`` is HS, the highest answer of the scale.

    >>> import numpy as np
    >>> imp = np.array([[4.0, 2.0]]); perf = np.array([[5.0, 3.0]])
    >>> r = csi(imp, perf, ["A", "B"], top=5)
    >>> float(r.items["A"].wf), float(r.csi), r.category
    (66.66666666666667, 86.66666666666667, 'Sangat Puas')
    """
    return csi_from_totals(pair_totals(importance, performance), items, top=top)


def csi_from_totals(totals: list[PairTotals], items: list[str], *, top: int) -> CsiResult:
    """CSI from each item's :class:`~prima.metrics.paired.PairTotals` (the whole computation)."""
    notes: list[str] = []
    present: dict[str, tuple[int, Fraction, Fraction]] = {}
    for item, t in zip(items, totals, strict=True):
        if t.mean_e is None or t.mean_p is None:
            notes.append(Note(NOTE_ITEM_LEFT_OUT, ITEM_LEFT_OUT, item=item))
        else:
            present[item] = (t.n, t.mean_e, t.mean_p)
    total_mis = sum((m[1] for m in present.values()), Fraction(0))
    if not present or total_mis == 0:
        notes.append(Note(NOTE_UNDEFINED, UNDEFINED))
        return CsiResult(None, None, None, top, {}, notes)
    result: dict[str, CsiItem] = {}
    for item, (n, mis, mss) in present.items():
        wf = mis / total_mis * 100
        result[item] = CsiItem(n, mis, mss, wf, wf * mss)
    value = sum((i.ws for i in result.values()), Fraction(0)) / top
    label_id, label_en = category(value)
    return CsiResult(value, label_id, label_en, top, result, notes)
