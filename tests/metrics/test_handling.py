"""prima.metrics.handling: percentiles from counts (Hyndman-Fan type 7), the measures of
complaint handling from whole-number totals, and their sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.handling import (
    HandlingTotals,
    handling_measures,
    quantile_from_counts,
)


def test_quantiles_by_hand():
    # 0, 0, 0, 1, 2, 6: h = 5p
    counts = {0: 3, 1: 1, 2: 1, 6: 1}
    assert quantile_from_counts(counts, 0.5) == 0.5  # x2 + 0.5 (x3 - x2)
    assert quantile_from_counts(counts, 0.9) == 4.0  # x4 + 0.5 (x5 - x4)
    assert quantile_from_counts(counts, 0) == 0.0
    assert quantile_from_counts(counts, 1) == 6.0
    # 4, 4, 7, 12: h = 3p
    assert quantile_from_counts({4: 2, 7: 1, 12: 1}, 0.9) == 10.5  # 7 + 0.7 (12 - 7)
    assert quantile_from_counts({5: 1}, 0.9) == 5.0
    assert quantile_from_counts({}, 0.5) is None
    assert quantile_from_counts({3: 0}, 0.5) is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        quantile_from_counts({1: 1}, 1.5)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 80), st.integers(1, 30), min_size=1), st.floats(0, 1))
def test_quantile_from_counts_equals_numpys_linear(counts, p):
    values = [v for v, c in counts.items() for _ in range(c)]
    assert quantile_from_counts(counts, p) == pytest.approx(
        float(np.percentile(values, p * 100, method="linear")), abs=1e-9
    )


def test_measures_by_hand():
    totals = HandlingTotals(
        received=8,
        resolved=4,
        rejected=1,
        open_=3,
        first_response_days={0: 3, 1: 1, 2: 1, 6: 1},
        resolution_days={4: 2, 7: 1, 12: 1},
        resolved_on_time=3,
        first_response_late=2,
        resolution_late=3,
        breached=3,
        ratings=3,
        rating_sum=11,
        rating_sum_squares=45,
    )
    m = handling_measures(totals)
    assert (m.received, m.resolved, m.rejected, m.open) == (8, 4, 1, 3)
    assert (m.first_response.n, m.first_response.median, m.first_response.p90) == (6, 0.5, 4.0)
    assert (m.resolution.n, m.resolution.median, m.resolution.p90) == (4, 5.5, 10.5)
    assert m.on_time_share == 0.75
    assert m.breaches == 3
    s = m.satisfaction  # 5, 2, 4
    assert s.mean == pytest.approx(11 / 3)
    assert s.sd == pytest.approx(math.sqrt(7 / 3))
    half = 4.302652729749464 * math.sqrt(7 / 3) / math.sqrt(3)
    assert (s.ci_low, s.ci_high) == (pytest.approx(11 / 3 - half), pytest.approx(11 / 3 + half))
    d = m.as_dict()
    assert d["resolution"] == {"n": 4, "median": 5.5, "p90": 10.5}
    assert d["satisfaction"]["n"] == 3


def test_nothing_gives_no_statistic():
    m = handling_measures(HandlingTotals())
    assert (m.received, m.first_response.median, m.on_time_share, m.satisfaction.mean) == (
        0,
        None,
        None,
        None,
    )
    one = handling_measures(HandlingTotals(ratings=1, rating_sum=4, rating_sum_squares=16))
    assert (one.satisfaction.mean, one.satisfaction.ci_low) == (4.0, None)


totals_strategy = st.builds(
    HandlingTotals,
    received=st.integers(0, 50),
    resolved=st.integers(0, 50),
    first_response_days=st.dictionaries(st.integers(0, 30), st.integers(1, 9), max_size=6),
    resolution_days=st.dictionaries(st.integers(0, 60), st.integers(1, 9), max_size=6),
    ratings=st.integers(0, 9),
)


@given(totals_strategy, totals_strategy)
def test_totals_add_up(a, b):
    total = a + b
    assert total.received == a.received + b.received
    for key in set(a.first_response_days) | set(b.first_response_days):
        assert total.first_response_days[key] == a.first_response_days.get(
            key, 0
        ) + b.first_response_days.get(key, 0)
    assert handling_measures(total).resolution.n == sum(total.resolution_days.values())
