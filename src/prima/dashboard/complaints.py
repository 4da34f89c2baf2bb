"""Complaint handling on the dashboard (issue 11, point 6; issue 10, point 2: "open alerts and,
when complaints exist, open and late cases").

- **The headline card** (:func:`open_and_late`): the open cases (``baru``, ``diverifikasi``,
  ``diproses``) of the selection, and how many of them are late: past their resolution due or,
  with no first response yet, past their first-response due, in the organization's local date
  (:func:`prima.cases.selectors.overdue_open_q`, the lateness of ``case_measures`` for the
  cases still open). With a period chosen, the cases received in it; without one, every case
  open now. It links to ``/app/kasus/`` filtered the same way.
- **The section "Pengaduan"** (:func:`complaints_section`): the measures of point 6 for the
  selection and period (:func:`prima.cases.selectors.case_measures`, formulas in
  :mod:`prima.metrics.handling`; nothing is recomputed here), then one row per child unit.

Both appear only for users who may see cases (:mod:`prima.casework.access`) and only when the
survey's organization has received any case ("when complaints exist"). The selection is the
dashboard's own (:class:`Selection`): the survey's organization, the selected unit's subtree,
the period (a named one or a from/to range, in the organization's time zone) and the service and
staff member when chosen (cases carry them where known; the dashboard's filter parsing already
answers 404 for a unit, service or staff member outside the viewer's units or of another
organization), within the cases the user may see. The links to ``/app/kasus/`` carry every one of
these filters (``from``/``to`` for a range), so that the list shows exactly the cases counted
in "received".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from prima.cases.models import OPEN_STATUSES, Case
from prima.cases.selectors import case_measures, cases_for_user, cases_received, overdue_open_q
from prima.casework import access as casework_access
from prima.insights.periods import Period
from prima.metrics.handling import HandlingMeasures
from prima.organizations.access import User
from prima.organizations.calendar import local_date
from prima.organizations.models import Organization, Service, StaffMember, Unit

MAX_UNITS = 30
"""Child units shown in the section's table (as many as the units section compares)."""


def may_see_cases(user: User | None, organization: Organization) -> bool:
    """Whether the user may see some case of ``organization`` (the case pages' own rule)."""
    if user is None or not user.is_authenticated:
        return False
    return casework_access.case_organizations(user).filter(pk=organization.pk).exists()


def has_cases(organization: Organization) -> bool:
    return Case.objects.filter(organization=organization).exists()


def shown(user: User | None, organization: Organization) -> bool:
    """The card and the section are shown: the user may see cases and some exist."""
    return may_see_cases(user, organization) and has_cases(organization)


def _bounds(period: Period | None) -> tuple[date | None, date | None]:
    return (period.start, period.end) if period is not None else (None, None)


@dataclass(frozen=True)
class Selection:
    """The dashboard's filters that apply to cases (all optional)."""

    unit: Unit | None = None
    period: Period | None = None
    custom: bool = False  # the period is a from/to range
    service: Service | None = None
    staff: StaffMember | None = None

    @classmethod
    def of(cls, filters: Any) -> Selection:
        """From the dashboard's :class:`prima.dashboard.board.Filters`."""
        return cls(filters.unit, filters.period, filters.custom, filters.service, filters.staff)

    def cases(self, user: User, organization: Organization) -> QuerySet[Case]:
        start, end = _bounds(self.period)
        return cases_received(
            cases_for_user(user, organization),
            organization,
            unit=self.unit,
            start=start,
            end=end,
            service=self.service,
            staff=self.staff,
        )


@dataclass(frozen=True)
class CaseCounts:
    open: int
    late: int
    url: str  # the case list filtered as the card counts (open cases)
    late_url: str  # ... and only the late ones


def list_url(selection: Selection, organization: Organization | None = None, **extra: str) -> str:
    """``/app/kasus/`` with the selection's filters: unit, period (``from``/``to``, the last day
    included, for a range), service and staff member; ``organization`` when given (the list's
    organization filter, for a user who sees cases of several)."""
    params: dict[str, str] = {}
    if organization is not None:
        params["organization"] = str(organization.pk)
    if selection.unit is not None:
        params["unit"] = str(selection.unit.pk)
    period = selection.period
    if period is not None and selection.custom:
        params["from"] = period.start.isoformat()
        params["to"] = date.fromordinal(period.end.toordinal() - 1).isoformat()
    elif period is not None:
        params["period"] = period.label
    if selection.service is not None:
        params["service"] = str(selection.service.pk)
    if selection.staff is not None:
        params["staff"] = str(selection.staff.pk)
    params.update(extra)
    return f"{reverse('casework:list')}?{urlencode(params)}"


def _organization_param(user: User, organization: Organization) -> Organization | None:
    """The organization for the list's link when the user sees cases of several (the list then
    has an organization filter; otherwise it has none)."""
    several = casework_access.case_organizations(user).exclude(pk=organization.pk).exists()
    return organization if several else None


def open_and_late(
    user: User | None,
    organization: Organization,
    unit: Unit | None,
    period: Period | None,
    custom: bool = False,
    now: datetime | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
) -> CaseCounts | None:
    """The card's counts (one query), or None when the card is not shown."""
    if user is None or not shown(user, organization):
        return None
    selection = Selection(unit, period, custom, service, staff)
    qs = selection.cases(user, organization)
    today = local_date(organization, now or timezone.now())
    row = qs.order_by().aggregate(
        open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
        late=Count("id", filter=overdue_open_q(today)),
    )
    org_param = _organization_param(user, organization)
    return CaseCounts(
        open=row["open"],
        late=row["late"],
        url=list_url(selection, org_param, status="open"),
        late_url=list_url(selection, org_param, status="open", timeliness="late"),
    )


@dataclass(frozen=True)
class UnitMeasures:
    unit: Unit
    measures: HandlingMeasures


@dataclass(frozen=True)
class ComplaintsSection:
    measures: HandlingMeasures
    parent: Unit | None
    rows: list[UnitMeasures]
    left_out: int
    today: date
    list_url: str


def complaints_section(
    user: User,
    organization: Organization,
    selection: Selection,
    children: list[Unit],
    parent: Unit | None,
    now: datetime | None = None,
) -> ComplaintsSection:
    """The measures of the selection (``case_measures``) and of each child unit's subtree
    (``children``: the units the units section compares, at most :data:`MAX_UNITS`), with the
    same period, service and staff member."""
    now = now or timezone.now()
    start, end = _bounds(selection.period)

    def measures(u: Unit | None) -> HandlingMeasures:
        return case_measures(
            user,
            organization,
            unit=u,
            start=start,
            end=end,
            now=now,
            service=selection.service,
            staff=selection.staff,
        )

    rows = [UnitMeasures(u, measures(u)) for u in children[:MAX_UNITS]]
    return ComplaintsSection(
        measures=measures(selection.unit),
        parent=parent,
        rows=rows,
        left_out=max(0, len(children) - MAX_UNITS),
        today=local_date(organization, now),
        list_url=list_url(selection, _organization_param(user, organization)),
    )
