"""Cases API (issue 11): public intake, tracking and rating; staff intake, lists, details,
events and the measures of complaint handling.

Public (no authentication; the tracking code is the complainant's key):

- ``POST /api/v1/public/organizations/{slug}/cases`` -> 201 ``{id, tracking_code,
  first_response_due, resolution_due}``; the same ``submission_id`` again -> 200 with the first
  case's body. Rate limits per IP apply (``prima.abuse``): a case over the limit is kept and
  flagged, never dropped.
- ``GET /api/v1/public/cases/{tracking_code}``: status, unit, category, due dates, the public
  history and the rating; never the contact, the owner or internal notes.
- ``POST /api/v1/public/cases/{tracking_code}/rating`` -> 201; 409 unless ``selesai`` and for a
  second rating. ``POST .../reopen`` -> 200 within 14 days of ``selesai``, else 409.

With a token (``Authorization: Bearer``): ``POST /api/v1/cases`` (staff intake),
``GET /api/v1/cases``, ``GET /api/v1/cases/metrics``, ``GET /api/v1/cases/{id}``,
``POST /api/v1/cases/{id}/events``.

Dates: due dates ``YYYY-MM-DD`` (the N-th working day), instants ISO 8601 with their offset.
Errors: ``{"detail": ..., "errors": {field: message}}``; 422 for bad input, 409 for a request
the case's state forbids (an invalid transition names both statuses), 404 for anything unknown
or out of the token's reach.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from prima.abuse.controls import client_ip
from prima.cases.models import REOPEN_DAYS, Case, CaseChannel, CaseRating, CaseStatus, CaseTier
from prima.cases.selectors import (
    CASE_ROLES,
    can_handle,
    can_register,
    case_get_for_user,
    case_get_public,
    case_measures,
    cases_for_user,
    cases_received,
    contact_checker,
    organization_for_cases,
    organization_get_public,
    public_events,
    public_units,
    scopes_of,
)
from prima.cases.services import (
    CaseError,
    case_note,
    case_rate,
    case_receive,
    case_record,
    case_reopen,
    case_reply,
    case_transition,
    category_name,
    intake_flags,
    reopen_open,
)
from prima.config.schemas import ErrorOut, FieldError, error_body, organization_named
from prima.insights.periods import parse_period
from prima.organizations.calendar import local_date, zone_of
from prima.organizations.models import Organization, Service, StaffMember, Unit

public_router = Router(tags=["public"])
router = Router(tags=["cases"])


def _auth() -> list:
    from prima.config.api import TokenAuth

    return [TokenAuth()]


def _local(instant: datetime | None, organization: Organization) -> datetime | None:
    """An instant in the organization's own zone: ISO 8601 with its offset (+07:00 in WIB)."""
    return None if instant is None else instant.astimezone(zone_of(organization))


def _refused(exc: CaseError) -> Status[Any]:
    return Status(409 if exc.conflict else 422, error_body(exc.errors))


# -- schemas -----------------------------------------------------------------------------------
class ContactIn(Schema):
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class PublicCaseIn(Schema):
    submission_id: str = Field(description="a UUID the client makes; a retry sends it again")
    text: str = Field(description="the complaint, at most 5,000 characters")
    unit: int | None = Field(
        None,
        description="a unit of the organization's open surveys; may be left out when "
        "the organization has only one",
    )
    service: int | None = None
    category: str | None = Field(None, description="a category key (U1..U9, ability..., other)")
    anonymous: bool = False
    contact: ContactIn | None = Field(
        None, description="name and an e-mail address or telephone number (not anonymous)"
    )
    consent: bool = Field(False, description="consent to keep the contact to follow up")


class ReceiptOut(Schema):
    id: int
    tracking_code: str
    first_response_due: date
    resolution_due: date


class NamedOut(Schema):
    id: int
    name: str


class CategoryOut(Schema):
    key: str
    name: str


class PublicEventOut(Schema):
    status: str
    at: datetime
    note: str


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime


