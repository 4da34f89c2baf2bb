"""Follow-up cases opened from survey responses (issue 11, point 1), through the HTTP stack.

Responses arrive by the public survey page (``/s/<code>/``) and the public API; the receiver
of ``response_submitted`` runs after the commit (captured and run here, and once on a real
commit in a transactional test). Defaults: an SKM answer of 1, an NPS of 0-6, a paired item
whose performance is 2 or more below its expectation; only with a contact (name and e-mail or
telephone), which the survey keeps only with consent.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from django.test import Client

from prima.cases.models import Case, CaseChannel, CaseEvent, FollowUpRule
from prima.followups import services as followups
from prima.followups.rules import Thresholds, triggers
from prima.instruments import load_instrument
from prima.surveys.models import Response
from tests.web.personas import skm_answers

CONTACT = {"name": "Ibu Ratna Sari", "email": "ratna.sari@contoh.id", "phone": "0812-3456-7890"}
SUGGESTION = "Mohon antrean di loket pendaftaran dipercepat."


def api_post(survey, body: dict[str, Any]):
    return Client().post(
        f"/api/v1/public/surveys/{survey.code}/responses",
        json.dumps(body),
        content_type="application/json",
    )


def submit_api(capture, survey, answers, *, unit=None, **extra: Any):
    """POST to the public API and run the after-commit callbacks; the HTTP response."""
    body = {"submission_id": str(uuid.uuid4()), "answers": answers, **extra}
    if unit is not None:
        body["unit"] = unit.pk
    with capture(execute=True):
        r = api_post(survey, body)
    return r


def a6_answers(**gaps: tuple[int, int]) -> dict[str, int]:
    """Every A6 item expectation 4, performance 4, except those given as (expectation,
    performance)."""
    out: dict[str, int] = {}
    for item in load_instrument("a6").items:
        h, k = gaps.get(item.id, (4, 4))
        out[f"{item.id}.harapan"] = h
        out[f"{item.id}.kinerja"] = k
    return out


def quick_answers(nps: int) -> dict[str, int]:
    return {"csat": 3, "nps": nps, "kembali": 1}


def cases_of(response_id: int) -> list[Case]:
    return list(Case.objects.filter(response_id=response_id))


# -- the default rules, each through the HTTP stack -----------------------------------------------
def test_an_skm_answer_of_1_on_the_survey_page_opens_a_case(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    page = client.get(f"/s/{world.skm.code}/")
    assert page.status_code == 200
    form = {
        "submission_id": str(uuid.uuid4()),
        "unit": str(world.upt1.pk),
        **{k: str(v) for k, v in skm_answers(U4=1, U7=2).items()},
        "suggestion": SUGGESTION,
        "contact.name": CONTACT["name"],
        "contact.email": CONTACT["email"],
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/s/{world.skm.code}/", form)
    assert r.status_code == 302, r.content.decode()[:500]
    response = Response.objects.get(submission_id=form["submission_id"])
    case = Case.objects.get(response=response)
    assert case.organization == world.alpha
    assert case.channel == CaseChannel.SURVEY
    assert case.unit == world.upt1
    assert case.category is not None
    assert case.category.key == "U4"  # Biaya/tarif
    assert case.contact_name == CONTACT["name"]
    assert case.contact_email == CONTACT["email"]
    assert case.contact_phone == ""
    assert case.consent is True
    assert case.language == "id"
    assert case.submission_id == followups.follow_up_id(response)
    assert case.first_response_due > case.received_at.date()
    # the text names what triggered it (U4 only: U7=2 is above the default), in Indonesian
    assert "U4 Biaya/Tarif: 1 dari 4" in case.text, case.text
    assert "U7" not in case.text
    assert "SKM Alpha 2026" in case.text
    assert SUGGESTION in case.text
    assert case.text.startswith("Tindak lanjut")
    assert CaseEvent.objects.filter(case=case, kind="created").count() == 1


@pytest.mark.parametrize(("nps", "opened"), [(6, True), (7, False), (0, True)])
def test_an_nps_of_6_opens_a_case_7_does_not(
    world, django_capture_on_commit_callbacks, nps, opened
):
    r = submit_api(
        django_capture_on_commit_callbacks,
        world.quick,
        quick_answers(nps),
        contact={"name": "Budi", "phone": "+62 812 1111 2222"},
        consent=True,
    )
    assert r.status_code == 201, r.content
    response = Response.objects.get(pk=r.json()["id"])
    found = cases_of(response.pk)
    assert len(found) == int(opened)
    if opened:
        case = found[0]
        assert case.organization == world.beta
        assert case.unit == world.bank_unit
        assert case.contact_phone == "+62 812 1111 2222"
        assert f"(NPS): {nps} dari 10" in case.text, case.text
        assert case.category is None  # the NPS maps to no unsur and no A


@pytest.mark.parametrize(("kinerja", "opened"), [(3, True), (4, False), (2, True)])
def test_a_gap_of_2_opens_a_case_1_does_not(
    world, django_capture_on_commit_callbacks, kinerja, opened
):
    # ATT2 expectation 5: performance 3 is 2 below (a case), 4 is 1 below (none)
    answers = a6_answers(ATT2=(5, kinerja), ACC1=(4, 3))
    r = submit_api(
        django_capture_on_commit_callbacks,
        world.a6,
        answers,
        unit=world.upt1,
        contact={"name": "Citra", "email": "citra@contoh.id"},
        consent=True,
    )
    assert r.status_code == 201, r.content
    found = cases_of(r.json()["id"])
    assert len(found) == int(opened)
    if opened:
        case = found[0]
        assert case.category.key == "attitude"
        assert f"ATT2 Senyum dan bersahabat: kinerja {kinerja}, harapan 5" in case.text, case.text
        assert "ACC1" not in case.text  # a gap of 1


def test_the_worst_answer_chooses_the_category(world, django_capture_on_commit_callbacks):
    # gaps: ABL2 2, ACT1 3 -> the widest (ACT1, action) first
    answers = a6_answers(ABL2=(5, 3), ACT1=(5, 2))
    r = submit_api(
        django_capture_on_commit_callbacks,
        world.a6,
        answers,
        unit=world.upt1,
        contact={"name": "Dewi", "email": "dewi@contoh.id"},
        consent=True,
    )
    case = Case.objects.get(response_id=r.json()["id"])
    assert case.category.key == "action"
    assert case.text.index("ACT1") < case.text.index("ABL2")


# -- no contact, no consent, inactive -------------------------------------------------------------
def test_no_case_without_a_contact(world, django_capture_on_commit_callbacks):
    r = submit_api(
        django_capture_on_commit_callbacks, world.skm, skm_answers(U1=1), unit=world.upt1
    )
    assert r.status_code == 201
    assert cases_of(r.json()["id"]) == []
    # a name alone, or an address alone, is no contact to follow up
    for contact in ({"name": "Eka"}, {"email": "eka@contoh.id"}, {"name": "Eka", "phone": "12"}):
        r = submit_api(
            django_capture_on_commit_callbacks,
            world.skm,
            skm_answers(U1=1),
            unit=world.upt1,
            contact=contact,
            consent=True,
        )
        assert r.status_code == 201, r.content
        assert cases_of(r.json()["id"]) == [], contact
    assert Case.objects.count() == 0


def test_no_case_without_consent(world, django_capture_on_commit_callbacks):
    r = submit_api(
        django_capture_on_commit_callbacks,
        world.skm,
        skm_answers(U1=1),
        unit=world.upt1,
        contact=CONTACT,
        consent=False,
    )
    # the survey keeps no contact without consent: the submission names the field
    assert r.status_code == 400
    assert "contact" in r.json()["errors"]
    assert Case.objects.count() == 0
    # and a stored response without consent holds no contact
    r = submit_api(
        django_capture_on_commit_callbacks, world.skm, skm_answers(U1=1), unit=world.upt1
    )
    assert Response.objects.get(pk=r.json()["id"]).contact == {}
    assert Case.objects.count() == 0


def test_no_case_when_the_rule_is_inactive(world, django_capture_on_commit_callbacks):
    FollowUpRule.objects.create(survey=world.skm, active=False)
    r = submit_api(
        django_capture_on_commit_callbacks,
        world.skm,
        skm_answers(U1=1),
        unit=world.upt1,
        contact=CONTACT,
        consent=True,
    )
    assert r.status_code == 201
    assert Case.objects.count() == 0


def test_custom_thresholds(world, django_capture_on_commit_callbacks):
    FollowUpRule.objects.create(survey=world.skm, lowest_answer=2)
    FollowUpRule.objects.create(survey=world.quick, nps_at_most=4)
    FollowUpRule.objects.create(survey=world.a6, gap_at_least=3)
    contact = {"contact": CONTACT, "consent": True}
    capture = django_capture_on_commit_callbacks

    def opened(r) -> bool:
        assert r.status_code == 201, r.content
        return Case.objects.filter(response_id=r.json()["id"]).exists()

    assert opened(submit_api(capture, world.skm, skm_answers(U3=2), unit=world.upt1, **contact))
    assert not opened(submit_api(capture, world.skm, skm_answers(U3=3), unit=world.upt1, **contact))
    assert opened(submit_api(capture, world.quick, quick_answers(4), **contact))
    assert not opened(submit_api(capture, world.quick, quick_answers(5), **contact))
    assert opened(
        submit_api(capture, world.a6, a6_answers(APP1=(5, 2)), unit=world.upt1, **contact)
    )
    assert not opened(
        submit_api(capture, world.a6, a6_answers(APP1=(5, 3)), unit=world.upt1, **contact)
    )
    case = Case.objects.get(response__survey=world.skm)
    assert "U3" in case.text
    assert case.category.key == "U3"


# -- once per response, and never failing the submission ------------------------------------------
def test_the_same_response_twice_opens_one_case(world, django_capture_on_commit_callbacks):
    body = {
        "submission_id": str(uuid.uuid4()),
        "answers": skm_answers(U9=1),
        "unit": world.upt2.pk,
        "contact": CONTACT,
        "consent": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = api_post(world.skm, body)
        again = api_post(world.skm, body)  # a retry: the stored response
    assert (first.status_code, again.status_code) == (201, 200)
    response = Response.objects.get(pk=first.json()["id"])
    assert Case.objects.count() == 1
    # the receiver run again for the same response (a redelivered signal) finds the first case
    case, created = followups.follow_up(response)
    assert created is False
    followups.on_response_submitted(sender=Response, survey=world.skm, response=response)
    assert Case.objects.count() == 1
    assert case.unit == world.upt2
    assert case.category.key == "U9"


def test_a_failing_case_receive_does_not_fail_the_submission(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(**kwargs: Any):
        raise RuntimeError("the cases core is down")

    monkeypatch.setattr(followups, "case_receive", broken)
    with caplog.at_level(logging.ERROR, logger="prima.followups"):
        r = submit_api(
            django_capture_on_commit_callbacks,
            world.skm,
            skm_answers(U1=1),
            unit=world.upt1,
            contact=CONTACT,
            consent=True,
        )
    assert r.status_code == 201, r.content
    assert Response.objects.filter(pk=r.json()["id"]).exists()
    assert Case.objects.count() == 0
    assert "follow-up case for response" in caplog.text
    assert CONTACT["email"] not in caplog.text
    assert CONTACT["name"] not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_on_a_real_commit_through_the_api(world):
    """No captured callbacks: the receiver runs on the real commit of the submission."""
    r = api_post(
        world.skm,
        {
            "submission_id": str(uuid.uuid4()),
            "answers": skm_answers(U2=1),
            "unit": world.upt1.pk,
            "contact": CONTACT,
            "consent": True,
        },
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(response_id=r.json()["id"])
    assert case.category.key == "U2"


def test_a_flagged_response_opens_a_flagged_case(world, django_capture_on_commit_callbacks):
    form = {
        "submission_id": str(uuid.uuid4()),
        "unit": str(world.upt1.pk),
        **{k: str(v) for k, v in skm_answers(U1=1).items()},
        "contact.name": CONTACT["name"],
        "contact.phone": CONTACT["phone"],
        "consent": "on",
        "website": "http://spam.example",  # the honeypot
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = Client().post(f"/s/{world.skm.code}/", form)
    assert r.status_code == 302
    response = Response.objects.get(submission_id=form["submission_id"])
    assert response.flag
    case = Case.objects.get(response=response)
    assert case.flagged is True
    assert case.flag_reason.startswith("response ")


# -- the link to the response ---------------------------------------------------------------------
def test_the_case_links_to_its_response(world, django_capture_on_commit_callbacks):
    r = submit_api(
        django_capture_on_commit_callbacks,
        world.skm,
        skm_answers(U8=1),
        unit=world.upt1,
        contact=CONTACT,
        consent=True,
    )
    response_id = r.json()["id"]
    case = Case.objects.get(response_id=response_id)
    manage_url = f"/manage/surveys/response/{response_id}/change/"
    # an admin of the organization: a link to the response in /manage/, which opens
    alice = world.client("alice")
    page = alice.get(f"/app/kasus/{case.pk}/").content.decode()
    assert f'href="{manage_url}"' in page
    assert alice.get(manage_url).status_code == 200
    # a manager of the unit sees the case and the response's number, not a link it cannot open
    bob = world.client("bob")
    page = bob.get(f"/app/kasus/{case.pk}/")
    assert page.status_code == 200
    assert f"#{response_id}" in page.content.decode()
    assert manage_url not in page.content.decode()
    # the API detail names the response
    detail = world.api("alice").get(f"/api/v1/cases/{case.pk}")
    assert detail.status_code == 200
    assert detail.json()["response"] == response_id
    # ... and its survey, where the response is found through the API
    code = detail.json()["response_survey"]
    assert code == case.response.survey.code
    listed = world.api("alice").get(f"/api/v1/surveys/{code}/responses?limit=1000").json()
    assert response_id in [item["id"] for item in listed["items"]]
    # a case without a response: both null, in the list as in the detail
    rows = world.api("alice").get("/api/v1/cases").json()["items"]
    assert {(r["response"] is None, r["response_survey"] is None) for r in rows} <= {
        (True, True),
        (False, False),
    }


# -- the rule itself -----------------------------------------------------------------------------
def test_rules_read_the_instrument_not_item_codes():
    """A custom IKM instrument with other columns and an unknown unsur: matched by kind and
    scale, mapped to a category only through the unsur's code."""
    from prima.instruments.model import parse_instrument

    custom = parse_instrument(
        {
            "name": "custom",
            "kind": "ikm",
            "scale": [1, 4],
            "items": [
                {"id": "Q1", "code": "waktu", "text": "Waktu"},
                {"id": "Q2", "code": "parkir", "text": "Parkir"},
            ],
        },
        source="test",
    )
    found = triggers(custom, {"Q1": 1, "Q2": 1}, Thresholds())
    assert [(t.key, t.category) for t in found] == [("Q1", "U3"), ("Q2", None)]
    assert triggers(custom, {"Q1": 2, "Q2": 4}, Thresholds()) == []
    servqual = load_instrument("servqual")
    answers = {f"{i.id}.harapan": 5 for i in servqual.items} | {
        f"{i.id}.kinerja": 5 for i in servqual.items
    }
    answers["R2.kinerja"] = 3
    found = triggers(servqual, answers, Thresholds())
    assert [(t.key, t.gap, t.category) for t in found] == [("R2", 2, None)]


