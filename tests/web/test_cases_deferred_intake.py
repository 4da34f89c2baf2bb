"""A public complaint is stored by its request as one row, and the task worker records it
(issue 11, "Speed"): the first line of its history, the receipt e-mail and the webhook
``case.created``, each exactly once, whoever records it first (the worker's sweep, a second
sweep, a change of the case, a staff member opening it, ``prima cases check``). Until then the
tracking page and API show the receipt from the row, as they show it afterwards."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from prima.cases import services as cs
from prima.cases.models import Case, CaseEvent, CaseStatus
from prima.casework import recording
from prima.casework.checks import cases_check
from prima.casework.tasks import case_event_mails
from prima.flood import FLOOD_PER_SECOND, FLOOD_WAIT_SECONDS, FloodGate
from prima.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.web.test_cases_pages import form_data

URL = "/api/v1/public/organizations/alpha/cases"
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CONTACT = {"name": "Rina Pelapor", "email": "rina.pelapor@contoh.id"}


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.TASKS = DATABASE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = True
    return settings


@pytest.fixture
def endpoint(world):
    return WebhookEndpoint.objects.create(
        organization=world.alpha,
        url="http://127.0.0.1:9/hook",
        event_types=["case.created", "case.status_changed"],
    )


def complain(world, **extra):
    body = {
        "submission_id": str(uuid.uuid4()),
        "text": "Antrean di loket pendaftaran lebih dari dua jam.",
        "unit": world.upt1.pk,
        "contact": CONTACT,
        "consent": True,
        **extra,
    }
    r = Client().post(URL, json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    return Case.objects.get(pk=r.json()["id"])


def receipt_tasks() -> list[DBTaskResult]:
    """The e-mail tasks of case events, in the order of their events."""
    found = DBTaskResult.objects.filter(task_path__endswith="case_event_mail")
    return sorted(found, key=lambda t: t.args_kwargs["args"][0])


def created_webhooks() -> list[str]:
    return list(
        WebhookDelivery.objects.filter(event_type="case.created").values_list(
            "payload__data__tracking_code", flat=True
        )
    )


def track(case) -> dict:
    return Client().get(f"/api/v1/public/cases/{case.tracking_code}").json()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)  # the task worker closes connections
def test_the_request_stores_the_row_and_the_worker_records_it_once(
    world, endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = complain(world)
    assert case.recorded is False
    assert not CaseEvent.objects.filter(case=case).exists()
    assert (receipt_tasks(), created_webhooks(), mail.outbox) == ([], [], [])
    before = track(case)
    assert [(e["status"], e["note"]) for e in before["events"]] == [("baru", "")]
    at = before["events"][0]["at"].replace("Z", "+00:00")
    assert datetime.fromisoformat(at) == datetime.fromisoformat(before["received_at"])
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.cases_record_pending() == [case.pk]
    case.refresh_from_db()
    assert case.recorded is True
    [event] = CaseEvent.objects.filter(case=case)
    assert (event.kind, event.status_to, event.public, event.actor) == (
        "created",
        "baru",
        True,
        None,
    )
    assert event.data == {"channel": "web"}
    assert event.at == case.created_at
    assert track(case) == before  # the page says the same before and after
    [task] = receipt_tasks()
    assert task.args_kwargs["args"] == [event.pk, "created"]
    assert created_webhooks() == [case.tracking_code]
    # another pass, or a pass of a second worker, finds nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.cases_record_pending() == []
        assert cs.cases_record_pending(ids=[case.pk]) == []
        assert cs.case_record(Case.objects.get(pk=case.pk)).recorded
    run_worker()
    [receipt] = mail.outbox
    assert receipt.to == [CONTACT["email"]]
    assert case.tracking_code in receipt.subject
    assert (len(receipt_tasks()), len(created_webhooks())) == (1, 1)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_an_anonymous_complaint_gets_its_event_and_webhook_and_no_mail(
    world, endpoint, django_capture_on_commit_callbacks
):
    case = complain(world, contact=None, consent=False, anonymous=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.cases_record_pending() == [case.pk]
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["created"]
    assert receipt_tasks() == []
    assert created_webhooks() == [case.tracking_code]


def test_a_change_before_the_worker_records_the_receipt_first(
    world, endpoint, django_capture_on_commit_callbacks
):
    case = complain(world)
    with django_capture_on_commit_callbacks(execute=True):
        cs.case_transition(case, status=CaseStatus.VERIFIED, note="Kami periksa.")
    kinds = list(CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("kind"))
    assert kinds == [("created",), ("status",)]
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [(d.event_type, d.payload["data"]["status"]) for d in deliveries] == [
        ("case.created", "baru"),  # as received, not as changed
        ("case.status_changed", "diverifikasi"),
    ]
    assert [t.args_kwargs["args"][1] for t in receipt_tasks()] == ["created", "status_changed"]
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.cases_record_pending() == []
    assert len(created_webhooks()) == 1
    body = track(case)
    assert [(e["status"], e["note"]) for e in body["events"]] == [
        ("baru", ""),
        ("diverifikasi", "Kami periksa."),
    ]


def test_staff_who_open_the_case_first_see_its_receipt(
    world, endpoint, django_capture_on_commit_callbacks
):
    case = complain(world)
    with django_capture_on_commit_callbacks(execute=True):
        r = world.api("alice").get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 200
    [line] = r.json()["events"]
    assert (line["kind"], line["status_to"], line["actor"]) == ("created", "baru", None)
    assert line["id"] == CaseEvent.objects.get(case=case).pk
    other = complain(world)
    html = world.client("alice").get(f"/app/kasus/{other.pk}/").content.decode()
    assert "Diterima" in html or "Received" in html
    assert CaseEvent.objects.filter(case=other, kind="created").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert cs.cases_record_pending() == []
    assert len(receipt_tasks()) == 2


def test_the_form_is_deferred_too_and_cases_check_records_what_is_left(
    world, django_capture_on_commit_callbacks
):
    r = Client().post(f"/pengaduan/alpha/?unit={world.upt1.pk}&lang=id", form_data())
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.recorded is False
    html = Client().get(f"/pengaduan/lacak/{case.tracking_code}/").content.decode()
    assert case.tracking_code in html
    with django_capture_on_commit_callbacks(execute=True):
        result = cases_check()
    assert result.recorded == 1
    assert CaseEvent.objects.filter(case=case, kind="created").count() == 1
    assert len(receipt_tasks()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_check().recorded == 0
    assert len(receipt_tasks()) == 1


def test_without_a_task_worker_the_request_records_at_once(world, settings):
    settings.TASKS = IMMEDIATE
    case = complain(world, contact=None, consent=False, anonymous=True)
    assert case.recorded is True
    assert CaseEvent.objects.filter(case=case, kind="created").count() == 1


def test_staff_intake_and_the_same_submission_again_are_unchanged(world):
    sid = str(uuid.uuid4())
    first = complain(world, submission_id=sid)
    again = Client().post(
        URL,
        json.dumps({"submission_id": sid, "text": "lain", "unit": world.upt1.pk}),
        content_type="application/json",
    )
    assert (again.status_code, again.json()["id"]) == (200, first.pk)
    assert Case.objects.count() == 1
    staff, _ = cs.case_receive(
        organization=world.alpha, unit=world.upt1, text="Surat.", channel="surat"
    )
    assert staff.recorded is True
    assert CaseEvent.objects.filter(case=staff).count() == 1


def test_the_sweep_reads_above_its_floor_and_everything_now_and_then(
    world, django_capture_on_commit_callbacks
):
    sweep = recording.RecordSweep()
    first = complain(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run_once() == 1  # the first pass reads every case
    assert sweep.floor == max(0, first.pk - recording.WINDOW)
    second = complain(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run_once() == 1
    # a case below the floor (left by a worker that stopped) is found by the next full pass
    third = complain(world)
    sweep.floor = third.pk + recording.WINDOW
    assert sweep.run_once() == 0
    sweep.full_at -= recording.FULL_SECONDS
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run_once() == 1
    assert Case.objects.filter(recorded=False).count() == 0
    assert CaseEvent.objects.filter(kind="created").count() == 3
    assert {second.pk, first.pk} <= set(CaseEvent.objects.values_list("case_id", flat=True))


def test_a_flood_of_complaints_is_recorded_once_it_eases_or_after_the_longest_wait(
    world, django_capture_on_commit_callbacks
):
    """While complaints arrive at FLOOD_PER_SECOND or faster, the sweep's passes wait (the
    requests keep the write lock and the CPU), never longer than FLOOD_WAIT_SECONDS; each
    complaint was stored and answered by its request meanwhile, and nothing is recorded twice."""
    now = [0.0]
    sweep = recording.RecordSweep(clock=lambda: now[0])
    assert (sweep.gate.per_second, sweep.gate.max_wait) == (FLOOD_PER_SECOND, FLOOD_WAIT_SECONDS)
    sweep.gate = FloodGate(per_second=5, max_wait=3, clock=sweep.clock)  # a smaller flood
    first = complain(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run_once() == 1  # ordinary intake: recorded at the next pass
    flood = [complain(world) for _ in range(5)]
    now[0] += 1.0
    assert sweep.run_once() == 0  # 5 complaints in a second: the pass waits
    now[0] += 2.0
    flood += [complain(world) for _ in range(10)]
    assert sweep.run_once() == 0  # still arriving that fast, not yet waited the longest
    assert Case.objects.filter(recorded=False).count() == len(flood)
    assert CaseEvent.objects.filter(kind="created").count() == 1
    now[0] += 1.0
    flood += [complain(world) for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run_once() == len(flood)  # waited the longest: every one recorded
    assert not Case.objects.filter(recorded=False).exists()
    assert CaseEvent.objects.filter(kind="created").count() == len(flood) + 1
    assert {first.pk, *(c.pk for c in flood)} == set(
        CaseEvent.objects.filter(kind="created").values_list("case_id", flat=True)
    )
    late = complain(world)
    now[0] += 1.0
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run_once() == 1  # the flood is over: the next pass records at once
    assert CaseEvent.objects.filter(case=late, kind="created").count() == 1


def test_on_sqlite_the_sweep_records_in_small_transactions(
    world, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    """On SQLite each of the sweep's transactions holds the write lock for a few cases only, with
    a pause between two, so complaints arriving meanwhile are not kept waiting; PostgreSQL's
    transactions take RECORD_BATCH. Each case is recorded once, with its receipt and webhook."""
    cases = [complain(world) for _ in range(2 * recording.SQLITE_BATCH + 3)]
    batches: list[int] = []
    pauses: list[float] = []
    record = cs._record

    def counting(rows):
        batches.append(len(rows))
        return record(rows)

    monkeypatch.setattr(cs, "_record", counting)
    monkeypatch.setattr(cs.time, "sleep", pauses.append)
    with (
        CaptureQueriesContext(connection) as queries,  # left after the callbacks ran
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert recording.RecordSweep().run_once() == len(cases)
    # the webhook endpoints are read once per transaction, not once per case
    endpoint_reads = [q for q in queries if 'FROM "webhooks_webhookendpoint"' in q["sql"]]
    assert len(endpoint_reads) == len(batches)
    if connection.vendor == "sqlite":
        size = recording.SQLITE_BATCH
        assert batches == [size, size, 3]
        assert pauses == [recording.SQLITE_PAUSE] * 2
    else:
        assert batches == [len(cases)]
        assert pauses == []
    assert not Case.objects.filter(recorded=False).exists()
    assert CaseEvent.objects.filter(kind="created").count() == len(cases)
    assert sorted(created_webhooks()) == sorted(c.tracking_code for c in cases)
    # one e-mail task per transaction carries the receipts of its cases
    batch_tasks = DBTaskResult.objects.filter(task_path__endswith="case_event_mails")
    carried = sorted(len(t.args_kwargs["args"][0]) for t in batch_tasks)
    assert carried == (sorted(batches) if connection.vendor == "sqlite" else [len(cases)])
    created = dict(CaseEvent.objects.filter(kind="created").values_list("pk", "case_id"))
    pairs = [tuple(p) for t in batch_tasks for p in t.args_kwargs["args"][0]]
    assert sorted(created[pk] for pk, kind in pairs) == sorted(c.pk for c in cases)
    assert {kind for pk, kind in pairs} == {"created"}
    assert receipt_tasks() == []
    for task in batch_tasks:  # what the task worker runs (it would close this test's connection)
        case_event_mails.call(*task.args_kwargs["args"])
    receipts = [m for m in mail.outbox if any(c.tracking_code in m.subject for c in cases)]
    assert sorted(m.to[0] for m in receipts) == [CONTACT["email"]] * len(cases)
    assert {c.tracking_code for c in cases} == {
        next(c.tracking_code for c in cases if c.tracking_code in m.subject) for m in receipts
    }
