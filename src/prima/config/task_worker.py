"""``python -m prima.config.task_worker``: the background-task worker (django-tasks' database
worker, ``db_worker``) that ``prima serve`` and ``prima demo`` start beside the web server, so
one command runs everything on a laptop.

The web server replaces the command's process and stays this worker's parent; the worker ends
when that parent is gone (checked every second; a running task is finished first, as on
``SIGTERM``). Ctrl-C in a terminal and a service manager's stop reach both processes.
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


def main() -> None:
    parent = int(os.environ.get("PRIMA_WORKER_PARENT") or os.getppid())
    if os.getppid() != parent:  # the server is already gone
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from prima.transfers.export_jobs import export_jobs_prune, export_jobs_requeue_stalled

    export_jobs_requeue_stalled()  # exports whose worker died with the last server
    export_jobs_prune()  # and old files
    call_command("db_worker", reload=False, interval=1.0, verbosity=1)


if __name__ == "__main__":
    main()
