"""Krejcie-Morgan and Slovin sample sizes (methods.md section 7)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.sampling import krejcie_morgan, sample_size, slovin

# Krejcie & Morgan (1970), Table 1 (N -> S), as published
KM_TABLE = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48,
    60: 52, 65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86,
    120: 92, 130: 97, 140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127, 200: 132,
    210: 136, 220: 140, 230: 144, 240: 148, 250: 152, 260: 155, 270: 159, 280: 162,
    290: 165, 300: 169, 320: 175, 340: 181, 360: 186, 380: 191, 400: 196, 420: 201,
    440: 205, 460: 210, 480: 214, 500: 217, 550: 226, 600: 234, 650: 242, 700: 248,
    750: 254, 800: 260, 850: 265, 900: 269, 950: 274, 1000: 278, 1100: 285, 1200: 291,
    1300: 297, 1400: 302, 1500: 306, 1600: 310, 1700: 313, 1800: 317, 1900: 320,
    2000: 322, 2200: 327, 2400: 331, 2600: 335, 2800: 338, 3000: 341, 3500: 346,
    4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364, 8000: 367, 9000: 368,
    10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380, 50000: 381, 75000: 382,
    1000000: 384,
}  # fmt: skip


@pytest.mark.parametrize(("population", "sample"), sorted(KM_TABLE.items()))
def test_krejcie_morgan_reproduces_the_published_table(population, sample):
    assert krejcie_morgan(population).sample == sample


def test_krejcie_morgan_by_hand():
    # N = 100: 3.841 x 100 x 0.25 / (0.0025 x 99 + 3.841 x 0.25) = 96.025 / 1.20775 = 79.507 -> 80
    r = krejcie_morgan(100)
    assert r.exact == pytest.approx(96.025 / 1.20775)
    assert r.sample == 80
    # N = 10: 9.6025 / (0.0225 + 0.96025) = 9.771 -> 10
    assert krejcie_morgan(10).exact == pytest.approx(9.6025 / 0.98275)
    assert r.method == "krejcie-morgan"
    assert r.margin == 0.05


def test_krejcie_morgan_100000_is_383_not_384():
    # 3.841 x 1e5 x 0.25 / (0.0025 x 99999 + 0.96025) = 96025 / 250.95775 = 382.63 -> 383.
    # Reproductions of the table often print "100000 -> 384"; the original row is 1,000,000.
    r = krejcie_morgan(100_000)
    assert r.exact == pytest.approx(96025 / 250.95775)
    assert r.sample == 383
    # large N tends to X^2 P(1-P) / d^2 = 0.96025 / 0.0025 = 384.1
    assert krejcie_morgan(10**9).sample == 384


def test_slovin_exact_and_ceiling():
    # N = 1000, e = 0.05: 1000 / (1 + 1000 x 0.0025) = 1000 / 3.5 = 285.714 -> 286
    r = slovin(1000)
    assert r.exact == pytest.approx(285.7142857)
    assert round(r.exact, 2) == 285.71
    assert r.sample == 286
    assert r.method == "slovin"


def test_slovin_whole_number_stays():
    # N = 100, e = 0.1: 100 / (1 + 100 x 0.01) = 100 / 2 = 50 exactly; 0.1**2 in binary is
    # 0.010000000000000002, which must not push the minimum up to 51
    r = slovin(100, margin=0.1)
    assert r.exact == pytest.approx(50.0)
    assert r.sample == 50
    # N = 400, e = 0.05: 400 / (1 + 1) = 200 exactly
    assert slovin(400).sample == 200


def test_slovin_rounds_up_not_to_nearest():
    # N = 50, e = 0.05: 50 / 1.125 = 44.44 -> 45 (nearest would be 44)
    r = slovin(50)
    assert r.exact == pytest.approx(44.444444)
    assert r.sample == 45


def test_sample_size_dispatch():
    assert sample_size(1000).sample == 278
    assert sample_size(1000, method="slovin").sample == 286
    assert sample_size(100, method="slovin", margin=0.1).sample == 50
    with pytest.raises(ValueError, match="method"):
        sample_size(100, method="cochran")  # type: ignore[arg-type]


@pytest.mark.parametrize("population", [0, -5, 10.5, 100.0, True, "100", None])
@pytest.mark.parametrize("func", [krejcie_morgan, slovin])
def test_invalid_population_raises(func, population):
    with pytest.raises(ValueError, match="population"):
        func(population)


@pytest.mark.parametrize("margin", [0, 1, -0.05, 1.5])
@pytest.mark.parametrize("func", [krejcie_morgan, slovin])
def test_invalid_margin_raises(func, margin):
    with pytest.raises(ValueError, match="margin"):
        func(100, margin=margin)


def test_population_of_one():
    assert krejcie_morgan(1).sample == 1
    assert slovin(1).sample == 1


def test_as_dict():
    assert slovin(1000).as_dict()["sample"] == 286
    assert krejcie_morgan(500).as_dict() == {
        "population": 500,
        "method": "krejcie-morgan",
        "margin": 0.05,
        "exact": pytest.approx(217.4, abs=0.1),
        "sample": 217,
    }


populations = st.integers(min_value=1, max_value=5_000_000)


@settings(max_examples=300, deadline=None)
@given(populations)
def test_krejcie_morgan_at_most_population(population):
    r = krejcie_morgan(population)
    assert 1 <= r.sample <= population
    assert abs(r.sample - r.exact) <= 0.5 + 1e-9


@settings(max_examples=300, deadline=None)
@given(populations, st.integers(min_value=0, max_value=10_000))
def test_krejcie_morgan_non_decreasing(population, step):
    assert krejcie_morgan(population).sample <= krejcie_morgan(population + step).sample


@settings(max_examples=300, deadline=None)
@given(populations, st.sampled_from([0.01, 0.02, 0.05, 0.1, 0.15, 0.2]))
def test_slovin_minimum_never_rounds_down(population, margin):
    r = slovin(population, margin=margin)
    assert r.sample >= r.exact - 1e-9
    assert r.sample - r.exact < 1
    assert r.sample <= population
