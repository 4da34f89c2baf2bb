"""Signed webhook deliveries (issue 11, point 7), end to end.

A test receiver on loopback (``http.server`` in a thread) answers as told: 200, 500, a redirect,
or hangs. Events are caused through the HTTP stack (the public API, the survey page, a kiosk)
or by the cases' signal; the database task worker (``db_worker --batch``, as in production)
sends them. The receiver verifies each signature with the Standard Webhooks library's own
verifier.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from prima.cases.models import Case, CaseEvent, CaseRating
from prima.cases.signals import case_changed
from prima.collection.kiosks import kiosk_pair, kiosk_register
from prima.surveys.models import Response
from prima.webhooks import addresses, sending
from prima.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, new_secret
from prima.webhooks.services import deliveries_retry_due, emit
from tests.web.personas import skm_answers

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CONTACT = {
    "name": "Rahasia Pelapor",
    "email": "pelapor.rahasia@contoh.id",
    "phone": "0812-555-0101",
}
SUGGESTION = "Saran pribadi 8k2m"


# -- the receiver --------------------------------------------------------------------------------
@dataclass
class Received:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of ``plan`` (the last one repeats): an HTTP status,
    ``"hang"`` (no answer until released), ``"trickle"`` (the status line a byte at a time) or
    ``"redirect"``."""

    url: str
    plan: list[Any] = field(default_factory=lambda: [200])
    got: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def next_answer(self) -> Any:
        return self.plan.pop(0) if len(self.plan) > 1 else self.plan[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            rec = state["r"]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            rec.got.append(Received(time.monotonic(), self.path, dict(self.headers.items()), body))
            answer = rec.next_answer()
            if answer == "hang":
                rec.release.wait(20)
                return
            if answer == "trickle":
                for byte in b"HTTP/1.1 200 OK\r\n":
                    if rec.release.wait(0.3):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                return
            if answer == "redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(int(answer))
            payload = b"x" * 100_000  # a long answer: read bounded, never in full
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    state["r"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["r"]
    state["r"].release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooks(settings):
    """Loopback receivers allowed, the database task backend, short timeouts and waits."""
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TASKS = DATABASE
    settings.PRIMA_WEBHOOKS_TIMEOUTS = (1.0, 0.5, 1.0)
    settings.PRIMA_WEBHOOKS_RETRY_DELAYS = (0.3, 0.9)
    return settings


def endpoint_for(world, url: str, *events: str, **extra: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        organization=world.alpha,
        url=url,
        event_types=list(events or ["response.created"]),
        **extra,
    )


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def work_until_settled(deadline: float = 15.0) -> None:
    """Run the worker until no delivery is pending (retries become ready as time passes)."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        run_worker()
        if not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists():
            return
        time.sleep(0.05)
    raise AssertionError("deliveries still pending")


def api_submit(world, **extra: Any):
    body = {
        "submission_id": str(uuid.uuid4()),
        "answers": skm_answers(),
        "unit": world.upt1.pk,
        **extra,
    }
    return Client().post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        json.dumps(body),
        content_type="application/json",
    )


def verify(endpoint: WebhookEndpoint, got: Received) -> Any:
    return Webhook(endpoint.secret).verify(got.body, got.headers)


# -- signed deliveries ---------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_submission_is_delivered_signed_after_the_request(world, hooks, receiver):
    endpoint = endpoint_for(world, receiver.url)
    r = api_submit(world, contact=CONTACT, consent=True, suggestion=SUGGESTION)
    assert r.status_code in (200, 201), r.content
    response = Response.objects.get(pk=r.json()["id"])
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.event_type == "response.created"
    assert delivery.message_id.startswith("msg_")
    assert receiver.got == []  # nothing is sent in the request
    assert DBTaskResult.objects.count() == 1  # queued for the worker

    run_worker()
    assert len(receiver.got) == 1
    got = receiver.got[0]
    assert got.path == "/hook"
    assert got.headers["webhook-id"] == delivery.message_id
    payload = verify(endpoint, got)  # the library's verifier accepts the signature
    assert payload["type"] == "response.created"
    assert datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
    data = payload["data"]
    assert data["id"] == response.pk
    assert data["survey"] == world.skm.code
    assert data["unit"] == world.upt1.pk
    assert data["answers"] == skm_answers()
    assert datetime.fromisoformat(data["submitted_at"]) == response.submitted_at
    body = got.body.decode()
    for secret in [*CONTACT.values(), SUGGESTION]:
        assert secret not in body
    assert "contact" not in data
    assert "suggestion" not in data

    # another secret, or a changed body, does not verify
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(got.body.replace(b'"U1":3', b'"U1":1'), got.headers)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_response_code == 200
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    # the same submission again stores nothing new and sends nothing new
    again = Client().post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        json.dumps(
            {
                "submission_id": str(response.submission_id),
                "answers": skm_answers(),
                "unit": world.upt1.pk,
            }
        ),
        content_type="application/json",
    )
    assert again.status_code == 200
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_survey_page_and_a_kiosk_send_one_event_each_imports_none(
    world, hooks, receiver, tmp_path
):
    endpoint_for(world, receiver.url)
    endpoint_for(world, receiver.url + "/cases-only", "case.created")  # not subscribed
    client = Client()
    page = client.get(f"/s/{world.skm.code}/").content.decode()
    assert 'name="submission_id"' in page
    form = {
        "submission_id": str(uuid.uuid4()),
        "unit": str(world.upt1.pk),
        **{k: str(v) for k, v in skm_answers().items()},
    }
    r = client.post(f"/s/{world.skm.code}/", form)
    assert r.status_code == 302, r.content.decode()[:500]
    assert WebhookDelivery.objects.count() == 1

    _new, code = kiosk_register(survey=world.skm, unit=world.loket1, name="Tablet")
    _device, token = kiosk_pair(pairing_code=code)
    r = Client().post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        json.dumps({"submission_id": str(uuid.uuid4()), "answers": skm_answers(U2=4)}),
        content_type="application/json",
        HTTP_X_PRIMA_DEVICE=token,
    )
    assert r.status_code in (200, 201), r.content
    assert WebhookDelivery.objects.count() == 2

    path = tmp_path / "kertas.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit_code", *skm_answers()])
        for _ in range(3):
            writer.writerow(["U1", *skm_answers().values()])
    call_command("import", "responses", str(path), survey=world.skm.code, stdout=io.StringIO())
    assert Response.objects.filter(survey=world.skm).count() == 3 + 2 + 3
    assert WebhookDelivery.objects.count() == 2  # imported rows send no event

    run_worker()
    assert [g.path for g in receiver.got] == ["/hook", "/hook"]
    channels = sorted(json.loads(g.body)["data"]["channel"] for g in receiver.got)
    assert channels == ["kiosk", "web"]


# -- failures: retried with backoff, never slowing the request -----------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_retried_with_backoff(world, hooks, receiver):
    endpoint = endpoint_for(world, receiver.url)
    receiver.plan = [500, 500, 200]
    assert api_submit(world).status_code in (200, 201)
    work_until_settled()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 3
    assert [e["code"] for e in delivery.attempt_log] == [500, 500, 200]
    assert delivery.attempt_log[0]["error"] == "HTTP 500"
    # the waits between attempts follow the schedule (0.3 s, then 0.9 s) and grow
    first, second = (b.at - a.at for a, b in zip(receiver.got, receiver.got[1:], strict=False))
    assert first >= 0.3
    assert second >= 0.9
    assert second > first
    stamps = [datetime.fromisoformat(e["at"]) for e in delivery.attempt_log]
    assert stamps[1] - stamps[0] >= timedelta(seconds=0.3)
    assert stamps[2] - stamps[1] >= timedelta(seconds=0.9)
    # every attempt carries the same message id, each signed anew
    assert {g.headers["webhook-id"] for g in receiver.got} == {delivery.message_id}
    for got in receiver.got:
        verify(endpoint, got)


@pytest.mark.django_db(transaction=True)
def test_attempts_are_bounded_then_the_delivery_fails_and_can_be_redelivered(
    world, hooks, receiver
):
    endpoint_for(world, receiver.url)
    receiver.plan = [503]
    assert api_submit(world).status_code in (200, 201)
    work_until_settled()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(hooks.PRIMA_WEBHOOKS_RETRY_DELAYS) + 1 == 3
    assert delivery.next_attempt_at is None
    assert delivery.last_response_code == 503
    assert len(receiver.got) == 3

    # redeliver from /manage/: the same message, a fresh series of attempts
    receiver.plan = [204]
    alice = Client()
    alice.force_login(world.users["alice"])
    r = alice.post(
        "/manage/webhooks/webhookdelivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    assert r.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.last_response_code == 204
    assert receiver.got[-1].headers["webhook-id"] == delivery.message_id


@pytest.mark.django_db(transaction=True)
def test_a_hanging_receiver_times_out_and_never_slows_the_request(world, hooks, receiver):
    endpoint_for(world, receiver.url)
    receiver.plan = ["hang"]
    hang = 20.0  # the receiver holds each request up to this long (released at teardown)
    started = time.monotonic()
    r = api_submit(world)
    took = time.monotonic() - started
    assert r.status_code in (200, 201)
    assert took < 2.0, f"the submission took {took:.2f} s"  # well under the hang (20 s)

    started = time.monotonic()
    run_worker()  # one attempt: cut at the read timeout (0.5 s), not after the hang
    attempt = time.monotonic() - started
    assert attempt < 3.0, f"the attempt held the worker {attempt:.2f} s"
    assert attempt < hang
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING  # to be retried
    assert delivery.attempts == 1
    assert delivery.last_response_code is None
    assert "timed out" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() - timedelta(seconds=1)
    # the retry is a task that runs later
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_trickling_receiver_is_cut_at_the_total_timeout(world, hooks, receiver):
    endpoint_for(world, receiver.url)
    receiver.plan = ["trickle"]  # a byte every 0.3 s: each read is within its timeout
    assert api_submit(world).status_code in (200, 201)
    started = time.monotonic()
    run_worker()
    attempt = time.monotonic() - started
    assert attempt < 2.5, f"the attempt held the worker {attempt:.2f} s"
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1
    assert "timed out" in delivery.last_error


@pytest.mark.django_db(transaction=True)
def test_redirects_are_not_followed(world, hooks, receiver):
    endpoint_for(world, receiver.url)
    receiver.plan = ["redirect"]
    assert api_submit(world).status_code in (200, 201)
    run_worker()
    assert [g.path for g in receiver.got] == ["/hook"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_response_code == 302
    assert "redirect" in delivery.last_error


@pytest.mark.django_db(transaction=True)
def test_with_the_immediate_backend_the_sweep_sends(world, hooks, receiver):
    """PRIMA_TASKS=immediate would run a task inside the request: nothing is queued then, and
    ``prima webhooks retry`` sends the due deliveries."""
    hooks.TASKS = IMMEDIATE
    endpoint = endpoint_for(world, receiver.url)
    receiver.plan = ["hang"]
    started = time.monotonic()
    assert api_submit(world).status_code in (200, 201)
    assert time.monotonic() - started < 2.0
    assert receiver.got == []
    receiver.plan = [200]
    out = io.StringIO()
    call_command("webhooks", "retry", stdout=out)
    assert "1 delivered" in out.getvalue() or "1 terkirim" in out.getvalue(), out.getvalue()
    verify(endpoint, receiver.got[0])
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


# -- after commit only ---------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_events_are_queued_after_commit_and_dropped_with_a_rollback(world, hooks, receiver):
    endpoint_for(world, receiver.url, "response.created", "case.created")
    tasks = DBTaskResult.objects.count()
    with transaction.atomic():
        emit(world.alpha, "case.created", {"id": 1})
        assert WebhookDelivery.objects.count() == 1
        assert DBTaskResult.objects.count() == tasks  # not before the commit
    assert DBTaskResult.objects.count() == tasks + 1

    class Boom(Exception):
        pass

    def rolled_back() -> None:
        with transaction.atomic():
            emit(world.alpha, "case.created", {"id": 2})
            raise Boom

    with pytest.raises(Boom):
        rolled_back()
    assert WebhookDelivery.objects.count() == 1
    assert DBTaskResult.objects.count() == tasks + 1
    # another organization's endpoints and inactive ones get nothing
    emit(world.beta, "case.created", {"id": 3})
    WebhookEndpoint.objects.update(active=False)
    emit(world.alpha, "case.created", {"id": 4})
    assert WebhookDelivery.objects.count() == 1
    with pytest.raises(ValueError, match="unknown webhook event"):
        emit(world.alpha, "case.deleted", {})


# -- the cases' events ---------------------------------------------------------------------------
def _case(world, **extra: Any) -> Case:
    now = timezone.now()
    return Case.objects.create(
        organization=world.alpha,
        tracking_code="K7MX-Q4PA-9R",
        unit=world.upt1,
        text="Teks pengaduan rahasia 3j9d",
        contact_name=CONTACT["name"],
        contact_email=CONTACT["email"],
        contact_phone=CONTACT["phone"],
        consent=True,
        received_at=now,
        first_response_due=date(2026, 7, 3),
        resolution_due=date(2026, 7, 10),
        **extra,
    )


def _event(case: Case, kind: str, **extra: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, at=timezone.now(), kind=kind, **extra)


def test_case_events_carry_no_identity_nor_notes(world, hooks, django_capture_on_commit_callbacks):
    endpoint_for(
        world, "http://127.0.0.1:9/none", "case.created", "case.status_changed", "case.rated"
    )
    case = _case(world)
    note = "Catatan internal rahasia 5h1q"
    with django_capture_on_commit_callbacks(execute=True):
        case_changed.send(sender=Case, case=case, event=_event(case, "created"), kind="created")
        case.status = "diverifikasi"
        case.save()
        event = _event(
            case, "status", status_from="baru", status_to="diverifikasi", note=note, public=True
        )
        case_changed.send(sender=Case, case=case, event=event, kind="status_changed")
        case_changed.send(
            sender=Case, case=case, event=_event(case, "note", note=note), kind="noted"
        )
        case.status = "selesai"
        case.save()
        CaseRating.objects.create(case=case, score=4, comment="Komentar pelapor 2v7c")
        case = Case.objects.get(pk=case.pk)
        case_changed.send(sender=Case, case=case, event=_event(case, "rated"), kind="rated")
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event_type for d in deliveries] == [
        "case.created",
        "case.status_changed",
        "case.rated",
    ]
    created, changed, rated = (d.payload["data"] for d in deliveries)
    assert created["tracking_code"] == "K7MX-Q4PA-9R"
    assert created["status"] == "baru"
    assert created["unit"] == {"id": world.upt1.pk, "name": world.upt1.name}
    assert created["tier"] == "biasa"
    assert created["first_response_due"] == "2026-07-03"
    assert created["resolution_due"] == "2026-07-10"
    assert created["rating"] is None
    assert changed["status"] == "diverifikasi"
    assert changed["previous_status"] == "baru"
    assert changed["reopened"] is False
    assert rated["rating"]["score"] == 4
    text = json.dumps([d.payload for d in deliveries], ensure_ascii=False)
    for secret in [*CONTACT.values(), note, "Teks pengaduan rahasia", "Komentar pelapor"]:
        assert secret not in text


@pytest.mark.django_db(transaction=True)
def test_the_cases_services_send_their_events_signed(world, hooks, receiver):
    """Through prima.cases.services: received, verified, in progress, resolved, rated; an
    internal note sends nothing. No payload holds the complainant or the texts."""
    from prima.cases import services as cases

    endpoint = endpoint_for(
        world, receiver.url, "case.created", "case.status_changed", "case.rated"
    )
    endpoint_for(world, receiver.url + "/responses", "response.created")  # not subscribed
    text = "Antrean pengaduan rahasia 6p1z"
    case, created = cases.case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text=text,
        channel="web",
        contact=CONTACT,
        consent=True,
        submission_id=uuid.uuid4(),
    )
    assert created
    note = "Catatan internal rahasia 0x4e"
    for status in ("diverifikasi", "diproses", "selesai"):
        case = cases.case_transition(case, status=status, note="Sedang kami tangani")
    cases.case_note(case, note=note, user=world.users["alice"])
    cases.case_rate(case, score=5, comment="Komentar pelapor 7u3t")
    assert receiver.got == []
    run_worker()
    assert all(g.path == "/hook" for g in receiver.got)
    payloads = [verify(endpoint, g) for g in receiver.got]
    events = sorted((p["type"], p["data"]["status"]) for p in payloads)
    assert events == [
        ("case.created", "baru"),
        ("case.rated", "selesai"),
        ("case.status_changed", "diproses"),
        ("case.status_changed", "diverifikasi"),
        ("case.status_changed", "selesai"),
    ]
    rated = next(p["data"] for p in payloads if p["type"] == "case.rated")
    assert rated["tracking_code"] == case.tracking_code
    assert rated["rating"]["score"] == 5
    assert rated["resolution_due"] == case.resolution_due.isoformat()
    bodies = b" ".join(g.body for g in receiver.got).decode()
    for secret in [*CONTACT.values(), text, note, "Komentar pelapor", "Sedang kami tangani"]:
        assert secret not in bodies
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 5


# -- addresses (SSRF) ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/x",  # not HTTPS
        "ftp://hooks.example.org/x",
        "https://user:pw@hooks.example.org/x",  # credentials in the address
        "https://10.1.2.3/x",
        "https://192.168.0.10/x",
        "https://172.16.5.5/x",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://100.64.0.1/x",
        "https://[fd00::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://0.0.0.0/x",
        "https://127.0.0.1/x",  # loopback: only when allowed
        "https://localhost/x",
        "https://api.localhost/x",
        "http://127.0.0.1:8000/x",
    ],
)
def test_private_and_plain_http_addresses_are_refused(settings, url):
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        addresses.validate_endpoint_url(url)


def test_public_https_and_allowed_loopback_pass(settings):
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = False
    addresses.validate_endpoint_url("https://hooks.example.org/prima?x=1")
    addresses.validate_endpoint_url("https://8.8.8.8:8443/x")
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = True
    addresses.validate_endpoint_url("http://127.0.0.1:8000/x")
    addresses.validate_endpoint_url("http://localhost/x")
    with pytest.raises(ValidationError):
        addresses.validate_endpoint_url("http://10.0.0.1/x")  # private stays refused


def test_the_address_is_checked_again_at_send_time(settings):
    """A name that resolves to loopback is refused when sending, before any connection."""
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(addresses.AddressRefused):
        addresses.resolve("localhost", 443)
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = True
    assert all(ip in ("127.0.0.1", "::1") for _f, ip in addresses.resolve("localhost", 443))


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_saved_when_loopback_was_allowed_is_refused_later(world, hooks, receiver):
    endpoint_for(world, receiver.url)
    assert api_submit(world).status_code in (200, 201)
    hooks.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = False
    run_worker()
    assert receiver.got == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error.startswith("refused")


def test_signed_headers_follow_the_specification():
    """By hand: v1 = base64(HMAC-SHA256(secret bytes, "<id>.<unix seconds>.<body>")). The
    library's ``sign`` reads a datetime's wall clock as UTC, so an instant in WIB must be turned
    into UTC first (1 July 2026 03:00 WIB is 30 June 20:00 UTC, 1782849600)."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    message, body = "msg_p5jXN8AQM9LWM0D4loKWxJek", '{"a":1}'
    when = datetime(2026, 7, 1, 3, 0, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
    headers = sending.signed_headers(secret, message, body, when)
    assert headers["webhook-id"] == message
    assert headers["webhook-timestamp"] == "1782849600"
    assert datetime(2026, 6, 30, 20, tzinfo=UTC).timestamp() == 1782849600
    key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    mac = hmac.new(key, f"{message}.1782849600.{body}".encode(), hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(mac).decode()
    assert headers["webhook-signature"] == Webhook(secret).sign(message, when.astimezone(UTC), body)
    assert headers["content-type"] == "application/json"
    assert new_secret().startswith("whsec_")
    assert len(Webhook(new_secret())._whsecret) == 32
    assert new_secret() != new_secret()


# -- /manage/ ------------------------------------------------------------------------------------
def _admin(world, name: str = "alice") -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once_asked(world, settings):
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = False
    alice = _admin(world)
    form = {
        "organization": world.alpha.pk,
        "url": "http://hooks.example.org/prima",
        "description": "Sistem pengaduan <b>pusat</b>",
        "event_types": ["case.created", "case.rated"],
        "active": "on",
    }
    r = alice.post("/manage/webhooks/webhookendpoint/add/", form)
    assert r.status_code == 200  # the form again, the error at the address
    assert "url" in r.context["adminform"].form.errors
    for bad in ("https://10.0.0.8/x", "https://169.254.169.254/"):
        r = alice.post("/manage/webhooks/webhookendpoint/add/", {**form, "url": bad})
        assert "url" in r.context["adminform"].form.errors
    r = alice.post("/manage/webhooks/webhookendpoint/add/", {**form, "event_types": []})
    assert "event_types" in r.context["adminform"].form.errors
    r = alice.post(
        "/manage/webhooks/webhookendpoint/add/",
        {**form, "description": "a\x01b", "url": "https://hooks.example.org/p"},
    )
    assert "description" in r.context["adminform"].form.errors
    assert WebhookEndpoint.objects.count() == 0

    r = alice.post(
        "/manage/webhooks/webhookendpoint/add/", {**form, "url": "https://hooks.example.org/p"}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["case.created", "case.rated"]
    assert endpoint.secret.startswith("whsec_")
    secret_page = f"/manage/webhooks/webhookendpoint/{endpoint.pk}/secret/"
    assert r.status_code == 302
    assert r["Location"] == secret_page
    page = alice.get(secret_page)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert endpoint.secret in html
    assert "webhook-signature" in html
    # nowhere else: not in the list, not on the endpoint's page (a link to the secret there)
    listing = alice.get("/manage/webhooks/webhookendpoint/").content.decode()
    assert endpoint.secret not in listing
    assert "&lt;b&gt;pusat&lt;/b&gt;" in listing  # what an admin typed is escaped
    change = alice.get(f"/manage/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in change
    assert secret_page in change

    # a new secret on request
    old = endpoint.secret
    r = alice.post(
        "/manage/webhooks/webhookendpoint/",
        {"action": "generate_new_secret", "_selected_action": [endpoint.pk]},
    )
    assert r.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old


def test_send_test_event_queues_a_delivery(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE
    endpoint = endpoint_for(world, "https://hooks.example.org/p", "case.created")
    alice = _admin(world)
    with django_capture_on_commit_callbacks(execute=True):
        r = alice.post(
            "/manage/webhooks/webhookendpoint/",
            {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        )
    assert r.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "webhook.test"
    assert delivery.endpoint == endpoint
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_task").count() == 1
    log = alice.get("/manage/webhooks/webhookdelivery/").content.decode()
    assert (
        delivery.message_id
        in alice.get(f"/manage/webhooks/webhookdelivery/{delivery.pk}/change/").content.decode()
    )
    assert "Test event" in log or "Peristiwa uji" in log


def test_another_organization_sees_and_changes_nothing(world, settings):
    endpoint = endpoint_for(world, "https://alpha-hooks.example.org/rahasia-4t8n", "case.created")
    delivery = WebhookDelivery.objects.create(
        organization=world.alpha,
        endpoint=endpoint,
        event_type="case.created",
        message_id="msg_alpha0000000000000000000",
        payload={"type": "case.created", "data": {"id": 1}},
        status=DeliveryStatus.FAILED,
    )
    charlie = _admin(world, "charlie")
    listing = charlie.get("/manage/webhooks/webhookendpoint/")
    assert listing.status_code == 200
    assert "alpha-hooks" not in listing.content.decode()
    assert (
        delivery.message_id not in charlie.get("/manage/webhooks/webhookdelivery/").content.decode()
    )
    for url in (
        f"/manage/webhooks/webhookendpoint/{endpoint.pk}/change/",
        f"/manage/webhooks/webhookdelivery/{delivery.pk}/change/",
    ):
        r = charlie.get(url)
        assert r.status_code == 302, url
        assert r["Location"] == "/manage/", url  # "does not exist"
    r = charlie.get(f"/manage/webhooks/webhookendpoint/{endpoint.pk}/secret/")
    assert r.status_code == 404
    assert endpoint.secret not in r.content.decode()
    charlie.post(
        "/manage/webhooks/webhookendpoint/",
        {"action": "generate_new_secret", "_selected_action": [endpoint.pk]},
    )
    charlie.post(
        "/manage/webhooks/webhookdelivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    charlie.post(
        f"/manage/webhooks/webhookendpoint/{endpoint.pk}/change/",
        {
            "organization": world.alpha.pk,
            "url": "https://evil.example.org/",
            "event_types": ["case.created"],
        },
    )
    old_secret = endpoint.secret
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.secret == old_secret
    assert endpoint.url == "https://alpha-hooks.example.org/rahasia-4t8n"
    assert delivery.status == DeliveryStatus.FAILED
    # charlie cannot make an endpoint for Dinas Alpha either
    r = charlie.post(
        "/manage/webhooks/webhookendpoint/add/",
        {
            "organization": world.alpha.pk,
            "url": "https://evil.example.org/",
            "event_types": ["case.created"],
        },
    )
    assert WebhookEndpoint.objects.count() == 1
    # viewers and managers have no /manage/
    for name in ("victor", "bob"):
        r = _admin(world, name).get(f"/manage/webhooks/webhookendpoint/{endpoint.pk}/secret/")
        assert r.status_code == 302
        assert r["Location"].startswith("/manage/login/")


def test_the_sweep_claims_a_delivery_once(world, settings):
    """A delivery claimed by one worker is skipped by the sweep until its lease runs out."""
    settings.PRIMA_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.TASKS = DATABASE
    endpoint = endpoint_for(world, "http://127.0.0.1:9/none")
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        organization=world.alpha,
        endpoint=endpoint,
        event_type="response.created",
        message_id="msg_claimed",
        payload={},
        next_attempt_at=now + timedelta(seconds=90),  # claimed by a running attempt
    )
    assert deliveries_retry_due(now=now)["skipped"] == 0
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 0
    counts = deliveries_retry_due(now=now + timedelta(minutes=3))  # the worker died
    assert counts["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("cannot connect")
