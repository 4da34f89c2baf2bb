"""Hostile files in the paper-survey import (issue 9): bombs through the web preview stop
early with bounded memory; error cells, formulas without a cached value and text that cannot be
stored or shown are row errors naming the column, and nothing is stored.

Memory is Python's own allocations during the request (``tracemalloc``: the reader's rows and
cells are Python objects); before the streaming reader a 1 MB workbook took 2.3 GB and 27 s.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from prima.surveys.models import Response
from prima.transfers.importing import import_commit, import_read
from tests.hostile_files import (
    SHEET,
    numbers_row,
    rows_bomb,
    shared_strings_bomb,
    sheet_xml,
    write_xlsx_parts,
)
from tests.web.test_import import KEYS, count, skm_rows, write_rows

MEMORY_MB = 60
SECONDS = 10  # loose: a busy machine; the old reader took 27 s on a bigger bomb


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def _preview(client, code: str, path: Path):
    """Post ``path`` for a preview after a first request has loaded the code and templates
    (imports are not the reader's memory)."""
    assert client.get(f"/app/surveys/{code}/import/").status_code == 200
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with path.open("rb") as fh:
            page = client.post(f"/app/surveys/{code}/import/", {"action": "preview", "file": fh})
        peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
    finally:
        tracemalloc.stop()
    return page, peak, time.perf_counter() - start


def _assert_refused(page, peak: float, seconds: float, text: str) -> str:
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["token"] is None  # nothing to confirm
    assert text in html, html[-3000:]
    assert peak < MEMORY_MB, f"{peak:.0f} MB"
    assert seconds < SECONDS, f"{seconds:.1f} s"
    return html


def test_rows_bomb_stops_at_the_web_row_limit(world, settings, tmp_path):
    settings.PRIMA_IMPORT_MAX_ROWS = 2000
    path = rows_bomb(tmp_path / "bom.xlsx", ["unit", *KEYS], 1_000_000)
    assert path.stat().st_size < 3 << 20
    page, peak, seconds = _preview(world.client("alice"), world.skm.code, path)
    _assert_refused(page, peak, seconds, "berkas berisi lebih dari 2.000 baris")
    assert count(world.skm) == 3


def test_rows_bomb_without_an_answer_column_is_refused_at_its_header(world, tmp_path):
    path = rows_bomb(tmp_path / "bom.xlsx", ["unit", *KEYS[:8]], 1_000_000)
    page, peak, seconds = _preview(world.client("alice"), world.skm.code, path)
    html = _assert_refused(page, peak, seconds, "kolom tidak ditemukan")
    assert '<td class="ui-num">1</td><td>U9</td>' in html


def test_shared_strings_bomb_is_refused_before_parsing(world, tmp_path):
    path = shared_strings_bomb(tmp_path / "teks.xlsx", 3_000_000)
    page, peak, seconds = _preview(world.client("alice"), world.skm.code, path)
    _assert_refused(page, peak, seconds, "xl/sharedStrings.xml")


def test_wide_rows_are_refused(world, tmp_path):
    header = ["unit", *KEYS, *(f"x{i}" for i in range(3000))]
    row = numbers_row([1] * len(header))
    path = write_xlsx_parts(tmp_path / "lebar.xlsx", {SHEET: sheet_xml(header, row, 300)})
    page, peak, seconds = _preview(world.client("alice"), world.skm.code, path)
    _assert_refused(page, peak, seconds, "3010 kolom; paling banyak 1024 kolom")


def test_error_and_formula_cells_are_row_errors(world, tmp_path):
    rows = skm_rows(world, 4)
    path = write_rows(tmp_path / "rumus.xlsx", rows)
    book = openpyxl.load_workbook(path)
    sheet = book["responses"]
    columns = [c.value for c in sheet[1]]
    error = sheet.cell(row=3, column=columns.index("U2") + 1)
    error.value = "#N/A"
    error.data_type = "e"
    sheet.cell(row=4, column=columns.index("U7") + 1).value = "=1+2"  # no cached value
    sheet.cell(row=5, column=columns.index("suggestion") + 1).value = '=CONCAT("a","b")'
    book.save(path)

    report = import_read(world.skm, path, source="rumus.xlsx")
    assert report.messages() == [
        'rumus.xlsx, baris 3, kolom U2: sel berisi galat "#N/A" (lembar "responses")',
        "rumus.xlsx, baris 4, kolom U7: sel berisi rumus tanpa nilai tersimpan "
        '(lembar "responses"); buka dan simpan ulang berkas di Excel atau LibreOffice',
        "rumus.xlsx, baris 5, kolom suggestion: sel berisi rumus tanpa nilai tersimpan "
        '(lembar "responses"); buka dan simpan ulang berkas di Excel atau LibreOffice',
    ]
    with pytest.raises(ValueError, match="nothing may be stored"):
        import_commit(report)
    page, _peak, _seconds = _preview(world.client("alice"), world.skm.code, path)
    assert '<td class="ui-num">3</td><td>U2</td>' in page.content.decode()
    assert count(world.skm) == 3


@pytest.mark.parametrize(
    ("column", "text", "char"),
    [
        ("suggestion", "cepat\x00ramah", "U+0000"),
        ("suggestion", "bel\x07", "U+0007"),
        ("profile.education", "slta\ufffe", "U+FFFE"),
        ("unit_name", "UPT Alpha Satu\x1b", "U+001B"),
    ],
)
def test_unstorable_text_in_a_csv_is_a_row_error(world, tmp_path, column, text, char):
    rows = skm_rows(world, 100)
    rows[95][column] = text  # past the first 4 kB, where a NUL means a binary file
    if column == "unit_name":
        for row in rows:
            row.pop("unit")
            row.setdefault("unit_name", "UPT Alpha Satu")
    path = write_rows(tmp_path / "teks.csv", rows)
    report = import_read(world.skm, path, source="teks.csv")
    assert report.messages() == [
        f"teks.csv, baris 97, kolom {column}: teks berisi karakter {char} yang tidak dapat "
        "disimpan atau ditampilkan"
    ]
    assert not Response.objects.filter(submission_id=rows[95]["submission_id"]).exists()


def test_unstorable_text_in_an_xlsx_is_a_row_error_and_the_preview_shows_it_safely(world, tmp_path):
    rows = skm_rows(world, 3)
    rows[2]["suggestion"] = "layanan \ufdd0 baik"
    path = write_rows(tmp_path / "teks.xlsx", rows)
    report = import_read(world.skm, path, source="teks.xlsx", lang="en")
    assert report.messages() == [
        "teks.xlsx, row 4, column suggestion: the text holds the character U+FDD0, which "
        "cannot be stored or shown"
    ]
    page, _peak, _seconds = _preview(world.client("alice"), world.skm.code, path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "\ufdd0" not in html
    assert "layanan \ufffd baik" in html
    assert count(world.skm) == 3
