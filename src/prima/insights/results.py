"""Results of a survey for a unit, service, staff member and period, computed by the
analytics core from per-period rollups.

The rollups hold whole-number summaries of the answers (:mod:`prima.summaries`); the results
page, the API and ``prima analyze`` on ``prima export`` go through the same ``*_from_totals``
functions of :mod:`prima.metrics`, so they give the same numbers by construction.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from prima import analysis, summaries
from prima.insights import rollups
from prima.insights.periods import Period, period_bounds
from prima.organizations.models import Service, StaffMember, Unit
from prima.summaries import supported_methods
from prima.surveys.models import Response, Survey


def responses_in_scope(
    survey: Survey,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
    scope: Q | None = None,
) -> QuerySet[Response]:
    qs = Response.objects.filter(Response.COUNTED, survey=survey)
    if scope is not None:
        qs = qs.filter(scope)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if service is not None:
        qs = qs.filter(service=service)
    if staff is not None:
        qs = qs.filter(staff=staff)
    if period is not None:
        start, end = period_bounds(period)
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)
    return qs


def survey_results(
    survey: Survey,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
    scope: Q | None = None,
) -> dict[str, Any]:
    """``{"responses": n, "<method>": <the object prima analyze <method> --json prints>, ...,
    "profile": {field: {option: count}}}`` of the counted responses in scope.

    The numbers come from the per-period rollups (:mod:`prima.insights.rollups`) through the
    same ``*_from_totals`` functions that ``prima analyze`` uses on a file.
    """
    layout = rollups.layout_of(survey.instrument_version)
    vector = rollups.totals(
        survey, unit=unit, service=service, staff=staff, period=period, scope=scope
    )[None]
    return results_of(
        survey, layout, vector, unit=unit, service=service, staff=staff, period=period
    )


def results_of(
    survey: Survey,
    layout: summaries.Layout,
    vector: Any,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
) -> dict[str, Any]:
    """The results object of one summary vector (see :func:`survey_results`)."""
    instrument = layout.instrument
    out: dict[str, Any] = {
        "survey": survey.code,
        "instrument": {"name": instrument.name, "version": survey.instrument_version.number},
        "unit": unit.pk if unit else None,
        "service": service.pk if service else None,
        "staff": staff.pk if staff else None,
        "period": period.label if period else None,
        "responses": int(vector[0]),
    }
    out.update(summaries.reports(layout, vector))
    if layout.profile:
        out["profile"] = summaries.profile_counts(layout, vector)
    return analysis.jsonable(out)


def respondents_by_service(
    survey: Survey,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
    scope: Q | None = None,
) -> dict[str | None, int]:
    """Counted responses per name of the service used (None: none recorded), from one read
    of the rollups: the respondent profile's "jenis layanan" table."""
    by_service = rollups.totals(
        survey, unit=unit, service=service, staff=staff, period=period, scope=scope, by="service"
    )
    names = dict(
        Service.objects.filter(pk__in=[k for k in by_service if k is not None]).values_list(
            "pk", "name"
        )
    )
    out: dict[str | None, int] = {}
    for key, vector in by_service.items():
        if vector[0]:
            name = names.get(key) if key is not None else None
            out[name] = out.get(name, 0) + int(vector[0])
    return out


def survey_results_by(
    survey: Survey,
    by: str,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
    scope: Q | None = None,
) -> dict[Any, dict[str, Any]]:
    """:func:`survey_results` per month (key: first day), unit, service or staff member (key:
    id, None for blank), from one read of the rollups; only groups with responses appear.
    A unit here is the unit itself, not its subtree."""
    layout = rollups.layout_of(survey.instrument_version)
    groups = rollups.totals(
        survey, unit=unit, service=service, staff=staff, period=period, scope=scope, by=by
    )
    return {
        key: results_of(
            survey, layout, vector, unit=unit, service=service, staff=staff, period=period
        )
        for key, vector in groups.items()
        if vector[0]
    }


__all__ = [
    "responses_in_scope",
    "results_of",
    "supported_methods",
    "survey_results",
    "survey_results_by",
]
