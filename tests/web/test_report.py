"""The official SKM report (issue 5, item 3): PDF and XLSX, command line and back office.

Acceptance: the PDF renders (pdftoppm to PNG) and its IKM, NRR per unsur and respondent count
equal the dashboard's (:func:`prima.insights.results.survey_results` and the results page);
the XLSX opens with openpyxl and carries the same numbers, as numbers.

The responses made here are dated in 2025, so the world's own responses (submitted "now") never
fall in the periods under test. Needs Debian's poppler-utils (pdftoppm, pdftotext).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from prima.insights.models import FollowUpAction
from prima.insights.periods import parse_period
from prima.insights.results import survey_results
from prima.metrics.rounding import format_number
from prima.metrics.sampling import krejcie_morgan
from prima.reports.pdf import nrr_chart_svg, report_html, report_pdf
from prima.reports.skm import NotSkmSurvey, Suggestion, group_suggestions, skm_report
from prima.reports.xlsx import write_report_xlsx
from prima.surveys.models import Response
from prima.transfers.export import export_columns
from tests.web.personas import World, skm_answers, submit

TOOLS = ("pdftoppm", "pdftotext")
HTML_SUGGESTION = '<script>alert("x")</script> <b>tebal</b> & antre'
FORMULA_SUGGESTION = '=HYPERLINK("http://evil.example","klik")'
PLAN_FORMULA = "@SUM(1+1) perbaiki loket"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _tools():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: apt-get install poppler-utils")


def at(year: int, month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 30))


PROFILES = [
    {"age": 19, "sex": "L", "education": "slta", "occupation": "swasta"},
    {"age": 24, "sex": "P", "education": "d4s1", "occupation": "pns"},
    {"age": 35, "sex": "P", "education": "d1d3", "occupation": "wirausaha"},
    {"age": 47, "sex": "L", "education": "sltp", "occupation": "lainnya"},
    {"age": 61, "sex": "L", "education": "s2", "occupation": "pns"},
    {},  # profile not given
]


@dataclass
class Data:
    world: World
    s1: int  # responses of UPT Alpha Satu's subtree in 2025-S1
    s2: int  # ... in 2025-S2


@pytest.fixture
def data(world: World) -> Data:
    """Responses of UPT Alpha Satu (and Loket Satu under it) and UPT Alpha Dua in 2025: varied
    answers, profiles, services and suggestions; the second semester is worse on waktu (U3)."""
    s1 = 0
    for i in range(14):
        unit = world.loket1 if i % 3 == 0 else world.upt1
        answers = skm_answers(
            U1=3 + (i % 2),
            U2=2 + (i % 3),
            U3=2 + (i % 2),
            U4=4,
            U5=3,
            U6=3 + (i % 4 == 0),
            U7=4 - (i % 5 == 0),
            U8=3,
            U9=2 + (i % 2),
        )
        submit(
            world.skm,
            answers,
            unit=unit,
            service_id=world.service1.pk if unit == world.upt1 and i % 2 else None,
            profile=PROFILES[i % len(PROFILES)],
            suggestion={
                0: HTML_SUGGESTION,
                5: FORMULA_SUGGESTION,
                9: "Ruang tunggu\nperlu kipas angin",
            }.get(i, ""),
            submitted_at=at(2025, 1 + i % 6, 5 + i),
        )
        s1 += 1
    s2 = 0
    for i in range(5):
        submit(
            world.skm,
            skm_answers(U3=1, U8=2 + (i % 3)),
            unit=world.upt1,
            profile=PROFILES[i],
            submitted_at=at(2025, 8 + i % 3),
        )
        s2 += 1
    for i in range(4):  # outside the subtree: only in the organization's report
        submit(world.skm, skm_answers(U1=1, U2=4), unit=world.upt2, submitted_at=at(2025, 3 + i))
    return Data(world, s1, s2)


# -- helpers -------------------------------------------------------------------------------------
def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = True) -> str:
    """The PDF's text; ``layout=False`` keeps each table cell's lines together."""
    src = tmp_path / f"{uuid.uuid4().hex}.pdf"
    src.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), src, "-"]
    out = subprocess.run(args, check=True, capture_output=True)
    return out.stdout.decode()


def pdf_pages(pdf: bytes, tmp_path: Path, dpi: int = 60) -> list[Path]:
    assert pdf.startswith(b"%PDF-")
    src = tmp_path / f"{uuid.uuid4().hex}.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", src, tmp_path / src.stem], check=True)
    return sorted(tmp_path.glob(f"{src.stem}-*.png"))


def report_url(world: World, fmt: str, **query: object) -> str:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/app/surveys/{world.skm.code}/laporan-skm.{fmt}" + (f"?{q}" if q else "")


def dashboard(world: World, persona: str, unit, period: str) -> dict:
    """The numbers on the results page, as the page's view computed them."""
    query = f"?period={period}" + (f"&unit={unit.pk}" if unit else "")
    page = world.client(persona).get(f"/app/surveys/{world.skm.code}/{query}")
    assert page.status_code == 200
    return page.context["results"]


