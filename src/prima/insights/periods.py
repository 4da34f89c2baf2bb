"""Reporting periods as written in the API and the CLI: ``2026``, ``2026-S1``, ``2026-Q3``, ``2026-07``.

Semester I is January-June and II July-December (``skm.md``); quarters are triwulan I-IV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<half>[Ss][12])|(?P<quarter>[Qq][1-4])|(?P<month>\d{2})))?$"
)


@dataclass(frozen=True)
class Period:
    label: str
    start: date  # inclusive
    end: date  # exclusive

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """The period a label names; ``ValueError`` with a readable message otherwise.

    >>> parse_period("2026-S2")
    Period(label='2026-S2', start=datetime.date(2026, 7, 1), end=datetime.date(2027, 1, 1))
    """
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f'period "{text}" is not valid; use 2026, 2026-S1, 2026-Q3 or 2026-07')
    year = int(match["year"])
    if year < 1900:
        raise ValueError(f'period "{text}": year out of range')
    if match["half"]:
        first, months = (1 if match["half"][1] == "1" else 7), 6
    elif match["quarter"]:
        first, months = (int(match["quarter"][1]) - 1) * 3 + 1, 3
    elif match["month"]:
        first, months = int(match["month"]), 1
        if not 1 <= first <= 12:
            raise ValueError(f'period "{text}": month must be 01-12')
    else:
        first, months = 1, 12
    label = text.strip().upper() if not match["month"] else text.strip()
    return Period(label, _month_start(year, first), _month_start(year, first + months))


def custom_period(start: date, end: date) -> Period:
    """A period from ``start`` to ``end``, both days included (the dashboard's "from ... to").

    >>> custom_period(date(2026, 1, 15), date(2026, 3, 31))
    Period(label='2026-01-15..2026-03-31', start=datetime.date(2026, 1, 15), end=datetime.date(2026, 4, 1))
    """
    if end < start:
        raise ValueError("the end of a period comes before its start")
    if start.year < 1900:
        raise ValueError("year out of range")
    return Period(f"{start.isoformat()}..{end.isoformat()}", start, end + timedelta(days=1))


def parse_custom_period(start: str, end: str) -> Period:
    """``custom_period`` from two ISO dates (``2026-01-15``); ``ValueError`` when invalid."""
    try:
        first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(
            f'dates "{start}" and "{end}" are not valid; use YYYY-MM-DD (2026-01-15)'
        ) from None
    return custom_period(first, last)


def sub_periods(period: Period, step: str) -> list[Period]:
    """The months (``step="month"``), quarters (``"quarter"``) or years (``"year"``) that
    ``period`` overlaps, each cut to the period (a custom range may start mid-month).

    >>> [p.label for p in sub_periods(parse_period("2026-S2"), "quarter")]
    ['2026-Q3', '2026-Q4']
    """
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    year, month = period.start.year, period.start.month
    month = (month - 1) // months * months + 1
    out = []
    while _month_start(year, month) < period.end:
        start = _month_start(year, month)
        end = _month_start(year, month + months)
        if step == "month":
            label = f"{start.year}-{start.month:02d}"
        elif step == "quarter":
            label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        else:
            label = str(start.year)
        out.append(Period(label, max(start, period.start), min(end, period.end)))
        year, month = end.year, end.month
    return out


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the installation's time zone (``PRIMA_TIME_ZONE``)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """A period's first and past-the-last moment in the installation's time zone."""
    return day_start(period.start), day_start(period.end)


def previous_period(period: Period, custom: bool = False) -> Period:
    """The period of the same length just before ``period``: 2026-07 -> 2026-06, 2026-Q1 ->
    2025-Q4, 2026-S1 -> 2025-S2, 2026 -> 2025; a custom range -> as many days just before it.

    >>> previous_period(parse_period("2026-Q1")).label
    '2025-Q4'
    """
    if custom or not _PATTERN.match(period.label):
        days = period.end - period.start
        return custom_period(period.start - days, period.start - timedelta(days=1))
    year, _, part = period.label.partition("-")
    y = int(year)
    if not part:
        return parse_period(str(y - 1))
    kind = part[0].upper()
    if kind in ("Q", "S"):
        number, last = int(part[1:]), 4 if kind == "Q" else 2
        return parse_period(f"{y}-{kind}{number - 1}" if number > 1 else f"{y - 1}-{kind}{last}")
    month = int(part)
    return parse_period(f"{y}-{month - 1:02d}" if month > 1 else f"{y - 1}-12")
