"""``prima analyze <method> FILE --json``: the keys of the contract and values worked out by hand,
on CSV and on XLSX files."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from tests.cli.conftest import csv_text

FORMATS = ["csv", "xlsx"]

# Student t, two-sided 95% (table values): df 2 and 3
T2 = 4.302652729749464
T3 = 3.182446305284263

# -- IKM: three respondents, U5 left blank by the third; an ignored text column ----------------
IKM_HEADER = ["no", *(f"U{i}" for i in range(1, 10)), "nama"]
IKM_ROWS = [
    [1, 4, 4, 4, 4, 4, 4, 4, 4, 4, "Budi"],
    [2, 3, 3, 3, 3, 3, 3, 3, 3, 3, "Sari"],
    [3, 2, 3, 4, 3, None, 4, 3, 2, 4, "Ani"],
]
# NRR: U1 9/3, U2 10/3, U3 11/3, U4 10/3, U5 7/2, U6 11/3, U7 10/3, U8 9/3, U9 11/3
IKM_NRR = [3, Fraction(10, 3), Fraction(11, 3), Fraction(10, 3), Fraction(7, 2)]
IKM_NRR += [Fraction(11, 3), Fraction(10, 3), 3, Fraction(11, 3)]
IKM_VALUE = Fraction(61, 18)  # sum of NRR = 30.5, times 1/9

# -- paired items: four respondents; the fourth left X2.harapan blank --------------------------
PAIR_HEADER = ["X1.harapan", "X1.kinerja", "X2.harapan", "X2.kinerja", "X3.harapan", "X3.kinerja"]
PAIR_ROWS = [
    [5, 3, 3, 4, 2, 4],
    [5, 4, 3, 5, 3, 4],
    [4, 3, 4, 5, 3, 5],
    [4, 2, None, 5, 2, 4],
]
# per item gaps: X1 -2,-1,-1,-2 ; X2 1,2,1 (n=3) ; X3 2,1,2,2
# per respondent overall gap: 1/3, 2/3, 2/3, 0 ; dimension a = {X1, X2}: -1/2, 1/2, 0, -2

CONTRACT_GAP_STATS = {
    "n",
    "expectation",
    "performance",
    "gap",
    "ci_low",
    "ci_high",
    "verdict",
    "below",
    "equal",
    "above",
}


def t_interval(values: list[float], t: float) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return mean - t * sd / math.sqrt(n), mean + t * sd / math.sqrt(n)


def write_instrument(tmp_path: Path, dims: dict[str, str], *, scale=(1, 5)) -> Path:
    """An instrument file grouping the items into dimensions (``{item: dimension}``)."""
    items = [{"id": i, "dimension": d, "text": {"id": i, "en": i}} for i, d in dims.items()]
    path = tmp_path / "instrumen.json"
    path.write_text(json.dumps({"name": "uji", "scale": list(scale), "items": items}))
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_ikm(fmt, table_file, prima):
    path = table_file(fmt, IKM_HEADER, IKM_ROWS)
    out = prima("analyze", "ikm", path, "--json").json()
    assert {"n", "elements", "ikm", "ikm_converted", "grade", "performance", "notes"} <= set(out)
    assert out["n"] == 3
    assert list(out["elements"]) == [f"U{i}" for i in range(1, 10)]
    for k, nrr in enumerate(IKM_NRR, start=1):
        element = out["elements"][f"U{k}"]
        assert {"n", "nrr", "nrr_weighted"} <= set(element)
        assert element["n"] == (2 if k == 5 else 3)
        assert element["nrr"] == pytest.approx(float(nrr), abs=1e-12)
        assert element["nrr_weighted"] == pytest.approx(float(nrr) / 9, abs=1e-12)
    assert out["ikm"] == pytest.approx(float(IKM_VALUE), abs=1e-12)  # 3.3889
    assert out["ikm_converted"] == pytest.approx(float(IKM_VALUE * 25), abs=1e-12)  # 84.72
    assert (out["grade"], out["performance"]) == ("B", "Baik")
    assert out["elements"]["U1"]["grade"] == "C"  # 75.00


@pytest.mark.parametrize("fmt", FORMATS)
def test_gap_without_instrument(fmt, table_file, prima):
    out = prima("analyze", "gap", table_file(fmt, PAIR_HEADER, PAIR_ROWS), "--json").json()
    assert {"n", "items", "dimensions", "overall", "notes"} <= set(out)
    assert out["n"] == 4
    assert out["dimensions"] == {}
    assert list(out["items"]) == ["X1", "X2", "X3"]
    for stats in [*out["items"].values(), out["overall"]]:
        assert stats.keys() >= CONTRACT_GAP_STATS

    x1, x2, x3 = (out["items"][k] for k in ("X1", "X2", "X3"))
    assert (x1["n"], x1["expectation"], x1["performance"], x1["gap"]) == (4, 4.5, 3.0, -1.5)
    assert (x1["ci_low"], x1["ci_high"]) == pytest.approx(t_interval([-2, -1, -1, -2], T3))
    assert x1["ci_high"] < 0
    assert x1["verdict"] == "tidak memuaskan"
    assert (x1["below"], x1["equal"], x1["above"]) == (100.0, 0.0, 0.0)

    assert x2["n"] == 3  # the fourth respondent answered only one side
    assert x2["expectation"] == pytest.approx(10 / 3)
    assert x2["performance"] == pytest.approx(14 / 3)
    assert x2["gap"] == pytest.approx(4 / 3)
    assert (x2["ci_low"], x2["ci_high"]) == pytest.approx(t_interval([1, 2, 1], T2))
    assert x2["ci_low"] < 0 < x2["ci_high"]
    assert x2["verdict"] == "memuaskan"
    assert (x2["below"], x2["equal"], x2["above"]) == (0.0, 0.0, 100.0)

    assert x3["gap"] == 1.75
    assert (x3["ci_low"], x3["ci_high"]) == pytest.approx(t_interval([2, 1, 2, 2], T3))
    assert x3["ci_low"] > 0
    assert x3["verdict"] == "sangat memuaskan"

    overall = out["overall"]
    assert overall["n"] == 4
    assert overall["expectation"] == pytest.approx(41 / 12)
    assert overall["performance"] == pytest.approx(46 / 12)
    assert overall["gap"] == pytest.approx(5 / 12)
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx(
        t_interval([1 / 3, 2 / 3, 2 / 3, 0], T3)
    )
    assert overall["verdict"] == "memuaskan"
    assert (overall["below"], overall["equal"], overall["above"]) == (0.0, 25.0, 75.0)
    assert any("instrument" in note for note in out["notes"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_gap_with_instrument_dimensions(fmt, tmp_path, table_file, prima):
    instrument = write_instrument(tmp_path, {"X1": "a", "X2": "a", "X3": "b"})
    path = table_file(fmt, PAIR_HEADER, PAIR_ROWS)
    out = prima("analyze", "gap", path, "--instrument", instrument, "--json").json()
    assert list(out["dimensions"]) == ["a", "b"]
    a = out["dimensions"]["a"]
    assert a.keys() >= CONTRACT_GAP_STATS
    assert (a["n"], a["expectation"], a["performance"], a["gap"]) == (4, 4.0, 3.5, -0.5)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx(t_interval([-0.5, 0.5, 0, -2], T3))
    assert a["verdict"] == "memuaskan"
    assert (a["below"], a["equal"], a["above"]) == (50.0, 25.0, 25.0)
    assert out["dimensions"]["b"] == out["items"]["X3"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_servqual_weighted_and_unweighted(fmt, tmp_path, table_file, prima):
    instrument = write_instrument(tmp_path, {"X1": "a", "X2": "a", "X3": "b"})
    header = [*PAIR_HEADER, "W.a", "W.b"]
    weights = [[50, 50], [20, 80], [100, 0], [None, None]]  # the fourth gave no weights
    rows = [r + w for r, w in zip(PAIR_ROWS, weights, strict=True)]
    path = table_file(fmt, header, rows)
    out = prima("analyze", "servqual", path, "--instrument", instrument, "--json").json()
    assert {"dimensions", "unweighted", "weighted", "notes"} <= set(out)
    assert list(out["dimensions"]) == ["a", "b"]
    for d in out["dimensions"].values():
        assert {"gap", "ci_low", "ci_high"} <= set(d)
    assert out["dimensions"]["a"]["gap"] == -0.5
    assert out["dimensions"]["b"]["gap"] == 1.75
    assert out["unweighted"] == pytest.approx((-0.5 + 1.75) / 2)
    # per respondent: .5 x -.5 + .5 x 2 = .75; .2 x .5 + .8 x 1 = .9; 1 x 0 = 0
    assert out["weighted"] == pytest.approx((0.75 + 0.9 + 0.0) / 3)


@pytest.mark.parametrize("fmt", FORMATS)
def test_servqual_without_weights_is_null_with_a_note(fmt, tmp_path, table_file, prima):
    instrument = write_instrument(tmp_path, {"X1": "a", "X2": "a", "X3": "b"})
    path = table_file(fmt, PAIR_HEADER, PAIR_ROWS)
    out = prima("analyze", "servqual", path, "--instrument", instrument, "--json").json()
    assert out["weighted"] is None
    assert out["unweighted"] == pytest.approx(0.625)
    assert any("W." in note for note in out["notes"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_ipa(fmt, table_file, prima):
    out = prima("analyze", "ipa", table_file(fmt, PAIR_HEADER, PAIR_ROWS), "--json").json()
    assert {"axis", "items", "notes"} <= set(out)
    assert {"importance", "performance"} <= set(out["axis"])
    # item means: X1 (4.5, 3), X2 (10/3, 14/3), X3 (2.5, 4.25)
    assert out["axis"]["importance"] == pytest.approx(31 / 9)
    assert out["axis"]["performance"] == pytest.approx(143 / 36)
    items = out["items"]
    for item in items.values():
        assert {"importance", "performance", "conformity", "quadrant", "on_boundary"} <= set(item)
    assert items["X1"]["conformity"] == pytest.approx(100 * 12 / 18)
    assert items["X2"]["conformity"] == pytest.approx(140.0)
    assert items["X3"]["conformity"] == pytest.approx(170.0)
    assert {k: v["quadrant"] for k, v in items.items()} == {"X1": "A", "X2": "D", "X3": "D"}
    assert not any(v["on_boundary"] for v in items.values())


@pytest.mark.parametrize("fmt", FORMATS)
def test_csi(fmt, table_file, prima):
    out = prima("analyze", "csi", table_file(fmt, PAIR_HEADER, PAIR_ROWS), "--json").json()
    assert {"csi", "category", "items", "notes"} <= set(out)
    mis = {"X1": Fraction(9, 2), "X2": Fraction(10, 3), "X3": Fraction(5, 2)}
    mss = {"X1": Fraction(3), "X2": Fraction(14, 3), "X3": Fraction(17, 4)}
    total = sum(mis.values())  # 31/3
    for item, row in out["items"].items():
        assert {"mis", "mss", "wf", "ws"} <= set(row)
        wf = mis[item] / total * 100
        assert row["mis"] == pytest.approx(float(mis[item]))
        assert row["mss"] == pytest.approx(float(mss[item]))
        assert row["wf"] == pytest.approx(float(wf))
        assert row["ws"] == pytest.approx(float(wf * mss[item]))
    assert sum(r["wf"] for r in out["items"].values()) == pytest.approx(100.0)
    assert out["csi"] == pytest.approx(35712.5 / 465)  # 76.80 %
    assert out["category"] == "Puas"


NPS_ANSWERS = [10, 9, 8, 7, 6, 0, None, 9]  # 3 promoters, 2 passives, 2 detractors, 1 blank


@pytest.mark.parametrize("fmt", FORMATS)
def test_nps(fmt, table_file, prima):
    path = table_file(fmt, ["id", "nps"], [[i, a] for i, a in enumerate(NPS_ANSWERS)])
    out = prima("analyze", "nps", path, "--json").json()
    assert {"n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high"} <= set(out)
    assert out["n"] == 7
    assert out["promoters"] == pytest.approx(300 / 7)
    assert out["passives"] == pytest.approx(200 / 7)
    assert out["detractors"] == pytest.approx(200 / 7)
    assert out["nps"] == pytest.approx(100 / 7)
    # adjusted Wald: p = 3.75/10, d = 2.75/10, var = .65 - .01, SE = sqrt(.64/10)
    half = 1.959963984540054 * math.sqrt(0.064)
    assert out["ci_low"] == pytest.approx(100 * (0.1 - half))
    assert out["ci_high"] == pytest.approx(100 * (0.1 + half))


ALPHA_ROWS = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5], [5, None, 1]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_alpha(fmt, table_file, prima):
    from scipy import stats

    path = table_file(fmt, ["A", "B", "C", "nama"], [[*r, "x"] for r in ALPHA_ROWS])
    out = prima("analyze", "alpha", path, "--items", "A,B,C", "--json").json()
    assert {"n", "k", "alpha", "ci_low", "ci_high", "items", "notes"} <= set(out)
    assert (out["n"], out["k"]) == (4, 3)  # the respondent with a blank is left out
    # item variances 5/3, 19/12 (B: 2,3,3,5), 5/3; totals 5,8,10,14: variance 57/4
    alpha = 1.5 * (1 - (5 / 3 + 19 / 12 + 5 / 3) / (57 / 4))
    assert out["alpha"] == pytest.approx(alpha)
    assert out["alpha"] == pytest.approx(0.9824561403508771)
    f_hi, f_lo = stats.f.ppf(0.975, 3, 6), stats.f.ppf(0.025, 3, 6)
    assert out["ci_low"] == pytest.approx(1 - (1 - alpha) * f_hi)
    assert out["ci_high"] == pytest.approx(1 - (1 - alpha) * f_lo)
    a = out["items"]["A"]
    assert {"item_total_r", "alpha_if_deleted"} <= set(a)
    # A = 1,2,3,4 against B + C = 4,6,7,10: covariance sum 9.5, sums of squares 5 and 18.75
    assert a["item_total_r"] == pytest.approx(9.5 / math.sqrt(5 * 18.75))
    # without A: variances 19/12 and 5/3, total 4,6,7,10 variance 25/4
    assert a["alpha_if_deleted"] == pytest.approx(2 * (1 - (19 / 12 + 5 / 3) / (25 / 4)))
    assert any("listwise" in note for note in out["notes"])


@pytest.mark.parametrize(
    ("args", "exact", "sample"),
    [
        (["--population", "100"], 96.025 / 1.20775, 80),
        (["--population", "1000", "--method", "slovin"], 1000 / 3.5, 286),
        (["--population", "1000", "--method", "slovin", "--margin", "0.1"], 1000 / 11, 91),
    ],
)
def test_sample_size(prima, args, exact, sample):
    out = prima("sample-size", *args, "--json").json()
    assert {"population", "method", "exact", "sample"} <= set(out)
    assert out["population"] == int(args[1])
    assert out["method"] == (args[3] if len(args) > 2 else "krejcie-morgan")
    assert out["exact"] == pytest.approx(exact)
    assert out["sample"] == sample


# -- undefined statistics: null with a reason, never NaN ---------------------------------------
def test_undefined_statistics_are_null_with_notes(tmp_path, prima):
    path = tmp_path / "satu.csv"
    path.write_text(csv_text(PAIR_HEADER, [[5, 4, None, None, 3, 3]]))
    gap = prima("analyze", "gap", path, "--json").json()
    assert gap["items"]["X1"]["ci_low"] is None
    assert gap["items"]["X1"]["verdict"] == "data belum cukup"
    assert gap["items"]["X2"]["gap"] is None
    assert gap["notes"]
    ipa = prima("analyze", "ipa", path, "--json").json()
    assert ipa["items"]["X2"]["importance"] is None
    assert ipa["notes"]
    alpha = prima("analyze", "alpha", path, "--json").json()
    assert alpha["alpha"] is None
    assert alpha["ci_low"] is None
    assert alpha["notes"]

    nps = tmp_path / "nps.csv"
    nps.write_text("nps,nama\n,a\n,b\n")
    out = prima("analyze", "nps", nps, "--json").json()
    assert (out["n"], out["nps"], out["ci_low"], out["promoters"]) == (0, None, None, None)
    assert out["notes"]

    ikm = tmp_path / "ikm.csv"
    ikm.write_text(csv_text(IKM_HEADER, [[1, 4, 4, 4, 4, 4, 4, 4, 4, None, "a"]]))
    out = prima("analyze", "ikm", ikm, "--json").json()
    assert out["elements"]["U9"]["nrr"] is None
    assert (out["ikm"], out["ikm_converted"], out["grade"]) == (None, None, None)
    assert any("U9" in note for note in out["notes"])
