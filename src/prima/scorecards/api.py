"""``GET /api/v1/scorecards/triple-win`` (issue 12, point 5; public contract): the customer,
the employee and the organization side by side for a unit and period, with the verdict."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from prima.config.schemas import ErrorOut, FieldError, organization_named
from prima.insights.periods import parse_period
from prima.organizations.models import Unit
from prima.scorecards.selectors import NeedsUnit, current_quarter, scope_for, triple_win

router = Router(tags=["scorecards"])


def _auth() -> list:
    from prima.config.api import TokenAuth

    return [TokenAuth()]


class ScorecardQuery(Schema):
    organization: str | None = Field(
        None, description="an organization's slug (needed when the user has several)"
    )
    unit: int | None = Field(
        None, description="a unit (with its subtree); absent: the whole organization"
    )
    period: str | None = Field(
        None, description="2026, 2026-S1, 2026-Q3 or 2026-07; absent: the current quarter"
    )


class TripleWinMeasureOut(Schema):
    value: float | None = Field(
        description="the measure (IKM 25-100, gap, NPS -100..100, share 0-1, mean 1-5, count)"
    )
    n: int = Field(description="respondents, ratings or cases it is computed from")
    ci_low: float | None = Field(description="95% interval, lower bound")
    ci_high: float | None = Field(description="95% interval, upper bound")
    previous: float | None = Field(description="the same measure in the previous period")
    change: float | None = Field(description="value - previous")
    change_ci_low: float | None = Field(description="95% interval of the change, lower bound")
    change_ci_high: float | None = Field(description="95% interval of the change, upper bound")
    below_standard: bool = Field(description="its own verdict is the unfavourable one")
    dropped: bool = Field(description="the change's interval lies wholly below 0")
    suppressed: bool = Field(description="hidden by the confidentiality threshold")


class TripleWinIndexOut(TripleWinMeasureOut):
    method: str | None = Field(description='"ikm" or "gap"')
    survey: str | None = Field(description="the survey's code")


class TripleWinNpsOut(TripleWinMeasureOut):
    surveys: list[str] = Field(description="the surveys whose answers are pooled")


class TripleWinReason(Schema):
    measure: str
    reason: str = Field(description='"below_standard" or "dropped"')


class TripleWinCustomerOut(Schema):
    index: TripleWinIndexOut | None
    nps: TripleWinNpsOut | None
    responses: int = Field(description="customer responses in the period")
    previous_responses: int
    status: str = Field(description='"losing", "holding" or "unknown"')
    reasons: list[TripleWinReason]


class TripleWinEmployeeOut(Schema):
    survey: str | None = Field(description="the employee survey's code")
    k: int = Field(description="the confidentiality threshold")
    suppressed: bool
    n: int | str | None = Field(description='respondents when shown, "<k" below k, else null')
    gap: TripleWinMeasureOut | None = Field(description="the internal index: the overall gap")
    enps: TripleWinMeasureOut | None
    previous_shown: bool | None = None
    quarter: str | None = Field(
        None,
        description="the quarter read (an employee survey is released per quarter: the one "
        "holding the period's last day)",
    )
    previous_quarter: str | None = Field(None, description="the quarter its change is against")
    status: str
    reasons: list[TripleWinReason]


class TripleWinLoyaltyOut(Schema):
    nps: TripleWinNpsOut | None = Field(
        description="the customers' NPS (judged on the customer side)"
    )
    return_intent: TripleWinMeasureOut | None = Field(description="share who would come back (0-1)")


class TripleWinHandlingOut(Schema):
    received: int
    resolved: int
    on_time: TripleWinMeasureOut | None = Field(description="share resolved on time (0-1), Wilson")
    satisfaction: TripleWinMeasureOut | None = Field(description="the rating of the handling, 1-5")


class TripleWinVolumeOut(Schema):
    responses: int
    cases: int
    total: int
    previous_total: int


class TripleWinOrganizationOut(Schema):
    loyalty: TripleWinLoyaltyOut
    handling: TripleWinHandlingOut
    volume: TripleWinVolumeOut
    status: str
    reasons: list[TripleWinReason]


class TripleWinVerdictOut(Schema):
    losing: list[str] = Field(description="the losing sides, in the scorecard's order")
    status: dict[str, str]
    summary: str = Field(
        description='"none", "customer", "employee", "organization", "several" or "unknown"'
    )


class ScorecardOut(Schema):
    organization_slug: str
    unit: int | None
    unit_name: str
    period: str
    previous_period: str
    customer: TripleWinCustomerOut
    employee: TripleWinEmployeeOut
    organization: TripleWinOrganizationOut
    verdict: TripleWinVerdictOut


@router.get(
    "/scorecards/triple-win",
    response={200: ScorecardOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def scorecard(request: HttpRequest, filters: Query[ScorecardQuery]) -> dict[str, Any]:
    """The triple-win scorecard (issue 12, point 5): customer, employee and organization, each
    measure with n, 95% interval and change from the previous period; the verdict names the
    losing sides (rules: :mod:`prima.metrics.triple_win`). The employee side obeys the
    confidentiality threshold. A unit outside the token's scope is 404."""
    unit = None
    if filters.unit is not None:
        unit = Unit.objects.select_related("organization").filter(pk=filters.unit).first()
        if unit is None:
            raise FieldError(404, "unit", "unknown unit")
    organization = (
        unit.organization
        if unit is not None
        else organization_named(request.user, filters.organization)
    )
    if filters.period:
        try:
            period = parse_period(filters.period)
        except ValueError as exc:
            raise FieldError(422, "period", str(exc)) from None
    else:
        period = current_quarter(organization)
    try:
        scope = scope_for(request.user, organization, unit, period)
    except NeedsUnit as exc:
        raise FieldError(422, "unit", str(exc)) from None
    except Http404:
        raise FieldError(404, "unit", "unknown unit") from None
    return triple_win(request.user, scope)
