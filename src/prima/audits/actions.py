"""Corrective actions of audits (issue 13 point 3) and ``prima audits check``.

An action follows a **failed line** of an audit (a yes/no line answered *no*, a 1-4 line
answered 1 or 2) or a **failed audit** (below the pass mark, or failed on a critical line). It
has an owner (a user with a role other than viewer whose scope covers the audit's unit and lies
within the scope of the supervisor who makes the action), a due
date counted in the organization's working days (:func:`prima.organizations.calendar.calendar_for`,
:mod:`prima.workdays`: weekends, public holidays, cuti bersama for government organizations and
the days its admin closed or opened), a status (``open`` -> ``done`` -> ``verified``; ``done``
may go back to ``open``) and a **re-audit**: a later audit of the same unit that checks it.

``actions_check`` sends each overdue action's notice once: an open action whose due date lies
before the organization's local today gets one in-app notification to its owner; the row is
marked in the same transaction by a conditional update, so running the check twice (or two
checks at once) sends one notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from prima.alerts.models import Notification
from prima.audits.models import ActionStatus, Audit, AuditVerdict, CorrectiveAction
from prima.audits.services import AUDITOR_ROLES, AuditError
from prima.formats import day_label
from prima.organizations.access import memberships_of, unit_scope_q
from prima.organizations.calendar import calendar_for, local_date
from prima.organizations.choices import Role
from prima.organizations.models import Membership, Organization, Unit

MAX_DUE_WORKING_DAYS = 120
MAX_DESCRIPTION = 2000
OWNER_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.STAFF)


def failed_lines(audit: Audit) -> list[str]:
    """The audit's failed lines, in the checklist's order."""
    answers = {a.line_id: a.answer for a in audit.answers.all()}
    return [
        line.id
        for line in audit.checklist_version.parsed.lines
        if answers.get(line.id) in ("no", "1", "2")
    ]


def audit_failed(audit: Audit) -> bool:
    return audit.verdict in (AuditVerdict.FAILED, AuditVerdict.FAILED_CRITICAL)


def may_handle(user: Any, unit: Unit) -> bool:
    """Create, verify and link re-audits: a supervisor (admin, manager, supervisor) of the unit."""
    q = unit_scope_q(user, unit.organization, field="", roles=AUDITOR_ROLES)
    return q is not None and Unit.objects.filter(q, pk=unit.pk).exists()


def owner_choices(unit: Unit, actor: Any = None) -> list[Any]:
    """Active users who may own an action at ``unit``; with ``actor``, only those whose role
    lies within the actor's own scope (a unit's manager names no one above the unit)."""
    scopes: list[str] | None = None  # None: the whole organization
    if actor is not None:
        own = list(
            memberships_of(actor, AUDITOR_ROLES).filter(organization_id=unit.organization_id)
        )
        if not any(m.unit_id is None for m in own):
            scopes = [m.unit.path for m in own if m.unit is not None]
    users: dict[int, Any] = {}
    for m in Membership.objects.filter(
        organization_id=unit.organization_id, role__in=list(OWNER_ROLES), user__is_active=True
    ).select_related("user", "unit"):
        if m.unit is None:
            covers, within = True, scopes is None
        else:
            covers = unit.path.startswith(m.unit.path)
            within = scopes is None or any(m.unit.path.startswith(p) for p in scopes)
        if covers and within:
            users[m.user_id] = m.user
    return sorted(users.values(), key=lambda u: (u.get_username().lower(), u.pk))


def due_date_after(
    organization: Organization, working_days: int, now: datetime | None = None
) -> date:
    today = local_date(organization, now or timezone.now())
    return calendar_for(organization).add_working_days(today, working_days)


def action_create(
    *,
    audit: Audit,
    user: AbstractBaseUser,
    owner: Any,
    description: str,
    working_days: Any,
    line_id: str = "",
    now: datetime | None = None,
) -> CorrectiveAction:
    """An action on a failed line (``line_id``) or on the failed audit (``line_id`` empty),
    due ``working_days`` working days after today (the organization's calendar)."""
    errors: dict[str, str] = {}
    if not may_handle(user, audit.unit):
        raise AuditError({"audit": _("unknown audit")})
    if line_id:
        if line_id not in failed_lines(audit):
            errors["line_id"] = _("choose a line that failed in this audit")
    elif not audit_failed(audit):
        errors["line_id"] = _("this audit passed: choose a line that failed")
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        errors["description"] = _("say what is to be done")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("at most %(n)s characters") % {"n": MAX_DESCRIPTION}
    if owner is None or owner.pk not in {u.pk for u in owner_choices(audit.unit, user)}:
        errors["owner"] = _("choose an owner whose units include the audited unit")
    if not (isinstance(working_days, int) and 1 <= working_days <= MAX_DUE_WORKING_DAYS):
        errors["working_days"] = _("a whole number of working days from 1 to %(max)s") % {
            "max": MAX_DUE_WORKING_DAYS
        }
    if errors:
        raise AuditError(errors)
    return CorrectiveAction.objects.create(
        organization=audit.organization,
        audit=audit,
        line_id=line_id,
        description=description,
        owner=owner,
        due_date=due_date_after(audit.organization, working_days, now),
        created_by=user,
    )


def reaudit_choices(action: CorrectiveAction) -> list[Audit]:
    """Audits of the action's unit (or under it) observed after the audit it follows."""
    return list(
        Audit.objects.filter(
            organization=action.organization,
            unit__path__startswith=action.audit.unit.path,
            observed_at__gt=action.audit.observed_at,
        )
        .exclude(pk=action.audit_id)
        .select_related("unit", "staff_member")
        .order_by("-observed_at")[:50]
    )


def action_update(
    action: CorrectiveAction, *, user: Any, status: str, reaudit: Audit | None = None
) -> CorrectiveAction:
    """Change the status (the owner marks it done; a supervisor of the unit may also verify it
    and link its re-audit)."""
    unit = action.audit.unit
    handler = may_handle(user, unit)
    if not (handler or action.owner_id == getattr(user, "pk", None)):
        raise AuditError({"status": _("only the owner or a supervisor of the unit may change it")})
    errors: dict[str, str] = {}
    if status not in ActionStatus.values:
        errors["status"] = _("unknown status")
    elif status == ActionStatus.VERIFIED and not handler:
        errors["status"] = _("only a supervisor of the unit may verify an action")
    if reaudit is not None:
        if not handler:
            errors["reaudit"] = _("only a supervisor of the unit may link a re-audit")
        elif reaudit.pk not in {a.pk for a in reaudit_choices(action)}:
            errors["reaudit"] = _("choose a later audit of the same unit")
    if errors:
        raise AuditError(errors)
    now = timezone.now()
    action.status = status
    action.done_at = now if status in (ActionStatus.DONE, ActionStatus.VERIFIED) else None
    action.verified_at = now if status == ActionStatus.VERIFIED else None
    fields = ["status", "done_at", "verified_at"]
    if reaudit is not None:
        action.reaudit = reaudit
        fields.append("reaudit")
    action.save(update_fields=fields)
    return action


# -- the overdue check ---------------------------------------------------------------------------
@dataclass
class CheckResult:
    notified: list[CorrectiveAction] = field(default_factory=list)


def actions_check(
    *, now: datetime | None = None, organizations: list[Organization] | None = None
) -> CheckResult:
    """Notify the owner of every open action past its due date, once (module docstring)."""
    now = now or timezone.now()
    result = CheckResult()
    orgs = organizations if organizations is not None else list(Organization.objects.all())
    for organization in orgs:
        today = local_date(organization, now)
        due = CorrectiveAction.objects.filter(
            organization=organization,
            status=ActionStatus.OPEN,
            overdue_notified_at__isnull=True,
            due_date__lt=today,
        ).select_related("audit__unit", "owner")
        for action in due:
            with transaction.atomic():
                marked = CorrectiveAction.objects.filter(
                    pk=action.pk, status=ActionStatus.OPEN, overdue_notified_at__isnull=True
                ).update(overdue_notified_at=now)
                if not marked:
                    continue  # another check sent it
                Notification.objects.create(
                    user=action.owner,
                    organization=organization,
                    title=_("Corrective action overdue: %(unit)s")
                    % {"unit": action.audit.unit.name},
                    body=_("%(action)s (due %(day)s)")
                    % {
                        "action": action.description[:200],
                        "day": day_label(action.due_date, get_language()),
                    },
                    url=reverse("audits:action", args=[action.pk]),
                )
            result.notified.append(action)
    return result
