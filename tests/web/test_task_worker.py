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

COMPLAIN = """
from prima.cases.services import case_receive
from prima.demo.data import demo_surveys
survey = demo_surveys()[0]
case, _ = case_receive(organization=survey.organization, unit=survey.units.first(), text="Antrean panjang.", channel="web", deferred=True)
print(case.pk, case.recorded)
"""

RECORDED = """
from prima.cases.models import Case
print(Case.objects.get(pk={pk}).recorded, Case.objects.get(pk={pk}).events.filter(kind="created").count())
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
    case, recorded = _shell(env, COMPLAIN).split()
    assert recorded == "False"  # a public complaint waits for the worker's sweep
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
    recorder: list[int] = []
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
        # on SQLite the complaints are recorded by the worker's child at the server's priority
        recorder = _children(worker)
        assert len(recorder) == 1
        assert "prima.config.record_worker" in Path(f"/proc/{recorder[0]}/cmdline").read_text()
        assert os.getpriority(os.PRIO_PROCESS, recorder[0]) < os.getpriority(
            os.PRIO_PROCESS, worker
        )
        while _shell(env, RECORDED.format(pk=case)) != "True 1" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _shell(env, RECORDED.format(pk=case)) == "True 1"
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), "the worker outlives its server"
    while any(map(_alive, recorder)) and time.monotonic() < deadline + 5:
        time.sleep(0.2)
    assert not any(map(_alive, recorder)), "the recorder outlives its worker"


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state


def _niceness_after(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PRIMA_WORKER_NICE"}
    if value is not None:
        env["PRIMA_WORKER_NICE"] = value
    code = (
        "import os; from prima.config.task_worker import lower_priority; "
        "before = os.nice(0); after = lower_priority(); print(after - before)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_worker_yields_the_cpu_to_the_web_server():
    """The worker lowers its own CPU priority (niceness +10 by default, PRIMA_WORKER_NICE
    0-19), so that queued work never slows the requests that queued it; a bad value is refused
    by name."""
    assert _niceness_after(None).stdout.strip() == "10"
    assert _niceness_after("3").stdout.strip() == "3"
    assert _niceness_after("0").stdout.strip() == "0"
    refused = _niceness_after("-5")
    assert refused.returncode != 0
    assert "PRIMA_WORKER_NICE: a whole number from 0 to 19, not '-5'" in refused.stderr


def _mail_settings(tmp_path: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PRIMA_", "DATABASE"))}
    clean.update(PRIMA_DATA_DIR=str(tmp_path), **env)
    code = (
        "import json; from prima.config import settings as s; print(json.dumps({k: str(getattr"
        "(s, k, '')) for k in ('EMAIL_BACKEND', 'EMAIL_FILE_PATH', 'EMAIL_HOST', 'EMAIL_PORT', "
        "'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_HOST_USER', 'DEFAULT_FROM_EMAIL')}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    import json

    return json.loads(done.stdout)


def test_e_mail_goes_to_files_in_the_data_folder_unless_a_server_is_named(tmp_path):
    """Without PRIMA_EMAIL_HOST every message is a file in DATA_DIR/outbox (no task fails on a
    mail server that is not there); with it, SMTP with STARTTLS on 587 (or implicit TLS on 465
    with PRIMA_EMAIL_SSL), the account and the sender from the environment."""
    laptop = _mail_settings(tmp_path)
    assert laptop["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert laptop["EMAIL_FILE_PATH"] == str(tmp_path.resolve() / "outbox")
    server_ = _mail_settings(
        tmp_path,
        PRIMA_EMAIL_HOST="smtp.example.id",
        PRIMA_EMAIL_USER="prima",
        PRIMA_EMAIL_FROM="Layanan <layanan@example.id>",
    )
    assert server_["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (server_["EMAIL_HOST"], server_["EMAIL_PORT"]) == ("smtp.example.id", "587")
    assert (server_["EMAIL_USE_TLS"], server_["EMAIL_USE_SSL"]) == ("True", "False")
    assert server_["EMAIL_HOST_USER"] == "prima"
    assert server_["DEFAULT_FROM_EMAIL"] == "Layanan <layanan@example.id>"
    ssl = _mail_settings(tmp_path, PRIMA_EMAIL_HOST="smtp.example.id", PRIMA_EMAIL_SSL="1")
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_TLS"], ssl["EMAIL_USE_SSL"]) == (
        "465",
        "False",
        "True",
    )
