"""One-time invitations of employee surveys (issue 12, point 2): made from the staff list or a
file, delivered by e-mail (the task worker) or printed slips (PDF), checked before the answers
are accepted and spent in the response's transaction -- and never linked to the response: no
foreign key either way, no moment finer than the day, no order (the stored rows are checked
after submissions in random order, on SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection, models

from prima.invitations import codes
from prima.invitations.models import (
    Delivery,
    Invitation,
    InvitationMailing,
    InvitationPolicy,
    InvitationTally,
)
from prima.invitations.services import Invitee, NotAnEmployeeSurvey, invitations_issue
from prima.invitations.slips import slips_pdf
from prima.organizations import services as org
from prima.surveys import services as srv
from prima.surveys.anonymity import local_day_start
from prima.surveys.models import Instrument, Response
from tests.web.personas import build_world

BASE = "http://testserver/"
CODE_RE = re.compile(r"\b[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}\b")


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


def _slips(world, units) -> list[str]:
    issued = invitations_issue(
        survey=world.employee, invitees=[Invitee(unit=u) for u in units], base_url=BASE
    )
    assert issued.mailed == 0
    return [s.code for s in issued.slips]


def _form(world, code: str, value: int = 4, **extra) -> dict[str, str]:
    return {
        "submission_id": str(uuid.uuid4()),
        "invitation": codes.display(code),
        **{k: str(v) for k, v in employee_answers(value).items()},
        **extra,
    }


def _answer(client, world, code: str, value: int = 4, lang: str = "id"):
    """The public page, as a browser does it: GET the invitation link, then POST the form."""
    url = f"/s/{world.employee.code}/?lang={lang}&invitation={codes.display(code)}"
    page = client.get(url)
    if page.status_code != 200:
        return page
    return client.post(url, _form(world, code, value))


def _stored_rows() -> dict[str, list[dict]]:
    """Every stored row of the invitation tables, as the database holds them."""
    return {
        m._meta.db_table: list(m.objects.order_by("pk").values())
        for m in (Invitation, InvitationTally, InvitationPolicy, InvitationMailing)
    }


# -- the model: nothing to join on ------------------------------------------------------------
def test_no_relation_and_no_moment_finer_than_the_day_between_invitations_and_responses():
    invitation_models = list(apps.get_app_config("invitations").get_models())
    assert {m.__name__ for m in invitation_models} == {
        "Invitation",
        "InvitationTally",
        "InvitationPolicy",
        "InvitationMailing",
    }
    for model in invitation_models:
        for field in model._meta.get_fields():
            assert field.related_model is not Response, (model, field)
            # no time of day anywhere: dates only
            assert not isinstance(field, models.DateTimeField | models.TimeField), (model, field)
    for field in Response._meta.get_fields():
        assert field.related_model not in invitation_models, field
    # nothing in the invitation's row says who it was for
    names = {f.name for f in Invitation._meta.get_fields()}
    assert names == {
        "id",
        "organization",
        "survey",
        "unit",
        "code_hash",
        "delivery",
        "delivered",
        "made_on",
    }


# -- codes -------------------------------------------------------------------------------------
def test_codes_are_random_printable_and_stored_only_as_a_keyed_hash(world):
    made = _slips(world, [world.upt1] * 50)
    assert len(set(made)) == 50
    for code in made:
        assert len(code) == 10
        assert set(code) <= set(codes.ALPHABET)
        assert not set(code) & set("01ILO")
    assert codes.normalise(" k7rmx-2qhfa ") == "K7RMX2QHFA"
    stored = list(Invitation.objects.values_list("code_hash", flat=True))
    for code in made:  # the clear code is nowhere in the database
        assert code not in " ".join(stored)
        assert codes.code_hash(world.employee.pk, code) in stored
    # another survey's hash of the same code differs (a code works on its survey only)
    assert codes.code_hash(world.employee.pk + 1, made[0]) not in stored
    assert InvitationTally.objects.get(survey=world.employee, unit=world.upt1).issued == 50


# -- the acceptance line ---------------------------------------------------------------------------
def test_an_invitation_cannot_be_joined_to_its_response(world):
    """Several submissions in random order: the stored rows keep no link, no moment and no
    order. Spent invitations are gone (their rows deleted in the response's transaction); the
    unspent ones are exactly as they were; the tallies did not move; the responses keep the
    unit and the day; no value of a response appears in an invitation table and back."""
    InvitationPolicy.objects.create(survey=world.employee, organization=world.alpha, required=True)
    made = _slips(world, [world.upt1] * 6 + [world.upt2] * 6 + [world.loket1] * 3)
    hashes = {codes.code_hash(world.employee.pk, c): c for c in made}
    before = _stored_rows()
    rng = random.Random(20261207)
    spent = rng.sample(made, 9)
    client = world.client(None)
    for code in spent:
        r = _answer(client, world, code, value=rng.randint(1, 5))
        assert r.status_code == 302, r.content[:400]
    after = _stored_rows()
    responses = list(Response.objects.filter(survey=world.employee).order_by("pk").values())
    assert len(responses) == 9
    # the spent invitations are gone; every other row is unchanged, field by field
    left = {row["code_hash"] for row in after[Invitation._meta.db_table]}
    assert left == {h for h, c in hashes.items() if c not in spent}
    assert after[Invitation._meta.db_table] == [
        row for row in before[Invitation._meta.db_table] if row["code_hash"] in left
    ]
    for table in (InvitationTally, InvitationPolicy, InvitationMailing):
        assert after[table._meta.db_table] == before[table._meta.db_table]
    # the responses: the unit the invitation was made for, the day only, nothing of the code
    by_unit: dict[int, int] = {}
    for row in responses:
        assert row["submitted_at"] == local_day_start(row["submitted_at"])
        assert row["channel"] == "web"
        by_unit[row["unit_id"]] = by_unit.get(row["unit_id"], 0) + 1
        text = repr(row)
        for code in made:
            assert code not in text
            assert codes.display(code) not in text
        for h in hashes:
            assert h not in text
    spent_units = {}
    unit_of = {world.upt1.pk: 6, world.upt2.pk: 6, world.loket1.pk: 3}
    for unit_id, total in unit_of.items():
        unspent = sum(1 for row in after[Invitation._meta.db_table] if row["unit_id"] == unit_id)
        spent_units[unit_id] = total - unspent
    assert {k: v for k, v in spent_units.items() if v} == by_unit
    # and no response value appears in the invitation tables (ids, submission ids, moments)
    invitation_text = repr(after)
    for row in responses:
        assert str(row["submission_id"]) not in invitation_text
    if connection.vendor == "postgresql":
        # the transaction ids: every row written while a response was stored is deleted, so
        # no invitation row shares its xmin with a response
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT xmin::text FROM {Response._meta.db_table} WHERE survey_id = %s",
                [world.employee.pk],
            )
            response_xmins = {x for (x,) in cur.fetchall()}
            for model in (Invitation, InvitationTally, InvitationPolicy, InvitationMailing):
                cur.execute(f"SELECT xmin::text FROM {model._meta.db_table}")
                assert not response_xmins & {x for (x,) in cur.fetchall()}, model


# -- one-time use ---------------------------------------------------------------------------------
def test_a_code_is_used_once_and_a_second_use_stores_nothing(world):
    [code] = _slips(world, [world.upt2])
    client = world.client(None)
    assert _answer(client, world, code).status_code == 302
    assert Response.objects.filter(survey=world.employee).count() == 1
    # the link again: a clear page, in Indonesian and in English, and no form
    for lang, text in (
        ("id", "Kode undangan ini tidak dapat digunakan"),
        ("en", "This invitation code cannot be used"),
    ):
        r = client.get(f"/s/{world.employee.code}/?lang={lang}&invitation={code}")
        assert r.status_code == 403
        assert text in r.content.decode()
        assert 'name="submission_id"' not in r.content.decode()
    # a POST with the spent code (a second tab): refused, nothing stored
    r = client.post(
        f"/s/{world.employee.code}/?lang=en&invitation={code}", _form(world, code, value=1)
    )
    assert r.status_code == 403
    assert Response.objects.filter(survey=world.employee).count() == 1
    # the API refuses it too (409), and an unknown code
    api = world.client(None)
    for typed, status in ((code, 409), ("AAAAA-BBBBB", 409)):
        r = api.post(
            f"/api/v1/public/surveys/{world.employee.code}/responses?lang=en",
            {
                "submission_id": str(uuid.uuid4()),
                "answers": employee_answers(),
                "invitation": typed,
            },
            content_type="application/json",
        )
        assert r.status_code == status, r.content
        assert "used already" in r.json()["errors"]["invitation"]
    assert Response.objects.filter(survey=world.employee).count() == 1


def test_a_retry_of_the_spending_submission_returns_the_first_response(world):
    [code] = _slips(world, [world.upt1])
    body = {"submission_id": str(uuid.uuid4()), "answers": employee_answers(), "invitation": code}
    url = f"/api/v1/public/surveys/{world.employee.code}/responses"
    api = world.client(None)
    first = api.post(url, body, content_type="application/json")
    assert first.status_code == 201
    again = api.post(url, body, content_type="application/json")
    assert again.status_code == 200
    assert Response.objects.filter(survey=world.employee).count() == 1
    assert not Invitation.objects.exists()


def test_a_submission_with_wrong_answers_does_not_spend_the_code(world):
    [code] = _slips(world, [world.upt1])
    client = world.client(None)
    url = f"/s/{world.employee.code}/?invitation={code}"
    form = _form(world, code)
    first_key = next(iter(employee_answers()))
    form[first_key] = "9"
    assert client.post(url, form).status_code == 400
    assert Invitation.objects.count() == 1
    assert _answer(client, world, code).status_code == 302
    assert not Invitation.objects.exists()


# -- invitation required, or the open link -----------------------------------------------------------
def test_the_survey_setting_decides_between_invitations_only_and_the_open_link(world):
    client = world.client(None)
    url = f"/s/{world.employee.code}/"
    open_page = client.get(url)  # no policy: the open link
    assert open_page.status_code == 200
    assert 'name="submission_id"' in open_page.content.decode()
    form = {
        "submission_id": str(uuid.uuid4()),
        "unit": str(world.upt1.pk),
        **{k: str(v) for k, v in employee_answers().items()},
    }
    assert client.post(url, form).status_code == 302
    InvitationPolicy.objects.create(survey=world.employee, organization=world.alpha, required=True)
    ask = client.get(url + "?lang=en")
    assert ask.status_code == 200
    body = ask.content.decode()
    assert 'name="invitation"' in body
    assert 'name="submission_id"' not in body
    assert "personal invitation code" in body
    # a hand-made POST without a code, and the API without one: refused, nothing stored
    assert client.post(url, {**form, "submission_id": str(uuid.uuid4())}).status_code == 200
    r = client.post(
        f"/api/v1/public/surveys/{world.employee.code}/responses?lang=en",
        {"submission_id": str(uuid.uuid4()), "answers": employee_answers()},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert "invitation" in r.content.decode()
    assert Response.objects.filter(survey=world.employee).count() == 1
    # with a code: the unit comes from the invitation (the form does not ask it)
    [code] = _slips(world, [world.loket1])
    page = client.get(f"{url}?invitation={code.lower()}")
    assert page.status_code == 200
    assert 'name="unit"' not in page.content.decode()
    assert _answer(client, world, code).status_code == 302
    assert Response.objects.filter(survey=world.employee).latest("pk").unit == world.loket1


def test_a_customer_survey_ignores_invitations(world):
    r = world.client(None).get(f"/s/{world.skm.code}/?invitation=AAAAA-BBBBB")
    assert r.status_code == 200
    with pytest.raises(NotAnEmployeeSurvey):
        invitations_issue(survey=world.skm, invitees=[Invitee(unit=world.upt1)], base_url=BASE)


# -- making invitations in the back office ---------------------------------------------------------
def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / f"{uuid.uuid4().hex}.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", src, "-"], capture_output=True, check=True)
    return out.stdout.decode()


def _tools() -> None:
    missing = [t for t in ("pdftoppm", "pdftotext", "zbarimg") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: apt-get install poppler-utils zbar-tools")


def test_the_slips_pdf_renders_with_the_codes_and_qr_codes_that_open_them(world, tmp_path):
    _tools()
    issued = invitations_issue(
        survey=world.employee,
        invitees=[Invitee(unit=world.upt1)] * 9 + [Invitee(unit=world.loket1)],
        base_url="https://prima.example/",
    )
    pdf = slips_pdf(world.employee, issued.slips, "https://prima.example/")
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf, tmp_path)
    printed = {c.replace("-", "") for c in CODE_RE.findall(text)}
    assert printed == {s.code for s in issued.slips}
    assert "Siti Petugas" not in text  # no names on slips
    src = tmp_path / "slips.pdf"
    src.write_bytes(pdf)
    found: set[str] = set()
    for dpi in (150, 300):  # zbarimg may miss one of eight codes at one resolution
        for old in tmp_path.glob("p-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", src, tmp_path / "p"], check=True)
        pages = sorted(tmp_path.glob("p-*.png"))
        assert len(pages) == 2  # eight slips a page
        for page in pages:
            out = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", page],
                capture_output=True,
                check=True,
            )
            found |= set(out.stdout.decode().split())
    expected = {
        f"https://prima.example/s/{world.employee.code}/?invitation={codes.display(s.code)}"
        for s in issued.slips
    }
    assert found == expected


def test_an_admin_makes_slips_from_the_staff_list_through_the_page(world, tmp_path):
    _tools()
    org.staff_create(unit=world.upt2, name="Budi Tanpa Surel")
    alice = world.client("alice")
    page = alice.get(f"/app/surveys/{world.employee.code}/undangan/")
    assert page.status_code == 200
    r = alice.post(f"/app/surveys/{world.employee.code}/undangan/buat/", {"source": "staff"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Cache-Control"] == "private, no-store"
    text = _pdf_text(r.content, tmp_path)
    typed = CODE_RE.findall(text)
    assert len(typed) == 2  # Siti (loket 1, below UPT 1) and Budi (UPT 2)
    assert "Siti Petugas" not in text
    assert "Budi" not in text
    assert Invitation.objects.filter(survey=world.employee, delivered=True).count() == 2
    # one code answered: participation per unit, nothing of whom
    assert _answer(world.client(None), world, typed[0].replace("-", "")).status_code == 302
    page = alice.get(f"/app/surveys/{world.employee.code}/undangan/?lang=en").content.decode()
    table = page[page.index('id="participation"') :]
    assert "Loket Satu" in table
    assert "UPT Alpha Dua" in table
    assert table.count("100%") + table.count("0%") >= 2


@pytest.mark.django_db(transaction=True)  # the task worker closes connections
def test_e_mails_go_through_the_task_worker_and_keep_no_address(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    world.employee = srv.survey_create(
        organization=world.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[world.upt1, world.upt2],
    )
    user = org.user_create(username="sari", email="sari@alpha.example")
    member = org.staff_create(unit=world.upt2, name="Sari <b>Surel</b>")
    member.user = user
    member.save()
    alice = world.client("alice")
    with django_capture_on_commit_callbacks(execute=True):
        r = alice.post(
            f"/app/surveys/{world.employee.code}/undangan/buat/",
            {"source": "staff", "unit": str(world.upt2.pk)},
        )
    assert r.status_code == 302
    assert "done=mailed" in r["Location"]
    assert "n=1" in r["Location"]
    assert mail.outbox == []  # never in the request
    [mailing] = InvitationMailing.objects.all()
    assert mailing.recipients[0]["email"] == "sari@alpha.example"
    from django_tasks_db.models import DBTaskResult

    [task] = DBTaskResult.objects.all()
    assert "sari" not in repr(task.args_kwargs)  # the task's row: an id only
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    [message] = mail.outbox
    assert message.to == ["sari@alpha.example"]
    assert "Sari &lt;b&gt;Surel&lt;/b&gt;" in message.alternatives[0][0]
    [code] = set(CODE_RE.findall(message.body))
    assert f"/s/{world.employee.code}/?invitation={code}" in message.body
    assert not InvitationMailing.objects.exists()  # the address is gone
    [row] = Invitation.objects.all()
    assert (row.delivery, row.delivered, row.unit_id) == (Delivery.EMAIL, True, world.upt2.pk)
    assert "sari" not in repr(list(Invitation.objects.values()))
    client = world.client(None)
    assert _answer(client, world, code.replace("-", "")).status_code == 302
    assert not Invitation.objects.exists()
    assert Response.objects.get(survey=world.employee).unit == world.upt2


def _upload(client, world, name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/app/surveys/{world.employee.code}/undangan/buat/?lang=en",
        {"source": "file", "file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


def test_a_file_with_problems_names_file_row_and_column_and_makes_nothing(world):
    alice = world.client("alice")
    r = _upload(
        alice,
        world,
        "pegawai.csv",
        "name,email,unit\n"
        "Ani,ani@alpha.example,U1\n"
        "Budi,bukan-surel,U2\n"
        "Cici,,Unit Entah\n"
        "Dedi,ani@alpha.example,L1\n"
        "Eka,,\n",
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "pegawai.csv, row 3, column email" in body
    assert "pegawai.csv, row 4, column unit" in body
    assert "pegawai.csv, row 5, column email" in body
    assert "row 2 already" in body
    assert "pegawai.csv, row 6, column unit" in body
    assert "row 2," not in body.replace("row 2 already", "")
    r = _upload(alice, world, "tanpa.csv", "name,email\nAni,ani@alpha.example\n")
    assert r.status_code == 400
    assert "tanpa.csv, row 1, column unit" in r.content.decode()
    assert not Invitation.objects.exists()
    assert not InvitationMailing.objects.exists()
    # a manager may invite for their own units only: UPT 2 is outside bob's subtree
    r = _upload(world.client("bob"), world, "b.csv", "unit\nU2\n")
    assert r.status_code == 400
    assert "b.csv, row 2, column unit" in r.content.decode()
    # a good file: slips for those without an address (codes by unit code or name)
    r = _upload(alice, world, "ok.csv", "unit,name\nu1,Ani\nLoket Satu,\n")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert Invitation.objects.filter(unit=world.upt1).count() == 1
    assert Invitation.objects.filter(unit=world.loket1).count() == 1


# -- who may do what -----------------------------------------------------------------------------------
def test_roles_and_tenants(world):
    code = world.employee.code
    url = f"/app/surveys/{code}/undangan/"
    for who in ("charlie", "mallory", "victor"):  # another tenant; a viewer
        client = world.client(who)
        assert client.get(url).status_code == 404
        assert client.post(url + "buat/", {"source": "staff"}).status_code == 404
        assert client.post(url + "aturan/", {"required": "on"}).status_code == 404
    assert world.client(None).get(url).status_code == 302  # to the sign-in
    bob = world.client("bob")  # manager of UPT 1
    page = bob.get(url)
    assert page.status_code == 200
    assert "UPT Alpha Dua" not in page.content.decode()
    assert bob.post(url + "aturan/", {"required": "on"}).status_code == 403
    assert not InvitationPolicy.objects.exists()
    alice = world.client("alice")
    assert alice.post(url + "aturan/", {"required": "on"}).status_code == 302
    assert InvitationPolicy.objects.get(survey=world.employee).required
    assert alice.post(url + "aturan/", {}).status_code == 302
    assert not InvitationPolicy.objects.get(survey=world.employee).required
    # a customer survey has no invitations
    assert alice.get(f"/app/surveys/{world.skm.code}/undangan/").status_code == 404


def test_the_one_question_per_screen_form_carries_the_invitation(world):
    """The step form keeps the code on every screen (its address and a hidden field) and spends
    it with the last one."""
    [code] = _slips(world, [world.upt2])
    client = world.client(None)
    url = f"/s/{world.employee.code}/?mode=steps&lang=en&invitation={codes.display(code)}"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'name="invitation" value="{codes.display(code)}"' in body
    assert f"invitation={codes.display(code)}" in body  # the form's address keeps it
    state = re.search(r'name="state" value="([^"]+)"', body)[1]
    answers = employee_answers(3)
    step = 0
    for _ in range(len(answers) + 5):
        fields = {"state": state, "step": str(step), **{k: str(v) for k, v in answers.items()}}
        r = client.post(url, fields)
        if r.status_code == 302:
            break
        assert r.status_code == 200, r.content[:300]
        body = r.content.decode()
        state = re.search(r'name="state" value="([^"]+)"', body)[1]
        step = int(re.search(r'name="step" value="(\d+)"', body)[1])
    else:
        pytest.fail("the step form never finished")
    assert Response.objects.get(survey=world.employee).unit == world.upt2
    assert not Invitation.objects.exists()
