"""``prima analyze text FILE [--column NAME] [--json]``: issue 14's public contract."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from prima import remarks
from tests.cli.conftest import Run, assert_input_error, run_process, write_xlsx

ROW_KEYS = {"row", "unsur", "a6", "sentiment", "confidence"}


def _texts_csv(path: Path, header: str, cells: list[str]) -> Path:
    lines = [f"id,{header}"] + [f'{i},"{c}"' for i, c in enumerate(cells, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def remarks_file(tmp_path: Path) -> Path:
    return _texts_csv(
        tmp_path / "saran.csv",
        "suggestion",
        [
            "antreannya tidak lama",  # row 2
            "",  # row 3: blank
            "petugas tidak ramah",  # row 4
            "   ",  # row 5: whitespace only
            "mohon lebih ramah lagi, terima kasih",  # row 6
            "tidak dipungut biaya",  # row 7
        ],
    )


def test_json_contract(prima: Callable[..., Run], remarks_file: Path) -> None:
    data = prima("analyze", "text", remarks_file, "--json").json()
    assert set(data) == {"n", "blank", "rows", "summary"}
    assert (data["n"], data["blank"]) == (4, 2)
    assert [r["row"] for r in data["rows"]] == [2, 4, 6, 7]
    for r in data["rows"]:
        assert set(r) == ROW_KEYS
        assert r["unsur"] is None or r["unsur"] in remarks.UNSUR_CODES
        assert r["a6"] is None or r["a6"] in remarks.A6_KEYS
        assert r["sentiment"] in remarks.SENTIMENTS
        assert set(r["confidence"]) == {"unsur", "a6", "sentiment"}
        assert all(0 <= v <= 1 for v in r["confidence"].values())
    got = [(r["unsur"], r["sentiment"]) for r in data["rows"]]
    assert got == [("U3", "positif"), ("U7", "negatif"), ("U7", "negatif"), ("U4", "positif")]
    summary = data["summary"]
    assert set(summary) == {"unsur", "a6", "sentiment"}
    assert list(summary["unsur"]) == list(remarks.UNSUR_CODES)
    assert list(summary["a6"]) == list(remarks.A6_KEYS)
    assert summary["unsur"]["U7"] == {"n": 2, "positif": 0, "negatif": 2, "netral": 0}
    assert summary["unsur"]["U3"] == {"n": 1, "positif": 1, "negatif": 0, "netral": 0}
    assert summary["sentiment"] == {"positif": 2, "negatif": 2, "netral": 0}
    # the summary agrees with the rows
    assert sum(v["n"] for v in summary["unsur"].values()) == sum(
        r["unsur"] is not None for r in data["rows"]
    )
    assert sum(summary["sentiment"].values()) == data["n"]


def test_saran_column_is_accepted(prima: Callable[..., Run], tmp_path: Path) -> None:
    path = _texts_csv(tmp_path / "s.csv", "saran", ["petugasnya jutek bgt", "pertahankan"])
    data = prima("analyze", "text", path, "--json").json()
    assert [(r["row"], r["sentiment"]) for r in data["rows"]] == [(2, "negatif"), (3, "positif")]


def test_suggestion_wins_over_saran(prima: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    path.write_text("saran,suggestion\npetugas ramah,\n", encoding="utf-8")
    data = prima("analyze", "text", path, "--json").json()
    assert (data["n"], data["blank"]) == (0, 1)


def test_column_option(prima: Callable[..., Run], tmp_path: Path) -> None:
    path = _texts_csv(tmp_path / "k.csv", "keluhan", ["toiletnya kotor dan bau", "ribet bgt"])
    data = prima("analyze", "text", path, "--column", "keluhan", "--json").json()
    assert data["n"] == 2
    assert data["rows"][0]["unsur"] == "U8"


@pytest.mark.parametrize(
    ("header", "args", "column"),
    [
        ("komentar", (), "suggestion"),
        ("suggestion", ("--column", "keluhan"), "keluhan"),
        ("suggestion", ("--column", "saran"), "saran"),
    ],
)
def test_missing_column_names_file_and_column(
    prima: Callable[..., Run], tmp_path: Path, header: str, args: tuple[str, ...], column: str
) -> None:
    path = _texts_csv(tmp_path / "x.csv", header, ["bagus"])
    line = assert_input_error(prima("analyze", "text", path, *args, "--json"), str(path), column)
    assert "kolom" in line  # Indonesian by default


def test_missing_file(prima: Callable[..., Run], tmp_path: Path) -> None:
    assert_input_error(prima("analyze", "text", tmp_path / "nope.csv"), "nope.csv")


def test_xlsx_rows_numbers_and_cells(prima: Callable[..., Run], tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        ["nama", "saran"],
        [["a", "Pelayanannya cepat"], ["b", None], ["c", 12345], ["d", "AC mati, panas sekali"]],
    )
    data = prima("analyze", "text", path, "--json").json()
    assert [r["row"] for r in data["rows"]] == [2, 4, 5]
    assert data["blank"] == 1
    assert data["rows"][2]["unsur"] == "U8"


def test_flagged_rows_left_out_unless_asked(prima: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "suggestion,flag\npetugas ramah,\nantrean lama,speed\ntoilet kotor,\n", encoding="utf-8"
    )
    data = prima("analyze", "text", path, "--json").json()
    assert [r["row"] for r in data["rows"]] == [2, 4]
    assert "notes" in data
    data = prima("analyze", "text", path, "--json", "--include-flagged").json()
    assert [r["row"] for r in data["rows"]] == [2, 3, 4]


def test_odd_texts_never_fail(prima: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    long = "petugas tidak ramah " * 2000
    path.write_text("suggestion\n这是中文评论\n=1+2\n😀😀\n" + long + "\n...\n", encoding="utf-8")
    data = prima("analyze", "text", path, "--json").json()
    assert data["n"] == 5
    assert [r["row"] for r in data["rows"]] == [2, 3, 4, 5, 6]


def test_human_output_in_both_languages(prima: Callable[..., Run], remarks_file: Path) -> None:
    run = prima("analyze", "text", remarks_file)
    assert run.code == 0, run.err
    assert "Persyaratan" in run.out
    assert "Negatif" in run.out
    run = prima("--lang", "en", "analyze", "text", remarks_file)
    assert run.code == 0, run.err
    assert "Requirements" in run.out
    assert "Negative" in run.out


def test_as_a_real_process(remarks_file: Path) -> None:
    data = run_process("analyze", "text", remarks_file, "--json").json()
    assert data["n"] == 4
