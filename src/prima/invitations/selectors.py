"""Reads of invitations for a signed-in user: who may make them (an organization's admins and
managers, within their units), and participation per unit (made, delivered, answered)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from prima.invitations.models import Invitation, InvitationPolicy, InvitationTally
from prima.invitations.services import Invitee
from prima.organizations.access import User, is_admin, unit_scope_q
from prima.organizations.choices import Role
from prima.organizations.models import StaffMember, Unit
from prima.organizations.unit_labels import path_labels
from prima.surveys.models import Survey
from prima.surveys.selectors import survey_get_for_user

ROLES = (Role.ADMIN, Role.MANAGER)


def invitation_survey_for_user(user: User, code: str) -> tuple[Survey, list[Unit]]:
    """An employee survey the user may invite for, and the units they may invite for (their
    scope's units at or below the survey's units, in tree order); 404 otherwise (another
    tenant's survey, a role without the right, a customer survey)."""
    survey = survey_get_for_user(user, code)
    q = unit_scope_q(user, survey.organization, field="", roles=ROLES)
    if q is None or not survey.is_employee:
        raise Http404("survey")
    roots = [u.path for u in survey.units.all()]
    units = [
        u
        for u in Unit.objects.filter(q, organization=survey.organization).order_by("path")
        if any(u.path.startswith(p) for p in roots)
    ]
    if not units:
        raise Http404("unit")
    return survey, units


def may_set_policy(user: User, survey: Survey) -> bool:
    """Only an organization-wide admin decides between invitation-only and the open link."""
    return is_admin(user, survey.organization)


def invitation_required(survey: Survey) -> bool:
    return InvitationPolicy.objects.filter(survey=survey, required=True).exists()


@dataclass(frozen=True)
class Participation:
    unit: Unit
    label: str
    issued: int
    delivered: int
    answered: int  # spent invitations

    @property
    def rate(self) -> float | None:
        """Answered per hundred delivered."""
        return 100.0 * self.answered / self.delivered if self.delivered else None


def participation(survey: Survey, units: list[Unit]) -> list[Participation]:
    """One row per unit (of ``units``) with invitations: how many were made, delivered and
    spent. Spent invitations no longer exist, so ``answered`` is ``issued`` minus the unspent
    ones; nothing says whose they were."""
    ids = [u.pk for u in units]
    issued = dict(
        InvitationTally.objects.filter(survey=survey, unit_id__in=ids).values_list(
            "unit_id", "issued"
        )
    )
    left = {
        row["unit_id"]: row
        for row in Invitation.objects.filter(survey=survey, unit_id__in=ids)
        .values("unit_id")
        .annotate(unspent=Count("pk"), undelivered=Count("pk", filter=Q(delivered=False)))
        .order_by()
    }
    labels = path_labels([u for u in units if issued.get(u.pk)])
    out = []
    for unit in units:
        made = issued.get(unit.pk, 0)
        if not made:
            continue
        row = left.get(unit.pk, {"unspent": 0, "undelivered": 0})
        out.append(
            Participation(
                unit=unit,
                label=labels[unit.pk],
                issued=made,
                delivered=made - row["undelivered"],
                answered=made - row["unspent"],
            )
        )
    return out


def staff_invitees(survey: Survey, units: list[Unit]) -> list[Invitee]:
    """The organization's active staff members of ``units``: an e-mail for those whose user
    account has an address, a slip for the others."""
    by_id = {u.pk: u for u in units}
    staff = StaffMember.objects.filter(
        organization=survey.organization, active=True, unit_id__in=list(by_id)
    ).select_related("user")
    out = []
    for member in staff:
        user = member.user
        email = (user.email or "").strip() if user is not None and user.is_active else ""
        out.append(Invitee(unit=by_id[member.unit_id], email=email, name=member.name))
    return out
