"""The ``data`` of each webhook event, and the receivers that emit them.

What a payload never holds (Perpres 76/2013 protects a complainant's identity; a respondent's
contact is kept only for the organization): the complainant's or respondent's name, e-mail,
phone, the complaint's text, notes (internal or public), the rating's comment, the owner, a
response's suggestion, profile and contact. Receivers fetch more through the API with a token,
where the roles apply.

- ``case.created``, ``case.status_changed``, ``case.rated``: :func:`case_data`;
  ``case.status_changed`` adds ``previous_status`` and ``reopened``.
- ``response.created``: :func:`response_data`, for each response submitted through the survey
  page, the API or a kiosk (one event each; imported rows send none), never for a response
  of an employee survey (anonymous by storage; its raw answers are never served).
"""

from __future__ import annotations

from typing import Any

from prima.webhooks.models import EventType

CASE_EVENTS = {
    "created": EventType.CASE_CREATED,
    "status_changed": EventType.CASE_STATUS_CHANGED,
    "rated": EventType.CASE_RATED,
}
"""``prima.cases.signals.case_changed`` kinds that are webhook events (the others are not)."""


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def case_data(case: Any) -> dict[str, Any]:
    """The case as a webhook carries it: ids, codes, status, unit, dates and the rating's score."""
    rating = case.rating if _has_rating(case) else None
    category = case.category
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "status": case.status,
        "tier": case.tier,
        "channel": case.channel,
        "unit": {"id": case.unit_id, "name": case.unit.name},
        "service": case.service_id,
        "category": None if category is None else {"key": category.key, "name": str(category)},
        "received_at": _iso(case.received_at),
        "first_response_due": _iso(case.first_response_due),
        "resolution_due": _iso(case.resolution_due),
        "first_response_at": _iso(case.first_response_at),
        "resolved_at": _iso(case.resolved_at),
        "resolved_on_time": case.resolved_on_time,
        "rating": None
        if rating is None
        else {"score": rating.score, "rated_at": _iso(rating.created_at)},
    }


def _has_rating(case: Any) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        case.rating  # noqa: B018 (a one-to-one: raises when there is none)
    except ObjectDoesNotExist:
        return False
    return True


def case_event_data(case: Any, event: Any, kind: str) -> dict[str, Any]:
    """``data`` of a case event: the case, and for a status change where it came from."""
    data = case_data(case)
    if kind == "status_changed":
        data["previous_status"] = getattr(event, "status_from", "") or None
        data["reopened"] = getattr(event, "kind", "") == "reopened"
    return data


def response_data(response: Any) -> dict[str, Any]:
    """A submitted response: the answers and where they came from, never the contact."""
    return {
        "id": response.pk,
        "submission_id": str(response.submission_id),
        "survey": response.survey.code,
        "unit": response.unit_id,
        "service": response.service_id,
        "staff": response.staff_id,
        "channel": response.channel,
        "submitted_at": _iso(response.submitted_at),
        "answers": response.answers,
        "flagged": bool(response.flag),
    }


# -- receivers (connected in :class:`prima.webhooks.apps.WebhooksConfig.ready`) ------------------
def on_response_submitted(sender: Any, survey: Any, response: Any, **kwargs: Any) -> None:
    if survey.is_employee:
        # an employee's response is never sent anywhere (issue 12): not its answers, and not
        # even its arrival, whose moment would time it finer than the day it is stored with
        return
    from prima.webhooks.services import emit

    emit(survey.organization_id, EventType.RESPONSE_CREATED, response_data(response))


def on_case_changed(sender: Any, case: Any, event: Any = None, kind: str = "", **kw: Any) -> None:
    event_type = CASE_EVENTS.get(kind)
    if event_type is None:
        return
    from prima.cases.signals import gather
    from prima.webhooks.services import emit_many

    # the cases the task worker records together: one query for their endpoints
    gather(
        "webhooks.case",
        (case.organization_id, event_type, case_event_data(case, event, kind)),
        emit_many,
    )
