"""Employee surveys (issue 12, first platform slice): a survey whose instrument's audience is
``internal`` stores its responses anonymously (the unit and the day only) and never serves its
raw answers: not through the API, ``prima export``, the export page and its jobs, the paper
import's storage, ``/manage/`` and ``/admin/``, nor a webhook."""

from __future__ import annotations

import importlib
import io
import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from prima.abuse.controls import Signals
from prima.abuse.models import ResponseToken
from prima.cli.main import main as prima_main
from prima.collection.kiosks import kiosk_register
from prima.demo.seeding import seed_responses
from prima.organizations import services as org
from prima.surveys import services as srv
from prima.surveys.anonymity import RawAnswersWithheld, local_day_start, stored_submission_id
from prima.surveys.models import Instrument, Response, Survey
from prima.transfers import export as export_module
from prima.transfers import export_jobs
from prima.transfers.export import export_to_path, write_csv, write_xlsx
from prima.transfers.importing import import_commit, import_read
from prima.transfers.models import ExportJob
from tests.web.personas import PASSWORD, build_world

COMMENT = "Komentar rahasia pegawai 9q4z"


def employee_answers(value: int = 4) -> dict[str, int]:
    version = Instrument.objects.get(key="internal").latest()
    return {q.key: value for q in version.questions}


@pytest.fixture
def world(db):
    w = build_world()
    w.employee = srv.survey_create(
        organization=w.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[w.upt1, w.upt2],
    )
    return w


def _post(client, code, lang="en", **payload):
    body = {"submission_id": str(uuid.uuid4()), "answers": employee_answers(), **payload}
    return client.post(
        f"/api/v1/public/surveys/{code}/responses?lang={lang}",
        body,
        content_type="application/json",
    )


# -- what an employee survey is ------------------------------------------------------------------
def test_the_audience_comes_from_the_instrument_and_the_api_says_it(world):
    assert world.employee.is_employee
    assert world.employee.audience == "internal"
    assert not world.skm.is_employee
    assert world.skm.audience == "external"
    api = world.api("victor")
    listed = {s["code"]: s["audience"] for s in api.get("/api/v1/surveys").json()}
    assert listed == {
        world.skm.code: "external",
        world.a6.code: "external",
        world.employee.code: "internal",
    }
    assert api.get(f"/api/v1/surveys/{world.employee.code}").json()["audience"] == "internal"
    schema = api.get("/api/openapi.json").json()
    assert "audience" in schema["components"]["schemas"]["SurveyOut"]["required"]


def test_the_migration_installs_the_internal_instrument_once_and_reverses_as_a_no_op(db):
    migration = importlib.import_module("prima.surveys.migrations.0013_builtin_internal_instrument")
    state = MigrationLoader(connection).project_state(
        ("surveys", "0013_builtin_internal_instrument")
    )
    # a database migrated before the instrument existed: 0002 installed the others only
    Instrument.objects.filter(key="internal").delete()
    assert Instrument.objects.filter(key="skm2017").exists()
    migration.install(state.apps, None)
    migration.install(state.apps, None)  # idempotent
    internal = Instrument.objects.get(key="internal", organization=None)
    assert internal.versions.count() == 1
    assert internal.latest().parsed.audience == "internal"
    assert internal.title == "Survei Kepuasan Pegawai (pelanggan internal)"
    operation = migration.Migration.operations[0]
    assert operation.reversible
    assert operation.reverse_code.__name__ == "noop"
    applied = MigrationLoader(connection).applied_migrations
    assert ("surveys", "0013_builtin_internal_instrument") in applied