def expected_texts(results: dict) -> dict[str, str]:
    ikm = results["ikm"]
    return {
        "ikm_converted": format_number(ikm["ikm_converted"], 2),
        **{k: format_number(e["nrr"], 3) for k, e in ikm["elements"].items()},
    }


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def assert_ikm_printed(text: str, converted: str) -> None:
    """The converted IKM in the summary box and in the analysis sentence."""
    assert re.search(rf"NILAI IKM .*? {re.escape(converted)} ", text), converted
    assert re.search(rf"Nilai IKM .+? adalah {re.escape(converted)} dengan mutu", text), converted


# -- the numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit_name", "period"),
    [
        ("upt1", "2025"),
        ("upt1", "2025-S1"),
        ("loket1", "2025-Q1"),
        (None, "2025"),
        ("upt1", "2025-08"),
    ],
)
def test_report_numbers_are_the_dashboards(data, unit_name, period):
    world = data.world
    unit = getattr(world, unit_name) if unit_name else None
    p = parse_period(period)
    report = skm_report(world.skm, unit=unit, period=p)
    results = survey_results(world.skm, unit=unit, period=p)
    assert results == dashboard(world, "alice", unit, period)
    ikm = results["ikm"]
    assert report.respondents == ikm["n"] == results["responses"] > 0
    assert report.ikm == ikm["ikm"]
    assert report.ikm_converted == ikm["ikm_converted"]
    assert report.ikm_converted_text == format_number(ikm["ikm_converted"], 2)
    assert (report.grade, report.performance) == (ikm["grade"], ikm["performance"])
    for e in report.elements:
        d = ikm["elements"][e.column]
        assert (e.nrr, e.nrr_weighted, e.converted, e.n) == (
            d["nrr"],
            d["nrr_weighted"],
            d["nrr_converted"],
            d["n"],
        )
        assert e.code == d["code"]
        assert e.nrr_text == format_number(d["nrr"], 3)
        assert sum(e.counts) == e.n
        assert e.total / e.n == pytest.approx(d["nrr"], rel=1e-15)
    assert [e.column for e in report.weakest] == ikm["weakest"]


def test_the_period_filter_changes_the_numbers(data):
    world = data.world
    year = skm_report(world.skm, unit=world.upt1, period=parse_period("2025"))
    s1 = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S1"))
    s2 = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S2"))
    assert (year.respondents, s1.respondents, s2.respondents) == (
        data.s1 + data.s2,
        data.s1,
        data.s2,
    )
    waktu = {r.period.label: r.elements[2] for r in (year, s1, s2)}
    assert waktu["2025-S2"].nrr == 1.0
    assert waktu["2025-S1"].nrr > waktu["2025"].nrr > waktu["2025-S2"].nrr
    assert s1.ikm_converted != year.ikm_converted
    assert skm_report(world.skm, unit=world.upt1, period=parse_period("2024")).respondents == 0


