"""Writes of the audits app: storing checklist versions and recording an audit (issue 13).

:func:`audit_record` checks everything an audit names against the organization (unit, staff
member, service, checklist version), that the auditor may audit the unit, the time observed
and every answer against the checklist's lines (:func:`prima.audit_checklists.check_answers`),
then scores it with :func:`prima.metrics.audit_score.audit_score` and stores the audit with its
answers in one transaction. Refusals are :class:`AuditError`, whose ``errors`` map each field
(``answers.<line id>`` for an answer) to a message in the active language.

Who may record an audit: a user with the admin, manager or supervisor role whose scope
(the whole organization, or a unit's subtree) covers the audited unit, for either kind
(``supervisor`` or ``mystery``); and the auditor of an assignment (:mod:`prima.audits.planning`,
a supervisor or a mystery shopper) for that assignment, whose plan fixes the unit (or a unit
under it), the checklist version and the kind.

A ``submission_id`` (the client's UUID of one audit) stores the audit once: a retry by the same
auditor gives back the stored audit (:func:`audit_submit` says whether it was new), the unique
constraint settling two retries at once.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from importlib import resources
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prima.audit_checklists import AnswerError, ChecklistError, check_answers, parse_checklist
from prima.audit_checklists.model import BUILTIN_PACKAGE
from prima.audits.models import (
    Audit,
    AuditAnswer,
    AuditAssignment,
    AuditKind,
    Checklist,
    ChecklistVersion,
)
from prima.metrics.audit_score import audit_score
from prima.metrics.rounding import round_half_up
from prima.organizations.access import unit_scope_q
from prima.organizations.choices import Role
from prima.organizations.models import Organization, Service, StaffMember, Unit

AUDITOR_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR)
# a phone's clock may run a little ahead of the server's
FUTURE_TOLERANCE = timedelta(minutes=5)
BUILTIN_DEFAULT = "a6"
MAX_NOTE = 2000
# the encounter code shared by audits of one encounter (calibration, prima.calibration)
ENCOUNTER = re.compile(r"[A-Za-z0-9-]{1,40}")


class AuditError(ValueError):
    """A request the audits app refuses; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


# -- checklists --------------------------------------------------------------------------------
def checklist_save(*, organization: Organization | None, definition: Any) -> ChecklistVersion:
    """Store one version of a checklist (built-in when ``organization`` is None).

    The same code and version with the same definition give back the stored version; a
    different definition under a stored version number is refused (a version never changes,
    audits were answered on it): raise ``version`` in the definition instead.
    """
    try:
        parsed = parse_checklist(definition, source="definition")
    except ChecklistError as exc:
        raise AuditError({"definition": str(exc)}) from None
    with transaction.atomic():
        checklist, _created = Checklist.objects.get_or_create(
            organization=organization, code=parsed.code, defaults={"title": parsed.title["id"]}
        )
        stored = checklist.versions.filter(number=parsed.version).first()
        if stored is None:
            try:
                with transaction.atomic():
                    stored = ChecklistVersion.objects.create(
                        checklist=checklist, number=parsed.version, definition=definition
                    )
            except IntegrityError:  # saved at the same moment by another request
                stored = checklist.versions.get(number=parsed.version)
            latest = checklist.versions.order_by("-number").values_list("number", flat=True)[0]
            if parsed.version == latest and checklist.title != parsed.title["id"]:
                checklist.title = parsed.title["id"]
                checklist.save(update_fields=["title"])
    if stored.definition != definition:
        raise AuditError(
            {
                "version": _(
                    "version %(number)s of this checklist is stored with other contents; "
                    "give the changed checklist a new version number"
                )
                % {"number": parsed.version}
            }
        )
    return stored


def builtin_checklist_version(code: str = BUILTIN_DEFAULT) -> ChecklistVersion:
    """The stored version of a built-in checklist (stored from its JSON on first use)."""
    text = resources.files(BUILTIN_PACKAGE).joinpath(f"{code}.json").read_text("utf-8")
    return checklist_save(organization=None, definition=json.loads(text))


# -- audits ------------------------------------------------------------------------------------
def _within(inner: Unit, outer: Unit) -> bool:
    """``inner`` is ``outer`` or lies under it, or the other way round (a staff member or a
    service of a parent unit may serve at a sub-unit's counter)."""
    return inner.path.startswith(outer.path) or outer.path.startswith(inner.path)


