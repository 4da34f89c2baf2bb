"""Reading answers from CSV and XLSX (prima.tabular): dialects, the fast and the slow CSV path,
row and column numbers in errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prima.tabular import InputError, Table, read_table

NAN = math.nan
COLUMNS = ["U1", "U2", "U3"]
# three respondents, the second left U2 blank
EXPECTED = np.array([[4.0, 3.0, 2.0], [1.0, NAN, 4.0], [3.0, 3.0, 3.0]])


def write(path: Path, data: bytes) -> Table:
    path.write_bytes(data)
    return read_table(path)


def is_fast(table: Table) -> bool:
    """The last pass split every chunk on the raw bytes (it hands chunks with blank lines or
    ragged rows over to the csv module)."""
    return table.fallback_blocks == 0


def lines(*rows: str, newline: str = "\n", end: bool = True) -> bytes:
    return (newline.join(rows) + (newline if end else "")).encode("utf-8")


DIALECTS: dict[str, tuple[bytes, bool]] = {
    # name: (file content, stays on the fast path)
    "comma": (lines("nama,U1,U2,U3", "Budi,4,3,2", "Sari,1,,4", "Ani,3,3,3"), True),
    "no trailing newline": (
        lines("nama,U1,U2,U3", "Budi,4,3,2", "Sari,1,,4", "Ani,3,3,3", end=False),
        True,
    ),
    "utf-8 BOM": (
        b"\xef\xbb\xbf" + lines("U1,U2,U3,kota", "4,3,2,Depok", "1,,4,Bogor", "3,3,3,Bekasi"),
        True,
    ),
    "semicolon": (lines("U1;U2;U3;nama", "4;3;2;Budi", "1;;4;Sari", "3;3;3;Ani"), True),
    "tab": (lines("U1\tU2\tU3\tnama", "4\t3\t2\tB", "1\t\t4\tS", "3\t3\t3\tA"), True),
    "CRLF": (lines("U1,U2,U3", "4,3,2", "1,,4", "3,3,3", newline="\r\n"), True),
    "BOM semicolon CRLF": (
        b"\xef\xbb\xbf" + lines("U1;U2;U3", "4;3;2", "1;;4", "3;3;3", newline="\r\n"),
        True,
    ),
    "spaces around numbers": (lines("U1,U2,U3", " 4, 3 ,2", "1, ,4", "3.0,3,+3"), True),
    "UTF-8 text in another column": (
        lines("U1,U2,U3,saran", "4,3,2,lebih cepat — terima kasih", "1,,4,ñ", "3,3,3,ok"),
        True,
    ),
    "cp1252 text in another column": (
        b"U1,U2,U3,saran\n4,3,2,caf\xe9\n1,,4,na\xefve \x80 5\n3,3,3,ok\n",
        True,
    ),
    "cp1252 text in a quoted column": (
        b'U1,U2,U3,saran\n4,3,2,"caf\xe9, enak"\n1,,4,x\n3,3,3,"\x93ok\x94"\n',
        True,
    ),
    "quoted cells with commas": (
        lines('"U1","U2","U3","saran"', '4,3,2,"cepat, ramah"', '1,,4,"a, b, c"', "3,3,3,"),
        True,
    ),
    "quoted cells with semicolons, semicolon file": (
        lines("U1;U2;U3;saran", '4;3;2;"cepat; ramah"', '1;;4;"x"', "3;3;3;"),
        True,
    ),
    "quoted cells over several lines": (
        lines("U1,U2,U3,saran", '4,3,2,"baris satu\nbaris dua"', '1,,4,"a\r\nb"', "3,3,3,z"),
        True,
    ),
    "quoted numbers": (lines("U1,U2,U3", '"4","3","2"', '"1","","4"', '"3","3","3"'), True),
    "blank lines": (lines("U1,U2,U3", "", "4,3,2", "1,,4", "", "", "3,3,3", "", ""), False),
    "trailing blank lines CRLF": (
        lines("U1,U2,U3", "4,3,2", "1,,4", "3,3,3", "", "", newline="\r\n"),
        True,
    ),
    "rows of empty cells": (lines("U1,U2,U3", ",,", "4,3,2", "1,,4", ",,", "3,3,3"), False),
    "ragged rows": (lines("U1,U2,U3,saran", "4,3,2", "1,,4,x,extra", "3,3,3,"), False),
}


@pytest.mark.parametrize("name", list(DIALECTS))
def test_csv_dialects_read_the_same_answers(tmp_path, name):
    content, fast = DIALECTS[name]
    table = write(tmp_path / "survei.csv", content)
    values = table.numbers(COLUMNS, low=1, high=4)
    np.testing.assert_array_equal(values, EXPECTED)
    assert values.dtype == np.float64
    assert is_fast(table) is fast


def test_xlsx_reads_the_same_answers(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["nama", *COLUMNS])
    ws.append(["Budi", 4, 3, 2])
    ws.append(["Sari", 1, None, 4])
    ws.append([])  # an empty row is no respondent
    ws.append(["Ani", "3", 3.0, " 3 "])  # numbers typed as text are accepted
    book.save(tmp_path / "survei.xlsx")
    table = read_table(tmp_path / "survei.xlsx")
    np.testing.assert_array_equal(table.numbers(COLUMNS, low=1, high=4), EXPECTED)
    assert [table.row_number(i) for i in range(3)] == [2, 3, 5]


def test_xlsx_sheet_and_file_detected_by_content(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["x"])
    first.append([1])
    second = book.create_sheet("Jawaban")
    second.append(COLUMNS)
    for row in EXPECTED.tolist():
        second.append([None if math.isnan(v) else v for v in row])
    path = tmp_path / "unduhan.dat"  # an XLSX saved without its extension
    book.save(path)
    table = read_table(path, sheet="Jawaban")
    np.testing.assert_array_equal(table.numbers(COLUMNS), EXPECTED)
    assert table.source == f"{path} [Jawaban]"


def test_decimal_comma_in_semicolon_files(tmp_path):
    fast = write(tmp_path / "a.csv", b"W.a;W.b\n33,5;66,5\n50;50\n")
    slow = write(tmp_path / "b.csv", b'W.a;W.b;saran\n33,5;66,5;"ok; bagus"\n50;50;\n')
    for table in (fast, slow):
        np.testing.assert_array_equal(
            table.numbers(["W.a", "W.b"], whole=False), [[33.5, 66.5], [50.0, 50.0]]
        )
    with pytest.raises(InputError) as info:
        fast.numbers(["W.a"])  # answers must be whole numbers
    assert (info.value.key, info.value.row, info.value.column) == ("not_whole", 2, "W.a")


def test_comma_files_have_no_decimal_comma(tmp_path):
    table = write(tmp_path / "a.csv", b'W.a,W.b\n"33,5",66.5\n')
    with pytest.raises(InputError) as info:
        table.numbers(["W.a", "W.b"], whole=False)
    assert (info.value.key, info.value.row, info.value.column) == ("not_a_number", 2, "W.a")
    assert table.numbers(["W.b"], whole=False)[0, 0] == 66.5


# -- errors name the file, the spreadsheet row and the column ----------------------------------------
@pytest.mark.parametrize(
    ("prefix", "extra", "row"),
    [
        (b"", b"", 4),
        (b"", b',"a, b"', 4),  # slow path
        (b'0,0,0,"two\nlines"\n', b",x", 5),  # the quoted cell spans two lines, but one row
        (b"\n\n", b"", 6),  # blank lines are rows of the spreadsheet
        (b",,\n", b"", 5),
    ],
)
def test_error_row_is_the_spreadsheet_row(tmp_path, prefix, extra, row):
    header = b"U1,U2,U3" + (b",saran" if extra or b'"' in prefix else b"") + b"\n"
    body = b"1,2,3" + extra + b"\n" + b"2,3,4" + extra + b"\n" + b"1,9,1" + extra + b"\n"
    content = header + prefix + body
    table = write(tmp_path / "survei.csv", content)
    with pytest.raises(InputError) as info:
        table.numbers(COLUMNS, low=0, high=4)
    error = info.value
    assert (error.key, error.file, error.row, error.column) == (
        "out_of_scale",
        str(tmp_path / "survei.csv"),
        row,
        "U2",
    )
    assert error.params["value"] == "9"
    assert error.render("id").endswith(f'baris {row}, kolom U2: nilai "9" di luar skala 0-4')
    assert error.render("en").endswith(f'row {row}, column U2: value "9" is outside the scale 0-4')


@pytest.mark.parametrize(
    ("cell", "key"),
    [
        (b"x", "not_a_number"),
        (b"nan", "not_a_number"),
        (b"-inf", "not_a_number"),
        (b"1e999", "not_a_number"),
        (b"3,5", "not_whole"),
        (b"2.5", "not_whole"),
        (b"0", "out_of_scale"),
        (b"-1", "out_of_scale"),
        (b"10", "out_of_scale"),
    ],
)
@pytest.mark.parametrize("quoted", [False, True])
def test_bad_cells(tmp_path, cell, key, quoted):
    text = b'"t"' if quoted else b"t"
    content = b"U1;U2;saran\n1;2;" + text + b"\n3;" + cell + b";" + text + b"\n"
    table = write(tmp_path / "x.csv", content)
    with pytest.raises(InputError) as info:
        table.numbers(["U1", "U2"], low=1, high=5)
    assert (info.value.key, info.value.row, info.value.column) == (key, 3, "U2")


def test_blank_cells_may_be_spaces(tmp_path):
    table = write(tmp_path / "x.csv", b"U1,U2\n 4 , \n\t,2\n")
    np.testing.assert_array_equal(table.numbers(["U1", "U2"]), [[4.0, NAN], [NAN, 2.0]])


def test_xlsx_errors(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(COLUMNS)
    ws.append([1, 2, 3])
    ws.append([1, True, 3])
    ws.append([1, 2.5, "tiga"])
    book.save(tmp_path / "x.xlsx")
    table = read_table(tmp_path / "x.xlsx")
    with pytest.raises(InputError) as info:
        table.numbers(["U1", "U2"])
    assert (info.value.key, info.value.row, info.value.column) == ("not_a_number", 3, "U2")
    with pytest.raises(InputError) as info:
        table.numbers(["U3"])
    assert (info.value.key, info.value.row, info.value.column) == ("not_a_number", 4, "U3")


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"", "file_empty"),
        (b"\xef\xbb\xbf\r\n  \r\n", "file_empty"),
        (b"U1,U2", "no_rows"),
        (b"U1,U2\r\n\r\n", "no_rows"),
        (b"U1,U2\n,\n ,\n", "no_rows"),
        (b'"U1",U2\n', "no_rows"),
        (b'U1,U2\n1,"2\n', "bad_csv"),
        (b"U1,U2\x00\x01\n1,2\n", "bad_csv"),
    ],
)
def test_unreadable_csv(tmp_path, content, key):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_table(path).numbers(["U1"])
    assert info.value.key == key
    assert info.value.file == str(path)


def test_missing_and_duplicate_columns(tmp_path):
    table = write(tmp_path / "x.csv", b"U1,U2,U1\n1,2,3\n")
    with pytest.raises(InputError) as info:
        table.numbers(["U3"])
    assert (info.value.key, info.value.row, info.value.column) == ("missing_column", 1, "U3")
    with pytest.raises(InputError) as info:
        table.numbers(["U1"])
    assert (info.value.key, info.value.column) == ("duplicate_column", "U1")
    np.testing.assert_array_equal(table.numbers(["U2"]), [[2.0]])


# -- the fast and the slow path agree ---------------------------------------------------------------
cells = st.one_of(st.none(), st.integers(0, 10))
matrices = st.integers(1, 5).flatmap(
    lambda k: st.lists(st.lists(cells, min_size=k, max_size=k), min_size=1, max_size=30)
)
number_styles = st.sampled_from(["{}", " {}", "{}.0", "+{}"])


def _format(row: list[int | None], style: str, sep: str) -> str:
    return sep.join("" if v is None else style.format(v) for v in row)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    matrix=matrices,
    sep=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    style=number_styles,
    bom=st.booleans(),
)
def test_fast_and_slow_path_agree(tmp_path_factory, matrix, sep, newline, style, bom):
    """Same answers, one file without quotes, one with a quoted text column, one read by the
    csv module."""
    folder = tmp_path_factory.mktemp("paths", numbered=True)
    k = len(matrix[0])
    names = [f"Q{j}" for j in range(k)]
    header = sep.join([*names, "saran"])
    plain = [_format(row, style, sep) + f"{sep}r{i}" for i, row in enumerate(matrix)]
    quoted = [_format(row, style, sep) + f'{sep}"r{i}{sep} ok"' for i, row in enumerate(matrix)]
    prefix = b"\xef\xbb\xbf" if bom else b""
    fast = write(folder / "fast.csv", prefix + lines(header, *plain, newline=newline))
    split = write(folder / "split.csv", prefix + lines(header, *quoted, newline=newline))
    slow = write(folder / "slow.csv", prefix + lines(header, "", *quoted, newline=newline))
    a = fast.numbers(names, low=0, high=10)
    b = split.numbers(names, low=0, high=10)
    c = slow.numbers(names, low=0, high=10)
    assert is_fast(fast)
    assert is_fast(split)  # quoted cells are split on the raw bytes too (quote parity)
    assert not is_fast(slow)  # a blank line: the csv module
    expected = np.array([[NAN if v is None else v for v in row] for row in matrix], dtype=float)
    np.testing.assert_array_equal(a, expected)
    np.testing.assert_array_equal(b, expected)
    np.testing.assert_array_equal(c, expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix=matrices, sep=st.sampled_from([",", ";"]), newline=st.sampled_from(["\n", "\r\n"]))
def test_rows_of_blanks_and_row_numbers_agree(tmp_path_factory, matrix, sep, newline):
    """Rows with no answer at all are no respondents on either path; an error names the same row.

    The slow path is forced by quoting one header name only.
    """
    folder = tmp_path_factory.mktemp("blanks", numbered=True)
    k = len(matrix[0])
    names = [f"Q{j}" for j in range(k)]
    body = [_format(row, "{}", sep) for row in matrix]
    plain = lines(sep.join(names), *body, newline=newline)
    quoted = lines(sep.join([f'"{names[0]}"', *names[1:]]), *body, newline=newline)
    kept = [row for row in matrix if any(v is not None for v in row)]
    if not kept:
        for content in (plain, quoted):
            with pytest.raises(InputError) as info:
                write(folder / "x.csv", content).numbers(names)
            assert info.value.key in ("no_rows", "file_empty")
        return
    fast = write(folder / "fast.csv", plain)
    slow = write(folder / "slow.csv", quoted)
    a = fast.numbers(names, low=0, high=10)
    b = slow.numbers(names, low=0, high=10)
    expected = np.array([[NAN if v is None else v for v in row] for row in kept], dtype=float)
    np.testing.assert_array_equal(a, expected)
    np.testing.assert_array_equal(b, expected)
    # the spreadsheet row of each respondent: header = 1, blank rows counted
    rows = [i + 2 for i, row in enumerate(matrix) if any(v is not None for v in row)]
    assert [fast.row_number(i) for i in range(len(kept))] == rows
    assert [slow.row_number(i) for i in range(len(kept))] == rows
    # the highest answer is outside a narrower scale: both paths name the same row and column
    top = int(np.nanmax(expected))
    if top == 0:
        return
    with pytest.raises(InputError) as fast_error:
        fast.numbers(names, low=0, high=top - 1)
    with pytest.raises(InputError) as slow_error:
        slow.numbers(names, low=0, high=top - 1)
    assert (fast_error.value.row, fast_error.value.column) == (
        slow_error.value.row,
        slow_error.value.column,
    )
    assert fast_error.value.key == slow_error.value.key


def test_large_file_in_several_chunks(tmp_path, monkeypatch):
    """Chunk boundaries do not move answers or row numbers."""
    import prima.tabular.csv_reader

    monkeypatch.setattr(prima.tabular.csv_reader, "CHUNK_BYTES", 64)
    rng = np.random.default_rng(7)
    answers = rng.integers(1, 5, size=(500, 9)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = NAN
    answers[:, 0] = rng.integers(1, 5, size=500)  # no row is blank
    text = ["nomor," + ",".join(f"U{j}" for j in range(1, 10))]
    for i, row in enumerate(answers):
        text.append(f"{i}," + ",".join("" if math.isnan(v) else str(int(v)) for v in row))
    answers[321, 4] = 5
    text[322] = (
        text[322].split(",", 1)[0]
        + ","
        + ",".join("" if math.isnan(v) else str(int(v)) for v in answers[321])
    )
    table = write(tmp_path / "besar.csv", lines(*text))
    names = [f"U{j}" for j in range(1, 10)]
    np.testing.assert_array_equal(table.numbers(names), answers)
    with pytest.raises(InputError) as info:
        table.numbers(names, low=1, high=4)
    assert (info.value.row, info.value.column) == (323, "U5")
    assert is_fast(table)


@pytest.mark.parametrize("chunk", [16, 64, 1000])
def test_quoted_multiline_cells_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    """Quoted cells with separators, doubled quotes and line breaks, cut anywhere by the chunks:
    the same answers as the csv module reads, and a record over several lines is one row."""
    import csv
    import io

    import prima.tabular.csv_reader

    monkeypatch.setattr(prima.tabular.csv_reader, "CHUNK_BYTES", chunk)
    rng = np.random.default_rng(11)
    texts = ["", "cepat, ramah", 'kata "bagus"\nbaris dua', "a\r\nb, c\n\nd", '""', "x" * 90]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "saran", "U1", "U2", "catatan"])
    answers = rng.integers(1, 5, size=(300, 2)).astype(float)
    for i, (a, b) in enumerate(answers):
        writer.writerow([i, texts[i % len(texts)], int(a), int(b), texts[(i * 7) % len(texts)]])
    path = tmp_path / "ekspor.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    table = read_table(path)
    np.testing.assert_array_equal(table.numbers(["U1", "U2"], low=1, high=4), answers)
    assert [table.row_number(i) for i in range(300)] == list(range(2, 302))
    answers[250, 1] = 7
    lines = out.getvalue().split("\n")
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    rows[251][3] = "7"
    out2 = io.StringIO()
    csv.writer(out2, lineterminator="\n").writerows(rows)
    path.write_text(out2.getvalue(), encoding="utf-8")
    assert len(lines) > 302  # some records span several lines
    with pytest.raises(InputError) as info:
        read_table(path).numbers(["U1", "U2"], low=1, high=4)
    assert (info.value.row, info.value.column) == (252, "U2")


def test_a_quote_left_open_stops_at_its_row(tmp_path):
    path = tmp_path / "kutip.csv"
    path.write_bytes(b'U1,saran\n3,"ok"\n4,"tidak ditutup\n' + b"3,ok\n" * 10)
    with pytest.raises(InputError) as info:
        read_table(path).numbers(["U1"])
    assert info.value.key == "bad_csv"
    assert info.value.row == 3


def test_rows_in_memory_may_be_none():
    """Stored responses laid out as a table (the web's path): no rows is an empty result, not
    an error, and the analyses report n = 0."""
    from prima.analysis import report_ikm

    empty = Table("raw", [f"U{i}" for i in range(1, 10)], 0, _rows=[], _row_numbers=[])
    assert empty.numbers(["U1", "U2"]).shape == (0, 2)
    result = report_ikm(empty)
    assert result["n"] == 0
    assert result["ikm"] is None


def test_weighted_servqual_chunk_by_chunk_equals_the_whole(tmp_path, monkeypatch):
    """SERVQUAL with W.<dimension> columns read in many chunks: the same result as the metric
    on the whole matrices, and a bad allocation in a late chunk names its spreadsheet row."""
    import prima.tabular.csv_reader
    from prima.analysis import report_servqual
    from prima.instruments import load_instrument
    from prima.metrics.servqual import servqual

    monkeypatch.setattr(prima.tabular.csv_reader, "CHUNK_BYTES", 256)
    inst = load_instrument("servqual")
    items, dims = inst.item_ids, inst.dimensions()
    rng = np.random.default_rng(3)
    n = 120
    e = rng.integers(1, 6, size=(n, len(items))).astype(float)
    p = rng.integers(1, 6, size=(n, len(items))).astype(float)
    e[rng.random(e.shape) < 0.05] = NAN
    w = np.tile([30.0, 20.0, 20.0, 15.5, 14.5], (n, 1))
    w[::7] = [10.0, 10.0, 10.0, 10.0, 60.0]
    w[5] = NAN  # gave no weights: left out of the weighted score only
    header = [f"{i}.harapan" for i in items] + [f"{i}.kinerja" for i in items]
    header += [f"W.{d}" for d in dims]

    def text(matrix: np.ndarray) -> str:
        return ",".join("" if math.isnan(v) else f"{v:g}" for v in matrix)

    body = [f"{text(e[r])},{text(p[r])},{text(w[r])}" for r in range(n)]
    path = tmp_path / "sq.csv"
    path.write_text("\n".join([",".join(header), *body]) + "\n", encoding="utf-8")
    got = report_servqual(read_table(path), instrument=inst)
    expected = servqual(e, p, items, dims, w).as_dict()
    assert got["weighted_n"] == expected["weighted_n"] == n - 1
    for key in ("weighted", "weighted_ci_low", "weighted_ci_high", "unweighted"):
        assert got[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-12)
    assert got["dimensions"] == expected["dimensions"]
    assert got["notes"] == expected["notes"]

    body[100] = f"{text(e[100])},{text(p[100])},50,50,50,0,0"  # 150 points
    path.write_text("\n".join([",".join(header), *body]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        report_servqual(read_table(path), instrument=inst)
    assert (info.value.key, info.value.row) == ("weights_sum", 102)
