"""The survey list of ``/app/``: each survey's headline figure this quarter, its respondents,
the change from the previous quarter and a sparkline of the last :data:`QUARTERS` quarters
(drawn by ``prima.ui``'s sparkline component).

One read of the monthly rollups per survey (:func:`prima.insights.rollups.totals` by month,
within the viewer's scope); the months' summary vectors add up to quarters (summaries add up,
``docs/decisions/0003-rollups.md``), and each quarter's results go through the same
``*_from_totals`` functions as the dashboard: no raw response is read, and the page costs the
same at any history. Measured on the demo with 63 surveys (``/app/``, the test client): see
the report of this change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from prima.dashboard import headline
from prima.dashboard.board import primary_metric
from prima.insights import rollups
from prima.insights.periods import Period, parse_period, previous_period
from prima.insights.results import results_of
from prima.surveys.models import Survey
from prima.surveys.selectors import response_scope

QUARTERS = 6
PER_PAGE = 24
"""Surveys per page of the list: a page costs one rollup read and six results per survey."""


@dataclass
class SurveyRow:
    survey: Survey
    metric: str
    period: Period  # this quarter
    figure: headline.Figure | None
    responses: int
    change: headline.Change | None
    spark_values: list[float | None]  # the headline figure per quarter, oldest first
    spark_periods: list[Period]
    hidden: bool = False  # employee survey: this quarter's group is hidden (issue 12)
    band: str | None = None  # its count band ("<5") when below the threshold


def _sum(vectors: dict[Any, np.ndarray], period: Period, width: int) -> np.ndarray:
    out = np.zeros(width, dtype=np.int64)
    for month, vector in vectors.items():
        if month is not None and period.start <= month < period.end:
            out = out + vector
    return out


def survey_row(user: Any, survey: Survey, scope: Q) -> SurveyRow:
    """The row of one survey, for the responses in ``scope`` (the viewer's)."""
    today = timezone.localdate()
    quarters = [parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")]
    while len(quarters) < QUARTERS:
        quarters.insert(0, previous_period(quarters[0]))
    layout = rollups.layout_of(survey.instrument_version)
    if survey.is_employee:
        return _employee_row(user, survey, scope, quarters)
    span = Period("", quarters[0].start, quarters[-1].end)
    by_month = rollups.totals(survey, period=span, scope=scope, by="month")
    metric = primary_metric(survey)
    results = [results_of(survey, layout, _sum(by_month, q, layout.size)) for q in quarters]
    figures = [headline.figure(metric, r) if r["responses"] else None for r in results]
    current, previous = results[-1], results[-2]
    return SurveyRow(
        survey=survey,
        metric=metric,
        period=quarters[-1],
        figure=headline.figure(metric, current),
        responses=int(current["responses"]),
        change=headline.change(metric, current, previous, quarters[-2]),
        spark_values=[None if f is None or f.value is None else float(f.value) for f in figures],
        spark_periods=quarters,
    )


def _employee_row(user: Any, survey: Survey, scope: Q, quarters: list[Period]) -> SurveyRow:
    """The row of an employee survey: each quarter from its own release (issue 12); a quarter
    whose group (the viewer's scope) is hidden has no figure, and the current one's count is
    its band."""
    from prima.insights.release import release_of, scope_group, scope_nodes, shown_results
    from prima.organizations.access import units_visible_to

    visible = list(units_visible_to(user, survey.organization))
    whole = scope == Q()
    ids = [u.pk for u in visible]
    metric = primary_metric(survey)
    results: list[dict[str, Any] | None] = []
    groups = []
    for q in quarters:
        release = release_of(survey, q)
        group = scope_group(release, visible, whole)
        groups.append(group)
        vector = release.group_vector(None) if whole else release.vector(ids)
        # each figure under its own count too (an optional item answered by few)
        nodes = scope_nodes(visible, whole)
        results.append(shown_results(release, nodes, vector) if group.shown else None)
    figures = [headline.figure(metric, r) if r and r["responses"] else None for r in results]
    current, previous = results[-1], results[-2]
    change = None
    if current is not None and previous is not None:
        change = headline.change(metric, current, previous, quarters[-2])
    return SurveyRow(
        survey=survey,
        metric=metric,
        period=quarters[-1],
        figure=headline.figure(metric, current) if current is not None else None,
        responses=int(groups[-1].n or 0),
        change=change,
        spark_values=[None if f is None or f.value is None else float(f.value) for f in figures],
        spark_periods=quarters,
        hidden=not groups[-1].shown,
        band=groups[-1].band,
    )


def survey_rows(user: Any, surveys: list[Survey]) -> list[SurveyRow]:
    """The rows of the surveys whose responses the user may see (the scope is looked up once
    per organization)."""
    scopes: dict[int, Q | None] = {}
    rows = []
    for survey in surveys:
        if survey.organization_id not in scopes:
            try:
                scopes[survey.organization_id] = response_scope(user, survey)
            except Http404:
                scopes[survey.organization_id] = None
        scope = scopes[survey.organization_id]
        if scope is not None:
            rows.append(survey_row(user, survey, scope))
    return rows
