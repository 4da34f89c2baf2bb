"""Reads of the calibration pages: audits that share an encounter code, within what the user may
see of audit results (:func:`prima.audits.selectors.audits_visible_to`: a unit subtree, none for
a mystery shopper, who holds no role), grouped per encounter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Count, QuerySet

from prima.audits.models import Audit, AuditKind, ChecklistVersion
from prima.audits.selectors import audits_visible_to
from prima.calibration.report import MIN_SUBJECTS, Report, agreement_report
from prima.insights.periods import Period
from prima.organizations.calendar import zone_of
from prima.organizations.models import Organization, Unit

KIND_ORDER = {AuditKind.SUPERVISOR: 0, AuditKind.MYSTERY: 1}
__all__ = ["MIN_SUBJECTS", "Encounter", "agreement_of", "encounter_of", "encounters"]
MAX_ENCOUNTERS = 2000  # the report's largest selection (a unit's year of pairs is far fewer)


@dataclass(frozen=True)
class Encounter:
    code: str
    audits: tuple[Audit, ...]  # one per auditor, supervisor first (:func:`ordered`)

    @property
    def unit(self) -> Unit:
        return self.audits[0].unit

    @property
    def observed_at(self) -> datetime:
        return min(a.observed_at for a in self.audits)

    @property
    def version(self) -> ChecklistVersion:
        return self.audits[0].checklist_version


def ordered(audits: list[Audit]) -> tuple[Audit, ...]:
    """One audit per auditor (their first), supervisors before mystery shoppers, then by
    account: the fixed order Cohen's kappa compares (the first against the second auditor)."""
    first: dict[Any, Audit] = {}
    for audit in sorted(audits, key=lambda a: (a.observed_at, a.pk)):
        first.setdefault(audit.auditor_id or f"deleted-{audit.pk}", audit)
    return tuple(
        sorted(first.values(), key=lambda a: (KIND_ORDER.get(a.kind, 9), a.auditor_id or 0, a.pk))
    )


def calibration_audits(user: Any, organization: Organization) -> QuerySet[Audit]:
    return (
        audits_visible_to(user, organization)
        .exclude(encounter="")
        .select_related("auditor", "checklist_version")
    )


def encounters(
    user: Any,
    organization: Organization,
    *,
    period: Period,
    unit: Unit | None = None,
    version: ChecklistVersion | None = None,
) -> list[Encounter]:
    """The encounters audited by two or more auditors, observed in ``period`` (the
    organization's time zone), in ``unit``'s subtree, on ``version``; newest first."""
    zone = zone_of(organization)
    qs = calibration_audits(user, organization).filter(
        observed_at__gte=datetime.combine(period.start, time.min, zone),
        observed_at__lt=datetime.combine(period.end, time.min, zone),
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if version is not None:
        qs = qs.filter(checklist_version=version)
    groups: dict[str, list[Audit]] = {}
    for audit in qs.prefetch_related("answers").order_by("encounter", "observed_at", "pk"):
        groups.setdefault(audit.encounter, []).append(audit)
    found = [Encounter(code, ordered(audits)) for code, audits in groups.items()]
    found = [e for e in found if len(e.audits) >= 2]
    found.sort(key=lambda e: (e.observed_at, e.code), reverse=True)
    return found[:MAX_ENCOUNTERS]


def versions_in(user: Any, organization: Organization) -> list[ChecklistVersion]:
    """The checklist versions of the organization's calibration audits, most used first."""
    counts = {
        row["checklist_version_id"]: row["n"]
        for row in calibration_audits(user, organization)
        .order_by()
        .values("checklist_version_id")
        .annotate(n=Count("id"))
    }
    versions = ChecklistVersion.objects.filter(pk__in=counts).select_related("checklist")
    return sorted(versions, key=lambda v: (-counts[v.pk], -v.pk))


def encounter_of(user: Any, organization: Organization, code: str) -> Encounter | None:
    """One encounter's audits the user may see (None: none, the caller answers 404)."""
    audits = list(
        calibration_audits(user, organization)
        .filter(encounter=code)
        .prefetch_related("answers")
        .select_related("staff_member", "service")
    )
    return Encounter(code, ordered(audits)) if audits else None


def answers_of(audit: Audit) -> dict[str, str]:
    return {a.line_id: a.answer for a in audit.answers.all()}


def agreement_of(
    user: Any,
    organization: Organization,
    *,
    period: Period,
    unit: Unit | None = None,
    version: ChecklistVersion | None = None,
) -> tuple[list[Encounter], Report | None]:
    """The encounters of the selection and their agreement report (None: no encounter)."""
    if version is None:
        return [], None
    found = encounters(user, organization, period=period, unit=unit, version=version)
    if not found:
        return found, None
    answers = [[answers_of(a) for a in e.audits] for e in found]
    return found, agreement_report(version.parsed, answers)
