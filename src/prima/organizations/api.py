"""Back-office API for organizations, units, services and staff (token-authenticated), and an
organization's calendar of working days and its time zone (its admins only)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictBool

from prima.config.schemas import NO_NUL, ErrorOut, FieldError
from prima.organizations import calendar, services
from prima.organizations.access import (
    is_admin,
    organization_for,
    organizations_of,
    units_visible_to,
)
from prima.organizations.choices import OrganizationKind
from prima.organizations.models import CalendarDay, Organization, Service, StaffMember, Unit
from prima.storable_text import unstorable_character

router = Router(tags=["organizations"])


def _auth() -> list:  # late import: avoids a cycle with prima.config.api
    from prima.config.api import TokenAuth

    return [TokenAuth()]


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    time_zone: str = Field(
        description="IANA name of the organization's time zone (its own, else the installation's)"
    )
    disclosure_threshold: int = Field(
        description="the confidentiality threshold k of its employee surveys: a group of fewer "
        'than k respondents shows its count band ("<k") only (at least 3, default 5)'
    )


class UnitOut(Schema):
    id: int
    name: str
    code: str
    parent: int | None
    depth: int
    population: int | None


class UnitIn(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    code: str = Field("", max_length=40, pattern=NO_NUL)
    parent: int | None = None
    population: int | None = Field(None, ge=0, le=2_000_000_000)


class ServiceOut(Schema):
    id: int
    name: str
    unit: int


class StaffOut(Schema):
    id: int
    name: str
    unit: int


def _organization_out(o: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=o.pk,
        slug=o.slug,
        name=o.name,
        kind=o.kind,
        time_zone=o.zone_name,
        disclosure_threshold=o.disclosure_threshold,
    )


def _unit_out(u: Unit) -> UnitOut:
    return UnitOut(
        id=u.pk,
        name=u.name,
        code=u.code,
        parent=u.parent_id,
        depth=u.depth,
        population=u.population,
    )


@router.get("/organizations", response={200: list[OrganizationOut], 401: ErrorOut}, auth=_auth())
def organization_list(request: HttpRequest) -> list[OrganizationOut]:
    return [_organization_out(o) for o in organizations_of(request.user)]


@router.get(
    "/organizations/{slug}/units",
    response={200: list[UnitOut], 401: ErrorOut, 404: ErrorOut},
    auth=_auth(),
)
def unit_list(request: HttpRequest, slug: str) -> list[UnitOut]:
    org = organization_for(request.user, slug)
    return [_unit_out(u) for u in units_visible_to(request.user, org)]


@router.post(
    "/organizations/{slug}/units",
    response={
        201: UnitOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    auth=_auth(),
)
def unit_create(request: HttpRequest, slug: str, payload: UnitIn) -> Status[UnitOut]:
    org = organization_for(request.user, slug)
    if not is_admin(request.user, org):
        raise HttpError(403, "only an organization admin may add units")
    if not payload.name.strip():
        raise FieldError(400, "name", "must not be blank")
    parent = None
    if payload.parent is not None:
        parent = Unit.objects.filter(pk=payload.parent, organization=org).first()
        if parent is None:
            raise FieldError(400, "parent", "unknown unit")
    if payload.code and Unit.objects.filter(organization=org, code=payload.code).exists():
        raise FieldError(400, "code", "already used in this organization")
    unit = services.unit_create(
        organization=org,
        name=payload.name.strip(),
        parent=parent,
        code=payload.code,
        population=payload.population,
    )
    return Status(201, _unit_out(unit))


@router.get(
    "/organizations/{slug}/services",
    response={200: list[ServiceOut], 401: ErrorOut, 404: ErrorOut},
    auth=_auth(),
)
def service_list(request: HttpRequest, slug: str) -> list[ServiceOut]:
    org = organization_for(request.user, slug)
    units = units_visible_to(request.user, org)
    return [
        ServiceOut(id=s.pk, name=s.name, unit=s.unit_id)
        for s in Service.objects.filter(unit__in=units)
    ]


@router.get(
    "/organizations/{slug}/staff",
    response={200: list[StaffOut], 401: ErrorOut, 404: ErrorOut},
    auth=_auth(),
)
def staff_list(request: HttpRequest, slug: str) -> list[StaffOut]:
    org = organization_for(request.user, slug)
    units = units_visible_to(request.user, org)
    return [
        StaffOut(id=s.pk, name=s.name, unit=s.unit_id)
        for s in StaffMember.objects.filter(unit__in=units)
    ]


# -- the organization's time zone and calendar (admins only) -------------------------------------


class OrganizationPatch(Schema):
    time_zone: str | None = Field(
        None,
        max_length=40,
        pattern=NO_NUL,
        description="WIB, WITA or WIT, or Asia/Jakarta, Asia/Makassar, Asia/Jayapura; "
        "empty: the installation's time zone (PRIMA_TIME_ZONE)",
    )
    disclosure_threshold: int | None = Field(
        None,
        description="the confidentiality threshold k of the employee surveys: at least 3 "
        "(an admin may raise it, never lower it below 3)",
    )


class CalendarDayIn(Schema):
    working: StrictBool = Field(
        description="false closes the day (a local holiday, an office closure), true opens it "
        "(a holiday or a weekend day the organization works)"
    )
    name: str = Field("", max_length=200, pattern=NO_NUL)


class CalendarDayOut(Schema):
    date: dt.date
    working: bool
    name: str
    source: Literal["holiday", "cuti_bersama", "closed", "opened"] = Field(
        description="holiday: a national public holiday; cuti_bersama: a joint leave day "
        "(government organizations); closed / opened: set by an admin"
    )


class CalendarOut(Schema):
    year: int
    time_zone: str
    government: bool = Field(description="whether the cuti bersama are days off")
    days: list[CalendarDayOut] = Field(
        description="every weekday that is not a working day and every day an admin closed "
        "or opened, by date"
    )


ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DAY_PARAM = Path(..., pattern=ISO_DATE.pattern, description="the day, YYYY-MM-DD")


def _admin_organization(request: HttpRequest, slug: str) -> Organization:
    """The organization for its organization-wide admin; 404 outside it, 403 for its other
    members (as for adding a unit)."""
    org = organization_for(request.user, slug)
    if not is_admin(request.user, org):
        raise HttpError(403, "only an organization admin may change its calendar and time zone")
    return org


def _parse_date(value: str) -> dt.date:
    try:
        if ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise FieldError(422, "date", "a date YYYY-MM-DD")


def _calendar_out(org: Organization, year: int) -> CalendarOut:
    work = calendar.calendar_for(org)
    admin_names = {
        d: n
        for d, n in CalendarDay.objects.filter(organization=org, date__year=year).values_list(
            "date", "name"
        )
        if n
    }
    lang = "en" if (get_language() or "").startswith("en") else "id"
    days = [
        CalendarDayOut(
            date=e.date,
            working=e.working,
            name=admin_names.get(e.date) or e.name,
            source=e.source,
        )
        for e in work.entries(year, lang)
    ]
    return CalendarOut(
        year=year,
        time_zone=org.zone_name,
        government=org.kind == OrganizationKind.GOVERNMENT,
        days=days,
    )


@router.patch(
    "/organizations/{slug}",
    response={
        200: OrganizationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    auth=_auth(),
)
def organization_update(
    request: HttpRequest, slug: str, payload: OrganizationPatch
) -> OrganizationOut:
    """Change the organization's time zone (due dates of cases received later follow it) and
    the confidentiality threshold of its employee surveys (at least 3)."""
    org = _admin_organization(request, slug)
    if not isinstance(json.loads(request.body.decode("utf-8-sig") or "{}"), dict):
        # every field is optional: a list or a string would otherwise pass as "no change"
        raise FieldError(422, "body", "a JSON object")
    if payload.time_zone is not None:
        try:
            calendar.organization_set_time_zone(org, payload.time_zone)
        except ValueError as exc:
            raise FieldError(422, "time_zone", str(exc)) from None
    if payload.disclosure_threshold is not None:
        try:
            services.organization_set_threshold(organization=org, k=payload.disclosure_threshold)
        except ValueError as exc:
            raise FieldError(422, "disclosure_threshold", str(exc)) from None
    return _organization_out(org)


@router.get(
    "/organizations/{slug}/calendar",
    response={200: CalendarOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def calendar_list(
    request: HttpRequest,
    slug: str,
    year: int | None = Query(
        None, ge=1900, le=2200, description="default: this year in the organization's zone"
    ),
) -> CalendarOut:
    """The year's days off on weekdays (national holidays, cuti bersama for a government
    organization, days an admin closed) and the days an admin opened, with their names in the
    request's language (``?lang=en``)."""
    org = _admin_organization(request, slug)
    if year is None:
        year = calendar.local_date(org, timezone.now()).year
    return _calendar_out(org, year)


@router.put(
    "/organizations/{slug}/calendar/{date}",
    response={
        200: CalendarDayOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    auth=_auth(),
)
def calendar_day_put(
    request: HttpRequest, slug: str, payload: CalendarDayIn, date: str = DAY_PARAM
) -> CalendarDayOut:
    """Close (``working: false``, with a name such as "HUT Kota") or open (``working: true``) a
    day for the organization; cases received earlier keep their due dates."""
    org = _admin_organization(request, slug)
    day = _parse_date(date)
    if unstorable_character(payload.name):
        raise FieldError(422, "name", "contains a character that cannot be stored")
    row = calendar.calendar_day_set(org, day, working=payload.working, name=payload.name.strip())
    return CalendarDayOut(
        date=row.date,
        working=row.working,
        name=row.name,
        source="opened" if row.working else "closed",
    )


@router.delete(
    "/organizations/{slug}/calendar/{date}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def calendar_day_delete(request: HttpRequest, slug: str, date: str = DAY_PARAM) -> Status[None]:
    """Return the day to the default calendar (also when it had no decision)."""
    org = _admin_organization(request, slug)
    calendar.calendar_day_reset(org, _parse_date(date))
    return Status(204, None)
