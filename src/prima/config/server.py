"""Starting the web server from ``prima serve`` (gunicorn) and ``prima demo`` (Django's server).

The server replaces the command's process (``os.execve``), so signals (Ctrl-C, ``SIGTERM``
from a service manager) reach it directly and its exit status is the command's. Just before,
the background-task worker (:mod:`prima.config.task_worker`, which runs export jobs) is started
as the server's child, unless ``PRIMA_TASK_WORKER=off`` (a worker run apart, ``prima
db_worker``) or ``PRIMA_TASKS=immediate`` (tasks run in the request).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

WSGI_APP = "prima.config.wsgi:application"
SETTINGS_MODULE = "prima.config.settings"


def bind_address(host: str, port: int) -> str:
    """``host:port`` with an IPv6 host in brackets (``[::1]:8000``)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def gunicorn_argv(*, host: str, port: int, workers: int) -> list[str]:
    """The production server: gunicorn with ``workers`` sync workers, access log on stdout.

    More gunicorn settings can be given in ``GUNICORN_CMD_ARGS`` (gunicorn reads it).
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APP,
        "--bind",
        bind_address(host, port),
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]


def runserver_argv(*, host: str, port: int) -> list[str]:
    """Django's own server, without the auto-reloader (the demo)."""
    return [
        sys.executable,
        "-m",
        "django",
        "runserver",
        bind_address(host, port),
        "--noreload",
    ]


def server_env(
    extra: Mapping[str, str] | None = None, drop: tuple[str, ...] = ()
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    env.update(extra or {})
    return env


def demo_env(*, data_dir: Path, password_file: Path, base_url: str) -> dict[str, str]:
    """Demo mode for the server process: the settings are read anew there, from these."""
    return server_env(
        {
            "PRIMA_DEMO": "1",
            "PRIMA_DATA_DIR": str(data_dir),
            "PRIMA_DEMO_PASSWORD_FILE": str(password_file),
            "PRIMA_BASE_URL": base_url,
        },
        drop=("PRIMA_DEMO_PASSWORD", "PRIMA_PRODUCTION"),
    )


OFF = ("off", "0", "false", "no")


def wants_task_worker(env: Mapping[str, str]) -> bool:
    """Whether a background-task worker should run beside the server of ``env``."""
    return (
        env.get("PRIMA_TASK_WORKER", "on").strip().lower() not in OFF
        and env.get("PRIMA_TASKS", "database").strip().lower() != "immediate"
    )


def task_worker_argv() -> list[str]:
    return [sys.executable, "-m", "prima.config.task_worker"]


def start_task_worker(env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """The worker, as a child of this process (and so of the server that replaces it)."""
    worker_env = {**env, "PRIMA_WORKER_PARENT": str(os.getpid())}
    return subprocess.Popen(task_worker_argv(), env=worker_env, stdin=subprocess.DEVNULL)


def exec_server(argv: list[str], env: Mapping[str, str]) -> None:
    """Start the task worker (see the module's doc), then replace this process with the server
    (returns only if ``os.execve`` is mocked)."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    if wants_task_worker(env):
        start_task_worker(env)
    os.execve(argv[0], argv, dict(env))


def static_needs_collect() -> bool:
    """True when a static file of the apps is missing from ``STATIC_ROOT`` or newer there.

    WhiteNoise serves the apps' files even without ``collectstatic`` (``WHITENOISE_USE_FINDERS``),
    but only collected files get their compressed ``.gz``/``.br`` variants.
    """
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    root = Path(settings.STATIC_ROOT)
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            target = root / prefix / path
            try:
                source_time = storage.get_modified_time(path).timestamp()
            except (NotImplementedError, OSError):
                return True
            if not target.exists() or target.stat().st_mtime < source_time:
                return True
    return False
