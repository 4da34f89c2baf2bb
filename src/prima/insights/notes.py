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

from prima.metrics import csi as csi_metric
from prima.metrics import gap as gap_metric
from prima.metrics import ikm as ikm_metric
from prima.metrics import ipa as ipa_metric
from prima.metrics.notes import Note, note_text


def _grouped(code: str, names: list[str]) -> str:
    """One sentence for the notes of one code that differ only in the item they name."""
    values = {"codes": ", ".join(names)}
    if code == ikm_metric.NO_ANSWERS:
        return (
            ngettext(
                "No answers for %(codes)s: its NRR is undefined.",
                "No answers for %(codes)s: their NRR are undefined.",
                len(names),
            )
            % values
        )
    if code == gap_metric.NO_INTERVAL:
        return (
            ngettext(
                "Fewer than 2 respondents answered both sides of %(codes)s: no interval.",
                "Fewer than 2 respondents answered both sides of %(codes)s: no intervals.",
                len(names),
            )
            % values
        )
    return (
        ngettext(  # ipa / csi: an item nobody answered on both sides
            "No respondent answered both sides of %(codes)s: left out.",
            "No respondent answered both sides of %(codes)s: left out.",
            len(names),
        )
        % values
    )


# code -> the parameter naming the item (notes of one code are said in one sentence)
GROUPED = {
    ikm_metric.NO_ANSWERS: "code",
    gap_metric.NO_INTERVAL: "name",
    ipa_metric.ITEM_UNANSWERED: "item",
    csi_metric.ITEM_LEFT_OUT: "item",
}


def said(notes: Iterable[Any] | None) -> list[str]:
    """``notes`` (of one analysis) as sentences in the active language; the notes that only
    name another item (nine unsur without answers) in one sentence, where the first was."""
    notes = list(notes or [])
    lang = get_language()
    names: dict[str, list[str]] = {}
    for n in notes:
        if isinstance(n, Note) and n.code in GROUPED:
            names.setdefault(n.code, []).append(str(n.params.get(GROUPED[n.code], "")))
    out = []
    for note in notes:
        if isinstance(note, Note) and note.code in GROUPED:
            if note.code in names:
                out.append(_grouped(note.code, names.pop(note.code)))
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