def test_flagged_responses_are_left_out_as_on_the_dashboard(data):
    world = data.world
    period = parse_period("2025-S1")
    before = skm_report(world.skm, unit=world.upt1, period=period)
    flagged = Response.objects.filter(survey=world.skm, unit=world.upt1, submitted_at__year=2025)
    Response.objects.filter(pk=flagged.first().pk).update(flag="too_fast")
    after = skm_report(world.skm, unit=world.upt1, period=period)
    assert after.respondents == before.respondents - 1
    assert after.ikm == survey_results(world.skm, unit=world.upt1, period=period)["ikm"]["ikm"]


def test_profile_tables_and_sample_size(data):
    world = data.world
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S1"))
    tables = {t.key: t for t in report.profiles}
    assert list(tables) == ["age", "sex", "education", "occupation", "service"]
    for t in tables.values():
        assert t.total == report.respondents
        assert sum(r.percent for r in t.rows) == pytest.approx(100)
    sex = {r.label: r.count for r in tables["sex"].rows}
    given = [PROFILES[i % len(PROFILES)] for i in range(14)]
    assert sex["Laki-laki"] == sum(p.get("sex") == "L" for p in given)
    assert sex["Perempuan"] == sum(p.get("sex") == "P" for p in given)
    assert sex["Tidak mengisi"] == sum("sex" not in p for p in given)
    ages = {r.label: r.count for r in tables["age"].rows}
    assert ages["Di bawah 20 tahun"] == sum(p.get("age") == 19 for p in given)
    assert ages["60 tahun ke atas"] == sum(p.get("age") == 61 for p in given)
    assert {r.label for r in tables["education"].rows} >= {"SD ke bawah", "SLTA", "S2 ke atas"}
    services = {r.label: r.count for r in tables["service"].rows}
    assert services[world.service1.name] == 5  # upt1 (not loket1) with odd i

    # Krejcie-Morgan on UPT Alpha Satu's 1,200 service users a year, for half a year: 600
    s = report.sample
    assert (s.population_year, s.months, s.population) == (1200, 6, 600)
    assert s.minimum == krejcie_morgan(600).sample == 234
    assert s.reached is False
    assert "234 responden" in s.statement
    assert "belum terpenuhi" in s.statement
    year = skm_report(world.skm, unit=None, period=parse_period("2025"))
    assert year.sample.population == 1200  # the organization: the sum over its known units
    assert year.respondents == data.s1 + data.s2 + 4  # no response dropped to fit the sample
    world.upt1.population = None
    world.upt1.save()
    unknown = skm_report(world.skm, unit=world.upt1, period=parse_period("2025"))
    assert unknown.sample.minimum is None
    assert "belum diisi" in unknown.sample.statement


def test_a_survey_that_is_not_skm_has_no_report(data):
    with pytest.raises(NotSkmSurvey):
        skm_report(data.world.a6, period=parse_period("2025"))


# -- PDF -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit_name", "period"), [("upt1", "2025"), ("upt1", "2025-S1"), (None, "2025")]
)
def test_pdf_renders_with_the_dashboards_numbers(data, tmp_path, unit_name, period):
    world = data.world
    unit = getattr(world, unit_name) if unit_name else None
    query = {"period": period, **({"unit": unit.pk} if unit else {})}
    r = world.client("alice").get(report_url(world, "pdf", **query))
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith('attachment; filename="laporan-skm-')
    pages = pdf_pages(r.content, tmp_path)
    assert len(pages) >= 1
    text = flat(pdf_text(r.content, tmp_path))
    results = dashboard(world, "alice", unit, period)
    expected = expected_texts(results)
    assert re.fullmatch(r"\d{2},\d{2}", expected["ikm_converted"])  # two decimals, decimal comma
    assert_ikm_printed(text, expected["ikm_converted"])
    assert f"Jumlah responden : {results['responses']} orang" in text
    for column in results["ikm"]["elements"]:
        nrr = expected[column]
        assert re.fullmatch(r"\d,\d{3}", nrr)
        number = column.removeprefix("U")
        assert re.search(rf"U{number} [^\d]+ {re.escape(nrr)} ", text), (column, nrr)
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text
    assert "Halaman 1 dari" in text
    assert "Kepala " in text
    assert "NIP." in text
    assert "Peraturan Menteri PAN-RB Nomor 14 Tahun 2017" in text


