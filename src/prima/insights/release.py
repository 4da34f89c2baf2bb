"""The release of an employee survey: what its results may show for one period (issue 12).

``docs/disclosure.md`` ("One release per survey and period"): the respondents per unit of the
**whole organization** in the period make one unit tree (:func:`prima.metrics.disclosure.unit_tree`,
the organization as its root, each unit counted with its subtree, a unit's own staff as its own
subgroup) and :func:`prima.metrics.disclosure.plan` with the organization's threshold k decides,
once, which groups are shown. Every surface (the results API, its units list, the dashboard and
the survey list of ``/app/``) reads its decisions from that release, whatever the viewer's
subtree: a unit shown to one viewer is shown to every viewer who may see it, a hidden one to
none. The shown groups then form a tree whose leaves partition the organization's respondents,
so nothing can be derived by subtraction within one period (the module docstring of
:mod:`prima.metrics.disclosure` gives the rules and the guarantee).

One read of the unit-level rollups per release (:func:`prima.insights.rollups.totals` by unit):
every group's summary vector is the sum of its units' vectors, so a shown group's numbers are
those of ``results?unit=`` by construction.

**Periods** (issue 12, point 3, across the period dimension): an employee survey is released per
calendar quarter (``2026-Q3``) and in no other period. Quarters are disjoint, so their
respondents are different people and nothing of one quarter can be derived from others; a year,
semester, month, free date range or "all periods" would overlap quarters (the year minus three
shown quarters gives the fourth) and is refused (:func:`release_period`: the API answers 400,
the dashboard offers quarters only and says why). Without a period a surface reads the quarter
of the survey's latest response (:func:`default_quarter`). Surfaces that are asked about another
period on their own terms (the triple-win scorecard, alerts) read the quarter that holds the
period's last day (:func:`quarter_holding`) and name it.

**Figures with their own count** (optional items): within a shown group, an item's figures
count only those who answered it, a dimension's or the overall gap's those who answered at
least one of its pairs, the eNPS those who answered it. Each such figure goes through the same
rule per figure (:func:`prima.metrics.disclosure.figure_plans` over the shown groups and pools):
it is shown in a group only with at least k answerers and no remainder of 1..k-1 answerers
against its shown subgroups; elsewhere its object carries ``"suppressed": true`` and no number
(:func:`mask_results`). IPA and CSI are computed over the items shown in the group (a hidden
item would follow from the axis, the mean of the item means, by subtraction). The dimension and
overall figures are means of each respondent's mean over the pairs they answered, not sums of
the item figures, so a hidden item cannot be recovered from them by adding and subtracting
figures; that nonlinear route is not audited further.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from prima import summaries
from prima.insights import rollups
from prima.insights.periods import Period, parse_period
from prima.insights.results import results_of
from prima.metrics.disclosure import (
    Decision,
    Group,
    Plan,
    band,
    cells,
    figure_plans,
    figure_shown,
    plan,
    unit_tree,
)
from prima.metrics.gap import gap_stats
from prima.metrics.nps import nps_from_counts
from prima.metrics.paired import GROUP_FIELDS
from prima.organizations.models import Unit
from prima.summaries import _distribution, _group
from prima.surveys.models import Survey

ROOT = "organization"
"""The id of the release's root group: the whole organization (every top unit below it)."""

_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")

PERIOD_REFUSED = (
    "an employee survey is released per quarter (e.g. 2026-Q3), so that no period can be "
    "worked out by subtracting others (a year minus its quarters): %(period)s is refused"
)


class PeriodRefused(ValueError):
    """A period an employee survey is not released in (not a calendar quarter)."""


def quarter_of(day: date) -> Period:
    """The calendar quarter that holds ``day``."""
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def is_quarter(period: Period | None) -> bool:
    """Whether ``period`` is a whole calendar quarter (``2026-Q3``)."""
    return (
        period is not None
        and bool(_QUARTER.match(period.label))
        and parse_period(period.label) == period
    )


