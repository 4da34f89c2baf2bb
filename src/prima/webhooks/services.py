"""Webhook deliveries: recorded with the event, sent by the task worker, retried with backoff.

- :func:`emit` records one :class:`WebhookDelivery` per active endpoint of the organization
  subscribed to the event and hands them to the task worker after the commit of the transaction
  that caused the event (``transaction.on_commit``): nothing is sent in a request, and nothing
  is sent for an event whose transaction was rolled back.
- :func:`deliver` makes one attempt (:func:`prima.webhooks.sending.post`); a failure schedules
  the next attempt as a task that runs later (django-tasks' ``run_after``, which the database
  backend honours) after the wait of :data:`prima.webhooks.sending.RETRY_DELAYS`.
- :func:`deliveries_retry_due` sends every pending delivery whose time has come:
  ``prima webhooks retry`` runs it (from cron, e.g. every 5 minutes), as a safety net for
  deliveries whose task was lost, and as the sender when ``PRIMA_TASKS=immediate`` (then
  nothing is queued, so that no request waits for a receiver).

A delivery is claimed before each attempt (a conditional UPDATE that moves its next attempt a
lease ahead), so a task and the sweep never send the same attempt twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from prima.organizations.models import Organization
from prima.webhooks import sending
from prima.webhooks.models import (
    TEST_EVENT,
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    new_message_id,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
"""How long an attempt holds its delivery (longer than any attempt's total timeout): a worker
killed mid-attempt leaves the delivery to the next sweep after this."""


def _payload(event_type: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The body the specification recommends: ``{"type", "timestamp", "data"}``; ``data``
    normalised to plain JSON (dates and UUIDs as text) once, so every attempt sends the same."""
    plain = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return {"type": event_type, "timestamp": now.isoformat(), "data": plain}


def emit(organization: Organization | int, event_type: str, data: dict[str, Any]) -> None:
    """Record ``event_type`` with ``data`` for each of the organization's active endpoints
    subscribed to it, and queue the sending after commit. ``ValueError`` for an unknown event."""
    org_id = organization if isinstance(organization, int) else organization.pk
    emit_many([(org_id, event_type, data)])


def emit_many(events: list[tuple[int, str, dict[str, Any]]]) -> None:
    """:func:`emit` for several ``(organization id, event type, data)``: one query for the
    endpoints of each organization, and the deliveries of all in one transaction."""
    unknown = {t for _, t, _ in events} - set(EventType.values)
    if unknown:
        raise ValueError(f"unknown webhook event {sorted(unknown)[0]!r}")
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for org_id in sorted({org for org, _, _ in events}):
        endpoints[org_id] = list(
            WebhookEndpoint.objects.filter(organization_id=org_id, active=True)
            .only("pk", "event_types")
            .order_by("pk")
        )
    wanted = [
        (org_id, [e for e in endpoints[org_id] if e.subscribed(event_type)], event_type, data)
        for org_id, event_type, data in events
    ]
    subscribed = [w for w in wanted if w[1]]
    if subscribed:
        _record_many(subscribed)


def _record(
    org_id: int, endpoints: list[WebhookEndpoint], event_type: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    return _record_many([(org_id, endpoints, event_type, data)])


def _record_many(
    events: list[tuple[int, list[WebhookEndpoint], str, dict[str, Any]]],
) -> list[WebhookDelivery]:
    now = timezone.now()
    payloads = [_payload(event_type, data, now) for _, _, event_type, data in events]
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                organization_id=org_id,
                endpoint=endpoint,
                event_type=event_type,
                message_id=new_message_id(),
                payload=payload,
                next_attempt_at=now,
            )
            for (org_id, endpoints, event_type, _), payload in zip(events, payloads, strict=True)
            for endpoint in endpoints
        ]
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
    return deliveries


