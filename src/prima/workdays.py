"""Working days of an Indonesian organization, and deadlines counted in them.

Framework-free (no Django): :mod:`prima.organizations.calendar` builds a :class:`WorkCalendar`
from an organization's kind and the days its admin closed or opened; the complaint deadlines of
:mod:`prima.cases` are counted with it.

**The rules** (``/work/shared/domain/complaints.md``, "Working days" and "Counting"). Deadlines of
public-service complaint handling are published in *working days* (SP4N-LAPOR!, KemenPAN-RB
2018: a first response within 3, resolution within 5 / 14 / 60; Perpres 76/2013 on
public-service complaint management). A working day is:

- Monday to Friday,
- minus Indonesia's national public holidays (the ``holidays`` package, ``holidays.Indonesia``,
  category ``public``: the holidays of the yearly joint decree, SKB 3 Menteri),
- for government organizations also minus the *cuti bersama* (the joint leave days of the same
  decree, which bind civil servants but not private employers: the package's ``government``
  category),
- minus the days an admin closed (a city's anniversary, an office closure): *closed wins over a
  weekday*,
- plus the days an admin opened (a Saturday service day, a holiday the office works):
  *opened wins over a holiday or a weekend*.

**Counting.** The day of receipt is never counted: the deadline of N working days is the N-th
working day *after* it (:meth:`WorkCalendar.add_working_days`), also when the complaint arrived on
a weekend or a holiday. Example from complaints.md: received Friday 18 Dec 2026 at a government
office, 5 working days: 21, 22, 23 Dec, then 24 Dec (*cuti bersama*) and 25 Dec (Christmas) are
skipped, 28 and 29 Dec: due 29 Dec 2026; at a bank 24 Dec is a working day: due 28 Dec 2026.

The holidays of a year are looked up once per process (a bounded cache per year and category);
:meth:`WorkCalendar.working_days_between` counts with sorted per-year exceptions and bisection, so
it costs the same for a week as for ten years.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays as _holidays

Source = Literal["holiday", "cuti_bersama", "closed", "opened"]

HOLIDAY: Source = "holiday"
CUTI_BERSAMA: Source = "cuti_bersama"
CLOSED: Source = "closed"
OPENED: Source = "opened"

FIRST_YEAR = 1946  # the first year of holidays.Indonesia; earlier years have none
LAST_YEAR = 2100  # the package computes the lunar holidays up to this year
_YEARS_CACHED = 64  # years of holidays kept per process and category (bounded)

# the package's language codes for Prima's languages
_PACKAGE_LANGUAGE = {"id": "id", "en": "en_US"}


@lru_cache(maxsize=_YEARS_CACHED * 4)
def _named_days(year: int, category: str, language: str) -> dict[date, str]:
    """``{date: name}`` of Indonesia's holidays of ``category`` ("public" or "government") in
    ``year``, named in ``language`` ("id" or "en"); several on one day are joined by "; "."""
    if year < FIRST_YEAR or year > LAST_YEAR:
        return {}
    found = _holidays.country_holidays(
        "ID",
        years=year,
        categories=(category,),
        language=_PACKAGE_LANGUAGE.get(language, "id"),
    )
    return {day: "; ".join(found.get_list(day)) for day in sorted(found)}


@lru_cache(maxsize=_YEARS_CACHED * 2)
def _holiday_days(year: int, category: str) -> frozenset[date]:
    return frozenset(_named_days(year, category, "id"))


def _weekdays_up_to(ordinal: int) -> int:
    """How many Mondays-Fridays there are among the ordinals 1..``ordinal`` (ordinal 1,
    1 January of year 1, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


@dataclass(frozen=True)
class CalendarEntry:
    """A day that differs from a plain working weekday, or a day an admin set."""

    date: date
    working: bool
    name: str
    source: Source


@dataclass(frozen=True)
class _YearExceptions:
    """A year's weekdays that are not working days and weekend days that are, as sorted
    ordinals (what turns a count of weekdays into a count of working days)."""

    off_weekdays: tuple[int, ...]
    working_weekends: tuple[int, ...]


class WorkCalendar:
    """Working days: Monday-Friday minus holidays (and *cuti bersama* for government
    organizations) minus ``closed`` plus ``opened`` (module docstring for the sources).

    A day in both ``closed`` and ``opened`` is refused (one admin decision per day).
    """

    def __init__(
        self,
        *,
        government: bool,
        closed: Iterable[date] = (),
        opened: Iterable[date] = (),
    ) -> None:
        self.government = government
        self.closed = frozenset(closed)
        self.opened = frozenset(opened)
        both = self.closed & self.opened
        if both:
            raise ValueError(f"a day is both closed and opened: {min(both).isoformat()}")
        self._years: dict[int, _YearExceptions] = {}

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(government={self.government}, closed={len(self.closed)} days, "
            f"opened={len(self.opened)} days)"
        )

    def _holidays(self, year: int) -> frozenset[date]:
        days = _holiday_days(year, "public")
        if self.government:
            days = days | _holiday_days(year, "government")
        return days

    def is_working(self, day: date) -> bool:
        """Whether ``day`` is a working day (opened > closed > weekend > holiday)."""
        if day in self.opened:
            return True
        if day in self.closed or day.weekday() >= 5:
            return False
        return day not in self._holidays(day.year)

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself is never counted, whether it
        is a working day or not); ``n = 0`` gives ``day``."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        current = day
        one = timedelta(days=1)
        while n:
            current += one
            if self.is_working(current):
                n -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days d there are with ``start < d <= end`` (0 when ``end <= start``):
        the working days it took from a day to another, the first day not counted, like
        :meth:`add_working_days` (``working_days_between(d, add_working_days(d, n)) == n``)."""
        if end <= start:
            return 0
        s, e = start.toordinal(), end.toordinal()
        count = _weekdays_up_to(e) - _weekdays_up_to(s)
        for year in range(start.year, end.year + 1):
            ex = self._exceptions(year)
            count -= _in_range(ex.off_weekdays, s, e)
            count += _in_range(ex.working_weekends, s, e)
        return count

    def _exceptions(self, year: int) -> _YearExceptions:
        found = self._years.get(year)
        if found is None:
            off = {d for d in self._holidays(year) if d.weekday() < 5}
            off |= {d for d in self.closed if d.year == year and d.weekday() < 5}
            off -= self.opened
            weekend = {d for d in self.opened if d.year == year and d.weekday() >= 5}
            found = _YearExceptions(
                off_weekdays=tuple(sorted(d.toordinal() for d in off)),
                working_weekends=tuple(sorted(d.toordinal() for d in weekend)),
            )
            if len(self._years) >= _YEARS_CACHED:
                self._years.clear()
            self._years[year] = found
        return found

    def entries(self, year: int, language: str = "id") -> list[CalendarEntry]:
        """The year's days that are not plain working weekdays, by date: every weekday that is
        not a working day (a holiday, a *cuti bersama* for a government organization, a day an
        admin closed) and every day an admin closed or opened, with the holiday's name in
        ``language`` ("id" or "en") and where the day comes from. ``closed`` and ``opened`` days
        carry the name of the holiday they fall on (if any); the caller may put the admin's own
        name in its place."""
        public = _named_days(year, "public", language)
        joint = _named_days(year, "government", language) if self.government else {}
        out: list[CalendarEntry] = []
        days = set(public) | set(joint)
        days |= {d for d in self.closed | self.opened if d.year == year}
        for day in sorted(days):
            name = "; ".join(n for n in (public.get(day), joint.get(day)) if n)
            if day in self.opened:
                out.append(CalendarEntry(day, True, name, OPENED))
            elif day in self.closed:
                out.append(CalendarEntry(day, False, name, CLOSED))
            elif day.weekday() < 5:
                source = HOLIDAY if day in public else CUTI_BERSAMA
                out.append(CalendarEntry(day, False, name, source))
        return out


def _in_range(ordinals: tuple[int, ...], start: int, end: int) -> int:
    """How many of the sorted ``ordinals`` lie in ``start < o <= end``."""
    return bisect.bisect_right(ordinals, end) - bisect.bisect_right(ordinals, start)


def indonesian_calendar(
    *, government: bool, closed: Iterable[date] = (), opened: Iterable[date] = ()
) -> WorkCalendar:
    """Indonesia's working days: Monday-Friday minus the national public holidays (and the
    *cuti bersama* when ``government``), minus ``closed``, plus ``opened``."""
    return WorkCalendar(government=government, closed=closed, opened=opened)


__all__ = [
    "CLOSED",
    "CUTI_BERSAMA",
    "HOLIDAY",
    "OPENED",
    "CalendarEntry",
    "Source",
    "WorkCalendar",
    "indonesian_calendar",
]
