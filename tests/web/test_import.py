"""Import of paper surveys (issue 5, item 5): CSV/XLSX into a survey, all or nothing.

Acceptance: an import with one bad row stores nothing and reports that row and column; a clean
import of 10,000 rows succeeds. Plus: every problem listed (row, column, Indonesian), the same
rules as a web submission, idempotence by submission_id, an export imported again gives the
same IKM, typed text stored as typed and escaped on the preview page, the permission gate, the
command line and the templates.
"""

from __future__ import annotations

import csv
import io
import random
import time
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management import base as management_base
from django.test import Client
from django.utils import timezone

from prima.cli.main import main
from prima.insights.results import survey_results
from prima.organizations import services as org
from prima.surveys import services as srv
from prima.surveys.choices import Channel, SurveyStatus
from prima.surveys.models import Instrument, Response, Survey
from prima.transfers.export import export_columns, write_csv, write_xlsx
from prima.transfers.importing import MAX_LISTED_ERRORS, import_commit, import_read
from tests.web.personas import World, skm_answers, submit

KEYS = [f"U{i}" for i in range(1, 10)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


# -- files ---------------------------------------------------------------------------------------
def skm_rows(world: World, n: int, *, seed: int = 5) -> list[dict[str, Any]]:
    """``n`` realistic SKM paper forms for world.skm's units, with ids, dates and profiles."""
    rnd = random.Random(seed)
    units = [world.upt1.pk, world.upt2.pk, world.loket1.pk]
    rows = []
    for i in range(n):
        row: dict[str, Any] = {
            "submission_id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "submitted_at": f"2026-{1 + i % 6:02d}-{1 + i % 28:02d}",
            "unit": units[i % 3],
            **{k: rnd.choice((2, 3, 3, 4)) for k in KEYS},
            "profile.age": rnd.randint(18, 70),
            "profile.sex": rnd.choice("LP"),
            "profile.education": rnd.choice(["sd", "slta", "d4s1"]),
            "suggestion": "" if i % 7 else f"Saran nomor {i}",
        }
        rows.append(row)
    return rows


def write_rows(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "responses"
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) if row.get(c) != "" else None for c in columns])
        book.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row.get(c, "") for c in columns])
    return path


def count(survey: Survey) -> int:
    return Response.objects.filter(survey=survey).count()


def second_skm(world: World, title: str = "SKM Alpha kertas") -> Survey:
    return srv.survey_create(
        organization=world.alpha,
        title=title,
        instrument=Instrument.objects.get(key="skm2017"),
        units=[world.upt1, world.upt2],
    )


# -- all or nothing ------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_one_bad_row_stores_nothing_and_names_row_and_column(world, tmp_path, suffix):
    rows = skm_rows(world, 400)
    rows[236]["U4"] = 7  # the 237th data row: spreadsheet row 238
    path = write_rows(tmp_path / f"kertas{suffix}", rows)
    before = count(world.skm)

    report = import_read(world.skm, path, source=path.name)
    assert not report.ok
    assert report.problem_count == 1
    problem = report.problems[0]
    assert (problem.row, problem.column) == (238, "U4")
    assert report.messages() == [
        f'{path.name}, baris 238, kolom U4: jawaban harus antara 1 dan 4 (nilai "7")'
    ]
    with pytest.raises(ValueError, match="nothing may be stored"):
        import_commit(report)
    assert count(world.skm) == before

    english = import_read(world.skm, path, source=path.name, lang="en")
    assert english.messages() == [
        f'{path.name}, row 238, column U4: the answer must be between 1 and 4 (value "7")'
    ]


