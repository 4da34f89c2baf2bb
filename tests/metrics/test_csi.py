"""Customer Satisfaction Index (methods.md section 4)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.csi import category, csi

NAN = np.nan


def test_worked_example():
    # A: I (5, 3) P (4, 4) -> MIS 4, MSS 4 ; B: I (2, 2) P (3, 2) -> MIS 2, MSS 2.5
    imp = np.array([[5.0, 2.0], [3.0, 2.0]])
    perf = np.array([[4.0, 3.0], [4.0, 2.0]])
    r = csi(imp, perf, ["A", "B"], top=5)
    a, b = r.items["A"], r.items["B"]
    assert (a.mis, a.mss, b.mis, b.mss) == (4, 4, 2, Fraction(5, 2))
    # WF = MIS / sum MIS: A 4/6 = 66.67 %, B 2/6 = 33.33 % (sum 100)
    assert a.wf == Fraction(200, 3)
    assert b.wf == Fraction(100, 3)
    # WS = WF x MSS: A 66.67 x 4 = 266.67 ; B 33.33 x 2.5 = 83.33 ; sum 350
    assert a.ws == Fraction(800, 3)
    assert b.ws == Fraction(250, 3)
    # CSI = 350 / 5 = 70 % -> Puas [66, 81)
    assert r.csi == 70
    assert (r.category, r.category_en) == ("Puas", "Satisfied")
    assert r.top_of_scale == 5
    assert r.as_dict()["csi"] == pytest.approx(70.0)


def test_top_of_scale_matters():
    # the same answers read on a 1-7 scale: 350 / 7 = 50 % -> Kurang Puas [35, 51)
    imp = np.array([[5.0, 2.0], [3.0, 2.0]])
    perf = np.array([[4.0, 3.0], [4.0, 2.0]])
    r = csi(imp, perf, ["A", "B"], top=7)
    assert r.csi == 50
    assert r.category == "Kurang Puas"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (100, "Sangat Puas"),
        (81, "Sangat Puas"),  # [81, 100]
        (Fraction(80999, 1000), "Puas"),
        (66, "Puas"),  # [66, 81)
        (Fraction(65999, 1000), "Cukup Puas"),
        (51, "Cukup Puas"),  # [51, 66)
        (Fraction(50999, 1000), "Kurang Puas"),
        (35, "Kurang Puas"),  # [35, 51)
        (Fraction(34999, 1000), "Tidak Puas"),
        (20, "Tidak Puas"),
        (0, "Tidak Puas"),
        (80.99999, "Puas"),
    ],
)
def test_half_open_bands(value, label):
    assert category(value)[0] == label


@pytest.mark.parametrize("value", [Fraction(100001, 1000), 101, -1])
def test_outside_0_100_raises(value):
    with pytest.raises(ValueError, match="outside 0-100"):
        category(value)


@pytest.mark.parametrize(
    ("perf", "expected", "label"),
    [
        # one attribute, 20 respondents: one 5 and nineteen 4 -> MSS 81/20 ; CSI = 81/20/5 = 81 %
        ([5.0] + [4.0] * 19, 81, "Sangat Puas"),
        # ten respondents: three 4 and seven 3 -> MSS 33/10 ; CSI = 3.3/5 = 66 %
        ([4.0] * 3 + [3.0] * 7, 66, "Puas"),
        # MSS 2.55 (eleven 3, nine 2 of 20: 51/20) -> 51 %
        ([3.0] * 11 + [2.0] * 9, 51, "Cukup Puas"),
        # MSS 1.75 (three 2, one 1 of 4: 7/4) -> 35 %
        ([2.0] * 3 + [1.0], 35, "Kurang Puas"),
    ],
)
def test_exact_band_edges_from_answers(perf, expected, label):
    p = np.array(perf).reshape(-1, 1)
    r = csi(np.full_like(p, 4.0), p, ["A"], top=5)
    assert r.csi == expected
    assert r.category == label


def test_csi_above_100_is_an_error():
    # a performance answer of 6 on a 1-5 scale gives 120 %
    with pytest.raises(ValueError, match="outside 0-100"):
        csi(np.array([[4.0]]), np.array([[6.0]]), ["A"], top=5)


def test_blanks_and_unpaired_items():
    imp = np.array([[4.0, NAN], [NAN, NAN], [2.0, 5.0]])
    perf = np.array([[5.0, 3.0], [1.0, NAN], [3.0, NAN]])
    r = csi(imp, perf, ["A", "B"], top=5)
    # A: pairs (4,5), (2,3) -> MIS 3, MSS 4, n 2 (the lone P of 1 is left out)
    # B: no pair -> left out with a note ; WF A = 100 % ; CSI = 100 x 4 / 5 = 80
    assert list(r.items) == ["A"]
    assert r.items["A"].n == 2
    assert (r.items["A"].mis, r.items["A"].mss) == (3, 4)
    assert r.items["A"].wf == 100
    assert r.csi == 80
    assert any("B" in n for n in r.notes)


def test_no_answers_is_undefined():
    r = csi(np.full((2, 2), NAN), np.full((2, 2), 3.0), ["A", "B"], top=5)
    assert r.csi is None
    assert r.category is None
    assert r.items == {}
    assert any("CSI undefined" in n for n in r.notes)


@st.composite
def surveys(draw):
    low, top = draw(st.sampled_from([(1, 4), (1, 5), (1, 7), (1, 10)]))
    rows = draw(st.integers(min_value=1, max_value=10))
    cols = draw(st.integers(min_value=1, max_value=6))
    answer = st.one_of(st.integers(min_value=low, max_value=top).map(float), st.just(NAN))
    shape = st.lists(st.lists(answer, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    return np.array(draw(shape)), np.array(draw(shape)), low, top


@settings(max_examples=150, deadline=None)
@given(surveys())
def test_csi_invariants(data):
    imp, perf, low, top = data
    items = [f"A{j}" for j in range(imp.shape[1])]
    r = csi(imp, perf, items, top=top)
    if r.csi is None:
        # only when no attribute has a pair
        assert ((np.isnan(imp) | np.isnan(perf)).all(axis=0)).all()
        return
    assert sum(i.wf for i in r.items.values()) == 100
    for i in r.items.values():
        assert i.ws == i.wf * i.mss
        assert low <= i.mss <= top
    assert r.csi == sum(i.ws for i in r.items.values()) / top
    assert Fraction(100 * low, top) <= r.csi <= 100
    assert r.category == category(r.csi)[0]
