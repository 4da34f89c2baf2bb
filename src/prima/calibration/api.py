"""``GET /api/v1/calibration/agreement`` (issue 13, point 4): the auditors' agreement per A and
per checklist line of the encounters audited by two or more auditors, the same figures as
``/app/kalibrasi/`` (:mod:`prima.calibration.report`, from :mod:`prima.metrics.agreement`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from prima.calibration import selectors
from prima.calibration.report import Row, Statistic
from prima.config.schemas import ErrorOut, FieldError, organization_named
from prima.insights.periods import parse_period
from prima.organizations.access import units_visible_to
from prima.organizations.models import Unit

router = Router(tags=["calibration"])


def _auth() -> list:
    from prima.config.api import TokenAuth

    return [TokenAuth()]


class CalibrationQuery(Schema):
    organization: str | None = Field(
        None, description="an organization's slug (needed when the user has several)"
    )
    unit: int | None = Field(None, description="a unit (with its subtree); absent: all in scope")
    period: str = Field(description="2026, 2026-S1, 2026-Q3 or 2026-07")
    version: int | None = Field(
        None, description="a checklist version's id; absent: the most used in calibration audits"
    )


class CalibrationStatisticOut(Schema):
    method: str = Field(description='"cohen", "fleiss" or "krippendorff"')
    n: int = Field(description="the subjects counted")
    value: float | None = Field(description="kappa or alpha; null when undefined (reason)")
    ci_low: float | None = Field(description="95% interval (Cohen only), lower bound")
    ci_high: float | None = Field(description="95% interval (Cohen only), upper bound")
    detail: str | None = Field(description="Cohen's weights or alpha's level of measurement")
    band: str | None = Field(
        description="the reading (Landis & Koch 1977; Krippendorff 2004); null when "
        "undefined or n too small"
    )
    too_small: bool = Field(description="fewer subjects than min_subjects: no reading")
    reason: str | None = Field(description="why undefined (e.g. one_category)")


class CalibrationRowOut(Schema):
    key: str = Field(description="a line id, or an A's key")
    answer: str = Field(description='"yes_no", "scale4" or "mixed"')
    lines: list[str]
    kappa: CalibrationStatisticOut
    alpha: CalibrationStatisticOut


class CalibrationOut(Schema):
    organization_slug: str
    period: str
    version: int | None = Field(description="the checklist version's id")
    encounters: list[str] = Field(description="the encounter codes, newest first")
    raters: int = Field(description="the largest number of auditors of one encounter")
    min_subjects: int
    per_a: list[CalibrationRowOut]
    lines: list[CalibrationRowOut]


def _stat(s: Statistic) -> dict[str, Any]:
    return {
        "method": s.method,
        "n": s.n,
        "value": s.value,
        "ci_low": s.ci_low,
        "ci_high": s.ci_high,
        "detail": s.detail,
        "band": s.band,
        "too_small": s.too_small,
        "reason": s.reason,
    }


def _row(row: Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "answer": row.answer,
        "lines": list(row.lines),
        "kappa": _stat(row.kappa),
        "alpha": _stat(row.alpha),
    }


@router.get(
    "/calibration/agreement",
    response={200: CalibrationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def agreement(request: HttpRequest, filters: Query[CalibrationQuery]) -> dict[str, Any]:
    """The agreement of the auditors of the same encounters (a shared encounter code) in a
    period: Cohen's kappa (two auditors) or Fleiss' kappa (three or more) and Krippendorff's
    alpha per A and per line; "na" is a missing rating. Units outside the token's scope: 404."""
    unit: Unit | None = None
    if filters.unit is not None:
        unit = Unit.objects.select_related("organization").filter(pk=filters.unit).first()
        if (
            unit is None
            or not units_visible_to(request.user, unit.organization).filter(pk=unit.pk).exists()
        ):
            raise FieldError(404, "unit", "unknown unit")
    organization = (
        unit.organization
        if unit is not None
        else organization_named(request.user, filters.organization)
    )
    try:
        period = parse_period(filters.period)
    except ValueError as exc:
        raise FieldError(422, "period", str(exc)) from None
    versions = selectors.versions_in(request.user, organization)
    version = versions[0] if versions else None
    if filters.version is not None:
        version = next((v for v in versions if v.pk == filters.version), None)
        if version is None:
            raise FieldError(404, "version", "unknown checklist version")
    found, report = selectors.agreement_of(
        request.user, organization, period=period, unit=unit, version=version
    )
    return {
        "organization_slug": organization.slug,
        "period": period.label,
        "version": version.pk if version is not None else None,
        "encounters": [e.code for e in found],
        "raters": report.raters if report is not None else 0,
        "min_subjects": selectors.MIN_SUBJECTS,
        "per_a": [_row(r) for r in report.per_a] if report is not None else [],
        "lines": [_row(r) for r in report.lines] if report is not None else [],
    }