def test_pdf_is_written_with_the_same_numbers_as_the_report_data(data, tmp_path):
    world = data.world
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S2"))
    text = flat(pdf_text(report_pdf(report), tmp_path))
    assert_ikm_printed(text, report.ikm_converted_text)
    assert "Jumlah responden : 5 orang" in text
    assert "1,000" in text  # waktu in the second semester
    assert "Semester II Tahun 2025" in text
    assert "1 Juli 2025 s.d. 31 Desember 2025" in text


def test_the_chart_is_an_offline_svg_with_its_table(data):
    report = skm_report(data.world.skm, unit=data.world.upt1, period=parse_period("2025"))
    svg = str(nrr_chart_svg(report))
    assert svg.startswith("<svg")
    assert "</svg>" in svg
    assert "http" not in svg.replace("http://www.w3.org/", "")  # nothing to fetch
    for e in report.elements:
        assert e.nrr_text in svg  # the bar labels, half-up with the decimal comma
    html = report_html(report)
    assert 'id="chart-table"' in html


def test_suggestions_are_escaped_in_the_pdf(data, tmp_path):
    report = skm_report(data.world.skm, unit=data.world.upt1, period=parse_period("2025"))
    assert report.suggestions_total == 3
    html = report_html(report, chart=False)
    assert "<script>" not in html
    assert "<b>tebal</b>" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;tebal&lt;/b&gt; &amp; antre"
        in html
    )
    text = flat(pdf_text(report_pdf(report), tmp_path))
    assert "Jumlah saran dan masukan yang diterima: 3" in text
    assert '<script>alert("x")</script> <b>tebal</b> & antre' in text  # shown as text
    assert FORMULA_SUGGESTION in text


def test_identical_suggestions_are_listed_once_with_their_count():
    items = [
        Suggestion("Tambah kursi di ruang tunggu", date(2025, 1, 2), "Loket Satu"),
        Suggestion("Parkir sempit", date(2025, 2, 1), "UPT Alpha Satu"),
        Suggestion("tambah  KURSI di ruang\ntunggu", date(2025, 3, 1), "UPT Alpha Satu"),
    ]
    groups = group_suggestions(items)
    assert [(g.text, g.count, g.units) for g in groups] == [
        ("Tambah kursi di ruang tunggu", 2, ["Loket Satu", "UPT Alpha Satu"]),
        ("Parkir sempit", 1, ["UPT Alpha Satu"]),
    ]
    assert groups[0].days_text == "2 Januari 2025 – 1 Maret 2025"
    assert groups[1].days_text == "1 Februari 2025"


# -- the follow-up plan -----------------------------------------------------------------------
def test_without_a_plan_the_report_proposes_the_weakest_unsur_first(data, tmp_path):
    world = data.world
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S2"))
    assert report.plan_is_proposal
    assert report.plan[0].element == "waktu"
    assert report.plan[0].proposed
    assert [e.code for e in report.weakest] == ["waktu"]
    text = flat(pdf_text(report_pdf(report), tmp_path))
    assert "USULAN OTOMATIS" in text
    assert "belum ditetapkan" in text