# -- the rules in /manage/ ------------------------------------------------------------------------
def test_an_admin_edits_the_rule_of_a_survey_in_manage(world):
    alice = world.client("alice")
    add = "/manage/cases/followuprule/add/"
    page = alice.get(add)
    assert page.status_code == 200
    html = page.content.decode()
    # the survey choices (not the thresholds' inputs, whose values may equal a survey's id)
    assert f'<option value="{world.skm.pk}"' in html
    assert f'<option value="{world.quick.pk}"' not in html  # Bank Beta's survey is not offered
    r = alice.post(
        add,
        {
            "survey": world.skm.pk,
            "active": "on",
            "lowest_answer": 2,
            "nps_at_most": 6,
            "gap_at_least": 2,
            "_save": "Save",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    rule = FollowUpRule.objects.get(survey=world.skm)
    assert rule.lowest_answer == 2
    # another tenant's survey cannot be chosen; an answer out of range names its field
    r = alice.post(
        add,
        {"survey": world.quick.pk, "lowest_answer": 9, "nps_at_most": 6, "gap_at_least": 2},
    )
    assert r.status_code == 200
    errors = r.context["adminform"].form.errors
    assert set(errors) == {"survey", "lowest_answer"}
    assert not FollowUpRule.objects.filter(survey=world.quick).exists()
    # the list shows the organization's rules only; Bank Beta's admin sees none of them
    FollowUpRule.objects.create(survey=world.quick, nps_at_most=5)
    listing = alice.get("/manage/cases/followuprule/").content.decode()
    assert world.skm.title in listing
    assert world.quick.title not in listing
    charlie = world.client("charlie")
    listing = charlie.get("/manage/cases/followuprule/").content.decode()
    assert world.quick.title in listing
    assert world.skm.title not in listing
    assert charlie.get(f"/manage/cases/followuprule/{rule.pk}/change/").status_code in (302, 404)
    # a manager or a viewer cannot open /manage/ at all
    for name in ("bob", "victor"):
        r = world.client(name).get("/manage/cases/followuprule/")
        assert r.status_code == 302
        assert r["Location"].startswith("/manage/login/")
