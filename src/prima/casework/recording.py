"""The task worker's sweep that records public complaints (issue 11, "Speed").

A public complaint (the form and ``POST /api/v1/public/organizations/{slug}/cases``) is stored
by its request as the case row alone, one INSERT as a survey submission is, with
``Case.recorded`` False (:func:`prima.cases.services.case_receive` with ``deferred``). This
sweep, a thread of the task worker (:mod:`prima.config.task_worker`, beside the labels'
sweep) on PostgreSQL and a process of its own on SQLite (:mod:`prima.config.record_worker`
says why), then records each of them once (:func:`prima.cases.services.cases_record_pending`):
the first line of its history, the receipt e-mail's task (in the same transaction) and the
webhook ``case.created`` (after its commit), as the other intakes do in their own transaction.
Until then the tracking page and API show the receipt line from the case row; a staff member
who opens the case, and any change of it, records it first.

Each pass reads the cases above a floor: the highest id seen less :data:`WINDOW` (on
PostgreSQL a transaction may commit a lower id after a higher one was read). The first pass
after a start, and one every :data:`FULL_SECONDS`, reads them all (cases left by a worker that
stopped). ``prima cases check`` records any left as well (no worker running).

**A flood first, its records after** (:class:`prima.flood.FloodGate`): while complaints
arrive faster than :data:`prima.flood.FLOOD_PER_SECOND`, a pass waits for the flood to ease,
at most :data:`prima.flood.FLOOD_WAIT_SECONDS` at a time: the sweep's writes and the receipt
e-mails they queue would otherwise take the database and the CPU from the requests still
arriving. Each complaint is stored by its own request all the same, and its tracking page shows
the receipt at once; the history line, receipt e-mail and webhook follow within that bound.

The worker of ``prima serve`` and ``prima db_worker`` run apart both start this sweep
(:func:`prima.config.task_worker.start_sweeps`, :func:`prima.config.task_worker.start_recorder`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

from prima.cases.models import Case
from prima.cases.services import cases_record_pending
from prima.flood import FloodGate

log = logging.getLogger(__name__)

RECORD_SECONDS = 1.0
"""Pause between two passes: a complainant's receipt e-mail is queued within about a second."""
WINDOW = 1000
"""Ids below the highest one seen that each pass reads again."""
FULL_SECONDS = 600.0
"""A pass over every case this often (and at the start)."""
SQLITE_BATCH = 50
"""Cases recorded per transaction on SQLite: each transaction holds the single write lock,
which public complaints arriving meanwhile wait for (a thousand at once held it for a third of
a second under load); PostgreSQL takes :data:`prima.cases.services.RECORD_BATCH`."""
SQLITE_PAUSE = 0.25
"""Seconds between two of those transactions on SQLite, for the requests waiting to write: a
burst of complaints is recorded at up to 200 a second, and the requests keep the lock."""


class RecordSweep:
    """The passes of the sweep and their floor (one per worker process). ``clock``: seconds
    (``time.monotonic``; tests pass their own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.floor: int | None = None  # None: the next pass reads every case
        self.full_at = 0.0
        self.clock = clock
        self.gate = FloodGate(clock=clock)

    def run_once(self) -> int:
        """One pass; returns the cases recorded (0 when it waits for a flood to ease)."""
        now = self.clock()
        top = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if self.gate.holds(top):
            return 0
        if self.floor is not None and now - self.full_at >= FULL_SECONDS:
            self.floor = None
        full = self.floor is None
        if connection.vendor == "sqlite":
            done = cases_record_pending(
                after=self.floor or 0, batch_size=SQLITE_BATCH, pause=SQLITE_PAUSE
            )
        else:
            done = cases_record_pending(after=self.floor or 0)
        if full:
            self.full_at = self.clock()
        self.floor = max(self.floor or 0, top - WINDOW)
        return len(done)


def record_loop(stop: threading.Event, *, pause: float = RECORD_SECONDS) -> None:
    """Passes until ``stop`` is set, ``pause`` seconds apart; a failing pass is logged and the
    next one reads every case again."""
    sweep = RecordSweep()
    while not stop.is_set():
        try:
            close_old_connections()
            sweep.run_once()
        except Exception:
            log.exception("cases: a pass of the recording sweep failed")
            sweep.floor = None
        stop.wait(pause)


def start_record_thread() -> threading.Event:
    """Start :func:`record_loop` in a daemon thread; returns the event that stops it."""
    stop = threading.Event()
    threading.Thread(target=record_loop, args=(stop,), name="case-records", daemon=True).start()
    return stop
