"""Working days of Indonesian organizations (prima.workdays): hand-checked dates and properties.

The 2026 holidays are those of the joint decree of the three ministers (SKB 3 Menteri) on the
national holidays and *cuti bersama* of 2026, which the ``holidays`` package lists:
17 national holidays (1 Jan, 16 Jan, 17 Feb, 19 Mar Nyepi, 21-22 Mar Idul Fitri, 3 Apr, 5 Apr,
1 May, 14 May, 27 May, 31 May, 1 Jun, 16 Jun, 17 Aug, 25 Aug, 25 Dec) and 8 days of *cuti
bersama* (16 Feb, 18 Mar, 20 Mar, 23 Mar, 24 Mar, 15 May, 28 May, 24 Dec).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.workdays import WorkCalendar, indonesian_calendar

GOV = indonesian_calendar(government=True)
BANK = indonesian_calendar(government=False)

NATIONAL_2026 = [
    date(2026, 1, 1),
    date(2026, 1, 16),
    date(2026, 2, 17),
    date(2026, 3, 19),
    date(2026, 3, 21),
    date(2026, 3, 22),
    date(2026, 4, 3),
    date(2026, 4, 5),
    date(2026, 5, 1),
    date(2026, 5, 14),
    date(2026, 5, 27),
    date(2026, 5, 31),
    date(2026, 6, 1),
    date(2026, 6, 16),
    date(2026, 8, 17),
    date(2026, 8, 25),
    date(2026, 12, 25),
]
CUTI_BERSAMA_2026 = [
    date(2026, 2, 16),
    date(2026, 3, 18),
    date(2026, 3, 20),
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),
    date(2026, 5, 28),
    date(2026, 12, 24),
]


def test_2026_national_holidays_are_the_decree_list() -> None:
    off = {e.date for e in GOV.entries(2026) if e.source == "holiday"}
    # the listing holds the weekdays; the weekend holidays are off anyway
    assert off == {d for d in NATIONAL_2026 if d.weekday() < 5}
    for day in NATIONAL_2026:
        assert not GOV.is_working(day)
        assert not BANK.is_working(day)


def test_2026_cuti_bersama_only_for_government() -> None:
    joint = {e.date for e in GOV.entries(2026) if e.source == "cuti_bersama"}
    assert joint == set(CUTI_BERSAMA_2026)
    for day in CUTI_BERSAMA_2026:
        assert day.weekday() < 5
        assert not GOV.is_working(day)
        assert BANK.is_working(day)
    assert not [e for e in BANK.entries(2026) if e.source == "cuti_bersama"]


def test_2026_names_in_both_languages() -> None:
    names_id = {e.date: e.name for e in GOV.entries(2026, "id")}
    names_en = {e.date: e.name for e in GOV.entries(2026, "en")}
    assert names_id[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert names_en[date(2026, 3, 19)] == "Day of Silence"
    assert "Cuti Bersama" in names_id[date(2026, 12, 24)]


def test_working_days_in_2026() -> None:
    # 2026 starts on a Thursday: 52 weeks and a Thursday = 261 weekdays; 13 national holidays
    # fall on weekdays (21-22 Mar, 5 Apr and 31 May are weekend days), the 8 cuti bersama all do
    assert BANK.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 13
    assert GOV.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 13 - 8


def test_plain_week_and_weekend() -> None:
    # Mon 9 Feb 2026 .. : no holiday until 16 Feb (cuti bersama) and 17 Feb (Imlek)
    assert BANK.add_working_days(date(2026, 2, 9), 1) == date(2026, 2, 10)
    assert BANK.add_working_days(date(2026, 2, 9), 4) == date(2026, 2, 13)  # Friday
    # received Friday 6 Feb: Sat/Sun skipped
    assert BANK.add_working_days(date(2026, 2, 6), 1) == date(2026, 2, 9)
    # received Saturday 7 Feb: the Saturday not counted, Sunday not a working day
    assert BANK.add_working_days(date(2026, 2, 7), 1) == date(2026, 2, 9)
    assert BANK.add_working_days(date(2026, 2, 8), 3) == date(2026, 2, 11)
    assert BANK.add_working_days(date(2026, 2, 9), 0) == date(2026, 2, 9)


def test_complaints_md_example_december_2026() -> None:
    # complaints.md: received Fri 18 Dec 2026, 5 working days: government 29 Dec, a bank 28 Dec
    assert GOV.add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 29)
    assert BANK.add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 28)


def test_idul_fitri_2026() -> None:
    # received Tue 17 Mar 2026, 3 working days to a first response:
    # government: 18 (cuti) 19 (Nyepi) 20 (cuti) 21-22 (weekend, Idul Fitri) 23 24 (cuti) off,
    #   25, 26, 27 Mar -> 27 Mar
    assert GOV.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 27)
    # a bank: 18 Mar, (19 Nyepi), 20 Mar, (21-22), 23 Mar -> 23 Mar
    assert BANK.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 23)
    # 14 working days (a dispute), government, from 17 Mar: 25 26 27 30 31 Mar 1 2 Apr
    # (3 Apr Good Friday, 4-5 weekend) 6 7 8 9 10 13 14 Apr -> 14 Apr
    assert GOV.add_working_days(date(2026, 3, 17), 14) == date(2026, 4, 14)


def test_receipt_on_a_holiday_counts_from_that_day() -> None:
    # received on Nyepi (Thu 19 Mar 2026), which is not counted: a bank's 1st working day is 20 Mar
    assert BANK.add_working_days(date(2026, 3, 19), 1) == date(2026, 3, 20)
    # received on Independence Day (Mon 17 Aug 2026): 18, 19, 20 Aug
    assert GOV.add_working_days(date(2026, 8, 17), 3) == date(2026, 8, 20)
    # received on Christmas (Fri 25 Dec 2026): 28, 29, 30 Dec
    assert GOV.add_working_days(date(2026, 12, 25), 3) == date(2026, 12, 30)


def test_closed_and_opened_days() -> None:
    anniversary = date(2026, 4, 8)  # a Wednesday: a city's anniversary, closed
    saturday = date(2026, 4, 11)  # a service Saturday, opened
    cal = indonesian_calendar(government=False, closed=[anniversary], opened=[saturday])
    assert not cal.is_working(anniversary)
    assert cal.is_working(saturday)
    # from Tue 7 Apr: (8 closed) 9, 10, 11 (opened Saturday) -> 3rd working day is 11 Apr
    assert cal.add_working_days(date(2026, 4, 7), 3) == date(2026, 4, 11)
    assert BANK.add_working_days(date(2026, 4, 7), 3) == date(2026, 4, 10)
    # opened wins over a holiday: Labour Day (Fri 1 May 2026) worked
    labour = indonesian_calendar(government=True, opened=[date(2026, 5, 1)])
    assert labour.is_working(date(2026, 5, 1))
    assert labour.add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 1)
    assert GOV.add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 4)
    # opened wins over a cuti bersama too
    assert indonesian_calendar(government=True, opened=[date(2026, 12, 24)]).is_working(
        date(2026, 12, 24)
    )
    # the count agrees with the walk
    assert cal.working_days_between(date(2026, 4, 7), date(2026, 4, 11)) == 3
    assert cal.working_days_between(date(2026, 4, 7), date(2026, 4, 12)) == 3


def test_both_closed_and_opened_refused() -> None:
    with pytest.raises(ValueError, match="2026-04-08"):
        WorkCalendar(government=False, closed=[date(2026, 4, 8)], opened=[date(2026, 4, 8)])


def test_negative_n_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        BANK.add_working_days(date(2026, 1, 5), -1)


def test_working_days_between_edges() -> None:
    d = date(2026, 2, 9)
    assert BANK.working_days_between(d, d) == 0
    assert BANK.working_days_between(d, d - timedelta(days=3)) == 0
    assert BANK.working_days_between(d, d + timedelta(days=1)) == 1
    # across a year end: Wed 30 Dec 2026 .. Mon 4 Jan 2027: 31 Dec, (1 Jan), 4 Jan
    assert BANK.working_days_between(date(2026, 12, 30), date(2027, 1, 4)) == 2


def test_entries_list_admin_days_with_their_source() -> None:
    cal = indonesian_calendar(
        government=True,
        closed=[date(2026, 4, 8), date(2026, 4, 12)],
        opened=[date(2026, 5, 1), date(2026, 4, 11)],
    )
    found = {e.date: e for e in cal.entries(2026, "en")}
    assert found[date(2026, 4, 8)].source == "closed"
    assert not found[date(2026, 4, 8)].working
    assert found[date(2026, 4, 12)].source == "closed"  # a closed Sunday is listed too
    assert found[date(2026, 4, 11)].source == "opened"
    assert found[date(2026, 5, 1)].source == "opened"
    assert found[date(2026, 5, 1)].working
    assert found[date(2026, 5, 1)].name == "International Labor Day"
    # weekend holidays of nobody's decision are not listed (no weekday lost)
    assert date(2026, 3, 21) not in found
    assert [e.date for e in cal.entries(2026)] == sorted(found)


def test_years_outside_the_package_range_have_no_holidays() -> None:
    # 1 Jan 1900 was a Monday
    assert GOV.is_working(date(1900, 1, 1))
    assert GOV.entries(1900) == []


# --- properties -----------------------------------------------------------------------------

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))
counts = st.integers(min_value=0, max_value=80)
day_sets = st.frozensets(days, max_size=12)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    closed = draw(day_sets)
    opened = draw(day_sets) - closed
    return indonesian_calendar(government=draw(st.booleans()), closed=closed, opened=opened)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), day=days, n=st.integers(min_value=1, max_value=80))
def test_a_due_date_is_a_working_day_after_the_day(cal: WorkCalendar, day: date, n: int) -> None:
    due = cal.add_working_days(day, n)
    assert due > day
    assert cal.is_working(due)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), day=days, n=counts, extra=days)
def test_closing_a_day_never_moves_a_due_date_earlier(
    cal: WorkCalendar, day: date, n: int, extra: date
) -> None:
    closed = indonesian_calendar(
        government=cal.government, closed=cal.closed | {extra}, opened=cal.opened - {extra}
    )
    assert closed.add_working_days(day, n) >= cal.add_working_days(day, n)


@settings(max_examples=300, deadline=None)
@given(day=days, n=counts)
def test_cuti_bersama_never_moves_a_due_date_earlier(day: date, n: int) -> None:
    assert GOV.add_working_days(day, n) >= BANK.add_working_days(day, n)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), day=days, n1=counts, n2=counts)
def test_tier_order_is_kept(cal: WorkCalendar, day: date, n1: int, n2: int) -> None:
    lo, hi = sorted((n1, n2))
    assert cal.add_working_days(day, lo) <= cal.add_working_days(day, hi)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), day=days, n=counts)
def test_between_inverts_add(cal: WorkCalendar, day: date, n: int) -> None:
    assert cal.working_days_between(day, cal.add_working_days(day, n)) == n


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), start=days, span=st.integers(min_value=-10, max_value=800))
def test_between_counts_what_a_walk_counts(cal: WorkCalendar, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    walked = sum(cal.is_working(start + timedelta(days=i)) for i in range(1, span + 1))
    assert cal.working_days_between(start, end) == walked


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), year=st.integers(min_value=2020, max_value=2032))
def test_entries_are_the_non_working_weekdays_and_the_admin_days(
    cal: WorkCalendar, year: int
) -> None:
    listed = {e.date: e for e in cal.entries(year)}
    day = date(year, 1, 1)
    while day.year == year:
        if day in cal.closed or day in cal.opened:
            assert listed[day].source == ("opened" if day in cal.opened else "closed")
            assert listed[day].working == cal.is_working(day)
        elif day.weekday() < 5 and not cal.is_working(day):
            assert listed[day].source in {"holiday", "cuti_bersama"}
        else:
            assert day not in listed
        day += timedelta(days=1)
