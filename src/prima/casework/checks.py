"""Reminders, breaches and escalation of open cases: what ``prima cases check`` runs (issue 11,
point 4).

For every open case (``baru``, ``diverifikasi``, ``diproses``), on its organization's local day
``today`` and calendar (:mod:`prima.casework.deadlines`), for each due date not met yet
(the first response while the case has none, the resolution while it is open):

- **reminder** one working day before the due date (``working_days_between(today, due) <= 1``
  and the due date not passed: the day before, or the due day itself when no check ran the day
  before): to the case's owner, or without one to the managers of its unit;
- **breach** once the due date has passed: to the managers of the unit, and to the owner;
- **escalation** when the resolution is late by more than ``CaseSettings.escalate_after_days``
  working days (default 5): to the managers of the parent unit (level 1); late by more than twice
  that, to the managers of the unit above it (level 2), and so on up to the organization's
  own managers (the level after the top unit). One level at a time: a check sends at most the
  next level after the highest one already sent for that due date, so no level is ever skipped
  (a check that did not run for weeks catches up one level per run).

"The managers of a unit" are the active users with the admin or manager role on that very unit;
when it has none, those of the nearest unit above that has some, and at the top the
organization-wide admins and managers (a notice always reaches someone responsible).

Each notice exists once per case, kind, due date and level (``CaseNotice``'s unique constraint,
inside a savepoint): running the check twice, or two checks at once, sends each notice once. A
notice is an in-app notification per recipient (``/app/pemberitahuan/``), a line in the case's
history, and e-mails sent by the task worker after the commit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prima.alerts.models import Notification
from prima.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNotice,
    CaseSettings,
)
from prima.cases.services import cases_record_pending
from prima.casework.deadlines import Clock, DueState
from prima.formats import day_label
from prima.organizations.choices import Role
from prima.organizations.models import Membership, Organization, Unit
from prima.organizations.unit_labels import path_label

log = logging.getLogger(__name__)

MANAGER_ROLES = (Role.ADMIN, Role.MANAGER)
Kind = CaseNotice.Kind
DEFAULT_ESCALATE_AFTER = CaseSettings._meta.get_field("escalate_after_days").default
BATCH = 500


@dataclass
class CheckResult:
    cases: int = 0  # open cases looked at
    reminders: int = 0
    breaches: int = 0
    escalations: int = 0
    notifications: int = 0  # in-app notices stored (one per recipient)
    recorded: int = 0  # public complaints recorded here (the task worker had not)
    notices: list[CaseNotice] = field(default_factory=list)  # the new ones

    def add(self, notice: CaseNotice, recipients: int) -> None:
        self.notices.append(notice)
        self.notifications += recipients
        if notice.kind in (Kind.REMIND_FIRST, Kind.REMIND_RESOLUTION):
            self.reminders += 1
        elif notice.kind == Kind.ESCALATED:
            self.escalations += 1
        else:
            self.breaches += 1


# -- recipients --------------------------------------------------------------------------------
def _ancestor_paths(unit: Unit) -> list[str]:
    """The paths of the units above ``unit``, the parent first."""
    parts = unit.path.split(".")[:-1]
    return [".".join(parts[:i]) + "." for i in range(len(parts) - 1, 0, -1)]


ManagerIndex = dict[str | None, dict[int, Any]]  # unit path (None: organization) -> users


def manager_index(organization: Organization) -> ManagerIndex:
    """The admins and managers of ``organization`` by the path of their membership's unit."""
    index: ManagerIndex = {}
    for m in Membership.objects.filter(
        organization=organization, role__in=list(MANAGER_ROLES), user__is_active=True
    ).select_related("user", "unit"):
        key = m.unit.path if m.unit is not None else None
        index.setdefault(key, {})[m.user_id] = m.user
    return index


def managers_of(
    organization: Organization, unit_path: str | None, index: ManagerIndex | None = None
) -> list[Any]:
    """The managers of the unit at ``unit_path`` (None: the organization's own): see the
    module's docstring."""
    by_path = index if index is not None else manager_index(organization)
    chain: list[str | None] = []
    if unit_path is not None:
        parts = unit_path.split(".")[:-1]
        chain = [".".join(parts[:i]) + "." for i in range(len(parts), 0, -1)]
    for key in [*chain, None]:
        found = by_path.get(key)
        if found:
            return [found[k] for k in sorted(found)]
    return []


