"""Reads of cases, always through the permission gate (:mod:`prima.organizations.access`).

Who sees what (issue 11; Perpres 76/2013 protects the complainant's identity):

- every role of an organization (admin, manager, supervisor, viewer and staff) sees the cases
  of the units it may see (its unit subtree, or the whole organization);
- the complainant's contact (name, e-mail, telephone) only the roles that handle cases
  (:data:`HANDLING_ROLES`: admin, manager, supervisor) of a subtree holding the case's unit,
  and the case's owner; never viewers or staff who do not own the case;
- acting on a case (status, notes, assignment) is for the same people: :func:`can_handle`;
- registering a case for a unit (staff intake) also for the staff role: :func:`can_register`.

Objects outside a user's scope answer 404, never 403.

The public side reads by tracking code only (:func:`case_get_public`) and shows what
:func:`public_events` returns: status changes and notes meant for the complainant, never the
contact, the owner or internal notes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.http import Http404
from django.utils import timezone

from prima.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseCategory,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
)
from prima.cases.services import builtin_categories, tracking_code_normalise
from prima.metrics.handling import HandlingMeasures, HandlingTotals, handling_measures
from prima.organizations.access import User, memberships_of
from prima.organizations.calendar import local_date
from prima.organizations.choices import Role
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.process_cache import ProcessCache
from prima.surveys.models import Survey

CASE_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.STAFF, Role.VIEWER)
HANDLING_ROLES = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR)
REGISTERING_ROLES = (*HANDLING_ROLES, Role.STAFF)


# -- scope -------------------------------------------------------------------------------------
def _scope_q(user: User, roles: Iterable[str]) -> Q | None:
    """Cases (any organization) under the user's memberships with ``roles``; None for none."""
    q: Q | None = None
    for m in memberships_of(user, roles):
        part = Q(organization_id=m.organization_id)
        if m.unit_id is not None:
            assert m.unit is not None
            part &= Q(unit__path__startswith=m.unit.path)
        q = part if q is None else q | part
    return q


def cases_for_user(user: User, organization: Organization | None = None) -> QuerySet[Case]:
    """The cases the user may see (every role of their organizations, in its unit scope)."""
    q = _scope_q(user, CASE_ROLES)
    if q is None:
        return Case.objects.none()
    qs = Case.objects.filter(q)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.select_related("organization", "unit", "category", "owner")


def case_get_for_user(user: User, pk: Any) -> Case:
    """The case if the user may see it, else 404."""
    if not isinstance(pk, int):
        raise Http404("case")
    case = cases_for_user(user).filter(pk=pk).first()
    if case is None:
        raise Http404("case")
    return case


@dataclass(frozen=True)
class Scopes:
    """Where a user holds some roles: whole organizations, and unit subtrees (paths)."""

    organizations: frozenset[int]
    paths: tuple[tuple[int, str], ...]

    def covers(self, organization_id: int, unit_path: str) -> bool:
        return organization_id in self.organizations or any(
            org == organization_id and unit_path.startswith(path) for org, path in self.paths
        )


def scopes_of(user: User, roles: Iterable[str]) -> Scopes:
    whole, paths = set(), []
    for m in memberships_of(user, roles):
        if m.unit_id is None:
            whole.add(m.organization_id)
        else:
            assert m.unit is not None
            paths.append((m.organization_id, m.unit.path))
    return Scopes(frozenset(whole), tuple(paths))


def contact_checker(user: User) -> Callable[[Case], bool]:
    """A test of whether ``user`` may see a case's contact (one query, then none per case):
    the handling roles of a subtree holding the case's unit, or the case's owner."""
    scopes = scopes_of(user, HANDLING_ROLES)
    pk = getattr(user, "pk", None)

    def may_see(case: Case) -> bool:
        if pk is not None and case.owner_id == pk:
            return True
        return scopes.covers(case.organization_id, case.unit.path)

    return may_see


def can_see_contact(user: User, case: Case) -> bool:
    return contact_checker(user)(case)


def can_handle(user: User, case: Case) -> bool:
    """Whether ``user`` may change the case (status, notes, owner, category): a handling role
    covering its unit, or its owner."""
    return can_see_contact(user, case)


def can_register(user: User, unit: Unit) -> bool:
    """Whether ``user`` may register a case for ``unit`` (staff intake)."""
    return scopes_of(user, REGISTERING_ROLES).covers(unit.organization_id, unit.path)


def unit_for_user(user: User, unit_id: Any, organization: Organization | None = None) -> Unit:
    """A unit the user may see cases of, else 404."""
    if not isinstance(unit_id, int):
        raise Http404("unit")
    unit = Unit.objects.select_related("organization").filter(pk=unit_id).first()
    if unit is None or (organization is not None and unit.organization_id != organization.pk):
        raise Http404("unit")
    if not scopes_of(user, CASE_ROLES).covers(unit.organization_id, unit.path):
        raise Http404("unit")
    return unit


