"""The score of an A6 audit (issue 13): per A and overall weighted percentage, not applicable
left out, critical failures and the pass mark, checked by hand; Hypothesis invariants."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from prima.audit_checklists import A6_KEYS, AnswerError, load_checklist, parse_checklist
from prima.audit_checklists.model import AuditChecklist
from prima.metrics.audit_score import (
    FAILED,
    FAILED_CRITICAL,
    NO_SCORE,
    PASSED,
    answer_value,
    audit_score,
)
from prima.metrics.rounding import round_half_up

A6 = load_checklist("a6")


def best() -> dict[str, Any]:
    """Every line of the A6 checklist answered at its best (yes, or 4)."""
    return {line.id: "yes" if line.answer == "yes_no" else 4 for line in A6.lines}


def test_the_value_of_each_answer():
    yes_no, scale4 = A6.line("ABL1"), A6.line("ABL2")
    assert answer_value(yes_no, "yes") == 1
    assert answer_value(yes_no, "no") == 0
    assert answer_value(yes_no, "na") is None
    # (x - 1) / 3: 1 -> 0, 2 -> 1/3, 3 -> 2/3, 4 -> 1
    assert [answer_value(scale4, x) for x in (1, 2, 3, 4)] == [0, Fraction(1, 3), Fraction(2, 3), 1]
    assert answer_value(scale4, "na") is None
    with pytest.raises(ValueError, match="line ABL1"):
        answer_value(yes_no, 3)
    with pytest.raises(ValueError, match="line ABL2"):
        answer_value(scale4, "yes")


def test_a_worked_audit_by_hand():
    answers = best() | {
        "ABL1": "yes",  # w2 x 1
        "ABL2": 3,  # w2 x 2/3
        "ABL3": 4,  # w3 x 1
        "ATD1": "no",  # w1 x 0
        "ATD2": 4,  # w2 x 1
        "ATD3": 2,  # w2 x 1/3
        "APP1": "yes",  # w1 x 1
        "APP2": "no",  # w1 x 0
        "APP3": "na",
        "ATN1": "na",
        "ATN2": "na",
        "ATN3": "na",
        "ACT1": "yes",  # w3 x 1
        "ACT2": "yes",  # w3 x 1
        "ACC1": "na",
        "ACC2": "yes",  # w2 x 1
    }
    result = audit_score(A6, answers)
    a = result.per_a
    # ability: (2 + 4/3 + 3) / 7 = (19/3) / 7 = 19/21 -> 90.476 %
    assert (a["ability"].points, a["ability"].weight) == (Fraction(19, 3), 7)
    assert a["ability"].percent == Fraction(1900, 21)
    assert str(round_half_up(a["ability"].percent, 2)) == "90.48"
    # attitude: (0 + 2 + 2/3) / 5 = (8/3) / 5 = 8/15 -> 53.33 %
    assert a["attitude"].percent == Fraction(160, 3)
    # appearance: (1 + 0) / 2 = 50 % (APP3 not applicable: out of numerator and denominator)
    assert a["appearance"].percent == 50
    assert (a["appearance"].applicable, a["appearance"].not_applicable) == (2, 1)
    # attention: every line not applicable -> no score, not 0
    assert a["attention"].percent is None
    assert (a["attention"].applicable, a["attention"].not_applicable) == (0, 3)
    # action: (3 + 3) / 6 = 100 %; accountability: 2 / 2 = 100 % (ACC1 not applicable)
    assert a["action"].percent == 100
    assert a["accountability"].percent == 100
    assert list(a) == list(A6_KEYS)
    # overall over the lines: points 19/3 + 8/3 + 1 + 6 + 2 = 18, weight 7+5+2+6+2 = 22
    # -> 18/22 = 81.82 %, at least 80: passed
    assert (result.points, result.weight) == (18, 22)
    assert result.overall == Fraction(900, 11)
    assert str(round_half_up(result.overall, 2)) == "81.82"
    # (the mean of the five A scores, 78.76 %, would have failed: the overall is line-weighted)
    mean_of_as = sum(s.percent for s in a.values() if s.percent is not None) / 5
    assert str(round_half_up(mean_of_as, 2)) == "78.76"
    assert result.critical_failures == ()
    assert (result.passed, result.verdict) == (True, PASSED)
    shown = result.as_dict()
    assert shown["overall"] == pytest.approx(81.818181818)
    assert shown["per_a"]["attention"]["score"] is None
    assert shown["verdict"] == "passed"
    # the organization's pass mark of 85 fails the same audit
    stricter = audit_score(A6, answers, pass_mark=85)
    assert (stricter.passed, stricter.verdict, stricter.pass_mark) == (False, FAILED, 85)


def test_a_critical_failure_fails_the_audit_whatever_the_score():
    # everything at its best but the wrong product handed over (ACT2, critical, weight 3):
    # 26 / 29 = 89.66 %, above the pass mark of 80, and still failed
    result = audit_score(A6, best() | {"ACT2": "no"})
    assert result.overall == Fraction(2600, 29)
    assert str(round_half_up(result.overall, 2)) == "89.66"
    assert result.critical_failures == ("ACT2",)
    assert (result.passed, result.verdict) == (False, FAILED_CRITICAL)
    # a 1 ("not done") on a critical scale4 line fails too; a 2 ("done poorly") does not
    rude = audit_score(A6, best() | {"ATD2": 1, "ABL2": 2})
    assert rude.critical_failures == ("ATD2",)
    assert rude.verdict == FAILED_CRITICAL
    poorly = audit_score(A6, best() | {"ABL2": 2})
    assert poorly.critical_failures == ()
    # (29 - 2 x 2/3) / 29 = (83/3) / 29 = 95.40 %
    assert poorly.overall == Fraction(8300, 87)
    assert poorly.verdict == PASSED
    # a "no" on a line that is not critical does not fail by itself: 28 / 29 = 96.55 %
    assert audit_score(A6, best() | {"ATD1": "no"}).verdict == PASSED
    # not applicable on a critical line is no failure
    assert audit_score(A6, best() | {"ACC2": "na"}).critical_failures == ()
    # several critical failures are listed in the checklist's order
    several = audit_score(A6, best() | {"ACC2": "no", "ABL2": 1})
    assert several.critical_failures == ("ABL2", "ACC2")


def tiny(weights: list[Any], **fields: Any) -> AuditChecklist:
    return parse_checklist(
        {
            "code": "tiny",
            "title": "Tiny",
            "groups": [
                {
                    "a": "action",
                    "lines": [
                        {"id": f"L{i}", "text": "Line.", "weight": w, "answer": "yes_no"}
                        for i, w in enumerate(weights, start=1)
                    ],
                }
            ],
            **fields,
        },
        source="tiny",
    )


def test_the_pass_mark_is_compared_with_the_exact_score():
    # exactly 80 % passes: 4 / (4 + 1)
    assert audit_score(tiny([4, 1]), {"L1": "yes", "L2": "no"}).verdict == PASSED
    # 79.996 % prints as 80,00 and fails: weights 79.996 (yes) and 20.004 (no)
    close = audit_score(tiny([79.996, 20.004]), {"L1": "yes", "L2": "no"})
    assert close.overall == Fraction(79996, 1000)
    assert str(round_half_up(close.overall, 2)) == "80.00"
    assert (close.passed, close.verdict) == (False, FAILED)
    # the checklist's own pass mark, and the caller's over it
    own = tiny([3, 1], pass_mark=75)
    assert audit_score(own, {"L1": "yes", "L2": "no"}).verdict == PASSED
    assert audit_score(own, {"L1": "yes", "L2": "no"}, pass_mark=76).verdict == FAILED
    for bad in (0, -5, 101):
        with pytest.raises(ValueError, match="pass mark"):
            audit_score(own, {"L1": "yes", "L2": "no"}, pass_mark=bad)


def test_an_audit_where_nothing_applies_has_no_score_and_no_verdict():
    result = audit_score(A6, dict.fromkeys(A6.line_ids, "na"))
    assert result.overall is None
    assert all(s.percent is None for s in result.per_a.values())
    assert (result.passed, result.verdict) == (None, NO_SCORE)
    assert result.as_dict()["overall"] is None


def test_answers_that_do_not_fit_are_refused_by_line():
    with pytest.raises(AnswerError) as caught:
        audit_score(A6, best() | {"ABL1": 4, "ABL2": "yes"})
    assert set(caught.value.errors) == {"ABL1", "ABL2"}


# --- invariants ------------------------------------------------------------------------------

_weights = st.one_of(
    st.integers(1, 20),
    st.sampled_from([0.1, 0.25, 0.5, 1.5, 2.75, 12.5]),
)


@st.composite
def audits(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A random checklist (as JSON) and a complete set of answers to it."""
    n = draw(st.integers(1, 12))
    groups: dict[str, list[dict[str, Any]]] = {}
    answers: dict[str, Any] = {}
    for i in range(n):
        kind = draw(st.sampled_from(["yes_no", "scale4"]))
        a = draw(st.sampled_from(A6_KEYS))
        groups.setdefault(a, []).append(
            {
                "id": f"L{i}",
                "text": "Line.",
                "weight": draw(_weights),
                "answer": kind,
                "critical": draw(st.booleans()),
            }
        )
        options: list[Any] = ["yes", "no", "na"] if kind == "yes_no" else [1, 2, 3, 4, "na"]
        answers[f"L{i}"] = draw(st.sampled_from(options))
    data = {
        "code": "random",
        "title": "Random",
        "groups": [{"a": a, "lines": lines} for a, lines in groups.items()],
        "pass_mark": draw(st.sampled_from([50, 80, 100])),
    }
    return data, answers


