"""Display formatting in the active language (:mod:`prima.formats`): half-up rounding
(``methods.md``), decimal comma and thousands dot in Bahasa Indonesia, English conventions on
English pages.

``{{ x|num:2 }}`` (also ``id_num``, kept for existing templates) ``1.234,57`` / ``1,234.57``;
``{{ n|count }}`` ``2.311``; ``{{ d|signed:2 }}`` ``+1,25``; ``{{ "2026-07"|period_label }}``
``Jul 2026``; ``{{ day|day_label }}`` ``6 Desember 2026``; ``-`` for undefined numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.translation import get_language

from prima import formats

register = template.Library()


def _places(places: Any, default: int = 2) -> int:
    try:
        return max(0, min(int(places), 12))
    except (TypeError, ValueError):
        return default


@register.filter
def num(value: Any, places: Any = 2) -> str:
    """``{{ x|num:3 }}`` -> ``3,385`` (id) or ``3.385`` (en); ``-`` for undefined."""
    number = formats.as_number(value)
    if number is None:
        return "-"
    return formats.number(number, _places(places), get_language())


@register.filter
def id_num(value: Any, places: Any = 2) -> str:
    """The former name of :func:`num` (now in the active language)."""
    return num(value, places)


@register.filter
def count(value: Any) -> str:
    """A whole number with the thousands separator: ``2.311`` / ``2,311``."""
    return num(value, 0)


@register.filter
def signed(value: Any, places: Any = 2) -> str:
    """A change with its sign: ``+1,25`` / ``-0,40``."""
    number = formats.as_number(value)
    if number is None:
        return "-"
    return formats.signed(number, _places(places), get_language())


@register.filter
def period_label(value: Any) -> str:
    """``2026-07`` -> ``Jul 2026``, ``2026-Q3`` -> ``Triwulan III 2026`` / ``Q3 2026``."""
    return formats.period_label("" if value is None else str(value), get_language())


@register.filter
def month_label(value: Any) -> str:
    """A date's month: ``Jul 2026``."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return ""
    return formats.month_label(value, get_language())


@register.filter
def day_label(value: Any) -> str:
    """``6 Desember 2026`` / ``6 December 2026``."""
    if isinstance(value, datetime):
        value = value.date()
    return formats.day_label(value if isinstance(value, date) else None, get_language())


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
