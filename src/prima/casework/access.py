"""Who may see and handle which case (issue 11; Perpres 76/2013 on the complainant's identity).

Every read and write of the case pages goes through here, on top of
:mod:`prima.organizations.access`:

- **see** a case: the roles that see results (admin, manager, supervisor, viewer) for the cases
  of the units in their scope (``unit_scope_q``), and whoever owns the case (an owner always
  sees the case assigned to them, e.g. a *petugas* with the staff role);
- **handle** a case (change its status, category or owner, write notes, and see the
  complainant's contact): admin, manager and supervisor of a subtree holding the case's unit,
  and its owner; never a viewer, never a staff member who does not own it;
- **receive** a complaint by hand (letter, telephone, walk-in...): admin, manager and supervisor,
  for the units of their scope.

A case out of reach is "not found" (404), never "forbidden": its existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from prima.cases.models import Case
from prima.organizations.access import User, memberships_of, unit_scope_q
from prima.organizations.choices import Role
from prima.organizations.models import Organization, Unit

SEE_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.VIEWER)
HANDLE_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR)
OWNER_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.STAFF)  # who may own a case


def case_organizations(user: User) -> QuerySet[Organization]:
    """The organizations where the user may see some case (a role that sees results, or a
    role that may own cases)."""
    ids = memberships_of(user, (*SEE_ROLES, Role.STAFF)).values("organization_id")
    return Organization.objects.filter(id__in=ids).order_by("name", "pk")


def cases_for_user(user: User) -> QuerySet[Case]:
    """Every case the user may see (see the module's docstring)."""
    if not user.is_authenticated:
        return Case.objects.none()
    q = Q(pk__in=[])
    for organization in case_organizations(user):
        scope = unit_scope_q(user, organization, roles=SEE_ROLES)
        if scope is not None:
            q |= Q(organization=organization) & scope
    owner_orgs = memberships_of(user, OWNER_ROLES).values("organization_id")
    q |= Q(owner=user, organization_id__in=owner_orgs)
    return Case.objects.filter(q)


def case_get_for_user(user: User, case_id: int | str) -> Case:
    """The case if the user may see it, else 404."""
    key = str(case_id)
    if not (key.isascii() and key.isdigit()):
        raise Http404("case")
    found = (
        cases_for_user(user)
        .select_related("organization", "unit", "service", "staff", "category", "owner")
        .filter(pk=int(key))
        .first()
    )
    if found is None:
        raise Http404("case")
    return found


def can_handle(user: User, case: Case) -> bool:
    """Whether the user may handle the case and see the complainant's contact."""
    if not user.is_authenticated:
        return False
    if (
        case.owner_id == user.pk
        and memberships_of(user, OWNER_ROLES).filter(organization_id=case.organization_id).exists()
    ):
        return True
    scope = unit_scope_q(user, case.organization, roles=HANDLE_ROLES)
    if scope is None:
        return False
    return Case.objects.filter(scope, pk=case.pk).exists()


can_see_contact = can_handle  # the identity goes with the handling (Perpres 76/2013)


def intake_units(user: User, organization: Organization) -> QuerySet[Unit]:
    """The units of ``organization`` for which the user may register a complaint by hand."""
    scope = unit_scope_q(user, organization, field="", roles=HANDLE_ROLES)
    if scope is None:
        return Unit.objects.none()
    return Unit.objects.filter(scope, organization=organization).order_by("path")


def intake_organizations(user: User) -> QuerySet[Organization]:
    ids = memberships_of(user, HANDLE_ROLES).values("organization_id")
    return Organization.objects.filter(id__in=ids).order_by("name", "pk")


def owner_candidates(case: Case, actor: User | None = None) -> list[Any]:
    """Active users who may own the case: a role other than viewer in its organization whose
    scope covers the case's unit (the whole organization, the unit or a unit above it), as
    :func:`prima.cases.services.case_assign` requires; for an ``actor`` limited to a subtree,
    only the people of that subtree (a unit's manager neither sees nor names the people above
    the unit)."""
    path = case.unit.path
    scopes: list[str] | None = None  # None: the actor sees the whole organization
    if actor is not None:
        own = list(
            memberships_of(actor, (*SEE_ROLES, Role.STAFF)).filter(
                organization_id=case.organization_id
            )
        )
        if not any(m.unit_id is None for m in own):
            scopes = [m.unit.path for m in own if m.unit is not None]
    users: dict[int, Any] = {}
    memberships = (
        memberships_of_organization(case.organization)
        .filter(role__in=list(OWNER_ROLES), user__is_active=True)
        .select_related("user", "unit")
    )
    for m in memberships:
        if m.unit is None:
            if scopes is None:
                users[m.user_id] = m.user
        elif path.startswith(m.unit.path) and (
            scopes is None or any(m.unit.path.startswith(p) for p in scopes)
        ):
            users[m.user_id] = m.user
    return sorted(users.values(), key=lambda u: (display_name(u).lower(), u.pk))


def memberships_of_organization(organization: Organization) -> QuerySet[Any]:
    from prima.organizations.models import Membership

    return Membership.objects.filter(organization=organization)


def display_name(user: Any) -> str:
    """A user's full name, else the user name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def users_by_ids(ids: list[int]) -> list[Any]:
    return list(get_user_model().objects.filter(pk__in=ids).order_by("pk"))