def test_every_problem_is_listed_up_to_a_cap(world, tmp_path):
    rows = skm_rows(world, 600)
    rows[3]["U1"] = "tiga"
    rows[3]["profile.sex"] = "X"
    rows[10]["unit"] = world.bank_unit.pk  # another organization's unit
    rows[11]["submitted_at"] = "31-02-2026"
    rows[12]["submission_id"] = rows[2]["submission_id"]
    rows[13].update(dict.fromkeys(KEYS, ""))
    for row in rows[100:400]:
        row["U9"] = 0
    path = write_rows(tmp_path / "banyak.csv", rows)

    report = import_read(world.skm, path, source="banyak.csv")
    assert report.problem_count == 6 + 300
    assert report.rows_with_problems == 5 + 300
    assert len(report.problems) == MAX_LISTED_ERRORS
    messages = report.messages()
    assert messages[:6] == [
        'banyak.csv, baris 5, kolom U1: jawaban harus berupa bilangan bulat (nilai "tiga")',
        'banyak.csv, baris 5, kolom profile.sex: pilihan tidak valid (pilihan: L, P) (nilai "X")',
        f'banyak.csv, baris 12, kolom unit: unit "{world.bank_unit.pk}" tidak termasuk dalam '
        "survei ini",
        'banyak.csv, baris 13, kolom submitted_at: tanggal "31-02-2026" tidak dikenali '
        "(contoh: 2026-03-31, 2026-03-31 10:30, 31/03/2026)",
        "banyak.csv, baris 14, kolom submission_id: submission_id yang sama sudah ada di baris 4",
        "banyak.csv, baris 15: semua jawaban kosong",
    ]
    assert messages[-1] == "... dan 106 kesalahan lain"
    assert all(r.row for r in report.problems)


def test_missing_and_duplicate_columns_are_reported_on_the_header_row(world, tmp_path):
    path = tmp_path / "kolom.csv"
    path.write_text("unit,U1,U2,U3,U3,U5,U6,U7,U8\n1,3,3,3,3,3,3,3,3\n", "utf-8")
    report = import_read(world.skm, path, source="kolom.csv")
    assert report.messages() == [
        "kolom.csv, baris 1, kolom U4: kolom tidak ditemukan",
        "kolom.csv, baris 1, kolom U9: kolom tidak ditemukan",
        "kolom.csv, baris 1, kolom U3: nama kolom muncul lebih dari sekali",
    ]
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    report = import_read(world.skm, bad, source="rusak.xlsx")
    assert not report.ok
    assert report.messages()[0].startswith("rusak.xlsx: bukan buku kerja XLSX")


def test_the_rules_of_a_web_submission_apply(world, tmp_path):
    """Unit, service and staff as for a web submission (ResponseChecks), by id or by name."""
    service2 = org.service_create(unit=world.upt2, name="Legalisir Dua")
    base = {"submission_id": "", **skm_answers()}
    rows = [
        {**base, "unit": world.loket1.pk},  # below a survey unit: fine
        {**base, "unit": world.dinas.pk},  # above the survey's units: not part of it
        {**base, "unit_code": "L1"},
        {**base, "unit_code": "DA"},
        {**base, "unit_name": "UPT Alpha Dua"},
        {**base, "unit_name": "Tidak Ada"},
        {**base, "unit": world.upt1.pk, "service": service2.pk},  # another unit's service
        {**base, "unit": world.upt2.pk, "service_name": "legalisir dua"},
        {**base, "unit": world.loket1.pk, "staff_name": "Siti Petugas"},
        {**base, "unit": world.upt2.pk, "staff": world.staff1.pk},  # staff of loket 1
        {**base, "unit": "U1"},
        {**base},  # the survey has two units: one must be named
    ]
    columns = [
        "submission_id",
        "unit",
        "unit_code",
        "unit_name",
        "service",
        "service_name",
        "staff",
        "staff_name",
        *KEYS,
    ]
    report = import_read(world.skm, write_rows(tmp_path / "u.csv", rows, columns), source="u.csv")
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "unit"),
        (5, "unit_code"),
        (7, "unit_name"),
        (8, "service"),
        (11, "staff"),
        (12, "unit"),
        (13, "unit"),
    ]
    assert report.problems[3].message == "layanan tidak termasuk dalam survei ini"
    assert report.problems[4].message == "petugas tidak dikenal di unit ini"
    assert "bukan id unit" in report.problems[5].message

    good = [rows[i] for i in (0, 2, 4, 7, 8)]
    report = import_read(world.skm, write_rows(tmp_path / "ok.csv", good, columns))
    assert report.ok, report.messages()
    import_commit(report)
    stored = Response.objects.filter(survey=world.skm, channel=Channel.PAPER).order_by("pk")
    assert [r.unit_id for r in stored] == [
        world.loket1.pk,
        world.loket1.pk,
        world.upt2.pk,
        world.upt2.pk,
        world.loket1.pk,
    ]
    assert stored[3].service_id == service2.pk
    assert stored[4].staff_id == world.staff1.pk


