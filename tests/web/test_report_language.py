"""The SKM report (PDF and XLSX) in the reader's language: every text from the catalogue
(issue 10, point 5). Bahasa Indonesia is the default and its wording is the official one (the
tests of ``test_report.py`` pin it); an English reader gets an English report with English
number conventions, and no Indonesian sentence of the report's own is left in it."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pytest
from django.utils import timezone, translation

from prima.cli.main import main
from prima.insights.periods import parse_period
from prima.reports.pdf import report_html, report_pdf
from prima.reports.skm import skm_report
from prima.reports.xlsx import write_report_xlsx
from prima.transfers.export_jobs import export_job_create, export_job_file, export_job_run
from prima.transfers.models import ExportJob, ExportKind, ExportStatus
from tests.web.personas import World, skm_answers, submit
from tests.web.test_report import flat, pdf_text

# sentences of the Indonesian report; none may be left in the English one
INDONESIAN = [
    "Laporan Hasil",
    "Unit pelayanan",
    "Jumlah responden",
    "Metode survei",
    "Profil responden",
    "Hasil survei",
    "Nilai per unsur",
    "Grafik NRR",
    "Analisis hasil",
    "Saran dan masukan",
    "Rencana tindak lanjut",
    "USULAN",
    "Ditetapkan di",
    "Kepala ",
    "Halaman",
    "orang",
    "tertimbang",
    "konversi",
    "Tidak mengisi",
    "Jenis layanan",
    "Semester",
    "s.d.",
    "Sangat Baik",
    "Kurang Baik",
    "Ukuran sampel",
    "belum",
    "diisi",
    # the instrument's own texts have both languages
    "Persyaratan",
    "Jenis kelamin",
    "Perempuan",
    "tahun",
]


def _at(month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(2025, month, day, 10, 30))


@pytest.fixture
def report_world(world: World) -> World:
    for i in range(7):
        submit(
            world.skm,
            skm_answers(U1=2 + i % 3, U3=1 + i % 2, U9=4),
            unit=world.upt1,
            profile={"age": 30 + i, "sex": "P"} if i % 2 else {},
            suggestion="Antrean terlalu lama" if i < 3 else "",
            submitted_at=_at(7 + i % 5, 3 + i),
        )
    return world


def _report(world: World, lang: str):
    with translation.override(lang):
        return skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S2"))


def test_the_pdf_speaks_english_to_an_english_reader(report_world, tmp_path) -> None:
    with translation.override("en"):
        report = _report(report_world, "en")
        text = flat(pdf_text(report_pdf(report), tmp_path))
        html = report_html(report, chart=False)
        nrr = report.elements[0].nrr_text  # texts for print: in the active language
    assert '<html lang="en">' in html
    for phrase in (
        "PUBLIC SATISFACTION SURVEY (SKM) RESULTS REPORT",
        "Number of respondents : 7 people",
        "Half-year II 2025",
        "1 July 2025 to 31 December 2025",
        "Survey method",
        "Respondents' profile",
        "Analysis of the results",
        "AUTOMATIC PROPOSAL",
        "Head of ",
        "Page 1 of",
        "SKM results report · ",
        "Not answered",
        "Service received",
        "Requirements",
        "Sex",
        "Female",
        "30–39 years",
    ):
        assert phrase in text or phrase.upper() in text, phrase
    left = [p for p in INDONESIAN if p in text]
    assert left == [], left
    # English numbers: a decimal point in the NRR values and the bands
    assert re.fullmatch(r"\d\.\d{3}", nrr)
    assert f" {nrr} " in text
    assert "88.31 – 100.00" in text
    assert "Very good" in text


def test_the_pdf_in_bahasa_indonesia_is_the_official_wording(report_world, tmp_path) -> None:
    report = _report(report_world, "id")
    with translation.override("id"):
        text = flat(pdf_text(report_pdf(report), tmp_path))
        html = report_html(report, chart=False)
        nrr = report.elements[0].nrr_text
    assert '<html lang="id">' in html
    for phrase in (
        "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT",
        "Jumlah responden : 7 orang",
        "Semester II Tahun 2025",
        "1 Juli 2025 s.d. 31 Desember 2025",
        "Halaman 1 dari",
        "Laporan Hasil SKM · ",
        "Tidak mengisi",
        "Jenis layanan yang diterima",
        "Persyaratan",
        "Jenis kelamin",
        "30–39 tahun",
        "88,31 – 100,00",
        "Sangat Baik",
        "USULAN OTOMATIS — belum ditetapkan.",
    ):
        assert phrase in text, phrase
    assert re.fullmatch(r"\d,\d{3}", nrr)


def test_the_xlsx_speaks_the_readers_language(report_world) -> None:
    world = report_world
    books = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S2"))
            out = io.BytesIO()
            write_report_xlsx(report, world.skm, out, unit=world.upt1)
        books[lang] = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert books["id"].sheetnames == [
        "Ringkasan",
        "Perhitungan",
        "Profil responden",
        "Rencana tindak lanjut",
        "Saran",
        "Jawaban",
    ]
    assert books["en"].sheetnames == [
        "Summary",
        "Computation",
        "Respondents' profile",
        "Follow-up plan",
        "Suggestions",
        "Answers",
    ]
    summaries = {
        lang: {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
        for lang, book in books.items()
    }
    assert summaries["id"]["Jumlah responden"] == summaries["en"]["Number of respondents"] == 7
    assert summaries["en"]["Minimum sample reached"] in ("yes", "no", "-")
    assert summaries["id"]["Periode (uraian)"].startswith("Semester II Tahun 2025 (1 Juli 2025")
    assert summaries["en"]["Period (in words)"].startswith("Half-year II 2025 (1 July 2025")
    header = next(books["en"]["Computation"].iter_rows(values_only=True))
    assert "Answer 1" in header
    assert "Weighted NRR (formula)" in header
    english_cells = [
        str(value)
        for sheet in books["en"].worksheets
        if sheet.title != "Answers"  # the export's columns and the respondents' own text
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    left = [p for p in INDONESIAN if any(p in cell for cell in english_cells)]
    assert left == [], left


def test_the_download_follows_the_readers_language(report_world, tmp_path) -> None:
    client = report_world.client("alice")
    client.cookies["django_language"] = "en"
    url = f"/app/surveys/{report_world.skm.code}/laporan-skm.pdf?unit={report_world.upt1.pk}"
    # the middleware leaves the request's language active in this thread: put it back after
    with translation.override(translation.get_language()):
        r = client.get(f"{url}&period=2025-S2")
        bad = client.get(f"{url}&period=2025-Q9")
    assert r.status_code == 200
    assert "Number of respondents : 7 people" in flat(pdf_text(r.content, tmp_path))
    assert bad.status_code == 400
    assert bad.content.decode() == (
        'Invalid period: "2025-Q9". Write 2026, 2026-S1, 2026-Q3 or 2026-07.'
    )


def test_a_report_job_is_written_in_the_requesters_language(report_world, settings, tmp_path):
    """The XLSX report of many responses is written by the background worker, which has no
    request: the job keeps the requester's language and the worker writes in it."""
    settings.EXPORTS_DIR = tmp_path
    world = report_world
    names = {}
    for lang in ("en", "id"):
        with translation.override(lang):
            job = export_job_create(
                user=world.users["alice"],
                survey=world.skm,
                fmt="xlsx",
                unit_id=world.upt1.pk,
                period="2025-S2",
                kind=ExportKind.SKM_REPORT,
                enqueue=False,
            )
        assert job.language == lang
        with translation.override("id" if lang == "en" else "en"):  # the worker's own
            assert export_job_run(job.pk) == 7
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE, job.error
        path = export_job_file(job)
        assert path is not None
        names[lang] = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names["en"][:2] == ["Summary", "Computation"]
    assert names["id"][:2] == ["Ringkasan", "Perhitungan"]


