"""The public API contract that kiosks, apps and integrations rely on:
``GET /api/v1/public/surveys/{code}`` and ``POST /api/v1/public/surveys/{code}/responses``."""

from __future__ import annotations

import json
import threading
import time
import uuid
from importlib import resources
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from prima.organizations import services as org
from prima.surveys import services as srv
from prima.surveys.choices import Channel, SurveyStatus
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.models import Response
from tests.web.personas import skm_answers


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


QUESTION_FIELDS = {"key", "text", "min", "max", "required", "options"}

# the answer labels of SKM 2017 (shared/domain/skm.md), by column
SKM_LABELS = {
    "U1": ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    "U2": ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
    "U4": ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
    "U7": [
        "Tidak sopan dan ramah",
        "Kurang sopan dan ramah",
        "Sopan dan ramah",
        "Sangat sopan dan ramah",
    ],
    "U8": ["Buruk", "Cukup", "Baik", "Sangat baik"],
    "U9": [
        "Tidak ada",
        "Ada tetapi tidak berfungsi",
        "Berfungsi kurang maksimal",
        "Dikelola dengan baik",
    ],
}


def definition(code: str) -> dict[str, Any]:
    r = Client().get(f"/api/v1/public/surveys/{code}")
    assert r.status_code == 200, r.content
    assert r["Content-Type"].startswith("application/json")
    return r.json()


def post(code: str, body: Any, **headers: str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post(
        f"/api/v1/public/surveys/{code}/responses", data, content_type="application/json", **headers
    )


def body_for(world, **changes: Any) -> dict[str, Any]:
    body = {"submission_id": str(uuid.uuid4()), "answers": skm_answers(), "unit": world.upt1.pk}
    body.update(changes)
    return body


def assert_well_formed(question: dict[str, Any]) -> None:
    assert set(question) >= QUESTION_FIELDS
    assert set(question["text"]) >= {"id", "en"}
    assert all(question["text"].values())
    values = [o["value"] for o in question["options"]]
    assert values == list(range(question["min"], question["max"] + 1))
    for option in question["options"]:
        assert option["label"]["id"]
        assert option["label"]["en"]


# -- the definition ----------------------------------------------------------------------------
def test_skm_definition(world):
    body = definition(world.skm.code)
    questions = body["questions"]
    assert [q["key"] for q in questions] == [f"U{i}" for i in range(1, 10)]
    for q in questions:
        assert_well_formed(q)
        assert (q["min"], q["max"], q["required"]) == (1, 4, True)
    by_key = {q["key"]: q for q in questions}
    for key, labels in SKM_LABELS.items():
        assert [o["label"]["id"] for o in by_key[key]["options"]] == labels, key
    assert by_key["U1"]["options"][0]["label"]["en"] == "Not appropriate"
    assert body["code"] == world.skm.code
    assert body["title"] == world.skm.title
    assert body["open"] is True
    assert {u["name"] for u in body["units"]} == {world.upt1.name, world.upt2.name}
    assert {f["id"] for f in body["profile"]} >= {"age", "sex", "education", "occupation"}
    assert set(body) & {"responses", "ikm", "results", "answers"} == set()


def test_a6_definition_asks_expectation_and_performance(world):
    source = json.loads(
        resources.files("prima.instruments.builtin").joinpath("a6.json").read_text("utf-8")
    )
    items = [item["id"] for item in source["items"]]
    questions = definition(world.a6.code)["questions"]
    assert [q["key"] for q in questions] == [
        f"{i}.{side}" for i in items for side in ("harapan", "kinerja")
    ]
    for q in questions:
        assert_well_formed(q)
        assert (q["min"], q["max"]) == (1, 5)
    first = questions[0]
    assert first["options"][0]["label"] == {"id": "Sangat tidak setuju", "en": "Strongly disagree"}
    assert first["text"]["id"].startswith("Harapan")
    assert first["text"]["en"].startswith("Expectation")
    assert questions[1]["text"]["en"].startswith("Performance")


def test_quick_definition(world):
    questions = {q["key"]: q for q in definition(world.quick.code)["questions"]}
    assert list(questions) == ["csat", "nps", "kembali"]
    for q in questions.values():
        assert_well_formed(q)
    assert (questions["csat"]["min"], questions["csat"]["max"]) == (1, 5)
    assert (questions["nps"]["min"], questions["nps"]["max"]) == (0, 10)
    assert len(questions["nps"]["options"]) == 11
    assert questions["csat"]["options"][4]["label"] == {"id": "Sangat puas", "en": "Very satisfied"}


def test_unknown_survey_is_a_json_404(world):
    r = Client().get("/api/v1/public/surveys/nosuchcode")
    assert r.status_code == 404
    assert r.json()["detail"]
    r = post("nosuchcode", body_for(world))
    assert r.status_code == 404
    assert r.json()["detail"]


# -- submitting --------------------------------------------------------------------------------
def test_submit_stores_one_response(world):
    before = Response.objects.count()
    body = body_for(
        world,
        answers=skm_answers(U1=4, U9=1),
        suggestion="Antrean cepat",
        profile={"age": 34, "sex": "P"},
    )
    r = post(world.skm.code, body)
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"id"}
    row = Response.objects.get(pk=r.json()["id"])
    assert Response.objects.count() == before + 1
    assert row.survey == world.skm
    assert row.organization == world.alpha
    assert row.instrument_version == world.skm.instrument_version
    assert row.unit == world.upt1
    assert row.channel == Channel.API
    assert str(row.submission_id) == body["submission_id"]
    assert row.answers == skm_answers(U1=4, U9=1)
    assert row.suggestion == "Antrean cepat"
    assert row.profile == {"age": 34, "sex": "P"}


