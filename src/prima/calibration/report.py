"""The agreement report of auditors who audited the same encounters (issue 13, point 4).

Framework-free: the caller gives the checklist and, per encounter, its auditors' answers in a
fixed order; every figure comes from :mod:`prima.metrics.agreement` (one implementation each, no
second formula here). Per checklist line the subjects are the encounters; per A the A's lines
are pooled, each (encounter, line) a subject.

- **Which statistic.** With two auditors per encounter (the largest number in the selection):
  Cohen's kappa (Cohen 1960; 1968) of the first against the second auditor, unweighted for
  yes/no lines and with quadratic weights for 1-4 scale lines, with its large-sample 95%
  interval (Fleiss, Cohen & Everitt 1969). The caller orders each encounter's auditors
  (supervisor before mystery shopper, then by account), so with the same two people throughout
  it is their kappa. With three or more: Fleiss' kappa (Fleiss 1971; encounters rated by fewer
  auditors are left out, as the function does). Always Krippendorff's alpha (Krippendorff 2011),
  nominal for yes/no lines and ordinal for 1-4 lines, missing ratings allowed. An A mixing
  yes/no and scale lines is pooled with unweighted kappa and nominal alpha (no order across the
  two answer types).
- **"Not applicable" (``na``) is a missing rating**, as an unanswered line is: it says the
  practice could not be observed, not how well it was done. Kappa counts the encounters both
  auditors rated; alpha keeps every encounter with at least two ratings. A yes against an
  ``na`` is still shown as a disagreement on the encounter's page.
- **Reading bands.** Kappa: Landis & Koch (1977), *Biometrics* 33(1), 159-174: below 0 poor,
  0-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate, 0.61-0.80 substantial, 0.81-1 almost
  perfect. Alpha: Krippendorff (2004), *Content Analysis* (2nd ed.), p. 241: alpha >= 0.800
  reliable, 0.667 <= alpha < 0.800 tentative conclusions only, below 0.667 unreliable.
- **n too small.** Below :data:`MIN_SUBJECTS` subjects no band is given (the figure stays
  shown): the kappa interval is a large-sample approximation, and with fewer than ten subjects a
  single changed answer moves kappa or alpha by a tenth or more, so a band would read more into
  the figure than it holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from prima.audit_checklists import AuditChecklist
from prima.audit_checklists.model import SCALE4, YES_NO, ChecklistLine
from prima.metrics.agreement import (
    AgreementError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)

MIN_SUBJECTS = 10
MIXED = "mixed"
# yes/no coded apart from the scale's 1-4, so a pooled A never merges "yes" with "1"
CODES = {"no": 10.0, "yes": 11.0, "1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0}
KAPPA_BANDS = (  # Landis & Koch (1977): (upper bound, band)
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (math.inf, "almost_perfect"),
)


@dataclass(frozen=True)
class Statistic:
    method: str  # "cohen", "fleiss" or "krippendorff"
    n: int  # the subjects the statistic counted
    value: float | None  # None: undefined on this input (``reason``)
    ci_low: float | None = None
    ci_high: float | None = None
    detail: str | None = None  # Cohen's weights ("quadratic") or alpha's level
    reason: str | None = None  # an AgreementError key when undefined

    @property
    def too_small(self) -> bool:
        return self.value is not None and self.n < MIN_SUBJECTS

    @property
    def band(self) -> str | None:
        """The reading band (module docstring), None when undefined or n too small."""
        if self.value is None or self.too_small:
            return None
        if self.method == "krippendorff":
            if self.value >= 0.800:
                return "reliable"
            return "tentative" if self.value >= 0.667 else "unreliable"
        return next(band for upper, band in KAPPA_BANDS if self.value <= upper)


@dataclass(frozen=True)
class Row:
    key: str  # a line id, or an A's key
    answer: str  # YES_NO, SCALE4 or MIXED
    lines: tuple[str, ...]  # the line ids it pools (one for a line)
    kappa: Statistic
    alpha: Statistic


@dataclass(frozen=True)
class Report:
    encounters: int
    raters: int  # the largest number of auditors of one encounter
    lines: tuple[Row, ...]
    per_a: tuple[Row, ...]


def code(answer: str | None) -> float:
    """An answer as a rating: ``NaN`` for ``na`` or no answer (a missing rating)."""
    return CODES.get(str(answer), math.nan) if answer is not None else math.nan


def line_matrix(
    line_id: str, encounters: Sequence[Sequence[Mapping[str, str]]], raters: int
) -> NDArray[np.float64]:
    """Encounters x auditors ratings of one line (``NaN`` padded)."""
    data = np.full((len(encounters), raters), math.nan)
    for i, answers in enumerate(encounters):
        for j, given in enumerate(answers[:raters]):
            data[i, j] = code(given.get(line_id))
    return data


def _rated(data: NDArray[np.float64], at_least: int) -> int:
    return int(((~np.isnan(data)).sum(axis=1) >= at_least).sum())


def _kappa(data: NDArray[np.float64], answer: str) -> Statistic:
    raters = data.shape[1]
    if raters <= 2:
        weights = "quadratic" if answer == SCALE4 else None
        if raters < 2:
            return Statistic("cohen", 0, None, detail=weights, reason="too_few_raters")
        try:
            c = cohen_kappa(data[:, 0], data[:, 1], weights=weights)
        except AgreementError as exc:
            return Statistic("cohen", _rated(data, 2), None, detail=weights, reason=exc.key)
        return Statistic("cohen", c.n, c.kappa, c.ci_low, c.ci_high, detail=weights)
    try:
        f = fleiss_kappa(data)
    except AgreementError as exc:
        return Statistic("fleiss", _rated(data, raters), None, reason=exc.key)
    return Statistic("fleiss", f.n, f.kappa)


def _alpha(data: NDArray[np.float64], answer: str) -> Statistic:
    level = "ordinal" if answer == SCALE4 else "nominal"
    if data.shape[1] < 2:
        return Statistic("krippendorff", 0, None, detail=level, reason="too_few_raters")
    try:
        a = krippendorff_alpha(data, level=level)
    except AgreementError as exc:
        return Statistic("krippendorff", _rated(data, 2), None, detail=level, reason=exc.key)
    return Statistic("krippendorff", a.n, a.alpha, detail=level)


def _row(
    key: str, lines: Sequence[ChecklistLine], encounters: Sequence[Sequence[Mapping[str, str]]]
) -> Row:
    raters = max((len(e) for e in encounters), default=0)
    kinds = {line.answer for line in lines}
    answer = kinds.pop() if len(kinds) == 1 else MIXED
    data = (
        np.vstack([line_matrix(line.id, encounters, raters) for line in lines])
        if lines and raters
        else np.zeros((0, max(raters, 1)))
    )
    return Row(
        key, answer, tuple(line.id for line in lines), _kappa(data, answer), _alpha(data, answer)
    )


def agreement_report(
    checklist: AuditChecklist, encounters: Sequence[Sequence[Mapping[str, str]]]
) -> Report:
    """The agreement per line and per A of ``encounters``: each a list of the answers
    ({line id: "yes", "no", "na", "1".."4"}) of its auditors, in the caller's fixed order."""
    raters = max((len(e) for e in encounters), default=0)
    lines = tuple(_row(line.id, [line], encounters) for line in checklist.lines)
    per_a = tuple(_row(a, group, encounters) for a, group in checklist.groups().items())
    return Report(len(encounters), raters, lines, per_a)


__all__ = ["MIN_SUBJECTS", "YES_NO", "Report", "Row", "Statistic", "agreement_report", "code"]
