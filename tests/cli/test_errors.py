"""Bad input: exit status 2 and exactly one ``prima: error:`` line naming the file, the row and
the column, never a traceback (section 4 of the contract)."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import assert_input_error, csv_text, run_process, write_xlsx
from tests.cli.test_json_contract import PAIR_HEADER, PAIR_ROWS

U9 = [f"U{i}" for i in range(1, 10)]
GOOD = [4, 3, 4, 4, 3, 4, 4, 3, 4]


def ikm_rows(bad: object, *, at: int = 2, column: int = 2) -> list[list[object]]:
    """Four respondents; respondent ``at`` (0-based) has ``bad`` in U``column + 1``."""
    rows: list[list[object]] = [list(GOOD) for _ in range(4)]
    rows[at][column] = bad
    return rows


# -- a real process: what the user sees ---------------------------------------------------------
def test_process_out_of_scale(tmp_path):
    path = tmp_path / "survei.csv"
    path.write_text(csv_text(U9, ikm_rows(5)))
    line = assert_input_error(run_process("analyze", "ikm", path, "--json"))
    assert line == f'prima: error: {path}, baris 4, kolom U3: nilai "5" di luar skala 1-4'


def test_process_broken_xlsx(tmp_path):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    assert_input_error(run_process("analyze", "gap", path), "rusak.xlsx")


def test_process_missing_column_in_english(tmp_path):
    path = tmp_path / "survei.csv"
    path.write_text(csv_text(U9[:-1], [GOOD[:-1]]))
    line = assert_input_error(run_process("analyze", "ikm", path, env={"PRIMA_LANG": "en"}))
    assert line == f"prima: error: {path}, row 1, column U9: column not found"


def test_process_unknown_instrument(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    assert_input_error(run_process("analyze", "gap", path, "--instrument", "skm2099"), "skm2099")


def test_process_empty_file(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    assert_input_error(run_process("analyze", "nps", path), "kosong.csv", "kosong")


def test_process_weights_not_100(tmp_path):
    path = tmp_path / "bobot.csv"
    instrument = tmp_path / "i.json"
    instrument.write_text(
        json.dumps({"name": "u", "scale": [1, 5], "items": [{"id": "X1", "dimension": "a"}]})
    )
    path.write_text("X1.harapan,X1.kinerja,W.a\n4,4,100\n4,5,90\n")
    assert_input_error(
        run_process("analyze", "servqual", path, "--instrument", instrument),
        "bobot.csv",
        "baris 3",
        "W.a",
        "90",
    )


# -- in-process: every bad input of the contract ------------------------------------------------
def test_missing_column(tmp_path, prima):
    path = tmp_path / "survei.csv"
    path.write_text(csv_text(["U1", "U2", "U3"], [[1, 2, 3]]))
    assert_input_error(prima("analyze", "ikm", path), "survei.csv", "baris 1", "kolom U4")
    path.write_text(csv_text(["X1.harapan", "X1.kinerja"], [[1, 2]]))
    assert_input_error(prima("analyze", "ikm", path), "survei.csv", "baris 1", "kolom U1")


def test_missing_instrument_item(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    assert_input_error(prima("analyze", "servqual", path), "p.csv", "baris 1", "kolom T1.harapan")


@pytest.mark.parametrize(
    ("extra_header", "extra_cell", "path_name"),
    [
        ([], [], "fast path"),
        (["catatan"], ['"ramah, cepat"'], "slow path: quoted cells"),
        (["catatan"], ['"baris\nkedua; ketiga"'], "slow path: a quoted cell over two lines"),
    ],
)
@pytest.mark.parametrize("at", [0, 1, 3])
def test_out_of_scale_row_numbers_in_csv(tmp_path, prima, extra_header, extra_cell, path_name, at):
    rows = ikm_rows(7, at=at, column=8)
    lines = [",".join([*U9, *extra_header])]
    lines += [",".join([*map(str, row), *extra_cell]) for row in rows]
    path = tmp_path / "survei.csv"
    path.write_text("\n".join(lines) + "\n")
    assert_input_error(
        prima("analyze", "ikm", path), "survei.csv", f"baris {at + 2},", "kolom U9", '"7"', "1-4"
    )


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(tmp_path, prima):
    path = tmp_path / "survei.csv"
    lines = [",".join(U9), ",".join(map(str, GOOD)), "", ",".join(map(str, ikm_rows(0)[2]))]
    path.write_text("\n".join(lines) + "\n")
    assert_input_error(prima("analyze", "ikm", path), "baris 4,", "kolom U3", '"0"')


@pytest.mark.parametrize("at", [0, 2])
def test_out_of_scale_row_numbers_in_xlsx(tmp_path, prima, at):
    path = write_xlsx(tmp_path / "survei.xlsx", U9, ikm_rows(9, at=at))
    assert_input_error(
        prima("analyze", "ikm", path), "survei.xlsx", f"baris {at + 2},", "kolom U3", '"9"'
    )
    # with --sheet the message also names the sheet
    assert_input_error(
        prima("analyze", "ikm", path, "--sheet", "Sheet1"),
        "survei.xlsx [Sheet1]",
        f"baris {at + 2},",
    )


def test_xlsx_rows_below_blank_rows(tmp_path, prima):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append([])  # row 1, empty: the table starts lower, and one column to the right
    ws.append([None, *U9])  # row 2: the header
    ws.append([None, *GOOD])  # row 3
    ws.append([])  # row 4, empty
    ws.append([None, *ikm_rows(5)[2]])  # row 5
    book.save(tmp_path / "survei.xlsx")
    assert_input_error(
        prima("analyze", "ikm", tmp_path / "survei.xlsx"), "baris 5,", "kolom U3", '"5"'
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_where_a_number_belongs(table_file, prima, fmt):
    path = table_file(fmt, U9, ikm_rows("empat", at=1))
    assert_input_error(
        prima("analyze", "ikm", path), f"survei.{fmt}", "baris 3,", "kolom U3", '"empat"', "angka"
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_with_a_line_break_still_gives_one_line(tmp_path, prima, fmt):
    if fmt == "csv":
        path = tmp_path / "survei.csv"
        path.write_text('nps,saran\n9,ok\n"9\n(puas)",x\n')
    else:
        path = write_xlsx(tmp_path / "survei.xlsx", ["nps"], [[9], ["9\n(puas)"]])
    assert_input_error(
        prima("analyze", "nps", path), f"survei.{fmt}", "baris 3,", "kolom nps", '"9 (puas)"'
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_non_whole_answer(table_file, prima, fmt):
    path = table_file(fmt, U9, ikm_rows(2.5, at=3))
    assert_input_error(
        prima("analyze", "ikm", path), f"survei.{fmt}", "baris 5,", "kolom U3", '"2.5"', "bulat"
    )


def test_non_whole_answer_on_the_slow_path_and_decimal_comma(tmp_path, prima):
    path = tmp_path / "survei.csv"
    path.write_text('nps;catatan\n9;"oke"\n7,5;x\n')
    assert_input_error(prima("analyze", "nps", path), "baris 3,", "kolom nps", '"7.5"')


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n"])
def test_empty_file(tmp_path, prima, content):
    path = tmp_path / "kosong.csv"
    path.write_bytes(content)
    assert_input_error(prima("analyze", "ikm", path), "kosong.csv", "berkas kosong")


@pytest.mark.parametrize(
    "content", [b"U1,U2\n", b"U1,U2", b"U1,U2\r\n\r\n\r\n", b'"U1",U2\n', b"U1,U2\n,\n"]
)
def test_header_only_file(tmp_path, prima, content):
    path = tmp_path / "judul.csv"
    path.write_bytes(content)
    assert_input_error(prima("analyze", "alpha", path), "judul.csv", "tidak ada data responden")


def test_header_only_xlsx(tmp_path, prima):
    path = write_xlsx(tmp_path / "judul.xlsx", U9, [])
    assert_input_error(prima("analyze", "ikm", path), "judul.xlsx", "tidak ada data responden")


def test_broken_xlsx(tmp_path, prima):
    rubbish = tmp_path / "acak.xlsx"
    rubbish.write_bytes(b"\x13\x37" * 500)
    assert_input_error(prima("analyze", "ikm", rubbish), "acak.xlsx", "XLSX")

    real = write_xlsx(tmp_path / "asli.xlsx", U9, [GOOD])
    truncated = tmp_path / "terpotong.xlsx"
    truncated.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    assert_input_error(prima("analyze", "ikm", truncated), "terpotong.xlsx", "XLSX")

    empty = tmp_path / "nol.xlsx"
    empty.write_bytes(b"")
    assert_input_error(prima("analyze", "ikm", empty), "nol.xlsx")


def test_unknown_sheet(tmp_path, prima):
    path = write_xlsx(tmp_path / "survei.xlsx", U9, [GOOD], sheet="Data")
    line = assert_input_error(
        prima("analyze", "ikm", path, "--sheet", "Hasil"), "survei.xlsx", '"Hasil"', "Data"
    )
    assert "lembar" in line


def test_unknown_instrument_name(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    for verb in ("gap", "servqual", "ipa"):
        assert_input_error(prima("analyze", verb, path, "--instrument", "serqual"), "serqual")
    ikm = tmp_path / "ikm.csv"
    ikm.write_text(csv_text(U9, [GOOD]))
    assert_input_error(prima("analyze", "ikm", ikm, "--instrument", "skm2020"), "skm2020")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rusak.json", '{"name": "x", "scale": [1, 5], "items": ['),
        ("kosong.json", ""),
        ("skala.json", '{"name": "x", "scale": [5, 1], "items": [{"id": "X1"}]}'),
        ("butir.json", '{"name": "x", "scale": [1, 5], "items": []}'),
        ("rusak.yaml", "name: x\nitems: [\n"),
        ("rusak2.yaml", "name: x\nscale: [1, 5]\nitems: {id: X1}\n"),
    ],
)
def test_broken_instrument_file(tmp_path, prima, name, text):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    instrument = tmp_path / name
    instrument.write_text(text)
    assert_input_error(prima("analyze", "gap", path, "--instrument", instrument), name)


def test_missing_instrument_file(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    assert_input_error(
        prima("analyze", "gap", path, "--instrument", tmp_path / "tidak-ada.json"), "tidak-ada.json"
    )


def test_ikm_with_a_paired_instrument(tmp_path, prima):
    path = tmp_path / "ikm.csv"
    path.write_text(csv_text(U9, [GOOD]))
    assert_input_error(prima("analyze", "ikm", path, "--instrument", "a6"), "a6")


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [([60, 30], "90"), ([60, None], "kosong"), ([120, -20], "negatif")],
)
def test_servqual_weights(tmp_path, prima, weights, fragment):
    instrument = tmp_path / "i.json"
    items = [{"id": "X1", "dimension": "a"}, {"id": "X3", "dimension": "b"}]
    instrument.write_text(json.dumps({"name": "u", "scale": [1, 5], "items": items}))
    path = tmp_path / "bobot.csv"
    good = [[*row, 50, 50] for row in PAIR_ROWS]
    good[2][-2:] = weights
    path.write_text(csv_text([*PAIR_HEADER, "W.a", "W.b"], good))
    assert_input_error(
        prima("analyze", "servqual", path, "--instrument", instrument),
        "bobot.csv",
        "baris 4,",
        "W.a",
        fragment,
    )


def test_servqual_weight_column_missing_for_a_dimension(tmp_path, prima):
    instrument = tmp_path / "i.json"
    items = [{"id": "X1", "dimension": "a"}, {"id": "X3", "dimension": "b"}]
    instrument.write_text(json.dumps({"name": "u", "scale": [1, 5], "items": items}))
    path = tmp_path / "bobot.csv"
    path.write_text(csv_text([*PAIR_HEADER, "W.a"], [[*row, 100] for row in PAIR_ROWS]))
    assert_input_error(
        prima("analyze", "servqual", path, "--instrument", instrument), "bobot.csv", "kolom W.b"
    )


@pytest.mark.parametrize(
    ("header", "present", "missing"),
    [
        (["X1.harapan", "X1.kinerja", "X2.harapan"], "X2.harapan", "X2.kinerja"),
        (["X1.kinerja", "X2.harapan", "X2.kinerja"], "X1.kinerja", "X1.harapan"),
        (["X1.kepentingan", "X2.importance", "X2.performance"], "X1.kepentingan", "X1.kinerja"),
    ],
)
@pytest.mark.parametrize("verb", ["gap", "ipa", "csi"])
def test_half_pair(tmp_path, prima, header, present, missing, verb):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(header, [[3, 3, 3]]))
    assert_input_error(
        prima("analyze", verb, path), "p.csv", "baris 1", f"kolom {present}", missing
    )


def test_no_paired_columns(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(["nama", "umur"], [["a", 30]]))
    assert_input_error(prima("analyze", "gap", path), "p.csv", "harapan")


@pytest.mark.parametrize("scale", ["abc", "5-1", "3-3", "1-", "1.5-5", "1..5", ""])
def test_bad_scale(tmp_path, prima, scale):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    assert_input_error(prima("analyze", "gap", path, f"--scale={scale}"), f'"{scale}"', "MIN-MAX")


def test_negative_scale_is_accepted(tmp_path, prima):
    path = tmp_path / "n.csv"
    path.write_text("a,b\n-2,-1\n2,1\n0,0\n")
    out = prima("analyze", "alpha", path, "--items", "a,b", "--scale=-2-2", "--json").json()
    assert out["scale"] == [-2, 2]
    assert out["alpha"] == pytest.approx(8 / 9)


def test_duplicate_column(tmp_path, prima):
    path = tmp_path / "d.csv"
    path.write_text("nps,nps\n9,9\n")
    assert_input_error(prima("analyze", "nps", path), "d.csv", "baris 1", "kolom nps")


def test_missing_file(tmp_path, prima):
    assert_input_error(prima("analyze", "ikm", tmp_path / "hilang.csv"), "hilang.csv")


def test_sample_size_bad_options(prima):
    assert_input_error(prima("sample-size", "--population", "0"), "--population")
    assert_input_error(prima("sample-size", "--population", "10", "--margin", "2"), "--margin")