def test_same_submission_id_again_returns_the_first_response(world):
    body = body_for(world)
    first = post(world.skm.code, body)
    assert first.status_code == 201
    count = Response.objects.count()
    again = post(world.skm.code, body)
    assert again.status_code == 200
    assert again.json() == first.json()
    changed = post(world.skm.code, {**body, "answers": skm_answers(U1=1), "suggestion": "lain"})
    assert changed.status_code == 200
    assert changed.json() == first.json()
    broken = post(world.skm.code, {**body, "answers": {"U1": 99}})
    assert broken.status_code == 200
    assert broken.json() == first.json()
    assert Response.objects.count() == count
    assert Response.objects.get(pk=first.json()["id"]).answers == skm_answers()


def test_same_submission_id_on_another_survey_is_another_response(world):
    sid = str(uuid.uuid4())
    a6_answers = {q["key"]: 4 for q in definition(world.a6.code)["questions"]}
    first = post(world.skm.code, body_for(world, submission_id=sid))
    second = post(world.a6.code, {"submission_id": sid, "answers": a6_answers})
    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert first.json() != second.json()
    assert Response.objects.get(pk=second.json()["id"]).survey == world.a6


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_store_one_row(world):
    body = json.dumps(body_for(world))
    url = f"/api/v1/public/surveys/{world.skm.code}/responses"
    barrier = threading.Barrier(6)
    results: list[tuple[int, Any]] = []
    retries: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            client = Client()
            barrier.wait(timeout=10)
            for _ in range(200):
                try:
                    r = client.post(url, body, content_type="application/json")
                except OperationalError as exc:  # raised outside the view (not answered 503)
                    if connection.vendor != "sqlite" or "locked" not in str(exc):
                        raise
                    with lock:
                        retries.append(str(exc))
                else:
                    if r.status_code != 503:
                        break
                    # SQLite's in-memory test database (shared cache) answers "table is locked"
                    # at once where a database file waits for the writer: the API answers 503
                    # with Retry-After, and the client sends the same submission again
                    assert connection.vendor == "sqlite", r.content
                    assert r["Retry-After"], r
                    with lock:
                        retries.append(r.json()["detail"])
                time.sleep(0.005)
            with lock:
                results.append((r.status_code, r.json()))
        except Exception as exc:  # reported by the assertion below
            with lock:
                results.append((0, repr(exc)))
        finally:
            connection.close()  # this thread's own connection (PostgreSQL keeps it otherwise)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    statuses = sorted(s for s, _ in results)
    assert len(results) == 6
    if retries:  # the creator may have seen "locked" after its commit: its retry answers 200
        assert set(statuses) <= {200, 201}, results
        assert statuses.count(201) <= 1, results
    else:
        assert statuses == [200] * 5 + [201], results
    assert len({b["id"] for _, b in results}) == 1
    sid = json.loads(body)["submission_id"]
    assert Response.objects.filter(survey=world.skm, submission_id=sid).count() == 1


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


