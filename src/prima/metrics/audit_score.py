"""The score of one A6 audit (issue 13 points 1-2): per A and overall weighted percentage,
critical failures and the pass mark.

An audit answers every line of its checklist (:mod:`prima.audit_checklists`). Prima's rules
(the issue fixes the weighted percentage and the critical lines; the rest are Prima's choices):

- **value of an answer**: ``yes`` = 1, ``no`` = 0; a ``scale4`` answer x in 1-4 is (x - 1) / 3
  (1 -> 0, 2 -> 1/3, 3 -> 2/3, 4 -> 1), so both answer types run from 0 to 1;
- **not applicable** (``na``, *Tidak berlaku*) leaves the line out of the numerator and the
  denominator alike: it neither helps nor hurts;
- **score of an A**: 100 x sum(w_i v_i) / sum(w_i) over the A's applicable lines (weight w_i,
  value v_i); an A whose lines are all not applicable has **no score** (None), never 0;
- **overall score**: the same weighted percentage over every applicable line of the audit (the
  lines' own weights, so an A weighs what its applicable lines weigh; it is not the mean of the
  A scores); None when every line is not applicable;
- **critical failure**: a critical line whose value is 0, i.e. answered ``no``, or 1 on the
  ``scale4`` (*not done*: nothing of the required practice was observed; 2 is done poorly, not
  missing). ``na`` on a critical line is no failure;
- **verdict**: an audit with a critical failure fails whatever its score (issue 13); otherwise
  it passes when the overall score is at least the pass mark (the checklist's ``pass_mark``,
  :data:`prima.audit_checklists.model.DEFAULT_PASS_MARK` = 80 unless the checklist or the caller
  sets another). The pass mark is compared with the exact score, not the score rounded for
  display (methods.md: compare on unrounded values): 79.996 fails a pass mark of 80 even though
  it prints as 80,00. An audit without an overall score has no verdict (None).

All arithmetic is exact (:class:`fractions.Fraction`); ``as_dict`` gives floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from prima.audit_checklists.model import (
    NA,
    NO,
    YES,
    YES_NO,
    Answer,
    AuditChecklist,
    ChecklistLine,
    check_answers,
)

PASSED = "passed"
FAILED = "failed"  # below the pass mark
FAILED_CRITICAL = "failed_critical"  # a critical line failed, whatever the score
NO_SCORE = "no_score"  # every line not applicable


def answer_value(line: ChecklistLine, answer: Answer) -> Fraction | None:
    """The value of a checked answer in [0, 1]; None for not applicable."""
    if answer == NA:
        return None
    if line.answer == YES_NO:
        if answer == YES:
            return Fraction(1)
        if answer == NO:
            return Fraction(0)
        raise ValueError(f"line {line.id}: {answer!r} is not a yes/no answer")
    if isinstance(answer, int) and 1 <= answer <= 4:
        return Fraction(answer - 1, 3)
    raise ValueError(f"line {line.id}: {answer!r} is not an answer from 1 to 4")


def _percent(points: Fraction, weight: Fraction) -> Fraction | None:
    return None if weight == 0 else 100 * points / weight


@dataclass(frozen=True)
class AScore:
    """The score of one A: ``percent`` is None when all its lines are not applicable."""

    a: str
    percent: Fraction | None
    points: Fraction  # sum of weight x value over the applicable lines
    weight: Fraction  # sum of the applicable lines' weights
    applicable: int
    not_applicable: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "score": None if self.percent is None else float(self.percent),
            "points": float(self.points),
            "weight": float(self.weight),
            "applicable": self.applicable,
            "not_applicable": self.not_applicable,
        }


@dataclass(frozen=True)
class AuditScore:
    per_a: dict[str, AScore]  # the checklist's A's, in its order
    overall: Fraction | None
    points: Fraction
    weight: Fraction
    critical_failures: tuple[str, ...]  # line ids, in the checklist's order
    pass_mark: Fraction

    @property
    def passed(self) -> bool | None:
        if self.critical_failures:
            return False
        if self.overall is None:
            return None
        return self.overall >= self.pass_mark

    @property
    def verdict(self) -> str:
        if self.critical_failures:
            return FAILED_CRITICAL
        if self.overall is None:
            return NO_SCORE
        return PASSED if self.overall >= self.pass_mark else FAILED

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": None if self.overall is None else float(self.overall),
            "per_a": {a: s.as_dict() for a, s in self.per_a.items()},
            "critical_failures": list(self.critical_failures),
            "pass_mark": float(self.pass_mark),
            "passed": self.passed,
            "verdict": self.verdict,
        }


def audit_score(
    checklist: AuditChecklist,
    answers: Mapping[str, Any],
    *,
    pass_mark: Fraction | int | None = None,
) -> AuditScore:
    """Score one audit's answers (the module's docstring gives the rules).

    ``answers`` maps every line id to its answer; answers that do not fit raise
    :class:`prima.audit_checklists.AnswerError` naming each line. ``pass_mark`` overrides the
    checklist's (an organization's setting), above 0 and at most 100.
    """
    mark = checklist.pass_mark if pass_mark is None else Fraction(pass_mark)
    if not 0 < mark <= 100:
        raise ValueError(f"pass mark {float(mark):g} is not above 0 and at most 100")
    checked = check_answers(checklist, answers)
    per_a: dict[str, AScore] = {}
    critical: list[str] = []
    for a, lines in checklist.groups().items():
        points = weight = Fraction(0)
        applicable = 0
        for line in lines:
            value = answer_value(line, checked[line.id])
            if value is None:
                continue
            applicable += 1
            points += line.weight * value
            weight += line.weight
            if line.critical and value == 0:
                critical.append(line.id)
        per_a[a] = AScore(
            a, _percent(points, weight), points, weight, applicable, len(lines) - applicable
        )
    points = sum((s.points for s in per_a.values()), Fraction(0))
    weight = sum((s.weight for s in per_a.values()), Fraction(0))
    return AuditScore(
        per_a=per_a,
        overall=_percent(points, weight),
        points=points,
        weight=weight,
        critical_failures=tuple(critical),
        pass_mark=mark,
    )