def release_period(period: Period | None, survey: Survey | None = None) -> Period:
    """The period an employee survey's results are asked for, checked: a quarter as it is;
    none: :func:`default_quarter` of ``survey`` (the current quarter without one); any other
    period (year, semester, month, date range) raises :class:`PeriodRefused`."""
    if period is None:
        return default_quarter(survey) if survey is not None else quarter_of(timezone.localdate())
    if not is_quarter(period):
        raise PeriodRefused(PERIOD_REFUSED % {"period": period.label})
    return period


def default_quarter(survey: Survey) -> Period:
    """The quarter of the survey's latest response (the current quarter before the first)."""
    from prima.surveys.models import Response

    last = (
        Response.objects.filter(survey=survey)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return quarter_of(timezone.localdate(last) if last is not None else timezone.localdate())


def quarter_holding(period: Period) -> Period:
    """The quarter that holds the last day of ``period`` (the period itself when it is one):
    what the scorecard and the alerts read of an employee survey for another period."""
    return period if is_quarter(period) else quarter_of(period.end - timedelta(days=1))


@dataclass
class Release:
    """The decisions of one employee survey and period, with each unit's own summary vector."""

    survey: Survey
    period: Period | None
    k: int
    plan: Plan
    tree: Group
    parents: dict[int, int | None]  # every unit of the organization
    own: dict[int, np.ndarray]  # the unit's own respondents' summary (not its subtree)
    width: int
    _subtrees: dict[int, list[int]] = field(default_factory=dict)
    _figures: dict[Hashable, Plan] | None = None

    @property
    def figures(self) -> dict[Hashable, Plan]:
        """Per figure with its own count (``item:X``, ``dim:D``, ``overall``, ``enps``), its
        plan over the shown groups and pools (:func:`prima.metrics.disclosure.figure_plans`)."""
        if self._figures is None:
            layout = rollups.layout_of(self.survey.instrument_version)
            per_cell = {
                cell: (cell[0] if isinstance(cell, tuple) else cell) for cell in cells(self.tree)
            }
            answered = [c for c, u in per_cell.items() if u in self.own]
            keys = figure_keys(layout)
            if answered:
                block = np.stack([self.own[per_cell[c]] for c in answered])
                table = figure_counts(layout, block, keys)
            else:
                table = np.zeros((0, len(keys)), dtype=np.int64)
            counts = {
                key: {c: int(table[i, j]) for i, c in enumerate(answered)}
                for j, key in enumerate(keys)
            }
            self._figures = figure_plans(self.tree, self.plan, counts)
        return self._figures

    def hidden(self, *node_ids: Hashable) -> set[str]:
        """The figures hidden in a shown group (``None``: the organization; a pool:
        ``("pool", parent)``); for several groups (a viewer's subtrees), hidden in any."""
        nodes = [ROOT if n is None else n for n in node_ids]
        return {
            str(key)
            for key in self.figures
            if not all(figure_shown(self.figures, key, n) for n in nodes)
        }

    def decision(self, unit_id: int | None) -> Decision:
        """The decision of a unit's group (with its subtree); ``None``: the organization."""
        return self.plan[ROOT if unit_id is None else unit_id]

    def subtree(self, unit_id: int) -> list[int]:
        """The unit and every unit below it."""
        if not self._subtrees:
            children: dict[int, list[int]] = {u: [] for u in self.parents}
            for u, p in self.parents.items():
                if p is not None:
                    children[p].append(u)

            def walk(u: int) -> list[int]:
                out = [u]
                for c in children[u]:
                    out.extend(walk(c))
                return out

            for u in self.parents:
                self._subtrees[u] = walk(u)
        return self._subtrees[unit_id]

    def vector(self, unit_ids: Iterable[int]) -> np.ndarray:
        """The summary vector of the respondents of these units (each unit alone)."""
        out = np.zeros(self.width, dtype=np.int64)
        for u in unit_ids:
            if u in self.own:
                out = out + self.own[u]
        return out

    def group_vector(self, unit_id: int | None) -> np.ndarray:
        """The summary vector of a unit with its subtree (``None``: the organization)."""
        if unit_id is None:
            return self.vector(self.parents)
        return self.vector(self.subtree(unit_id))

    def pool(self, unit_id: int | None) -> tuple[int, np.ndarray] | None:
        """The shown pool ("unit lain") of a shown unit: its count and summary vector (the
        respondents of its hidden subgroups and its own staff when those are not shown apart),
        or None when it has none."""
        key: Hashable = ROOT if unit_id is None else unit_id
        found = self.plan.pools.get(key)
        if found is None:
            return None
        units: list[int] = []
        for member in found.members:
            if isinstance(member, tuple):  # (unit, "own"): the unit's own staff
                units.append(member[0])
            else:
                units.extend(self.subtree(int(member)))
        if found.rest and unit_id is not None:
            units.append(unit_id)
        return found.n, self.vector(units)


def figure_keys(layout: summaries.Layout) -> list[str]:
    """The figures of an instrument that count their own answerers (see the module docstring)."""
    return [*layout.groups, *layout.distributions]


def figure_counts(layout: summaries.Layout, vectors: np.ndarray, keys: list[str]) -> np.ndarray:
    """How many respondents each figure counts (columns, in ``keys`` order) in each summary
    vector (rows): a paired group's respondents with at least one pair (its ``n`` slots, one
    per number of pairs answered), a question's answers."""
    width = len(GROUP_FIELDS)
    columns = []
    for key in keys:
        if key in layout.groups:
            first, members = layout.groups[key]
            slots = [first + r * width for r in range(len(members))]
        else:
            first, low, high = layout.distributions[key]
            slots = list(range(first, first + high - low + 1))
        columns.append(vectors[:, slots].sum(axis=1))
    return np.stack(columns, axis=1) if columns else np.zeros((len(vectors), 0), np.int64)


def masked_vector(layout: summaries.Layout, vector: np.ndarray, hidden: set[str]) -> np.ndarray:
    """``vector`` with the totals of the hidden figures zeroed (an item's pair totals too, so
    that IPA and CSI are computed over the items shown)."""
    out = np.array(vector, copy=True)
    width = len(GROUP_FIELDS)
    for key in hidden:
        if key in layout.groups:
            first, members = layout.groups[key]
            out[first : first + width * len(members)] = 0
            if key.startswith("item:"):
                at = layout.pair_slots + 3 * layout.items.index(key[5:])
                out[at : at + 3] = 0
        elif key in layout.distributions:
            first, low, high = layout.distributions[key]
            out[first : first + high - low + 1] = 0
    return out


def _hidden_stats(stats: dict[str, Any]) -> dict[str, Any]:
    return {**dict.fromkeys(stats), "suppressed": True}


def mask_results(
    out: dict[str, Any], hidden: set[str], layout: summaries.Layout | None = None
) -> dict[str, Any]:
    """Mark the figures of a results object (computed from :func:`masked_vector`): every item,
    dimension and overall object of ``gap``, every item of ``ipa`` and ``csi``, and ``enps``
    get ``"suppressed"``; a hidden one has no number. Notes about hidden figures are dropped.
    The ``ikm`` (of an organization's own IKM-kind employee instrument) and ``nps`` objects are
    one figure over several answers: hidden whole (every number null, ``"suppressed": true``)
    when one of its questions is hidden."""
    for method, keys in (
        ("ikm", layout.ikm_codes if layout is not None else []),
        ("nps", ["nps"]),
    ):
        found = out.get(method)
        if isinstance(found, dict):
            hide = any(k in hidden for k in keys)
            keep = {"method", "column", "scale", "standard"}
            out[method] = {
                **{k: (v if k in keep or not hide else None) for k, v in found.items()},
                "suppressed": hide,
            }

    def named(note: Any) -> bool:
        params = getattr(note, "params", {}) or {}
        return any(
            f"item:{params.get(k)}" in hidden or f"dim:{params.get(k)}" in hidden
            for k in ("item", "name")
        )

    gap = out.get("gap")
    if isinstance(gap, dict):
        for part, prefix in (("items", "item:"), ("dimensions", "dim:")):
            gap[part] = {
                key: _hidden_stats(v) if prefix + key in hidden else {**v, "suppressed": False}
                for key, v in gap[part].items()
            }
        hide = "overall" in hidden
        gap["overall"] = (
            _hidden_stats(gap["overall"]) if hide else {**gap["overall"], "suppressed": False}
        )
        if hide:
            gap["n"] = None
        gap["notes"] = [n for n in gap.get("notes", []) if not named(n)]
    for method in ("ipa", "csi"):
        found = out.get(method)
        if not isinstance(found, dict):
            continue
        items = found.get("items") or {}
        template = next(iter(items.values()), {"n": None})
        marked = {k: {**v, "suppressed": False} for k, v in items.items()}
        for key in sorted(h[5:] for h in hidden if h.startswith("item:")):
            marked[key] = _hidden_stats(template)
        found["items"] = marked
        found["notes"] = [n for n in found.get("notes", []) if not named(n)]
        if method == "ipa" and found.get("priorities") is not None:
            found["priorities"] = [p for p in found["priorities"] if f"item:{p}" not in hidden]
    enps = out.get(summaries.ENPS)
    if isinstance(enps, dict):
        keep = {"method", "column"}
        hide = summaries.ENPS in hidden
        out[summaries.ENPS] = {
            **{k: (v if k in keep or not hide else None) for k, v in enps.items()},
            "suppressed": hide,
        }
    return out


def shown_results(
    release: Release,
    node_ids: list[Hashable],
    vector: np.ndarray,
    *,
    unit: Unit | None = None,
    period: Period | None = None,
) -> dict[str, Any]:
    """The results object of shown groups (one, or a viewer's several subtrees) with the
    figures their counts hide marked (see the module docstring)."""
    layout = rollups.layout_of(release.survey.instrument_version)
    hidden = release.hidden(*node_ids)
    out = results_of(
        release.survey, layout, masked_vector(layout, vector, hidden), unit=unit, period=period
    )
    out["responses"] = int(vector[0])
    return mask_results(out, hidden, layout)


def release_of(survey: Survey, period: Period | None) -> Release:
    """The release of ``survey`` for ``period``, with the organization's threshold
    (``Organization.disclosure_threshold``). An employee survey is released per quarter only:
    any other period (None included) raises :class:`PeriodRefused`; a customer survey's
    "release" (no threshold) may be of any period, None for all its responses."""
    if survey.is_employee and not is_quarter(period):
        raise PeriodRefused(PERIOD_REFUSED % {"period": period.label if period else "all periods"})
    organization = survey.organization
    k = int(organization.disclosure_threshold)
    parents: dict[int, int | None] = dict(
        Unit.objects.filter(organization=organization).values_list("pk", "parent_id")
    )
    own = {
        u: v
        for u, v in rollups.totals(survey, period=period, by="unit").items()
        if u in parents and v[0]
    }
    tree_parents: dict[Hashable, Hashable | None] = {ROOT: None}
    tree_parents.update({u: (p if p is not None else ROOT) for u, p in parents.items()})
    counts = {u: int(v[0]) for u, v in own.items()}
    tree = unit_tree(tree_parents, counts, root=ROOT, own=True)
    width = rollups.layout_of(survey.instrument_version).size
    return Release(survey, period, k, plan(tree, k), tree, parents, own, width)


@dataclass(frozen=True)
class Shown:
    """What a surface may show of one group: its count (or band) and whether it is shown."""

    shown: bool
    n: int | None  # the count, only when shown
    band: str | None  # "<k" when the group's count is below k

    @property
    def count(self) -> int | str | None:
        """The API's ``n``: the count when shown, the band ``"<k"`` when below k, else None
        (a group hidden by complementary suppression has n >= k: "<k" would be false)."""
        return self.n if self.shown else self.band


def _of(decision: Decision) -> Shown:
    return Shown(decision.shown, decision.n, decision.band)


def scope_nodes(visible: Iterable[Unit], whole: bool) -> list[Hashable]:
    """The release's groups that make a viewer's whole scope: the organization, or the top
    units of the viewer's subtrees."""
    if whole:
        return [ROOT]
    units = list(visible)
    ids = {u.pk for u in units}
    return [u.pk for u in units if u.parent_id not in ids]


def scope_group(release: Release, visible: Iterable[Unit], whole: bool) -> Shown:
    """The decision for a viewer's whole scope (no unit chosen): the organization for an
    organization-wide role; a unit manager's unit; for several subtrees their union, shown only
    when each of them is (a sum of shown groups is itself derivable, nothing more)."""
    if whole:
        return _of(release.decision(None))
    tops = scope_nodes(visible, whole)
    if len(tops) == 1:
        return _of(release.decision(tops[0]))  # type: ignore[arg-type]
    decisions = [release.decision(u) for u in tops]  # type: ignore[arg-type]
    if decisions and all(d.shown for d in decisions):
        return Shown(True, sum(int(d.n or 0) for d in decisions), None)
    total = sum(int(release.group_vector(u)[0]) for u in tops)  # type: ignore[arg-type]
    return Shown(False, None, band(release.k) if total < release.k else None)


def suppressed_results(
    survey: Survey,
    layout: summaries.Layout,
    count: int | str | None,
    *,
    unit: Unit | None,
    service: Any,
    period: Period | None,
) -> dict[str, Any]:
    """The results object of a hidden group: the shape of :func:`results_of`, every number
    ``null``, ``"suppressed": true`` and ``n`` the band (or null)."""
    instrument = layout.instrument
    out: dict[str, Any] = {
        "survey": survey.code,
        "instrument": {"name": instrument.name, "version": survey.instrument_version.number},
        "unit": unit.pk if unit else None,
        "service": service.pk if service else None,
        "staff": None,
        "period": period.label if period else None,
        "responses": None,
    }
    out.update(dict.fromkeys(summaries.supported_methods(instrument)))
    if layout.profile:
        out["profile"] = None
    out.update({"n": count, "suppressed": True})
    return out


def employee_results(
    survey: Survey,
    *,
    unit: Unit | None,
    service: Any,
    period: Period | None,
    visible: Iterable[Unit],
    whole: bool,
) -> dict[str, Any]:
    """``results?unit=&service=&period=`` of an employee survey under the release.

    The group asked for is the unit with its subtree (none: the viewer's scope) in the period.
    A service filter selects a group outside the release (employees are not customers of a
    service, and their stored responses keep none): it is never shown. A shown group's object
    is that of a customer survey, with ``"n"`` and ``"suppressed": false``, each figure with its
    own ``"suppressed"`` (:func:`mask_results`); the profile counts (a breakdown that crosses
    the unit tree) are ``null`` for every group. The period is checked by
    :func:`release_period` (:class:`PeriodRefused` for anything but a quarter; none: the
    survey's latest quarter).
    """
    period = release_period(period, survey)
    release = release_of(survey, period)
    layout = rollups.layout_of(survey.instrument_version)
    if service is not None:
        n = int(
            rollups.totals(survey, unit=unit, service=service, period=period)[None][0]
        )  # 0: employee responses keep no service
        return suppressed_results(
            survey,
            layout,
            band(release.k) if n < release.k else None,
            unit=unit,
            service=service,
            period=period,
        )
    if unit is not None:
        shown = _of(release.decision(unit.pk))
        nodes: list[Hashable] = [unit.pk]
        vector_of = lambda: release.group_vector(unit.pk)  # noqa: E731
    else:
        units = list(visible)
        shown = scope_group(release, units, whole)
        nodes = scope_nodes(units, whole)
        ids = {u.pk for u in units}
        vector_of = lambda: (  # noqa: E731
            release.group_vector(None) if whole else release.vector(ids)
        )
    if not shown.shown:
        return suppressed_results(
            survey, layout, shown.count, unit=unit, service=None, period=period
        )
    out = shown_results(release, nodes, vector_of(), unit=unit, period=period)
    if "profile" in out:
        out["profile"] = None
    out.update({"n": out["responses"], "suppressed": False})
    return out


def headline_of(layout: summaries.Layout, vector: np.ndarray) -> tuple[Any, Any]:
    """The overall gap (with its interval and verdict) and the eNPS of a summary vector: the
    ``overall`` and ``enps``/``nps`` objects of :func:`prima.summaries.reports`, computed alone
    (the full report of every unit, with IPA and CSI, cost 20 ms a unit)."""
    methods = summaries.supported_methods(layout.instrument)
    gap_out = enps = None
    if "gap" in methods:
        o = gap_stats(_group(layout, vector, "overall"))
        if o.gap is not None:
            gap_out = {"gap": o.gap, "ci_low": o.ci_low, "ci_high": o.ci_high, "verdict": o.verdict}
    method = next((m for m in (summaries.ENPS, "nps") if m in methods), None)
    if method is not None:
        dist = _distribution(layout, vector, method)
        result = nps_from_counts(
            sum(c for v, c in dist.items() if v >= 9),
            sum(c for v, c in dist.items() if 7 <= v <= 8),
            sum(c for v, c in dist.items() if v <= 6),
        )
        if result.nps is not None:
            enps = {"nps": result.nps, "ci_low": result.ci_low, "ci_high": result.ci_high}
    return gap_out, enps


def unit_rows(survey: Survey, *, period: Period | None, visible: Iterable[Unit]) -> list[dict]:
    """``results/units?period=``: one row per unit the viewer may see (tree order), each with
    ``unit, parent, n, suppressed, gap, enps``; n counts the unit with its subtree.

    Employee survey: from the release of the quarter (:func:`release_period`; a hidden unit: n
    the band or null, no numbers; a shown unit's gap or eNPS null where that figure's own
    count hides it). Customer survey: every unit with its count and numbers (no threshold)."""
    units = sorted(visible, key=lambda u: u.path)
    if survey.is_employee:
        period = release_period(period, survey)
    release = release_of(survey, period)
    layout = rollups.layout_of(survey.instrument_version)
    rows = []
    for u in units:
        if survey.is_employee:
            shown = _of(release.decision(u.pk))
        else:
            n = int(release.group_vector(u.pk)[0])
            shown = Shown(True, n, None)
        gap = enps = None
        if shown.shown and shown.n:
            vector = release.group_vector(u.pk)
            if survey.is_employee:
                vector = masked_vector(layout, vector, release.hidden(u.pk))
            gap, enps = headline_of(layout, vector)
        rows.append(
            {
                "unit": u.pk,
                "parent": u.parent_id,
                "n": shown.count,
                "suppressed": not shown.shown,
                "gap": gap,
                "enps": enps,
            }
        )
    return rows


__all__ = [
    "PERIOD_REFUSED",
    "ROOT",
    "PeriodRefused",
    "Release",
    "Shown",
    "default_quarter",
    "employee_results",
    "figure_counts",
    "figure_keys",
    "headline_of",
    "is_quarter",
    "mask_results",
    "masked_vector",
    "quarter_holding",
    "quarter_of",
    "release_of",
    "release_period",
    "scope_group",
    "scope_nodes",
    "shown_results",
    "suppressed_results",
    "unit_rows",
]