MALFORMED = {
    "unknown item": (lambda w, b: {**b, "answers": {**b["answers"], "U10": 3}}, 400, "U10"),
    "above the scale": (lambda w, b: {**b, "answers": skm_answers(U1=5)}, 400, "U1"),
    "below the scale": (lambda w, b: {**b, "answers": skm_answers(U6=0)}, 400, "U6"),
    "negative": (lambda w, b: {**b, "answers": skm_answers(U6=-1)}, 400, "U6"),
    "missing required answer": (
        lambda w, b: {**b, "answers": _without(b["answers"], "U3")},
        400,
        "U3",
    ),
    "blank answer": (lambda w, b: {**b, "answers": {**b["answers"], "U3": ""}}, 400, "U3"),
    "null answer": (lambda w, b: {**b, "answers": {**b["answers"], "U3": None}}, 400, "U3"),
    "string answer": (lambda w, b: {**b, "answers": {**b["answers"], "U2": "abc"}}, 400, "U2"),
    "float answer": (lambda w, b: {**b, "answers": {**b["answers"], "U2": 2.5}}, 400, "U2"),
    "bool answer": (lambda w, b: {**b, "answers": {**b["answers"], "U2": True}}, 400, "U2"),
    "list answer": (lambda w, b: {**b, "answers": {**b["answers"], "U2": [3]}}, 400, "U2"),
    "superscript digit answer": (
        lambda w, b: {**b, "answers": {**b["answers"], "U2": "²"}},
        400,
        "U2",
    ),
    "object answer": (lambda w, b: {**b, "answers": {**b["answers"], "U2": {"v": 3}}}, 400, "U2"),
    "answers a list": (lambda w, b: {**b, "answers": [3, 3, 3]}, 422, "answers"),
    "answers a string": (lambda w, b: {**b, "answers": "U1=3"}, 422, "answers"),
    "answers missing": (lambda w, b: _without(b, "answers"), 422, "answers"),
    "missing submission_id": (lambda w, b: _without(b, "submission_id"), 422, "submission_id"),
    "non-UUID submission_id": (lambda w, b: {**b, "submission_id": "abc"}, 400, "submission_id"),
    "numeric submission_id": (lambda w, b: {**b, "submission_id": 12345}, 422, "submission_id"),
    "tampered context": (
        lambda w, b: {
            **b,
            "context": tamper(context_sign(LinkContext(w.skm.code, unit=w.upt1.pk))),
        },
        400,
        "context",
    ),
    "context of another survey": (
        lambda w, b: {**b, "context": context_sign(LinkContext(w.a6.code, unit=w.upt1.pk))},
        400,
        "context",
    ),
    "garbage context": (lambda w, b: {**b, "context": "not-a-context"}, 400, "context"),
    "unit of another organization": (lambda w, b: {**b, "unit": w.bank_unit.pk}, 400, "unit"),
    "signed unit of another organization": (
        lambda w, b: {
            **_without(b, "unit"),
            "context": context_sign(LinkContext(w.skm.code, unit=w.bank_unit.pk)),
        },
        400,
        "unit",
    ),
    "unit outside the survey": (lambda w, b: {**b, "unit": w.dinas.pk}, 400, "unit"),
    "no unit where the survey has several": (lambda w, b: _without(b, "unit"), 400, "unit"),
    "unit not an integer": (lambda w, b: {**b, "unit": "satu"}, 422, "unit"),
    "service of another organization": (
        lambda w, b: {**b, "service": beta_service(w)},
        400,
        "service",
    ),
    "unknown service": (lambda w, b: {**b, "service": 10**6}, 400, "service"),
    "staff unknown": (lambda w, b: {**b, "staff": 10**6}, 400, "staff"),
    "profile out of range": (lambda w, b: {**b, "profile": {"age": 400}}, 400, "profile.age"),
    "profile superscript digit": (lambda w, b: {**b, "profile": {"age": "²"}}, 400, "profile.age"),
    "profile unknown field": (lambda w, b: {**b, "profile": {"shoe": "42"}}, 400, "profile.shoe"),
    "suggestion too long": (lambda w, b: {**b, "suggestion": "x" * 2001}, 400, "suggestion"),
    "contact without consent": (lambda w, b: {**b, "contact": {"phone": "0812"}}, 400, "contact"),
    "unknown channel": (lambda w, b: {**b, "channel": "paper"}, 422, "channel"),
}


