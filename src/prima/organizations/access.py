"""Who may see what: the one gate every page, endpoint and command goes through.

A user sees an organization's data only through a :class:`~prima.organizations.models.Membership`.
A membership without a unit covers the whole organization; with a unit, that unit's subtree.
Objects outside a user's scope are reported as "not found" (404), never as "forbidden", so
that their existence does not leak across tenants.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from prima.organizations.choices import ROLES_THAT_MANAGE, ROLES_THAT_SEE_RESULTS, Role
from prima.organizations.models import Membership, Organization, Unit

User = AbstractBaseUser | AnonymousUser


def memberships_of(
    user: User, roles: Iterable[str] = ROLES_THAT_SEE_RESULTS
) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, role__in=list(roles)).select_related(
        "organization", "unit"
    )


def organizations_of(
    user: User, roles: Iterable[str] = ROLES_THAT_SEE_RESULTS
) -> QuerySet[Organization]:
    ids = memberships_of(user, roles).values("organization_id")
    return Organization.objects.filter(id__in=ids)


def unit_scope_q(
    user: User,
    organization: Organization,
    *,
    field: str = "unit",
    roles: Iterable[str] = ROLES_THAT_SEE_RESULTS,
) -> Q | None:
    """A filter on ``<field>`` limiting rows to the units the user may see in ``organization``
    (``field=""`` filters Unit rows themselves).

    Returns ``Q()`` (everything) for an organization-wide role and ``None`` for no access.
    """
    scopes = list(memberships_of(user, roles).filter(organization=organization))
    if not scopes:
        return None
    if any(m.unit_id is None for m in scopes):
        return Q()
    q = Q()
    for m in scopes:
        assert m.unit is not None
        q |= Q(**{f"{field}__path__startswith" if field else "path__startswith": m.unit.path})
    return q


def units_visible_to(user: User, organization: Organization) -> QuerySet[Unit]:
    q = unit_scope_q(user, organization, field="")
    if q is None:
        return Unit.objects.none()
    return Unit.objects.filter(q, organization=organization)


def organization_for(
    user: User, slug_or_id: str | int, roles: Iterable[str] = ROLES_THAT_SEE_RESULTS
) -> Organization:
    """The organization if the user has one of ``roles`` in it, else 404."""
    qs = organizations_of(user, roles)
    key = str(slug_or_id)
    if "\x00" in key:  # no slug has one, and PostgreSQL refuses to compare with it
        raise Http404("organization")
    lookup = {"id": int(key)} if key.isascii() and key.isdigit() else {"slug": key}
    try:
        return qs.get(**lookup)
    except Organization.DoesNotExist:
        raise Http404("organization") from None


def is_admin(user: User, organization: Organization) -> bool:
    return (
        memberships_of(user, ROLES_THAT_MANAGE)
        .filter(organization=organization, unit__isnull=True)
        .exists()
    )


def can_see_unit(user: User, unit: Unit) -> bool:
    return units_visible_to(user, unit.organization).filter(pk=unit.pk).exists()


__all__ = [
    "Role",
    "can_see_unit",
    "is_admin",
    "memberships_of",
    "organization_for",
    "organizations_of",
    "unit_scope_q",
    "units_visible_to",
]
