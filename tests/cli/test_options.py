"""Defaults and options of ``prima analyze``: scales, instruments, axis, columns, sheets."""

from __future__ import annotations

import json

import pytest

from prima.instruments import load_instrument
from tests.cli.conftest import assert_input_error, csv_text, write_xlsx
from tests.cli.test_json_contract import PAIR_HEADER, PAIR_ROWS

U9 = [f"U{i}" for i in range(1, 10)]
U14 = [f"U{i}" for i in range(1, 15)]


# -- default scales ------------------------------------------------------------------------
def test_ikm_default_scale_is_1_to_4(tmp_path, prima):
    path = tmp_path / "ikm.csv"
    path.write_text(csv_text(U9, [[4] * 9, [1, 2, 3, 4, 5, 1, 1, 1, 1]]))
    assert_input_error(prima("analyze", "ikm", path), "baris 3", "kolom U5", '"5"', "1-4")
    out = prima("analyze", "ikm", path, "--scale", "1-5", "--json").json()
    assert out["scale"] == [1, 5]
    assert out["elements"]["U5"]["nrr"] == 4.5


def test_nps_default_scale_is_0_to_10(tmp_path, prima):
    path = tmp_path / "nps.csv"
    path.write_text("nps\n0\n10\n")
    assert prima("analyze", "nps", path, "--json").json()["n"] == 2
    path.write_text("nps\n0\n11\n")
    assert_input_error(prima("analyze", "nps", path), "baris 3", "kolom nps", '"11"', "0-10")
    path.write_text("nps\n-1\n10\n")
    assert_input_error(prima("analyze", "nps", path), "baris 2", '"-1"', "0-10")


@pytest.mark.parametrize("method", ["gap", "ipa", "csi", "alpha"])
def test_other_methods_default_scale_is_1_to_5(tmp_path, prima, method):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, [[5, 5, 5, 5, 5, 5], [1, 1, 1, 1, 1, 1]]))
    assert prima("analyze", method, path, "--json").code == 0
    path.write_text(csv_text(PAIR_HEADER, [[5, 5, 5, 5, 5, 5], [1, 1, 1, 6, 1, 1]]))
    assert_input_error(prima("analyze", method, path), "baris 3", "kolom X2.kinerja", "1-5")
    out = prima("analyze", method, path, "--scale", "1-7", "--json").json()
    assert out["scale"] == [1, 7]


def test_servqual_default_scale_comes_from_the_instrument(tmp_path, prima):
    items = load_instrument("servqual").items
    header = [f"{i.id}.{side}" for i in items for side in ("harapan", "kinerja")]
    path = tmp_path / "sq.csv"
    path.write_text(csv_text(header, [[5] * len(header), [3] * (len(header) - 1) + [6]]))
    assert_input_error(prima("analyze", "servqual", path), "baris 3", "kolom E5.kinerja", "1-5")
    assert prima("analyze", "servqual", path, "--scale", "1-7", "--json").code == 0


