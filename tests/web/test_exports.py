"""Exports at scale through the HTTP stack: a background job with progress and a download link,
never truncated (XLSX continues on further sheets), formula-safe, and only for the requesting
user's organization and scope.

Jobs run in the request with the immediate task backend, or in the database worker
(``prima db_worker --batch``) with the database backend, as in production.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from prima.demo.seeding import seed_responses
from prima.surveys.models import Response
from prima.transfers import export as export_module
from prima.transfers import export_jobs
from prima.transfers.export import export_columns, export_to_path, write_xlsx
from prima.transfers.models import ExportJob, ExportStatus
from tests.web.personas import skm_answers, submit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HOSTILE = '=HYPERLINK("http://evil.example","klik")'


@pytest.fixture
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture
def immediate(settings, exports_dir):
    settings.TASKS = IMMEDIATE


def _start(client, code, **data):
    return client.post(f"/app/surveys/{code}/ekspor/", {"format": "csv", **data})


def _job_of(response) -> ExportJob:
    match = re.fullmatch(r"/app/surveys/[^/]+/ekspor/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ExportJob.objects.get(pk=int(match[1]))


def _download_rows(client, job: ExportJob) -> list[list[str]]:
    r = client.get(f"/app/surveys/{job.survey.code}/ekspor/{job.pk}/unduh/")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    body = b"".join(r.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_export_job_runs_and_downloads_every_row(world, immediate):
    seed_responses(survey=world.skm, count=1234, seed=1, batch_size=500)
    submit(world.skm, skm_answers(), unit=world.upt1, suggestion=HOSTILE)
    alice = world.client("alice")
    page = alice.get(f"/app/surveys/{world.skm.code}/?section=links")  # the dashboard's links
    assert f'href="/app/surveys/{world.skm.code}/ekspor/"' in page.content.decode()

    form = alice.get(f"/app/surveys/{world.skm.code}/ekspor/")
    assert form.status_code == 200
    assert "Mulai ekspor" in form.content.decode()

    r = _start(alice, world.skm.code)
    assert r.status_code == 302
    job = _job_of(r)
    total = Response.objects.filter(survey=world.skm).count()
    assert job.status == ExportStatus.DONE
    assert job.rows_done == job.rows_total == total
    assert job.requested_by == world.users["alice"]

    page = alice.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Selesai" in html
    assert total > 1000
    grouped = f"{total:,}".replace(",", ".")  # the thousands dot of Bahasa Indonesia
    assert f'id="export-rows">{grouped}<' in html
    assert f"/app/surveys/{world.skm.code}/ekspor/{job.pk}/unduh/" in html
    assert "hx-get" not in html  # finished: no more polling

    rows = _download_rows(alice, job)
    assert rows[0] == export_columns(world.skm)
    assert len(rows) == total + 1  # never truncated
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(Response.objects.filter(survey=world.skm).values_list("pk", flat=True))
    suggestions = [row[rows[0].index("suggestion")] for row in rows[1:]]
    assert "'" + HOSTILE in suggestions  # formula neutralised
    assert HOSTILE not in suggestions

    listing = alice.get(f"/app/surveys/{world.skm.code}/ekspor/").content.decode()
    assert f"/app/surveys/{world.skm.code}/ekspor/{job.pk}/" in listing


def test_export_pages_in_indonesian_and_english(world, immediate):
    """Texts from the gettext catalogue in the back office's language; counts grouped."""
    seed_responses(survey=world.skm, count=1200, seed=4, batch_size=600)
    alice = world.client("alice")
    job = _job_of(_start(alice, world.skm.code))
    indonesian = {
        "form": "Mulai ekspor",
        "listing": "Ekspor terakhir",
        "status": "Selesai",
        "download": "Unduh berkas CSV",
    }
    english = {
        "form": "Start the export",
        "listing": "Recent exports",
        "status": "Done",
        "download": "Download the CSV file",
    }
    total = Response.objects.filter(survey=world.skm).count()
    for lang, texts, other in (("id", indonesian, english), ("en", english, indonesian)):
        client = world.client("alice")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        listing = client.get(f"/app/surveys/{world.skm.code}/ekspor/").content.decode()
        page = client.get(f"/app/surveys/{world.skm.code}/ekspor/{job.pk}/").content.decode()
        assert f'<html lang="{lang}">' in page
        for text in (texts["form"], texts["listing"]):
            assert text in listing, (lang, text)
        assert texts["status"] in page
        assert texts["download"] in page
        for text in other.values():
            assert text not in listing + page, (lang, text)
        grouped = f"{total:,}".replace(",", "." if lang == "id" else ",")
        assert f'id="export-rows">{grouped}<' in page
        assert f"{grouped} / {grouped}" in listing


