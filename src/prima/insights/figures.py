"""The headline figure of a survey's results and the test of its change: what the dashboard's
cards, the triple-win scorecard and the overview read (one implementation for them all).

:func:`figure` takes the headline ``metric`` (``ikm``, ``gap`` or ``nps``) out of one
``survey_results`` object; :func:`difference_test` tests ``after`` against ``before`` with
:mod:`prima.metrics.compare`: Welch's t test on the respondents' converted IKM scores or gaps,
the NPS difference test on the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prima.metrics.compare import DifferenceTest, nps_difference_test, welch_t_test


@dataclass(frozen=True)
class Figure:
    """The headline index: value, its interval, and the SKM's mutu and kinerja."""

    metric: str  # ikm, gap or nps
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    places: int
    grade: str = ""
    performance: str = ""
    verdict: str = ""


PLACES = {"ikm": 2, "gap": 2, "nps": 1}


def figure(metric: str, results: dict[str, Any]) -> Figure | None:
    """The headline ``metric`` of one ``survey_results`` object (None when absent)."""
    if metric == "ikm" and "ikm" in results:
        r = results["ikm"]
        score = r.get("respondent_score") or {}
        return Figure(
            "ikm",
            r.get("ikm_converted"),
            score.get("ci_low"),
            score.get("ci_high"),
            int(r.get("n") or 0),
            2,
            grade=r.get("grade") or "",
            performance=r.get("performance") or "",
        )
    if metric == "gap" and "gap" in results:
        o = results["gap"].get("overall") or {}
        return Figure(
            "gap",
            o.get("gap"),
            o.get("ci_low"),
            o.get("ci_high"),
            int(o.get("n") or 0),
            2,
            verdict=o.get("verdict") or "",
        )
    if metric == "nps" and "nps" in results:
        r = results["nps"]
        return Figure("nps", r.get("nps"), r.get("ci_low"), r.get("ci_high"), int(r["n"] or 0), 1)
    return None


def _nps_counts(nps: dict[str, Any]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) from the shares and n of an NPS result."""
    n = int(nps.get("n") or 0)
    return tuple(  # type: ignore[return-value]
        round((nps.get(k) or 0.0) * n / 100.0) for k in ("promoters", "passives", "detractors")
    )


def difference_test(
    metric: str, before: dict[str, Any], after: dict[str, Any]
) -> DifferenceTest | None:
    """The test of ``after`` against ``before`` (two ``survey_results`` objects) for the
    headline ``metric``: Welch on the respondents' converted IKM scores or gaps, the NPS
    difference test; None when the results lack what the test needs."""
    if metric == "ikm":
        a = (before.get("ikm") or {}).get("respondent_score")
        b = (after.get("ikm") or {}).get("respondent_score")
        if not a or not b:
            return None
        return welch_t_test(a["n"], a["mean"], a["sd"], b["n"], b["mean"], b["sd"])
    if metric == "gap":
        a = (before.get("gap") or {}).get("overall")
        b = (after.get("gap") or {}).get("overall")
        if not a or not b:
            return None
        return welch_t_test(a["n"], a["gap"], a.get("sd"), b["n"], b["gap"], b.get("sd"))
    if metric == "nps" and before.get("nps") and after.get("nps"):
        return nps_difference_test(_nps_counts(before["nps"]), _nps_counts(after["nps"]))
    return None
