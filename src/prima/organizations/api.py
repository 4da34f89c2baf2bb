"""Back-office API for organizations, units, services and staff (token-authenticated)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from prima.config.schemas import NO_NUL, ErrorOut, FieldError
from prima.organizations import services
from prima.organizations.access import (
    is_admin,
    organization_for,
    organizations_of,
    units_visible_to,
)
from prima.organizations.models import Service, StaffMember, Unit

router = Router(tags=["organizations"])


def _auth() -> list:  # late import: avoids a cycle with prima.config.api
    from prima.config.api import TokenAuth

    return [TokenAuth()]


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str


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
    return [
        OrganizationOut(id=o.pk, slug=o.slug, name=o.name, kind=o.kind)
        for o in organizations_of(request.user)
    ]


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
