"""Results API: per method, the same object ``prima analyze <method> --json`` prints."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from prima.config.schemas import ErrorOut, FieldError
from prima.insights.periods import parse_period
from prima.insights.release import PeriodRefused, employee_results, unit_rows
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
    (``2026``, ``2026-S1``, ``2026-Q3``, ``2026-07``). An employee survey's group that the
    confidentiality threshold hides has every number null, ``"suppressed": true`` and ``n`` the
    band ``"<k"`` (or null when it holds at least k but is hidden so that no other group can be
    derived by subtraction); a shown one has ``"suppressed": false`` and its ``n``, and each of
    its figures (``gap`` items, dimensions and overall, ``ipa`` and ``csi`` items, ``enps``) its
    own ``"suppressed"`` (an optional item answered by too few). An employee survey is released
    per quarter: ``period`` must be one (``2026-Q3``; 400 otherwise), by default the quarter of
    its latest response."""
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
    if survey.is_employee:  # under the confidentiality threshold (issue 12)
        try:
            return employee_results(
                survey,
                unit=unit,
                service=service,
                period=period,
                visible=visible,
                whole=scope == Q(),
            )
        except PeriodRefused as exc:  # quarters only: periods that overlap would subtract
            raise FieldError(400, "period", str(exc)) from None
    return survey_results(survey, unit=unit, service=service, period=period, scope=scope)


class GapOut(Schema):
    gap: float = Field(description="overall mean gap (performance - expectation)")
    ci_low: float | None
    ci_high: float | None
    verdict: str | None


class EnpsOut(Schema):
    nps: float = Field(description="employee Net Promoter Score (-100..100)")
    ci_low: float | None
    ci_high: float | None


class UnitResultOut(Schema):
    unit: int
    parent: int | None
    n: int | str | None = Field(
        description='respondents of the unit with its subtree when shown; the band "<k" '
        '(e.g. "<5") when fewer than the threshold k; null when the unit is hidden so that '
        "another group cannot be derived by subtraction (it then holds at least k)"
    )
    suppressed: bool
    gap: GapOut | None = Field(
        description="the overall gap of the unit with its subtree, when shown and the "
        "instrument has paired items; null also when too few of the unit's respondents "
        "answered a pair to show it (the threshold applies to each figure's own count)"
    )
    enps: EnpsOut | None = Field(
        description="the eNPS (employee Net Promoter Score, method enps), when shown and the "
        "instrument has a 0-10 recommendation item asked once; null otherwise"
    )


class PeriodQuery(Schema):
    period: str | None = None


@router.get(
    "/surveys/{code}/results/units",
    response={200: list[UnitResultOut], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=_auth(),
)
def results_units(
    request: HttpRequest, code: str, filters: Query[PeriodQuery]
) -> list[dict[str, Any]]:
    """Every unit the token may see with its respondents (the unit with its subtree) in the
    period and, where shown, its overall gap and eNPS. For an employee survey the
    confidentiality threshold decides, once for the whole organization and quarter, which units
    are shown (docs/disclosure.md; another period: 400, none: the latest quarter); a customer
    survey shows every unit."""
    survey = survey_get_for_user(request.user, code)
    response_scope(request.user, survey)  # 404 without a role that sees results
    visible = list(units_visible_to(request.user, survey.organization))
    period = None
    if filters.period:
        try:
            period = parse_period(filters.period)
        except ValueError as exc:
            raise FieldError(400, "period", str(exc)) from None
    try:
        return unit_rows(survey, period=period, visible=visible)
    except PeriodRefused as exc:  # an employee survey: quarters only (docs/disclosure.md)
        raise FieldError(400, "period", str(exc)) from None
