"""A child process that ends with its parent: the task worker with ``prima serve``, the SQLite
recorder with the task worker (:mod:`prima.config.task_worker`,
:mod:`prima.config.record_worker`). A parent that dies (SIGKILL, a crash) sends nothing, so the
child looks once a second whether it has been handed to another parent."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def watch_parent(parent: int, gone: Callable[[], None], every: float = 1.0) -> threading.Thread:
    """Start a daemon thread that calls ``gone()`` once, as soon as this process's parent is no
    longer ``parent``; returns the thread."""

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                gone()
                return

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread
