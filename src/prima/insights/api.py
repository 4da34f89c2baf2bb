"""Results API: per method, the same object ``prima analyze <method> --json`` prints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from prima.config.schemas import ErrorOut, FieldError
from prima.insights.periods import parse_period
from prima.insights.results import survey_results
from prima.organizations.access import units_visible_to
from prima.organizations.models import Service
from prima.surveys.selectors import response_scope, survey_get_for_user

router = Router(tags=["results"])


def _auth() -> list:
    from prima.config.api import TokenAuth

    return [TokenAuth()]


class ResultsQuery(Schema):
    unit: int | None = None
    service: int | None = None
    period: str | None = None


@router.get(
    "/surveys/{code}/results",
    response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def results(request: HttpRequest, code: str, filters: Query[ResultsQuery]) -> dict[str, Any]:
    """Results for the survey, optionally one unit (with its subtree), one service and a period
    (``2026``, ``2026-S1``, ``2026-Q3``, ``2026-07``)."""
    survey = survey_get_for_user(request.user, code)
    scope = response_scope(request.user, survey)
    unit = service = period = None
    visible = units_visible_to(request.user, survey.organization)
    # a unit or service outside the user's scope is "not found", like one that does not exist
    if filters.unit is not None:
        unit = visible.filter(pk=filters.unit).first()
        if unit is None:
            raise FieldError(404, "unit", "unknown unit")
    if filters.service is not None:
        service = Service.objects.filter(pk=filters.service, unit__in=visible).first()
        if service is None:
            raise FieldError(404, "service", "unknown service")
    if filters.period:
        try:
            period = parse_period(filters.period)
        except ValueError as exc:
            raise FieldError(400, "period", str(exc)) from None
    return survey_results(survey, unit=unit, service=service, period=period, scope=scope)