# -- anonymity by storage ------------------------------------------------------------------------
def test_a_stored_employee_response_keeps_the_unit_and_the_day_only(world, monkeypatch):
    """Every column of the stored row, checked one by one."""
    zone = ZoneInfo(settings.TIME_ZONE)
    moment = datetime(2026, 12, 6, 21, 37, 12, 345678, tzinfo=zone)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    # a UUID version 1 carries the moment it was made
    sent = uuid.uuid1()
    r = _post(
        world.client(None),
        world.employee.code,
        submission_id=str(sent),
        unit=world.loket1.pk,
        service=world.service1.pk,
        staff=world.staff1.pk,
        suggestion=COMMENT,
        elapsed_ms=61234,
        channel="web",
    )
    assert r.status_code == 201, r.content
    row = Response.objects.get(pk=r.json()["id"])
    assert row.organization_id == world.alpha.pk
    assert row.survey_id == world.employee.pk
    assert row.instrument_version_id == world.employee.instrument_version_id
    assert row.unit_id == world.loket1.pk
    assert row.service_id is None
    assert row.staff_id is None
    assert row.channel == "web"
    assert row.submitted_at == datetime(2026, 12, 6, tzinfo=zone)
    local = timezone.localtime(row.submitted_at, zone)
    assert local.time() == time(0, 0)
    assert local.date().isoformat() == "2026-12-06"
    assert row.submission_id != sent
    assert row.submission_id == stored_submission_id(world.employee.pk, sent)
    assert row.submission_id.version == 4  # random-looking: no clock inside
    assert row.answers == employee_answers()
    assert row.profile == {}
    assert row.suggestion == COMMENT
    assert row.contact == {}
    assert row.device_id is None
    assert row.duration_ms is None
    assert row.flag == ""
    assert row.flag_detail == ""
    assert not row.flag_included
    checked = {
        "id", "organization", "survey", "instrument_version", "unit", "service", "staff",
        "channel", "submitted_at", "submission_id", "answers", "profile", "suggestion",
        "contact", "device", "duration_ms", "flag", "flag_detail", "flag_included", "rolled",
    }  # fmt: skip
    # a new column must be judged here before it is stored for employees
    assert {f.name for f in Response._meta.concrete_fields} == checked
    # a retry finds the stored response through the keyed id
    again = _post(world.client(None), world.employee.code, submission_id=str(sent))
    assert again.status_code == 200
    assert again.json() == r.json()
    assert Response.objects.filter(survey=world.employee).count() == 1


def test_the_day_is_the_local_day_and_customer_responses_keep_their_time(world, monkeypatch):
    zone = ZoneInfo(settings.TIME_ZONE)
    # 23:30 UTC on 5 December is already 6 December in Jakarta (UTC+7)
    moment = datetime(2026, 12, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert local_day_start() == datetime(2026, 12, 6, tzinfo=zone)
    employee = _post(world.client(None), world.employee.code, unit=world.upt2.pk)
    customer = world.client(None).post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        {
            "submission_id": str(uuid.uuid4()),
            "answers": {f"U{i}": 3 for i in range(1, 10)},
            "unit": world.upt2.pk,
            "elapsed_ms": 50000,
        },
        content_type="application/json",
    )
    e = Response.objects.get(pk=employee.json()["id"])
    c = Response.objects.get(pk=customer.json()["id"])
    assert e.submitted_at == datetime(2026, 12, 6, tzinfo=zone)
    assert c.submitted_at == moment
    assert c.duration_ms == 50000


def test_contact_and_tokens_are_refused_naming_the_field(world):
    contact = _post(
        world.client(None),
        world.employee.code,
        unit=world.upt1.pk,
        contact={"name": "Budi", "email": "budi@alpha.example"},
        consent=True,
    )
    assert contact.status_code == 400
    assert set(contact.json()["errors"]) == {"contact"}
    assert "anonymous" in contact.json()["errors"]["contact"]
    token = _post(world.client(None), world.employee.code, unit=world.upt1.pk, token="abcd1234")
    assert token.status_code == 400
    assert set(token.json()["errors"]) == {"token"}
    indonesian = world.client(None).post(
        f"/api/v1/public/surveys/{world.employee.code}/responses?lang=id",
        {
            "submission_id": str(uuid.uuid4()),
            "answers": employee_answers(),
            "unit": world.upt1.pk,
            "contact": {"name": "Budi"},
            "consent": True,
        },
        content_type="application/json",
    )
    assert "anonim" in indonesian.json()["errors"]["contact"]
    assert not Response.objects.filter(survey=world.employee).exists()