def test_scale_changes_the_results(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    five = prima("analyze", "csi", path, "--json").json()
    seven = prima("analyze", "csi", path, "--scale", "1-7", "--json").json()
    assert seven["csi"] == pytest.approx(five["csi"] * 5 / 7)  # CSI = sum WS / top of scale
    # midpoint crosshair follows the scale: 3 on 1-5, 4 on 1-7
    mid5 = prima("analyze", "ipa", path, "--axis", "midpoint", "--json").json()
    mid7 = prima("analyze", "ipa", path, "--axis", "midpoint", "--scale", "1-7", "--json").json()
    assert mid5["axis"]["importance"] == mid5["axis"]["performance"] == 3
    assert mid7["axis"]["importance"] == mid7["axis"]["performance"] == 4
    assert mid7["items"]["X1"]["quadrant"] == "A"  # importance 4.5, performance 3 < 4


# -- instruments ---------------------------------------------------------------------------
def test_skm2004_is_detected_from_u10_to_u14(tmp_path, prima):
    path = tmp_path / "ikm2004.csv"
    path.write_text(csv_text(U14, [[4] * 14, [2] * 14]))
    out = prima("analyze", "ikm", path, "--json").json()
    assert out["standard"] == "skm2004"
    assert list(out["elements"]) == U14
    assert out["ikm_converted"] == 75.0
    assert (out["grade"], out["performance"]) == ("B", "Baik")  # 2004 bands: 62,51 - 81,25
    named = prima("analyze", "ikm", path, "--instrument", "skm2004", "--json").json()
    assert named == out
    # the same answers under the 2017 regulation: only U1..U9, and 75,00 is mutu C
    out = prima("analyze", "ikm", path, "--instrument", "skm2017", "--json").json()
    assert out["standard"] == "skm2017"
    assert list(out["elements"]) == U9
    assert (out["ikm_converted"], out["grade"], out["performance"]) == (75.0, "C", "Kurang Baik")


def test_skm2017_without_u10(tmp_path, prima):
    path = tmp_path / "ikm.csv"
    path.write_text(csv_text([*U9, "U10"], [[3] * 10]))  # U10 alone is not the 2004 form
    assert prima("analyze", "ikm", path, "--json").json()["standard"] == "skm2017"


def test_ikm_instrument_file_with_own_columns(tmp_path, prima):
    items = [{"id": f"Q{i}", "text": f"unsur {i}"} for i in range(1, 10)]
    instrument = tmp_path / "skm.json"
    instrument.write_text(
        json.dumps({"name": "skm-lokal", "standard": "skm2017", "scale": [1, 4], "items": items})
    )
    path = tmp_path / "ikm.csv"
    path.write_text(csv_text([f"Q{i}" for i in range(1, 10)], [[4] * 9, [3] * 9]))
    out = prima("analyze", "ikm", path, "--instrument", instrument, "--json").json()
    assert out["instrument"] == "skm-lokal"
    assert out["ikm"] == 3.5
    assert (out["grade"], out["performance"]) == ("B", "Baik")


def _instrument_file(tmp_path, name: str) -> str:
    items = load_instrument(name).items
    header = [f"{i.id}.{side}" for i in items for side in ("harapan", "kinerja")]
    rows = [[1 + (k * 7 + r * 3) % 5 for k in range(len(header))] for r in range(6)]
    path = tmp_path / f"{name}.csv"
    path.write_text(csv_text(header, rows))
    return str(path)


@pytest.mark.parametrize(("name", "dims"), [("a6", 6), ("servqual", 5), ("internal", 9)])
def test_builtin_paired_instruments(tmp_path, prima, name, dims):
    path = _instrument_file(tmp_path, name)
    out = prima("analyze", "gap", path, "--instrument", name, "--json").json()
    expected = load_instrument(name).dimensions()
    assert list(out["dimensions"]) == list(expected)
    assert len(expected) == dims
    assert list(out["items"]) == load_instrument(name).item_ids
    assert out["n"] == 6


def test_servqual_uses_the_servqual_instrument_by_default(tmp_path, prima):
    path = _instrument_file(tmp_path, "servqual")
    default = prima("analyze", "servqual", path, "--json").json()
    named = prima("analyze", "servqual", path, "--instrument", "servqual", "--json").json()
    assert default == named
    assert list(default["dimensions"]) == [
        "tangibles",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
    ]


def test_instrument_file_json_and_yaml_give_the_same_result(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    as_json = tmp_path / "i.json"
    as_json.write_text(
        json.dumps(
            {
                "name": "uji",
                "scale": [1, 5],
                "items": [
                    {"id": "X1", "dimension": "a", "text": {"id": "satu", "en": "one"}},
                    {"id": "X2", "dimension": "a", "text": {"id": "dua", "en": "two"}},
                    {"id": "X3", "dimension": "b", "text": {"id": "tiga", "en": "three"}},
                ],
            }
        )
    )
    as_yaml = tmp_path / "i.yaml"
    as_yaml.write_text(
        "name: uji\n"
        "scale: [1, 5]\n"
        "items:\n"
        "  - {id: X1, dimension: a, text: {id: satu, en: one}}\n"
        "  - {id: X2, dimension: a, text: {id: dua, en: two}}\n"
        "  - id: X3\n"
        "    dimension: b\n"
        "    text: {id: tiga, en: three}\n"
    )
    for verb in ("gap", "servqual"):
        a = prima("analyze", verb, path, "--instrument", as_json, "--json").json()
        b = prima("analyze", verb, path, "--instrument", as_yaml, "--json").json()
        assert a == b
        assert list(a["dimensions"]) == ["a", "b"]
        assert a["dimensions"]["a"]["gap"] == -0.5


def test_instrument_selects_items(tmp_path, prima):
    instrument = tmp_path / "i.json"
    instrument.write_text(json.dumps({"name": "dua", "scale": [1, 5], "items": [{"id": "X3"}]}))
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    out = prima("analyze", "gap", path, "--instrument", instrument, "--json").json()
    assert list(out["items"]) == ["X3"]
    assert out["overall"]["gap"] == 1.75


# -- --axis, --column, --items, --sheet -----------------------------------------------------
def test_ipa_axis_mean_and_midpoint(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    default = prima("analyze", "ipa", path, "--json").json()
    mean = prima("analyze", "ipa", path, "--axis", "mean", "--json").json()
    assert default == mean
    assert mean["axis"]["kind"] == "mean"
    mid = prima("analyze", "ipa", path, "--axis", "midpoint", "--json").json()
    assert mid["axis"]["kind"] == "midpoint"
    assert {k: v["quadrant"] for k, v in mid["items"].items()} == {"X1": "B", "X2": "B", "X3": "D"}
    # X1's performance 3 lies on the midpoint: the high side, flagged
    assert [k for k, v in mid["items"].items() if v["on_boundary"]] == ["X1"]


def test_nps_column(tmp_path, prima):
    path = tmp_path / "n.csv"
    path.write_text("nps,rekomendasi\n0,10\n0,9\n")
    assert prima("analyze", "nps", path, "--json").json()["nps"] == -100.0
    out = prima("analyze", "nps", path, "--column", "rekomendasi", "--json").json()
    assert (out["n"], out["nps"]) == (2, 100.0)
    assert_input_error(
        prima("analyze", "nps", path, "--column", "skor"), "n.csv", "baris 1", "kolom skor"
    )


def test_alpha_items_and_defaults(tmp_path, prima):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    default = prima("analyze", "alpha", path, "--json").json()
    assert list(default["items"]) == ["X1.kinerja", "X2.kinerja", "X3.kinerja"]
    by_item = prima("analyze", "alpha", path, "--items", "X1,X3", "--json").json()
    assert list(by_item["items"]) == ["X1.kinerja", "X3.kinerja"]
    assert by_item["k"] == 2
    by_column = prima("analyze", "alpha", path, "--items", "X1.harapan, X3.harapan", "--json")
    assert list(by_column.json()["items"]) == ["X1.harapan", "X3.harapan"]
    assert_input_error(prima("analyze", "alpha", path, "--items", "X1,Z9"), "kolom Z9")

    ikm = tmp_path / "ikm.csv"
    ikm.write_text(csv_text(["nama", *U9], [["a", *[4] * 9], ["b", *[3] * 9], ["c", *[2] * 9]]))
    out = prima("analyze", "alpha", ikm, "--json").json()
    assert list(out["items"]) == U9
    assert out["alpha"] == pytest.approx(1.0)


def test_xlsx_sheet(tmp_path, prima):
    path = write_xlsx(
        tmp_path / "survei.xlsx",
        ["catatan"],
        [["lembar pertama tanpa data"]],
        sheet="Ringkasan",
        extra_sheets={"NPS": [["nps"], [9], [10], [3]], "Lain": [["nps"], [0]]},
    )
    assert_input_error(prima("analyze", "nps", path), "survei.xlsx", "kolom nps")
    out = prima("analyze", "nps", path, "--sheet", "NPS", "--json").json()
    assert (out["n"], out["promoters"], out["detractors"]) == (
        3,
        pytest.approx(200 / 3),
        pytest.approx(100 / 3),
    )
    assert prima("analyze", "nps", path, "--sheet", "Lain", "--json").json()["nps"] == -100.0


# -- column spellings and weights ------------------------------------------------------------
def test_accepted_column_spellings(tmp_path, prima):
    reference = tmp_path / "ref.csv"
    reference.write_text(csv_text(PAIR_HEADER, PAIR_ROWS))
    spelled = tmp_path / "ejaan.csv"
    header = [
        "X1.expectation",
        "X1.performance",
        "X2.kepentingan",
        "X2.kinerja",
        "X3.importance",
        "X3.performance",
    ]
    spelled.write_text(csv_text(header, PAIR_ROWS))
    shuffled = tmp_path / "acak.csv"  # columns in any order, with other columns between them
    order = [5, 0, 3, 1, 4, 2]
    shuffled.write_text(
        csv_text(
            ["catatan", *(PAIR_HEADER[j] for j in order)],
            [["-", *(row[j] for j in order)] for row in PAIR_ROWS],
        )
    )
    for verb in ("gap", "ipa", "csi"):
        want = prima("analyze", verb, reference, "--json").json()
        assert prima("analyze", verb, spelled, "--json").json() == want
        got = prima("analyze", verb, shuffled, "--json").json()
        assert got["items"].keys() == {"X1", "X2", "X3"}
        assert got["items"]["X1"] == want["items"]["X1"]


def test_servqual_weights_with_decimal_comma(tmp_path, prima):
    instrument = tmp_path / "i.json"
    items = [{"id": "X1", "dimension": "a"}, {"id": "X2", "dimension": "a"}]
    items.append({"id": "X3", "dimension": "b"})
    instrument.write_text(json.dumps({"name": "uji", "scale": [1, 5], "items": items}))
    path = tmp_path / "bobot.csv"
    weights = [["33,5", "66,5"], ["20", "80"], ["100", "0"], ["", ""]]
    rows = [[*r, *w] for r, w in zip(PAIR_ROWS, weights, strict=True)]
    path.write_text(csv_text([*PAIR_HEADER, "W.a", "W.b"], rows, sep=";"))
    out = prima("analyze", "servqual", path, "--instrument", instrument, "--json").json()
    # per respondent: .335 x -.5 + .665 x 2; .2 x .5 + .8 x 1; 1 x 0
    assert out["weighted"] == pytest.approx((-0.1675 + 1.33 + 0.9 + 0.0) / 3)
