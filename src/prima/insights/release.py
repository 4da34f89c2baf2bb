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
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prima import summaries
from prima.insights import rollups
from prima.insights.periods import Period
from prima.insights.results import results_of
from prima.metrics.disclosure import Decision, Group, Plan, band, plan, unit_tree
from prima.metrics.gap import gap_stats
from prima.metrics.nps import nps_from_counts
from prima.organizations.models import Unit
from prima.summaries import _distribution, _group
from prima.surveys.models import Survey

ROOT = "organization"
"""The id of the release's root group: the whole organization (every top unit below it)."""


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


def release_of(survey: Survey, period: Period | None) -> Release:
    """The release of ``survey`` for ``period`` (None: all its responses), with the
    organization's threshold (``Organization.disclosure_threshold``)."""
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


def scope_group(release: Release, visible: Iterable[Unit], whole: bool) -> Shown:
    """The decision for a viewer's whole scope (no unit chosen): the organization for an
    organization-wide role; a unit manager's unit; for several subtrees their union, shown only
    when each of them is (a sum of shown groups is itself derivable, nothing more)."""
    if whole:
        return _of(release.decision(None))
    units = list(visible)
    ids = {u.pk for u in units}
    tops = [u.pk for u in units if u.parent_id not in ids]
    if len(tops) == 1:
        return _of(release.decision(tops[0]))
    decisions = [release.decision(u) for u in tops]
    if decisions and all(d.shown for d in decisions):
        return Shown(True, sum(int(d.n or 0) for d in decisions), None)
    total = sum(int(release.group_vector(u)[0]) for u in tops)
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
    is that of a customer survey, with ``"n"`` and ``"suppressed": false``; the profile counts
    (a breakdown that crosses the unit tree) are ``null`` for every group.
    """
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
        vector_of = lambda: release.group_vector(unit.pk)  # noqa: E731
    else:
        units = list(visible)
        shown = scope_group(release, units, whole)
        ids = {u.pk for u in units}
        vector_of = lambda: (  # noqa: E731
            release.group_vector(None) if whole else release.vector(ids)
        )
    if not shown.shown:
        return suppressed_results(
            survey, layout, shown.count, unit=unit, service=None, period=period
        )
    out = results_of(survey, layout, vector_of(), unit=unit, period=period)
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

    Employee survey: from the release (a hidden unit: n the band or null, no numbers). Customer
    survey: every unit with its count and numbers (no threshold applies)."""
    units = sorted(visible, key=lambda u: u.path)
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
            gap, enps = headline_of(layout, release.group_vector(u.pk))
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
    "ROOT",
    "Release",
    "Shown",
    "employee_results",
    "headline_of",
    "release_of",
    "scope_group",
    "suppressed_results",
    "unit_rows",
]
