"""The SKM report's XLSX as a background job when a period has many responses: the download
link shows a page whose button starts the job; the job page gives the file, with the same
numbers as the dashboard; the same access rules as the direct download."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from prima.insights.periods import parse_period
from prima.insights.results import survey_results
from prima.transfers.models import ExportJob, ExportKind, ExportStatus
from tests.web.personas import skm_answers, submit

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def big(settings, tmp_path, world):
    settings.TASKS = IMMEDIATE
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.PRIMA_REPORT_XLSX_DIRECT_ROWS = 2  # the world's SKM survey has more
    submit(world.skm, skm_answers(U2=4), unit=world.upt1)
    return world


def _url(world, fmt="xlsx", **query):
    from urllib.parse import urlencode

    return f"/app/surveys/{world.skm.code}/laporan-skm.{fmt}?{urlencode(query)}"


def test_a_large_xlsx_report_runs_as_a_job_with_the_dashboards_numbers(big):
    world = big
    period = f"{parse_period('2026').label}"
    alice = world.client("alice")
    page = alice.get(_url(world, period=period))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-job-start"' in html
    assert "laporan-skm.pdf" in html  # the PDF stays a direct download
    r = alice.post(_url(world, period=period))
    assert r.status_code == 302
    job_id = int(re.fullmatch(r"/app/surveys/[^/]+/ekspor/(\d+)/", r["Location"])[1])
    job = ExportJob.objects.get(pk=job_id)
    assert job.kind == ExportKind.SKM_REPORT
    assert job.status == ExportStatus.DONE, job.error
    expected = survey_results(world.skm, period=parse_period(period))
    assert job.rows_done == expected["responses"]
    status = alice.get(r["Location"]).content.decode()
    assert "Laporan SKM (XLSX)" in status
    download = alice.get(f"/app/surveys/{world.skm.code}/ekspor/{job.pk}/unduh/")
    assert download.status_code == 200
    assert "laporan-skm" in download["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    numbers = [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if isinstance(c, int | float)
    ]
    assert expected["responses"] in numbers
    assert any(abs(v - expected["ikm"]["ikm_converted"]) < 1e-9 for v in numbers)


def test_report_jobs_keep_the_report_access_rules(big):
    world = big
    bob = world.client("bob")  # manager of UPT Alpha Satu only
    assert bob.post(_url(world, period="2026")).status_code == 404  # the whole organization
    assert bob.post(_url(world, period="2026", unit=world.upt2.pk)).status_code == 404
    ok = bob.post(_url(world, period="2026", unit=world.upt1.pk))
    assert ok.status_code in (200, 302)  # a page (few responses) or a job
    assert (
        world.client("charlie").post(_url(world, period="2026", unit=world.upt1.pk)).status_code
        == 404
    )
    assert world.client("alice").post(_url(world, "pdf", period="2026")).status_code == 405
    assert world.client("alice").post(_url(world)).status_code == 400  # no period


def test_a_small_xlsx_report_is_still_a_direct_download(world, settings):
    settings.PRIMA_REPORT_XLSX_DIRECT_ROWS = 20_000
    r = world.client("alice").get(_url(world, period="2026"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