def test_a_kiosk_answer_keeps_no_device_and_does_not_time_the_kiosk(world, settings):
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_IP = 0  # any answer from an IP would be flagged
    device, _pairing = kiosk_register(survey=world.employee, unit=world.upt1, name="Ruang staf")
    response, created = srv.response_submit(
        survey=world.employee,
        submission=srv.Submission(
            submission_id=uuid.uuid4(),
            answers=employee_answers(3),
            device=device,
            channel="kiosk",
            answered_at=timezone.now(),
            signals=Signals(ip="10.0.0.9"),
        ),
    )
    assert created
    row = Response.objects.get(pk=response.pk)
    assert row.channel == "kiosk"
    assert row.flag == ""  # the kiosk is not counted against the IP limits
    assert row.device_id is None
    assert row.unit_id == world.upt1.pk
    device.refresh_from_db()
    assert device.last_answered_at is None


def test_the_public_form_does_not_ask_employees_for_contact_details(world):
    page = world.client(None).get(f"/s/{world.employee.code}/")
    assert page.status_code == 200
    assert 'name="contact.' not in page.content.decode()
    customer = world.client(None).get(f"/s/{world.skm.code}/")
    assert 'name="contact.email"' in customer.content.decode()


def test_a_paper_import_stores_the_day_and_keyed_ids_and_skips_a_second_import(world, tmp_path):
    keys = list(employee_answers())
    sid = uuid.uuid4()
    path = tmp_path / "pegawai.csv"
    header = ["submission_id", "unit", "service", "submitted_at", *keys, "suggestion"]
    line = [str(sid), str(world.upt1.pk), str(world.service1.pk), "2026-11-03 14:25"]
    path.write_text(
        ",".join(header) + "\n" + ",".join([*line, *["4"] * len(keys), COMMENT]) + "\n",
        encoding="utf-8",
    )
    report = import_read(world.employee, path, source=path.name)
    assert report.ok, report.problems
    assert import_commit(report) == 1
    row = Response.objects.get(survey=world.employee)
    zone = ZoneInfo(settings.TIME_ZONE)
    assert row.submitted_at == datetime(2026, 11, 3, tzinfo=zone)
    assert row.submission_id == stored_submission_id(world.employee.pk, sid)
    assert row.service_id is None
    assert row.staff_id is None
    assert row.flag_detail == ""
    again = import_read(world.employee, path, source=path.name)
    assert again.duplicates == [2]
    assert import_commit(again) == 0
    assert Response.objects.filter(survey=world.employee).count() == 1


# -- raw answers never served --------------------------------------------------------------------
@pytest.fixture
def answered(world):
    for unit in (world.upt1, world.loket1, world.upt2):
        srv.response_submit(
            survey=world.employee,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers=employee_answers(2),
                unit_id=unit.pk,
                suggestion=COMMENT,
            ),
        )
    return world


@pytest.mark.parametrize("persona", ["alice", "bob", "victor"])
def test_the_responses_endpoint_answers_403_for_every_role(answered, persona):
    r = answered.api(persona).get(f"/api/v1/surveys/{answered.employee.code}/responses?lang=en")
    assert r.status_code == 403
    body = r.json()
    assert "employee survey" in body["detail"]
    assert "never served" in body["detail"]
    assert COMMENT not in r.content.decode()
    indonesian = answered.api(persona).get(
        f"/api/v1/surveys/{answered.employee.code}/responses?lang=id"
    )
    assert "survei pegawai" in indonesian.json()["detail"]
    # the customer survey's responses are served as before
    customer = answered.api(persona).get(f"/api/v1/surveys/{answered.skm.code}/responses")
    assert customer.status_code == 200
    assert customer.json()["count"] >= 1


@pytest.mark.parametrize("persona", ["charlie", "mallory"])
def test_another_tenant_or_no_role_gets_404_not_403(answered, persona):
    if persona == "mallory":
        client = answered.client("mallory")
        token = org.token_create(user=answered.users["mallory"])
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    else:
        client = answered.api(persona)
    r = client.get(f"/api/v1/surveys/{answered.employee.code}/responses")
    assert r.status_code == 404
    assert (
        answered.api(None).get(f"/api/v1/surveys/{answered.employee.code}/responses").status_code
        == 401
    )


