"""``{% load casework %}``: a case's status and its standing against a due date as badges
(status never by colour alone: the badge has its word)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prima.cases.models import CaseStatus
from prima.casework.deadlines import DueState

register = template.Library()

STATUS_TONES = {
    CaseStatus.NEW: "info",
    CaseStatus.VERIFIED: "info",
    CaseStatus.IN_PROGRESS: "info",
    CaseStatus.RESOLVED: "success",
    CaseStatus.REJECTED: "",
}


@register.inclusion_tag("ui/badge.html")
def case_status_badge(status: Any) -> dict[str, Any]:
    try:
        value = CaseStatus(str(status))
    except ValueError:
        return {"text": str(status), "modifier": ""}
    return {"text": value.label, "modifier": STATUS_TONES.get(value, "")}


def due_words(state: DueState | None) -> tuple[str, str]:
    """(text, tone) of a due date's standing: late by N working days, due today, N working
    days left, met on time or late."""
    if state is None:
        return "", ""
    if state.met:
        if state.on_time is False:
            return _("Met late"), "warning"
        if state.on_time:
            return _("Met on time"), "success"
        return _("Met"), ""
    if state.late:
        if state.late_days == 0:
            return _("Late: the due date has passed"), "danger"
        return (
            ngettext(
                "Late by %(days)s working day",
                "Late by %(days)s working days",
                state.late_days,
            )
            % {"days": state.late_days},
            "danger",
        )
    if state.days_left == 0:
        return _("Due today"), "warning"
    days = state.days_left or 0
    return (
        ngettext("%(days)s working day left", "%(days)s working days left", days) % {"days": days},
        "warning" if days <= 1 else "",
    )


@register.inclusion_tag("ui/badge.html")
def due_badge(state: DueState | None) -> dict[str, Any]:
    text, tone = due_words(state)
    return {"text": text, "modifier": tone}