def _may_audit(user: AbstractBaseUser, unit: Unit) -> bool:
    q = unit_scope_q(user, unit.organization, field="", roles=AUDITOR_ROLES)
    return q is not None and Unit.objects.filter(q, pk=unit.pk).exists()


def _placement(
    organization: Organization, unit: Any, staff_member: Any, service: Any
) -> dict[str, str]:
    errors: dict[str, str] = {}
    unit_ok = isinstance(unit, Unit) and unit.organization_id == organization.pk
    if not unit_ok:
        errors["unit"] = _("unknown unit")
    if staff_member is not None and not (
        isinstance(staff_member, StaffMember)
        and staff_member.organization_id == organization.pk
        and (not unit_ok or _within(staff_member.unit, unit))
    ):
        errors["staff_member"] = _("unknown staff member for this unit")
    if service is not None and not (
        isinstance(service, Service)
        and service.organization_id == organization.pk
        and (not unit_ok or _within(service.unit, unit))
    ):
        errors["service"] = _("this service is not offered by the unit")
    return errors


def _observed_at(value: Any) -> tuple[datetime | None, dict[str, str]]:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        return None, {"observed_at": _("must be a date and time with its time zone")}
    if value > timezone.now() + FUTURE_TOLERANCE:
        return None, {"observed_at": _("must not be in the future")}
    return value, {}


def _pass_mark(value: Any, default: Fraction) -> tuple[Fraction, dict[str, str]]:
    """The pass mark as stored (half-up to 4 decimals), so a stored audit rescores the same."""
    mark = default
    if value is not None:
        try:
            if isinstance(value, bool):
                raise TypeError
            mark = Fraction(str(value))
        except (TypeError, ValueError):
            return default, {"pass_mark": _("must be a percentage above 0 and at most 100")}
    if not 0 < mark <= 100:
        return default, {"pass_mark": _("must be a percentage above 0 and at most 100")}
    return Fraction(round_half_up(mark, 4)), {}


def audit_record(**kwargs: Any) -> Audit:
    """Check, score and store one audit; :func:`audit_submit`'s arguments."""
    return audit_submit(**kwargs)[0]


def _assignment_errors(
    assignment: Any, auditor: AbstractBaseUser, unit: Any, organization: Organization
) -> dict[str, str]:
    if not (
        isinstance(assignment, AuditAssignment)
        and assignment.organization_id == organization.pk
        and assignment.auditor_id == getattr(auditor, "pk", None)
    ):
        return {"assignment": _("unknown assignment")}
    plan_unit = assignment.plan.unit
    if isinstance(unit, Unit) and not unit.path.startswith(plan_unit.path):
        return {"unit": _("unknown unit")}
    if assignment.audits.count() >= assignment.count:
        return {"assignment": _("every audit of this assignment has been recorded")}
    return {}


def _stored(organization: Organization, submission_id: Any, auditor: Any) -> Audit | None:
    if submission_id is None:
        return None
    found = Audit.objects.filter(organization=organization, submission_id=submission_id).first()
    if found is not None and found.auditor_id != getattr(auditor, "pk", None):
        raise AuditError({"submission_id": _("this submission id is used by another audit")})
    return found


