"""The figures of a staff scorecard as text in the active language, shared by the page and its
PDF so that both show the same numbers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from prima import formats
from prima.staffcards.selectors import AuditSummary, Rating


def interval(low: float | None, high: float | None, lang: str, places: int = 1) -> str:
    if low is None or high is None:
        return ""
    return f"{formats.number(low, places, lang)} – {formats.number(high, places, lang)}"


def rating_row(r: Rating, lang: str) -> dict[str, Any]:
    shrunk = r.shrunk
    return {
        "staff": r.staff,
        "n": formats.number(r.n, 0, lang),
        "count": r.n,
        "mean": formats.number(r.mean, 1, lang),
        "interval": interval(r.ci_low, r.ci_high, lang),
        "shrunk": formats.number(shrunk.shrunk if shrunk else None, 1, lang),
        "shrunk_interval": interval(
            shrunk.ci_low if shrunk else None, shrunk.ci_high if shrunk else None, lang
        ),
    }


def a_names() -> dict[str, str]:
    return {
        "ability": _("Ability"),
        "attitude": _("Attitude"),
        "appearance": _("Appearance"),
        "attention": _("Attention"),
        "action": _("Action"),
        "accountability": _("Accountability"),
    }


def audit_rows(summary: AuditSummary, lang: str) -> list[dict[str, str]]:
    names = a_names()
    return [
        {"a": names.get(a, a), "mean": formats.number(mean, 1, lang), "audits": str(count)}
        for a, mean, count in summary.per_a
    ]