@pytest.mark.django_db(transaction=True)  # the worker closes connections
def test_database_worker_progress_polling_and_download(world, settings, exports_dir, monkeypatch):
    """The production path: the request only queues the job, the worker runs it; the page
    shows the progress that the worker records, through htmx polling, then the link."""
    settings.TASKS = DATABASE
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 100)
    seed_responses(survey=world.skm, count=450, seed=2)
    alice = world.client("alice")
    r = _start(alice, world.skm.code)
    job = _job_of(r)
    assert job.status == ExportStatus.QUEUED
    assert job.task_id
    page = alice.get(r["Location"]).content.decode()
    assert "Menunggu giliran" in page
    assert 'hx-trigger="every 1s"' in page
    script = re.search(r'<script[^>]+src="([^"]+htmx[^"]*)"', page)
    assert script, "htmx is loaded from the site's static files"
    assert script[1].startswith("/static/")
    assert alice.get(script[1]).status_code == 200
    assert alice.get(f"/app/surveys/{world.skm.code}/ekspor/{job.pk}/unduh/").status_code == 404

    seen: list[tuple[int, str]] = []
    real = export_jobs.export_to_path

    def watched(*args, **kwargs):
        progress = kwargs["progress"]

        def spy(n):
            progress(n)
            fragment = alice.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
            seen.append((n, fragment))

        return real(*args, **{**kwargs, "progress": spy})

    monkeypatch.setattr(export_jobs, "export_to_path", watched)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    total = Response.objects.filter(survey=world.skm).count()
    assert [n for n, _ in seen] == [100, 200, 300, 400, total]
    _, fragment = seen[1]
    assert fragment.startswith("<section")  # the fragment alone, for htmx to swap in
    assert "Sedang berjalan" in fragment
    assert f'<progress id="export-progress" max="{total}" value="200"' in fragment
    assert "hx-get" in fragment
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.finished_at is not None
    assert job.started_at is not None
    done = alice.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done
    assert "unduh" in done
    assert len(_download_rows(alice, job)) == total + 1


