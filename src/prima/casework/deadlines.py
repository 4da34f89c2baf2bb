"""Where a case stands against its two due dates, in working days (issue 11, point 3).

A case's ``first_response_due`` and ``resolution_due`` are fixed when it is received (the N-th
working day after the local day of receipt, ``/work/shared/domain/complaints.md``, "Counting").
On a given local day ``today`` of its organization, a due date that is not yet met is:

- **open** with ``working_days_between(today, due)`` working days left (0: due today),
- **late** once ``today`` is after it (the due day itself is still on time), by
  ``working_days_between(due, today)`` working days (the due day not counted: the next working
  day after it is 1 day late; a weekend right after a Friday due date is late by 0 days).

The first response is met when the case has one (``first_response_at``), the resolution when
the case is closed (``selesai`` or ``ditolak``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from prima.cases.models import CLOSED_STATUSES, OPEN_STATUSES, Case
from prima.organizations.calendar import calendar_for, local_date
from prima.organizations.models import Organization
from prima.workdays import WorkCalendar


@dataclass(frozen=True)
class DueState:
    due: date
    met: bool  # responded / closed
    on_time: bool | None  # when met: on or before the due date (None: not known)
    late: bool  # not met and the due date has passed
    late_days: int  # working days past the due date (0 unless late)
    days_left: int | None  # working days to the due date (not met and not late)


def _state(
    due: date, met: bool, met_on: date | None, on_time: bool | None, cal: WorkCalendar, today: date
) -> DueState:
    if met:
        if on_time is None and met_on is not None:
            on_time = met_on <= due
        return DueState(due, True, on_time, False, 0, None)
    if today > due:
        return DueState(due, False, None, True, cal.working_days_between(due, today), None)
    return DueState(due, False, None, False, 0, cal.working_days_between(today, due))


def first_response_state(case: Case, cal: WorkCalendar, today: date) -> DueState:
    met_on = (
        local_date(case.organization, case.first_response_at) if case.first_response_at else None
    )
    on_time = getattr(case, "first_response_on_time", None)
    return _state(
        case.first_response_due, case.first_response_at is not None, met_on, on_time, cal, today
    )


def resolution_state(case: Case, cal: WorkCalendar, today: date) -> DueState:
    closed = case.status in CLOSED_STATUSES
    met_on = local_date(case.organization, case.resolved_at) if case.resolved_at else None
    return _state(case.resolution_due, closed, met_on, case.resolved_on_time, cal, today)


class Clock:
    """Calendars and local days per organization, computed once (a page or a check run)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._calendars: dict[int, WorkCalendar] = {}
        self._today: dict[int, date] = {}

    def calendar(self, organization: Organization) -> WorkCalendar:
        if organization.pk not in self._calendars:
            self._calendars[organization.pk] = calendar_for(organization)
        return self._calendars[organization.pk]

    def today(self, organization: Organization) -> date:
        if organization.pk not in self._today:
            self._today[organization.pk] = local_date(organization, self.now)
        return self._today[organization.pk]

    def states(self, case: Case) -> tuple[DueState, DueState]:
        cal, today = self.calendar(case.organization), self.today(case.organization)
        return first_response_state(case, cal, today), resolution_state(case, cal, today)

    def annotate(self, cases: list[Case]) -> list[Case]:
        """Sets ``case.first_state`` and ``case.resolution_state`` on each case."""
        for case in cases:
            first, resolution = self.states(case)
            case.first_state = first  # type: ignore[attr-defined]
            case.resolution_state = resolution  # type: ignore[attr-defined]
        return cases


def late_q(today: date) -> Q:
    """Cases of one organization whose local day is ``today`` that missed a due date: open
    past a due date not met, or resolved after the resolution due."""
    open_cases = Q(status__in=list(OPEN_STATUSES))
    return (
        (open_cases & Q(resolution_due__lt=today))
        | (open_cases & Q(first_response_at__isnull=True, first_response_due__lt=today))
        | Q(resolved_on_time=False)
    )
