"""``prima db_worker`` run apart sweeps as the worker ``prima serve`` starts: new remarks
labelled, public complaints recorded (their receipt and webhook) beside its task loop."""

from __future__ import annotations

import django.core.management

from prima.cli import web
from prima.config import task_worker


def _run(monkeypatch, argv: list[str]) -> tuple[list[str], list[list[str]]]:
    started: list[str] = []
    ran: list[list[str]] = []
    monkeypatch.setattr(
        task_worker, "start_sweeps", lambda record=True: started.append(f"sweeps {record}")
    )
    monkeypatch.setattr(task_worker, "start_recorder", lambda: started.append("recorder"))
    monkeypatch.setattr(django.core.management, "execute_from_command_line", ran.append)
    web.run_django(argv)
    return started, ran


def test_a_worker_run_apart_starts_the_sweeps(monkeypatch):
    started, ran = _run(monkeypatch, ["db_worker", "--interval", "1"])
    # no recorder process was started (None here): the record sweep is a thread
    assert started == ["recorder", "sweeps True"]
    assert ran == [["prima", "db_worker", "--interval", "1"]]


def test_other_commands_and_help_start_none(monkeypatch):
    assert _run(monkeypatch, ["db_worker", "--help"])[0] == []
    assert _run(monkeypatch, ["migrate", "--check"])[0] == []


def test_the_sweeps_are_the_label_and_record_threads(monkeypatch):
    import prima.casework.recording as recording
    import prima.remark_labels.services as labels

    calls: list[str] = []
    monkeypatch.setattr(labels, "start_label_thread", lambda: calls.append("labels"))
    monkeypatch.setattr(recording, "start_record_thread", lambda: calls.append("records"))
    task_worker.start_sweeps()
    assert calls == ["labels", "records"]


def test_without_record_the_sweeps_are_the_label_thread_only(monkeypatch):
    import prima.casework.recording as recording
    import prima.remark_labels.services as labels

    calls: list[str] = []
    monkeypatch.setattr(labels, "start_label_thread", lambda: calls.append("labels"))
    monkeypatch.setattr(recording, "start_record_thread", lambda: calls.append("records"))
    task_worker.start_sweeps(record=False)
    assert calls == ["labels"]
