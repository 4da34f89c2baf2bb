"""Audit checklists (issue 13 point 1): the built-in A6 checklist, validation that names the
line and the field, the loader, and the check of one audit's answers."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from prima.audit_checklists import (
    A6_KEYS,
    AnswerError,
    ChecklistError,
    builtin_codes,
    check_answers,
    load_checklist,
    parse_checklist,
)
from prima.audit_checklists.model import (
    ANSWER_MISSING,
    ANSWER_SCALE4,
    ANSWER_UNKNOWN_LINE,
    ANSWER_YES_NO,
)

# the observable lines issue 13 lists, per A, in its order
ISSUE_LINES = {
    "ability": ["ABL1", "ABL2", "ABL3"],  # knows the requirements, explains them, solves
    "attitude": ["ATD1", "ATD2", "ATD3"],  # greets, courteous, patient with questions
    "appearance": ["APP1", "APP2", "APP3"],  # uniform, name tag, tidy workplace
    "attention": ["ATN1", "ATN2", "ATN3"],  # listens, offers help, takes up suggestions
    "action": ["ACT1", "ACT2"],  # within the standard's time, the right product
    "accountability": ["ACC1", "ACC2"],  # owns mistakes, records and follows up complaints
}


def a6_data() -> dict[str, Any]:
    return copy.deepcopy(load_checklist("a6").raw)


def test_the_a6_checklist_is_built_in_with_the_issues_lines_per_a():
    assert builtin_codes() == ["a6"]
    checklist = load_checklist("a6")
    assert (checklist.code, checklist.version) == ("a6", 1)
    assert checklist.title == {
        "id": "Audit Pelayanan Prima A6",
        "en": "Service Excellence A6 audit",
    }
    groups = checklist.groups()
    assert list(groups) == list(A6_KEYS)
    assert {a: [line.id for line in lines] for a, lines in groups.items()} == ISSUE_LINES
    # the A's names of shared/domain/concept.md
    assert checklist.a_texts["accountability"] == {"id": "Tanggung jawab", "en": "Accountability"}
    assert checklist.a_texts["ability"] == {"id": "Kemampuan", "en": "Ability"}
    assert checklist.pass_mark == 80


def test_the_a6_lines_are_bilingual_weighted_and_some_are_critical():
    checklist = load_checklist("a6")
    for line in checklist.lines:
        assert line.text["id"] != line.text["en"]
        assert line.text["id"].endswith(".")
        assert line.text["en"].endswith(".")
        assert line.weight > 0
        assert line.answer in ("yes_no", "scale4")
    assert {line.answer for line in checklist.lines} == {"yes_no", "scale4"}
    # explaining wrongly, rudeness, the wrong product and an ignored complaint fail an audit
    assert [line.id for line in checklist.lines if line.critical] == [
        "ABL2",
        "ATD2",
        "ACT2",
        "ACC2",
    ]
    # weights: ability 2+2+3, attitude 1+2+2, appearance 1+1+1, attention 2+1+1, action 3+3,
    # accountability 2+2 = 29
    assert sum(line.weight for line in checklist.lines) == 29
    assert checklist.line("ACT1").weight == 3


def test_a_checklist_of_an_organization_may_leave_out_an_a_and_use_plain_texts():
    checklist = parse_checklist(
        {
            "code": "toko-kasir",
            "title": "Audit kasir",
            "groups": [
                {
                    "a": "action",
                    "lines": [
                        {"id": "K1", "text": "Struk diberikan.", "weight": 1.5, "answer": "yes_no"}
                    ],
                },
                {
                    "a": "attitude",
                    "lines": [{"id": "K2", "text": "Senyum.", "weight": 0.1, "answer": "scale4"}],
                },
            ],
        },
        source="toko",
    )
    assert checklist.version == 1
    assert checklist.title == {"id": "Audit kasir", "en": "Audit kasir"}
    assert list(checklist.groups()) == ["action", "attitude"]
    # weights are the decimals written: 0.1 is exactly a tenth, not the binary float
    assert checklist.line("K2").weight == Fraction(1, 10)
    assert checklist.line("K1").weight == Fraction(3, 2)
    assert checklist.line("K1").critical is False
    assert checklist.a_texts == {}


def _mutate(path: str, value: Any) -> dict[str, Any]:
    """The A6 checklist with one field replaced (``path``: keys and indexes split by '/')."""
    data = a6_data()
    *parents, last = path.split("/")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is _DELETE:
        del target[int(last) if isinstance(target, list) else last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("groups/0/lines/0/weight", 0, 'line ABL1: "weight" must be a number above 0'),
        ("groups/0/lines/0/weight", -1.5, 'line ABL1: "weight" must be a number above 0'),
        ("groups/0/lines/0/weight", "2", 'line ABL1: "weight" must be a number above 0'),
        ("groups/0/lines/0/weight", True, 'line ABL1: "weight" must be a number above 0'),
        ("groups/0/lines/0/weight", float("nan"), 'line ABL1: "weight" must be a number above 0'),
        ("groups/0/lines/0/weight", float("inf"), 'line ABL1: "weight" must be a number above 0'),
        ("groups/0/lines/0/weight", _DELETE, 'line ABL1: "weight" must be a number above 0'),
        ("groups/1/lines/2/answer", "scale5", 'line ATD3: "answer" must be "yes_no" or "scale4"'),
        ("groups/1/lines/2/answer", _DELETE, 'line ATD3: "answer" must be "yes_no" or "scale4"'),
        ("groups/4/lines/1/critical", "yes", 'line ACT2: "critical" must be true or false'),
        ("groups/4/lines/1/critical", 1, 'line ACT2: "critical" must be true or false'),
        ("groups/5/lines/1/id", "ACC1", 'line ACC1: "id" is used twice'),
        ("groups/5/lines/1/id", "ABL1", 'line ABL1: "id" is used twice'),
        ("groups/0/lines/1/id", "has space", 'group ability lines[2]: "id" must be 1-40'),
        ("groups/0/lines/1/id", _DELETE, 'group ability lines[2]: "id" must be 1-40'),
        ("groups/0/lines/1/wieght", 2, 'line ABL2: unknown field "wieght"'),
        ("groups/2/lines/0/text", {"id": "Seragam."}, 'line APP1: "text" must be a non-empty'),
        (
            "groups/2/lines/0/text",
            {"id": " ", "en": "Uniform."},
            'line APP1: "text" must be a non-empty',
        ),
        (
            "groups/2/lines/0/text",
            "Seragam\x00.",
            'line APP1: "text" (id) holds a character that cannot be stored (U+0000)',
        ),
        (
            "groups/2/lines/0/text",
            "x" * 501,
            'line APP1: "text" (id) is longer than 500 characters',
        ),
        ("groups/2/lines/0", "APP1", "group appearance lines[1] must be an object"),
        ("groups/2/lines", [], 'group appearance: "lines" must be a non-empty list'),
        ("groups/2/text", {"en": "Appearance"}, 'group appearance: "text" must be a non-empty'),
        ("groups/2/a", "looks", 'groups[3]: "a" must be one of ability, attitude'),
        ("groups/2/a", "ability", 'group ability: "a" is used twice'),
        ("groups", [], '"groups" must be a non-empty list'),
        ("title", _DELETE, '"title" must be a non-empty string'),
        ("code", "A6", '"code" must be 1-40 lower-case letters'),
        ("version", 0, '"version" must be a whole number from 1'),
        ("version", "2", '"version" must be a whole number from 1'),
        ("pass_mark", 0, '"pass_mark" must be a percentage above 0 and at most 100'),
        ("pass_mark", 100.5, '"pass_mark" must be a percentage above 0 and at most 100'),
    ],
)
def test_a_bad_checklist_is_refused_naming_the_line_and_the_field(path, value, message):
    with pytest.raises(ChecklistError) as caught:
        parse_checklist(_mutate(path, value), source="mine.json")
    assert str(caught.value).startswith(f"mine.json: {message}")
    assert caught.value.source == "mine.json"


def test_a_checklist_must_be_an_object():
    with pytest.raises(ChecklistError, match="a checklist must be an object"):
        parse_checklist([1, 2], source="x")


def test_the_pass_mark_may_be_any_percentage_up_to_100():
    assert parse_checklist(_mutate("pass_mark", 100), source="x").pass_mark == 100
    assert parse_checklist(_mutate("pass_mark", 72.5), source="x").pass_mark == Fraction(145, 2)
    assert parse_checklist(_mutate("pass_mark", _DELETE), source="x").pass_mark == 80


def test_a_checklist_file_is_loaded_and_bad_files_are_named(tmp_path: Path):
    good = tmp_path / "mine.json"
    good.write_text(json.dumps(_mutate("code", "mine")), encoding="utf-8")
    assert load_checklist(str(good)).code == "mine"
    with pytest.raises(ChecklistError, match="unknown checklist; built-in checklists are a6"):
        load_checklist("a7")
    with pytest.raises(ChecklistError, match="file not found"):
        load_checklist(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"code": "a6",\n  "groups": [}', encoding="utf-8")
    with pytest.raises(ChecklistError, match="not valid JSON at line 2, column 14"):
        load_checklist(str(broken))


def all_answers(value_yes_no: Any = "yes", value_scale4: Any = 4) -> dict[str, Any]:
    checklist = load_checklist("a6")
    return {
        line.id: value_yes_no if line.answer == "yes_no" else value_scale4
        for line in checklist.lines
    }


def test_answers_are_read_to_their_canonical_form():
    checklist = load_checklist("a6")
    answers = all_answers("no", "2")  # a digit as text, as a form posts it
    answers["ATN3"] = "na"
    answers["APP3"] = "na"
    checked = check_answers(checklist, answers)
    assert list(checked) == checklist.line_ids
    assert checked["ABL1"] == "no"
    assert checked["ABL2"] == 2
    assert checked["ATN3"] == "na"
    assert checked["APP3"] == "na"


def test_every_wrong_answer_is_named_by_its_line():
    checklist = load_checklist("a6")
    answers: dict[str, Any] = all_answers()
    del answers["ABL1"]  # missing
    answers["ABL2"] = 5  # off the scale
    answers["ABL3"] = True  # not a number
    answers["ATD1"] = 1  # a number on a yes/no line
    answers["ATD2"] = "yes"  # yes on a 1-4 line
    answers["APP1"] = "Ya"  # a label, not the answer's code
    answers["APP2"] = None  # no answer
    answers["ATN1"] = "0"
    answers["ZZZ9"] = "yes"  # no such line
    with pytest.raises(AnswerError) as caught:
        check_answers(checklist, answers)
    assert caught.value.errors == {
        "ABL1": ANSWER_MISSING,
        "ABL2": ANSWER_SCALE4,
        "ABL3": ANSWER_SCALE4,
        "ATD1": ANSWER_YES_NO,
        "ATD2": ANSWER_SCALE4,
        "APP1": ANSWER_YES_NO,
        "APP2": ANSWER_MISSING,
        "ATN1": ANSWER_SCALE4,
        "ZZZ9": ANSWER_UNKNOWN_LINE,
    }
    assert "ABL1: This line needs an answer" in str(caught.value)


def test_the_answer_messages_are_in_the_catalogue():
    from prima.i18n import gettext

    assert gettext(ANSWER_YES_NO, "en") == ANSWER_YES_NO
    for message in (ANSWER_MISSING, ANSWER_YES_NO, ANSWER_SCALE4, ANSWER_UNKNOWN_LINE):
        assert gettext(message, "id") != message
