"""The public complaint intake reads nothing it read a moment ago (issue 11, "Speed"): the
organization of the address, the form's units, the categories, the deadlines and the calendar
are kept per process (:mod:`prima.process_cache`) and forgotten as soon as one of them is
changed in the process, or after their few seconds when changed elsewhere. Each cache is
checked here for both: a change is seen by the next complaint, and a repeated complaint asks
the database only to store itself. A retry of the same ``submission_id`` is still answered
with the first case, also when its payload is no longer valid."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prima import process_cache
from prima.cases import services as cs
from prima.cases.models import Case, CaseCategory, CaseSettings
from prima.organizations import calendar as cal
from prima.organizations.models import CalendarDay
from prima.surveys.choices import SurveyStatus
from tests.web.test_cases_core import Clock, wib

URL = "/api/v1/public/organizations/alpha/cases"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_caches():
    process_cache.clear_all()
    yield
    process_cache.clear_all()


def send(client, world, **extra):
    body = {
        "submission_id": str(uuid.uuid4()),
        "text": "Ruang tunggu panas dan kipas angin rusak.",
        "unit": world.upt1.pk,
        "anonymous": True,
        **extra,
    }
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_repeated_complaint_only_stores_itself(
    world, client, django_capture_on_commit_callbacks, anonymous
):
    who = {"anonymous": True}
    if not anonymous:
        who = {"anonymous": False, "contact": {"name": "Rina", "email": "rina@contoh.id"}}
        who["consent"] = True
    assert send(client, world, category="U8", **who).status_code == 201  # fills the caches
    assert len(cs.cases_record_pending()) == 1  # the task worker records it
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        r = send(client, world, category="U8", **who)
    assert r.status_code == 201, r.content
    words = [q["sql"].split()[:4] for q in ctx.captured_queries]
    # no organization, unit, category, deadlines, calendar or rating, and no webhook
    # endpoints: the case row alone, one INSERT (a savepoint here only because the test
    # runs inside a transaction; autocommit in a server)
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert reads == [], ctx.captured_queries
    inserts = [w[2].strip('"') for w in words if w[0] == "INSERT"]
    assert inserts == ["cases_case"]
    assert [w[0] for w in words if w[0] not in ("SAVEPOINT", "RELEASE")] == ["INSERT"]
    # the task worker's pass then writes its first event and, when there is an address to
    # send it to, the complainant's receipt e-mail for the task worker, and reads the
    # webhook endpoints (after its commit, as for a survey response)
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert cs.cases_record_pending() == [r.json()["id"]]
    inserts = [q["sql"].split()[2].strip('"') for q in ctx if q["sql"].startswith("INSERT")]
    mail = [] if anonymous else ["django_tasks_database_dbtaskresult"]
    assert inserts == ["cases_caseevent", *mail]
    reads = [
        re.search(r'FROM "(\w+)"', q["sql"])[1]  # type: ignore[index]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT")
    ]
    assert reads[-1:] == ["webhooks_webhookendpoint"], ctx.captured_queries
    case = Case.objects.get(pk=r.json()["id"])
    assert (case.unit, case.category.key, case.anonymous) == (world.upt1, "U8", anonymous)


def test_a_day_closed_or_opened_moves_the_due_dates_of_the_next_complaint(world, client, clock):
    clock.set(wib("2026-07-06 10:00"))  # Monday
    first = send(client, world).json()
    assert (first["first_response_due"], first["resolution_due"]) == ("2026-07-09", "2026-07-13")
    cal.calendar_day_set(world.alpha, date(2026, 7, 8), working=False, name="Hari jadi kota")
    closed = send(client, world).json()
    assert (closed["first_response_due"], closed["resolution_due"]) == ("2026-07-10", "2026-07-14")
    cal.calendar_day_reset(world.alpha, date(2026, 7, 8))
    again = send(client, world).json()
    assert (again["first_response_due"], again["resolution_due"]) == ("2026-07-09", "2026-07-13")
    cal.calendar_day_set(world.alpha, date(2026, 7, 11), working=True, name="Layanan Sabtu")
    opened = send(client, world).json()
    assert (opened["first_response_due"], opened["resolution_due"]) == ("2026-07-09", "2026-07-11")
    # cases received before keep theirs (fixed on receipt)
    assert str(Case.objects.get(pk=closed["id"]).resolution_due) == "2026-07-14"


def test_the_kind_of_the_organization_changes_its_calendar_at_once(world, client, clock):
    clock.set(wib("2026-12-18 10:00"))  # complaints.md: 24 Dec is cuti bersama
    assert send(client, world).json()["resolution_due"] == "2026-12-29"
    world.alpha.kind = "commercial"
    world.alpha.save()
    assert send(client, world).json()["resolution_due"] == "2026-12-28"


def test_a_change_made_by_another_process_is_seen_after_the_ttl(world, client, clock, monkeypatch):
    clock.set(wib("2026-07-06 10:00"))
    assert send(client, world).json()["first_response_due"] == "2026-07-09"
    # another worker closed the day: no signal reaches this process
    CalendarDay.objects.bulk_create(
        [CalendarDay(organization=world.alpha, date=date(2026, 7, 8), working=False)]
    )
    assert send(client, world).json()["first_response_due"] == "2026-07-09"  # within the TTL
    later = process_cache._clock() + cal.CALENDAR_TTL + 1
    monkeypatch.setattr(process_cache, "_clock", lambda: later)
    assert send(client, world).json()["first_response_due"] == "2026-07-10"


def test_new_deadlines_apply_to_the_next_complaint(world, client, clock):
    clock.set(wib("2026-07-06 10:00"))
    assert send(client, world).json()["first_response_due"] == "2026-07-09"
    CaseSettings.objects.create(organization=world.alpha, first_response_days=1)
    assert send(client, world).json()["first_response_due"] == "2026-07-07"
    row = CaseSettings.objects.get(organization=world.alpha)
    row.first_response_days = 2
    row.save()
    assert send(client, world).json()["first_response_due"] == "2026-07-08"
    row.delete()
    assert send(client, world).json()["first_response_due"] == "2026-07-09"


def test_a_hidden_or_added_category_applies_to_the_next_complaint(world, client):
    assert send(client, world, category="U3").status_code == 201
    hidden = CaseCategory.objects.get(organization=world.alpha, key="U3")
    hidden.active = False
    hidden.save()
    r = send(client, world, category="U3")
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"category"}
    CaseCategory.objects.create(organization=world.alpha, key="parkir", name="Parkir")
    r = send(client, world, category="parkir")
    assert r.status_code == 201, r.content
    assert Case.objects.get(pk=r.json()["id"]).category.name == "Parkir"
    # another organization's categories are its own
    assert cs.category_resolve(world.beta, "U3").organization == world.beta


def test_a_closed_survey_takes_its_units_off_the_form_at_once(world, client):
    assert send(client, world, unit=world.upt2.pk).status_code == 201
    world.skm.status = SurveyStatus.CLOSED
    world.skm.save()
    r = send(client, world, unit=world.upt2.pk)  # upt2 had only the SKM survey
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"unit"}
    world.skm.status = SurveyStatus.OPEN
    world.skm.save()
    world.skm.units.remove(world.upt2)  # a unit taken off the survey (many-to-many)
    assert send(client, world, unit=world.upt2.pk).status_code == 422
    world.skm.units.add(world.upt2)
    assert send(client, world, unit=world.upt2.pk).status_code == 201


def test_a_renamed_organization_answers_at_its_new_address_only(world, client):
    assert send(client, world).status_code == 201
    world.alpha.slug = "alpha-baru"
    world.alpha.save()
    assert send(client, world).status_code == 404
    body = {"submission_id": str(uuid.uuid4()), "text": "Antrean lama.", "anonymous": True}
    body["unit"] = world.upt1.pk
    r = client.post(URL.replace("alpha", "alpha-baru"), json.dumps(body), "application/json")
    assert r.status_code == 201, r.content


def test_a_retry_gets_the_first_case_also_with_a_payload_no_longer_valid(world, client):
    sid = str(uuid.uuid4())
    first = send(client, world, submission_id=sid)
    assert first.status_code == 201
    stored = Case.objects.count()
    same = send(client, world, submission_id=sid, text="Teks lain")
    assert (same.status_code, same.json()) == (200, first.json())
    broken = send(client, world, submission_id=sid, text="", unit=999_999, category="nope")
    assert (broken.status_code, broken.json()) == (200, first.json())
    assert Case.objects.count() == stored
    # a new submission with the same faults is refused, naming each field
    r = send(client, world, text="", unit=999_999, category="nope")
    assert r.status_code == 422
    assert {"text", "unit", "category"} <= set(r.json()["errors"])
    # the same submission id at another organization is another case
    other = cs.case_receive(
        organization=world.beta,
        unit=world.bank_unit,
        text="Antrean teller lama.",
        channel="web",
        submission_id=sid,
    )
    assert other[1] is True
    assert other[0].pk != first.json()["id"]
