"""The dashboard of an employee survey under the confidentiality threshold (issue 12, point 3).

Every number, table and comment of the page comes from the survey's release for the chosen
period (:mod:`prima.insights.release`: one :func:`prima.metrics.disclosure.plan` for the whole
organization): the chosen group (a unit with its subtree, or the viewer's scope) shows its
results only when the release shows it, else its count band (``< k``) and nothing else; the
unit table lists the group's subgroups with the release's decisions, small units pooled as
"Unit lain" (other units) where the pool reaches k; comments only for a shown group (which
holds at least k), without unit, day or profile, in random order. There is no trend by month
(months of one period are subgroups outside the release), no service, staff or date-range filter
(groups that cross the unit tree), no response-level list and no export of answers. The
template only shows what :func:`employee_board` decided.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from prima.dashboard.board import Filters, _text, ipa_chart_of, ipa_groups, ipa_n, ipa_rows
from prima.insights import rollups
from prima.insights.periods import period_bounds
from prima.insights.release import ROOT, Release, Shown, headline_of, release_of, scope_group
from prima.insights.results import results_of
from prima.metrics.disclosure import Group
from prima.organizations.models import Unit
from prima.surveys.models import Response, Survey

MAX_COMMENTS = 100
"""Comments shown at most (a random sample of the group's, in random order)."""


@dataclass(frozen=True)
class UnitRow:
    """One row of the unit table: a subgroup of the chosen group as the release decided it."""

    label: str
    unit: Unit | None  # None: the pool ("Unit lain") or a unit's own staff
    shown: bool
    n: int | None  # only when shown
    band: str | None  # "<k" when below k
    gap: dict[str, Any] | None  # the overall gap, only when shown
    pool: bool = False  # the row is the pool ("Unit lain")
    pooled: bool = False  # the row's respondents are counted in the shown pool


@dataclass
class EmployeeBoard:
    survey: Survey
    k: int
    group: Shown
    results: dict[str, Any] | None  # the chosen group's results, only when shown
    rows: list[UnitRow]
    comments: list[str]
    item_texts: dict[str, str]
    dimension_texts: dict[str, str]
    notices: list[str] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)  # the IPA diagram of a shown group

    @property
    def ipa_rows(self) -> list[dict[str, Any]]:
        return ipa_rows(self.results, self.item_texts) if self.results else []

    @property
    def ipa_groups(self) -> list[dict[str, Any]]:
        return ipa_groups(self.ipa_rows)

    @property
    def ipa_n(self) -> tuple[int, int] | None:
        return ipa_n(self.ipa_rows)


def _node(tree: Group, group_id: Hashable) -> Group:
    stack = [tree]
    while stack:
        g = stack.pop()
        if g.id == group_id:
            return g
        stack.extend(g.children)
    raise KeyError(group_id)


def _rows(release: Release, node: Group, names: dict[int, Unit]) -> list[UnitRow]:
    """The subgroups of ``node`` with the release's decisions, then its shown pool."""
    survey = release.survey
    layout = rollups.layout_of(survey.instrument_version)
    rows = []
    for child in node.children:
        d = release.plan[child.id]
        if isinstance(child.id, tuple):  # (unit, "own"): the unit's own staff
            unit = names.get(child.id[0])
            label = _("%(unit)s (own staff)") % {"unit": unit.name if unit else ""}
            vector = release.vector([child.id[0]])
            unit = None
        else:
            unit = names.get(child.id)
            label = unit.name if unit else ""
            vector = release.group_vector(child.id)
        gap = headline_of(layout, vector)[0] if d.shown else None
        rows.append(UnitRow(label, unit, d.shown, d.n, d.band, gap, pooled=d.pooled))
    pooled = release.pool(None if node.id == ROOT else node.id)
    if pooled is not None:
        n, vector = pooled
        rows.append(
            UnitRow(
                _("Other units"),
                None,
                True,
                n,
                None,
                headline_of(layout, vector)[0],
                True,
            )
        )
    return rows


