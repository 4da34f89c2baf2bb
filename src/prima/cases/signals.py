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

Several cases recorded together (the task worker's sweep, :func:`batched`) send the signals of
each, and a receiver of ``case_recorded`` may :func:`gather` its work to do it once for all of
them at the end of the block, still inside the transaction (one e-mail task for the receipts of
a batch instead of one task per case); their ``case_changed`` signals are then sent after the
commit in one such block too (one query for the webhook endpoints of a batch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

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
    gather("cases.changed", (case, event, kind), _changed_on_commit)


def _changed_on_commit(items: list[tuple[object, object, str]]) -> None:
    transaction.on_commit(lambda: _send_changed(items))


def _send_changed(items: list[tuple[object, object, str]]) -> None:
    """:data:`case_changed` for each change, in one :func:`batched` block: the changes of a
    batch reach receivers that :func:`gather` (webhooks) together."""
    from prima.cases.models import Case

    with batched():
        for case, event, kind in items:
            case_changed.send(sender=Case, case=case, event=event, kind=kind)


_gathered: ContextVar[dict[str, tuple[Callable[[list[Any]], None], list[Any]]] | None] = ContextVar(
    "prima_cases_gathered", default=None
)


@contextmanager
def batched() -> Iterator[None]:
    """A block recording several cases: the work :func:`gather` collects inside it is done at its
    end, once per key (nested blocks belong to the outermost one; an exception drops it, as the
    transaction around it rolls back)."""
    if _gathered.get() is not None:
        yield
        return
    token = _gathered.set({})
    try:
        yield
        gathered = _gathered.get() or {}
    finally:
        _gathered.reset(token)
    for flush, items in gathered.values():
        flush(items)


def gather(key: str, item: Any, flush: Callable[[list[Any]], None]) -> None:
    """Do ``flush([item])`` now, or inside a :func:`batched` block at its end, with every other
    item gathered under ``key``, in the order they came."""
    gathered = _gathered.get()
    if gathered is None:
        flush([item])
        return
    gathered.setdefault(key, (flush, []))[1].append(item)