def endpoints_send_test(endpoints: Iterable[WebhookEndpoint]) -> list[WebhookDelivery]:
    """Queue a ``webhook.test`` event to each endpoint (active or not), for an admin checking
    that the receiver verifies the signature."""
    out: list[WebhookDelivery] = []
    for endpoint in endpoints:
        data = {"endpoint": endpoint.pk, "message": "Test event from Prima"}
        out += _record(endpoint.organization_id, [endpoint], TEST_EVENT, data)
    return out


def _queue_runs_later() -> bool:
    """False for the immediate backend, which would send inside the request."""
    from django_tasks.backends.immediate import ImmediateBackend

    from prima.webhooks.tasks import deliver_task

    return not isinstance(deliver_task.get_backend(), ImmediateBackend)


def deliveries_enqueue(ids: Iterable[int], *, run_after: datetime | None = None) -> None:
    """Hand deliveries to the task worker (with the immediate backend: leave them to
    ``prima webhooks retry``)."""
    if not _queue_runs_later():
        return
    from prima.webhooks.tasks import deliver_task

    task = deliver_task.using(run_after=run_after) if run_after is not None else deliver_task
    with transaction.atomic():  # one write for them all (a failure leaves them to the sweep)
        for pk in ids:
            task.enqueue(pk)


def _claim(pk: int, now: datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(
            pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE)
    )


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """One attempt at a pending delivery whose time has come. Returns what happened:
    ``delivered``, ``retry`` (the next attempt is queued), ``failed`` (no attempt left, or the
    endpoint is gone or inactive) or ``skipped`` (not pending, not due, or claimed by another
    worker)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active and delivery.event_type != TEST_EVENT:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="endpoint inactive"
        )
        return "failed"
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    sent_at = timezone.now()
    headers = sending.signed_headers(endpoint.secret, delivery.message_id, body, sent_at)
    outcome = sending.post(endpoint.url, body.encode("utf-8"), headers)
    return _record_attempt(delivery, outcome, sent_at)


def _record_attempt(delivery: WebhookDelivery, outcome: sending.Outcome, at: datetime) -> str:
    attempts = delivery.attempts + 1
    entry = {"at": at.isoformat(), "code": outcome.code, "error": outcome.error, "ms": outcome.ms}
    log = [*(delivery.attempt_log or []), entry][-sending.max_attempts() :]
    fields: dict[str, Any] = {
        "attempts": attempts,
        "attempt_log": log,
        "last_response_code": outcome.code,
        "last_error": outcome.error,
    }
    delays = sending.retry_delays()
    if outcome.ok:
        fields.update(status=DeliveryStatus.SUCCEEDED, delivered_at=at, next_attempt_at=None)
        result = "delivered"
    elif attempts >= len(delays) + 1:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        result = "failed"
    else:
        fields["next_attempt_at"] = timezone.now() + timedelta(seconds=delays[attempts - 1])
        result = "retry"
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        if result == "retry":
            pk, when = delivery.pk, fields["next_attempt_at"]
            transaction.on_commit(lambda: deliveries_enqueue([pk], run_after=when), robust=True)
    if not outcome.ok:
        logger.info(
            "webhook %s to endpoint %s: attempt %s %s",
            delivery.message_id,
            delivery.endpoint_id,
            attempts,
            outcome.error,
        )
    return result


def deliveries_redeliver(deliveries: QuerySet[WebhookDelivery]) -> int:
    """Send these deliveries again (the same message id and body, a fresh series of attempts);
    ``deliveries`` is the caller's scope. Returns how many were queued."""
    now = timezone.now()
    ids = list(deliveries.exclude(status=DeliveryStatus.PENDING).values_list("pk", flat=True))
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None
        )
        transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
    return len(ids)


def deliveries_retry_due(*, now: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Attempt every pending delivery whose next attempt is due (oldest first, at most
    ``limit``): the sweep of ``prima webhooks retry``. Returns counts per outcome."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    counts: dict[str, int] = {"delivered": 0, "retry": 0, "failed": 0, "skipped": 0}
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        counts[deliver(pk, now=now)] += 1
    return counts
