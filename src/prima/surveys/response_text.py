"""A stored response's text as it can be shown: rows kept before submissions were checked
may hold characters that no page, export or report can encode (:mod:`prima.storable_text`)."""

from __future__ import annotations

from typing import Any

from prima.storable_text import displayable

TEXT_FIELDS = ("suggestion", "flag_detail", "contact", "profile")
"""The fields of a response that carry text a respondent or a client sent."""


def displayable_data(value: Any) -> Any:
    """``value`` (text, or JSON data: dicts, lists, numbers) with every character that cannot be
    stored or shown replaced by U+FFFD, keys included; anything else unchanged.

    >>> displayable_data({"name": "Bu\\udc00di", "age": 30, "tags": ["a\\x00"]})
    {'name': 'Bu\\ufffddi', 'age': 30, 'tags': ['a\\ufffd']}
    """
    if isinstance(value, str):
        return displayable(value)
    if isinstance(value, dict):
        return {displayable_data(k): displayable_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [displayable_data(v) for v in value]
    return value
