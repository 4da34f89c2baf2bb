"""Writes for organizations and people: plain keyword-only functions, atomic."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from prima.organizations.models import (
    PATH_STEP,
    ApiToken,
    Membership,
    Organization,
    Service,
    StaffMember,
    Unit,
)


@transaction.atomic
def organization_create(*, name: str, slug: str, kind: str) -> Organization:
    return Organization.objects.create(name=name, slug=slug, kind=kind)


THRESHOLD_MAX = 1000


def organization_set_threshold(*, organization: Organization, k: int) -> Organization:
    """Set the confidentiality threshold k of the organization's employee surveys (issue 12,
    point 3: default 5; an admin may raise it, never below 3). ValueError names the rule."""
    from prima.metrics.disclosure import MIN_K

    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError("the threshold must be a whole number")
    if k < MIN_K:
        raise ValueError(f"the threshold may not be below {MIN_K}")
    if k > THRESHOLD_MAX:
        raise ValueError(f"the threshold may not be above {THRESHOLD_MAX}")
    organization.disclosure_threshold = k
    organization.save(update_fields=["disclosure_threshold"])
    return organization


@transaction.atomic
def unit_create(
    *,
    organization: Organization,
    name: str,
    parent: Unit | None = None,
    code: str = "",
    population: int | None = None,
) -> Unit:
    if parent is not None and parent.organization_id != organization.id:
        raise ValueError("the parent unit belongs to another organization")
    unit = Unit.objects.create(
        organization=organization, parent=parent, name=name, code=code, population=population
    )
    unit.path = unit_path(unit)
    unit.save(update_fields=["path"])
    return unit


def unit_path(unit: Unit) -> str:
    prefix = unit.parent.path if unit.parent_id and unit.parent else ""
    return f"{prefix}{unit.pk:0{PATH_STEP}d}."


def service_create(*, unit: Unit, name: str) -> Service:
    return Service.objects.create(organization=unit.organization, unit=unit, name=name)


def staff_create(*, unit: Unit, name: str, employee_number: str = "") -> StaffMember:
    return StaffMember.objects.create(
        organization=unit.organization, unit=unit, name=name, employee_number=employee_number
    )


def membership_grant(
    *, user: AbstractBaseUser, organization: Organization, role: str, unit: Unit | None = None
) -> Membership:
    if unit is not None and unit.organization_id != organization.id:
        raise ValueError("the unit belongs to another organization")
    membership, _ = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, unit=unit
    )
    return membership


def user_create(
    *, username: str, password: str | None = None, email: str = "", **extra: object
) -> AbstractBaseUser:
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username, email=email, password=password, **extra
    )
    return user


def token_create(*, user: AbstractBaseUser, name: str = "") -> str:
    """A new API token for ``user``; the raw value is returned once and never stored."""
    _, raw = ApiToken.issue(user, name)
    return raw