def escalation_target(case: Case, level: int) -> tuple[bool, str | None]:
    """(exists, unit path or None for the organization) of escalation ``level`` (1: parent)."""
    targets: list[str | None] = [*_ancestor_paths(case.unit), None]
    if level < 1 or level > len(targets):
        return False, None
    return True, targets[level - 1]


def _with_owner(users: list[Any], case: Case) -> list[Any]:
    owner = case.owner
    if owner is not None and owner.is_active and all(u.pk != owner.pk for u in users):
        return [*users, owner]
    return users


# -- texts -------------------------------------------------------------------------------------
def case_url(case: Case) -> str:
    return f"{settings.BASE_URL}{reverse('casework:detail', args=[case.pk])}"


NOTICE_FRAGMENT = re.compile(r"/(\d+)/#notice-(\d+)$")
CASE_PAGE = re.compile(r"/(\d+)/$")


def notice_url(case: Case, notice: CaseNotice) -> str:
    """The case's page, with the notice it is about (read back by :func:`notification_texts`)."""
    return f"{case_url(case)}#notice-{notice.pk}"[:500]


def notification_texts(items: list[Any]) -> None:
    """The titles and bodies of notice and assignment notifications in the active language
    (they are stored in the installation's): a titler of :data:`prima.alerts.selectors.TITLERS`.
    Notifications it does not know keep their stored text."""
    notices: dict[int, list[Any]] = {}
    owned: dict[int, list[Any]] = {}
    for n in items:
        found = NOTICE_FRAGMENT.search(n.url or "")
        if found is not None:
            notices.setdefault(int(found[2]), []).append(n)
        elif (found := CASE_PAGE.search(n.url or "")) is not None:
            owned.setdefault(int(found[1]), []).append(n)  # an assignment, maybe
    rows = CaseNotice.objects.filter(pk__in=notices).select_related("case__unit", "case")
    late: dict[tuple[int, str, str, int], int] = {}
    cases = {row.case_id for row in rows}
    for data in CaseEvent.objects.filter(case_id__in=cases, kind=CaseEventKind.NOTICE).values_list(
        "case_id", "data"
    ):
        case_id, values = data
        key = (case_id, values.get("notice"), values.get("due"), values.get("level", 0))
        late[key] = int(values.get("late_days") or 0)
    for notice in rows:
        days = late.get((notice.case_id, notice.kind, notice.due.isoformat(), notice.level), 0)
        title, body = notice_texts(notice, notice.case, days)
        for n in notices[notice.pk]:
            n.display_title, n.display_body = title, body
    for case in Case.objects.filter(pk__in=owned).only("pk", "tracking_code"):
        values = {"code": case.tracking_code}
        with translation.override(settings.LANGUAGE_CODE):
            stored = _("Case %(code)s assigned to you") % values
        for n in owned[case.pk]:
            if n.title == stored:  # prima.casework.receivers.notify_owner's
                n.display_title = _("Case %(code)s assigned to you") % values


def notice_texts(notice: CaseNotice, case: Case, late_days: int = 0) -> tuple[str, str]:
    """The notice's title and body in the active language."""
    lang = translation.get_language()
    values = {
        "code": case.tracking_code,
        "unit": path_label(case.unit),
        "due": day_label(notice.due, lang),
        "days": late_days,
        "level": notice.level,
    }
    kind = notice.kind
    if kind == Kind.REMIND_FIRST:
        title = _("Reminder: case %(code)s needs its first response by %(due)s") % values
    elif kind == Kind.REMIND_RESOLUTION:
        title = _("Reminder: case %(code)s is to be resolved by %(due)s") % values
    elif kind == Kind.BREACH_FIRST:
        title = _("Late: case %(code)s had no first response by %(due)s") % values
    elif kind == Kind.BREACH_RESOLUTION:
        title = _("Late: case %(code)s was not resolved by %(due)s") % values
    else:
        title = (
            ngettext(
                "Escalated: case %(code)s is %(days)s working day past its resolution due "
                "date (%(due)s)",
                "Escalated: case %(code)s is %(days)s working days past its resolution due "
                "date (%(due)s)",
                late_days,
            )
            % values
        )
    body = _("Unit: %(unit)s.") % values
    if kind == Kind.ESCALATED:
        body += " " + (
            _(
                "Escalated to you as a manager above the unit (level %(level)s): please see "
                "that the complaint is resolved."
            )
            % values
        )
    elif kind in (Kind.BREACH_FIRST, Kind.BREACH_RESOLUTION):
        body += " " + _("The deadline has passed: please see that the complaint is handled.")
    else:
        body += " " + _("One working day is left.")
    return " ".join(title.split())[:300], body


