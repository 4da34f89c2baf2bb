"""Audit plans, their assignments and mystery shoppers (issue 13 point 2).

- A **plan** sets a target number of audits of one unit in one month (``YYYY-MM``), on one
  checklist version (the built-in A6 one by default).
- An **assignment** gives some of a plan's audits to one auditor: a **supervisor**, i.e. a user
  with the admin, manager or supervisor role whose scope (the organization, or a unit's subtree)
  covers the plan's unit, or a **mystery shopper** of the organization
  (:class:`~prima.audits.models.MysteryShopper`). Anyone else is refused, naming the account.
- **Progress** of a plan: its audits recorded through its assignments against its target.

A mystery shopper's account holds no membership: it sees its own assignments and their audit
form only (:mod:`prima.audits.gate` refuses every other back-office page and the API).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from prima.audits.models import (
    AuditAssignment,
    AuditKind,
    AuditPlan,
    ChecklistVersion,
    MysteryShopper,
)
from prima.audits.services import AuditError, _may_audit, builtin_checklist_version
from prima.organizations.models import Membership, Organization, Unit

PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
MAX_TARGET = 500


def is_mystery_shopper_only(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A signed-in mystery shopper without any membership (the account the gate confines)."""
    if not user.is_authenticated:
        return False
    return (
        MysteryShopper.objects.filter(user_id=user.pk).exists()
        and not Membership.objects.filter(user_id=user.pk).exists()
    )


def mystery_shopper_create(
    *, organization: Organization, username: str, password: str, name: str = ""
) -> MysteryShopper:
    """A new account that is a mystery shopper of ``organization`` (and nothing else)."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, password=password, first_name=name
        )
        return MysteryShopper.objects.create(organization=organization, user=user)


def plan_create(
    *,
    organization: Organization,
    unit: Unit,
    period: str,
    target: int,
    checklist_version: ChecklistVersion | None = None,
    created_by: AbstractBaseUser | None = None,
) -> AuditPlan:
    errors = plan_errors(organization=organization, unit=unit, period=period, target=target)
    if errors:
        raise AuditError(errors)
    version = checklist_version or builtin_checklist_version()
    return AuditPlan.objects.create(
        organization=organization,
        unit=unit,
        period=period,
        target=target,
        checklist_version=version,
        created_by=created_by,
    )


def plan_errors(
    *, organization: Organization, unit: Any, period: Any, target: Any
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (isinstance(unit, Unit) and unit.organization_id == organization.pk):
        errors["unit"] = _("unknown unit")
    if not (isinstance(period, str) and PERIOD.fullmatch(period)):
        errors["period"] = _("a month as YYYY-MM, e.g. 2026-07")
    if not (isinstance(target, int) and 1 <= target <= MAX_TARGET):
        errors["target"] = _("a whole number from 1 to %(max)s") % {"max": MAX_TARGET}
    return errors


def assignment_kind(plan: AuditPlan, auditor: Any) -> str:
    """The kind of audits ``auditor`` may do for ``plan``; :class:`AuditError` naming
    ``auditor`` when they may do none."""
    if not isinstance(auditor, get_user_model()) or not auditor.is_active:
        raise AuditError({"auditor": _("unknown account")})
    if MysteryShopper.objects.filter(organization=plan.organization, user=auditor).exists():
        return AuditKind.MYSTERY
    if _may_audit(auditor, plan.unit):
        return AuditKind.SUPERVISOR
    raise AuditError(
        {
            "auditor": _(
                "%(user)s is neither a supervisor whose units include %(unit)s nor a mystery "
                "shopper of this organization"
            )
            % {"user": auditor.get_username(), "unit": plan.unit.name}
        }
    )


def assignment_create(*, plan: AuditPlan, auditor: Any, count: int = 1) -> AuditAssignment:
    """Give ``count`` of the plan's audits to ``auditor`` (see the module's docstring)."""
    kind = assignment_kind(plan, auditor)
    if not (isinstance(count, int) and 1 <= count <= MAX_TARGET):
        raise AuditError({"count": _("a whole number from 1 to %(max)s") % {"max": MAX_TARGET}})
    if AuditAssignment.objects.filter(plan=plan, auditor=auditor).exists():
        raise AuditError({"auditor": _("this account has an assignment in this plan already")})
    return AuditAssignment.objects.create(
        organization=plan.organization, plan=plan, auditor=auditor, kind=kind, count=count
    )


def auditor_choices(plan_organization: Organization) -> QuerySet[Any]:
    """Accounts that may be assigned in the organization: its mystery shoppers and the users
    with an auditing role (each assignment is checked against the plan's unit)."""
    users = get_user_model().objects.filter(is_active=True)
    shoppers = MysteryShopper.objects.filter(organization=plan_organization).values("user_id")
    auditors = Membership.objects.filter(
        organization=plan_organization, role__in=["admin", "manager", "supervisor"]
    ).values("user_id")
    return (users.filter(pk__in=shoppers) | users.filter(pk__in=auditors)).order_by("username")


@dataclass(frozen=True)
class AssignmentRow:
    assignment: AuditAssignment
    done: int

    @property
    def open(self) -> bool:
        return self.done < self.assignment.count


def assignments_of(user: AbstractBaseUser | AnonymousUser) -> list[AssignmentRow]:
    """The user's own assignments, newest month first, with the audits done for each."""
    if not user.is_authenticated:
        return []
    rows = (
        AuditAssignment.objects.filter(auditor_id=user.pk)
        .select_related("plan__unit", "organization")
        .annotate(done=Count("audits"))
        .order_by("-plan__period", "plan__unit__path", "pk")
    )
    return [AssignmentRow(a, a.done) for a in rows]


def assignment_of(
    user: AbstractBaseUser | AnonymousUser, assignment_id: int
) -> AuditAssignment | None:
    """The user's own assignment, or None (another's, or none: the caller answers 404)."""
    if not user.is_authenticated:
        return None
    return (
        AuditAssignment.objects.filter(pk=assignment_id, auditor_id=user.pk)
        .select_related("plan__unit", "plan__checklist_version", "organization")
        .first()
    )


def plan_progress(plan: AuditPlan) -> tuple[int, int]:
    """(audits done through the plan's assignments, target)."""
    done = AuditAssignment.objects.filter(plan=plan).aggregate(n=Count("audits"))["n"] or 0
    return done, plan.target
