"""Indeks Kepuasan Masyarakat (IKM), the official Indonesian public-satisfaction index.

Sources: Peraturan Menteri PAN-RB Nomor 14 Tahun 2017 (9 unsur, the current standard) and
KepMenPAN Nomor 25/M.PAN/2/2004 (14 unsur). Conventions from ``shared/domain/skm.md``:

1. NRR per unsur = sum of the answers (1-4) / number of respondents who answered that unsur;
2. weight = 1 / number of unsur (exact; the printed 0,11 or 0,111 only as a labelled legacy option);
3. NRR tertimbang = NRR x weight; IKM (1-4) = sum of NRR tertimbang;
4. IKM konversi (25-100) = IKM x 25;
5. mutu and kinerja: round the converted value half-up to two decimals, then band with the lower
   bounds 65,00 / 76,61 / 88,31 (2017) or 43,76 / 62,51 / 81,26 (2004); this closes the gaps that
   the printed intervals leave (76,605 falls in none of them). Each unsur's NRR x 25 is banded the same way.

Everything is computed with exact fractions from integer sums and counts, so a band is never
decided by binary rounding noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.i18n import gettext_noop
from prima.metrics.intervals import MeanInterval, mean_interval_from_sums
from prima.metrics.notes import Note
from prima.metrics.rounding import round_half_up

CONVERSION = 25

# notes (codes, and English msgids of the catalogue; prima.metrics.notes)
NO_ANSWERS = "ikm.element_no_answers"
NO_RESPONDENTS = "ikm.no_respondents"
INCOMPLETE = "ikm.incomplete"
LEGACY_WEIGHT = "ikm.legacy_weight"
NOTE_NO_ANSWERS = gettext_noop("%(code)s: no answers, NRR undefined")
NOTE_NO_RESPONDENTS = gettext_noop("no respondents: IKM undefined")
NOTE_INCOMPLETE = gettext_noop("IKM undefined: every unsur needs at least one answer")
NOTE_LEGACY_WEIGHT = gettext_noop("legacy weight %(weight)s instead of 1/%(elements)s")


@dataclass(frozen=True)
class Band:
    lower: Fraction  # lowest converted value (25-100) that falls in the band, after rounding
    grade: str  # mutu
    performance: str  # kinerja unit pelayanan


@dataclass(frozen=True)
class IkmStandard:
    """A regulation's number of unsur and its mutu bands (highest first)."""

    name: str
    elements: int
    bands: tuple[Band, ...]

    def band(self, converted: Fraction) -> Band:
        rounded = Fraction(round_half_up(converted, 2))
        for band in self.bands:
            if rounded >= band.lower:
                return band
        return self.bands[-1]


SKM2017 = IkmStandard(
    name="skm2017",
    elements=9,
    bands=(
        Band(Fraction("88.31"), "A", "Sangat Baik"),
        Band(Fraction("76.61"), "B", "Baik"),
        Band(Fraction("65.00"), "C", "Kurang Baik"),
        Band(Fraction("25.00"), "D", "Tidak Baik"),
    ),
)
"""PermenPAN-RB 14/2017, table of nilai persepsi (mutu A-D)."""

SKM2004 = IkmStandard(
    name="skm2004",
    elements=14,
    bands=(
        Band(Fraction("81.26"), "A", "Sangat Baik"),
        Band(Fraction("62.51"), "B", "Baik"),
        Band(Fraction("43.76"), "C", "Kurang Baik"),
        Band(Fraction("25.00"), "D", "Tidak Baik"),
    ),
)
"""KepMenPAN 25/M.PAN/2/2004: bands on the converted value."""

STANDARDS = {s.name: s for s in (SKM2017, SKM2004)}

LEGACY_WEIGHTS = {"0.111": Fraction("0.111"), "0.11": Fraction("0.11")}
"""Rounded weights that some published reports used; only to reproduce an old report."""


@dataclass(frozen=True)
class ElementResult:
    code: str
    n: int
    nrr: Fraction | None
    nrr_weighted: Fraction | None
    grade: str | None
    performance: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "nrr": _float(self.nrr),
            "nrr_weighted": _float(self.nrr_weighted),
            "nrr_converted": _float(None if self.nrr is None else self.nrr * CONVERSION),
            "grade": self.grade,
            "performance": self.performance,
        }


@dataclass(frozen=True)
class IkmResult:
    standard: str
    weight: Fraction
    n: int
    elements: dict[str, ElementResult]
    ikm: Fraction | None
    ikm_converted: Fraction | None
    grade: str | None
    performance: str | None
    notes: list[str] = field(default_factory=list)
    respondent_score: MeanInterval | None = None

    def weakest(self) -> list[str]:
        """Codes of the unsur with the lowest NRR (ties all listed): where follow-up starts."""
        scored = {c: e.nrr for c, e in self.elements.items() if e.nrr is not None}
        if not scored:
            return []
        low = min(scored.values())
        return [c for c, v in scored.items() if v == low]

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "weight": float(self.weight),
            "n": self.n,
            "elements": {code: e.as_dict() for code, e in self.elements.items()},
            "ikm": _float(self.ikm),
            "ikm_converted": _float(self.ikm_converted),
            "grade": self.grade,
            "performance": self.performance,
            "respondent_score": _score_dict(self.respondent_score),
            "notes": list(self.notes),
        }


