"""The background-task worker that ``prima serve`` and ``prima demo`` start beside the server:
it runs queued export jobs, and it ends when the server (its parent) is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from prima.config import server

PRIMA = Path(sys.executable).with_name("prima")


def test_serve_and_demo_start_the_worker_unless_told_not_to(monkeypatch, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    started: list[dict[str, str]] = []
    execs: list[list[str]] = []
    monkeypatch.setattr(server, "start_task_worker", lambda env: started.append(dict(env)))
    monkeypatch.setattr(server.os, "execve", lambda path, argv, env: execs.append(argv))
    call_command("serve", "--no-collectstatic")
    assert len(started) == 1
    assert execs[-1][:3] == [sys.executable, "-m", "gunicorn"]
    call_command("serve", "--no-collectstatic", "--no-task-worker")
    assert len(started) == 1
    assert len(execs) == 2
    assert server.wants_task_worker({}) is True
    assert server.wants_task_worker({"PRIMA_TASK_WORKER": "off"}) is False
    assert server.wants_task_worker({"PRIMA_TASKS": "immediate"}) is False


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PRIMA_DEMO", "PRIMA_TASKS")}
    env.update({"PRIMA_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if "DATABASE_URL" in env:  # the worker needs its own database, not the test database
        env.pop("DATABASE_URL")
    return env


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [str(PRIMA), "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


QUEUE = """
from django.contrib.auth import get_user_model
from prima.demo.data import demo_surveys
from prima.transfers.export_jobs import export_job_create
job = export_job_create(user=get_user_model().objects.get(username="admin"), survey=demo_surveys()[0], fmt="csv")
print(job.pk, job.status)
"""

STATUS = """
from prima.transfers.models import ExportJob
job = ExportJob.objects.get(pk={pk})
print(job.status, job.rows_done, job.rows_total)
"""


@pytest.mark.slow
def test_worker_runs_queued_exports_and_ends_with_its_server(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    subprocess.run(
        [str(PRIMA), "demo", "--no-serve"], env=env, capture_output=True, timeout=300, check=True
    )
    pk, status = _shell(env, QUEUE).split()
    assert status == "queued"
    # a stand-in for the server: starts the worker as prima.config.server does, then waits
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            "from prima.config import server\n"
            "w = server.start_task_worker(dict(os.environ))\n"
            "print(w.pid, flush=True)\n"
            "time.sleep(300)\n",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        deadline = time.monotonic() + 120
        while True:
            state, done, total = _shell(env, STATUS.format(pk=pk)).split()
            if state in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert state == "done"
        assert done == total
        assert int(total) > 1000  # the demo's SKM survey
        files = list((data / "exports").rglob("*.csv"))
        assert len(files) == 1
        assert len(files[0].read_text("utf-8").splitlines()) == int(total) + 1
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), "the worker outlives its server"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state
