"""Display formatting: half-up rounding with the decimal comma (``methods.md``)."""

from __future__ import annotations

from typing import Any

from django import template

from prima.metrics.rounding import format_number

register = template.Library()


@register.filter
def id_num(value: Any, places: int = 2) -> str:
    """``{{ x|id_num:3 }}`` -> ``3,385`` style text; ``-`` for undefined."""
    if value is None or value == "":
        return "-"
    return format_number(float(value), int(places), "id")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