class PublicCaseOut(Schema):
    tracking_code: str
    status: str
    organization: str = Field(description="the organization's name")
    unit: NamedOut
    category: CategoryOut | None
    received_at: datetime
    first_response_due: date
    resolution_due: date
    resolved_at: datetime | None
    events: list[PublicEventOut]
    rating: RatingOut | None
    reopen_until: datetime | None = Field(
        description=f"until when the complainant may reopen a resolved case ({REOPEN_DAYS} "
        "days after its resolution); null when it cannot be reopened"
    )


class RatingIn(Schema):
    score: int = Field(description="1 (very poor) to 5 (very good)")
    comment: str = ""


class ReopenIn(Schema):
    note: str = ""


class ReopenOut(Schema):
    status: str
    resolution_due: date


def _receipt(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "first_response_due": case.first_response_due,
        "resolution_due": case.resolution_due,
    }


def _rating(case: Case) -> dict[str, Any] | None:
    rating = CaseRating.objects.filter(case=case).first()
    if rating is None:
        return None
    return {
        "score": rating.score,
        "comment": rating.comment,
        "created_at": _local(rating.created_at, case.organization),
    }


def _category(case: Case) -> dict[str, str] | None:
    if case.category is None:
        return None
    return {"key": case.category.key, "name": category_name(case.category)}


