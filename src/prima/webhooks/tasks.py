"""Background task of webhook deliveries (django-tasks; run by ``prima db_worker``, which
``prima serve`` and ``prima demo`` start beside the web server)."""

from __future__ import annotations

from django_tasks import task

from prima.webhooks.services import deliver


@task()
def deliver_task(delivery_id: int) -> str:
    """One attempt at delivery ``delivery_id`` (a failure queues the next one, later)."""
    return deliver(delivery_id)
