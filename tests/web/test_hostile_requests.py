"""Every error under ``/api/`` is JSON with ``detail`` (and ``errors`` where fields are named),
through the whole HTTP stack: unknown paths and objects (404), wrong methods (405 with
``Allow``), oversized bodies (413 naming the limit), malformed bodies (400), unexpected
exceptions (500 without a traceback), and error bodies stay small whatever the request held."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from django.test import Client

from prima.surveys.models import Response
from tests.web.personas import skm_answers

SUBMIT = "/api/v1/public/surveys/{code}/responses"


def body_for(world, **changes: Any) -> dict[str, Any]:
    body = {"submission_id": str(uuid.uuid4()), "answers": skm_answers(), "unit": world.upt1.pk}
    body.update(changes)
    return body


def assert_json_error(r, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.content[:300]
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    body = json.loads(r.content)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing-here",
        "/api/v1/no/such/path",
        "/api/v2/public/surveys/x",
        "/api/v1/public/surveys/x/responses/extra",
    ],
)
def test_unknown_path_under_api_is_a_json_404(db, path):
    for method in ("get", "post", "delete"):
        assert_json_error(getattr(Client(), method)(path), 404)


def test_unknown_object_is_a_json_404(world):
    assert_json_error(Client().get("/api/v1/public/surveys/nosuchcode"), 404)
    alice = world.api("alice")
    assert_json_error(alice.get("/api/v1/surveys/nosuchcode"), 404)
    assert_json_error(alice.get("/api/v1/surveys/nosuchcode/responses"), 404)


def test_pages_outside_the_api_keep_their_html_404(db):
    r = Client().get("/no-such-page/")
    assert r.status_code == 404
    assert not r["Content-Type"].startswith("application/json")


def test_wrong_method_is_a_json_405_with_allow(world):
    r = Client().delete(SUBMIT.format(code=world.skm.code))
    body = assert_json_error(r, 405)
    assert r["Allow"] == "POST"
    assert "DELETE" in body["detail"]
    assert "POST" in body["detail"]
    r = Client().put(f"/api/v1/public/surveys/{world.skm.code}", "{}", "application/json")
    assert_json_error(r, 405)
    assert r["Allow"] == "GET"


@pytest.mark.parametrize(("lang", "limit"), [("en", "2.5 MB"), ("id", "2,5 MB")])
def test_a_body_over_the_limit_is_a_json_413_naming_it(world, lang, limit):
    before = Response.objects.count()
    big = body_for(world, suggestion="x" * (3 * 1024 * 1024))
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        json.dumps(big),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    body = assert_json_error(r, 413)
    assert limit in body["detail"], body
    assert Response.objects.count() == before


def test_the_limit_follows_the_setting(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        json.dumps(body_for(world, suggestion="x" * 1_100_000)),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert assert_json_error(r, 413)["detail"] == "request body exceeds 1 MB"


def test_a_body_over_the_limit_is_refused_when_read_too(world, monkeypatch):
    """Without the early check of Content-Length, Django's own check while the API reads the
    body answers the same JSON 413 (not Django's HTML 400 page)."""
    import prima.config.middleware as middleware

    monkeypatch.setattr(middleware, "_declared_too_large", lambda request: False)
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        json.dumps(body_for(world, suggestion="x" * (3 * 1024 * 1024))),
        content_type="application/json",
    )
    assert "2,5 MB" in assert_json_error(r, 413)["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"submission_id": "\xff\xfe", "answers": {}}',  # not UTF-8
        b'{"submission_id": "a", "answers": {"U1": 3}, "suggestion": "\xed\xb0\x80"}',  # surrogate
        b'{"submission_id": "a", "answers": {}, "suggestion": "\xc0\xaf"}',  # overlong
        b'{"answers": ',  # cut short
        "{}".encode("utf-16"),
    ],
)
def test_malformed_bodies_are_a_json_400(world, raw):
    before = Response.objects.count()
    r = Client().post(SUBMIT.format(code=world.skm.code), raw, content_type="application/json")
    assert_json_error(r, 400)
    assert Response.objects.count() == before


def test_a_body_with_a_byte_order_mark_is_read(world):
    raw = b"\xef\xbb\xbf" + json.dumps(body_for(world)).encode("utf-8")
    r = Client().post(SUBMIT.format(code=world.skm.code), raw, content_type="application/json")
    assert r.status_code == 201, r.content


def test_an_unexpected_exception_is_a_json_500_without_traceback(world, monkeypatch, caplog):
    import prima.surveys.api as survey_api

    def broken(**kwargs):
        raise RuntimeError("secret internal state 7c1e")

    monkeypatch.setattr(survey_api, "response_submit", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        r = client.post(
            SUBMIT.format(code=world.skm.code),
            json.dumps(body_for(world)),
            content_type="application/json",
        )
    body = assert_json_error(r, 500)
    assert "7c1e" not in r.content.decode()
    assert "Traceback" not in r.content.decode()
    assert body["errors"] == {}
    assert any("7c1e" in str(rec.exc_info[1]) for rec in caplog.records if rec.exc_info)


def test_an_unexpected_exception_in_a_back_office_operation_is_a_json_500(world, monkeypatch):
    import prima.surveys.api as survey_api

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(survey_api, "surveys_for_user", broken)
    token = world.token("alice")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_json_error(client.get("/api/v1/surveys"), 500)


def test_ten_thousand_unknown_answer_keys_give_a_small_error(world):
    answers = {**skm_answers(), **{f"k{i:05d}": 1 for i in range(10_000)}}
    request = json.dumps(body_for(world, answers=answers))
    before = Response.objects.count()
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        request,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = assert_json_error(r, 400)
    named = [k for k in body["errors"] if k.startswith("k")]
    assert named == [f"k{i:05d}" for i in range(20)]
    assert body["errors"]["answers"] == "10000 unknown questions; only the first 20 are named"
    assert len(r.content) < 4000 < len(request)
    assert Response.objects.count() == before


def test_a_huge_unknown_key_is_not_echoed_in_full(world):
    answers = {**skm_answers(), "k" * 100_000: 1}
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        json.dumps(body_for(world, answers=answers)),
        content_type="application/json",
    )
    assert_json_error(r, 400)
    assert len(r.content) < 2000


def test_many_invalid_fields_of_a_schema_give_a_small_error(world):
    """Ten thousand contact entries that are not text: the schema's own 422, bounded."""
    contact = {f"c{i}": i for i in range(10_000)}
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        json.dumps(body_for(world, contact=contact)),
        content_type="application/json",
    )
    body = assert_json_error(r, 422)
    assert len(body["errors"]) == 50
    assert "9950 more errors" in body["detail"]
    assert len(r.content) < 10_000


def test_many_unknown_profile_fields_give_a_small_error(world):
    profile = {f"p{i}": "x" for i in range(10_000)}
    r = Client().post(
        SUBMIT.format(code=world.skm.code),
        json.dumps(body_for(world, profile=profile)),
        content_type="application/json",
    )
    body = assert_json_error(r, 400)
    assert len(body["errors"]) == 50
    assert len(r.content) < 10_000


def test_openapi_declares_the_error_statuses(db):
    schema = Client().get("/api/openapi.json").json()
    submit = schema["paths"]["/api/v1/public/surveys/{code}/responses"]["post"]["responses"]
    assert {"400", "404", "413", "422", "500", "503"} <= set(submit)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "500" in operation["responses"], (method, path)
