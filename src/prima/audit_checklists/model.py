"""Reading and validating audit checklists, and checking one audit's answers against one.

A checklist is JSON (issue 13 point 1)::

    {"code": "a6", "version": 1, "title": {"id": ..., "en": ...}, "pass_mark": 80,
     "groups": [{"a": "ability", "text": {"id": "Kemampuan", "en": "Ability"},
                 "lines": [{"id": "ABL1", "text": {"id": ..., "en": ...}, "weight": 2,
                            "answer": "yes_no", "critical": false}, ...]}, ...]}

- ``code``: lower-case letters, digits, ``_`` and ``-``, starting with a letter (at most 40);
  ``version``: a whole number from 1;
- ``groups``: one per A of the A6 concept (``shared/domain/concept.md``: ability, attitude,
  appearance, attention, action, accountability), each A at most once, in any order; an
  organization's own checklist may leave an A out;
- a line: ``id`` unique in the checklist (letters, digits, ``_``, ``.``, ``-``; at most 40),
  ``text`` (a string, or ``{"id", "en"}``), ``weight`` a number above 0 (read as the decimal it
  is written as: 0.1 is exactly one tenth), ``answer`` ``yes_no`` (Ya / Tidak / Tidak berlaku)
  or ``scale4`` (1-4, or Tidak berlaku), ``critical`` true or false (default false);
- ``pass_mark`` (optional, default :data:`DEFAULT_PASS_MARK`): the overall percentage an audit
  needs to pass, above 0 and at most 100 (:mod:`prima.metrics.audit_score`).

Every error is a :class:`ChecklistError` whose message names the source, the line (or group)
and the field. Texts are checked with :mod:`prima.storable_text` (they are stored and shown).

Answers (:func:`check_answers`): ``"yes"``, ``"no"`` or ``"na"`` on a ``yes_no`` line; a whole
number 1-4 (or its digit as text) or ``"na"`` on a ``scale4`` line. Every line needs an answer
(a line that does not apply is answered ``"na"``, so an audit never has silent gaps).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from prima.i18n import gettext_noop
from prima.storable_text import unstorable_character

BUILTIN_PACKAGE = "prima.audit_checklists.builtin"

# the six A's of the A6 concept (shared/domain/concept.md), in the concept's order
A6_KEYS = ("ability", "attitude", "appearance", "attention", "action", "accountability")
YES_NO = "yes_no"
SCALE4 = "scale4"
ANSWER_TYPES = (YES_NO, SCALE4)
YES, NO, NA = "yes", "no", "na"
SCALE4_VALUES = (1, 2, 3, 4)
DEFAULT_PASS_MARK = 80

_CODE = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_LINE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
MAX_TITLE = 200
MAX_LINE_TEXT = 500

# the answers' labels (English msgids of the catalogue; the web platform translates them)
ANSWER_LABELS: dict[str, str] = {
    YES: gettext_noop("Yes"),
    NO: gettext_noop("No"),
    NA: gettext_noop("Not applicable"),
    "1": gettext_noop("1 - not done"),
    "2": gettext_noop("2 - done poorly"),
    "3": gettext_noop("3 - done well"),
    "4": gettext_noop("4 - done very well"),
}

# why an answer is refused (English msgids; AnswerError.errors maps a line id to one)
ANSWER_MISSING = gettext_noop(
    "This line needs an answer (choose not applicable if it does not apply)."
)
ANSWER_YES_NO = gettext_noop("Choose yes, no or not applicable.")
ANSWER_SCALE4 = gettext_noop("Choose a whole number from 1 to 4, or not applicable.")
ANSWER_UNKNOWN_LINE = gettext_noop("This checklist has no such line.")

Answer = str | int  # "yes", "no", "na", or 1..4


class ChecklistError(ValueError):
    """A checklist that cannot be used; the message names the source, the line and the field."""

    def __init__(self, message: str, *, source: str) -> None:
        self.source = source
        super().__init__(f"{source}: {message}")


class AnswerError(ValueError):
    """Answers that do not fit their checklist: ``errors`` maps each line id to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{line}: {msg}" for line, msg in self.errors.items()))


