"""``python -m prima.config.task_worker``: the background-task worker (django-tasks' database
worker, ``db_worker``) that ``prima serve`` and ``prima demo`` start beside the web server, so
one command runs everything on a laptop.

The web server replaces the command's process and stays this worker's parent; the worker ends
when that parent is gone (checked every second; a running task is finished first, as on
``SIGTERM``). Ctrl-C in a terminal and a service manager's stop reach both processes.

The worker runs at a lower CPU priority than the web server (``PRIMA_WORKER_NICE``, default
10; 0 keeps the server's): under a burst of submissions and complaints the requests get the
CPU first, and the e-mails, webhooks and exports they queued are done as soon as the requests
leave it free. On an idle machine nothing changes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from prima.config.parent_watch import watch_parent


def lower_priority() -> int:
    """Raise this process's niceness by ``PRIMA_WORKER_NICE`` (0-19, default 10); returns the
    niceness reached. A value that is not a whole number 0-19 is an error naming the
    variable."""
    raw = os.environ.get("PRIMA_WORKER_NICE", "10").strip() or "0"
    if not raw.isdigit() or int(raw) > 19:
        raise SystemExit(f"PRIMA_WORKER_NICE: a whole number from 0 to 19, not {raw!r}")
    return os.nice(int(raw))


def main() -> None:
    parent = int(os.environ.get("PRIMA_WORKER_PARENT") or os.getppid())
    if os.getppid() != parent:  # the server is already gone
        return
    watch_parent(parent, lambda: os.kill(os.getpid(), signal.SIGTERM))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    recorder = start_recorder()  # before the niceness, which a child inherits
    lower_priority()
    from prima.transfers.export_jobs import export_jobs_prune, export_jobs_requeue_stalled

    export_jobs_requeue_stalled()  # exports whose worker died with the last server
    export_jobs_prune()  # and old files
    start_sweeps(record=recorder is None)
    call_command("db_worker", reload=False, interval=1.0, verbosity=1)


def start_recorder() -> subprocess.Popen[bytes] | None:
    """On SQLite, the recording of public complaints in a process of its own at this process's
    priority (:mod:`prima.config.record_worker`, which says why), as this worker's child;
    ``None`` on PostgreSQL (the sweep is then a thread, :func:`start_sweeps`)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    env = {**os.environ, "PRIMA_RECORDER_PARENT": str(os.getpid())}
    argv = [sys.executable, "-m", "prima.config.record_worker"]
    return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL)


def start_sweeps(*, record: bool = True) -> None:
    """The worker's sweeps beside its task loop, in daemon threads: new suggestions and
    complaints labelled every few seconds (``prima.remark_labels``), and unless ``record`` is
    False (the worker ``prima serve`` starts on SQLite: :func:`start_recorder`) public
    complaints' first line of history, receipt and webhook within a second
    (``prima.casework.recording``; later under a flood, :mod:`prima.flood`). Run by the worker
    ``prima serve`` starts and by ``prima db_worker`` run apart."""
    from prima.casework.recording import start_record_thread
    from prima.remark_labels.services import start_label_thread

    start_label_thread()
    if record:
        start_record_thread()


if __name__ == "__main__":
    main()
