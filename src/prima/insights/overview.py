"""The survey list of ``/app/``: each survey's headline figures and a sparkline (drawn by ``prima.ui``'s sparkline component).

One read of the monthly rollups per survey (:func:`prima.insights.rollups.totals` by month,
over the last :data:`MONTHS` months, within the viewer's scope): the months' summary vectors
give the sparkline, and their sums give this quarter and the previous one (summaries add up,
``docs/decisions/0003-rollups.md``), whose results go through the same ``*_from_totals``
functions as the dashboard. No raw response is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.http import Http404
from django.utils import timezone

from prima.insights import headline, rollups
from prima.insights.dashboard import primary_metric
from prima.insights.periods import Period, parse_period, previous_period
from prima.insights.results import results_of
from prima.surveys.models import Survey
from prima.surveys.selectors import response_scope

MONTHS = 12


@dataclass
class SurveyRow:
    survey: Survey
    metric: str
    period: Period
    figure: headline.Figure | None
    responses: int
    change: headline.Change | None
    spark_values: list[float | None]
    spark_first: date
    spark_last: date


def _month(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _sum(vectors: dict[Any, np.ndarray], start: date, end: date, width: int) -> np.ndarray:
    out = np.zeros(width, dtype=np.int64)
    for month, vector in vectors.items():
        if month is not None and start <= month < end:
            out = out + vector
    return out


def survey_row(user: Any, survey: Survey, today: date | None = None) -> SurveyRow | None:
    """The row of one survey (None when the user sees none of its responses)."""
    try:
        scope = response_scope(user, survey)
    except Http404:
        return None
    today = today or timezone.localdate()
    quarter = parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    before = previous_period(quarter)
    first = min(_month(today, MONTHS - 1), before.start)
    span = Period("", first, _month(today, -1))
    layout = rollups.layout_of(survey.instrument_version)
    by_month = rollups.totals(survey, period=span, scope=scope, by="month")
    metric = primary_metric(survey)
    current = results_of(survey, layout, _sum(by_month, quarter.start, quarter.end, layout.size))
    previous = results_of(survey, layout, _sum(by_month, before.start, before.end, layout.size))
    months = [_month(today, back) for back in range(MONTHS - 1, -1, -1)]
    values: list[float | None] = []
    for month in months:
        vector = by_month.get(month)
        if vector is None or not vector[0]:
            values.append(None)
            continue
        f = headline.figure(metric, results_of(survey, layout, vector))
        values.append(None if f is None or f.value is None else float(f.value))
    return SurveyRow(
        survey=survey,
        metric=metric,
        period=quarter,
        figure=headline.figure(metric, current),
        responses=int(current["responses"]),
        change=headline.change(metric, current, previous, before),
        spark_values=values,
        spark_first=months[0],
        spark_last=months[-1],
    )


def survey_rows(user: Any, surveys: list[Survey]) -> list[SurveyRow]:
    return [row for s in surveys if (row := survey_row(user, s)) is not None]