def beta_service(world) -> int:
    return org.service_create(unit=world.bank_unit, name="Tabungan").pk


def tamper(token: str) -> str:
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_submission_names_the_field_and_stores_nothing(world, case):
    make, status, field = MALFORMED[case]
    before = Response.objects.count()
    r = post(world.skm.code, make(world, body_for(world)))
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert field in body["errors"], body
    assert body["errors"][field]
    assert field in body["detail"]
    assert Response.objects.count() == before


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '"text"', "null"])
def test_a_body_that_is_not_a_submission_object_is_a_json_4xx(world, raw):
    before = Response.objects.count()
    r = post(world.skm.code, raw)
    assert 400 <= r.status_code < 500
    assert r.json()["detail"]
    assert Response.objects.count() == before


def test_closed_survey_answers_409(world):
    srv.survey_set_status(survey=world.skm, status=SurveyStatus.CLOSED)
    before = Response.objects.count()
    r = post(world.skm.code, body_for(world))
    assert r.status_code == 409
    assert "survey" in r.json()["errors"]
    assert Response.objects.count() == before
    assert definition(world.skm.code)["open"] is False


def test_signed_context_assigns_unit_service_and_staff(world):
    ctx = context_sign(
        LinkContext(
            world.skm.code, unit=world.loket1.pk, service=world.service1.pk, staff=world.staff1.pk
        )
    )
    body = {**body_for(world, unit=world.upt2.pk), "context": ctx}  # the signed context wins
    r = post(world.skm.code, body)
    assert r.status_code == 201, r.content
    row = Response.objects.get(pk=r.json()["id"])
    assert (row.unit, row.service, row.staff) == (world.loket1, world.service1, world.staff1)

    ctx = context_sign(LinkContext(world.skm.code, unit=world.upt2.pk))
    r = post(world.skm.code, {**_without(body_for(world), "unit"), "context": ctx})
    assert r.status_code == 201
    row = Response.objects.get(pk=r.json()["id"])
    assert (row.unit, row.service, row.staff) == (world.upt2, None, None)


def test_single_unit_survey_needs_no_unit(world):
    r = post(
        world.quick.code,
        {"submission_id": str(uuid.uuid4()), "answers": {"csat": 4, "nps": 10, "kembali": 1}},
    )
    assert r.status_code == 201, r.content
    assert Response.objects.get(pk=r.json()["id"]).unit == world.bank_unit


