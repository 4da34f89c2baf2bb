"""The analyses' notes said on a page in the page's language, each situation once.

The analytics core returns :class:`prima.metrics.notes.Note` objects (English text with a code
and the values that fill it). A page says them through :func:`said`: in the active language
(gettext), and the unsur without answers in one sentence rather than one note each. A selection
without responses shows no notes at all: the page's empty state says that once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language, ngettext

from prima.metrics import ikm as ikm_metric
from prima.metrics.notes import Note, note_text


def said(notes: Iterable[Any] | None) -> list[str]:
    """``notes`` (of one analysis) as sentences in the active language."""
    notes = list(notes or [])
    lang = get_language()
    missing = [
        str(n.params.get("code", ""))
        for n in notes
        if isinstance(n, Note) and n.code == ikm_metric.NO_ANSWERS
    ]
    out = []
    if missing:
        out.append(
            ngettext(
                "No answers for %(codes)s: its NRR is undefined.",
                "No answers for %(codes)s: their NRR are undefined.",
                len(missing),
            )
            % {"codes": ", ".join(missing)}
        )
    for note in notes:
        if isinstance(note, Note) and note.code == ikm_metric.NO_ANSWERS:
            continue
        out.append(note_text(note, lang))
    return out


def page_notes(results: dict[str, Any]) -> dict[str, list[str]]:
    """``{method: sentences}`` for a ``survey_results`` object; nothing without responses."""
    if not results.get("responses"):
        return {}
    return {
        method: said(value["notes"])
        for method, value in results.items()
        if isinstance(value, dict) and value.get("notes")
    }