def test_blank_answers_are_allowed_with_a_warning(world, tmp_path):
    rows = skm_rows(world, 5)
    rows[1]["U3"] = ""
    rows[2]["U3"] = ""
    rows[2]["U7"] = "  "
    report = import_read(world.skm, write_rows(tmp_path / "b.csv", rows))
    assert report.ok
    assert (report.blank_answers, report.rows_with_blanks) == (3, 2)
    import_commit(report)
    stored = Response.objects.get(submission_id=rows[2]["submission_id"])
    assert "U3" not in stored.answers
    assert "U7" not in stored.answers
    assert stored.answers["U1"] == rows[2]["U1"]


def test_profile_dates_and_labels(world, tmp_path, settings):
    rows = skm_rows(world, 4)
    rows[0].update({"profile.sex": "Perempuan", "submitted_at": "31/03/2026 10:30"})
    rows[1].update({"profile.sex": "l", "submitted_at": "2026-03-31T23:30:00+00:00"})
    rows[2].update({"profile.age": "abc"})
    rows[3].update({"submitted_at": "2999-01-01"})
    report = import_read(world.skm, write_rows(tmp_path / "p.csv", rows), source="p.csv")
    assert [(p.row, p.column) for p in report.problems] == [
        (4, "profile.age"),
        (5, "submitted_at"),
    ]
    assert report.problems[0].message == 'harus bilangan bulat antara 10 dan 120 (nilai "abc")'
    assert "masa depan" in report.problems[1].message
    ok = import_read(world.skm, write_rows(tmp_path / "p2.csv", rows[:2]))
    import_commit(ok)
    first = Response.objects.get(submission_id=rows[0]["submission_id"])
    second = Response.objects.get(submission_id=rows[1]["submission_id"])
    assert first.profile["sex"] == "P"
    assert second.profile["sex"] == "L"
    assert first.submitted_at.isoformat() == "2026-03-31T03:30:00+00:00"  # 10:30 in Jakarta
    assert second.submitted_at.isoformat() == "2026-03-31T23:30:00+00:00"


# -- size ----------------------------------------------------------------------------------------
def test_a_clean_import_of_10000_rows(world, tmp_path, capsys):
    rows = skm_rows(world, 10_000)
    path = write_rows(tmp_path / "sepuluh-ribu.csv", rows)
    before = survey_results(world.skm)["responses"]
    started = time.perf_counter()
    report = import_read(world.skm, path)
    read = time.perf_counter() - started
    assert report.ok, report.messages()[:5]
    stored = import_commit(report)
    total = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n[import] 10,000 SKM rows (CSV): read+check {read:.2f} s, total {total:.2f} s")
    assert stored == 10_000
    assert Response.objects.filter(survey=world.skm, channel=Channel.PAPER).count() == 10_000
    results = survey_results(world.skm)
    assert results["responses"] == before + 10_000
    assert results["ikm"]["n"] == before + 10_000
    # the suggestion, profile and dates as written
    some = Response.objects.get(submission_id=rows[7]["submission_id"])
    assert some.suggestion == "Saran nomor 7"
    assert some.profile == {
        "age": rows[7]["profile.age"],
        "sex": rows[7]["profile.sex"],
        "education": rows[7]["profile.education"],
    }
    assert timezone.localtime(some.submitted_at).date().isoformat() == rows[7]["submitted_at"]


def test_a_clean_import_of_10000_rows_through_the_web(world, tmp_path, capsys):
    rows = skm_rows(world, 10_000, seed=9)
    path = write_rows(tmp_path / "sepuluh-ribu.xlsx", rows)
    alice = world.client("alice")
    url = f"/app/surveys/{world.skm.code}/import/"
    started = time.perf_counter()
    with path.open("rb") as fh:
        preview = alice.post(url, {"action": "preview", "file": fh})
    middle = time.perf_counter()
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token
    done = alice.post(url, {"action": "commit", "token": token})
    total = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n[import] 10,000 SKM rows (XLSX) through the web: preview {middle - started:.2f} s,"
            f" confirm {total - (middle - started):.2f} s, total {total:.2f} s"
        )
    assert done.status_code == 200
    assert done.context["report"].stored == 10_000
    assert Response.objects.filter(survey=world.skm, channel=Channel.PAPER).count() == 10_000


