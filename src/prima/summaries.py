"""Whole-number summaries of survey answers that add up: the unit of per-period rollups.

A summary is one vector of integers per group of responses, laid out by the instrument
(:class:`Layout`): the counts of each answer per question, the paired totals per item and the
gap totals per item, dimension and overall (:class:`prima.metrics.paired.GroupTotals`), the
totals of complete IKM respondents, and the respondent profile counts. The summary of a union
of groups is the sum of their vectors, so a year is the sum of its months, and a unit subtree
the sum of its units.

:func:`reports` turns a vector into the objects that ``prima analyze <method> --json`` prints,
through the same ``*_from_totals`` functions of :mod:`prima.metrics` that the analyses of a
file use: the numbers agree with ``prima analyze`` on an export to the last bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima import analysis
from prima.instruments import Instrument
from prima.instruments.questions import EXPECTATION, PERFORMANCE, Question, questions
from prima.metrics.ikm import respondent_totals
from prima.metrics.paired import GROUP_FIELDS, GroupTotals, PairTotals, respondent_pairs

Vector = NDArray[np.int64]

AGE_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, 19),
    (20, 29),
    (30, 39),
    (40, 49),
    (50, 59),
    (60, None),
)
"""Age groups of the SKM respondent profile table."""

ENPS = "enps"
"""The id of a paired instrument's item asked once that is an employee Net Promoter question
(0-10, "would you recommend this workplace"): its answers give the method ``enps``, computed
with :func:`prima.metrics.nps.nps_from_counts` like a customer NPS."""

NOT_ANSWERED = "-"
"""Profile key of the respondents who left a field blank."""


def age_label(low: int | None, high: int | None) -> str:
    if low is None:
        return f"Di bawah {high + 1} tahun" if high is not None else "-"
    if high is None:
        return f"{low} tahun ke atas"
    return f"{low}–{high} tahun"


def age_band(value: Any) -> str | None:
    """The label of the age group of ``value``; None for a blank or non-number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    for low, high in AGE_BANDS:
        if (low is None or value >= low) and (high is None or value <= high):
            return age_label(low, high)
    return None  # pragma: no cover - the bands cover every number


def supported_methods(instrument: Instrument) -> list[str]:
    """The analyses an instrument's answers support, in display order."""
    keys = {i.id for i in instrument.items}
    if instrument.kind == "ikm":
        return ["ikm"]
    if instrument.kind == "paired":
        methods = ["gap", "ipa", "csi"]
        if instrument.name.startswith("servqual"):
            methods.insert(1, "servqual")
        if ENPS in {i.id for i in instrument.once_items}:
            methods.append(ENPS)
        return methods
    return ["nps"] if "nps" in keys else []


@dataclass
class Layout:
    """Where each total sits in an instrument's summary vector."""

    instrument: Instrument
    questions: list[Question]
    keys: list[str]  # answer keys, the columns of the answers matrix
    size: int = 1  # slot 0: number of responses
    distributions: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """question key -> (first slot, lowest answer, highest answer): counts of each answer."""
    ikm_codes: list[str] = field(default_factory=list)
    ikm_respondents: int = -1
    ikm_complete: int = -1  # 3 slots: n, sum of totals, sum of squared totals
    items: list[str] = field(default_factory=list)
    pairs: dict[str, tuple[int, int]] = field(default_factory=dict)  # item -> (E col, P col)
    pair_slots: int = -1  # 3 slots per item: n, sum E, sum P
    groups: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    """``item:<id>``, ``dim:<name>``, ``overall`` -> (first slot, member items)."""
    profile: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    """profile field -> (first slot, keys incl. :data:`NOT_ANSWERED`)."""
    age_fields: set[str] = field(default_factory=set)  # integer fields, counted by age group

    def take(self, count: int) -> int:
        first = self.size
        self.size += count
        return first

    @property
    def scale(self) -> tuple[int, int]:
        return self.instrument.scale