def _score_dict(score: MeanInterval | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "n": score.n,
        "mean": score.mean,
        "sd": score.sd,
        "ci_low": score.ci_low,
        "ci_high": score.ci_high,
    }


def respondent_score(
    complete: tuple[int, int, int], weight: Fraction, elements: int
) -> MeanInterval:
    """Mean converted score (25-100) of the respondents who answered every unsur, with its
    t interval: each such respondent's own IKM, 25 x weight x (sum of their answers).

    ``complete`` = (number of those respondents, sum of their answer totals, sum of the
    squared totals). With every respondent complete, the mean equals the converted IKM; the
    interval is the uncertainty that comparisons between periods and units need.
    """
    n, total, total_sq = complete
    scale = weight * CONVERSION
    return mean_interval_from_sums(n, scale * total, scale * scale * total_sq)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def ikm_from_totals(
    codes: list[str],
    sums: list[int],
    counts: list[int],
    *,
    respondents: int,
    standard: IkmStandard = SKM2017,
    weight: Fraction | None = None,
    complete: tuple[int, int, int] | None = None,
) -> IkmResult:
    """IKM from each unsur's sum of answers and number of answers (and, with ``complete``,
    the totals of :func:`respondent_score`).

    This is the whole computation; :func:`ikm` only sums a matrix of answers. Per-period
    rollups can keep the integer sums and counts and call this directly.

    >>> r = ikm_from_totals(["U1", "U2"], [7, 8], [2, 2], respondents=2,
    ...                     standard=IkmStandard("two", 2, SKM2017.bands))
    >>> float(r.ikm), float(r.ikm_converted), r.grade
    (3.75, 93.75, 'A')
    """
    if not (len(codes) == len(sums) == len(counts)):
        raise ValueError("codes, sums and counts must have the same length")
    if len(codes) != standard.elements:
        raise ValueError(f"{standard.name} has {standard.elements} unsur, got {len(codes)}")
    w = Fraction(1, standard.elements) if weight is None else weight
    score = None if complete is None else respondent_score(complete, w, standard.elements)
    notes: list[str] = []
    elements: dict[str, ElementResult] = {}
    for code, total, count in zip(codes, sums, counts, strict=True):
        if count == 0:
            elements[code] = ElementResult(code, 0, None, None, None, None)
            notes.append(Note(NOTE_NO_ANSWERS, NO_ANSWERS, code=code))
            continue
        nrr = Fraction(int(total), int(count))
        band = standard.band(nrr * CONVERSION)
        elements[code] = ElementResult(code, int(count), nrr, nrr * w, band.grade, band.performance)
    if notes or respondents == 0:
        if respondents == 0:
            notes.append(Note(NOTE_NO_RESPONDENTS, NO_RESPONDENTS))
        else:
            notes.append(Note(NOTE_INCOMPLETE, INCOMPLETE))
        return IkmResult(
            standard.name, w, respondents, elements, None, None, None, None, notes, score
        )
    ikm = sum(
        (e.nrr_weighted for e in elements.values() if e.nrr_weighted is not None), Fraction(0)
    )
    converted = ikm * CONVERSION
    band = standard.band(converted)
    if weight is not None:
        notes.append(
            Note(NOTE_LEGACY_WEIGHT, LEGACY_WEIGHT, weight=float(w), elements=standard.elements)
        )
    return IkmResult(
        standard.name,
        w,
        respondents,
        elements,
        ikm,
        converted,
        band.grade,
        band.performance,
        notes,
        score,
    )


def respondent_totals(
    answers: NDArray[np.float64],
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Per respondent: answered every unsur, and the total of their answers (the inputs of
    :func:`respondent_score`)."""
    blank = np.isnan(answers)
    totals: NDArray[np.int64] = np.rint(np.where(blank, 0.0, answers).sum(axis=1)).astype(np.int64)
    complete: NDArray[np.bool_] = np.asarray(~blank.any(axis=1))
    return complete, totals


def ikm(
    answers: NDArray[np.float64],
    codes: list[str],
    *,
    standard: IkmStandard = SKM2017,
    weight: Fraction | None = None,
) -> IkmResult:
    """IKM of a respondents x unsur matrix of answers 1-4, ``NaN`` = not answered.

    ``n`` is the number of respondents who answered at least one unsur; each unsur reports
    its own ``n``. Answers must be whole numbers (the reader checks the scale).
    """
    if answers.ndim != 2 or answers.shape[1] != len(codes):
        raise ValueError("answers must be a respondents x unsur matrix matching codes")
    sums: list[int] = []
    counts: list[int] = []
    unanswered = np.ones(answers.shape[0], dtype=bool)
    for j in range(answers.shape[1]):  # column by column: no matrix-sized temporaries
        column = answers[:, j]
        blank = np.isnan(column)
        counts.append(int(blank.size - np.count_nonzero(blank)))
        sums.append(int(np.nansum(column)))
        unanswered &= blank
    respondents = int(unanswered.size - np.count_nonzero(unanswered))
    is_complete, totals = respondent_totals(answers)
    full = totals[is_complete]
    complete = (int(full.size), int(full.sum()), int((full * full).sum()))
    return ikm_from_totals(
        codes,
        sums,
        counts,
        respondents=respondents,
        standard=standard,
        weight=weight,
        complete=complete,
    )
