"""Abuse controls and ingestion you can trust (issue 4, items 3 and 4), through the HTTP stack.

Each control is switched on here explicitly (tests/conftest.py turns the minimum time and the
rate limits off for every other test): the honeypot, the minimum time to complete, the rate
limits per IP and per link, the minimum interval of a kiosk device and single-use tokens.
Suspect responses are kept, flagged with the reason, left out of every index (and of
``prima analyze`` on the export) until an admin includes them in ``/manage/``.

When the database is unavailable the request is answered 503 with ``Retry-After`` and nothing
is stored; a response is acknowledged only after its transaction committed.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.db.models.signals import post_save
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.utils import timezone

from prima.abuse.controls import STAMP_SALT, Signals, form_stamp
from prima.abuse.models import ResponseToken
from prima.abuse.services import tokens_create
from prima.cli.main import main
from prima.collection.kiosks import kiosk_pair, kiosk_register
from prima.insights.results import survey_results
from prima.surveys import services as srv
from prima.surveys.choices import Channel, ResponseFlag
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.models import CODE_ALPHABET, Response, Survey
from prima.transfers.export import export_to_path
from tests.web.personas import World, skm_answers

PRIMA = Path(sys.executable).with_name("prima")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# -- helpers -----------------------------------------------------------------------------------
def api_url(survey: Survey) -> str:
    return f"/api/v1/public/surveys/{survey.code}/responses"


def api_post(survey: Survey, body: dict[str, Any], *, ip: str = "127.0.0.1", **headers: Any):
    return Client().post(
        api_url(survey),
        json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=ip,
        **headers,
    )


def body(world: World, **changes: Any) -> dict[str, Any]:
    out = {"submission_id": str(uuid.uuid4()), "answers": skm_answers(), "unit": world.upt1.pk}
    out.update(changes)
    return out


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden field {name!r} on the page"
    return match[1]


def open_form(survey: Survey, query: str = "", *, ip: str = "127.0.0.1") -> tuple[Client, dict]:
    """Load the public page as a respondent would; the form's hidden fields."""
    client = Client(REMOTE_ADDR=ip)
    r = client.get(f"/s/{survey.code}/{query}")
    assert r.status_code == 200, r.status_code
    html = r.content.decode()
    fields = {"submission_id": hidden(html, "submission_id"), "shown": hidden(html, "shown")}
    for name in ("c", "t"):
        if f'name="{name}"' in html:
            fields[name] = hidden(html, name)
    return client, fields


