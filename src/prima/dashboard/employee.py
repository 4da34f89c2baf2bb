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

Periods: quarters only (:func:`prima.insights.release.release_period`; the page offers no other
period, no "all periods"): without one the survey's latest quarter; a year, semester, month or
date range in the address shows the quarter holding its last day, with a notice that says so.
Figures with their own count (an optional item, a dimension, the overall gap, eNPS) follow the
rule per figure (:func:`prima.insights.release.shown_results`); a hidden item's row says so.
Comments count as such a figure too: a group shows its comments only where as many of its
respondents wrote one as the rule needs (:func:`_comment_counts`).
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from prima.dashboard.board import (
    Filters,
    PeriodGroup,
    _text,
    ipa_chart_of,
    ipa_groups,
    ipa_n,
    ipa_rows,
    period_choices,
)
from prima.insights import rollups
from prima.insights.periods import Period, period_bounds
from prima.insights.release import (
    ROOT,
    Release,
    Shown,
    default_quarter,
    headline_of,
    is_quarter,
    masked_vector,
    quarter_holding,
    release_of,
    scope_group,
    scope_nodes,
    shown_results,
)
from prima.metrics.disclosure import Group, cells, figure_plans, figure_shown
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
    period: Period | None = None  # the quarter shown

    @property
    def ipa_rows(self) -> list[dict[str, Any]]:
        if not self.results:
            return []
        ipa = self.results.get("ipa") or {}
        items = ipa.get("items") or {}
        shown = {
            **self.results,
            "ipa": {**ipa, "items": {k: v for k, v in items.items() if not v.get("suppressed")}},
        }
        return ipa_rows(shown, self.item_texts)

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
        gap = None
        if d.shown:
            gap = headline_of(layout, masked_vector(layout, vector, release.hidden(child.id)))[0]
        rows.append(UnitRow(label, unit, d.shown, d.n, d.band, gap, pooled=d.pooled))
    pooled = release.pool(None if node.id == ROOT else node.id)
    if pooled is not None:
        n, vector = pooled
        hidden = release.hidden(("pool", node.id))
        rows.append(
            UnitRow(
                _("Other units"),
                None,
                True,
                n,
                None,
                headline_of(layout, masked_vector(layout, vector, hidden))[0],
                True,
            )
        )
    return rows


def _commented(survey: Survey, period: Period) -> Any:
    start, end = period_bounds(period)
    return Response.objects.filter(
        Response.COUNTED, survey=survey, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(suggestion="")


def _comment_counts(release: Release, period: Period) -> dict[int, int]:
    """Respondents who wrote a comment, per unit (one read)."""
    out: dict[int, int] = {}
    for unit_id in _commented(release.survey, period).values_list("unit_id", flat=True):
        if unit_id is not None:
            out[unit_id] = out.get(unit_id, 0) + 1
    return out


def comments_shown(release: Release, period: Period, nodes: list[Hashable]) -> bool:
    """Whether the comments of shown groups may be listed: the commenters are a figure with
    their own count, under the same rule as an item (``figure_plans``)."""
    counts = _comment_counts(release, period)
    per_cell = {
        cell: counts.get(cell[0] if isinstance(cell, tuple) else cell, 0)
        for cell in cells(release.tree)
    }
    plans = figure_plans(release.tree, release.plan, {"comments": per_cell})
    return all(figure_shown(plans, "comments", n) for n in nodes)


def _comments(survey: Survey, unit_ids: list[int], period: Period, rng: random.Random) -> list[str]:
    qs = _commented(survey, period).filter(unit_id__in=unit_ids)
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
    asked = filters.period
    if asked is None:
        period = default_quarter(survey)
    elif is_quarter(asked) and not filters.custom:
        period = asked
    else:
        period = quarter_holding(asked)
        notices.append(
            _(
                "An employee survey is shown per quarter, so that no period can be worked out "
                "by subtracting others (a year minus its quarters): %(asked)s is shown as its "
                "quarter %(quarter)s."
            )
            % {"asked": asked.label, "quarter": period.label}
        )
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
        nodes = [unit.pk] if unit is not None else scope_nodes(visible_units, whole)
        results = shown_results(release, nodes, release.vector(unit_ids), unit=unit, period=period)
        results.pop("profile", None)  # a breakdown that crosses the unit tree: not shown
        if comments_shown(release, period, nodes):
            comments = _comments(survey, unit_ids, period, rng)
    if node is not None and group.shown:
        rows = _rows(release, node, names)
    elif node is None and group.shown:  # several subtrees: each one's own decision
        rows = []
        ids = set(names)
        for top in (u for u in visible_units if u.parent_id not in ids):
            d = release.decision(top.pk)
            gap = None
            if d.shown:
                vector = masked_vector(layout, release.group_vector(top.pk), release.hidden(top.pk))
                gap = headline_of(layout, vector)[0]
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
        period=period,
    )
    if results is not None and results.get("ipa") and board.ipa_rows:
        chart = ipa_chart_of(results, board.ipa_rows, list(instrument.scale))
        if chart is not None:
            board.charts["ipa"] = chart
    return board


def quarter_choices(span: Period | None) -> list[Any]:
    """The dashboard's period choices, quarters only (an employee survey's releases)."""
    return [
        PeriodGroup(g.label, [c for c in g.choices if "-Q" in c.value])
        for g in period_choices(span)
    ]


def whole_scope(scope: Q) -> bool:
    """Whether a response scope is the whole organization (an organization-wide role)."""
    return scope == Q()


__all__ = [
    "EmployeeBoard",
    "UnitRow",
    "comments_shown",
    "employee_board",
    "quarter_choices",
    "whole_scope",
]