@dataclass(frozen=True)
class ChecklistLine:
    id: str
    a: str  # one of A6_KEYS
    text: dict[str, str]
    weight: Fraction
    answer: str  # YES_NO or SCALE4
    critical: bool = False


@dataclass(frozen=True)
class AuditChecklist:
    code: str
    version: int
    title: dict[str, str]
    lines: tuple[ChecklistLine, ...]
    pass_mark: Fraction = Fraction(DEFAULT_PASS_MARK)
    a_texts: dict[str, dict[str, str]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def line_ids(self) -> list[str]:
        return [line.id for line in self.lines]

    def line(self, line_id: str) -> ChecklistLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(line_id)

    def groups(self) -> dict[str, list[ChecklistLine]]:
        """``{A: [lines]}`` in the checklist's order of the A's."""
        groups: dict[str, list[ChecklistLine]] = {}
        for line in self.lines:
            groups.setdefault(line.a, []).append(line)
        return groups


def builtin_codes() -> list[str]:
    return sorted(
        p.name.removesuffix(".json")
        for p in resources.files(BUILTIN_PACKAGE).iterdir()
        if p.name.endswith(".json")
    )


def load_checklist(code_or_path: str) -> AuditChecklist:
    """A built-in checklist by code, or a checklist file (``.json``)."""
    if code_or_path in builtin_codes():
        text = resources.files(BUILTIN_PACKAGE).joinpath(f"{code_or_path}.json").read_text("utf-8")
        return parse_checklist(json.loads(text), source=code_or_path)
    path = Path(code_or_path)
    if not path.suffix and not path.exists():
        raise ChecklistError(
            f"unknown checklist; built-in checklists are {', '.join(builtin_codes())}",
            source=code_or_path,
        )
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise ChecklistError("file not found", source=code_or_path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(f"cannot read the file ({exc})", source=code_or_path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChecklistError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            source=code_or_path,
        ) from None
    return parse_checklist(data, source=code_or_path)


def _text(value: Any, where: str, source: str, limit: int, name: str = "text") -> dict[str, str]:
    """``{"id", "en"}`` from a string (both languages) or an object with both, non-empty;
    errors name ``where`` (a line or group; empty for the checklist) and the field ``name``."""
    where = f"{where}: " if where else ""
    if isinstance(value, str):
        value = {"id": value, "en": value}
    if not (
        isinstance(value, dict)
        and set(value) == {"id", "en"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise ChecklistError(
            f'{where}"{name}" must be a non-empty string or {{"id": ..., "en": ...}}',
            source=source,
        )
    for lang in ("id", "en"):
        bad = unstorable_character(value[lang])
        if bad is not None:
            raise ChecklistError(
                f'{where}"{name}" ({lang}) holds a character that cannot be stored ({bad})',
                source=source,
            )
        if len(value[lang]) > limit:
            raise ChecklistError(
                f'{where}"{name}" ({lang}) is longer than {limit} characters', source=source
            )
    return {"id": value["id"].strip(), "en": value["en"].strip()}


def _positive_number(value: Any) -> Fraction | None:
    """The number ``value`` as an exact fraction of its decimal text, if it is finite and > 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    number = Fraction(value) if isinstance(value, int) else Fraction(repr(value))
    return number if number > 0 else None


def _line(raw: Any, a: str, where: str, seen: set[str], source: str) -> ChecklistLine:
    if not isinstance(raw, dict):
        raise ChecklistError(f"{where} must be an object", source=source)
    line_id = raw.get("id")
    if not isinstance(line_id, str) or not _LINE_ID.fullmatch(line_id):
        raise ChecklistError(
            f'{where}: "id" must be 1-40 letters, digits, "_", "." or "-"', source=source
        )
    if line_id in seen:
        raise ChecklistError(f'line {line_id}: "id" is used twice', source=source)
    seen.add(line_id)
    where = f"line {line_id}"
    unknown = sorted(set(raw) - {"id", "text", "weight", "answer", "critical"})
    if unknown:
        raise ChecklistError(f'{where}: unknown field "{unknown[0]}"', source=source)
    weight = _positive_number(raw.get("weight"))
    if weight is None:
        raise ChecklistError(f'{where}: "weight" must be a number above 0', source=source)
    answer = raw.get("answer")
    if answer not in ANSWER_TYPES:
        raise ChecklistError(f'{where}: "answer" must be "yes_no" or "scale4"', source=source)
    critical = raw.get("critical", False)
    if not isinstance(critical, bool):
        raise ChecklistError(f'{where}: "critical" must be true or false', source=source)
    return ChecklistLine(
        id=line_id,
        a=a,
        text=_text(raw.get("text"), where, source, MAX_LINE_TEXT),
        weight=weight,
        answer=answer,
        critical=critical,
    )


def parse_checklist(data: Any, *, source: str) -> AuditChecklist:
    """Validate a decoded checklist definition (the module's docstring gives the rules)."""
    if not isinstance(data, dict):
        raise ChecklistError("a checklist must be an object", source=source)
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise ChecklistError(
            '"code" must be 1-40 lower-case letters, digits, "_" or "-", starting with a letter',
            source=source,
        )
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ChecklistError('"version" must be a whole number from 1', source=source)
    title = _text(data.get("title"), "", source, MAX_TITLE, name="title")
    pass_mark = Fraction(DEFAULT_PASS_MARK)
    if "pass_mark" in data:
        mark = _positive_number(data["pass_mark"])
        if mark is None or mark > 100:
            raise ChecklistError(
                '"pass_mark" must be a percentage above 0 and at most 100', source=source
            )
        pass_mark = mark
    groups = data.get("groups")
    if not isinstance(groups, list) or not groups:
        raise ChecklistError('"groups" must be a non-empty list', source=source)
    lines: list[ChecklistLine] = []
    a_texts: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for pos, group in enumerate(groups, start=1):
        if not isinstance(group, dict):
            raise ChecklistError(f"groups[{pos}] must be an object", source=source)
        a = group.get("a")
        if a not in A6_KEYS:
            raise ChecklistError(
                f'groups[{pos}]: "a" must be one of {", ".join(A6_KEYS)}', source=source
            )
        if a in a_texts:
            raise ChecklistError(f'group {a}: "a" is used twice', source=source)
        a_texts[a] = (
            _text(group["text"], f"group {a}", source, MAX_TITLE) if "text" in group else {}
        )
        raw_lines = group.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise ChecklistError(f'group {a}: "lines" must be a non-empty list', source=source)
        for number, raw in enumerate(raw_lines, start=1):
            lines.append(_line(raw, a, f"group {a} lines[{number}]", seen, source))
    return AuditChecklist(
        code=code,
        version=version,
        title=title,
        lines=tuple(lines),
        pass_mark=pass_mark,
        a_texts={a: t for a, t in a_texts.items() if t},
        raw=data,
    )


def _answer(line: ChecklistLine, value: Any) -> Answer | None:
    """The canonical answer of ``value`` on ``line``, or None when it does not fit the line."""
    if value == NA and isinstance(value, str):
        return NA
    if line.answer == YES_NO:
        return value if isinstance(value, str) and value in (YES, NO) else None
    if isinstance(value, str) and value in ("1", "2", "3", "4"):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in SCALE4_VALUES:
        return value
    return None


def check_answers(checklist: AuditChecklist, answers: Mapping[str, Any]) -> dict[str, Answer]:
    """Every line's canonical answer, in the checklist's order; :class:`AnswerError` names every
    line that lacks an answer or has one that does not fit, and every unknown line id."""
    errors: dict[str, str] = {}
    checked: dict[str, Answer] = {}
    for line in checklist.lines:
        if line.id not in answers or answers[line.id] is None:
            errors[line.id] = ANSWER_MISSING
            continue
        answer = _answer(line, answers[line.id])
        if answer is None:
            errors[line.id] = ANSWER_YES_NO if line.answer == YES_NO else ANSWER_SCALE4
        else:
            checked[line.id] = answer
    known = set(checklist.line_ids)
    for line_id in answers:
        if line_id not in known:
            errors[str(line_id)] = ANSWER_UNKNOWN_LINE
    if errors:
        raise AnswerError(errors)
    return checked
