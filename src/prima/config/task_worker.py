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
import threading
import time


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


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
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    lower_priority()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from prima.transfers.export_jobs import export_jobs_prune, export_jobs_requeue_stalled

    export_jobs_requeue_stalled()  # exports whose worker died with the last server
    export_jobs_prune()  # and old files
    start_sweeps()
    call_command("db_worker", reload=False, interval=1.0, verbosity=1)


def start_sweeps() -> None:
    """The worker's sweeps beside its task loop, in daemon threads: new suggestions and
    complaints labelled every few seconds (``prima.remark_labels``), public complaints' first
    line of history, receipt and webhook within a second (``prima.casework.recording``). Run
    by the worker ``prima serve`` starts and by ``prima db_worker`` run apart."""
    from prima.casework.recording import start_record_thread
    from prima.remark_labels.services import start_label_thread

    start_label_thread()
    start_record_thread()


if __name__ == "__main__":
    main()