def test_xlsx_export_continues_on_further_sheets(world, immediate, monkeypatch):
    """Never truncated: past a sheet's rows the export goes on in responses-2, -3..."""
    monkeypatch.setattr(export_module, "XLSX_SHEET_ROWS", 100)
    seed_responses(survey=world.a6, count=250, seed=3)
    alice = world.client("alice")
    r = _start(alice, world.a6.code, format="xlsx")
    job = _job_of(r)
    assert job.status == ExportStatus.DONE
    assert job.sheets == 3
    html = alice.get(r["Location"]).content.decode()
    assert "ke 3 lembar" in html
    assert "tidak ada baris yang terpotong" in html
    d = alice.get(f"/app/surveys/{world.a6.code}/ekspor/{job.pk}/unduh/")
    assert d["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(d.streaming_content)), read_only=True)
    assert book.sheetnames == ["responses", "responses-2", "responses-3", "survey"]
    ids = []
    for name in book.sheetnames[:3]:
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == export_columns(world.a6)
        ids += [row[0] for row in rows[1:]]
    assert len(ids) == 250
    assert ids == sorted(Response.objects.filter(survey=world.a6).values_list("pk", flat=True))
    info = dict(book["survey"].iter_rows(values_only=True))
    assert info["responses"] == 250
    assert info["sheets"] == "responses, responses-2, responses-3"
    assert "dibagi ke 3 lembar" in info["note"]


def test_xlsx_writer_neutralises_formulas_on_every_sheet(world, tmp_path):
    for _ in range(3):
        submit(world.skm, skm_answers(), unit=world.upt1, suggestion=HOSTILE)
    path = tmp_path / "x.xlsx"
    with path.open("wb") as fh:
        n = write_xlsx(world.skm, fh, sheet_rows=2)
    book = load_workbook(path)
    assert n == Response.objects.filter(survey=world.skm).count()
    assert len(book.sheetnames) == 1 + -(-n // 2)
    column = export_columns(world.skm).index("suggestion")
    values = [
        row[column]
        for name in book.sheetnames[:-1]
        for row in list(book[name].iter_rows(values_only=True))[1:]
    ]
    assert values.count("'" + HOSTILE) == 3
    assert HOSTILE not in values


def test_export_progress_callback_and_fixed_rows(world, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 2)
    calls: list[int] = []
    last = Response.objects.filter(survey=world.skm).order_by("-pk").first()
    submit(world.skm, skm_answers(), unit=world.upt1)  # after the fixed last id: left out
    n = export_to_path(
        world.skm, tmp_path / "a.csv", progress=calls.append, last_id=last.pk, fmt="csv"
    )
    assert n == 3
    assert calls == [2, 3]


def test_scope_manager_exports_only_the_subtree(world, immediate):
    seed_responses(survey=world.skm, count=300, seed=4)
    bob = world.client("bob")
    job = _job_of(_start(bob, world.skm.code))
    rows = _download_rows(bob, job)
    inside = set(
        Response.objects.filter(
            survey=world.skm, unit__path__startswith=world.upt1.path
        ).values_list("pk", flat=True)
    )
    assert {int(row[0]) for row in rows[1:]} == inside
    assert len(rows) - 1 == len(inside) < Response.objects.filter(survey=world.skm).count()
    # a unit inside the scope narrows it; one outside is not found
    loket = _job_of(_start(bob, world.skm.code, unit=str(world.loket1.pk)))
    assert loket.rows_done == Response.objects.filter(survey=world.skm, unit=world.loket1).count()
    assert _start(bob, world.skm.code, unit=str(world.upt2.pk)).status_code == 404
    assert bob.get(f"/app/surveys/{world.skm.code}/ekspor/?unit={world.upt2.pk}").status_code == 404


def test_period_filter(world, immediate):
    seed_responses(survey=world.skm, count=400, seed=5)
    month = timezone.localtime(
        Response.objects.filter(survey=world.skm).order_by("submitted_at").first().submitted_at
    )
    label = f"{month.year}-{month.month:02d}"
    alice = world.client("alice")
    job = _job_of(_start(alice, world.skm.code, period=label))
    rows = _download_rows(alice, job)
    stamps = [row[2] for row in rows[1:]]
    assert stamps
    assert all(s.startswith(label) for s in stamps)
    assert len(stamps) == job.rows_total
    bad = _start(alice, world.skm.code, period="2026-13")
    assert bad.status_code == 400
    assert "Periode tidak valid" in bad.content.decode()
    wrong_format = _start(alice, world.skm.code, format="pdf")
    assert wrong_format.status_code == 400
    assert ExportJob.objects.count() == 1


def test_jobs_are_seen_only_within_the_requesters_scope(world, immediate):
    """404 for another tenant, for users without a role, for a manager whose units do not
    cover the job; the organization's admin and viewer see a manager's job."""
    alice, bob = world.client("alice"), world.client("bob")
    alice_job = _job_of(_start(alice, world.skm.code))
    bob_job = _job_of(_start(bob, world.skm.code))
    code = world.skm.code
    for job, allowed, denied in (
        (alice_job, ("alice", "victor"), ("bob", "charlie", "mallory")),
        (bob_job, ("alice", "victor", "bob"), ("charlie", "mallory")),
    ):
        for name in allowed:
            client = world.client(name)
            assert client.get(f"/app/surveys/{code}/ekspor/{job.pk}/").status_code == 200
            assert client.get(f"/app/surveys/{code}/ekspor/{job.pk}/unduh/").status_code == 200
        for name in denied:
            client = world.client(name)
            assert client.get(f"/app/surveys/{code}/ekspor/{job.pk}/").status_code == 404, name
            assert client.get(f"/app/surveys/{code}/ekspor/{job.pk}/unduh/").status_code == 404
        anonymous = world.client(None).get(f"/app/surveys/{code}/ekspor/{job.pk}/unduh/")
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")
        # the job under another survey's code is not found either
        assert alice.get(f"/app/surveys/{world.a6.code}/ekspor/{job.pk}/").status_code == 404
    listing = bob.get(f"/app/surveys/{code}/ekspor/").content.decode()
    assert f"ekspor/{bob_job.pk}/" in listing
    assert f"ekspor/{alice_job.pk}/" not in listing
    assert (
        world.client("charlie").post(f"/app/surveys/{code}/ekspor/", {"format": "csv"}).status_code
        == 404
    )
    assert ExportJob.objects.count() == 2


def test_failed_job_says_so(world, immediate, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs, "export_to_path", broken)
    alice = world.client("alice")
    r = _start(alice, world.skm.code)
    job = _job_of(r)
    assert job.status == ExportStatus.FAILED
    html = alice.get(r["Location"]).content.decode()
    assert "Ekspor gagal" in html
    assert "disk full" not in html
    assert alice.get(f"/app/surveys/{world.skm.code}/ekspor/{job.pk}/unduh/").status_code == 404


def test_a_job_whose_worker_died_is_queued_again_and_finishes(world, immediate):
    """The worker was killed mid-run: the job stays 'running' with an old heartbeat until the
    next worker starts (prima serve), which queues it again; it then finishes with every row."""
    from datetime import timedelta

    from django.utils import timezone

    from prima.transfers.export_jobs import STALLED_AFTER, export_jobs_requeue_stalled

    submit(world.skm, skm_answers(), unit=world.upt1)
    alice = world.client("alice")
    job = _job_of(_start(alice, world.skm.code))
    old = timezone.now() - STALLED_AFTER - timedelta(seconds=1)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, rows_done=1, file_name="", heartbeat_at=old
    )
    fresh = timezone.now() - timedelta(seconds=10)
    alive = _job_of(_start(alice, world.skm.code))
    ExportJob.objects.filter(pk=alive.pk).update(status=ExportStatus.RUNNING, heartbeat_at=fresh)

    assert export_jobs_requeue_stalled() == 1
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.status == ExportStatus.DONE  # run again (the immediate backend runs it now)
    total = Response.objects.filter(survey=world.skm).count()
    assert job.rows_done == total
    assert len(_download_rows(alice, job)) == total + 1
    assert alive.status == ExportStatus.RUNNING  # still beating: left alone
    assert export_jobs_requeue_stalled() == 0


def test_old_jobs_and_their_files_are_deleted_after_the_keep_days(world, immediate, settings):
    from datetime import timedelta

    from django.utils import timezone

    from prima.transfers.export_jobs import export_job_file, export_jobs_prune

    settings.PRIMA_EXPORT_KEEP_DAYS = 7
    alice = world.client("alice")
    old = _job_of(_start(alice, world.skm.code))
    recent = _job_of(_start(alice, world.skm.code))
    old_file = export_job_file(old)
    assert old_file is not None
    assert old_file.is_file()
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    assert export_jobs_prune() == 1
    assert not old_file.exists()
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert export_job_file(ExportJob.objects.get(pk=recent.pk)) is not None
    gone = alice.get(f"/app/surveys/{world.skm.code}/ekspor/{old.pk}/unduh/")
    assert gone.status_code == 404
