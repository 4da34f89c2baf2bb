"""Hostile files on the command line (issue 9): bombs stop early with bounded memory, error and
formula cells are bad input.

Each bomb is a small file that expands to far more than it weighs: the header is checked before
any row is read, and the limits apply while reading, so ``prima analyze`` answers within
seconds with a peak resident memory measured on the child process (``ru_maxrss`` through
``os.wait4``). Before the streaming reader these runs took 1-5 GB and up to a minute.
"""

from __future__ import annotations

import openpyxl
import pytest

from tests.hostile_files import (
    enormous_field_csv,
    rows_bomb,
    run_measured,
    shared_strings_bomb,
    wide_bomb,
)

MEMORY_MB = 110  # Python, NumPy and openpyxl take about 45 MB of it
SECONDS = 8  # loose: the machine may be busy; the old reader took far longer on every bomb
UNSUR = [f"U{i}" for i in range(1, 10)]


def assert_refused(run, *fragments: str) -> str:
    assert run.code == 2, (run.code, run.out, run.err[-2000:])
    assert run.out == ""
    assert "Traceback" not in run.err
    line = run.err.strip()
    assert len(line.splitlines()) == 1, run.err
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert run.peak_mb < MEMORY_MB, f"peak RSS {run.peak_mb:.0f} MB"
    assert run.seconds < SECONDS, f"{run.seconds:.1f} s"
    return line


def test_rows_bomb_reports_the_missing_column_from_the_header(tmp_path):
    path = rows_bomb(tmp_path / "bom.xlsx", UNSUR[:8], 1_000_000)
    assert path.stat().st_size < 3 << 20  # about 1 MB on disk, 130 MB of XML
    line = assert_refused(run_measured("analyze", "ikm", path, "--json"), "baris 1", "kolom U9")
    assert "kolom tidak ditemukan" in line


def test_wide_sheet_is_refused_at_its_header(tmp_path):
    path = wide_bomb(tmp_path / "lebar.xlsx", 20_000, 500)
    assert_refused(run_measured("analyze", "ikm", path), "baris 1", "20000 kolom", "1024")


def test_huge_shared_string_table_is_refused_before_parsing(tmp_path):
    path = shared_strings_bomb(tmp_path / "teks.xlsx", 3_000_000)
    assert path.stat().st_size < 2 << 20
    line = assert_refused(run_measured("--lang", "en", "analyze", "ikm", path))
    assert "xl/sharedStrings.xml" in line
    assert "limit 16.0 MB" in line


def test_csv_with_one_enormous_field_stops_at_its_row(tmp_path):
    path = enormous_field_csv(tmp_path / "panjang.csv", 64 << 20)
    line = assert_refused(run_measured("analyze", "ikm", path), "panjang.csv", "baris 2")
    assert "bita" in line


def _formula_and_error_book(path, *, error: bool):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Jawaban"
    sheet.append(UNSUR)
    sheet.append([3] * 9)
    sheet.append([4] * 9)
    if error:
        cell = sheet.cell(row=3, column=5)
        cell.value = "#DIV/0!"
        cell.data_type = "e"
    else:
        sheet.cell(row=3, column=5).value = "=A2+1"  # openpyxl stores no cached value
    book.save(path)
    return path


@pytest.mark.parametrize("lang", ["id", "en"])
def test_error_cell_is_bad_input_naming_sheet_row_and_column(tmp_path, lang):
    path = _formula_and_error_book(tmp_path / "galat.xlsx", error=True)
    run = run_measured("--lang", lang, "analyze", "ikm", path)
    line = assert_refused(run, "galat.xlsx", "U5", "#DIV/0!", '"Jawaban"')
    assert ("baris 3" if lang == "id" else "row 3") in line


def test_formula_without_cached_value_is_bad_input(tmp_path):
    path = _formula_and_error_book(tmp_path / "rumus.xlsx", error=False)
    line = assert_refused(
        run_measured("analyze", "ikm", path, "--json"), "rumus.xlsx", "baris 3", "kolom U5"
    )
    assert 'rumus tanpa nilai tersimpan (lembar "Jawaban")' in line


def test_formula_with_cached_value_reads_the_value(tmp_path):
    """A formula saved by a spreadsheet program carries its value: that value is the answer."""
    from tests.hostile_files import SHEET, write_xlsx_parts

    cells = "".join(f"<c><v>{v}</v></c>" for v in [3] * 8)
    row = f"<row><c><f>1+2</f><v>4</v></c>{cells}</row>".encode()
    from tests.hostile_files import sheet_xml

    path = write_xlsx_parts(tmp_path / "tersimpan.xlsx", {SHEET: sheet_xml(UNSUR, row, 1)})
    run = run_measured("analyze", "ikm", path, "--json")
    assert run.code == 0, run.err
    import json

    result = json.loads(run.out)
    assert result["elements"]["U1"]["nrr"] == 4.0
    assert result["elements"]["U2"]["nrr"] == 3.0


def test_csv_row_with_millions_of_cells_is_refused_before_parsing(tmp_path):
    path = tmp_path / "lebar.csv"
    path.write_bytes(b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n3,3,3,3,3,3,3,3,3\n" + b"," * 3_000_000 + b"\n")
    line = assert_refused(run_measured("analyze", "ikm", path), "lebar.csv", "baris 3")
    assert "3000001 kolom; paling banyak 1024 kolom" in line
