"""Net Promoter Score with the adjusted-Wald interval (methods.md section 5)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.nps import nps, nps_from_counts

NAN = np.nan


def test_ten_answers_one_to_ten():
    # 1..6 detractors (6), 7..8 passives (2), 9..10 promoters (2)
    r = nps(np.arange(1.0, 11.0))
    assert r.n == 10
    assert (r.promoters, r.passives, r.detractors) == pytest.approx((20.0, 20.0, 60.0))
    # NPS = 20 - 60 = -40
    assert r.nps == pytest.approx(-40.0)
    # adjusted Wald: n = 13, p = 2.75/13 = 0.21154, d = 6.75/13 = 0.51923, p - d = -0.30769
    # var = 0.21154 + 0.51923 - 0.30769^2 = 0.63609 ; SE = sqrt(0.63609/13) = 0.22120
    # -0.30769 -/+ 1.96 x 0.22120 = -0.74124 .. 0.12585 -> -74.1 .. 12.6
    assert round(r.ci_low, 1) == -74.1
    assert round(r.ci_high, 1) == 12.6
    assert r.ci_low == pytest.approx(-74.124, abs=1e-3)
    assert r.ci_high == pytest.approx(12.585, abs=1e-3)
    assert r.interval == "adjusted-wald"


def test_plain_wald_option():
    r = nps(np.arange(1.0, 11.0), method="wald")
    # p = 0.2, d = 0.6 ; var = 0.8 - 0.16 = 0.64 ; SE = sqrt(0.64/10) = 0.25298
    # 1.96 x 0.25298 = 0.49584 ; -0.4 -/+ 0.49584 = -0.89584 .. 0.09584
    assert r.nps == pytest.approx(-40.0)
    assert r.ci_low == pytest.approx(-89.584, abs=1e-3)
    assert r.ci_high == pytest.approx(9.584, abs=1e-3)
    assert r.interval == "wald"
    # centred on the observed NPS
    assert (r.ci_low + r.ci_high) / 2 == pytest.approx(-40.0)


def test_category_boundaries():
    # 6 detractor, 7 and 8 passive, 9 promoter, 0 detractor, 10 promoter
    r = nps(np.array([0.0, 6.0, 7.0, 8.0, 9.0, 10.0]))
    assert (r.promoters, r.passives, r.detractors) == pytest.approx((200 / 6, 200 / 6, 200 / 6))
    assert r.nps == pytest.approx(0.0)


def test_blanks_are_not_answers():
    r = nps(np.array([10.0, NAN, 0.0, NAN]))
    # n = 2 (the blanks are not detractors): 50% promoters, 50% detractors
    assert r.n == 2
    assert r.nps == pytest.approx(0.0)
    assert r.detractors == pytest.approx(50.0)


@pytest.mark.parametrize("method", ["adjusted-wald", "wald"])
def test_no_answers_is_undefined_not_zero(method):
    r = nps(np.array([NAN, NAN]), method=method)
    assert r.n == 0
    assert r.nps is None
    assert r.ci_low is None
    assert r.ci_high is None
    assert r.promoters is None
    assert r.notes
    assert nps_from_counts(0, 0, 0).nps is None


def test_all_promoters():
    # Wald: p = 1, d = 0, var = 1 - 1 = 0 -> interval [100, 100]
    w = nps_from_counts(5, 0, 0, method="wald")
    assert w.nps == 100.0
    assert (w.ci_low, w.ci_high) == pytest.approx((100.0, 100.0))
    # adjusted: p = 5.75/8, d = 0.75/8, p - d = 0.625 ; var = 6.5/8 - 0.390625 = 0.421875
    # SE = sqrt(0.421875/8) = 0.229640 ; 0.625 + 1.96 x 0.22964 = 1.07509 -> clipped to 100
    a = nps_from_counts(5, 0, 0)
    assert a.ci_high == 100.0
    assert a.ci_low == pytest.approx(100 * (0.625 - 1.959964 * math.sqrt(0.421875 / 8)), abs=1e-3)


def test_interval_clipped_to_minus_100():
    # 11 detractors: p = 0.75/14 = 0.05357, d = 11.75/14 = 0.83929, p - d = -0.78571
    # var = 0.89286 - 0.61735 = 0.27551 ; SE = sqrt(0.27551/14) = 0.14028
    # lower = -0.78571 - 1.96 x 0.14028 = -1.0607 -> clipped to -100 ; upper = -51.08
    r = nps_from_counts(0, 0, 11)
    assert r.nps == -100.0
    assert r.ci_low == -100.0
    assert r.ci_high == pytest.approx(-51.08, abs=0.01)
    mirrored = nps_from_counts(11, 0, 0)
    assert mirrored.ci_high == 100.0
    assert mirrored.ci_low == pytest.approx(51.08, abs=0.01)


def test_pooled_counts_not_averaged_scores():
    # unit A: 1 promoter of 1 (NPS 100); unit B: 1 promoter, 9 detractors (NPS -80)
    # pooled: 2 promoters, 9 detractors of 11 -> (2 - 9)/11 = -63.64, not (100 - 80)/2 = 10
    pooled = nps_from_counts(1 + 1, 0, 0 + 9)
    assert pooled.nps == pytest.approx(-700 / 11)


def test_unknown_method_raises():
    with pytest.raises(ValueError, match="method"):
        nps_from_counts(1, 1, 1, method="wilson")  # type: ignore[arg-type]


# small counts often: the clipping at -100/100 happens with (almost) one-sided samples
counts = st.one_of(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=500))


@settings(max_examples=300, deadline=None)
@given(counts, counts, counts, st.sampled_from(["adjusted-wald", "wald"]))
def test_nps_invariants(promoters, passives, detractors, method):
    n = promoters + passives + detractors
    r = nps_from_counts(promoters, passives, detractors, method=method)
    if n == 0:
        assert r.nps is None
        return
    assert -100 <= r.nps <= 100
    assert r.nps == pytest.approx(r.promoters - r.detractors)
    assert r.promoters + r.passives + r.detractors == pytest.approx(100.0)
    assert -100 <= r.ci_low <= r.ci_high <= 100
    if method == "wald":
        # the plain Wald interval is centred on the observed NPS: it always contains it
        assert r.ci_low <= r.nps + 1e-9
        assert r.nps - 1e-9 <= r.ci_high
    else:
        # the adjusted-Wald interval contains its own (adjusted) centre, not necessarily the
        # observed NPS: e.g. 1 promoter of 1 gives NPS 100 and an upper bound of 98.5
        centre = 100 * (promoters - detractors) / (n + 3)
        assert r.ci_low <= centre + 1e-9
        assert centre - 1e-9 <= r.ci_high


def test_adjusted_wald_need_not_contain_the_observed_nps():
    # 1 promoter: p = 1.75/4, d = 0.75/4 ; p - d = 0.25 ; var = 0.625 - 0.0625 = 0.5625
    # SE = sqrt(0.5625/4) = 0.375 ; upper = 0.25 + 1.96 x 0.375 = 0.985 -> 98.5 < NPS 100
    r = nps_from_counts(1, 0, 0)
    assert r.nps == 100.0
    assert r.ci_high == pytest.approx(98.5, abs=0.01)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 10).map(float), st.just(NAN)), max_size=60))
def test_scores_and_counts_agree(scores):
    arr = np.array(scores, dtype=float)
    answered = [s for s in scores if not math.isnan(s)]
    r = nps(arr)
    expected = nps_from_counts(
        sum(s >= 9 for s in answered),
        sum(7 <= s <= 8 for s in answered),
        sum(s <= 6 for s in answered),
    )
    assert r == expected
    assert r.n == len(answered)
