"""The signals every change of a case sends: one inside its transaction, one after its commit.

``case_changed`` (sender :class:`~prima.cases.models.Case`) carries ``case``, ``event`` (the
:class:`~prima.cases.models.CaseEvent` just recorded) and ``kind``, one of :data:`KINDS`:

- ``created``        a case was received (public form, API, staff intake, survey follow-up);
                     for a public complaint, whose request stores the row alone, when the
                     task worker records it (:func:`prima.cases.services.cases_record_pending`)
                     or a change of the case does first;
- ``status_changed`` its status moved (``event.status_from`` -> ``event.status_to``), also when
                     it was reopened (``event.kind == "reopened"``, ``selesai`` -> ``diproses``);
- ``rated``          the complainant rated the handling (``case.rating``);
- ``assigned``       the owner changed (``case.owner``, maybe None);
- ``replied``        a note for the complainant without a change of status;
- ``noted``          an internal note (never shown to the complainant);
- ``edited``         category or tier changed.

Receivers of ``case_changed`` (notifications, webhooks) run after the commit, never inside the
change's transaction, and must not fail the request: they enqueue their work for the task worker.

``case_recorded`` carries the same arguments and is sent inside the change's transaction, before
its commit: its receivers write only rows that must commit (or roll back) with the change, such
as the task of its e-mail (:mod:`prima.casework.receivers`). One transaction for the case and
its receipt's task is one write lock on SQLite instead of two, and a crash between the commit
and the queueing can no longer lose the e-mail. A failure there fails the change.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

case_changed = Signal()
case_recorded = Signal()

KINDS = ("created", "status_changed", "rated", "assigned", "replied", "noted", "edited")


def send_on_commit(case: object, event: object, kind: str) -> None:
    """Send :data:`case_recorded` now (inside the change's transaction when called in it) and
    :data:`case_changed` once the current transaction commits (at once without one)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of case change {kind!r}")
    from prima.cases.models import Case

    case_recorded.send(sender=Case, case=case, event=event, kind=kind)
    transaction.on_commit(lambda: case_changed.send(sender=Case, case=case, event=event, kind=kind))
