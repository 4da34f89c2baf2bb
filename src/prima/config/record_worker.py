"""``python -m prima.config.record_worker``: on SQLite, the sweep that records public complaints
(:mod:`prima.casework.recording`) in a process of its own, started by the task worker before it
lowers its CPU priority (:func:`prima.config.task_worker.start_recorder`).

Each of the sweep's transactions holds SQLite's only write lock, which every complaint arriving
meanwhile waits for. As a thread of the task worker it ran at the worker's lower priority and
shared its interpreter lock with the labelling sweep and the tasks: under a burst of complaints
it was kept off the CPU while it held the lock, and a transaction of a few milliseconds held it
for a tenth of a second (issue 11, "Speed": complaints at 0.8 of the survey's rate on SQLite).
Here it runs alone, at the web server's priority, and holds the lock for its writes only.
PostgreSQL locks rows, not the database: there the sweep stays a thread of the worker.

It ends when its parent (the task worker) is gone, and on ``SIGTERM`` or ``SIGINT``, after the
pass under way.
"""

from __future__ import annotations

import os
import signal
import threading

from prima.config.parent_watch import watch_parent


def main() -> None:
    parent = int(os.environ.get("PRIMA_RECORDER_PARENT") or os.getppid())
    if os.getppid() != parent:  # the worker is already gone
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # Ctrl-C reaches the whole group
        signal.signal(signum, lambda *_: stop.set())
    watch_parent(parent, stop.set)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    import django

    django.setup()
    from prima.casework.recording import record_loop

    record_loop(stop)


if __name__ == "__main__":
    main()
