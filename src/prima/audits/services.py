"""Writes of the audits app: storing checklist versions and recording an audit (issue 13).

:func:`audit_record` checks everything an audit names against the organization (unit, staff
member, service, checklist version), that the auditor may audit the unit, the time observed
and every answer against the checklist's lines (:func:`prima.audit_checklists.check_answers`),
then scores it with :func:`prima.metrics.audit_score.audit_score` and stores the audit with its
answers in one transaction. Refusals are :class:`AuditError`, whose ``errors`` map each field
(``answers.<line id>`` for an answer) to a message in the active language.

Who may record an audit, for now: a user with the admin, manager or supervisor role whose scope
(the whole organization, or a unit's subtree) covers the audited unit, for either kind
(``supervisor`` or ``mystery``). Mystery shoppers' own accounts and their assignments come with
the audit plans (issue 13 point 2); until then a supervisor enters a mystery shopper's audit.
"""

from __future__ import annotations

import json
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
from prima.audits.models import Audit, AuditAnswer, AuditKind, Checklist, ChecklistVersion
from prima.metrics.audit_score import audit_score
from prima.metrics.rounding import round_half_up
from prima.organizations.access import unit_scope_q
from prima.organizations.choices import Role
from prima.organizations.models import Organization, Service, StaffMember, Unit

AUDITOR_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR)
# a phone's clock may run a little ahead of the server's
FUTURE_TOLERANCE = timedelta(minutes=5)
BUILTIN_DEFAULT = "a6"


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


@transaction.atomic
def audit_record(
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
) -> Audit:
    """Check, score and store one audit (the module's docstring gives the checks).

    ``answers`` maps every line id of the checklist to ``"yes"``, ``"no"``, ``"na"`` or 1-4;
    ``checklist_version`` defaults to the built-in A6 checklist; ``pass_mark`` (the
    organization's, when it sets one) overrides the checklist's.
    """
    version = checklist_version if checklist_version is not None else builtin_checklist_version()
    errors = _placement(organization, unit, staff_member, service)
    if not (
        isinstance(version, ChecklistVersion)
        and version.checklist.organization_id in (None, organization.pk)
    ):
        errors["checklist_version"] = _("unknown checklist")
    if "unit" not in errors and not (
        getattr(auditor, "is_authenticated", False) and _may_audit(auditor, unit)
    ):
        errors["unit"] = _("unknown unit")
    if kind not in AuditKind.values:
        errors["kind"] = _('must be "supervisor" or "mystery"')
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
    )
    AuditAnswer.objects.bulk_create(
        AuditAnswer(audit=audit, line_id=line_id, answer=str(answer))
        for line_id, answer in checked.items()
    )
    return audit