@settings(max_examples=200, deadline=None)
@given(audits())
def test_every_score_lies_between_0_and_100_and_is_none_only_when_nothing_applies(drawn):
    data, answers = drawn
    result = audit_score(parse_checklist(data, source="random"), answers)
    for a_score in result.per_a.values():
        if a_score.applicable:
            assert a_score.percent is not None
            assert 0 <= a_score.percent <= 100
        else:
            assert a_score.percent is None
    if all(answer == "na" for answer in answers.values()):
        assert result.overall is None
        assert result.verdict == NO_SCORE
    else:
        assert result.overall is not None
        assert 0 <= result.overall <= 100
        # the overall is the A's points over the A's weights
        assert result.overall == 100 * sum(s.points for s in result.per_a.values()) / sum(
            s.weight for s in result.per_a.values()
        )
    assert result.passed is (None if result.verdict == NO_SCORE else result.verdict == PASSED)


@settings(max_examples=200, deadline=None)
@given(
    audits(),
    st.sampled_from(A6_KEYS),
    _weights,
    st.sampled_from(["yes_no", "scale4"]),
    st.booleans(),
)
def test_a_line_answered_not_applicable_changes_nothing(drawn, a, weight, kind, critical):
    data, answers = drawn
    before = audit_score(parse_checklist(data, source="random"), answers)
    extra = {
        "id": "EXTRA",
        "text": "Extra.",
        "weight": weight,
        "answer": kind,
        "critical": critical,
    }
    group = next((g for g in data["groups"] if g["a"] == a), None)
    if group is None:
        data["groups"].append({"a": a, "lines": [extra]})
    else:
        group["lines"].append(extra)
    after = audit_score(parse_checklist(data, source="random"), answers | {"EXTRA": "na"})
    assert after.overall == before.overall
    assert (after.points, after.weight) == (before.points, before.weight)
    assert after.critical_failures == before.critical_failures
    assert after.verdict == before.verdict
    for key, score in before.per_a.items():
        assert after.per_a[key].percent == score.percent
    if group is None:
        assert after.per_a[a].percent is None


_RAISE = {"no": "yes", 1: 2, 2: 3, 3: 4}


@settings(max_examples=200, deadline=None)
@given(audits(), st.data())
def test_raising_an_answer_never_lowers_a_score_nor_fails_a_passed_audit(drawn, data_strategy):
    data, answers = drawn
    raisable = [line for line, answer in answers.items() if answer in _RAISE]
    assume(raisable)
    line = data_strategy.draw(st.sampled_from(raisable))
    checklist = parse_checklist(data, source="random")
    before = audit_score(checklist, answers)
    after = audit_score(checklist, answers | {line: _RAISE[answers[line]]})
    assert before.overall is not None
    assert after.overall is not None
    assert after.overall >= before.overall
    for key, score in before.per_a.items():
        if score.percent is not None:
            assert after.per_a[key].percent is not None
            assert after.per_a[key].percent >= score.percent
    assert set(after.critical_failures) <= set(before.critical_failures)
    if before.passed:
        assert after.passed
