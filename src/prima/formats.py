"""Numbers, periods and dates as the page's language writes them.

Bahasa Indonesia: decimal comma, thousands dot ("2.311", "1.234,57"), short months "Jul 2026",
quarters "Triwulan III 2026"; English: "2,311", "1,234.57", "Jul 2026", "Q3 2026". Rounding is
half-up on the decimal value (``methods.md``; :func:`prima.metrics.rounding.round_half_up`, as ``format_number``).
The functions take the language explicitly; the template filters of ``prima_format`` pass the
active one.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from typing import Any

from prima import i18n
from prima.i18n import gettext_noop
from prima.metrics.rounding import round_half_up

NBSP = "\u00a0"

MONTHS_SHORT = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
MONTHS_LONG = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
ROMAN = ("I", "II", "III", "IV")

QUARTER = gettext_noop("Q%(number)s %(year)s")
SEMESTER = gettext_noop("Semester %(roman)s %(year)s")

_PERIOD = re.compile(r"^(\d{4})(?:-(?:([SsQq])(\d)|(\d{2})))?$")


def lang_of(lang: str | None) -> str:
    """``"id"`` or ``"en"`` from a language code (anything else: Indonesian)."""
    return i18n.normalize_language(lang)


def number(
    value: float | Fraction | int | str | None, places: int = 2, lang: str | None = "id"
) -> str:
    """``value`` rounded half-up to ``places`` decimals with the language's decimal mark and
    thousands separator; ``-`` for undefined.

    >>> number(1234.565, 2, "id"), number(1234.565, 2, "en"), number(2311, 0, "id")
    ('1.234,57', '1,234.57', '2.311')
    """
    if value is None or value == "":
        return "-"
    code = lang_of(lang)
    text = f"{round_half_up(Fraction(value) if isinstance(value, str) else value, places):f}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
        if set(text) <= set("0."):
            sign = ""  # never print "-0,00"
    whole, _, decimals = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    thousands, point = (".", ",") if code == "id" else (",", ".")
    return sign + thousands.join(groups) + (point + decimals if decimals else "")


def signed(value: float | None, places: int = 2, lang: str | None = "id") -> str:
    """A change with its sign: ``+1,25``, ``-0,40``, ``0,00``."""
    text = number(value, places, lang)
    if value is None or text.strip("0,.") == "":
        return text
    return text if text.startswith("-") else "+" + text


def month_label(day: date, lang: str | None = "id", long: bool = False) -> str:
    """``Jul 2026`` (``Juli 2026`` with ``long``), never broken inside (no-break space)."""
    names = (MONTHS_LONG if long else MONTHS_SHORT)[lang_of(lang)]
    return f"{names[day.month - 1]}{NBSP}{day.year}"


def period_label(label: str, lang: str | None = "id") -> str:
    """A period label as people write it: ``2026-07`` -> ``Jul 2026``, ``2026-Q3`` ->
    ``Triwulan III 2026`` / ``Q3 2026``, ``2026-S1`` -> ``Semester I 2026``, a custom range
    ``2026-01-04..2026-01-31`` -> ``4 Jan 2026 – 31 Jan 2026``; other text unchanged. Words
    are joined with no-break spaces."""
    match = _PERIOD.match(label or "")
    if not match:
        return _range_label(label, lang)
    year, kind, part, month = match.groups()
    code = lang_of(lang)
    if month:
        if not 1 <= int(month) <= 12:
            return label
        return month_label(date(int(year), int(month), 1), code)
    if kind and kind.upper() == "Q" and 1 <= int(part) <= 4:
        text = i18n.gettext(QUARTER, code) % {
            "number": part,
            "roman": ROMAN[int(part) - 1],
            "year": year,
        }
        return text.replace(" ", NBSP)
    if kind and kind.upper() == "S" and part in ("1", "2"):
        text = i18n.gettext(SEMESTER, code) % {"roman": ROMAN[int(part) - 1], "year": year}
        return text.replace(" ", NBSP)
    return year if not kind else label


def _range_label(label: str, lang: str | None) -> str:
    """``2026-01-04..2026-01-31`` -> ``4 Jan 2026 – 31 Jan 2026``; other text unchanged."""
    first, sep, last = (label or "").partition("..")
    try:
        days = [date.fromisoformat(first), date.fromisoformat(last)] if sep else []
    except ValueError:
        return label
    if not days:
        return label
    names = MONTHS_SHORT[lang_of(lang)]
    return " – ".join(f"{d.day}{NBSP}{names[d.month - 1]}{NBSP}{d.year}" for d in days)


def day_label(day: date | None, lang: str | None = "id") -> str:
    """``6 Desember 2026`` / ``6 December 2026``."""
    if day is None:
        return "-"
    return f"{day.day} {MONTHS_LONG[lang_of(lang)][day.month - 1]} {day.year}"


def as_number(value: Any) -> float | None:
    """A template value as a number, None when it is not one."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
