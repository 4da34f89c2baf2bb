"""An organization's working days and local dates (Django side of :mod:`prima.workdays`).

An organization's calendar is Indonesia's (Monday-Friday minus the national public holidays),
minus the *cuti bersama* when it is of kind government, minus the days its admin closed and plus
the days its admin opened (:class:`~prima.organizations.models.CalendarDay`). Dates are the
organization's own: an instant is turned into a date in its time zone (WIB, WITA or WIT;
``Organization.zone_name``), so a complaint at 16:59:59Z is received on one day in WIB (23:59:59)
and at 17:00:00Z on the next.

Deadlines follow ``/work/shared/domain/complaints.md`` ("Counting"; SP4N-LAPOR!, Perpres
76/2013): the N-th working day after the local date of receipt, which itself never counts, also
when it is a weekend or a holiday.

The writes an admin makes (close or open a day, return it to the default, set the time zone)
are here too, as keyword-only functions.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from prima.organizations.choices import OrganizationKind, TimeZone
from prima.organizations.models import CalendarDay, Organization
from prima.process_cache import ProcessCache
from prima.workdays import WorkCalendar, indonesian_calendar

# abbreviations an admin may type for the IANA names
ZONE_ABBREVIATIONS = {
    "WIB": TimeZone.WIB.value,
    "WITA": TimeZone.WITA.value,
    "WIT": TimeZone.WIT.value,
}


CALENDAR_TTL = 5.0
"""Seconds a process reuses an organization's calendar. A day closed or opened in this process
applies at once; one set by another process (another gunicorn worker) within these seconds, so
a case received in that moment may still get its due dates from the calendar before the change
(due dates are fixed on receipt: the change applies to the cases received after it)."""

_calendars: ProcessCache[WorkCalendar] = ProcessCache("calendars", CALENDAR_TTL).clear_on(
    CalendarDay, Organization
)


def calendar_for(organization: Organization) -> WorkCalendar:
    """The organization's working days (one query for its closed and opened days, reused by
    the process for :data:`CALENDAR_TTL` seconds)."""
    key = (organization.pk, organization.created_at, organization.kind)
    if organization.pk is None:
        return _calendar_read(organization)
    return _calendars.get(key, lambda: _calendar_read(organization))


def _calendar_read(organization: Organization) -> WorkCalendar:
    closed: list[date] = []
    opened: list[date] = []
    for day, working in CalendarDay.objects.filter(organization=organization).values_list(
        "date", "working"
    ):
        (opened if working else closed).append(day)
    return indonesian_calendar(
        government=organization.kind == OrganizationKind.GOVERNMENT,
        closed=closed,
        opened=opened,
    )


def zone_of(organization: Organization) -> ZoneInfo:
    return ZoneInfo(organization.zone_name)


def local_date(organization: Organization, instant: datetime) -> date:
    """The date of ``instant`` in the organization's time zone (a naive instant is taken in
    the installation's time zone, ``settings.TIME_ZONE``)."""
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant, ZoneInfo(settings.TIME_ZONE))
    return instant.astimezone(zone_of(organization)).date()


def due_date(
    organization: Organization,
    received_at: datetime,
    working_days: int,
    calendar: WorkCalendar | None = None,
) -> date:
    """The ``working_days``-th working day after the local date of ``received_at`` (that day
    not counted). Pass ``calendar`` to reuse one for several due dates of the same case."""
    cal = calendar if calendar is not None else calendar_for(organization)
    return cal.add_working_days(local_date(organization, received_at), working_days)


def working_days_between(
    organization: Organization,
    start: datetime,
    end: datetime,
    calendar: WorkCalendar | None = None,
) -> int:
    """Working days from the local date of ``start`` to that of ``end`` (the first not counted,
    the last counted; 0 when ``end`` is not on a later date): e.g. a first response on the day
    of receipt took 0 working days, one on the next working day 1."""
    cal = calendar if calendar is not None else calendar_for(organization)
    return cal.working_days_between(local_date(organization, start), local_date(organization, end))


def parse_time_zone(value: str) -> str:
    """The IANA name of one of Indonesia's zones from its IANA name or its abbreviation
    (``WIB``/``WITA``/``WIT``, any case); empty: the installation's default. ValueError
    otherwise."""
    text = value.strip()
    if not text:
        return ""
    found = ZONE_ABBREVIATIONS.get(text.upper())
    if found:
        return found
    for zone in TimeZone.values:
        if zone.lower() == text.lower():
            return zone
    raise ValueError("must be WIB, WITA, WIT or Asia/Jakarta, Asia/Makassar, Asia/Jayapura")


@transaction.atomic
def calendar_day_set(
    organization: Organization, day: date, *, working: bool, name: str = ""
) -> CalendarDay:
    """Close (``working=False``) or open (``working=True``) ``day`` for the organization,
    replacing an earlier decision on that day. Cases received earlier keep their due dates."""
    found, _ = CalendarDay.objects.update_or_create(
        organization=organization, date=day, defaults={"working": working, "name": name}
    )
    return found


@transaction.atomic
def calendar_day_reset(organization: Organization, day: date) -> bool:
    """Return ``day`` to the default calendar; whether there was a decision to remove."""
    deleted, _ = CalendarDay.objects.filter(organization=organization, date=day).delete()
    return bool(deleted)


@transaction.atomic
def organization_set_time_zone(organization: Organization, zone: str) -> Organization:
    """Set the organization's time zone (an IANA name or WIB/WITA/WIT; empty: the
    installation's). ValueError for any other zone."""
    organization.time_zone = parse_time_zone(zone)
    organization.save(update_fields=["time_zone"])
    return organization


__all__ = [
    "calendar_day_reset",
    "calendar_day_set",
    "calendar_for",
    "due_date",
    "local_date",
    "organization_set_time_zone",
    "parse_time_zone",
    "working_days_between",
    "zone_of",
]