# -- round trips and idempotence -----------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_into_another_survey_gives_the_same_ikm(world, tmp_path, fmt):
    rnd = random.Random(3)
    units = [world.upt1, world.upt2, world.loket1]
    for i in range(60):
        answers = {k: rnd.randint(1, 4) for k in KEYS}
        submit(
            world.skm,
            answers,
            unit=units[i % 3],
            profile={"sex": "LP"[i % 2], "age": 20 + i},
            suggestion="=SUM(A1:A9)" if i == 4 else ("- ruang tunggu panas" if i == 5 else ""),
        )
    for blank in Response.objects.filter(survey=world.skm).order_by("pk")[::9]:
        blank.answers.pop("U5")  # a paper form left one answer blank
        blank.save(update_fields=["answers"])
    flagged = Response.objects.filter(survey=world.skm).order_by("pk")[7]
    Response.objects.filter(pk=flagged.pk).update(flag="honeypot", flag_detail="bot")
    path = tmp_path / f"ekspor.{fmt}"
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            write_csv(world.skm, fh)
    else:
        write_xlsx(world.skm, path)

    copy = second_skm(world)
    report = import_read(copy, path)
    assert report.ok, report.messages()
    assert report.ignored_columns == []
    assert import_commit(report) == count(world.skm)
    original, imported = survey_results(world.skm), survey_results(copy)
    assert imported["responses"] == original["responses"]
    assert imported["ikm"] == original["ikm"]
    # typed text survives the export's formula guard
    texts = set(Response.objects.filter(survey=copy).values_list("suggestion", flat=True))
    assert {"=SUM(A1:A9)", "- ruang tunggu panas"} <= texts
    assert Response.objects.filter(survey=copy, flag="honeypot").count() == 1

    # the same export into the same survey: everything is already there
    again = import_read(world.skm, path)
    assert again.ok
    assert again.rows == []
    assert len(again.duplicates) == count(world.skm)


def test_importing_the_same_file_twice_stores_it_once(world, tmp_path):
    rows = skm_rows(world, 50)
    path = write_rows(tmp_path / "dua-kali.csv", rows)
    first = import_read(world.skm, path)
    assert import_commit(first) == 50
    before = count(world.skm)
    second = import_read(world.skm, path)
    assert second.ok
    assert (len(second.rows), len(second.duplicates)) == (0, 50)
    assert import_commit(second) == 0
    assert count(world.skm) == before
    # a file with some new rows: the old ones are skipped, the new ones stored
    rows += skm_rows(world, 5, seed=77)
    third = import_read(world.skm, write_rows(tmp_path / "tambah.csv", rows))
    assert (len(third.rows), len(third.duplicates)) == (5, 50)
    assert import_commit(third) == 5


def test_rows_stored_meanwhile_are_skipped_at_commit(world, tmp_path):
    rows = skm_rows(world, 3)
    report = import_read(world.skm, write_rows(tmp_path / "race.csv", rows))
    submit_id = rows[1]["submission_id"]
    srv.response_submit(
        survey=world.skm,
        submission=srv.Submission(
            submission_id=submit_id, answers=skm_answers(), unit_id=world.upt1.pk
        ),
    )
    assert import_commit(report) == 2
    assert report.duplicates == [3]
    assert Response.objects.filter(survey=world.skm, submission_id=submit_id).count() == 1


def test_a_closed_survey_still_takes_paper_forms(world, tmp_path):
    srv.survey_set_status(survey=world.skm, status=SurveyStatus.CLOSED)
    report = import_read(world.skm, write_rows(tmp_path / "tutup.csv", skm_rows(world, 3)))
    assert report.ok
    assert import_commit(report) == 3


# -- the web -------------------------------------------------------------------------------------
def _upload(client: Client, code: str, path: Path, **extra: Any):
    with path.open("rb") as fh:
        return client.post(
            f"/app/surveys/{code}/import/", {"action": "preview", "file": fh, **extra}
        )