def test_a_stored_plan_is_printed_weakest_unsur_first(data, tmp_path):
    world = data.world
    common = {"organization": world.alpha, "survey": world.skm, "owner": "Kasi Pelayanan"}
    FollowUpAction.objects.create(
        **common,
        unit=world.upt1,
        period="2025-S2",
        element="sarana",
        problem="Kursi ruang tunggu kurang",
        action="Tambah 20 kursi",
        deadline=date(2026, 3, 1),
    )
    FollowUpAction.objects.create(
        **common,
        unit=world.upt1,
        period="2025-S2",
        element="waktu",
        problem="Antrean lama",
        action="Buka loket kedua pada jam sibuk",
        deadline=date(2026, 2, 1),
        status="in_progress",
    )
    FollowUpAction.objects.create(  # another period and the whole organization: not this report
        **common,
        unit=None,
        period="2025-S2",
        element="biaya",
        problem="-",
        action="Rencana organisasi",
        deadline=date(2026, 1, 1),
    )
    FollowUpAction.objects.create(
        **common,
        unit=world.upt1,
        period="2025-S1",
        element="biaya",
        problem="-",
        action="Rencana semester lalu",
        deadline=date(2025, 9, 1),
    )
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S2"))
    assert not report.plan_is_proposal
    assert [p.element for p in report.plan] == ["waktu", "sarana"]
    assert report.plan[0].status == "Sedang berjalan"
    text = flat(pdf_text(report_pdf(report), tmp_path, layout=False))
    assert "Buka loket kedua pada jam sibuk" in text
    assert "Tambah 20 kursi" in text
    assert "Rencana organisasi" not in text
    assert "Rencana semester lalu" not in text
    assert "USULAN" not in text
    assert text.index("Buka loket kedua") < text.index("Tambah 20 kursi")


def test_plan_lines_are_edited_in_manage_and_validated(data):
    world = data.world
    alice = world.client("alice")
    url = "/manage/insights/followupaction/add/"
    page = alice.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waktu Penyelesaian (waktu)" in html
    assert world.a6.title not in html  # only SKM surveys can have a plan
    form = {
        "organization": world.alpha.pk,
        "survey": world.skm.pk,
        "unit": world.upt1.pk,
        "period": "2025-s1",
        "element": "waktu",
        "problem": "Antrean",
        "action": "Loket tambahan",
        "owner": "Kasi",
        "deadline": "2025-12-31",
        "status": "planned",
    }
    r = alice.post(url, {**form, "element": "kecepatan"})  # a 2004 unsur: not in this survey
    assert r.status_code == 200
    assert "element" in r.context["adminform"].form.errors
    r = alice.post(url, {**form, "period": "2025-H1"})
    assert r.status_code == 200
    assert "period" in r.context["adminform"].form.errors
    r = alice.post(url, {**form, "unit": world.bank_unit.pk})  # another tenant's unit
    assert r.status_code == 200
    assert "unit" in r.context["adminform"].form.errors
    r = alice.post(url, form)
    assert r.status_code == 302, r.content.decode()[:3000]
    line = FollowUpAction.objects.get(action="Loket tambahan")
    assert line.period == "2025-S1"  # normalised like the reports' period labels
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025-S1"))
    assert [p.action for p in report.plan] == ["Loket tambahan"]
    for name in ("bob", "victor", "charlie"):
        r = world.client(name).get(f"/manage/insights/followupaction/{line.pk}/change/")
        assert r.status_code == 302, name  # to the login page (charlie: "does not exist")


# -- XLSX ------------------------------------------------------------------------------------
def same_number(cell: object, value: float, places: int) -> bool:
    """A cell holds the dashboard's number: a float (openpyxl writes 16 significant digits, more
    than Excel's 15) that prints the same, half-up with ``places`` decimals."""
    return (
        isinstance(cell, float | int)
        and cell == pytest.approx(value, rel=1e-15)
        and format_number(cell, places) == format_number(value, places)
    )