def layout_for(instrument: Instrument) -> Layout:
    """The summary layout of an instrument (fixed for an instrument version)."""
    from prima.surveys.profile import profile_fields

    qs = questions(instrument)
    layout = Layout(instrument, qs, [q.key for q in qs])
    if instrument.kind == "paired":
        by_key = {q.key: j for j, q in enumerate(qs)}
        for item in instrument.items:
            layout.items.append(item.id)
            layout.pairs[item.id] = (
                by_key[f"{item.id}.{EXPECTATION}"],
                by_key[f"{item.id}.{PERFORMANCE}"],
            )
        layout.pair_slots = layout.take(3 * len(layout.items))
        groups = {f"item:{i}": [i] for i in layout.items}
        groups.update({f"dim:{d}": m for d, m in instrument.dimensions().items()})
        groups["overall"] = list(layout.items)
        for name, members in groups.items():
            layout.groups[name] = (layout.take(len(GROUP_FIELDS) * len(members)), members)
        for q in qs:  # the items asked once (eNPS): counts of each answer
            if q.side is None:
                layout.distributions[q.key] = (layout.take(q.max - q.min + 1), q.min, q.max)
    else:
        for q in qs:
            layout.distributions[q.key] = (layout.take(q.max - q.min + 1), q.min, q.max)
        if instrument.kind == "ikm":
            layout.ikm_codes = [item.column for item in instrument.items]
            layout.ikm_respondents = layout.take(1)
            layout.ikm_complete = layout.take(3)
    for f in profile_fields(instrument):
        if f["type"] == "integer":
            layout.age_fields.add(f["id"])
            keys = [age_label(lo, hi) for lo, hi in AGE_BANDS]
        else:
            keys = [str(k) for k in f.get("options", {})]
        keys.append(NOT_ANSWERED)
        layout.profile[f["id"]] = (layout.take(len(keys)), keys)
    return layout


def answers_matrix(layout: Layout, answers: list[dict[str, Any]]) -> NDArray[np.float64]:
    """Responses x answer keys, ``NaN`` where a question was not answered."""
    nan = float("nan")
    rows = [
        [v if isinstance(v, int | float) and not isinstance(v, bool) else nan for v in row]
        for row in ([a.get(k) for k in layout.keys] for a in answers)
    ]
    return np.array(rows, dtype=np.float64).reshape(len(answers), len(layout.keys))


def summary_rows(
    layout: Layout, answers: list[dict[str, Any]], profiles: list[dict[str, Any]] | None = None
) -> NDArray[np.int64]:
    """Responses x slots: each response's own summary (its vector if it were alone).

    Any group's summary is the sum of its rows, so many groups (the buckets of a fold) are
    summed from one matrix with ``np.add.at`` instead of one pass per group.
    """
    n = len(answers)
    out = np.zeros((n, layout.size), dtype=np.int64)
    out[:, 0] = 1
    if n == 0:
        return out
    rows = np.arange(n)
    matrix = answers_matrix(layout, answers)
    for j, key in enumerate(layout.keys):
        if key in layout.distributions:
            first, low, _high = layout.distributions[key]
            column = matrix[:, j]
            given = ~np.isnan(column)
            out[rows[given], first + column[given].astype(np.int64) - low] = 1
    if layout.ikm_codes:
        block = matrix[:, [layout.keys.index(c) for c in layout.ikm_codes]]
        out[:, layout.ikm_respondents] = ~np.isnan(block).all(axis=1)
        complete, totals = respondent_totals(block)
        c = layout.ikm_complete
        out[:, c] = complete
        out[:, c + 1] = np.where(complete, totals, 0)
        out[:, c + 2] = np.where(complete, totals * totals, 0)
    if layout.items:
        e = matrix[:, [layout.pairs[i][0] for i in layout.items]]
        p = matrix[:, [layout.pairs[i][1] for i in layout.items]]
        index = {item: j for j, item in enumerate(layout.items)}
        fields = len(GROUP_FIELDS)
        for name, (first, members) in layout.groups.items():
            r = respondent_pairs(e, p, [index[m] for m in members])
            if name.startswith("item:"):  # an item's own pair totals: n, sum E, sum P
                base = layout.pair_slots + 3 * index[members[0]]
                out[:, base], out[:, base + 1], out[:, base + 2] = r.k, r.sum_e, r.sum_p
            who = rows[r.k > 0]
            d = r.d[who]
            at = first + (r.k[who] - 1) * fields
            for offset, values in enumerate(
                (1, r.sum_e[who], r.sum_p[who], d, d * d, d < 0, d == 0, d > 0)
            ):
                out[who, at + offset] = values
    profile_rows = profiles if profiles is not None else [{}] * n
    for key, (first, keys) in layout.profile.items():
        slot = {k: first + i for i, k in enumerate(keys)}
        blank_slot = slot[NOT_ANSWERED]
        ages = key in layout.age_fields
        where = np.empty(n, dtype=np.int64)
        for i, profile in enumerate(profile_rows):
            value = profile.get(key) if isinstance(profile, dict) else None
            label = age_band(value) if ages else value
            where[i] = slot.get(label, blank_slot) if isinstance(label, str) else blank_slot
        out[rows, where] = 1
    return out


