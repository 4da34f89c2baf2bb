"""A request with an API token writes the token's ``last_used_at`` at most once a minute, so
that a read stays a read (issue 11, "Speed": on SQLite every write costs a commit and a WAL
checkpoint with fsync when the connection closes, more than a measures request itself)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prima.organizations.models import ApiToken

PATH = "/api/v1/cases/metrics?organization=alpha"


def writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]


def test_last_used_is_written_once_a_minute(world, monkeypatch):
    client = world.api("alice")
    token = ApiToken.objects.get(user=world.users["alice"])
    assert token.last_used_at is None
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    with CaptureQueriesContext(connection) as first:
        assert client.get(PATH).status_code == 200
    assert len(writes(first)) == 1
    token.refresh_from_db()
    assert token.last_used_at == start
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=59))
    with CaptureQueriesContext(connection) as again:
        assert client.get(PATH).status_code == 200
    assert writes(again) == []  # a read stays a read
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(PATH).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later
    # a time in the future (a clock set back) is written over at once
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=later + timedelta(days=1))
    assert client.get(PATH).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_revoked_token_is_refused_whenever_it_was_last_used(world):
    client = world.api("alice")
    assert client.get(PATH).status_code == 200
    ApiToken.objects.filter(user=world.users["alice"]).update(revoked=True)
    assert client.get(PATH).status_code == 401
