"""Reporting periods as written in the API and the CLI: ``2026``, ``2026-S1``, ``2026-Q3``, ``2026-07``.

Semester I is January-June and II July-December (``skm.md``); quarters are triwulan I-IV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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
