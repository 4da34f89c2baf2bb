"""Importance-Performance Analysis (methods.md section 3)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.ipa import QUADRANTS, ipa, quadrant

NAN = np.nan

# Two respondents, four attributes (importance I, performance P):
#   K1: I (5, 5) P (2, 3) -> Y 5, X 2.5, Tki = 5/10 x 100 = 50
#   K2: I (3, 3) P (4, 4) -> Y 3, X 4,   Tki = 8/6 x 100 = 133.33
#   K3: I (4, 4) P (3, 4) -> Y 4, X 3.5, Tki = 7/8 x 100 = 87.5
#   K4: I (2, 2) P (2, 2) -> Y 2, X 2,   Tki = 4/4 x 100 = 100
ITEMS = ["K1", "K2", "K3", "K4"]
IMP = np.array([[5.0, 3.0, 4.0, 2.0], [5.0, 3.0, 4.0, 2.0]])
PERF = np.array([[2.0, 4.0, 3.0, 2.0], [3.0, 4.0, 4.0, 2.0]])


def test_means_crosshair_and_conformity():
    r = ipa(IMP, PERF, ITEMS, scale=(1, 5))
    assert r.axis_kind == "mean"
    # crosshair = mean of the attribute means: Y = (5+3+4+2)/4 = 3.5 ; X = (2.5+4+3.5+2)/4 = 3
    assert r.importance_axis == Fraction(7, 2)
    assert r.performance_axis == 3
    k1 = r.items["K1"]
    assert (k1.importance, k1.performance, k1.n) == (5, Fraction(5, 2), 2)
    assert k1.conformity == 50
    assert r.items["K2"].conformity == Fraction(400, 3)
    assert r.items["K3"].conformity == Fraction(175, 2)
    assert r.items["K4"].conformity == 100


def test_quadrants_by_meaning():
    r = ipa(IMP, PERF, ITEMS, scale=(1, 5))
    q = {k: v.quadrant for k, v in r.items.items()}
    # K1: Y 5 >= 3.5 high importance, X 2.5 < 3 low performance -> A (Prioritas Utama)
    # K2: Y 3 < 3.5 low importance, X 4 >= 3 high performance -> D (Berlebihan)
    # K3: Y 4 high, X 3.5 high -> B (Pertahankan Prestasi) ; K4: Y 2 low, X 2 low -> C
    assert q == {"K1": "A", "K2": "D", "K3": "B", "K4": "C"}
    assert not any(v.on_boundary for v in r.items.values())
    assert QUADRANTS["A"]["id"] == "Prioritas Utama"
    assert QUADRANTS["A"]["roman"] == "I"
    assert QUADRANTS["D"]["en"] == "Possible overkill"
    assert r.as_dict()["items"]["K1"]["quadrant_label"] == {
        "id": "Prioritas Utama",
        "en": "Concentrate here",
    }


def test_priorities_lowest_conformity_first():
    # K1 50 < K3 87.5 < K4 100 < K2 133.3
    assert ipa(IMP, PERF, ITEMS, scale=(1, 5)).priorities() == ["K1", "K3", "K4", "K2"]


def test_midpoint_crosshair():
    r = ipa(IMP, PERF, ITEMS, scale=(1, 5), axis="midpoint")
    # midpoint of 1-5 is 3 on both axes
    assert (r.importance_axis, r.performance_axis) == (3, 3)
    q = {k: (v.quadrant, v.on_boundary) for k, v in r.items.items()}
    # K1: 5 high, 2.5 low -> A ; K2: Y exactly 3 -> high side, boundary, X 4 high -> B
    # K3: 4, 3.5 -> B ; K4: 2, 2 -> C
    assert q == {"K1": ("A", False), "K2": ("B", True), "K3": ("B", False), "K4": ("C", False)}
    assert r.as_dict()["axis"]["kind"] == "midpoint"


def test_point_on_the_crosshair_goes_high_and_is_flagged():
    # K1: Y 5, X 2.5 ; K2: Y 3, X 4 ; K3: Y 4, X 3.5
    # crosshair Y = (5+3+4)/3 = 4, X = (2.5+4+3.5)/3 = 10/3
    r = ipa(IMP[:, :3], PERF[:, :3], ITEMS[:3], scale=(1, 5))
    assert r.importance_axis == 4
    assert r.performance_axis == Fraction(10, 3)
    k3 = r.items["K3"]
    # K3 importance exactly 4 = Y -> high importance; 3.5 >= 10/3 -> high performance -> B
    assert k3.quadrant == "B"
    assert k3.on_boundary is True
    assert (r.items["K1"].quadrant, r.items["K2"].quadrant) == ("A", "D")
    assert r.items["K1"].on_boundary is False


@pytest.mark.parametrize(
    ("imp", "perf", "expected"),
    [
        (4, 2, "A"),
        (4, 4, "B"),
        (2, 2, "C"),
        (2, 4, "D"),
        (3, 2, "A"),  # importance on the line -> high
        (2, 3, "D"),  # performance on the line -> high
        (3, 3, "B"),  # on both lines
    ],
)
def test_quadrant_function(imp, perf, expected):
    assert quadrant(Fraction(imp), Fraction(perf), Fraction(3), Fraction(3)) == expected


def test_blanks_use_respondents_who_answered_both():
    imp = np.array([[5.0, 3.0], [NAN, 3.0], [4.0, NAN]])
    perf = np.array([[2.0, 4.0], [5.0, 4.0], [4.0, 1.0]])
    r = ipa(imp, perf, ["K1", "K2"], scale=(1, 5))
    # K1: pairs (5,2) and (4,4): n 2, Y 9/2, X 3 (the lone P of 5 is left out), Tki 6/9 = 66.67
    k1 = r.items["K1"]
    assert k1.n == 2
    assert (k1.importance, k1.performance) == (Fraction(9, 2), 3)
    assert k1.conformity == Fraction(200, 3)
    # K2: pairs (3,4), (3,4): Y 3, X 4, Tki 8/6 = 133.33
    assert r.items["K2"].n == 2
    assert r.items["K2"].conformity == Fraction(400, 3)


def test_fewer_than_two_attributes_has_no_quadrants():
    r = ipa(IMP[:, :1], PERF[:, :1], ["K1"], scale=(1, 5))
    assert r.items["K1"].quadrant is None
    assert r.items["K1"].conformity == 50  # still reported
    assert any("fewer than two" in n for n in r.notes)
    # midpoint axis does not rescue a single attribute either
    r = ipa(IMP[:, :1], PERF[:, :1], ["K1"], scale=(1, 5), axis="midpoint")
    assert r.items["K1"].quadrant is None


def test_attribute_without_pairs_is_left_out_of_the_crosshair():
    imp = IMP.copy()
    imp[:, 3] = NAN  # K4 has no pairs
    r = ipa(imp, PERF, ITEMS, scale=(1, 5))
    assert r.items["K4"].quadrant is None
    assert r.items["K4"].n == 0
    assert any("K4" in n for n in r.notes)
    # crosshair over K1..K3: Y = 4, X = 10/3 (as in the boundary example)
    assert r.importance_axis == 4
    assert r.priorities() == ["K1", "K3", "K2"]
    # one attribute with pairs left -> no quadrants
    imp[:, 1:] = NAN
    assert ipa(imp, PERF, ITEMS, scale=(1, 5)).items["K1"].quadrant is None


def test_bad_axis_raises():
    with pytest.raises(ValueError, match="axis"):
        ipa(IMP, PERF, ITEMS, scale=(1, 5), axis="median")  # type: ignore[arg-type]


@st.composite
def surveys(draw):
    rows = draw(st.integers(min_value=1, max_value=10))
    cols = draw(st.integers(min_value=2, max_value=6))
    answer = st.integers(min_value=1, max_value=5).map(float)
    shape = st.lists(st.lists(answer, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    return np.array(draw(shape)), np.array(draw(shape)), draw(st.sampled_from(["mean", "midpoint"]))


@settings(max_examples=120, deadline=None)
@given(surveys())
def test_every_item_gets_exactly_one_consistent_quadrant(data):
    imp, perf, axis = data
    items = [f"K{j}" for j in range(imp.shape[1])]
    r = ipa(imp, perf, items, scale=(1, 5), axis=axis)
    y, x = r.importance_axis, r.performance_axis
    for item in r.items.values():
        assert item.quadrant in {"A", "B", "C", "D"}
        high_imp = item.quadrant in {"A", "B"}
        high_perf = item.quadrant in {"B", "D"}
        assert high_imp == (item.importance >= y)
        assert high_perf == (item.performance >= x)
        assert item.on_boundary == (item.importance == y or item.performance == x)
        assert item.conformity == item.performance / item.importance * 100
    priorities = r.priorities()
    assert sorted(priorities) == sorted(items)
    tki = [r.items[k].conformity for k in priorities]
    assert tki == sorted(tki)
    if axis == "mean":
        assert y == sum(i.importance for i in r.items.values()) / len(items)