def form_data(world: World, fields: dict[str, str], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {**fields, **{k: str(v) for k, v in skm_answers().items()}}
    data["unit"] = str(world.upt1.pk)
    data.update(changes)
    return data


def post_form(client: Client, survey: Survey, data: dict[str, Any], query: str = ""):
    return client.post(f"/s/{survey.code}/{query}", data)


def latest(survey: Survey) -> Response:
    return Response.objects.filter(survey=survey).latest("pk")


def old_stamp(submission_id: str, seconds: float) -> str:
    """A genuine stamp of a page shown ``seconds`` ago (instead of waiting in the test)."""
    return form_stamp(submission_id, now=time.time() - seconds)


def counted(survey: Survey) -> int:
    return survey_results(survey)["responses"]


# -- honeypot ----------------------------------------------------------------------------------
def test_honeypot_is_flagged_kept_and_left_out_of_results_and_analyze(world, tmp_path, capsys):
    before = survey_results(world.skm)
    client, fields = open_form(world.skm)
    bot = {f"U{i}": "1" for i in range(1, 10)}  # answers that would move the index a lot
    r = post_form(client, world.skm, form_data(world, fields, website="http://spam.example", **bot))
    assert r.status_code == 302  # the bot is thanked like anyone and learns nothing
    row = latest(world.skm)
    assert str(row.submission_id) == fields["submission_id"]
    assert row.flag == ResponseFlag.HONEYPOT
    assert "hidden field" in row.flag_detail
    assert row.flag_included is False

    # the results leave it out
    after = survey_results(world.skm)
    assert after["responses"] == before["responses"] == 3
    assert after["ikm"] == before["ikm"]

    # the export carries it with the flag column
    path = tmp_path / "skm.csv"
    assert export_to_path(world.skm, path) == 4
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    flagged = [r for r in rows if r["flag"]]
    assert [(r["id"], r["flag"]) for r in flagged] == [(str(row.pk), "honeypot")]
    assert "hidden field" in flagged[0]["flag_detail"]

    # prima analyze on the export: the numbers of the results, the flagged row counted only
    # with --include-flagged
    capsys.readouterr()
    assert main(["analyze", "ikm", str(path), "--json"]) == 0
    analyzed = json.loads(capsys.readouterr().out)
    notes = analyzed.pop("notes", [])
    assert any("1 rows flagged" in n for n in notes), notes
    expected = {k: v for k, v in after["ikm"].items() if k != "notes"}
    assert {k: v for k, v in analyzed.items() if k != "notes"} == expected
    assert analyzed["n"] == 3
    assert main(["analyze", "ikm", str(path), "--json", "--include-flagged"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert everything["n"] == 4
    srv.response_include_flagged(responses=Response.objects.filter(pk=row.pk), include=True)
    reviewed = survey_results(world.skm)
    assert reviewed["responses"] == 4
    assert everything["ikm"] == reviewed["ikm"]["ikm"]


def test_honeypot_through_the_api_is_not_a_field(world):
    """The API has no honeypot (apps are no HTML form): an unknown field is simply ignored."""
    r = api_post(world.skm, body(world, website="http://spam.example"))
    assert r.status_code == 201
    assert Response.objects.get(pk=r.json()["id"]).flag == ""


# -- minimum time to complete ------------------------------------------------------------------
def test_web_form_completed_too_fast_is_flagged(world, settings):
    settings.PRIMA_MIN_SECONDS = 5
    client, fields = open_form(world.skm)
    r = post_form(client, world.skm, form_data(world, fields))  # at once, like a bot
    assert r.status_code == 302
    row = latest(world.skm)
    assert row.flag == ResponseFlag.TOO_FAST
    assert re.search(r"completed in \d+ ms", row.flag_detail)
    assert row.duration_ms is not None
    assert row.duration_ms < 5000
    assert counted(world.skm) == 3


def test_web_form_completed_in_time_is_clean(world, settings):
    settings.PRIMA_MIN_SECONDS = 5
    client, fields = open_form(world.skm)
    fields["shown"] = old_stamp(fields["submission_id"], 40)
    r = post_form(client, world.skm, form_data(world, fields))
    assert r.status_code == 302
    row = latest(world.skm)
    assert row.flag == ""
    assert 39_000 <= row.duration_ms <= 45_000
    assert counted(world.skm) == 4


@pytest.mark.parametrize("case", ["forged", "missing", "garbage", "replayed"])
def test_a_forged_stamp_is_not_trusted(world, settings, case):
    """A stamp the server did not sign for this form proves nothing: the response is flagged,
    not taken as completed slowly."""
    settings.PRIMA_MIN_SECONDS = 5
    client, fields = open_form(world.skm)
    sid = fields["submission_id"]
    if case == "forged":  # shown an hour ago, signed with another key
        fields["shown"] = signing.dumps(
            [time.time() - 3600, sid], key="not-the-secret-key", salt=STAMP_SALT
        )
    elif case == "missing":
        del fields["shown"]
    elif case == "garbage":
        fields["shown"] = "1700000000"
    else:  # a genuine old stamp of another form, used again for a new submission
        fields["shown"] = old_stamp(str(uuid.uuid4()), 3600)
    r = post_form(client, world.skm, form_data(world, fields))
    assert r.status_code == 302
    row = latest(world.skm)
    assert str(row.submission_id) == sid
    assert row.flag == ResponseFlag.TOO_FAST
    assert "stamp" in row.flag_detail
    assert row.duration_ms is None


def test_without_minimum_time_a_missing_stamp_is_not_suspect(world, settings):
    settings.PRIMA_MIN_SECONDS = 0
    client, fields = open_form(world.skm)
    del fields["shown"]
    assert post_form(client, world.skm, form_data(world, fields)).status_code == 302
    assert latest(world.skm).flag == ""


def test_api_elapsed_ms_below_the_minimum_is_flagged(world, settings):
    settings.PRIMA_MIN_SECONDS = 5
    fast = api_post(world.skm, body(world, elapsed_ms=1200))
    slow = api_post(world.skm, body(world, elapsed_ms=9000))
    unknown = api_post(world.skm, body(world))  # an app that does not measure: not suspect
    assert (fast.status_code, slow.status_code, unknown.status_code) == (201, 201, 201)
    rows = {
        k: Response.objects.get(pk=r.json()["id"])
        for k, r in (("fast", fast), ("slow", slow), ("unknown", unknown))
    }
    assert rows["fast"].flag == ResponseFlag.TOO_FAST
    assert rows["fast"].flag_detail == "too_fast: completed in 1200 ms"
    assert rows["fast"].duration_ms == 1200
    assert rows["slow"].flag == ""
    assert rows["slow"].duration_ms == 9000
    assert rows["unknown"].flag == ""
    assert counted(world.skm) == 5
    negative = api_post(world.skm, body(world, elapsed_ms=-1))
    assert negative.status_code == 422
    assert "elapsed_ms" in negative.json()["errors"]


# -- rate limit per IP -------------------------------------------------------------------------
def test_rate_limit_per_ip(world, settings):
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_IP = 3
    flags = [
        Response.objects.get(
            pk=api_post(world.skm, body(world), ip="203.0.113.7").json()["id"]
        ).flag
        for _ in range(4)
    ]
    assert flags == ["", "", "", ResponseFlag.RATE_IP]
    row = latest(world.skm)
    assert row.flag_detail == "rate_ip: 4 submissions this hour from one IP"
    # the web form counts against the same address
    client, fields = open_form(world.skm, ip="203.0.113.7")
    assert post_form(client, world.skm, form_data(world, fields)).status_code == 302
    assert latest(world.skm).flag == ResponseFlag.RATE_IP
    # another address is not affected
    other = api_post(world.skm, body(world), ip="198.51.100.9")
    assert Response.objects.get(pk=other.json()["id"]).flag == ""
    # a retry of an acknowledged submission is not another submission
    first = Response.objects.filter(survey=world.skm, flag="").order_by("pk").last()
    again = api_post(
        world.skm, body(world, submission_id=str(first.submission_id)), ip="198.51.100.9"
    )
    assert again.status_code == 200


def test_rate_limits_off_flag_nothing(world, settings):
    settings.PRIMA_RATE_LIMITS = False
    settings.PRIMA_RATE_LIMIT_IP = 1
    settings.PRIMA_RATE_LIMIT_LINK = 1
    settings.PRIMA_RATE_LIMIT_PAGE = 1
    link = context_sign(LinkContext(world.skm.code, unit=world.upt1.pk))
    for _ in range(4):
        r = api_post(world.skm, body(world, context=link), ip="203.0.113.7")
        assert Response.objects.get(pk=r.json()["id"]).flag == ""
    for _ in range(3):
        assert Client(REMOTE_ADDR="203.0.113.7").get(f"/s/{world.skm.code}/").status_code == 200


def test_rate_limits_off_from_the_environment():
    """``PRIMA_RATE_LIMITS=off`` in the environment (load tests, trusted networks)."""
    code = "from django.conf import settings; print(settings.PRIMA_RATE_LIMITS)"
    for value, expected in (("off", "False"), ("OFF", "False"), ("0", "False"), ("on", "True")):
        env = {
            **os.environ,
            "PRIMA_RATE_LIMITS": value,
            "DJANGO_SETTINGS_MODULE": "prima.config.settings",
        }
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert out.stdout.strip() == expected, value


def test_page_views_over_the_limit_answer_429(world, settings):
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_PAGE = 5
    page = f"/s/{world.skm.code}/"
    crawler = Client(REMOTE_ADDR="203.0.113.50")
    statuses = [crawler.get(page).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    r = crawler.get(page)
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="203.0.113.51").get(page).status_code == 200
    settings.PRIMA_RATE_LIMITS = False
    assert crawler.get(page).status_code == 200


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(world, settings):
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_IP = 1
    # no trusted proxy: a client cannot dodge the limit by inventing X-Forwarded-For
    a = api_post(world.skm, body(world), ip="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1")
    b = api_post(world.skm, body(world), ip="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert [Response.objects.get(pk=r.json()["id"]).flag for r in (a, b)] == ["", "rate_ip"]
    # behind one trusted proxy: the address the proxy saw is the client's
    settings.PRIMA_TRUSTED_PROXY_HOPS = 1
    c = api_post(
        world.skm, body(world), ip="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20"
    )
    d = api_post(world.skm, body(world), ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert [Response.objects.get(pk=r.json()["id"]).flag for r in (c, d)] == ["", ""]


# -- rate limit per link -----------------------------------------------------------------------
def test_rate_limit_per_signed_link(world, settings):
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_LINK = 2
    settings.PRIMA_RATE_LIMIT_IP = 1000
    poster = context_sign(LinkContext(world.skm.code, unit=world.upt1.pk, channel=Channel.QR))
    other = context_sign(LinkContext(world.skm.code, unit=world.upt2.pk, channel=Channel.QR))
    flags = []
    for i in range(3):  # three people (three addresses) through one poster's link
        r = api_post(world.skm, body(world, context=poster), ip=f"198.51.100.{i + 1}")
        flags.append(Response.objects.get(pk=r.json()["id"]).flag)
    assert flags == ["", "", ResponseFlag.RATE_LINK]
    assert "from one link" in latest(world.skm).flag_detail
    # the web form through the same link counts against it too
    client, fields = open_form(world.skm, f"?c={poster}", ip="198.51.100.9")
    assert fields["c"] == poster
    assert post_form(client, world.skm, form_data(world, fields)).status_code == 302
    assert latest(world.skm).flag == ResponseFlag.RATE_LINK
    # another poster's link is not affected
    r = api_post(world.skm, body(world, context=other), ip="198.51.100.20")
    assert Response.objects.get(pk=r.json()["id"]).flag == ""


def test_the_plain_survey_link_is_not_one_rate_limited_link(world, settings):
    """Everyone shares the plain URL ``/s/<code>/``: it is limited per IP, not as one link
    (that would flag a whole popular survey after a few hundred answers an hour)."""
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_LINK = 1
    settings.PRIMA_RATE_LIMIT_IP = 1000
    for i in range(3):
        client, fields = open_form(world.skm, ip=f"198.51.100.{i + 1}")
        assert post_form(client, world.skm, form_data(world, fields)).status_code == 302
        assert latest(world.skm).flag == ""


# -- kiosk device minimum interval -------------------------------------------------------------
def kiosk(world: World, survey: Survey | None = None, *, interval: int = 15) -> str:
    survey = survey or world.skm
    _device, pairing = kiosk_register(
        survey=survey, unit=world.upt1, name="Tablet pintu", min_interval_seconds=interval
    )
    paired = kiosk_pair(pairing_code=pairing)
    assert paired is not None
    return paired[1]


def kiosk_post(world: World, token: str, answered_at: datetime | str, **changes: Any):
    when = answered_at if isinstance(answered_at, str) else answered_at.isoformat()
    return api_post(
        world.skm,
        body(world, answered_at=when, **changes),
        ip="203.0.113.80",
        HTTP_X_PRIMA_DEVICE=token,
    )


def test_kiosk_answers_close_together_are_flagged(world):
    token = kiosk(world, interval=15)
    t0 = timezone.now() - timedelta(hours=1)
    first = kiosk_post(world, token, t0)
    second = kiosk_post(world, token, t0 + timedelta(seconds=3))  # a child pressing again
    third = kiosk_post(world, token, t0 + timedelta(seconds=60))
    assert [r.status_code for r in (first, second, third)] == [201, 201, 201]
    rows = [Response.objects.get(pk=r.json()["id"]) for r in (first, second, third)]
    assert [r.flag for r in rows] == ["", ResponseFlag.DEVICE_INTERVAL, ""]
    assert rows[1].flag_detail == "device_interval: 3.0 s after the previous answer"
    assert all(r.channel == Channel.KIOSK for r in rows)
    assert counted(world.skm) == 5


def test_kiosk_answers_queued_offline_and_sent_together_are_clean(world, settings):
    """Answers given far apart but sent at once when the network returns: the device's own
    clock decides, also when they arrive out of order; the IP limit does not count them."""
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_IP = 2
    token = kiosk(world, interval=15)
    t0 = timezone.now() - timedelta(hours=3)
    offsets = [0, 120, 60, 600, 300, 900]  # minutes apart... in seconds, sent out of order
    rows = []
    for s in offsets:
        r = kiosk_post(world, token, t0 + timedelta(seconds=s))
        assert r.status_code == 201, r.content
        rows.append(Response.objects.get(pk=r.json()["id"]))
    assert [r.flag for r in rows] == [""] * len(offsets)
    assert counted(world.skm) == 3 + len(offsets)


def test_kiosk_answered_at_without_an_offset_is_the_sites_time(world):
    token = kiosk(world, interval=15)
    local = timezone.localtime(timezone.now() - timedelta(hours=2)).replace(tzinfo=None)
    a = kiosk_post(world, token, local.isoformat(timespec="seconds"))
    b = kiosk_post(world, token, (local + timedelta(seconds=5)).isoformat(timespec="seconds"))
    c = kiosk_post(world, token, (timezone.now() - timedelta(hours=1)).isoformat())
    assert [r.status_code for r in (a, b, c)] == [201, 201, 201]
    flags = [Response.objects.get(pk=r.json()["id"]).flag for r in (a, b, c)]
    assert flags == ["", ResponseFlag.DEVICE_INTERVAL, ""]


def test_kiosk_interval_is_per_device(world):
    one, two = kiosk(world), kiosk(world)
    t0 = timezone.now() - timedelta(minutes=30)
    a = kiosk_post(world, one, t0)
    b = kiosk_post(world, two, t0 + timedelta(seconds=2))
    assert [Response.objects.get(pk=r.json()["id"]).flag for r in (a, b)] == ["", ""]


# -- single-use tokens -------------------------------------------------------------------------
def test_tokens_are_short_unambiguous_and_unique(world):
    tokens = tokens_create(survey=world.skm, count=250)
    codes = [t.code for t in tokens]
    assert len(codes) == len(set(codes)) == 250
    assert all(len(c) == 10 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("".join(codes)) & set("0o1li")
    assert ResponseToken.objects.filter(survey=world.skm).count() == 250
    with pytest.raises(ValueError, match="count"):
        tokens_create(survey=world.skm, count=0)
    with pytest.raises(ValueError, match="organization"):
        tokens_create(survey=world.skm, unit=world.bank_unit, count=1)


def test_single_use_token_through_the_api(world):
    code = tokens_create(survey=world.skm, count=1)[0].code
    first_body = body(world, token=code)
    first = api_post(world.skm, first_body)
    assert first.status_code == 201, first.content
    token = ResponseToken.objects.get(code=code)
    assert token.response_id == first.json()["id"]

    second = api_post(world.skm, body(world, token=code))  # another submission, same ticket
    assert second.status_code == 409
    assert set(second.json()["errors"]) == {"token"}
    assert "token" in second.json()["detail"]

    again = api_post(world.skm, first_body)  # the same submission sent again
    assert again.status_code == 200
    assert again.json() == first.json()

    unknown = api_post(world.skm, body(world, token="zzzzzzzzzz"))
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"token"}

    elsewhere = tokens_create(survey=world.a6, count=1)[0].code  # another survey's ticket
    moved = api_post(world.skm, body(world, token=elsewhere))
    assert moved.status_code == 400
    assert "token" in moved.json()["errors"]

    upper = tokens_create(survey=world.skm, count=1)[0].code
    typed = api_post(world.skm, body(world, token=f" {upper.upper()} "))  # typed from paper
    assert typed.status_code == 201
    assert Response.objects.filter(survey=world.skm).count() == 3 + 2


@pytest.mark.django_db(transaction=True)
def test_one_token_sent_at_once_by_several_clients_is_used_once(world):
    """Six different submissions race for one ticket: one is stored, the others hear 409."""
    code = tokens_create(survey=world.skm, count=1)[0].code
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            client = Client()
            payload = json.dumps(body(world, token=code))
            barrier.wait(timeout=10)
            for _ in range(200):
                r = client.post(api_url(world.skm), payload, content_type="application/json")
                if r.status_code != 503:  # SQLite's shared-cache test database: "locked"
                    break
                time.sleep(0.005)
            with lock:
                statuses.append(r.status_code)
        finally:
            connection.close()  # this thread's own connection (PostgreSQL keeps it otherwise)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [201] + [409] * 5
    token = ResponseToken.objects.get(code=code)
    assert Response.objects.filter(token=token).count() == 1
    assert Response.objects.filter(survey=world.skm).count() == 3 + 1


def test_a_survey_that_requires_tokens_refuses_submissions_without_one(world):
    world.skm.requires_token = True
    world.skm.save(update_fields=["requires_token"])
    before = Response.objects.count()
    r = api_post(world.skm, body(world))
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"token"}
    client, fields = open_form(world.skm)
    page = post_form(client, world.skm, form_data(world, fields))
    assert page.status_code == 400
    assert "token" in page.content.decode().lower()
    assert Response.objects.count() == before
    code = tokens_create(survey=world.skm, count=1)[0].code
    assert api_post(world.skm, body(world, token=code)).status_code == 201


def test_single_use_token_on_the_web_form(world):
    ticket = tokens_create(survey=world.skm, unit=world.upt2, count=1)[0]
    client, fields = open_form(world.skm, f"?t={ticket.code}")
    assert fields["t"] == ticket.code
    html = client.get(f"/s/{world.skm.code}/?t={ticket.code}").content.decode()
    assert 'name="unit"' not in html  # the ticket was printed at UPT Alpha Dua
    data = form_data(world, fields)
    del data["unit"]
    r = post_form(client, world.skm, data, f"?t={ticket.code}")
    assert r.status_code == 302, r.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.response is not None
    assert ticket.response.unit == world.upt2
    # the same ticket on a new form: refused, nothing stored
    before = Response.objects.count()
    client, fields = open_form(world.skm, f"?t={ticket.code}")
    again = post_form(client, world.skm, form_data(world, fields), f"?t={ticket.code}")
    assert again.status_code == 400
    assert "sudah digunakan" in again.content.decode()
    assert Response.objects.count() == before
    # the first form posted again (a double click): the first response, no error
    assert (
        post_form(
            Client(), world.skm, {**data, "submission_id": str(ticket.response.submission_id)}
        ).status_code
        == 302
    )
    assert Response.objects.count() == before


# -- review in /manage/ ------------------------------------------------------------------------
def flagged_response(world: World, survey: Survey | None = None, **answers: int) -> Response:
    survey = survey or world.skm
    sub = srv.Submission(
        submission_id=uuid.uuid4(),
        answers=answers or skm_answers(**{f"U{i}": 1 for i in range(1, 10)}),
        unit_id=world.upt1.pk if survey.organization_id == world.alpha.pk else None,
        signals=Signals(honeypot="http://spam.example"),
    )
    row, created = srv.response_submit(survey=survey, submission=sub)
    assert created
    assert row.flag == ResponseFlag.HONEYPOT
    return row


def csrf_client(world: World, name: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[name])
    return client


def run_action(client: Client, action: str, pks: list[int], url: str = "/manage/surveys/response/"):
    page = client.get(url)
    if "csrftoken" not in client.cookies:  # redirected away: take a valid token elsewhere
        client.get("/manage/login/")
    token = client.cookies["csrftoken"].value
    return page, client.post(
        url,
        {
            "action": action,
            "_selected_action": [str(pk) for pk in pks],
            "index": "0",
            "csrfmiddlewaretoken": token,
        },
    )


def results_count(client: Client, survey: Survey) -> int:
    r = client.get(f"/api/v1/surveys/{survey.code}/results")
    assert r.status_code == 200, r.content
    return r.json()["responses"]


def page_count(client: Client, survey: Survey) -> int:
    html = client.get(f"/app/surveys/{survey.code}/").content.decode()
    return int(re.search(r'id="response-count">(\d+)<', html)[1])


def test_an_admin_reviews_and_includes_a_flagged_response(world):
    row = flagged_response(world)
    clean = Response.objects.filter(survey=world.skm, flag="").first()
    alice = csrf_client(world, "alice")
    api = world.api("alice")
    assert results_count(api, world.skm) == page_count(alice, world.skm) == 3

    items = api.get(f"/api/v1/surveys/{world.skm.code}/responses").json()["items"]
    assert {i["id"]: (i["flag"], i["flag_included"]) for i in items}[row.pk] == ("honeypot", False)
    assert {i["flag"] for i in items if i["id"] != row.pk} == {""}

    listing = alice.get("/manage/surveys/response/?flag__exact=honeypot")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f'value="{row.pk}"' in html
    assert "hidden field" in html
    assert f'value="{clean.pk}"' not in html
    assert "Sertakan dalam indeks" in html
    assert "Keluarkan dari indeks" in html

    # without the CSRF token the action is refused
    refused = alice.post(
        "/manage/surveys/response/",
        {"action": "include_in_indices", "_selected_action": [row.pk], "index": "0"},
    )
    assert refused.status_code == 403
    row.refresh_from_db()
    assert row.flag_included is False

    _, done = run_action(alice, "include_in_indices", [row.pk, clean.pk])
    assert done.status_code == 302
    row.refresh_from_db()
    clean.refresh_from_db()
    assert (row.flag, row.flag_included) == (ResponseFlag.HONEYPOT, True)
    assert clean.flag_included is False  # unflagged responses are not touched
    assert results_count(api, world.skm) == page_count(alice, world.skm) == 4
    included = survey_results(world.skm)
    assert included["responses"] == 4

    _, done = run_action(alice, "exclude_from_indices", [row.pk])
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.flag_included is False
    assert results_count(api, world.skm) == page_count(alice, world.skm) == 3
    filtered = alice.get("/manage/surveys/response/?flag_included__exact=0&flag__exact=honeypot")
    assert f'value="{row.pk}"' in filtered.content.decode()


def test_others_cannot_review_alphas_responses(world):
    row = flagged_response(world)
    for name in ("bob", "victor", "charlie", "mallory"):
        client = csrf_client(world, name)
        page, done = run_action(client, "include_in_indices", [row.pk])
        row.refresh_from_db()
        assert row.flag_included is False, name
        if name == "charlie":  # an admin of another organization: sees none of alpha's
            assert page.status_code == 200
            assert f'value="{row.pk}"' not in page.content.decode()
        else:  # no admin of any organization: not even the management site
            for r in (page, done):
                assert r.status_code == 302, name
                assert "/manage/login/" in r["Location"], name
    assert (
        Client()
        .post(
            "/manage/surveys/response/",
            {"action": "include_in_indices", "_selected_action": [row.pk], "index": "0"},
        )
        .status_code
        == 302
    )
    row.refresh_from_db()
    assert row.flag_included is False
    # the service itself changes only what it is given
    assert srv.response_include_flagged(responses=Response.objects.none(), include=True) == 0


def test_charlie_reviews_only_his_own_organization(world):
    alpha_row = flagged_response(world)
    beta_row = flagged_response(world, world.quick, csat=1, nps=0, kembali=0)
    charlie = csrf_client(world, "charlie")
    _, done = run_action(charlie, "include_in_indices", [alpha_row.pk, beta_row.pk])
    assert done.status_code == 302
    alpha_row.refresh_from_db()
    beta_row.refresh_from_db()
    assert (alpha_row.flag_included, beta_row.flag_included) == (False, True)


def test_flagged_responses_are_left_out_of_every_index(world):
    a6_keys = [q.key for q in world.a6.instrument_version.questions]
    srv.response_submit(
        survey=world.a6,
        submission=srv.Submission(
            submission_id=uuid.uuid4(), answers=dict.fromkeys(a6_keys, 4), unit_id=world.upt1.pk
        ),
    )
    before = {s.code: survey_results(s) for s in (world.skm, world.a6, world.quick)}
    flagged_response(world)  # ikm
    flagged_response(world, world.a6, **{k: (1 if k.endswith("kinerja") else 5) for k in a6_keys})
    flagged_response(world, world.quick, csat=1, nps=0, kembali=0)  # nps
    for survey in (world.skm, world.a6, world.quick):
        after = survey_results(survey)
        assert after == before[survey.code], survey.title
    assert {"ikm"} <= set(before[world.skm.code])
    assert {"gap", "ipa", "csi"} <= set(before[world.a6.code])
    assert {"nps"} <= set(before[world.quick.code])
    # included after review, each index moves
    srv.response_include_flagged(responses=Response.objects.exclude(flag=""), include=True)
    assert survey_results(world.skm)["ikm"] != before[world.skm.code]["ikm"]
    assert survey_results(world.a6)["gap"] != before[world.a6.code]["gap"]
    assert survey_results(world.quick)["nps"] != before[world.quick.code]["nps"]


# -- tokens in /manage/ ------------------------------------------------------------------------
def test_an_admin_creates_and_prints_tokens(world):
    alice = csrf_client(world, "alice")
    _, done = run_action(alice, "create_tokens", [world.skm.pk], "/manage/surveys/survey/")
    assert done.status_code == 302
    tokens = list(ResponseToken.objects.filter(survey=world.skm))
    assert len(tokens) == 100
    assert all(len(t.code) == 10 for t in tokens)
    follow = alice.get(done["Location"]).content.decode()
    assert "100 token" in follow
    assert "/tokens/" in follow

    change = alice.get(f"/manage/surveys/survey/{world.skm.pk}/change/").content.decode()
    assert 'name="requires_token"' in change  # the admin can make tokens compulsory

    page = alice.get(f"/manage/surveys/survey/{world.skm.pk}/tokens/")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.skm.title in html
    assert html.count("<svg") == 100
    assert f"testserver/s/{world.skm.code}/?t={tokens[0].code}" in html

    r = alice.get(f"/manage/surveys/survey/{world.skm.pk}/tokens.csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(r.content.decode().splitlines()))
    assert len(rows) == 100
    assert {row["code"] for row in rows} == {t.code for t in tokens}
    assert rows[0]["url"] == f"http://testserver/s/{world.skm.code}/?t={rows[0]['code']}"
    assert {row["used"] for row in rows} == {"no"}

    # a printed ticket works once, and is then off the printable page
    used = api_post(world.skm, body(world, token=rows[0]["code"]))
    assert used.status_code == 201
    html = alice.get(f"/manage/surveys/survey/{world.skm.pk}/tokens/").content.decode()
    assert html.count("<svg") == 99
    csv_rows = list(
        csv.DictReader(
            alice.get(f"/manage/surveys/survey/{world.skm.pk}/tokens.csv")
            .content.decode()
            .splitlines()
        )
    )
    assert [r["used"] for r in csv_rows].count("yes") == 1


def test_others_cannot_create_or_print_alphas_tokens(world):
    tokens_create(survey=world.skm, count=2)
    for name in ("charlie", "bob", "mallory"):
        client = csrf_client(world, name)
        run_action(client, "create_tokens", [world.skm.pk], "/manage/surveys/survey/")
        for suffix in ("tokens/", "tokens.csv"):
            r = client.get(f"/manage/surveys/survey/{world.skm.pk}/{suffix}")
            if name == "charlie":
                assert r.status_code == 404, (name, suffix)
            else:
                assert r.status_code == 302, (name, suffix)
                assert "/manage/login/" in r["Location"], (name, suffix)
    assert Client().get(f"/manage/surveys/survey/{world.skm.pk}/tokens.csv").status_code == 302
    assert ResponseToken.objects.filter(survey=world.skm).count() == 2


# -- 503 when the database is unavailable ------------------------------------------------------
DB_ERRORS = [
    OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    OperationalError("database is locked"),
    InterfaceError("connection already closed"),
]


@pytest.mark.parametrize("error", DB_ERRORS, ids=["refused", "locked", "closed"])
def test_api_answers_503_when_the_database_is_unavailable(world, error):
    before = Response.objects.count()
    with mock.patch("prima.surveys.api.response_submit", side_effect=error):
        r = api_post(world.skm, body(world))
    assert r.status_code == 503
    assert r["Content-Type"].startswith("application/json")
    assert int(r["Retry-After"]) > 0
    assert set(r.json()) == {"detail", "errors"}
    assert r.json()["detail"]
    assert Response.objects.count() == before
    with mock.patch("prima.surveys.api.survey_get_public", side_effect=error):
        definition = Client().get(
            f"/api/v1/public/surveys/{world.skm.code}", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert definition.status_code == 503
    assert "database" in definition.json()["detail"]


def test_the_schema_declares_503_on_the_public_operations():
    paths = json.loads(Client().get("/api/openapi.json").content)["paths"]
    submit = paths["/api/v1/public/surveys/{code}/responses"]["post"]["responses"]
    assert {"200", "201", "409", "503"} <= set(submit)
    assert submit["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "503" in paths["/api/v1/public/surveys/{code}"]["get"]["responses"]


def test_pages_answer_503_when_the_database_is_unavailable(world):
    before = Response.objects.count()
    client, fields = open_form(world.skm)
    with mock.patch("prima.collection.views.response_submit", side_effect=DB_ERRORS[0]):
        r = post_form(client, world.skm, form_data(world, fields))
    assert r.status_code == 503
    assert r["Content-Type"].startswith("text/html")
    assert int(r["Retry-After"]) > 0
    html = r.content.decode()
    assert "belum tersimpan" in html
    assert "not been saved" in html
    assert Response.objects.count() == before
    with mock.patch("prima.collection.views.survey_get_public", side_effect=DB_ERRORS[1]):
        assert Client().get(f"/s/{world.skm.code}/").status_code == 503
    alice = world.client("alice")
    with mock.patch("prima.insights.rollups.totals", side_effect=DB_ERRORS[2]):
        assert alice.get(f"/app/surveys/{world.skm.code}/").status_code == 503


def test_a_failure_after_the_insert_stores_nothing_and_is_not_acknowledged(world):
    """The connection breaks after the INSERT, inside the transaction: no row, and 503."""
    before = Response.objects.count()

    def broken(sender, instance, created, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    submission = body(world)
    post_save.connect(broken, sender=Response, dispatch_uid="test-broken")
    try:
        r = api_post(world.skm, submission)
    finally:
        post_save.disconnect(dispatch_uid="test-broken", sender=Response)
    assert r.status_code == 503
    assert Response.objects.count() == before
    assert not Response.objects.filter(submission_id=submission["submission_id"]).exists()
    retry = api_post(world.skm, submission)
    assert retry.status_code == 201  # the first attempt was never stored


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_stores_nothing_and_is_not_acknowledged(world):
    """A submission with a single-use token runs in BEGIN ... COMMIT; the commit itself fails
    (real transactions): the row is rolled back, the token stays unused, the client hears
    503, not 201, and the same submission sent again is stored once."""
    before = Response.objects.count()
    token = tokens_create(survey=world.skm, count=1)[0]
    submission = body(world, token=token.code)
    real_commit = connection.commit
    calls = []

    def failing_commit():
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(connection, "commit", failing_commit):
        r = api_post(world.skm, submission)
    assert calls, "the submission never reached its commit"
    assert connection.commit == real_commit
    assert r.status_code == 503
    assert Response.objects.count() == before
    retry = api_post(world.skm, submission)
    assert retry.status_code == 201
    again = api_post(world.skm, submission)
    assert (again.status_code, again.json()) == (200, retry.json())
    assert Response.objects.filter(submission_id=submission["submission_id"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_single_insert_stores_nothing_and_is_not_acknowledged(world):
    """A plain submission is one INSERT in autocommit (its own transaction): when it fails,
    nothing is stored and the client hears 503; the same submission again is stored once."""
    before = Response.objects.count()
    submission = body(world)
    seen = []

    def failing_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "surveys_response"'):
            seen.append(connection.get_autocommit())
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing_insert):
        r = api_post(world.skm, submission)
    assert seen == [True], "the INSERT did not run on its own, in autocommit"
    assert r.status_code == 503
    assert Response.objects.count() == before
    retry = api_post(world.skm, submission)
    assert retry.status_code == 201
    again = api_post(world.skm, submission)
    assert (again.status_code, again.json()) == (200, retry.json())
    assert Response.objects.filter(submission_id=submission["submission_id"]).count() == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_prima_serve_answers_503_when_the_database_cannot_be_opened(tmp_path):
    """A real unavailable database: ``prima serve`` with SQLite in a folder that does not exist."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "PRIMA_DEMO", "PRIMA_PRODUCTION", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env["PRIMA_DATA_DIR"] = str(tmp_path / "data")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing' / 'prima.sqlite3'}"
    proc = subprocess.Popen(
        [
            str(PRIMA),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-collectstatic",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                status, headers, content = _request(f"{base}/api/v1/public/surveys/abcdefgh")
                break
            except OSError:
                assert time.monotonic() < deadline, "prima serve did not start"
                time.sleep(0.2)
        assert status == 503, content
        assert int(headers["Retry-After"]) > 0
        assert set(json.loads(content)) == {"detail", "errors"}
        payload = json.dumps(
            {"submission_id": str(uuid.uuid4()), "answers": skm_answers()}
        ).encode()
        status, headers, content = _request(
            f"{base}/api/v1/public/surveys/abcdefgh/responses", payload
        )
        assert status == 503, content
        assert int(headers["Retry-After"]) > 0
        status, headers, content = _request(f"{base}/s/abcdefgh/")
        assert status == 503
        assert headers["Content-Type"].startswith("text/html")
        assert "Layanan sedang sibuk" in content.decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
    assert not (tmp_path / "missing").exists()  # nothing was (or could be) stored
