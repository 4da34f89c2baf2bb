"""The triple-win verdict: which side is losing (issue 12, point 5)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prima.metrics.triple_win import Measure, Side, below_standard, verdict


def test_the_standards_of_each_measure():
    assert below_standard("ikm", grade="D")
    assert not below_standard("ikm", grade="B")
    assert below_standard("gap", verdict="tidak memuaskan")
    assert not below_standard("gap", verdict="data belum cukup")
    assert below_standard("enps", ci_high=-0.1)
    assert not below_standard("enps", ci_high=0.0)
    assert not below_standard("nps", ci_high=None)
    assert below_standard("satisfaction", ci_high=2.99)
    assert not below_standard("satisfaction", ci_high=3.0)
    assert not below_standard("on_time", ci_high=0.01)  # no published level: only its drop
    assert not below_standard("volume", ci_high=0.0)


def test_a_drop_counts_only_when_its_interval_is_below_zero():
    steady = Measure("ikm", 80.0, 100, change=-2.0, change_low=-5.0, change_high=1.0)
    fell = Measure("ikm", 80.0, 100, change=-4.0, change_low=-7.0, change_high=-1.0)
    assert steady.against == []
    assert fell.against == ["dropped"]
    assert Side("customer", (steady,)).status == "holding"
    assert Side("customer", (fell,)).reasons == [{"measure": "ikm", "reason": "dropped"}]


def test_volume_and_hidden_figures_never_judge_a_side():
    fewer = Measure("volume", 120.0, 120, change=-400.0, change_low=-500.0, change_high=-300.0)
    hidden = Measure("gap", None, 0, suppressed=True)
    assert Side("organization", (fewer,)).status == "unknown"
    assert Side("employee", (hidden,)).status == "unknown"


def test_the_verdict_by_hand():
    customer = Side("customer", (Measure("ikm", 78.2, 300, below_standard=False),))
    employee = Side("employee", (Measure("gap", -0.6, 40, below_standard=True),))
    organization = Side(
        "organization", (Measure("nps", -12.0, 90, ci_high=-2.0, below_standard=True),)
    )
    v = verdict([organization, customer, employee])
    assert v.losing == ("employee", "organization")  # in the scorecard's order
    assert v.summary == "several"
    assert verdict([customer]).summary == "none"
    assert verdict([Side("customer", ())]).summary == "unknown"
    assert verdict([customer, employee]).as_dict() == {
        "losing": ["employee"],
        "status": {"customer": "holding", "employee": "losing"},
        "summary": "employee",
    }


measures = st.builds(
    Measure,
    key=st.sampled_from(["ikm", "gap", "nps", "enps", "on_time", "satisfaction", "volume"]),
    value=st.none() | st.floats(-100, 100),
    n=st.integers(0, 500),
    change_high=st.none() | st.floats(-5, 5),
    below_standard=st.booleans(),
)


@given(st.lists(measures, max_size=6))
def test_a_side_loses_exactly_when_a_judged_measure_counts_against_it(ms):
    side = Side("customer", tuple(ms))
    judged = [m for m in ms if m.key != "volume" and m.value is not None]
    against = [
        m for m in judged if m.below_standard or (m.change_high is not None and m.change_high < 0)
    ]
    expected = "unknown" if not judged else ("losing" if against else "holding")
    assert side.status == expected
    # a better measure never makes a holding side lose
    if side.status == "holding":
        better = Measure("gap", 1.0, 10, change_high=2.0)
        assert Side("customer", (*ms, better)).status == "holding"