def test_web_preview_then_confirm(world, tmp_path, data_dir):
    rows = skm_rows(world, 30)
    path = write_rows(tmp_path / "formulir.csv", rows)
    alice = world.client("alice")
    page = alice.get(f"/app/surveys/{world.skm.code}/import/")
    assert page.status_code == 200
    assert "templat" in page.content.decode().lower()

    preview = _upload(alice, world.skm.code, path)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'id="import-preview"' in html
    assert len(preview.context["report"].preview) == 20
    assert count(world.skm) == 3  # a preview stores nothing
    folders = list((data_dir / "imports").iterdir())
    assert len(folders) == 1

    done = alice.post(
        f"/app/surveys/{world.skm.code}/import/",
        {"action": "commit", "token": preview.context["token"]},
    )
    assert done.status_code == 200
    assert 'id="import-stored">30<' in done.content.decode()
    assert count(world.skm) == 33
    assert list((data_dir / "imports").iterdir()) == []  # cleaned up

    again = alice.post(
        f"/app/surveys/{world.skm.code}/import/",
        {"action": "commit", "token": preview.context["token"]},
    )
    assert again.status_code == 400
    assert count(world.skm) == 33
    forged = alice.post(
        f"/app/surveys/{world.skm.code}/import/", {"action": "commit", "token": "abc:def"}
    )
    assert forged.status_code == 400
    nothing = alice.post(f"/app/surveys/{world.skm.code}/import/", {"action": "preview"})
    assert nothing.status_code == 400


def test_web_preview_lists_errors_in_indonesian_and_offers_no_confirm(world, tmp_path):
    rows = skm_rows(world, 25)
    rows[21]["U2"] = 9
    path = write_rows(tmp_path / "salah.xlsx", rows)
    preview = _upload(world.client("alice"), world.skm.code, path)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert preview.context["token"] is None
    assert "Tidak ada yang disimpan" in html
    assert (
        '<td class="ui-num">23</td><td>U2</td>'
        "<td>jawaban harus antara 1 dan 4 (nilai &quot;9&quot;)</td>" in html
    )
    assert "Masalah per baris dan kolom" in html
    assert 'id="import-confirm"' not in html
    assert count(world.skm) == 3

    # the same page in English (the language cookie of the back office's switch)
    english = world.client("alice")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    preview = _upload(english, world.skm.code, path)
    html = preview.content.decode()
    assert '<html lang="en"' in html
    assert "Nothing was stored." in html
    assert "Problems by row and column" in html
    assert (
        '<td class="ui-num">23</td><td>U2</td>'
        "<td>the answer must be between 1 and 4 (value &quot;9&quot;)</td>" in html
    )
    for indonesian in ("Tidak ada yang disimpan", "Baris dibaca", "Unggah berkas", "jawaban"):
        assert indonesian not in html, indonesian


def test_typed_text_is_stored_as_typed_and_escaped_on_the_preview(world, tmp_path):
    rows = skm_rows(world, 3)
    evil = [
        '=HYPERLINK("http://contoh.invalid","klik")',
        "<script>alert('saran')</script>",
        "'=1+1",  # an export's formula guard: taken off again
    ]
    for row, text in zip(rows, evil, strict=True):
        row["suggestion"] = text
    path = write_rows(tmp_path / "teks.csv", rows)
    alice = world.client("alice")
    preview = _upload(alice, world.skm.code, path)
    html = preview.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;saran&#x27;)&lt;/script&gt;" in html
    assert "=HYPERLINK(&quot;http://contoh.invalid&quot;,&quot;klik&quot;)" in html
    alice.post(
        f"/app/surveys/{world.skm.code}/import/",
        {"action": "commit", "token": preview.context["token"]},
    )
    stored = dict(
        Response.objects.filter(survey=world.skm, channel=Channel.PAPER).values_list(
            "submission_id", "suggestion"
        )
    )
    assert [stored[uuid.UUID(r["submission_id"])] for r in rows] == [*evil[:2], "=1+1"]