def organization_for_cases(user: User, slug: str | None) -> Organization | None:
    """The organization named by ``slug`` among the user's (404 otherwise); None for no slug."""
    if slug is None:
        return None
    if "\x00" in slug:
        raise Http404("organization")
    ids = memberships_of(user, CASE_ROLES).values("organization_id")
    found = Organization.objects.filter(id__in=ids, slug=slug).first()
    if found is None:
        raise Http404("organization")
    return found


# -- public ------------------------------------------------------------------------------------
def case_get_public(code: str) -> Case:
    """The case with this tracking code (any spacing or case), else 404."""
    normal = tracking_code_normalise(code)
    case = (
        Case.objects.select_related("organization", "unit", "category")
        .filter(tracking_code=normal)
        .first()
        if normal
        else None
    )
    if case is None:
        raise Http404("case")
    return case


_organizations = ProcessCache[Organization | None]("case_orgs", 5.0).clear_on(Organization)
_units = ProcessCache[list[Unit]]("case_units", 5.0).clear_on(
    Organization, Unit, Survey, m2m=(Survey.units.through,)
)


def organization_get_public(slug: str) -> Organization:
    """The organization of a public complaint form or intake, by its slug; 404 if none."""
    if "\x00" in slug:
        raise Http404("organization")
    found = _organizations.get(slug, lambda: Organization.objects.filter(slug=slug).first())
    if found is None:
        raise Http404("organization")
    return found


def public_units(organization: Organization) -> list[Unit]:
    """The units a public complaint form offers: those of the organization's open surveys
    (their names are already public on the survey pages; the rest of the unit tree is not)."""
    from prima.surveys.choices import SurveyStatus

    def load() -> list[Unit]:  # the query is built only when the cache misses
        rows = Unit.objects.filter(
            organization=organization,
            surveys__organization=organization,
            surveys__status=SurveyStatus.OPEN,
        )
        return list(rows.distinct().order_by("path"))

    return _units.get((organization.pk, organization.created_at), load)


def categories_active(organization: Organization) -> list[CaseCategory]:
    """The organization's active categories in their order. Before its first case they are
    the built-in ones, unsaved (a read never writes; the intake makes them)."""
    found = list(CaseCategory.objects.filter(organization=organization, active=True))
    if found or CaseCategory.objects.filter(organization=organization).exists():
        return found
    return builtin_categories(organization)


@dataclass(frozen=True)
class PublicEvent:
    status: str
    at: datetime
    note: str


PUBLIC_KINDS = (
    CaseEventKind.CREATED,
    CaseEventKind.STATUS,
    CaseEventKind.REOPENED,
    CaseEventKind.NOTE,
)


def public_events(case: Case) -> list[PublicEvent]:
    """The history the complainant sees: receipt (at ``received_at``), every change of status
    with its note when the note was meant for them, and the notes for them (with the status of
    the moment). Internal notes, assignments, edits and reminders are left out. A case the
    task worker has not recorded yet (``Case.recorded``) has only its receipt, from its row."""
    if not case.recorded:
        return [PublicEvent(CaseStatus.NEW, case.received_at, "")]
    out: list[PublicEvent] = []
    status = CaseStatus.NEW
    rows = CaseEvent.objects.filter(case=case, kind__in=PUBLIC_KINDS).order_by("at", "id")
    for event in rows.only("kind", "at", "status_to", "note", "public"):
        if event.kind == CaseEventKind.CREATED:
            out.append(PublicEvent(CaseStatus.NEW, case.received_at, ""))
        elif event.kind in (CaseEventKind.STATUS, CaseEventKind.REOPENED):
            status = CaseStatus(event.status_to)
            out.append(PublicEvent(status, event.at, event.note if event.public else ""))
        elif event.public:
            out.append(PublicEvent(status, event.at, event.note))
    return out


# -- measures ----------------------------------------------------------------------------------
def period_bounds(organization: Organization, start: date, end: date) -> tuple[datetime, datetime]:
    """The instants of a period of local dates [start, end) in the organization's zone."""
    zone = ZoneInfo(organization.zone_name)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.min, tzinfo=zone),
    )


