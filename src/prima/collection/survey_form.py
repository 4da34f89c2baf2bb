"""The public survey form as cards: what each card asks and how its answers are laid out.

A card is one question, or one item of a paired instrument with both of its scales (*harapan*
and *kinerja*) so that the respondent reads the statement once. Each scale takes one of three
layouts, chosen from its options:

- ``scale``: numbered options (``0``..``10``, or labels that only name the ends, such as
  ``0 - Sangat tidak mungkin``) as one row of targets, the end labels under the ends;
- ``compact``: the worded options of a paired item as one row of short targets;
- ``list``: worded options of a single question, one full-width target each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from prima.instruments.questions import Question, side_text

# a label that only repeats its value, or names an end after it: "0", "0 - Sangat tidak mungkin"
NUMBERED = re.compile(r"\s*(-?\d+)\s*(?:[-\u2013\u2014:.)]\s*(?P<rest>.*))?\s*")


@dataclass
class Choice:
    id: str
    value: int
    label: str  # the whole label (the radio's accessible name)
    shown: str  # what the target shows
    checked: bool


@dataclass
class Scale:
    key: str
    slug: str
    legend: str  # the group's accessible name
    side: str  # the visible name of a paired side ("" for a single question)
    layout: str  # "scale", "compact" or "list"
    choices: list[Choice]
    required: bool
    error: str | None = None
    low_label: str = ""
    high_label: str = ""

    @property
    def anchor(self) -> str:
        return self.choices[0].id if self.choices else f"f-{self.slug}"


@dataclass
class Card:
    number: int
    slug: str
    text: str
    required: bool
    scales: list[Scale] = field(default_factory=list)

    @property
    def paired(self) -> bool:
        return len(self.scales) > 1

    @property
    def error(self) -> bool:
        return any(s.error for s in self.scales)

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.scales]


def _rest(value: int, label: str) -> str | None:
    """What a numbered label says after its number ("" for a bare number), None if the label
    is a word (``Setuju``)."""
    match = NUMBERED.fullmatch(label)
    if match is None or int(match.group(1)) != value:
        return None
    return (match.group("rest") or "").strip()


def _scale(
    q: Question, lang: str, values: dict[str, Any], errors: dict[str, str], paired: bool
) -> Scale:
    slug = slugify(q.key)
    pairs = [
        (v, label.get(lang) or label.get("id") or str(v)) for v, label in sorted(q.options.items())
    ]
    rests = [_rest(v, label) for v, label in pairs]
    numbered = bool(pairs) and all(r is not None for r in rests)
    layout = "scale" if numbered else ("compact" if paired else "list")
    choices = [
        Choice(
            id=f"q-{slug}-{v}",
            value=v,
            label=label,
            shown=str(v) if numbered else label,
            checked=str(values.get(q.key)) == str(v),
        )
        for v, label in pairs
    ]
    text = q.text.get(lang) or q.text.get("id") or q.key
    return Scale(
        key=q.key,
        slug=slug,
        legend=text,
        side=side_text(q.side, lang) if q.side else "",
        layout=layout,
        choices=choices,
        required=q.required,
        error=errors.get(q.key),
        low_label=(rests[0] or "") if numbered else "",
        high_label=(rests[-1] or "") if numbered else "",
    )


def form_cards(
    questions: list[Question],
    items: dict[str, dict[str, str]],
    lang: str,
    values: dict[str, Any],
    errors: dict[str, str],
) -> list[Card]:
    """The cards of a form in instrument order; ``items`` holds the statement of each paired
    item (``{item id: {lang: text}}``), ``values`` the answers given so far."""
    cards: list[Card] = []
    by_item: dict[str, Card] = {}
    for q in questions:
        if q.side is not None:
            card = by_item.get(q.item)
            if card is None:
                text = items.get(q.item, {})
                card = Card(
                    number=len(cards) + 1,
                    slug=slugify(q.item),
                    text=text.get(lang) or text.get("id") or q.item,
                    required=q.required,
                )
                by_item[q.item] = card
                cards.append(card)
            card.scales.append(_scale(q, lang, values, errors, paired=True))
        else:
            scale = _scale(q, lang, values, errors, paired=False)
            cards.append(
                Card(
                    number=len(cards) + 1,
                    slug=scale.slug,
                    text=scale.legend,
                    required=q.required,
                    scales=[scale],
                )
            )
    return cards


def question_label(card: Card, scale: Scale) -> str:
    """How an error summary names a question: ``Pertanyaan 5`` or ``Pertanyaan 5 (Harapan)``."""
    label = _("Question %(number)s") % {"number": card.number}
    return f"{label} ({scale.side})" if scale.side else label