def test_xlsx_carries_the_same_numbers_as_numbers(data):
    world = data.world
    r = world.client("alice").get(report_url(world, "xlsx", unit=world.upt1.pk, period="2025"))
    assert r.status_code == 200
    assert r["Content-Type"] == XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [
        "Ringkasan",
        "Perhitungan",
        "Profil responden",
        "Rencana tindak lanjut",
        "Saran",
        "Jawaban",
    ]
    results = dashboard(world, "alice", world.upt1, "2025")
    ikm = results["ikm"]

    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row}
    assert summary["Jumlah responden"] == results["responses"] == data.s1 + data.s2
    assert same_number(summary["IKM konversi (25-100)"], ikm["ikm_converted"], 2)
    assert same_number(summary["IKM (skala 1-4)"], ikm["ikm"], 3)
    assert summary["Mutu pelayanan"] == ikm["grade"]

    calc = book["Perhitungan"]
    rows = list(calc.iter_rows(values_only=True))
    head = list(rows[0])
    col = {name: head.index(name) for name in head}
    by_column = {row[1]: row for row in rows[1:10]}
    letter = openpyxl.utils.get_column_letter
    assert set(by_column) == set(ikm["elements"])
    for column, e in ikm["elements"].items():
        row = by_column[column]
        assert same_number(row[col["NRR"]], e["nrr"], 3)
        assert same_number(row[col["NRR tertimbang"]], e["nrr_weighted"], 3)
        assert same_number(row[col["Konversi"]], e["nrr_converted"], 2)
        assert row[col["n"]] == e["n"]
        assert row[col["Mutu"]] == e["grade"]
        counts = [row[col[f"Jawaban {p}"]] for p in (1, 2, 3, 4)]
        assert sum(counts) == e["n"]
        assert row[col["Jumlah nilai"]] == sum(
            p * c for p, c in zip((1, 2, 3, 4), counts, strict=True)
        )
        assert row[col["Jumlah nilai"]] / e["n"] == pytest.approx(e["nrr"], rel=1e-15)
        formula = row[col["NRR (rumus)"]]
        r = list(by_column).index(column) + 2
        n, first, last = (letter(col[h] + 1) for h in ("n", "Jawaban 1", "Jawaban 4"))
        assert formula == f'=IF({n}{r}=0,"",SUMPRODUCT({first}{r}:{last}{r},{{1,2,3,4}})/{n}{r})'
    ikm_row = next(row for row in rows if row[2] == "IKM")
    assert same_number(ikm_row[col["NRR tertimbang"]], ikm["ikm"], 3)
    assert same_number(ikm_row[col["Konversi"]], ikm["ikm_converted"], 2)
    assert ikm_row[col["NRR tertimbang (rumus)"]].startswith("=SUM(")
    # the formula cells point at the right columns: n, then NRR (rumus), then the weight
    assert f"/{letter(col['n'] + 1)}2)" in by_column["U1"][col["NRR (rumus)"]]
    assert (
        f"{letter(col['NRR (rumus)'] + 1)}2*{letter(col['Bobot'] + 1)}2"
        in (by_column["U1"][col["NRR tertimbang (rumus)"]])
    )

    raw = list(book["Jawaban"].iter_rows(values_only=True))
    assert list(raw[0]) == export_columns(world.skm)
    assert len(raw) - 1 == results["responses"]
    at_u3 = raw[0].index("U3")
    assert all(isinstance(row[at_u3], int) for row in raw[1:])

    profile = [row for row in book["Profil responden"].iter_rows(values_only=True) if row]
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025"))
    for table in report.profiles:
        at = profile.index((table.title, None, None))
        for i, expected in enumerate(table.rows, start=at + 2):
            label, count, percent = profile[i]
            assert (label, count) == (expected.label, expected.count)
            assert same_number(percent, expected.percent, 2)
        assert profile[at + 2 + len(table.rows)][:2] == ("Jumlah", data.s1 + data.s2)