def summarize(
    layout: Layout, answers: list[dict[str, Any]], profiles: list[dict[str, Any]] | None = None
) -> Vector:
    """The summary vector of a group of responses (their answers and profiles)."""
    total: Vector = summary_rows(layout, answers, profiles).sum(axis=0)
    return total


def _group(layout: Layout, vector: Vector, name: str) -> GroupTotals:
    first, members = layout.groups[name]
    width = len(GROUP_FIELDS)
    block = vector[first : first + width * len(members)].reshape(len(members), width)
    return GroupTotals(tuple(tuple(int(v) for v in row) for row in block))


def _distribution(layout: Layout, vector: Vector, key: str) -> dict[int, int]:
    first, low, high = layout.distributions[key]
    return {low + i: int(c) for i, c in enumerate(vector[first : first + high - low + 1])}


def pair_totals_of(layout: Layout, vector: Vector) -> list[PairTotals]:
    block = vector[layout.pair_slots : layout.pair_slots + 3 * len(layout.items)]
    return [PairTotals(int(n), int(e), int(p)) for n, e, p in block.reshape(-1, 3)]


def reports(layout: Layout, vector: Vector) -> dict[str, Any]:
    """``{method: <the object prima analyze <method> --json prints>}`` for the instrument's
    methods (:func:`supported_methods`)."""
    from prima.metrics.csi import csi_from_totals
    from prima.metrics.gap import performance_gap_from_totals
    from prima.metrics.ikm import ikm_from_totals
    from prima.metrics.ipa import ipa_from_totals
    from prima.metrics.nps import nps_from_counts
    from prima.metrics.servqual import servqual_from_totals

    inst = layout.instrument
    scale = inst.scale
    out: dict[str, Any] = {}
    for method in supported_methods(inst):
        if method == "ikm":
            sums, counts = [], []
            for code in layout.ikm_codes:
                dist = _distribution(layout, vector, code)
                sums.append(sum(v * c for v, c in dist.items()))
                counts.append(sum(dist.values()))
            c = layout.ikm_complete
            ikm_result = ikm_from_totals(
                layout.ikm_codes,
                sums,
                counts,
                respondents=int(vector[layout.ikm_respondents]),
                standard=analysis.ikm_standard(inst),
                complete=(int(vector[c]), int(vector[c + 1]), int(vector[c + 2])),
            )
            out["ikm"] = analysis.ikm_report(ikm_result, inst, scale)
        elif method == "gap":
            dims = inst.dimensions()
            gap_result = performance_gap_from_totals(
                {i: _group(layout, vector, f"item:{i}") for i in layout.items},
                {d: _group(layout, vector, f"dim:{d}") for d in dims},
                _group(layout, vector, "overall"),
                grouped=bool(dims),
            )
            out["gap"] = analysis.gap_report(gap_result, inst, scale)
        elif method == "servqual":
            dims = inst.dimensions()
            sq_result = servqual_from_totals({d: _group(layout, vector, f"dim:{d}") for d in dims})
            out["servqual"] = analysis.servqual_report(sq_result, inst, scale)
        elif method == "ipa":
            ipa_result = ipa_from_totals(pair_totals_of(layout, vector), layout.items, scale=scale)
            out["ipa"] = analysis.ipa_report(ipa_result, scale)
        elif method == "csi":
            csi_result = csi_from_totals(pair_totals_of(layout, vector), layout.items, top=scale[1])
            out["csi"] = analysis.csi_report(csi_result, scale)
        elif method in ("nps", ENPS):  # eNPS: the same formula on the employees' 0-10 answers
            dist = _distribution(layout, vector, method)
            nps_result = nps_from_counts(
                sum(c for v, c in dist.items() if v >= 9),
                sum(c for v, c in dist.items() if 7 <= v <= 8),
                sum(c for v, c in dist.items() if v <= 6),
            )
            out[method] = analysis.nps_report(nps_result, column=method)
    return out


def profile_counts(layout: Layout, vector: Vector) -> dict[str, dict[str, int]]:
    """``{field: {option key or age group: count, "-": blank}}``."""
    return {
        key: {k: int(vector[first + i]) for i, k in enumerate(keys)}
        for key, (first, keys) in layout.profile.items()
    }


def distributions(layout: Layout, vector: Vector) -> dict[str, dict[int, int]]:
    """``{question key: {answer: count}}`` of the single-answer questions."""
    return {key: _distribution(layout, vector, key) for key in layout.distributions}