# -- sending one notice ------------------------------------------------------------------------
def _send_notice(
    case: Case,
    kind: str,
    due_state: DueState,
    recipients: list[Any],
    *,
    level: int = 0,
    now: datetime,
    result: CheckResult,
) -> bool:
    """Store the notice once, with its notifications and history line; e-mails after commit.
    False when it was already sent (by this or a concurrent check)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice = CaseNotice.objects.create(
                    case=case, kind=kind, due=due_state.due, level=level
                )
        except IntegrityError:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            title, body = notice_texts(notice, case, due_state.late_days)
        url = notice_url(case, notice)
        Notification.objects.bulk_create(
            [
                Notification(
                    user=user,
                    organization_id=case.organization_id,
                    title=title,
                    body=body,
                    url=url,
                )
                for user in recipients
            ]
        )
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind=CaseEventKind.NOTICE,
            data={
                "notice": kind,
                "due": due_state.due.isoformat(),
                "level": level,
                "late_days": due_state.late_days,
                "recipients": [u.pk for u in recipients],
            },
        )
        user_ids = [u.pk for u in recipients if u.email]
        if user_ids:
            from prima.casework.mail import enqueue_notice_mail

            transaction.on_commit(
                lambda: enqueue_notice_mail(notice.pk, user_ids, due_state.late_days)
            )
    result.add(notice, len(recipients))
    return True


def check_case(
    case: Case,
    clock: Clock,
    escalate_after: int,
    result: CheckResult,
    index: ManagerIndex | None = None,
) -> None:
    """The notices ``case`` is due on the clock's day (see the module's docstring)."""
    first, resolution = clock.states(case)
    now = clock.now
    index = index if index is not None else manager_index(case.organization)
    unit_managers = managers_of(case.organization, case.unit.path, index)
    for state, remind, breach in (
        (first, Kind.REMIND_FIRST, Kind.BREACH_FIRST),
        (resolution, Kind.REMIND_RESOLUTION, Kind.BREACH_RESOLUTION),
    ):
        if state.met:
            continue
        if state.late:
            _send_notice(
                case, breach, state, _with_owner(unit_managers, case), now=now, result=result
            )
        elif state.days_left is not None and state.days_left <= 1:
            to = [case.owner] if case.owner is not None and case.owner.is_active else []
            _send_notice(case, remind, state, to or unit_managers, now=now, result=result)
    if resolution.late:
        sent = CaseNotice.objects.filter(
            case=case, kind=Kind.ESCALATED, due=resolution.due
        ).aggregate(top=Max("level"))["top"]
        level = (sent or 0) + 1
        exists, path = escalation_target(case, level)
        if exists and resolution.late_days > level * escalate_after:
            recipients = managers_of(case.organization, path, index)
            _send_notice(
                case,
                Kind.ESCALATED,
                resolution,
                recipients,
                level=level,
                now=now,
                result=result,
            )


def cases_check(
    *, now: datetime | None = None, organizations: Iterable[Organization] | None = None
) -> CheckResult:
    """Check every open case (of ``organizations``, default all) at ``now`` (default: now).
    Public complaints the task worker has not recorded yet (none is running) are recorded
    first: their receipts and webhooks go out."""
    clock = Clock(now or timezone.now())
    result = CheckResult()
    qs = Case.objects.filter(status__in=list(OPEN_STATUSES)).select_related(
        "organization", "unit", "owner"
    )
    if organizations is not None:
        qs = qs.filter(organization__in=list(organizations))
    pending = qs.filter(recorded=False).values_list("pk", flat=True)
    result.recorded = len(cases_record_pending(ids=list(pending)))
    escalate = dict(CaseSettings.objects.values_list("organization_id", "escalate_after_days"))
    indexes: dict[int, ManagerIndex] = {}
    last = 0
    while True:  # in batches by id: writes between reads are safe on SQLite and PostgreSQL
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        for case in batch:
            result.cases += 1
            after = escalate.get(case.organization_id, DEFAULT_ESCALATE_AFTER)
            if case.organization_id not in indexes:
                indexes[case.organization_id] = manager_index(case.organization)
            try:
                check_case(case, clock, after, result, indexes[case.organization_id])
            except Exception:  # one broken case never stops the others' notices
                log.exception("cases check: case %s failed", case.pk)
    return result