def test_xlsx_neutralises_formulas_in_text(data):
    world = data.world
    FollowUpAction.objects.create(
        organization=world.alpha,
        survey=world.skm,
        unit=world.upt1,
        period="2025",
        element="waktu",
        problem="=1+1",
        action=PLAN_FORMULA,
        owner="+62 812 555",
        deadline=date(2026, 1, 31),
    )
    report = skm_report(world.skm, unit=world.upt1, period=parse_period("2025"))
    buffer = io.BytesIO()
    write_report_xlsx(report, world.skm, buffer, unit=world.upt1)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    texts = [
        v
        for sheet in book.sheetnames
        if sheet != "Perhitungan"  # the only sheet with formulas, written by Prima
        for row in book[sheet].iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    assert "'" + FORMULA_SUGGESTION in texts  # in Saran and in Jawaban
    assert texts.count("'" + FORMULA_SUGGESTION) == 2
    assert {"'=1+1", "'" + PLAN_FORMULA, "'+62 812 555"} <= set(texts)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    assert HTML_SUGGESTION in texts


# -- command line ----------------------------------------------------------------------------
def test_cli_writes_pdf_and_xlsx(data, tmp_path):
    world = data.world
    out = io.StringIO()
    pdf = tmp_path / "skm.pdf"
    call_command(
        "report",
        "skm",
        "--survey",
        world.skm.code,
        "--unit",
        str(world.upt1.pk),
        "--period",
        "2025-S1",
        "--output",
        str(pdf),
        stdout=out,
    )
    results = survey_results(world.skm, unit=world.upt1, period=parse_period("2025-S1"))
    converted = format_number(results["ikm"]["ikm_converted"], 2)
    assert f"{data.s1} responden, IKM {converted}" in out.getvalue()
    text = flat(pdf_text(pdf.read_bytes(), tmp_path))
    assert_ikm_printed(text, converted)
    assert len(pdf_pages(pdf.read_bytes(), tmp_path)) >= 1

    xlsx = tmp_path / "SKM.XLSX"
    call_command(
        "report",
        "skm",
        "--survey",
        world.skm.code,
        "--period",
        "2025",
        "--output",
        str(xlsx),
        stdout=io.StringIO(),
    )
    summary = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(xlsx)["Ringkasan"].iter_rows(values_only=True)
        if row
    }
    whole = survey_results(world.skm, period=parse_period("2025"))
    assert summary["Unit pelayanan"] == "Seluruh organisasi"
    assert summary["Jumlah responden"] == whole["responses"]
    assert same_number(summary["IKM konversi (25-100)"], whole["ikm"]["ikm_converted"], 2)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--survey", "nope1234", "--period", "2025"], 'survey "nope1234" not found'),
        (["--survey", "{a6}", "--period", "2025"], "not an SKM (IKM) instrument"),
        (["--survey", "{skm}", "--period", "2025-Q5"], 'period "2025-Q5" is not valid'),
        (["--survey", "{skm}", "--period", "2025-13"], "month must be 01-12"),
        (
            ["--survey", "{skm}", "--period", "2025", "--unit", "{bank}"],
            "is not part of Dinas Alpha",
        ),
        (["--survey", "{skm}", "--period", "2025", "--unit", "987654"], "unit 987654 not found"),
        (["--survey", "{skm}", "--period", "2025", "--unit", "satu"], "numeric id"),
        (["--survey", "{skm}", "--period", "2025", "--ext", ".docx"], 'unknown extension ".docx"'),
        (["--survey", "{skm}", "--period", "2025", "--ext", ""], 'unknown extension ""'),
    ],
)
def test_cli_fails_cleanly_on_bad_input(data, tmp_path, args, message):
    world = data.world
    values = {"{a6}": world.a6.code, "{skm}": world.skm.code, "{bank}": str(world.bank_unit.pk)}
    args = [values.get(a, a) for a in args]
    ext = ".pdf"
    if "--ext" in args:
        ext = args[args.index("--ext") + 1]
        args = args[: args.index("--ext")]
    output = tmp_path / f"out{ext}"
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", "skm", *args, "--output", str(output), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_cli_usage_errors(data, tmp_path):
    with pytest.raises(CommandError, match="--period"):
        call_command("report", "skm", "--survey", data.world.skm.code, "--output", "x.pdf")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("report", "ikm", "--survey", data.world.skm.code)
    with pytest.raises(CommandError, match="No such file or directory"):
        call_command(
            "report",
            "skm",
            "--survey",
            data.world.skm.code,
            "--period",
            "2025",
            "--output",
            str(tmp_path / "missing" / "r.pdf"),
            stdout=io.StringIO(),
        )


