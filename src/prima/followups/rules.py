"""Which answers of a survey response call for a follow-up case (issue 11, point 1).

Framework-free (no Django): the rule is applied to an instrument (:mod:`prima.instruments`) and
the answers of one response, keyed as stored (the columns ``prima analyze`` reads,
:mod:`prima.instruments.questions`). What an answer is follows from the instrument itself, never
from the item codes of one instrument:

- an **SKM answer** is the answer to an unsur of an instrument of kind ``ikm`` (key: the item's
  column, ``U1``..``U9`` in PermenPAN-RB 14/2017, ``U1``..``U14`` in the 2004 regulation); it
  matches when it is at or below ``lowest_answer`` (default 1, *tidak sesuai*);
- an **NPS** is the answer to the item ``nps`` (0-10), the item :func:`prima.summaries.
  supported_methods` and ``prima analyze nps`` read; it matches at or below ``nps_at_most``
  (default 6: a detractor, Reichheld 2003);
- a **paired item** of an instrument of kind ``paired`` (A6, SERVQUAL) matches when its
  performance (``X.kinerja``) lies ``gap_at_least`` (default 2) or more below its expectation
  (``X.harapan``).

The defaults are those of :class:`prima.cases.models.FollowUpRule` (a survey without a rule).
Triggers come worst first: the lowest answers, the lowest NPS, the widest gaps (ties in the
instrument's order). Each carries the built-in case category it maps to, when it maps to one:
an unsur by its code to the category of the same unsur of PermenPAN-RB 14/2017 (``U1``..
``U9``, the codes of prima's ``skm2017`` instrument), a paired item by its dimension to one of
the six A's (``ability`` .. ``accountability``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from prima.instruments.model import Instrument, Item, load_instrument

NPS_ITEM = "nps"
EXPECTATION = "harapan"  # the suffixes of prima.instruments.questions
PERFORMANCE = "kinerja"
A6_KEYS = ("ability", "attitude", "appearance", "attention", "action", "accountability")


@dataclass(frozen=True)
class Thresholds:
    """A survey's rule (the defaults: issue 11, point 1)."""

    lowest_answer: int = 1
    nps_at_most: int = 6
    gap_at_least: int = 2
    active: bool = True


@dataclass(frozen=True)
class Trigger:
    """One answer that matched the rule."""

    kind: str  # "answer" (an SKM unsur), "nps", "gap" (a paired item)
    item: Item
    key: str  # the answer's key (``U3``, ``nps``, ``ABL1``)
    value: int  # the answer; for a gap, the performance
    low: int  # the answer scale's lowest and highest value
    high: int
    expectation: int | None = None  # a gap's expectation
    category: str | None = None  # the built-in case category it maps to

    @property
    def gap(self) -> int:
        return (self.expectation or 0) - self.value if self.kind == "gap" else 0


@cache
def skm_categories() -> dict[str, str]:
    """``{unsur code: category key}`` from prima's PermenPAN-RB 14/2017 instrument (``persyaratan``
    -> ``U1`` .. ``pengaduan`` -> ``U9``): the built-in categories are its nine unsur."""
    instrument = load_instrument("skm2017")
    return {item.code: item.column for item in instrument.items if item.code}


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def triggers(instrument: Instrument, answers: dict[str, object], rule: Thresholds) -> list[Trigger]:
    """The answers that match ``rule``, worst first; empty when the rule is inactive.

    >>> from prima.instruments import load_instrument
    >>> skm = load_instrument("skm2017")
    >>> answers = {f"U{i}": 3 for i in range(1, 10)} | {"U4": 1, "U7": 1}
    >>> [(t.key, t.value, t.category) for t in triggers(skm, answers, Thresholds())]
    [('U4', 1, 'U4'), ('U7', 1, 'U7')]
    >>> triggers(skm, answers, Thresholds(active=False))
    []
    """
    if not rule.active:
        return []
    found: list[tuple[tuple[int, int, int], Trigger]] = []
    codes = skm_categories()
    for position, item in enumerate(instrument.items):
        low, high = item.scale or instrument.scale
        if instrument.kind == "ikm":
            value = _int(answers.get(item.column))
            if value is not None and value <= rule.lowest_answer:
                category = codes.get(item.code or "")
                trigger = Trigger("answer", item, item.column, value, low, high, category=category)
                found.append(((0, value, position), trigger))
        elif instrument.kind == "paired":
            expectation = _int(answers.get(f"{item.id}.{EXPECTATION}"))
            performance = _int(answers.get(f"{item.id}.{PERFORMANCE}"))
            if expectation is None or performance is None:
                continue
            if expectation - performance >= rule.gap_at_least:
                category = item.dimension if item.dimension in A6_KEYS else None
                trigger = Trigger(
                    "gap", item, item.id, performance, low, high, expectation, category
                )
                found.append(((2, performance - expectation, position), trigger))
        elif item.id == NPS_ITEM:
            value = _int(answers.get(item.id))
            if value is not None and value <= rule.nps_at_most:
                found.append(
                    ((1, value, position), Trigger("nps", item, item.id, value, low, high))
                )
    return [t for _, t in sorted(found, key=lambda pair: pair[0])]


def category_of(found: list[Trigger]) -> str | None:
    """The category of the worst trigger that maps to a built-in category (None: none does)."""
    return next((t.category for t in found if t.category), None)