def cases_received(
    qs: QuerySet[Case],
    organization: Organization,
    *,
    unit: Unit | None = None,
    start: date | None = None,
    end: date | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
) -> QuerySet[Case]:
    """``qs`` narrowed to an organization, a unit's subtree, the cases received in the
    local dates [start, end) and, when given, those recorded with a service or a staff member
    (the dashboard's filters; issue 11, point 6)."""
    qs = qs.filter(organization=organization)
    if service is not None:
        qs = qs.filter(service=service)
    if staff is not None:
        qs = qs.filter(staff=staff)
    if unit is not None:
        # the subtree's ids as a list (a small query first): the cases' covering indexes
        # alone then answer, where a subquery made PostgreSQL read the table through the
        # unit's index
        subtree = Unit.objects.filter(organization=organization, path__startswith=unit.path)
        qs = qs.filter(unit__in=list(subtree.values_list("pk", flat=True)))
    if start is not None and end is not None:
        low, high = period_bounds(organization, start, end)
        qs = qs.filter(received_at__gte=low, received_at__lt=high)
    return qs


def first_response_overdue_q(today: date) -> Q:
    """No first response yet and its due date (a local date) is before ``today``."""
    return Q(first_response_at__isnull=True, first_response_due__lt=today)


def overdue_open_q(today: date) -> Q:
    """Open cases past a due date not met: the lateness of :func:`case_totals` for the cases
    still open (the dashboard's "late" count)."""
    return Q(status__in=list(OPEN_STATUSES)) & (
        Q(resolution_due__lt=today) | first_response_overdue_q(today)
    )


def case_totals(qs: QuerySet[Case], today: date) -> HandlingTotals:
    """Whole-number totals of the cases of ``qs`` in two queries, whatever their number: one
    pass grouped by status, on-time flags and working days with the ratings' sums (a covering
    index of Case: ``Case.rating_score``); the lateness that depends on ``today`` (the
    organization's local date) only where it can occur (open cases, closed ones without a
    first response: a partial index), per status and flags so that a case late by its flags
    counts once."""
    qs = qs.order_by()
    flags = ("status", "first_response_on_time", "resolved_on_time")
    open_ = Q(status__in=list(OPEN_STATUSES))
    first_overdue = first_response_overdue_q(today)
    resolution_overdue = open_ & Q(resolution_due__lt=today)
    overdue = (
        qs.filter(open_)
        .values_list(*flags)
        .annotate(
            first=Count("status", filter=first_overdue),
            resolution=Count("status", filter=resolution_overdue),
            either=Count("status", filter=first_overdue | resolution_overdue),
        )
        .union(
            qs.exclude(open_)
            .filter(first_overdue)
            .values_list(*flags)
            .annotate(first=Count("*"), resolution=Value(0), either=Count("*")),
            all=True,
        )
    )
    t: Counter[str] = Counter()
    first, resolution = Counter[int](), Counter[int]()
    groups = qs.values_list(*flags, "first_response_days", "resolution_days").annotate(
        n=Count("*"),
        rated=Count("rating_score"),
        score=Sum("rating_score"),
        squares=Sum(F("rating_score") * F("rating_score")),
    )
    for status, first_ok, resolved_ok, first_days, days, n, rated, score, squares in groups:
        t["received"] += n
        t["rated"] += rated
        t["score"] += score or 0
        t["squares"] += squares or 0
        t[status] += n
        t["on_time"] += n if status == CaseStatus.RESOLVED and resolved_ok else 0
        if status == CaseStatus.RESOLVED and days is not None:
            resolution[days] += n
        if first_days is not None:
            first[first_days] += n
        late = (first_ok is False, status == CaseStatus.RESOLVED and resolved_ok is False)
        t["first_late"] += n if late[0] else 0
        t["resolution_late"] += n if late[1] else 0
        t["breached"] += n if any(late) else 0
    for status, first_ok, resolved_ok, f_over, r_over, either in overdue:
        late = (first_ok is False, status == CaseStatus.RESOLVED and resolved_ok is False)
        t["first_late"] += 0 if late[0] else f_over
        t["resolution_late"] += 0 if late[1] else r_over
        t["breached"] += 0 if any(late) else either
    return HandlingTotals(
        received=t["received"],
        resolved=t[CaseStatus.RESOLVED],
        rejected=t[CaseStatus.REJECTED],
        open_=sum(t[s] for s in OPEN_STATUSES),
        first_response_days=dict(first),
        resolution_days=dict(resolution),
        resolved_on_time=t["on_time"],
        first_response_late=t["first_late"],
        resolution_late=t["resolution_late"],
        breached=t["breached"],
        ratings=t["rated"],
        rating_sum=t["score"],
        rating_sum_squares=t["squares"],
    )


def case_measures(
    user: User,
    organization: Organization,
    *,
    unit: Unit | None = None,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
) -> HandlingMeasures:
    """The measures of the cases received in [start, end) (local dates; all when None) in a
    unit's subtree (the user's whole scope when None), with a service and a staff member when
    given, that ``user`` may see."""
    qs = cases_received(
        cases_for_user(user, organization),
        organization,
        unit=unit,
        start=start,
        end=end,
        service=service,
        staff=staff,
    )
    today = local_date(organization, now or timezone.now())
    return handling_measures(case_totals(qs, today))