def _comments(
    survey: Survey, unit_ids: list[int], filters: Filters, rng: random.Random
) -> list[str]:
    qs = Response.objects.filter(Response.COUNTED, survey=survey, unit_id__in=unit_ids).exclude(
        suggestion=""
    )
    if filters.period is not None:
        start, end = period_bounds(filters.period)
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)
    texts = list(qs.values_list("suggestion", flat=True))
    rng.shuffle(texts)
    return texts[:MAX_COMMENTS]


def employee_board(
    survey: Survey,
    filters: Filters,
    *,
    visible_units: list[Unit],
    whole: bool,
    rng: random.Random | None = None,
) -> EmployeeBoard:
    """What the employee survey's dashboard may show for ``filters`` (its unit and period;
    a service, staff member or date range is refused with a notice, see the module docstring).
    ``whole``: the viewer sees the whole organization."""
    rng = rng or random.SystemRandom()
    notices = []
    if filters.service is not None or filters.staff is not None:
        notices.append(
            _(
                "An employee survey is not broken down by service or staff member: the filter "
                "is ignored."
            )
        )
    if filters.custom:
        notices.append(
            _(
                "An employee survey shows whole periods only (a year, semester, quarter or "
                "month): the date range is ignored."
            )
        )
    period = None if filters.custom else filters.period
    release = release_of(survey, period)
    layout = rollups.layout_of(survey.instrument_version)
    names = {u.pk: u for u in visible_units}
    unit = filters.unit
    if unit is not None:
        d = release.decision(unit.pk)
        group = Shown(d.shown, d.n, d.band)
        unit_ids = release.subtree(unit.pk)
        node: Group | None = _node(release.tree, unit.pk)
    else:
        group = scope_group(release, visible_units, whole)
        unit_ids = list(names) if not whole else list(release.parents)
        ids = set(names)
        tops = [u.pk for u in visible_units if u.parent_id not in ids]
        node = _node(release.tree, ROOT) if whole else None
        if whole and len(node.children) == 1 and not isinstance(node.children[0].id, tuple):
            node = node.children[0]  # one top unit: its subunits are the table
        elif not whole and len(tops) == 1:
            node = _node(release.tree, tops[0])
    results = None
    comments: list[str] = []
    if group.shown:
        results = results_of(survey, layout, release.vector(unit_ids), unit=unit, period=period)
        results.pop("profile", None)  # a breakdown that crosses the unit tree: not shown
        comments = _comments(survey, unit_ids, filters, rng)
    if node is not None and group.shown:
        rows = _rows(release, node, names)
    elif node is None and group.shown:  # several subtrees: each one's own decision
        rows = []
        ids = set(names)
        for top in (u for u in visible_units if u.parent_id not in ids):
            d = release.decision(top.pk)
            gap = headline_of(layout, release.group_vector(top.pk))[0] if d.shown else None
            rows.append(UnitRow(top.name, top, d.shown, d.n, d.band, gap))
    else:
        rows = []  # below a hidden group nothing is shown
    instrument = survey.instrument_version.parsed
    board = EmployeeBoard(
        survey=survey,
        k=release.k,
        group=group,
        results=results,
        rows=rows,
        comments=comments,
        item_texts={i.id: _text(i.text) for i in instrument.items},
        dimension_texts={k: _text(v) for k, v in instrument.dimension_texts.items()},
        notices=notices,
    )
    if results is not None and results.get("ipa") and board.ipa_rows:
        chart = ipa_chart_of(results, board.ipa_rows, list(instrument.scale))
        if chart is not None:
            board.charts["ipa"] = chart
    return board


def whole_scope(scope: Q) -> bool:
    """Whether a response scope is the whole organization (an organization-wide role)."""
    return scope == Q()


__all__ = ["EmployeeBoard", "UnitRow", "employee_board", "whole_scope"]
