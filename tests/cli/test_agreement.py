"""``prima analyze agreement FILE --method ...``: issue 13's public contract (JSON keys exactly,
values worked out by hand, CSV and XLSX), its bad input (exit 2, one line naming file, row and
column) and its text output in Bahasa Indonesia and English."""

from __future__ import annotations

import pytest
from scipy import stats

from tests.cli.conftest import assert_input_error, csv_text, run_process

FORMATS = ["csv", "xlsx"]
Z = 1.959963984540054

# two raters and an ignored column; the fifth subject was not rated by the mystery shopper
COHEN_HEADER = ["no", "R.supervisor", "R.mystery1", "catatan"]
COHEN_ROWS = [[1, 1, 1, "ok"], [2, 1, 2, None], [3, 2, 2, "x"], [4, 2, 2, None], [5, 2, None, None]]
# rated by both: (1,1) (1,2) (2,2) (2,2): po .75, pe .5 x .25 + .5 x .75 = .5, kappa .5, se .375
# (tests/metrics/test_agreement.py works the variance out)

# three raters; the fourth subject misses a rating
THREE_HEADER = ["R.a", "R.b", "R.c", "unit"]
THREE_ROWS = [[1, 1, 1, "A"], [2, 2, 2, "A"], [1, 2, 2, "B"], [1, None, 2, "B"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_cohen_json(prima, table_file, fmt):
    path = table_file(fmt, COHEN_HEADER, COHEN_ROWS)
    data = prima("analyze", "agreement", path, "--method", "cohen", "--json").json()
    assert set(data) == {"n", "kappa", "po", "pe", "weights", "ci_low", "ci_high"}
    assert data["n"] == 4  # subjects rated by both
    assert data["weights"] is None
    assert (data["po"], data["pe"]) == (0.75, 0.5)
    assert data["kappa"] == pytest.approx(0.5)
    assert data["ci_low"] == pytest.approx(0.5 - Z * 0.375)
    assert data["ci_high"] == 1.0


def test_cohen_weights(prima, table_file):
    # a = 1 2 3 1, b = 1 3 3 2: linear kappa .5, quadratic 9/13 (test_agreement.py by hand)
    path = table_file("csv", ["R.x", "R.y"], [[1, 1], [2, 3], [3, 3], [1, 2]])
    linear = prima(
        "analyze", "agreement", path, "--method", "cohen", "--weights", "linear", "--json"
    )
    assert linear.json()["weights"] == "linear"
    assert linear.json()["kappa"] == pytest.approx(0.5)
    quadratic = prima(
        "analyze", "agreement", path, "--method", "cohen", "--weights", "quadratic", "--json"
    ).json()
    assert (quadratic["weights"], quadratic["po"]) == ("quadratic", 0.875)
    assert quadratic["kappa"] == pytest.approx(9 / 13)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fleiss_json(prima, table_file, fmt):
    path = table_file(fmt, THREE_HEADER, THREE_ROWS)
    data = prima("analyze", "agreement", path, "--method", "fleiss", "--json").json()
    # complete rows (1,1,1) (2,2,2) (1,2,2): Pbar 7/9, Pe 41/81 -> kappa 22/40
    assert data == {"n": 3, "k": 3, "kappa": pytest.approx(0.55)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_icc_json(prima, table_file, fmt):
    path = table_file(
        fmt, ["R.a", "R.b", "x"], [[1, 2, "p"], [2, 3, None], [3, 5, None], [4, None, None]]
    )
    data = prima("analyze", "agreement", path, "--method", "icc", "--json").json()
    assert set(data) == {"n", "k", "icc"}
    assert (data["n"], data["k"]) == (3, 2)  # complete rows only
    assert set(data["icc"]) == {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}
    for form in data["icc"].values():
        assert set(form) == {"value", "ci_low", "ci_high"}
    # MSR 19/6, MSC 8/3, MSE 1/6, MSW 1 (worked out in tests/metrics/test_agreement.py)
    expected = {"ICC1": 13 / 25, "ICC2": 0.6, "ICC3": 0.9, "ICC1k": 13 / 19, "ICC2k": 0.75}
    for name, value in expected.items():
        assert data["icc"][name]["value"] == pytest.approx(value)
    assert data["icc"]["ICC3k"]["value"] == pytest.approx(18 / 19)
    fl = 19 / stats.f.ppf(0.975, 2, 2)  # ICC3: F = MSR/MSE = 19 on (2, 2)
    assert data["icc"]["ICC3"]["ci_low"] == pytest.approx((fl - 1) / (fl + 1))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("level", "alpha"),
    [
        (None, 1 / 11),
        ("nominal", 1 / 11),
        ("ordinal", 95 / 180),
        ("interval", 0.5),
        ("ratio", 411 / 1091),
    ],
)
def test_krippendorff_json(prima, table_file, fmt, level, alpha):
    # units (1,2) (2,3) (3,3) and (3, blank, blank), which is not pairable: n = 3
    rows = [[1, 2, None], [2, None, 3], [None, 3, 3], [3, None, None]]
    path = table_file(fmt, ["R.a", "R.b", "R.c"], rows)
    args = ["analyze", "agreement", path, "--method", "krippendorff", "--json"]
    data = prima(*args, *(["--level", level] if level else [])).json()
    assert data == {"n": 3, "alpha": pytest.approx(alpha), "level": level or "nominal"}


def test_blank_rows_and_other_columns_are_ignored(prima, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        csv_text(
            ["nama", "R.a", "skor", "R.b"],
            [["Budi", 1, "tinggi", 1], ["Sari", None, "x", None], ["Ani", 2, "", 2]],
        )
    )
    data = prima("analyze", "agreement", path, "--method", "cohen", "--json").json()
    assert (data["n"], data["kappa"]) == (2, 1.0)


# -- bad input ---------------------------------------------------------------------------------
def test_non_numeric_rating_names_row_and_column(prima, tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(csv_text(["R.a", "R.b"], [[1, 2], [2, "Ya"], [1, 1]]))
    line = assert_input_error(prima("analyze", "agreement", path, "--method", "fleiss"))
    assert line == f'prima: error: {path}, baris 3, kolom R.b: nilai "Ya" bukan angka'


def test_fewer_than_two_rater_columns(prima, tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(csv_text(["R.a", "b"], [[1, 2], [2, 1]]))
    line = assert_input_error(
        prima("--lang", "en", "analyze", "agreement", path, "--method", "icc")
    )
    assert line.startswith(f"prima: error: {path}, row 1, column R.a: at least two rater columns")
    path.write_text(csv_text(["a", "b"], [[1, 2], [2, 1]]))
    line = assert_input_error(prima("analyze", "agreement", path, "--method", "icc"))
    assert f"{path}, baris 1, kolom R.<rater>" in line


def test_cohen_with_three_rater_columns(prima, table_file):
    path = table_file("xlsx", THREE_HEADER, THREE_ROWS)
    line = assert_input_error(
        prima("--lang", "en", "analyze", "agreement", path, "--method", "cohen")
    )
    assert line.startswith(
        f"prima: error: {path}, row 1, column R.c: Cohen's kappa takes exactly two"
    )


def test_unknown_level_and_method(table_file):
    # usage errors end the process from argparse: run it as a user would
    path = table_file("csv", THREE_HEADER, THREE_ROWS)
    args = ["analyze", "agreement", path]
    line = assert_input_error(
        run_process(*args, "--method", "krippendorff", "--level", "cardinal"), "cardinal"
    )
    assert "--level" in line
    assert_input_error(run_process(*args, "--method", "scott"), "scott")
    assert_input_error(run_process(*args), "--method")
    assert_input_error(run_process(*args, "--method", "cohen", "--weights", "cubic"), "cubic")


def test_options_of_another_method_are_refused(prima, table_file):
    path = table_file("csv", THREE_HEADER, THREE_ROWS)
    args = ["--lang", "en", "analyze", "agreement", path]
    assert_input_error(
        prima(*args, "--method", "fleiss", "--level", "ordinal"), "--level", "krippendorff"
    )
    assert_input_error(prima(*args, "--method", "icc", "--weights", "linear"), "--weights", "cohen")


def test_negative_ratio_rating_names_row_and_column(prima, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(csv_text(["R.a", "R.b"], [[1, 2], [2, 2], [3, -1]]))
    args = ["analyze", "agreement", path, "--method", "krippendorff"]
    line = assert_input_error(prima("--lang", "en", *args, "--level", "ratio"))
    assert line.startswith(f'prima: error: {path}, row 4, column R.b: value "-1" is negative')
    assert prima(*args, "--level", "interval", "--json").code == 0


@pytest.mark.parametrize(
    ("method", "rows", "english"),
    [
        ("cohen", [[3, 3], [3, 3], [3, 3]], "one and the same category"),
        ("fleiss", [[1, 2], [None, 2]], "fewer than 2 subjects"),
        ("icc", [[2, 2], [2, 2]], "do not vary"),
        ("icc", [[1, 3], [3, 1]], "every subject has the same mean rating"),
        ("krippendorff", [[1, None], [None, 2], [1, 1]], "fewer than 2 subjects"),
    ],
)
def test_undefined_agreement_names_the_file(prima, tmp_path, method, rows, english):
    path = tmp_path / "a.csv"
    path.write_text(csv_text(["R.a", "R.b"], rows))
    args = ["analyze", "agreement", path, "--method", method, "--json"]
    assert english in assert_input_error(prima("--lang", "en", *args), str(path))
    indonesian = assert_input_error(prima(*args), str(path))
    assert "cannot be computed" not in indonesian  # translated


# -- text output and a real process -----------------------------------------------------------
def test_text_output_in_both_languages(prima, table_file):
    path = table_file("csv", COHEN_HEADER, COHEN_ROWS)
    args = ["analyze", "agreement", path, "--method", "cohen"]
    indonesian = prima(*args)
    assert indonesian.code == 0
    assert "0,500" in indonesian.out  # kappa with the decimal comma
    english = prima("--lang", "en", *args).out
    assert "Kappa = 0.500" in english
    assert "Observed agreement = 0.750" in english
    assert indonesian.out != english
    three = table_file("csv", THREE_HEADER, THREE_ROWS, name="tiga")
    for method, fragment in (
        ("fleiss", "0,550"),
        ("icc", "ICC3k"),
        ("krippendorff", "Alfa Krippendorff"),  # Indonesian spelling (KBBI: alfa)
    ):
        out = prima("analyze", "agreement", three, "--method", method).out
        assert fragment in out, (method, out)


def test_process_json(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(csv_text(COHEN_HEADER, COHEN_ROWS))
    run = run_process(
        "analyze", "agreement", path, "--method", "cohen", "--weights", "linear", "--json"
    )
    data = run.json()
    assert data["weights"] == "linear"
    assert data["kappa"] == pytest.approx(0.5)  # two categories: linear weights are unweighted


def test_duplicate_rater_column_and_text_in_xlsx(prima, table_file):
    path = table_file("csv", ["R.a", "R.b", "R.a"], [[1, 2, 1], [2, 2, 2]])
    line = assert_input_error(prima("analyze", "agreement", path, "--method", "fleiss"))
    assert f"{path}, baris 1, kolom R.a" in line
    path = table_file("xlsx", ["R.a", "R.b"], [[1, 2], [2, 2], [3, "Tidak"]], name="audit")
    line = assert_input_error(
        prima("--lang", "en", "analyze", "agreement", path, "--method", "icc")
    )
    assert line == f'prima: error: {path}, row 4, column R.b: value "Tidak" is not a number'