def test_the_upload_form_needs_the_csrf_token(world, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["alice"])
    path = write_rows(tmp_path / "csrf.csv", skm_rows(world, 2))
    r = _upload(client, world.skm.code, path)
    assert r.status_code == 403
    page = client.get(f"/app/surveys/{world.skm.code}/import/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


# -- who may import ------------------------------------------------------------------------------
def test_outsiders_get_404_and_viewers_403(world, tmp_path):
    path = write_rows(tmp_path / "x.csv", skm_rows(world, 2))
    urls = [
        f"/app/surveys/{world.skm.code}/import/",
        f"/app/surveys/{world.skm.code}/import/template.csv",
        f"/app/surveys/{world.skm.code}/import/template.xlsx",
    ]
    for name, status in (("charlie", 404), ("mallory", 404), ("victor", 403)):
        client = world.client(name)
        for url in urls:
            assert client.get(url).status_code == status, (name, url)
        assert _upload(client, world.skm.code, path).status_code == status
    anonymous = Client()
    for url in urls:
        r = anonymous.get(url)
        assert r.status_code == 302
        assert r["Location"].startswith("/accounts/login/")
    assert _upload(anonymous, world.skm.code, path).status_code == 302
    assert count(world.skm) == 3


def test_a_manager_imports_only_for_the_units_under_theirs(world, tmp_path):
    rows = skm_rows(world, 6)  # units upt1, upt2, loket1, ...
    bob = world.client("bob")
    preview = _upload(bob, world.skm.code, write_rows(tmp_path / "bob.csv", rows))
    assert preview.status_code == 200
    report = preview.context["report"]
    assert [(p.row, p.column) for p in report.problems] == [(3, "unit"), (6, "unit")]
    assert report.problems[0].message == f'unit "{world.upt2.pk}" tidak termasuk dalam survei ini'
    assert preview.context["token"] is None

    mine = [r for r in rows if r["unit"] != world.upt2.pk]
    preview = _upload(bob, world.skm.code, write_rows(tmp_path / "bob2.csv", mine))
    assert preview.context["token"]
    bob.post(
        f"/app/surveys/{world.skm.code}/import/",
        {"action": "commit", "token": preview.context["token"]},
    )
    assert Response.objects.filter(survey=world.skm, channel=Channel.PAPER).count() == 4
    # a token is the user's own: alice cannot confirm bob's preview, nor bob another survey's
    one = skm_rows(world, 1, seed=99)
    preview = _upload(bob, world.skm.code, write_rows(tmp_path / "bob3.csv", one))
    assert preview.context["token"]
    r = world.client("alice").post(
        f"/app/surveys/{world.skm.code}/import/",
        {"action": "commit", "token": preview.context["token"]},
    )
    assert r.status_code == 400
    r = bob.post(
        f"/app/surveys/{world.a6.code}/import/",
        {"action": "commit", "token": preview.context["token"]},
    )
    assert r.status_code == 400

    # bob's template lists only his units, and no name from outside his subtree
    book = openpyxl.load_workbook(
        io.BytesIO(bob.get(f"/app/surveys/{world.skm.code}/import/template.xlsx").content)
    )
    text = " ".join(
        str(c) for row in book["petunjuk"].iter_rows(values_only=True) for c in row if c
    )
    assert world.loket1.name in text
    assert world.upt1.name in text
    assert world.dinas.name not in text
    assert world.upt2.name not in text
    page = bob.get(f"/app/surveys/{world.skm.code}/import/").content.decode()
    assert world.dinas.name not in page


# -- templates -----------------------------------------------------------------------------------
def test_templates_carry_the_export_header(world, tmp_path):
    alice = world.client("alice")
    r = alice.get(f"/app/surveys/{world.skm.code}/import/template.csv")
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('.csv"')
    assert r.content.decode("utf-8").splitlines() == [",".join(export_columns(world.skm))]

    r = alice.get(f"/app/surveys/{world.a6.code}/import/template.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["responses", "petunjuk"]
    header = [c.value for c in next(book["responses"].iter_rows(max_row=1))]
    assert header == export_columns(world.a6)
    instructions = [row[0] for row in book["petunjuk"].iter_rows(values_only=True)]
    assert "ABL1.harapan" in instructions
    assert "unit_code" in instructions

    # a filled template imports (the XLSX's first sheet is the one read)
    sheet = book["responses"]
    answers = {q.key: 4 for q in world.a6.instrument_version.questions}
    sheet.append([answers.get(c) for c in header])
    filled = tmp_path / "terisi.xlsx"
    book.save(filled)
    report = import_read(world.a6, filled)  # a single-unit survey: no unit needed
    assert report.ok, report.messages()
    assert import_commit(report) == 1
    assert Response.objects.get(survey=world.a6).unit == world.upt1


# -- the command line ----------------------------------------------------------------------------
def test_command_prints_a_summary(world, tmp_path):
    rows = skm_rows(world, 40)
    rows[3]["U6"] = ""
    path = write_rows(tmp_path / "cli.csv", rows)
    out = io.StringIO()
    call_command("import", "responses", str(path), survey=world.skm.code, dry_run=True, stdout=out)
    assert "uji coba" in out.getvalue()
    assert count(world.skm) == 3

    out = io.StringIO()
    call_command("import", "responses", str(path), survey=world.skm.code, stdout=out)
    text = out.getvalue()
    assert "baris dibaca" in text
    assert " 40\n" in text
    assert "disimpan" in text
    assert "1 jawaban pada 1 baris" in text
    assert count(world.skm) == 43

    out = io.StringIO()
    call_command("import", "responses", str(path), survey=world.skm.code, stdout=out)
    assert "dilewati (submission_id sudah ada)  40" in out.getvalue()
    assert count(world.skm) == 43


def test_command_speaks_english_with_lang_or_prima_lang(world, tmp_path, monkeypatch):
    path = write_rows(tmp_path / "cli-en.csv", skm_rows(world, 1200))
    out = io.StringIO()
    call_command("import", "responses", str(path), survey=world.skm.code, lang="en", stdout=out)
    text = out.getvalue()
    assert "Import of responses into survey" in text
    assert "rows read" in text
    assert " 1,200\n" in text  # English thousands separator
    assert "baris" not in text
    rows = skm_rows(world, 3, seed=9)
    rows[1]["U1"] = 8
    bad = write_rows(tmp_path / "cli-en-bad.csv", rows)
    monkeypatch.setenv("PRIMA_LANG", "en")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored: 1 problem on 1 row"):
        call_command("import", "responses", str(bad), survey=world.skm.code, stderr=err)
    assert err.getvalue().splitlines() == [
        f'{bad}, row 3, column U1: the answer must be between 1 and 4 (value "8")'
    ]
    out = io.StringIO()
    call_command("import", "responses", str(path), survey=world.skm.code, lang="id", stdout=out)
    assert " 1.200\n" in out.getvalue()  # the Indonesian thousands dot


def test_command_lists_the_errors_and_exits_non_zero(world, tmp_path, capsys, monkeypatch):
    rows = skm_rows(world, 20)
    rows[4]["U1"] = 5
    rows[9]["unit"] = world.dinas.pk
    path = write_rows(tmp_path / "cli-salah.csv", rows)
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "responses", str(path), survey=world.skm.code, stderr=err)
    assert caught.value.returncode == 2
    assert "tidak ada yang disimpan" in str(caught.value)
    assert err.getvalue().splitlines() == [
        f'{path}, baris 6, kolom U1: jawaban harus antara 1 dan 4 (nilai "5")',
        f'{path}, baris 11, kolom unit: unit "{world.dinas.pk}" tidak termasuk dalam survei ini',
    ]
    assert count(world.skm) == 3

    # the real entry point: prima import responses ... exits 2 (in this process: Django's
    # command runner would close the test database's connection when it ends)
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["import", "responses", "--survey", world.skm.code, str(path)])
    assert exited.value.code == 2
    assert "baris 6, kolom U1" in capsys.readouterr().err
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import", "responses", str(path), survey="tidakada")
    assert count(world.skm) == 3


def test_command_reads_a_named_sheet(world, tmp_path):
    path = write_rows(tmp_path / "lembar.xlsx", skm_rows(world, 3))
    out = io.StringIO()
    call_command(
        "import", "responses", str(path), survey=world.skm.code, sheet="responses", stdout=out
    )
    assert f"{path} [responses]" in out.getvalue()
    assert count(world.skm) == 6
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "responses", str(path), survey=world.skm.code, sheet="Data", stderr=err
        )
    assert err.getvalue().strip() == (
        f'{path}: lembar "Data" tidak ada; lembar yang tersedia: responses'
    )


def test_the_results_page_links_to_the_import(world):
    url = f"/app/surveys/{world.skm.code}/?section=links"  # the dashboard's links
    for name, shown in (("alice", True), ("bob", True), ("victor", False)):
        html = world.client(name).get(url).content.decode()
        assert ('id="import-link"' in html) is shown, name
