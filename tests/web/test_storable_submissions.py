"""Text that cannot be stored or shown (lone surrogates, NUL, controls, non-characters) in any
field of a submission: the public API, the kiosk (the same API with its device header) and the
public HTML form answer 400 naming the field, and nothing is stored."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from prima.collection.kiosks import kiosk_pair, kiosk_register
from prima.surveys import services as srv
from prima.surveys.models import Response
from tests.web.personas import skm_answers

BAD = {
    "surrogate": "\udc00",
    "nul": "\x00",
    "control": "\x07",
    "non-character": "\ufffe",
}


def body_for(world, **changes: Any) -> dict[str, Any]:
    body = {"submission_id": str(uuid.uuid4()), "answers": skm_answers(), "unit": world.upt1.pk}
    body.update(changes)
    return body


def post_json(code: str, body: Any, **headers: str):
    # json.dumps writes a lone surrogate as the escape "\udc00", as a hostile client would
    return Client().post(
        f"/api/v1/public/surveys/{code}/responses",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


# field named in the error -> how to put the text ``s`` into a valid body
FIELDS = {
    "suggestion": lambda w, s: {"suggestion": f"antre{s}an"},
    "contact.name": lambda w, s: {"contact": {"name": f"Bu{s}di"}, "consent": True},
    "contact.email": lambda w, s: {"contact": {"email": f"b{s}@x.id"}, "consent": True},
    "contact.phone": lambda w, s: {"contact": {"phone": f"0812{s}"}, "consent": True},
    "profile.education": lambda w, s: {"profile": {"education": f"SMA{s}"}},
    "profile": lambda w, s: {"profile": {f"x{s}": "1"}},
    "U2": lambda w, s: {"answers": {**skm_answers(), "U2": f"3{s}"}},
    "answers": lambda w, s: {"answers": {**skm_answers(), f"U{s}": 3}},
    "token": lambda w, s: {"token": f"ab{s}"},
    "context": lambda w, s: {"context": f"ctx{s}"},
    "submission_id": lambda w, s: {"submission_id": f"{uuid.uuid4()}{s}"},
    "channel": lambda w, s: {"channel": f"web{s}"},
    "answered_at": lambda w, s: {"answered_at": f"2026-03-01T08:00:00{s}"},
}


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("field", list(FIELDS))
def test_api_refuses_unstorable_text_in_every_field(world, field, bad):
    before = Response.objects.count()
    r = post_json(world.skm.code, body_for(world, **FIELDS[field](world, BAD[bad])))
    assert r.status_code in (400, 422), r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert field in body["errors"], body
    assert field in body["detail"]
    assert Response.objects.count() == before


def test_the_error_names_the_character_in_both_languages(world):
    body = body_for(world, contact={"name": "Bu\udc00di"}, consent=True)
    r = post_json(world.skm.code, body, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert r.json()["errors"] == {
        "contact.name": "contains a character that cannot be stored (U+DC00)"
    }
    r = post_json(world.skm.code, body)
    assert r.json()["errors"] == {
        "contact.name": "berisi karakter yang tidak dapat disimpan (U+DC00)"
    }


def test_raw_bytes_of_a_surrogate_in_the_body_are_refused(world):
    """UTF-8 bytes of a surrogate (ED B0 80) decode to one under Python's JSON reader."""
    before = Response.objects.count()
    raw = json.dumps(body_for(world, suggestion="X")).replace('"X"', '"\\udc00"')
    raw_bytes = raw.replace("\\udc00", "\udc00").encode("utf-8", "surrogatepass")
    r = Client().post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        raw_bytes,
        content_type="application/json",
    )
    assert r.status_code == 400, r.content
    assert r.json()["detail"]
    assert Response.objects.count() == before


def test_kiosk_submission_with_unstorable_text_is_refused(world):
    token = kiosk_token(world)
    before = Response.objects.count()
    r = post_json(
        world.skm.code,
        body_for(world, suggestion="ok\udbff", answered_at="2026-03-01T08:00:00+07:00"),
        HTTP_X_PRIMA_DEVICE=token,
    )
    assert r.status_code == 400, r.content
    assert "suggestion" in r.json()["errors"]
    assert Response.objects.count() == before


@pytest.mark.parametrize("bad", list(BAD))
def test_a_device_header_with_unstorable_text_is_an_unknown_device(world, bad):
    """A device token is hashed before it is looked up: text that cannot be encoded is refused
    as an unknown device (403) instead of failing in the hash."""
    before = Response.objects.count()
    r = post_json(world.skm.code, body_for(world), HTTP_X_PRIMA_DEVICE=f"kiosk_{BAD[bad]}")
    assert r.status_code == 403, r.content
    assert "device" in r.json()["errors"]
    r = Client().get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=f"kiosk_{BAD[bad]}")
    assert r.status_code == 403, r.content
    assert "device" in r.json()["errors"]
    assert Response.objects.count() == before


def kiosk_token(world) -> str:
    _device, pairing = kiosk_register(survey=world.skm, unit=world.upt1, name="Tablet 1")
    paired = kiosk_pair(pairing_code=pairing)
    assert paired is not None
    return paired[1]


def test_a_clean_submission_is_still_stored_with_tabs_and_line_breaks(world):
    body = body_for(world, suggestion="baris satu\n\tbaris dua\r\n", contact={"name": "Ñoño 李"})
    body["consent"] = True
    r = post_json(world.skm.code, body)
    assert r.status_code == 201, r.content
    row = Response.objects.get(pk=r.json()["id"])
    assert row.suggestion == "baris satu\n\tbaris dua"
    assert row.contact == {"name": "Ñoño 李"}


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\ufdd0"])
def test_public_form_shows_a_form_error_and_stores_nothing(world, bad):
    before = Response.objects.count()
    r = Client().post(
        f"/s/{world.skm.code}/",
        {
            "unit": world.upt1.pk,
            "submission_id": str(uuid.uuid4()),
            "suggestion": f"antre{bad}an",
            **skm_answers(),
        },
    )
    assert r.status_code == 400
    assert "berisi karakter yang tidak dapat disimpan" in r.content.decode()
    assert Response.objects.count() == before


def test_the_single_write_path_refuses_it_for_every_channel(world):
    with pytest.raises(srv.SubmissionError) as caught:
        srv.response_submit(
            survey=world.skm,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers=skm_answers(),
                unit_id=world.upt1.pk,
                contact={"name": "a\udc00"},
                consent=True,
            ),
        )
    assert set(caught.value.errors) == {"contact.name"}