def _object(model: Any, pk: int | None, organization: Organization, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.select_related("unit").filter(pk=pk, organization=organization).first()
    if found is None:
        raise CaseError({field: _("unknown %(field)s") % {"field": field}})
    return found


# -- public ------------------------------------------------------------------------------------
@public_router.post(
    "/organizations/{slug}/cases",
    response={
        200: ReceiptOut,
        201: ReceiptOut,
        400: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
)
def public_case_create(request: HttpRequest, slug: str, payload: PublicCaseIn) -> Status[Any]:
    """Receive a complaint from the public (web form, an app). The same ``submission_id``
    again answers 200 with the first case's body; 201 only after the case is committed."""
    organization = organization_get_public(slug)
    try:
        units = public_units(organization)
        if payload.unit is None:
            unit = units[0] if len(units) == 1 else None
        else:
            unit = next((u for u in units if u.pk == payload.unit), None)
        service = _object(Service, payload.service, organization, "service")
        flagged, reason = intake_flags(ip=client_ip(request.META))
        case, created = case_receive(
            organization=organization,
            unit=unit,  # type: ignore[arg-type]  # None: the error names the field
            text=payload.text,
            channel=CaseChannel.WEB,
            submission_id=payload.submission_id,
            service=service,
            category=payload.category,
            anonymous=payload.anonymous,
            contact=payload.contact.dict() if payload.contact else None,
            consent=payload.consent,
            flagged=flagged,
            flag_reason=reason,
            require_contact=True,
            deferred=True,  # one INSERT here; the task worker records its history and receipt
        )
    except CaseError as exc:
        return _refused(exc)
    return Status(201 if created else 200, _receipt(case))


@public_router.get(
    "/cases/{tracking_code}", response={200: PublicCaseOut, 404: ErrorOut, 503: ErrorOut}
)
def public_case_detail(request: HttpRequest, tracking_code: str) -> dict[str, Any]:
    """What the complainant sees of their case: no contact, no owner, no internal note."""
    case = case_get_public(tracking_code)
    return public_case(case)


def public_case(case: Case) -> dict[str, Any]:
    from prima.cases.models import REOPEN_DAYS as days

    org = case.organization
    reopen_until = None
    if reopen_open(case) and case.resolved_at is not None:
        reopen_until = case.resolved_at + timedelta(days=days)
    return {
        "tracking_code": case.tracking_code,
        "status": case.status,
        "organization": case.organization.name,
        "unit": {"id": case.unit.pk, "name": case.unit.name},
        "category": _category(case),
        "received_at": _local(case.received_at, org),
        "first_response_due": case.first_response_due,
        "resolution_due": case.resolution_due,
        "resolved_at": _local(case.resolved_at, org),
        "events": [{"status": e.status, "at": e.at, "note": e.note} for e in public_events(case)],
        "rating": _rating(case),
        "reopen_until": reopen_until,
    }


@public_router.post(
    "/cases/{tracking_code}/rating",
    response={
        201: RatingOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
)
def public_case_rate(request: HttpRequest, tracking_code: str, payload: RatingIn) -> Status[Any]:
    """The complainant's rating of the handling (1-5 and a comment), once, when ``selesai``."""
    case = case_get_public(tracking_code)
    try:
        rating = case_rate(case, score=payload.score, comment=payload.comment)
    except CaseError as exc:
        return _refused(exc)
    return Status(
        201,
        {
            "score": rating.score,
            "comment": rating.comment,
            "created_at": _local(rating.created_at, case.organization),
        },
    )


@public_router.post(
    "/cases/{tracking_code}/reopen",
    response={
        200: ReopenOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
)
def public_case_reopen(request: HttpRequest, tracking_code: str, payload: ReopenIn) -> Status[Any]:
    """Reopen a ``selesai`` case within 14 days of its resolution (back to ``diproses``, with
    a new resolution due); 409 otherwise."""
    case = case_get_public(tracking_code)
    try:
        case = case_reopen(case, note=payload.note)
    except CaseError as exc:
        return _refused(exc)
    return Status(200, {"status": case.status, "resolution_due": case.resolution_due})


# -- staff -------------------------------------------------------------------------------------
class CaseIn(Schema):
    submission_id: str = Field(description="a UUID; the same one again returns the first case")
    unit: int
    text: str
    channel: str = Field(description="web, surat, telepon, tatap_muka, email, media_sosial, survei")
    received_at: datetime = Field(description="when it arrived, ISO 8601 with its UTC offset")
    tier: str = Field(CaseTier.ORDINARY, description="biasa (default), sengketa, lapangan")
    category: str | None = None
    service: int | None = None
    staff: int | None = None
    anonymous: bool = False
    contact: ContactIn | None = None
    consent: bool = False


class OwnerOut(Schema):
    id: int
    username: str
    name: str


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class CaseOut(Schema):
    id: int
    tracking_code: str
    organization: str = Field(description="the organization's slug")
    unit: NamedOut
    service: NamedOut | None
    staff: NamedOut | None
    category: CategoryOut | None
    tier: str
    channel: str
    status: str
    text: str
    anonymous: bool
    contact: ContactOut | None = Field(
        description="only for the roles that handle the case (admin, manager, supervisor of "
        "its unit) and its owner; null otherwise and for anonymous cases"
    )
    owner: OwnerOut | None
    flagged: bool
    flag_reason: str
    response: int | None = Field(description="the survey response a follow-up case came from")
    response_survey: str | None = Field(
        None,
        description="the code of that response's survey: the response is the item with id "
        "`response` of GET /api/v1/surveys/{code}/responses",
    )
    received_at: datetime
    first_response_due: date
    resolution_due: date
    first_response_at: datetime | None
    first_response_days: int | None = Field(description="working days to the first response")
    first_response_on_time: bool | None
    resolved_at: datetime | None
    resolution_days: int | None = Field(description="working days to the resolution")
    resolved_on_time: bool | None
    reopened_at: datetime | None
    rating: RatingOut | None


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor: str | None = Field(description="the user's name; null for the complainant or system")
    status_from: str
    status_to: str
    note: str
    public: bool = Field(description="shown to the complainant")


class CaseDetailOut(CaseOut):
    events: list[EventOut]


class CasePage(Schema):
    count: int
    items: list[CaseOut]


def _user_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _case_out(case: Case, may_see_contact: bool) -> dict[str, Any]:
    contact = None
    if may_see_contact and not case.anonymous:
        contact = {
            "name": case.contact_name,
            "email": case.contact_email,
            "phone": case.contact_phone,
        }
    owner = case.owner
    org = case.organization
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "organization": case.organization.slug,
        "unit": {"id": case.unit.pk, "name": case.unit.name},
        "service": {"id": case.service.pk, "name": case.service.name} if case.service else None,
        "staff": {"id": case.staff.pk, "name": case.staff.name} if case.staff else None,
        "category": _category(case),
        "tier": case.tier,
        "channel": case.channel,
        "status": case.status,
        "text": case.text,
        "anonymous": case.anonymous,
        "contact": contact,
        "owner": (
            {"id": owner.pk, "username": owner.get_username(), "name": _user_name(owner)}
            if owner is not None
            else None
        ),
        "flagged": case.flagged,
        "flag_reason": case.flag_reason,
        "response": case.response_id,
        "response_survey": case.response.survey.code if case.response_id else None,
        "received_at": _local(case.received_at, org),
        "first_response_due": case.first_response_due,
        "resolution_due": case.resolution_due,
        "first_response_at": _local(case.first_response_at, org),
        "first_response_days": case.first_response_days,
        "first_response_on_time": case.first_response_on_time,
        "resolved_at": _local(case.resolved_at, org),
        "resolution_days": case.resolution_days,
        "resolved_on_time": case.resolved_on_time,
        "reopened_at": _local(case.reopened_at, org),
        "rating": _rating_of(case),
    }


def _rating_of(case: Case) -> dict[str, Any] | None:
    try:
        rating = case.rating
    except CaseRating.DoesNotExist:
        return None
    return {
        "score": rating.score,
        "comment": rating.comment,
        "created_at": _local(rating.created_at, case.organization),
    }


def _detail(user: AbstractBaseUser, case: Case) -> dict[str, Any]:
    case_record(case)  # a public complaint the task worker has not recorded yet: now
    out = _case_out(case, contact_checker(user)(case))
    out["events"] = [
        {
            "id": e.pk,
            "kind": e.kind,
            "at": _local(e.at, case.organization),
            "actor": _user_name(e.actor) if e.actor_id else None,
            "status_from": e.status_from,
            "status_to": e.status_to,
            "note": e.note,
            "public": e.public,
        }
        for e in case.events.select_related("actor").order_by("at", "id")
    ]
    return out


@router.post(
    "/cases",
    response={
        200: ReceiptOut,
        201: ReceiptOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    auth=_auth(),
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    """Register a complaint received by letter, telephone, in person, e-mail or social media,
    with the instant it arrived (the due dates count from its local date). The token's user
    needs a role other than viewer covering the unit (403 for a viewer of it; a unit out of
    reach is unknown: 422 naming ``unit``). The same ``submission_id`` again answers 200."""
    user = request.user
    unit = Unit.objects.select_related("organization").filter(pk=payload.unit).first()
    if unit is None or not scopes_of(user, CASE_ROLES).covers(unit.organization_id, unit.path):
        raise FieldError(422, "unit", "unknown unit")
    if not can_register(user, unit):
        raise FieldError(403, "unit", "your role may not register cases for this unit")
    organization = unit.organization
    try:
        service = _object(Service, payload.service, organization, "service")
        staff = _object(StaffMember, payload.staff, organization, "staff")
        case, created = case_receive(
            organization=organization,
            unit=unit,
            text=payload.text,
            channel=payload.channel,
            received_at=payload.received_at,
            submission_id=payload.submission_id,
            service=service,
            staff=staff,
            category=payload.category,
            tier=payload.tier,
            anonymous=payload.anonymous,
            contact=payload.contact.dict() if payload.contact else None,
            consent=payload.consent,
            user=user,
        )
    except CaseError as exc:
        return _refused(exc)
    if not created and case.organization_id != organization.pk:  # pragma: no cover
        raise Http404("case")
    return Status(201 if created else 200, _receipt(case))


SERVICE_FILTER = (
    "a service of the organization: only the cases recorded with it (404 for a service outside "
    "the units the user may see or of another organization)"
)
STAFF_FILTER = (
    "a staff member of the organization: only the cases recorded with them (404 for a staff "
    "member outside the units the user may see or of another organization)"
)


class CaseQuery(Schema):
    organization: str | None = Field(None, description="an organization's slug")
    unit: int | None = Field(None, description="a unit: the cases of its subtree")
    status: str | None = Field(None, description="baru, diverifikasi, diproses, selesai, ditolak")
    period: str | None = Field(
        None, description="received in 2026, 2026-S1, 2026-Q3 or 2026-07 (local dates)"
    )
    service: int | None = Field(None, description=SERVICE_FILTER)
    staff: int | None = Field(None, description=STAFF_FILTER)
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**12)


def _period(text: str | None) -> tuple[date | None, date | None, str | None]:
    if not text:
        return None, None, None
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise FieldError(422, "period", str(exc)) from None
    return period.start, period.end, period.label


def _scope(
    request: HttpRequest, organization_slug: str | None, unit_id: int | None
) -> tuple[Organization | None, Unit | None]:
    user = request.user
    organization = organization_for_cases(user, organization_slug)
    unit = None
    if unit_id is not None:
        unit = Unit.objects.select_related("organization").filter(pk=unit_id).first()
        if unit is None or not scopes_of(user, CASE_ROLES).covers(unit.organization_id, unit.path):
            raise FieldError(404, "unit", "unknown unit")
        if organization is not None and unit.organization_id != organization.pk:
            raise FieldError(404, "unit", "unknown unit")
        organization = unit.organization
    return organization, unit


@router.get(
    "/cases",
    response={200: CasePage, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def case_list(request: HttpRequest, filters: Query[CaseQuery]) -> dict[str, Any]:
    """The cases the token's user may see, newest received first; ``contact`` only where the
    user handles the case."""
    user = request.user
    organization, unit = _scope(request, filters.organization, filters.unit)
    if organization is None and (filters.service is not None or filters.staff is not None):
        organization = organization_named(user, None, CASE_ROLES)  # the user's only one
    qs = cases_for_user(user)
    if organization is not None:
        service, staff = _service_staff(user, organization, filters.service, filters.staff)
        if service is not None:
            qs = qs.filter(service=service)
        if staff is not None:
            qs = qs.filter(staff=staff)
        start, end, _label = _period(filters.period)
        qs = cases_received(qs, organization, unit=unit, start=start, end=end)
    elif filters.period:
        start, end, _label = _period(filters.period)
        assert start is not None
        assert end is not None
        # no organization named: each case's own zone is not known to the database, so the
        # period runs in the installation's zone
        qs = qs.filter(received_at__date__gte=start, received_at__date__lt=end)
    if filters.status:
        if filters.status not in CaseStatus.values:
            raise FieldError(422, "status", f"one of {', '.join(CaseStatus.values)}")
        qs = qs.filter(status=filters.status)
    qs = qs.select_related("service", "staff", "rating", "response__survey").order_by(
        "-received_at", "-id"
    )
    may_see = contact_checker(user)
    items = [_case_out(c, may_see(c)) for c in qs[filters.offset : filters.offset + filters.limit]]
    return {"count": qs.count(), "items": items}


class MetricsQuery(Schema):
    organization: str | None = Field(
        None, description="an organization's slug (needed when the user has several)"
    )
    unit: int | None = Field(None, description="a unit: the cases of its subtree")
    period: str | None = Field(
        None, description="cases received in 2026, 2026-S1, 2026-Q3 or 2026-07; all when absent"
    )
    service: int | None = Field(None, description=SERVICE_FILTER)
    staff: int | None = Field(None, description=STAFF_FILTER)


def _service_staff(
    user: Any, organization: Organization, service_id: int | None, staff_id: int | None
) -> tuple[Service | None, StaffMember | None]:
    """The service and staff member of the metrics' filters, looked up as the dashboard does:
    within the organization and a unit the user's case roles cover, else 404."""
    scope = scopes_of(user, CASE_ROLES)

    def pick(model: Any, pk: int | None, field: str, what: str) -> Any:
        if pk is None:
            return None
        row = model.objects.select_related("unit").filter(pk=pk, organization=organization).first()
        if row is None or not scope.covers(organization.pk, row.unit.path):
            raise FieldError(404, field, f"unknown {what}")
        return row

    return (
        pick(Service, service_id, "service", "service"),
        pick(StaffMember, staff_id, "staff", "staff member"),
    )


class DurationOut(Schema):
    n: int = Field(description="cases that have it")
    median: float | None = Field(description="median working days (Hyndman-Fan type 7)")
    p90: float | None = Field(description="90th percentile of working days (type 7)")


class SatisfactionOut(Schema):
    n: int = Field(description="ratings given")
    mean: float | None = Field(description="mean rating of the handling, 1-5")
    sd: float | None
    ci_low: float | None = Field(description="95% t interval of the mean (n >= 2)")
    ci_high: float | None


class MetricsOut(Schema):
    organization: str
    unit: int | None
    period: str | None
    service: int | None = Field(None, description="the service filter, when given")
    staff: int | None = Field(None, description="the staff member filter, when given")
    today: date = Field(description="the organization's local date: open cases past due by it")
    received: int = Field(description="cases received in the period (the cases measured)")
    resolved: int = Field(description="of them, resolved (selesai)")
    rejected: int = Field(description="of them, rejected (ditolak)")
    open: int = Field(description="of them, still open (baru, diverifikasi, diproses)")
    first_response: DurationOut = Field(description="working days to the first response")
    resolution: DurationOut = Field(description="working days to the resolution (selesai)")
    resolved_on_time: int = Field(description="resolved on or before the resolution due")
    on_time_share: float | None = Field(
        description="resolved on time / resolved (0-1); null when none was resolved"
    )
    first_response_late: int = Field(
        description="first response after its due date, or none yet and past it"
    )
    resolution_late: int = Field(
        description="resolved after the resolution due, or still open past it"
    )
    breaches: int = Field(description="cases with either kind of lateness (each once)")
    satisfaction: SatisfactionOut = Field(description="the complainants' rating of the handling")


@router.get(
    "/cases/metrics",
    response={200: MetricsOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def case_metrics(request: HttpRequest, filters: Query[MetricsQuery]) -> dict[str, Any]:
    """The measures of complaint handling (issue 11, point 6) of the cases received in a period
    in a unit's subtree (or everything the user may see of the organization), optionally only
    those recorded with a service or a staff member (the dashboard's filters). Formulas:
    :mod:`prima.metrics.handling`."""
    user = request.user
    organization, unit = _scope(request, filters.organization, filters.unit)
    if organization is None:
        organization = organization_named(user, None, CASE_ROLES)
    service, staff = _service_staff(user, organization, filters.service, filters.staff)
    start, end, label = _period(filters.period)
    now = timezone.now()
    measures = case_measures(
        user,
        organization,
        unit=unit,
        start=start,
        end=end,
        now=now,
        service=service,
        staff=staff,
    )
    out = measures.as_dict()
    sat = out.pop("satisfaction")
    return {
        "organization": organization.slug,
        "unit": unit.pk if unit is not None else None,
        "period": label,
        "service": service.pk if service is not None else None,
        "staff": staff.pk if staff is not None else None,
        "today": local_date(organization, now),
        **out,
        "satisfaction": {
            "n": sat["n"],
            "mean": sat["mean"],
            "sd": sat["sd"],
            "ci_low": sat["ci_low"],
            "ci_high": sat["ci_high"],
        },
    }


@router.get(
    "/cases/{id}",
    response={200: CaseDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def case_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    """One case with its whole history (internal notes included)."""
    case = case_get_for_user(request.user, id)
    return _detail(request.user, case)


class EventIn(Schema):
    status: str | None = Field(
        None, description="the new status; absent: a note without a change of status"
    )
    note: str = Field("", description="the reason (required for ditolak) or the note")
    public: bool | None = Field(
        None,
        description="the note is shown to the complainant; default: yes with a status, no "
        "without one (an internal note)",
    )


@router.post(
    "/cases/{id}/events",
    response={
        200: CaseDetailOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=_auth(),
)
def case_event(request: HttpRequest, id: int, payload: EventIn) -> Status[Any]:
    """Change the status (with a note), or add a note. ``diproses`` on a ``selesai`` case
    reopens it (within 14 days). An invalid transition answers 409 naming both statuses; a
    viewer of the case 403."""
    user = request.user
    case = case_get_for_user(user, id)
    if not can_handle(user, case):
        raise FieldError(403, "status", "your role may not change this case")
    try:
        if payload.status is None:
            if payload.public:
                case_reply(case, note=payload.note, user=user)
            else:
                case_note(case, note=payload.note, user=user)
        elif payload.status not in CaseStatus.values:
            raise CaseError({"status": f"one of {', '.join(CaseStatus.values)}"})
        elif payload.status == CaseStatus.IN_PROGRESS and case.status == CaseStatus.RESOLVED:
            case_reopen(case, user=user, note=payload.note)
        else:
            case_transition(
                case,
                status=payload.status,
                note=payload.note,
                user=user,
                public_note=payload.public is not False,
            )
    except CaseError as exc:
        return _refused(exc)
    return Status(200, _detail(user, case_get_for_user(user, id)))
