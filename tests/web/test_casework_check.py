"""``prima cases check`` (issue 11, point 4): a reminder one working day before a due date, a
notice to the unit's managers on a breach, and escalation of a late resolution one level up
the unit tree for each ``escalate_after_days`` (default 5) working days late, one level at a
time; each notice once (run twice, or two at once: one notice each).

The case is received on Monday 2 November 2026 at 10:00 WIB by UPT Alpha Satu (under Dinas
Alpha Pusat) of Dinas Alpha (government, WIB); November 2026 has no holiday, so by hand:
first response due Thursday 5 Nov (3 working days: 3, 4, 5), resolution due Monday 9 Nov
(5 working days: 3, 4, 5, 6, 9). Late by more than 5 working days from Tuesday 17 Nov
(10, 11, 12, 13, 16, 17: 6), by more than 10 from Tuesday 24 Nov (11).
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from prima.alerts.models import Notification
from prima.cases.models import CaseEvent, CaseNotice, CaseSettings
from prima.cases.services import case_assign, case_transition
from prima.casework.checks import cases_check, managers_of
from prima.organizations.calendar import calendar_for
from tests.web.casework_world import add_people, at, receive

Kind = CaseNotice.Kind
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.BASE_URL = "https://prima.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def people(world):
    return add_people(world)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``cases_check`` at an instant, running what it defers to the commit (queueing the
    e-mails: the test's transaction never commits)."""

    def check(now: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return cases_check(now=now)

    return check


def worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def notices(case: Any) -> list[tuple[str, str, int]]:
    return sorted(
        (n.kind, n.due.isoformat(), n.level) for n in CaseNotice.objects.filter(case=case)
    )


def told(case: Any, kind: str, level: int = 0) -> list[str]:
    """Who was told of the case's notice ``kind`` (its history line names the recipients)."""
    from django.contrib.auth import get_user_model

    for event in CaseEvent.objects.filter(case=case, kind="notice"):
        if event.data["notice"] == kind and event.data["level"] == level:
            users = get_user_model().objects.filter(pk__in=event.data["recipients"])
            return sorted(u.username for u in users)
    raise AssertionError(f"no {kind} notice")


def test_the_hand_counted_due_dates(people):
    case = receive(people)
    assert (case.first_response_due, case.resolution_due) == (date(2026, 11, 5), date(2026, 11, 9))
    cal = calendar_for(people.alpha)
    assert all(cal.is_working(date(2026, 11, d)) for d in (3, 4, 5, 6, 9, 10, 17, 24))


def test_managers_of_a_unit_fall_back_to_the_units_above(people):
    alpha = people.alpha
    names = lambda users: sorted(u.username for u in users)  # noqa: E731
    assert names(managers_of(alpha, people.upt1.path)) == ["bob"]
    assert names(managers_of(alpha, people.loket1.path)) == ["bob"]  # none on the Loket
    assert names(managers_of(alpha, people.upt2.path)) == ["dewi"]  # none on UPT Dua: Pusat
    assert names(managers_of(alpha, people.dinas.path)) == ["dewi"]
    assert names(managers_of(alpha, None)) == ["alice"]  # the organization's own


def test_reminders_then_breaches_then_escalation_one_level_at_a_time(people, run):
    case = receive(people)
    # Tue 3 Nov: first response due Thu 5 (2 working days left), nothing yet
    assert run(at(3)).notices == []
    # Wed 4 Nov: one working day before the first response due: a reminder to the unit's
    # managers (no owner yet)
    result = run(at(4))
    assert notices(case) == [(Kind.REMIND_FIRST, "2026-11-05", 0)]
    assert (result.reminders, result.breaches, result.escalations) == (1, 0, 0)
    assert told(case, Kind.REMIND_FIRST) == ["bob"]
    assert [n.user.username for n in Notification.objects.filter(alert=None)] == ["bob"]
    # an owner: later reminders go to the owner only
    case_assign(case, owner=people.users["sari"], user=people.users["bob"])
    # Fri 6 Nov: the first response is late (breach: unit managers and the owner), the
    # resolution is due on Mon 9, one working day later (reminder: the owner)
    result = run(at(6))
    assert notices(case) == [
        (Kind.BREACH_FIRST, "2026-11-05", 0),
        (Kind.REMIND_FIRST, "2026-11-05", 0),
        (Kind.REMIND_RESOLUTION, "2026-11-09", 0),
    ]
    assert (result.reminders, result.breaches) == (1, 1)
    assert told(case, Kind.BREACH_FIRST) == ["bob", "sari"]
    assert told(case, Kind.REMIND_RESOLUTION) == ["sari"]
    # Tue 10 Nov: the resolution is late by 1 working day: breach, no escalation
    result = run(at(10))
    assert (result.breaches, result.escalations) == (1, 0)
    # Mon 16 Nov: late by 5 working days: not more than 5, no escalation
    assert run(at(16)).notices == []
    # Tue 17 Nov: late by 6 > 5: escalated to the managers of the parent unit (dewi)
    before = set(Notification.objects.values_list("pk", flat=True))
    result = run(at(17))
    assert [(n.kind, n.level) for n in result.notices] == [(Kind.ESCALATED, 1)]
    new = Notification.objects.exclude(pk__in=before)
    assert [n.user.username for n in new] == ["dewi"]
    assert told(case, Kind.ESCALATED, 1) == ["dewi"]
    assert " 6 " in new[0].title  # working days late
    # Mon 23 Nov: late by 10: not more than twice 5
    assert run(at(23)).notices == []
    # Tue 24 Nov: late by 11 > 10: level 2, the organization's own managers (alice)
    before = set(Notification.objects.values_list("pk", flat=True))
    result = run(at(24))
    assert [(n.kind, n.level) for n in result.notices] == [(Kind.ESCALATED, 2)]
    assert [n.user.username for n in Notification.objects.exclude(pk__in=before)] == ["alice"]
    assert told(case, Kind.BREACH_RESOLUTION) == ["bob", "sari"]
    # no level above the organization; every notice is in the history
    assert run(at(24, month=12)).notices == []
    assert CaseEvent.objects.filter(case=case, kind="notice").count() == 6


def test_a_check_that_did_not_run_for_weeks_escalates_one_level_per_run(people, run):
    case = receive(people, unit=people.loket1)  # Loket Satu > UPT Alpha Satu > Pusat
    first = run(at(24))  # late by 11: levels 1 and 2 are due, only level 1 is sent
    assert sorted((n.kind, n.level) for n in first.notices) == [
        (Kind.BREACH_FIRST, 0),
        (Kind.BREACH_RESOLUTION, 0),
        (Kind.ESCALATED, 1),
    ]
    assert [(n.kind, n.level) for n in run(at(24)).notices] == [(Kind.ESCALATED, 2)]
    assert run(at(24)).notices == []  # level 3 needs more than 15 days late
    # Tue 1 Dec: 16 working days late: level 3, the organization's own managers
    assert [(n.kind, n.level) for n in run(at(1, month=12)).notices] == [(Kind.ESCALATED, 3)]
    assert run(at(2, month=12)).notices == []
    levels = CaseNotice.objects.filter(case=case, kind=Kind.ESCALATED).order_by("level")
    assert [n.level for n in levels] == [1, 2, 3]
    # level 1: the parent of Loket Satu is UPT Alpha Satu (bob); level 2 Pusat (dewi)
    events = CaseEvent.objects.filter(case=case, kind="notice").order_by("pk")
    by_level = {e.data["level"]: e.data["recipients"] for e in events if e.data["level"]}
    users = people.users
    assert by_level == {1: [users["bob"].pk], 2: [users["dewi"].pk], 3: [users["alice"].pk]}


def test_the_escalation_period_is_the_organizations(people, run):
    CaseSettings.objects.create(organization=people.alpha, escalate_after_days=2)
    receive(people)
    # Thu 12 Nov: late by 3 (10, 11, 12) > 2: level 1
    assert Kind.ESCALATED in [n.kind for n in run(at(12)).notices]


def test_closed_cases_get_no_notice_and_a_reopened_case_new_ones(people, run):
    case = receive(people)
    for status in ("diverifikasi", "diproses", "selesai"):
        case_transition(case, status=status, note="", user=people.users["alice"])
    assert run(at(24)).notices == []
    rejected = receive(people, submission_id="6f1c1a0e-5d7e-4b0a-9a37-1f6d2a4f0b11")
    case_transition(rejected, status="ditolak", note="Bukan wewenang unit ini.")
    assert run(at(24)).notices == []


def test_the_command_is_idempotent_and_prints_a_summary(
    people, capsys, django_capture_on_commit_callbacks
):
    receive(people)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cases", "check", "--now", "2026-11-17T09:00:00+07:00")
    out = capsys.readouterr().out
    # breach of both due dates and the first escalation, as the default language says it
    assert out.strip().splitlines()[-1] == (
        "0 pengingat; 2 pelanggaran tenggat; 1 eskalasi; 3 pemberitahuan; 1 kasus terbuka diperiksa"
    )
    counts = (CaseNotice.objects.count(), Notification.objects.count(), CaseEvent.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cases", "check", "--now", "2026-11-17T09:00:00+07:00")
    out = capsys.readouterr().out
    assert out.strip() == (
        "0 pengingat; 0 pelanggaran tenggat; 0 eskalasi; 0 pemberitahuan; 1 kasus terbuka diperiksa"
    )
    assert (
        CaseNotice.objects.count(),
        Notification.objects.count(),
        CaseEvent.objects.count(),
    ) == counts
    assert counts[0] == 3


def test_the_command_refuses_a_bad_instant_and_an_unknown_organization(people):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("cases", "check", "--now", "besok pagi")
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("cases", "check", "--organization", "tidak-ada")


@pytest.mark.django_db(transaction=True)  # the task worker closes connections
def test_notices_are_e_mailed_by_the_task_worker(people, run):
    case = receive(people)
    case_assign(case, owner=people.users["sari"], user=people.users["bob"])
    worker()  # the receipt to the complainant, the assignment to sari
    mail.outbox.clear()
    run(at(6))
    assert mail.outbox == []  # queued, not sent by the check
    worker()
    by_address = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [a for a, _ in by_address] == ["bob@example.org", "sari@example.org", "sari@example.org"]
    code = case.tracking_code
    assert all(code in subject and "\n" not in subject for _, subject in by_address)
    message = next(m for m in mail.outbox if m.to == ["bob@example.org"])
    html = message.alternatives[0][0]
    assert f"https://prima.example/app/kasus/{case.pk}/" in message.body
    assert f'href="https://prima.example/app/kasus/{case.pk}/"' in html
    assert "Terlambat" in message.subject  # Indonesian, the installation's language


@pytest.mark.django_db(transaction=True)
def test_two_checks_at_once_send_each_notice_once(django_db_setup):
    from tests.web.personas import build_world

    world = add_people(build_world())
    receive(world)
    if connection.vendor == "sqlite":  # one writer at a time: the repeat is what can happen
        first = cases_check(now=at(17))
        second = cases_check(now=at(17))
        assert len(first.notices) == 3
        assert second.notices == []
    else:
        barrier = threading.Barrier(4)
        made: list[int] = []
        errors: list[str] = []

        def one() -> None:
            try:
                barrier.wait(timeout=10)
                made.append(len(cases_check(now=at(17)).notices))
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert sum(made) == 3
    assert CaseNotice.objects.count() == 3
    # bob (breach of both due dates), dewi (escalation)
    assert Notification.objects.count() == 3