def test_messages_follow_the_respondents_language(world):
    body = body_for(world, answers=_without(skm_answers(U1=9), "U3"))
    r = post(world.skm.code, body, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors["U3"] == "this answer is required"
    assert errors["U1"] == "the answer must be between 1 and 4"
    r = post(world.skm.code, body)
    assert r.json()["errors"]["U3"] == "wajib diisi"
    r = post(world.skm.code, body, HTTP_ACCEPT_LANGUAGE="id")
    assert r.json()["errors"]["U1"] == "jawaban harus antara 1 dan 4"
    srv.survey_set_status(survey=world.skm, status=SurveyStatus.CLOSED)
    r = post(world.skm.code, body_for(world), HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["errors"]["survey"] == "this survey is not accepting responses"


def test_text_a_database_cannot_store_is_refused(world):
    """NUL characters (PostgreSQL refuses them) never reach the database as a server error:
    the submission is refused naming each field, and nothing is stored."""
    before = Response.objects.count()
    body = body_for(world, suggestion="antre\x00an", contact={"name": "Bu\x00di"}, consent=True)
    r = post(world.skm.code, body)
    assert r.status_code == 400, r.content
    assert set(r.json()["errors"]) == {"suggestion", "contact.name"}
    assert Response.objects.count() == before
    for url in ("/api/v1/public/surveys/a%00b", "/s/a%00b/"):
        assert Client().get(url).status_code == 404
    alice = world.api("alice")
    for url in (
        "/api/v1/organizations/%C2%B2/units",
        "/api/v1/organizations/al%00pha/units",
        "/api/v1/surveys/a%00b",
    ):
        assert alice.get(url).status_code == 404, url
    r = alice.post(
        "/api/v1/organizations/alpha/units", {"name": "Lo\x00ket"}, content_type="application/json"
    )
    assert r.status_code == 422
    assert "name" in r.json()["errors"]


def test_public_page_refuses_an_odd_unit(world):
    r = Client().post(
        f"/s/{world.skm.code}/", {"unit": "²", "submission_id": str(uuid.uuid4()), **skm_answers()}
    )
    assert r.status_code == 400
    assert "unit" in r.context["errors"]


# -- the service received (jenis layanan) ------------------------------------------------------
def test_definition_lists_the_services_a_respondent_may_name(world):
    """``service_choices``: every active service of the survey's units and the units below them,
    in unit order, each with its unit (the same name exists in several units); the existing
    ``services`` key keeps its meaning (the survey's own list, empty here)."""
    loket = org.service_create(unit=world.loket1, name="Legalisir")
    upt2 = org.service_create(unit=world.upt2, name="Pendaftaran")
    retired = org.service_create(unit=world.upt2, name="Fotokopi")
    retired.active = False
    retired.save()
    beta_service(world)  # another organization's: never listed
    org.service_create(unit=world.dinas, name="Perizinan")  # above the survey's units
    body = definition(world.skm.code)
    assert body["services"] == []
    assert body["service_choices"] == [
        {
            "id": world.service1.pk,
            "name": "Pendaftaran",
            "unit": {"id": world.upt1.pk, "name": world.upt1.name},
        },
        {
            "id": loket.pk,
            "name": "Legalisir",
            "unit": {"id": world.loket1.pk, "name": "Loket Satu"},
        },
        {
            "id": upt2.pk,
            "name": "Pendaftaran",
            "unit": {"id": world.upt2.pk, "name": world.upt2.name},
        },
    ]
    # a survey limited to some services lists those only, under both keys
    world.skm.services.set([upt2])
    body = definition(world.skm.code)
    assert [s["id"] for s in body["services"]] == [upt2.pk]
    assert [s["id"] for s in body["service_choices"]] == [upt2.pk]


def test_submission_stores_the_service_and_refuses_one_that_does_not_fit(world):
    upt2 = org.service_create(unit=world.upt2, name="Pendaftaran")
    loket = org.service_create(unit=world.loket1, name="Legalisir")
    before = Response.objects.count()
    r = post(world.skm.code, body_for(world, unit=world.upt2.pk, service=upt2.pk))
    assert r.status_code == 201, r.content
    assert Response.objects.get(pk=r.json()["id"]).service_id == upt2.pk
    r = post(world.skm.code, body_for(world, unit=world.upt1.pk, service=loket.pk))
    assert r.status_code == 201, r.content  # a service of a unit below the response's unit
    assert Response.objects.get(pk=r.json()["id"]).service_id == loket.pk
    # another unit's service, a service the survey leaves out, another organization's, a string
    world_cases = [
        ({"unit": world.upt1.pk, "service": upt2.pk}, 400),
        ({"unit": world.upt2.pk, "service": world.service1.pk}, 400),
        ({"unit": world.upt2.pk, "service": beta_service(world)}, 400),
        ({"unit": world.upt2.pk, "service": "Pendaftaran"}, 422),
    ]
    for changes, status in world_cases:
        r = post(world.skm.code, body_for(world, **changes))
        assert r.status_code == status, (changes, r.content)
        assert r.json()["errors"]["service"], r.json()
        assert "service" in r.json()["detail"]
    world.skm.services.set([upt2])
    r = post(world.skm.code, body_for(world, unit=world.upt1.pk, service=world.service1.pk))
    assert r.status_code == 400
    assert r.json()["errors"]["service"]
    assert Response.objects.count() == before + 2


def test_the_schema_describes_the_service_choice():
    schema = Client().get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    definition_props = components["SurveyDefinitionOut"]["properties"]
    assert {"services", "service_choices"} <= set(definition_props)
    assert "service_choices" in components["SurveyDefinitionOut"]["required"]
    choice = components["ServiceChoiceOut"]["properties"]
    assert set(choice) == {"id", "name", "unit"}
    assert "service_choices" in components["SubmissionIn"]["properties"]["service"]["description"]
    assert "services" in components["KioskOut"]["properties"]
