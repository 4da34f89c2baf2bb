"""Display rounding: half-up on the decimal value, decimal comma for Bahasa Indonesia."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.rounding import format_number, round_half_up, to_decimal


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        # binary floats store 3.385 as 3.38499999..., built-in round() gives 3.38
        (3.385, 2, "3.39"),
        # round(2.675, 2) == 2.67 in Python; publications print 2,68
        (2.675, 2, "2.68"),
        (1.005, 2, "1.01"),
        (0.125, 2, "0.13"),  # half-up, not half-even (0.12)
        (0.135, 2, "0.14"),
        (2.5, 0, "3"),  # half-even would give 2
        (3.5, 0, "4"),
        (3.384999, 2, "3.38"),
        (3.0642, 3, "3.064"),
        (7, 2, "7.00"),  # ints are accepted
        (-3.385, 2, "-3.39"),  # half away from zero, symmetric
    ],
)
def test_round_half_up_floats(value, places, expected):
    assert round_half_up(value, places) == Decimal(expected)
    assert str(round_half_up(value, places)) == expected


def test_builtin_round_differs_so_the_test_can_fail():
    # the reason the module exists: the built-in gives the "wrong" published digit
    assert round(2.675, 2) == 2.67
    assert round(3.385, 2) == 3.38
    assert round_half_up(2.675, 2) == Decimal("2.68")


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        # 76.605 exactly (25 x 3.0642): the SKM 2017 gap value, half-up to 76.61
        (Fraction(76605, 1000), 2, "76.61"),
        (Fraction(153215, 2000), 2, "76.61"),  # 76.6075
        (Fraction(7660499, 100000), 2, "76.60"),  # 76.60499
        (Fraction(1, 3), 3, "0.333"),
        (Fraction(2, 3), 3, "0.667"),
        (Fraction(88, 27), 2, "3.26"),  # 3.259259...
        (Fraction(2200, 27), 2, "81.48"),  # 81.481481...
        (Fraction(1, 8), 2, "0.13"),  # 0.125 exactly, half-up
        (Fraction(-1, 8), 2, "-0.13"),
        (Fraction(100), 2, "100.00"),
    ],
)
def test_round_half_up_fractions(value, places, expected):
    assert str(round_half_up(value, places)) == expected


def test_large_values_do_not_overflow_the_decimal_context():
    # a Fraction of 1e9 used to raise decimal.InvalidOperation (28-digit context)
    assert str(round_half_up(Fraction(10**9) + Fraction(5, 1000), 2)) == "1000000000.01"
    assert str(round_half_up(Fraction(123456789012345, 1000), 1)) == "123456789012.3"
    assert str(round_half_up(1e20, 2)) == "100000000000000000000.00"
    # more digits than the default 28-digit context holds
    assert str(round_half_up(Fraction(10**30, 3), 2)) == "333333333333333333333333333333.33"


def test_to_decimal_snaps_float_noise_but_keeps_fraction_digits():
    assert to_decimal(3.385) == Decimal("3.385")
    assert to_decimal(0.1 + 0.2) == Decimal("0.3")  # 0.30000000000000004 snapped to 9 places
    assert to_decimal(Fraction(1, 3)) == Decimal("0.33333333333333333333")


@pytest.mark.parametrize(
    ("value", "places", "lang", "expected"),
    [
        (3.385, 2, "id", "3,39"),
        (3.385, 2, "en", "3.39"),
        (Fraction(2200, 27), 2, "id", "81,48"),
        (Fraction(88, 27), 3, "id", "3,259"),
        # thousands: a dot in Bahasa Indonesia, a comma in English (issue 10)
        (1234.5, 1, "id", "1.234,5"),
        (1234.5, 1, "en", "1,234.5"),
        (2311, 0, "id", "2.311"),
        (-1234567.891, 2, "id", "-1.234.567,89"),
        (999.999, 2, "id", "1.000,00"),
        (999, 0, "en", "999"),
        (5, 0, "id", "5"),
        (None, 2, "id", "-"),
        # never "-0,00"
        (-0.001, 2, "id", "0,00"),
        (-0.004999, 2, "en", "0.00"),
        (Fraction(-1, 1000), 2, "id", "0,00"),
        (-0.0, 2, "id", "0,00"),
        (-0.4, 0, "id", "0"),
        # but a real negative keeps its sign
        (-0.005, 2, "id", "-0,01"),
        (-1.5, 1, "id", "-1,5"),
    ],
)
def test_format_number(value, places, lang, expected):
    assert format_number(value, places, lang) == expected


def test_format_number_without_grouping():
    assert format_number(2026, 0, "id", grouping=False) == "2026"
    assert format_number(1234.5, 1, "en", grouping=False) == "1234.5"


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=-(10**7), max_value=10**7),
    st.integers(min_value=1, max_value=10**4),
    st.integers(min_value=0, max_value=4),
)
def test_fraction_rounding_is_half_up_and_within_half_a_unit(num, den, places):
    value = Fraction(num, den)
    rounded = Fraction(round_half_up(value, places))
    unit = Fraction(1, 10**places)
    assert abs(rounded - value) <= unit / 2
    # exactly halfway goes away from zero
    if abs(rounded - value) == unit / 2:
        assert abs(rounded) > abs(value)
    assert rounded * 10**places == int(rounded * 10**places)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_format_number_never_prints_negative_zero(value, places):
    text = format_number(value, places, "id")
    whole, _, fraction = text.lstrip("-").partition(",")
    # thousands dots every three digits, then the decimal comma
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", whole), text
    assert fraction.isdigit() or (places == 0 and not fraction)
    assert text.replace(".", "").replace(",", "").lstrip("-").isdigit()
    if text.startswith("-"):
        assert set(text[1:]) - set("0,")
