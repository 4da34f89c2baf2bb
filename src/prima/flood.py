"""Background work that waits while a flood of new rows arrives (framework-free).

The task worker's sweeps (the recording of public complaints,
:mod:`prima.casework.recording`, and the labelling of remarks,
:mod:`prima.remark_labels.services`) write to the database and spend CPU for every complaint
and submission that arrives. When rows arrive faster than :data:`FLOOD_PER_SECOND` (a
campaign, a script: far above what a counter, a kiosk or a web form brings) that work would take
SQLite's only write lock and the machine's cores from the requests still arriving. A
:class:`FloodGate` tells a sweep to wait until the flood eases, and never longer than
:data:`FLOOD_WAIT_SECONDS` at a time: then one pass does everything pending, and the next may
wait again. At the pace of ordinary intake a gate never holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

FLOOD_PER_SECOND = 20.0
"""New rows a second, between two looks, from which a gate holds (and at least that many)."""
FLOOD_WAIT_SECONDS = 30.0
"""The longest a gate holds at a time."""


class FloodGate:
    """Holds a sweep's pass while rows arrive at ``per_second`` or faster, at most
    ``max_wait`` seconds at a time. :meth:`holds` is given the highest id (or any count that
    grows by one per new row) at each look; ``clock`` gives seconds (tests pass their own)."""

    def __init__(
        self,
        per_second: float = FLOOD_PER_SECOND,
        max_wait: float = FLOOD_WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.max_wait = max_wait
        self.clock = clock
        self.seen: tuple[int, float] | None = None  # the count and the time of the last look
        self.since: float | None = None  # when the gate started holding

    def holds(self, top: int) -> bool:
        """Whether the pass about to run waits: ``top`` grew by ``per_second`` or more a
        second since the previous look (by at least ``per_second``; a first look never holds),
        and the gate has not held for ``max_wait`` seconds yet."""
        now = self.clock()
        seen, self.seen = self.seen, (top, now)
        if seen is None or top - seen[0] < self.per_second * max(now - seen[1], 1.0):
            self.since = None
            return False
        if self.since is None:
            self.since = now
        if now - self.since < self.max_wait:
            return True
        self.since = None  # this pass runs; the next one may wait again
        return False
