"""The triple-win verdict (issue 12, point 5): which of the three sides of service excellence --
the customer, the employee who serves and the organization (``shared/domain/concept.md``,
"triple win") -- is losing in a unit and period.

Each side is a few measures, each with its n, 95% interval and change from the previous period
(computed elsewhere by the method's own function: IKM, gap, NPS, eNPS, the share of complaints
resolved on time, the satisfaction with the handling, the volume served). A measure *counts
against* its side when

- its own verdict is the unfavourable one (:func:`below_standard`): IKM of mutu C or D
  (*Kurang Baik*, *Tidak Baik*; PermenPAN-RB 14/2017, ``shared/domain/skm.md``); a gap whose
  interval lies below 0 (*tidak memuaskan*, ``methods.md`` section 1); an NPS or eNPS whose
  interval lies below 0 (more detractors than promoters, beyond chance; section 5); a
  satisfaction with the handling (1-5) whose interval lies below the scale's midpoint 3 (Prima's
  convention: more dissatisfied than satisfied, beyond chance); or
- it *dropped*: the interval of its change from the previous period lies wholly below 0 (the
  difference tests of :mod:`prima.metrics.compare` and :mod:`prima.metrics.proportions`).

The volume served is context and never counts against a side; the on-time share has no
published standard level, so only its drop counts. A side is ``losing`` when one of its
measures counts against it, ``holding`` when it has a measure with a value and none counts
against it, and ``unknown`` when it has none (no responses, or hidden by the confidentiality
threshold). The verdict names the losing sides; none losing is ``none``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

SIDES = ("customer", "employee", "organization")
IKM_BELOW_STANDARD = ("C", "D")  # mutu Kurang Baik / Tidak Baik (skm.md)
HANDLING_MIDPOINT = 3.0  # the middle of the 1-5 rating of the handling
NOT_JUDGED = ("volume",)

Status = Literal["losing", "holding", "unknown"]


def below_standard(
    key: str,
    *,
    ci_high: float | None = None,
    grade: str | None = None,
    verdict: str | None = None,
) -> bool:
    """Whether a measure's own level is the unfavourable one (see the module's docstring).

    >>> below_standard("ikm", grade="C"), below_standard("gap", verdict="memuaskan")
    (True, False)
    >>> below_standard("nps", ci_high=-0.5), below_standard("satisfaction", ci_high=3.2)
    (True, False)
    """
    if key == "ikm":
        return grade in IKM_BELOW_STANDARD
    if key == "gap":
        return verdict == "tidak memuaskan"
    if key in ("nps", "enps"):
        return ci_high is not None and ci_high < 0
    if key == "satisfaction":
        return ci_high is not None and ci_high < HANDLING_MIDPOINT
    return False


@dataclass(frozen=True)
class Measure:
    """One measure of a side with its interval and its change from the previous period."""

    key: str  # "ikm", "gap", "nps", "enps", "on_time", "satisfaction", "volume"
    value: float | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None
    previous: float | None = None
    change: float | None = None  # value - previous
    change_low: float | None = None  # the change's 95% interval
    change_high: float | None = None
    below_standard: bool = False
    suppressed: bool = False  # hidden by the confidentiality threshold (employee side)

    @property
    def dropped(self) -> bool:
        return self.change_high is not None and self.change_high < 0

    @property
    def against(self) -> list[str]:
        """Why the measure counts against its side: ``below_standard``, ``dropped``."""
        if self.key in NOT_JUDGED or self.value is None:
            return []
        return [
            reason
            for reason, holds in (
                ("below_standard", self.below_standard),
                ("dropped", self.dropped),
            )
            if holds
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "n": self.n,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "previous": self.previous,
            "change": self.change,
            "change_ci_low": self.change_low,
            "change_ci_high": self.change_high,
            "below_standard": self.below_standard,
            "dropped": self.dropped,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True)
class Side:
    name: str
    measures: tuple[Measure, ...]

    @property
    def status(self) -> Status:
        judged = [m for m in self.measures if m.key not in NOT_JUDGED and m.value is not None]
        if not judged:
            return "unknown"
        return "losing" if any(m.against for m in judged) else "holding"

    @property
    def reasons(self) -> list[dict[str, str]]:
        return [{"measure": m.key, "reason": r} for m in self.measures for r in m.against]


@dataclass(frozen=True)
class Verdict:
    losing: tuple[str, ...]
    status: dict[str, Status]

    @property
    def summary(self) -> str:
        """``none``, the one losing side's name, or ``several``; ``unknown`` when no side
        could be judged."""
        if len(self.losing) == 1:
            return self.losing[0]
        if self.losing:
            return "several"
        if all(s == "unknown" for s in self.status.values()):
            return "unknown"
        return "none"

    def as_dict(self) -> dict[str, Any]:
        return {"losing": list(self.losing), "status": dict(self.status), "summary": self.summary}


def verdict(sides: Sequence[Side]) -> Verdict:
    """Which sides are losing, in the order customer, employee, organization.

    >>> drop = Measure("gap", -0.4, 50, change=-0.3, change_low=-0.5, change_high=-0.1)
    >>> fine = Measure("nps", 20.0, 80, ci_low=5.0, ci_high=34.0)
    >>> v = verdict([Side("customer", (fine,)), Side("employee", (drop,)), Side("organization", ())])
    >>> v.losing, v.status["organization"], v.summary
    (('employee',), 'unknown', 'employee')
    """
    status = {s.name: s.status for s in sides}
    order = {name: i for i, name in enumerate(SIDES)}
    losing = tuple(
        sorted((n for n, s in status.items() if s == "losing"), key=lambda n: order.get(n, 99))
    )
    return Verdict(losing, status)
