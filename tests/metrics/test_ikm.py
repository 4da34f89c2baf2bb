"""IKM per PermenPAN-RB 14/2017 and KepMenPAN 25/2004, checked against skm.md by hand."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.ikm import (
    LEGACY_WEIGHTS,
    SKM2004,
    SKM2017,
    STANDARDS,
    ikm,
    ikm_from_totals,
)

NAN = np.nan
CODES9 = [f"U{i}" for i in range(1, 10)]
CODES14 = [f"U{i}" for i in range(1, 15)]
GRADE_RANK = {"D": 0, "C": 1, "B": 2, "A": 3}


def uniform(nrr_sum: int, count: int, standard=SKM2017):
    """Every unsur with the same sum and count, so IKM = NRR = sum / count."""
    k = standard.elements
    codes = CODES9 if k == 9 else CODES14
    return ikm_from_totals(codes, [nrr_sum] * k, [count] * k, respondents=count, standard=standard)


# --- the worked example with blanks -------------------------------------------------------

# R1..R3 answered; R4 left everything blank (not a respondent); NaN = not answered
ANSWERS = np.array(
    [
        [3, 3, 4, 4, 3, 3, 4, 3, 2],
        [4, 3, 3, 4, NAN, 3, 4, 3, 3],
        [2, 4, 3, 4, 3, 3, 4, NAN, 3],
        [NAN] * 9,
    ]
)


def test_worked_example_nrr_per_unsur_with_blanks():
    r = ikm(ANSWERS, CODES9)
    e = r.elements
    # NRR U1 = (3+4+2)/3 = 3.0
    assert e["U1"].nrr == Fraction(3)
    assert e["U1"].n == 3
    # NRR U2 = (3+3+4)/3 = 10/3 ; U3 = (4+3+3)/3 = 10/3 ; U4 = (4+4+4)/3 = 4
    assert e["U2"].nrr == Fraction(10, 3)
    assert e["U3"].nrr == Fraction(10, 3)
    assert e["U4"].nrr == 4
    # U5: R2 blank -> n = 2, NRR = (3+3)/2 = 3 (a blank read as 0 would give 6/3 = 2)
    assert e["U5"].n == 2
    assert e["U5"].nrr == 3
    # U8: R3 blank -> n = 2, NRR = (3+3)/2 = 3
    assert e["U8"].n == 2
    assert e["U8"].nrr == 3
    # U9 = (2+3+3)/3 = 8/3
    assert e["U9"].nrr == Fraction(8, 3)
    # NRR tertimbang = NRR / 9: U1 = 3/9 = 1/3
    assert e["U1"].nrr_weighted == Fraction(1, 3)
    # respondents = those who answered at least one unsur: R1, R2, R3
    assert r.n == 3


def test_worked_example_ikm_converted_grade():
    r = ikm(ANSWERS, CODES9)
    # sum NRR = 3 + 10/3 + 10/3 + 4 + 3 + 3 + 4 + 3 + 8/3 = 20 + 28/3 = 88/3
    # IKM = (88/3) / 9 = 88/27 = 3.259259...
    assert r.ikm == Fraction(88, 27)
    # converted = 25 x 88/27 = 2200/27 = 81.4814... -> rounded 81.48 -> B (76.61 <= x < 88.31)
    assert r.ikm_converted == Fraction(2200, 27)
    assert r.grade == "B"
    assert r.performance == "Baik"
    assert r.weight == Fraction(1, 9)
    assert r.notes == []


def test_worked_example_unsur_bands_and_weakest():
    e = ikm(ANSWERS, CODES9).elements
    # U4: 4 x 25 = 100 -> A ; U2: 10/3 x 25 = 83.33 -> B
    assert (e["U4"].grade, e["U4"].performance) == ("A", "Sangat Baik")
    assert e["U2"].grade == "B"
    # U1: 3 x 25 = 75.00 < 76.61 -> C ; U9: 8/3 x 25 = 66.67 -> C
    assert (e["U1"].grade, e["U1"].performance) == ("C", "Kurang Baik")
    assert e["U9"].grade == "C"
    # the follow-up plan starts with the lowest NRR: U9 (8/3)
    assert ikm(ANSWERS, CODES9).weakest() == ["U9"]


def test_weakest_lists_ties():
    r = ikm_from_totals(CODES9, [6, 6, 8, 8, 8, 8, 8, 8, 8], [2] * 9, respondents=2)
    assert r.weakest() == ["U1", "U2"]


def test_as_dict_shape():
    d = ikm(ANSWERS, CODES9).as_dict()
    assert d["n"] == 3
    assert d["elements"]["U5"]["n"] == 2
    assert d["elements"]["U1"]["nrr_converted"] == pytest.approx(75.0)
    assert d["ikm_converted"] == pytest.approx(2200 / 27)
    assert d["weight"] == pytest.approx(1 / 9)


# --- the SKM 2017 bands and the 76,605 gap ------------------------------------------------


@pytest.mark.parametrize(
    ("nrr_sum", "count", "converted", "grade", "performance"),
    [
        # IKM 3.0642 x 25 = 76.605, in none of the printed intervals: half-up 76.61 -> B
        (15321, 5000, Fraction("76.605"), "B", "Baik"),
        # IKM 3.064 x 25 = 76.60 -> C
        (3064, 1000, Fraction("76.60"), "C", "Kurang Baik"),
        # IKM 3.0644 x 25 = 76.61 -> B
        (15322, 5000, Fraction("76.61"), "B", "Baik"),
        # IKM 3.532 x 25 = 88.30 -> B
        (3532, 1000, Fraction("88.30"), "B", "Baik"),
        # IKM 3.5324 x 25 = 88.31 -> A
        (17662, 5000, Fraction("88.31"), "A", "Sangat Baik"),
        # IKM 2.5996 x 25 = 64.99 -> D
        (12998, 5000, Fraction("64.99"), "D", "Tidak Baik"),
        # IKM 2.6 x 25 = 65.00 -> C
        (13, 5, Fraction("65.00"), "C", "Kurang Baik"),
        # IKM 3.5322 x 25 = 88.305 -> half-up 88.31 -> A
        (17661, 5000, Fraction("88.305"), "A", "Sangat Baik"),
        # IKM 2.5998 x 25 = 64.995 -> half-up 65.00 -> C
        (12999, 5000, Fraction("64.995"), "C", "Kurang Baik"),
        # all answers 1 -> 25.00 -> D
        (7, 7, Fraction(25), "D", "Tidak Baik"),
    ],
)
def test_skm2017_band_edges(nrr_sum, count, converted, grade, performance):
    r = uniform(nrr_sum, count)
    assert r.ikm_converted == converted
    assert r.ikm_converted == 25 * r.ikm
    assert (r.grade, r.performance) == (grade, performance)


def test_band_uses_the_rounded_converted_value():
    # rounding first, then banding: 76.6049 -> 76.60 -> C ; 76.605 -> 76.61 -> B
    assert SKM2017.band(Fraction("76.6049")).grade == "C"
    assert SKM2017.band(Fraction("76.605")).grade == "B"
    # unrounded banding would put 88.305 in B (< 88.31); rounded it is 88.31 -> A
    assert SKM2017.band(Fraction("88.305")).grade == "A"


def test_perfect_survey_scores_100():
    perfect = np.full((5, 9), 4.0)
    r = ikm(perfect, CODES9)
    # NRR = 4 everywhere; IKM = 9 x 4 x 1/9 = 4 ; converted = 100 exactly
    assert r.ikm == 4
    assert r.ikm_converted == 100
    assert r.grade == "A"


@pytest.mark.parametrize(
    ("key", "converted"),
    [
        # 9 x 4 x 0.11 = 3.96 -> x 25 = 99.00
        ("0.11", Fraction(99)),
        # 9 x 4 x 0.111 = 3.996 -> x 25 = 99.90
        ("0.111", Fraction("99.9")),
    ],
)
def test_legacy_weight_lowers_a_perfect_survey(key, converted):
    r = ikm(np.full((5, 9), 4.0), CODES9, weight=LEGACY_WEIGHTS[key])
    assert r.ikm_converted == converted
    assert r.ikm_converted < 100
    assert any("legacy weight" in note for note in r.notes)


def test_legacy_weight_not_the_default():
    r = ikm(np.full((2, 9), 3.0), CODES9)
    assert r.weight == Fraction(1, 9)
    # 3 x 25 = 75 exactly; with 0.11 it would be 9 x 3 x 0.11 x 25 = 74.25
    assert r.ikm_converted == 75
    assert not any("legacy" in note for note in r.notes)


# --- 2004 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("converted", "grade"),
    [
        ("25.00", "D"),
        ("43.75", "D"),
        ("43.755", "C"),  # half-up 43.76
        ("43.76", "C"),
        ("62.50", "C"),
        ("62.51", "B"),
        ("81.25", "B"),
        ("81.26", "A"),
        ("100", "A"),
    ],
)
def test_skm2004_bands(converted, grade):
    assert SKM2004.band(Fraction(converted)).grade == grade


def test_skm2004_ikm_with_14_unsur():
    # every unsur: 10 answers summing 25 -> NRR 2.5 ; IKM = 14 x 2.5 / 14 = 2.5
    r = ikm_from_totals(CODES14, [25] * 14, [10] * 14, respondents=10, standard=SKM2004)
    assert r.weight == Fraction(1, 14)
    assert r.ikm == Fraction(5, 2)
    # 2.5 x 25 = 62.50 -> C in 2004 (43.76-62.50) ; the same value is D in 2017 (< 65.00)
    assert r.ikm_converted == Fraction("62.5")
    assert r.grade == "C"
    assert SKM2017.band(r.ikm_converted).grade == "D"
    assert STANDARDS["skm2004"] is SKM2004


# --- undefined and invalid ----------------------------------------------------------------


def test_unsur_without_answers_makes_ikm_undefined():
    answers = ANSWERS.copy()
    answers[:, 4] = NAN  # nobody answered U5
    r = ikm(answers, CODES9)
    assert r.elements["U5"].n == 0
    assert r.elements["U5"].nrr is None
    assert r.elements["U5"].grade is None
    assert r.ikm is None
    assert r.ikm_converted is None
    assert r.grade is None
    assert r.performance is None
    assert any("U5" in note for note in r.notes)
    assert any("IKM undefined" in note for note in r.notes)
    # the other unsur are still reported
    assert r.elements["U1"].nrr == 3


def test_no_respondents():
    r = ikm(np.full((3, 9), NAN), CODES9)
    assert r.n == 0
    assert r.ikm is None
    assert any("no respondents" in note for note in r.notes)


def test_invalid_shapes_raise():
    with pytest.raises(ValueError, match="9 unsur"):
        ikm(np.full((2, 8), 3.0), CODES9[:8])
    with pytest.raises(ValueError, match="matrix"):
        ikm(np.full((2, 9), 3.0), CODES9[:8])
    with pytest.raises(ValueError, match="same length"):
        ikm_from_totals(CODES9, [3] * 9, [1] * 8, respondents=1)


# --- properties ---------------------------------------------------------------------------

answer = st.one_of(st.integers(min_value=1, max_value=4).map(float), st.just(NAN))


@st.composite
def answer_matrices(draw):
    rows = draw(st.integers(min_value=1, max_value=12))
    data = draw(st.lists(st.lists(answer, min_size=9, max_size=9), min_size=rows, max_size=rows))
    matrix = np.array(data, dtype=float)
    # every unsur answered at least once (first respondent fills any empty column)
    for j in range(9):
        if np.isnan(matrix[:, j]).all():
            matrix[0, j] = draw(st.integers(min_value=1, max_value=4))
    return matrix


@settings(max_examples=100, deadline=None)
@given(answer_matrices())
def test_converted_is_exactly_25_times_ikm_and_in_range(matrix):
    r = ikm(matrix, CODES9)
    assert isinstance(r.ikm, Fraction)
    assert r.ikm_converted == 25 * r.ikm
    assert 25 <= r.ikm_converted <= 100
    # IKM is the plain mean of the NRRs (weight 1/9), each over its own answered cells
    nrrs = [
        Fraction(int(np.nansum(matrix[:, j])), int((~np.isnan(matrix[:, j])).sum()))
        for j in range(9)
    ]
    assert r.ikm == sum(nrrs, Fraction(0)) / 9
    assert r.n == int((~np.isnan(matrix)).any(axis=1).sum())


ikm_values = st.fractions(min_value=1, max_value=4, max_denominator=100_000)


@settings(max_examples=200, deadline=None)
@given(ikm_values, ikm_values)
def test_grade_is_monotone_in_ikm(a, b):
    low, high = min(a, b), max(a, b)
    for standard in (SKM2017, SKM2004):
        assert (
            GRADE_RANK[standard.band(25 * low).grade] <= GRADE_RANK[standard.band(25 * high).grade]
        )


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=400), st.data())
def test_grade_monotone_through_ikm_from_totals(count, data):
    total_a = data.draw(st.integers(min_value=count, max_value=4 * count))
    total_b = data.draw(st.integers(min_value=total_a, max_value=4 * count))
    ra, rb = uniform(total_a, count), uniform(total_b, count)
    assert ra.ikm <= rb.ikm
    assert GRADE_RANK[ra.grade] <= GRADE_RANK[rb.grade]


def test_respondent_score_by_hand():
    """Three complete respondents with answer totals 29, 27 and 36 over 9 unsur: their own
    converted scores are 25/9 x total = 80.555..., 75 and 100; mean 85.185..., SD 13.127...
    (sum of squared deviations 344.68 / 2), t(0.975; 2) = 4.302653."""
    a = np.array(
        [[4, 3, 3, 4, 3, 3, 4, 3, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4, 4, 4, 4.0]]
    )
    r = ikm(a, [f"U{i}" for i in range(1, 10)])
    score = r.respondent_score
    assert score.n == 3
    assert score.mean == pytest.approx(2300 / 27)
    assert float(r.ikm_converted) == pytest.approx(2300 / 27)  # all complete: the IKM itself
    assert score.sd == pytest.approx(13.1272656, abs=1e-6)
    half = 4.302653 * 13.1272656 / math.sqrt(3)
    assert score.ci_low == pytest.approx(2300 / 27 - half, abs=1e-4)
    assert score.ci_high == pytest.approx(2300 / 27 + half, abs=1e-4)


def test_respondent_score_counts_only_complete_respondents():
    a = np.array([[4.0] * 9, [1.0] * 8 + [np.nan], [2.0] * 9])
    score = ikm(a, [f"U{i}" for i in range(1, 10)]).respondent_score
    assert score.n == 2
    assert score.mean == pytest.approx(75.0)  # (100 + 50) / 2
    assert ikm(a[:0], [f"U{i}" for i in range(1, 10)]).respondent_score.n == 0
