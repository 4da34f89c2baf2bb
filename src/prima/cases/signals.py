"""The signal every change of a case sends, after its transaction commits.

``case_changed`` (sender :class:`~prima.cases.models.Case`) carries ``case``, ``event`` (the
:class:`~prima.cases.models.CaseEvent` just recorded) and ``kind``, one of :data:`KINDS`:

- ``created``        a case was received (public form, API, staff intake, survey follow-up);
- ``status_changed`` its status moved (``event.status_from`` -> ``event.status_to``), also when
                     it was reopened (``event.kind == "reopened"``, ``selesai`` -> ``diproses``);
- ``rated``          the complainant rated the handling (``case.rating``);
- ``assigned``       the owner changed (``case.owner``, maybe None);
- ``replied``        a note for the complainant without a change of status;
- ``noted``          an internal note (never shown to the complainant);
- ``edited``         category or tier changed.

Receivers (notifications, e-mails, webhooks) run after the commit, never inside the change's
transaction, and must not fail the request: they enqueue their work for the task worker.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

case_changed = Signal()

KINDS = ("created", "status_changed", "rated", "assigned", "replied", "noted", "edited")


def send_on_commit(case: object, event: object, kind: str) -> None:
    """Send :data:`case_changed` once the current transaction commits (at once without one)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of case change {kind!r}")
    from prima.cases.models import Case

    transaction.on_commit(lambda: case_changed.send(sender=Case, case=case, event=event, kind=kind))