# -- back office: access --------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_outsiders_get_nothing(data, fmt):
    world = data.world
    for name, status in (("charlie", 404), ("mallory", 404), (None, 302)):
        for query in ({"period": "2025"}, {"period": "2025", "unit": world.upt1.pk}, {}):
            r = world.client(name).get(report_url(world, fmt, **query))
            assert r.status_code == status, (name, query)
            if status == 302:
                assert r["Location"].startswith("/accounts/login/")
    r = world.client("charlie").get(
        f"/app/surveys/{world.quick.code}/laporan-skm.{fmt}?period=2025"
    )
    assert r.status_code == 404  # charlie's own survey is not an SKM survey


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_manager_gets_only_his_subtree(data, fmt):
    world = data.world
    bob = world.client("bob")
    assert bob.get(report_url(world, fmt, unit=world.upt1.pk, period="2025")).status_code == 200
    assert bob.get(report_url(world, fmt, unit=world.loket1.pk, period="2025")).status_code == 200
    for unit in (world.upt2, world.dinas, world.bank_unit):
        assert bob.get(report_url(world, fmt, unit=unit.pk, period="2025")).status_code == 404
    assert bob.get(report_url(world, fmt, period="2025")).status_code == 404  # whole organization
    victor = world.client("victor")  # an organization-wide viewer
    assert victor.get(report_url(world, fmt, period="2025")).status_code == 200
    assert victor.get(report_url(world, fmt, unit=world.upt2.pk, period="2025")).status_code == 200


def test_bad_requests_for_the_report(data):
    world = data.world
    alice = world.client("alice")
    r = alice.get(report_url(world, "pdf", unit=world.upt1.pk))
    assert r.status_code == 400
    assert "periode" in r.content.decode()
    r = alice.get(report_url(world, "pdf", period="2025-Q9"))
    assert r.status_code == 400
    assert "2025-Q9" in r.content.decode()
    assert alice.get(report_url(world, "pdf", unit="1x", period="2025")).status_code == 404
    assert alice.get(f"/app/surveys/{world.a6.code}/laporan-skm.pdf?period=2025").status_code == 404
    assert (
        alice.get(f"/app/surveys/{world.skm.code}/laporan-skm.docx?period=2025").status_code == 404
    )
    assert alice.post(report_url(world, "pdf", period="2025")).status_code == 405


def test_the_results_page_links_to_the_report_of_the_selection(data):
    world = data.world
    alice = world.client("alice")
    page = alice.get(f"/app/surveys/{world.skm.code}/?unit={world.upt1.pk}&period=2025-s1")
    html = page.content.decode()
    pdf = f"/app/surveys/{world.skm.code}/laporan-skm.pdf?unit={world.upt1.pk}&amp;period=2025-S1"
    assert pdf in html
    assert pdf.replace(".pdf", ".xlsx") in html
    r = alice.get(pdf.replace("&amp;", "&"))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    # no period selected, or (for a manager of one UPT) no unit: a hint, no link
    assert "laporan-skm" not in alice.get(f"/app/surveys/{world.skm.code}/").content.decode()
    bob_page = world.client("bob").get(f"/app/surveys/{world.skm.code}/?period=2025").content
    assert b"laporan-skm" not in bob_page
    assert b"dan unit" in bob_page
    a6 = alice.get(f"/app/surveys/{world.a6.code}/?period=2025").content
    assert b"laporan-skm" not in a6
