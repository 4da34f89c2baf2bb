"""One question per screen, without JavaScript: a multi-page form whose answers travel between
the pages in a signed hidden field.

The state is every form field given so far (answers, unit, service, profile, suggestion,
contact), the submission id and the time stamp of the first screen; it is signed with the
site's key (:mod:`django.core.signing`) and bound to one survey, so a respondent cannot alter
it or move it to another survey, and it expires after a day. The last screen submits the
whole state through :func:`prima.surveys.services.response_submit`, once per submission id,
with the same abuse signals as the one-page form (the time stamp of the first screen, the
honeypot of any screen, the rate limits of the request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing

SALT = "prima.collection.steps"
MAX_AGE = 24 * 3600  # seconds a half-answered form stays valid
MAX_FIELDS = 400  # form fields a state may carry (answers, profile, contact...)
MAX_VALUE = 4000  # characters of one field kept (the suggestion allows 2,000)

PLACE = "place"  # the unit and service
END = "end"  # profile, suggestion, contact and the submit button


class BadState(ValueError):
    """A state that was altered, belongs to another survey or has expired."""


@dataclass
class StepState:
    submission_id: str
    shown: str
    fields: dict[str, str] = field(default_factory=dict)

    def merge(self, post: Any, names: list[str], honeypot: str) -> None:
        """Take the fields a screen owns from its POST (a filled honeypot sticks)."""
        for name in names:
            value = post.get(name, "")
            if value or name in self.fields:
                self.fields[name] = str(value)[:MAX_VALUE]
        if post.get(honeypot):
            self.fields[honeypot] = str(post.get(honeypot))[:MAX_VALUE]


def state_dump(state: StepState, survey_code: str) -> str:
    payload = {"k": survey_code, "i": state.submission_id, "s": state.shown, "f": state.fields}
    return str(signing.dumps(payload, salt=SALT, compress=True))


def state_load(token: str, survey_code: str) -> StepState:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise BadState("signature") from None
    if not isinstance(data, dict) or data.get("k") != survey_code:
        raise BadState("survey")
    fields = data.get("f")
    if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise BadState("fields")
    return StepState(
        submission_id=str(data.get("i", "")),
        shown=str(data.get("s", "")),
        fields={str(k): str(v) for k, v in fields.items()},
    )


@dataclass(frozen=True)
class Step:
    kind: str  # PLACE, a card's slug, or END
    names: tuple[str, ...]  # the form fields it asks
    card: int | None = None  # index of the card it shows


def plan(cards: list[Any], *, place: list[str], end: list[str]) -> list[Step]:
    """The screens in order: unit and service (when asked), one per card, then the rest."""
    steps = [Step(PLACE, tuple(place))] if place else []
    steps += [Step(card.slug, tuple(card.keys), card=i) for i, card in enumerate(cards)]
    steps.append(Step(END, tuple(end)))
    return steps


def step_of(steps: list[Step], error_keys: list[str]) -> int:
    """The first screen that asks one of the fields named by errors (the last if none does)."""
    for i, step in enumerate(steps):
        if any(key in step.names for key in error_keys):
            return i
    return len(steps) - 1