def audit_submit(
    *,
    organization: Organization,
    unit: Unit,
    auditor: AbstractBaseUser,
    kind: str,
    observed_at: datetime,
    answers: Mapping[str, Any],
    checklist_version: ChecklistVersion | None = None,
    staff_member: StaffMember | None = None,
    service: Service | None = None,
    pass_mark: Any = None,
    assignment: AuditAssignment | None = None,
    submission_id: Any = None,
    note: str = "",
    encounter: str = "",
) -> tuple[Audit, bool]:
    """Check, score and store one audit (the module's docstring gives the checks); the audit
    and whether it is new (False: the same ``submission_id`` was stored before).

    ``answers`` maps every line id of the checklist to ``"yes"``, ``"no"``, ``"na"`` or 1-4;
    ``checklist_version`` defaults to the built-in A6 checklist (an assignment's plan sets it);
    ``pass_mark`` (the organization's, when it sets one) overrides the checklist's;
    ``encounter`` (trimmed, letters, digits and "-", at most 40) is the code audits of the same
    encounter by different auditors share (calibration), empty when none.
    """
    if submission_id is not None and not isinstance(submission_id, uuid.UUID):
        try:
            submission_id = uuid.UUID(str(submission_id))
        except ValueError:
            raise AuditError({"submission_id": _("must be a UUID")}) from None
    stored = _stored(organization, submission_id, auditor)
    if stored is not None:
        return stored, False
    if assignment is not None:
        errors = _assignment_errors(assignment, auditor, unit, organization)
        if errors:
            raise AuditError(errors)
        kind = assignment.kind
        checklist_version = assignment.plan.checklist_version
    try:
        with transaction.atomic():
            return _record(
                organization=organization,
                unit=unit,
                auditor=auditor,
                kind=kind,
                observed_at=observed_at,
                answers=answers,
                checklist_version=checklist_version,
                staff_member=staff_member,
                service=service,
                pass_mark=pass_mark,
                assignment=assignment,
                submission_id=submission_id,
                note=note,
                encounter=encounter,
            ), True
    except IntegrityError:
        stored = _stored(organization, submission_id, auditor)
        if stored is None:
            raise
        return stored, False


def _record(
    *,
    organization: Organization,
    unit: Unit,
    auditor: AbstractBaseUser,
    kind: str,
    observed_at: datetime,
    answers: Mapping[str, Any],
    checklist_version: ChecklistVersion | None,
    staff_member: StaffMember | None,
    service: Service | None,
    pass_mark: Any,
    assignment: AuditAssignment | None,
    submission_id: Any,
    note: str,
    encounter: str,
) -> Audit:
    version = checklist_version if checklist_version is not None else builtin_checklist_version()
    errors = _placement(organization, unit, staff_member, service)
    if not (
        isinstance(version, ChecklistVersion)
        and version.checklist.organization_id in (None, organization.pk)
    ):
        errors["checklist_version"] = _("unknown checklist")
    if (
        "unit" not in errors
        and assignment is None
        and not (getattr(auditor, "is_authenticated", False) and _may_audit(auditor, unit))
    ):
        errors["unit"] = _("unknown unit")
    if kind not in AuditKind.values:
        errors["kind"] = _('must be "supervisor" or "mystery"')
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        errors["note"] = _("at most %(n)s characters") % {"n": MAX_NOTE}
    encounter = encounter.strip() if isinstance(encounter, str) else encounter
    if not isinstance(encounter, str) or (encounter and not ENCOUNTER.fullmatch(encounter)):
        errors["encounter"] = _(
            "use at most 40 letters, digits and hyphens (-), e.g. KAL-2026-07-01"
        )
    observed, time_errors = _observed_at(observed_at)
    errors.update(time_errors)
    if "checklist_version" in errors:
        raise AuditError(errors)
    checklist = version.parsed
    mark, mark_errors = _pass_mark(pass_mark, checklist.pass_mark)
    errors.update(mark_errors)
    checked: dict[str, Any] = {}
    if not isinstance(answers, Mapping):
        errors["answers"] = _("must map each line of the checklist to its answer")
    else:
        try:
            checked = check_answers(checklist, answers)
        except AnswerError as exc:
            errors.update({f"answers.{line}": _(msg) for line, msg in exc.errors.items()})
    if errors:
        raise AuditError(errors)
    result = audit_score(checklist, checked, pass_mark=mark)
    audit = Audit.objects.create(
        organization=organization,
        unit=unit,
        staff_member=staff_member,
        service=service,
        auditor=auditor,
        kind=kind,
        observed_at=observed,
        checklist_version=version,
        score=None if result.overall is None else round_half_up(result.overall, 4),
        verdict=result.verdict,
        critical_failures=list(result.critical_failures),
        pass_mark=round_half_up(mark, 4),
        assignment=assignment,
        submission_id=submission_id,
        note=note.strip(),
        encounter=encounter,
    )
    AuditAnswer.objects.bulk_create(
        AuditAnswer(audit=audit, line_id=line_id, answer=str(answer))
        for line_id, answer in checked.items()
    )
    return audit
