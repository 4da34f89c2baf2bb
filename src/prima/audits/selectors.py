"""Reads of the audits app for a user, and an audit's scores recomputed from its answers."""

from __future__ import annotations

from fractions import Fraction

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from prima.audits.models import Audit, ChecklistVersion
from prima.metrics.audit_score import AuditScore, audit_score
from prima.organizations.access import unit_scope_q
from prima.organizations.models import Organization


def audits_visible_to(
    user: AbstractBaseUser | AnonymousUser, organization: Organization
) -> QuerySet[Audit]:
    """The organization's audits of the units the user may see results of (none without
    access: the caller answers 404)."""
    q = unit_scope_q(user, organization)
    if q is None:
        return Audit.objects.none()
    return Audit.objects.filter(q, organization=organization).select_related(
        "unit", "staff_member", "service", "checklist_version__checklist"
    )


def checklist_versions_for(organization: Organization) -> QuerySet[ChecklistVersion]:
    """The checklist versions an organization may audit with: the built-in ones and its own."""
    return ChecklistVersion.objects.filter(
        checklist__organization__isnull=True
    ) | ChecklistVersion.objects.filter(checklist__organization=organization)


def audit_scores(audit: Audit) -> AuditScore:
    """Per A and overall scores of a stored audit, from its answers, by the pass mark it was
    judged by (the same function as when it was recorded: one implementation)."""
    answers = {a.line_id: a.answer for a in audit.answers.all()}
    return audit_score(
        audit.checklist_version.parsed, answers, pass_mark=Fraction(str(audit.pass_mark))
    )
