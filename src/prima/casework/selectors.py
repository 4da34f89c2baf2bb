"""Reads of the case pages: the list with its filters, the choices of the filters, a case's
history as people read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from prima.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseCategory,
    CaseEvent,
    CaseEventKind,
    CaseNotice,
)
from prima.casework.access import case_organizations, cases_for_user, display_name
from prima.casework.deadlines import Clock, late_q
from prima.organizations.access import User, units_visible_to
from prima.organizations.calendar import zone_of
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.organizations.unit_labels import path_labels

PER_PAGE = 25


@dataclass
class ListChoices:
    organizations: list[Organization]
    units: list[Unit]
    unit_labels: dict[int, str]
    categories: list[tuple[int, str]]
    owners: list[tuple[int, str]]
    services: list[tuple[int, str]]
    staff: list[tuple[int, str]]


def list_choices(user: User) -> ListChoices:
    """What the filters offer: the user's organizations, the units they see (case roles), the
    categories of those organizations and the owners of the cases they see."""
    from prima.cases.services import category_name

    organizations = list(case_organizations(user))
    units: list[Unit] = []
    for organization in organizations:
        units += list(units_visible_to(user, organization).order_by("path"))
    labels = path_labels(units)
    if len(organizations) > 1:
        names = {o.pk: o.name for o in organizations}
        labels = {u.pk: f"{names[u.organization_id]} · {labels[u.pk]}" for u in units}
    units.sort(key=lambda u: labels[u.pk].lower())
    categories = [
        (c.pk, category_name(c) + (f" ({c.organization.name})" if len(organizations) > 1 else ""))
        for c in CaseCategory.objects.filter(organization__in=organizations)
        .select_related("organization")
        .order_by("organization__name", "position", "key")
    ]
    owner_ids = cases_for_user(user).exclude(owner=None).values("owner_id")
    owners = [
        (u.pk, display_name(u))
        for u in get_user_model().objects.filter(pk__in=owner_ids).order_by("username")
    ]
    unit_ids = [u.pk for u in units]

    def named(rows: Any) -> list[tuple[int, str]]:
        # the name with its unit (two units may offer services of the same name)
        return [
            (r.pk, f"{r.name} ({labels[r.unit_id]})")
            for r in rows.filter(unit_id__in=unit_ids).order_by("name", "pk")
        ]

    services = named(Service.objects.all())
    staff = named(StaffMember.objects.all())
    return ListChoices(organizations, units, labels, categories, owners, services, staff)


def _period_q(organization: Organization, label: str) -> Q:
    from prima.insights.periods import parse_period

    period = parse_period(label)
    zone = zone_of(organization)
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    end = datetime.combine(period.end, time.min, tzinfo=zone)
    return Q(received_at__gte=start, received_at__lt=end)


def _range_q(organization: Organization, start: date | None, end: date | None) -> Q:
    """Received on the local dates from ``start`` to ``end`` (both included; either may be
    absent) in the organization's time zone: the dashboard's from/to range."""
    zone = zone_of(organization)
    q = Q()
    if start is not None:
        q &= Q(received_at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end is not None:
        after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
        q &= Q(received_at__lt=after)
    return q


def filtered_cases(
    user: User, filters: dict[str, Any], units: dict[int, Unit], clock: Clock
) -> QuerySet[Case]:
    """The cases the user may see, filtered (``filters`` hold the valid fields of the list's
    form), the open ones first by their resolution due date, then the closed ones, newest
    first."""
    qs = cases_for_user(user)
    if filters.get("organization"):
        qs = qs.filter(organization_id=filters["organization"])
    unit = units.get(filters.get("unit") or 0)
    if unit is not None:
        qs = qs.filter(organization_id=unit.organization_id, unit__path__startswith=unit.path)
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=list(OPEN_STATUSES))
    elif status:
        qs = qs.filter(status=status)
    if filters.get("category"):
        qs = qs.filter(category_id=filters["category"])
    if filters.get("tier"):
        qs = qs.filter(tier=filters["tier"])
    owner = filters.get("owner")
    if owner == "me":
        qs = qs.filter(owner=user)
    elif owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner_id=int(owner))
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(tracking_code__iexact=q))
    if filters.get("service"):
        qs = qs.filter(service_id=filters["service"])
    if filters.get("staff"):
        qs = qs.filter(staff_id=filters["staff"])
    timeliness, period = filters.get("timeliness"), filters.get("period")
    start, end = filters.get("from"), filters.get("to")
    if timeliness or period or start or end:
        per_org = Q(pk__in=[])
        for organization in case_organizations(user):
            one = Q(organization=organization)
            if period:
                one &= _period_q(organization, period)
            if start or end:
                one &= _range_q(organization, start, end)
            if timeliness:
                late = late_q(clock.today(organization))
                one &= late if timeliness == "late" else ~late
            per_org |= one
        qs = qs.filter(per_org)
    return qs.annotate(
        closed=SqlCase(
            When(status__in=list(OPEN_STATUSES), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        open_due=SqlCase(When(status__in=list(OPEN_STATUSES), then=F("resolution_due"))),
    ).order_by("closed", "open_due", "-received_at", "-pk")


# -- history -----------------------------------------------------------------------------------
@dataclass
class HistoryLine:
    event: CaseEvent
    who: str
    what: str
    note: str
    note_hidden: bool
    public: bool
    internal: bool


def history(case: Case, *, handler: bool) -> list[HistoryLine]:
    """Every event of the case, oldest first, with who did it and what it was; an internal
    note's text only for those who handle the case."""
    from prima.cases.services import case_record
    from prima.casework.texts import event_text

    case_record(case)  # a public complaint the task worker has not recorded yet: now
    out = []
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk")
    for event in events:
        internal = event.kind == CaseEventKind.NOTE and not event.public
        who = display_name(event.actor) if event.actor_id else ""
        out.append(
            HistoryLine(
                event=event,
                who=who,
                what=event_text(event),
                note=event.note if (handler or not internal) else "",
                note_hidden=internal and not handler and bool(event.note),
                public=event.public and bool(event.note),
                internal=internal,
            )
        )
    return out


def notices_of(case: Case) -> list[CaseNotice]:
    return list(CaseNotice.objects.filter(case=case).order_by("sent_at", "pk"))


def now() -> datetime:
    return timezone.now()