def test_prima_export_responses_refuses_with_status_2(answered, capsys, monkeypatch):
    # Django closes every connection after a command run from the command line: keep the
    # test's (PostgreSQL would lose the test transaction)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(CommandError) as refused:
        call_command("export", "responses", survey=answered.employee.code, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert "survei pegawai" in str(refused.value)  # the installation's language
    assert "tidak pernah ditampilkan maupun diekspor" in str(refused.value)
    # the command line itself, as `prima export responses --survey CODE`
    with pytest.raises(SystemExit) as exited:
        prima_main(["--lang", "en", "export", "responses", "--survey", answered.employee.code])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert "employee survey" in err
    assert COMMENT not in out + err
    with pytest.raises(SystemExit) as exited:
        prima_main(["export", "responses", "--survey", answered.employee.code])
    assert exited.value.code == 2
    assert "survei pegawai" in capsys.readouterr().err
    # a customer survey still exports
    ok = io.StringIO()
    call_command("export", "responses", survey=answered.skm.code, stdout=ok)
    assert ok.getvalue().startswith("id,submission_id")


def test_every_export_writer_refuses(answered, tmp_path):
    survey = answered.employee
    for write in (
        lambda: write_csv(survey, io.StringIO()),
        lambda: write_xlsx(survey, io.BytesIO()),
        lambda: export_to_path(survey, tmp_path / "x.csv"),
        lambda: export_module.export_queryset(survey),
        lambda: list(export_module.export_rows(survey)),
    ):
        with pytest.raises(RawAnswersWithheld):
            write()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(export_jobs.ExportRequestError) as refused:
        export_jobs.export_job_create(
            user=answered.users["alice"], survey=survey, fmt="csv", enqueue=False
        )
    assert refused.value.field == "survey"
    assert not ExportJob.objects.exists()


def test_the_export_page_offers_no_export_of_an_employee_survey(answered, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = answered.client("alice")
    url = f"/app/surveys/{answered.employee.code}/ekspor/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="export-form"' not in html
    assert "ui-notice" in html
    posted = client.post(url, {"format": "csv"})
    assert posted.status_code == 403
    assert not ExportJob.objects.exists()
    assert client.get(f"/app/surveys/{answered.employee.code}/ekspor/", {"unit": ""}).status_code
    # a foreign tenant still gets 404, never the notice
    assert answered.client("charlie").get(url).status_code == 404


def test_management_pages_show_no_employee_answers(answered):
    alice = answered.client("alice")
    row = Response.objects.filter(survey=answered.employee).first()
    listing = alice.get("/manage/surveys/response/")
    assert listing.status_code == 200
    assert COMMENT not in listing.content.decode()
    page = alice.get(f"/manage/surveys/response/{row.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert COMMENT not in html
    assert str(row.submission_id) not in html
    assert '"KB1.harapan"' not in html
    assert "KB1.harapan" not in html
    # the Django admin of a superuser hides them as well
    root = org.user_create(username="root", password=PASSWORD)
    root.is_staff = root.is_superuser = True
    root.save()
    admin = answered.client(None)
    admin.force_login(root)
    page = admin.get(f"/admin/surveys/response/{row.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert COMMENT not in html
    assert "KB1.harapan" not in html
    assert (
        admin.post(
            f"/admin/surveys/response/{row.pk}/change/", {"suggestion": "diubah"}
        ).status_code
        == 403
    )
    # a customer response is shown whole, as before
    customer = Response.objects.filter(survey=answered.skm).first()
    assert "U1" in alice.get(f"/manage/surveys/response/{customer.pk}/change/").content.decode()


def test_no_webhook_event_for_an_employee_response(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[tuple] = []
    monkeypatch.setattr("prima.webhooks.services.emit", lambda *a, **k: sent.append(a))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = _post(world.client(None), world.employee.code, unit=world.upt1.pk)
    assert r.status_code == 201
    assert callbacks  # the signal was sent; the receiver sent nothing
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        customer = world.client(None).post(
            f"/api/v1/public/surveys/{world.skm.code}/responses",
            {
                "submission_id": str(uuid.uuid4()),
                "answers": {f"U{i}": 3 for i in range(1, 10)},
                "unit": world.upt1.pk,
            },
            content_type="application/json",
        )
    assert customer.status_code == 201
    assert len(sent) == 1


# -- creating employee surveys in /manage/ -------------------------------------------------------
def _survey_form(world, version, **extra):
    data = {
        "organization": world.alpha.pk,
        "title": "Survei Pegawai 2027",
        "instrument_version": version.pk,
        "units": [world.upt1.pk],
        "status": "open",
        "ask_profile": "on",
        "form_mode": "page",
        **extra,
    }
    return data


def test_the_survey_form_names_the_audience_and_refuses_what_would_link_answers(world):
    alice = world.client("alice")
    page = alice.get("/manage/surveys/survey/add/").content.decode()
    assert "(pegawai)" in page
    assert "(pelanggan)" in page
    internal = Instrument.objects.get(key="internal").latest()
    tokens = alice.post(
        "/manage/surveys/survey/add/", _survey_form(world, internal, requires_token="on")
    )
    assert tokens.status_code == 200
    assert "token" in tokens.content.decode()
    assert not Survey.objects.filter(title="Survei Pegawai 2027").exists()
    created = alice.post("/manage/surveys/survey/add/", _survey_form(world, internal))
    assert created.status_code == 302
    assert Survey.objects.get(title="Survei Pegawai 2027").is_employee
    # a customer survey with responses cannot become an employee survey (nor the reverse)
    skm = world.skm
    changed = alice.post(
        f"/manage/surveys/survey/{skm.pk}/change/",
        _survey_form(world, internal, title=skm.title, units=[world.upt1.pk, world.upt2.pk]),
    )
    assert changed.status_code == 200
    skm.refresh_from_db()
    assert not skm.is_employee


def test_the_dashboard_lists_no_employee_comments_and_there_is_no_skm_report(answered):
    alice = answered.client("alice")
    url = f"/app/surveys/{answered.employee.code}/"
    for query in ({}, {"section": "suggestions"}, {"section": "suggestions", "q": "rahasia"}):
        page = alice.get(url, query)
        assert page.status_code == 200
        assert COMMENT not in page.content.decode()
    assert 'section=suggestions"' not in alice.get(url).content.decode()
    # an organization's own employee instrument of the IKM kind gets no SKM report either
    definition = {**Instrument.objects.get(key="skm2017").latest().definition}
    definition["audience"] = "internal"
    own = Instrument.objects.create(organization=answered.alpha, key="ikm-pegawai", title="IKM")
    own.versions.create(number=1, definition=definition)
    survey = srv.survey_create(
        organization=answered.alpha, title="IKM Pegawai", instrument=own, units=[answered.upt1]
    )
    srv.response_submit(
        survey=survey,
        submission=srv.Submission(
            submission_id=uuid.uuid4(),
            answers={f"U{i}": 3 for i in range(1, 10)},
            suggestion=COMMENT,
        ),
    )
    for fmt in ("pdf", "xlsx"):
        r = alice.get(f"/app/surveys/{survey.code}/laporan-skm.{fmt}", {"period": "2026"})
        assert r.status_code == 404
    # the customer survey's suggestions are listed as before
    skm = alice.get(f"/app/surveys/{answered.skm.code}/", {"section": "suggestions"})
    assert (
        'section=suggestions"' in alice.get(f"/app/surveys/{answered.skm.code}/").content.decode()
    )
    assert skm.status_code == 200


def test_the_token_action_makes_no_tokens_for_an_employee_survey(world):
    alice = world.client("alice")
    done = alice.post(
        "/manage/surveys/survey/",
        {
            "action": "create_tokens",
            "_selected_action": [str(world.employee.pk), str(world.skm.pk)],
            "index": "0",
        },
        follow=True,
    )
    assert done.status_code == 200
    assert not ResponseToken.objects.filter(survey=world.employee).exists()
    assert ResponseToken.objects.filter(survey=world.skm).count() == 100  # customers as before
    assert "survei pegawai" in done.content.decode()


def test_seeded_employee_responses_have_the_shape_of_stored_ones(world):
    assert seed_responses(survey=world.employee, count=300, seed=7) == 300
    rows = Response.objects.filter(survey=world.employee)
    assert rows.count() == 300
    zone = ZoneInfo(settings.TIME_ZONE)
    assert {timezone.localtime(r.submitted_at, zone).time() for r in rows} == {time(0, 0)}
    assert len({r.submitted_at for r in rows}) > 20  # spread over many days
    assert not rows.exclude(service=None).exists()
    assert not rows.exclude(staff=None).exists()