def test_a_job_queued_before_the_language_was_kept_uses_the_default(
    report_world, settings, tmp_path
):
    settings.EXPORTS_DIR = tmp_path
    world = report_world
    with translation.override("en"):
        job = export_job_create(
            user=world.users["alice"],
            survey=world.skm,
            fmt="xlsx",
            unit_id=world.upt1.pk,
            period="2025-S2",
            kind=ExportKind.SKM_REPORT,
            enqueue=False,
        )
    ExportJob.objects.filter(pk=job.pk).update(language="")
    with translation.override("en"):
        export_job_run(job.pk)
    job.refresh_from_db()
    path = export_job_file(job)
    assert path is not None
    assert openpyxl.load_workbook(path, read_only=True).sheetnames[0] == "Ringkasan"


# the real entry point closes the database connections after the command: a transactional test
@pytest.mark.django_db(transaction=True)
def test_prima_lang_en_report_skm_writes_an_english_report(
    report_world, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("PRIMA_LANG", raising=False)
    target = tmp_path / "laporan.xlsx"
    argv = ["report", "skm", "--survey", report_world.skm.code, "--unit", str(report_world.upt1.pk)]
    argv += ["--period", "2025-S2", "--output", str(target)]
    assert main(["--lang", "en", *argv]) == 0
    assert capsys.readouterr().out.startswith("SKM report of ")
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[0] == "Summary"
    assert main(argv) == 0  # Bahasa Indonesia by default
    assert capsys.readouterr().out.startswith("Laporan SKM ")
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[0] == "Ringkasan"
