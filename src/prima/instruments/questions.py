"""The questions an instrument asks, keyed exactly like the columns ``prima analyze`` reads.

- IKM instruments: one question per unsur, key = its column (``U1``..``U9``);
- paired instruments: two per item, ``X.harapan`` (expectation) then ``X.kinerja`` (performance);
- quick instruments: one per item, key = the item id (``csat``, ``nps``, ``kembali``).

The same keys name the answers of a stored response, the columns of an export and the
``questions`` of the public API, so every number can be recomputed from an export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from prima.i18n import gettext, gettext_noop
from prima.instruments.model import Instrument, Item

WHOLE_NUMBER = re.compile(
    r"-?[0-9]+"
)  # ASCII digits only: int() refuses "²", which isdigit() accepts

NAMED_UNKNOWN = 20  # unknown answer keys an error names one by one (the rest are counted)
MAX_KEY_SHOWN = 100  # characters of an unknown key an error repeats

EXPECTATION = "harapan"
PERFORMANCE = "kinerja"

# Interface texts in the gettext catalogue (English msgids, prima/locale); questions.py is read
# without Django (the command line), so through prima.i18n.
SIDE_TEXT = {
    EXPECTATION: gettext_noop("Expectation"),
    PERFORMANCE: gettext_noop("Performance (what you experienced)"),
}

ERRORS = {
    "unknown": gettext_noop("unknown question"),
    "unknown_more": gettext_noop("{count} unknown questions; only the first {named} are named"),
    "required": gettext_noop("this answer is required"),
    "not_integer": gettext_noop("the answer must be a whole number"),
    "out_of_range": gettext_noop("the answer must be between {min} and {max}"),
}


def side_text(side: str, lang: str) -> str:
    """The name of one side of a paired item (``Harapan``, ``Kinerja ...``) in ``lang``."""
    return gettext(SIDE_TEXT[side], lang)


@dataclass(frozen=True)
class Question:
    key: str
    item: str
    side: str | None  # "harapan" / "kinerja" for paired items
    text: dict[str, str]
    min: int
    max: int
    required: bool
    options: dict[int, dict[str, str]] = field(default_factory=dict)
    dimension: str | None = None
    code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "item": self.item,
            "side": self.side,
            "dimension": self.dimension,
            "code": self.code,
            "text": self.text,
            "min": self.min,
            "max": self.max,
            "required": self.required,
            "options": [{"value": v, "label": label} for v, label in sorted(self.options.items())],
        }


def _options(item: Item, low: int, high: int) -> dict[int, dict[str, str]]:
    if item.options:
        return dict(item.options)
    return {v: {"id": str(v), "en": str(v)} for v in range(low, high + 1)}


def questions(instrument: Instrument) -> list[Question]:
    """Every question in the order asked; a paired instrument's items asked once (its
    ``once_items``, e.g. eNPS) come after the pairs, keyed by their id."""
    out: list[Question] = []
    paired_count = len(instrument.items)
    for position, item in enumerate((*instrument.items, *instrument.once_items)):
        once = position >= paired_count
        low, high = item.scale or instrument.scale
        common = {
            "item": item.id,
            "min": low,
            "max": high,
            "required": item.required,
            "options": _options(item, low, high),
            "dimension": item.dimension,
            "code": item.code,
        }
        if instrument.kind == "paired" and not once:
            for side in (EXPECTATION, PERFORMANCE):
                text = {
                    lang: f"{side_text(side, lang)}: {item.text.get(lang) or item.text.get('id', item.id)}"
                    for lang in ("id", "en")
                }
                out.append(Question(key=f"{item.id}.{side}", side=side, text=text, **common))  # type: ignore[arg-type]
        else:
            key = item.column if instrument.kind == "ikm" else item.id
            out.append(Question(key=key, side=None, text=dict(item.text), **common))  # type: ignore[arg-type]
    return out


@dataclass
class AnswerErrors:
    """Validation errors per question key, each as a message key and its parameters."""

    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def add(self, key: str, code: str, **params: Any) -> None:
        self.errors.setdefault(key, (code, params))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def messages(self, lang: str = "id") -> dict[str, str]:
        return {
            k: gettext(ERRORS[code], lang).format(**params)
            for k, (code, params) in self.errors.items()
        }


def clean_answers(
    qs: list[Question], answers: dict[str, Any]
) -> tuple[dict[str, int], AnswerErrors]:
    """Validate answers ``{key: value}``; values may be ints or strings of digits (forms).

    A blank (``None`` or ``""``) is "not answered"; it is an error only for a required question.
    """
    errors = AnswerErrors()
    by_key = {q.key: q for q in qs}
    clean: dict[str, int] = {}
    unknown = [key for key in answers if key not in by_key]
    for key in unknown[:NAMED_UNKNOWN]:
        errors.add(str(key)[:MAX_KEY_SHOWN], "unknown")
    if len(unknown) > NAMED_UNKNOWN:
        # the error names a bounded number of keys, whatever the request holds
        errors.add("answers", "unknown_more", count=len(unknown), named=NAMED_UNKNOWN)
    for q in qs:
        raw = answers.get(q.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if q.required:
                errors.add(q.key, "required")
            continue
        value: int | None = None
        if isinstance(raw, bool):
            value = None
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, str) and WHOLE_NUMBER.fullmatch(raw.strip()):
            value = int(raw.strip())
        if value is None:
            errors.add(q.key, "not_integer")
            continue
        if not q.min <= value <= q.max:
            errors.add(q.key, "out_of_range", min=q.min, max=q.max)
            continue
        clean[q.key] = value
    return clean, errors
