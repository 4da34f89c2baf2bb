"""The flood gate of the background sweeps (:mod:`prima.flood`): it holds a pass while rows
arrive at FLOOD_PER_SECOND or faster, never at the pace of ordinary intake, and never longer
than FLOOD_WAIT_SECONDS at a time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prima.flood import FLOOD_PER_SECOND, FLOOD_WAIT_SECONDS, FloodGate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_defaults():
    assert (FLOOD_PER_SECOND, FLOOD_WAIT_SECONDS) == (20.0, 30.0)


def test_holds_during_a_flood_and_lets_one_pass_through_after_the_longest_wait():
    clock = Clock()
    gate = FloodGate(per_second=20, max_wait=30, clock=clock)
    assert gate.holds(100) is False  # a first look never holds (a backlog at start is done)
    clock.now += 1
    assert gate.holds(119) is False  # 19 new rows in a second: ordinary
    clock.now += 1
    assert gate.holds(139) is True  # 20 in a second: a flood, held from now
    for _ in range(29):
        clock.now += 1
        assert gate.holds(gate.seen[0] + 25) is True  # 25 a second: still one
    clock.now += 1  # 30 seconds held
    assert gate.holds(gate.seen[0] + 25) is False  # this pass runs
    clock.now += 1
    assert gate.holds(gate.seen[0] + 25) is True  # and the next one may wait again


def test_the_rate_is_over_the_time_between_two_looks_and_a_second_at_least():
    clock = Clock()
    gate = FloodGate(per_second=20, max_wait=30, clock=clock)
    gate.holds(0)
    clock.now += 5
    assert gate.holds(99) is False  # 99 rows in 5 s: 19.8 a second
    clock.now += 5
    assert gate.holds(199) is True  # 100 in 5 s
    clock.now += 5
    assert gate.holds(250) is False  # eased: 51 in 5 s, and the wait starts again later
    assert gate.since is None
    clock.now += 0.01
    assert gate.holds(251) is False  # one row 10 ms after the last look: no flood
    clock.now += 0.01
    assert gate.holds(271) is True  # 20 rows (the least that counts) 10 ms apart


@given(
    st.lists(
        st.tuples(st.integers(0, 200), st.floats(0.0, 12.0, allow_nan=False)),
        min_size=1,
        max_size=80,
    )
)
def test_never_holds_longer_than_the_longest_wait_nor_for_ordinary_intake(steps):
    clock = Clock()
    gate = FloodGate(per_second=20, max_wait=30, clock=clock)
    top, held_since = 0, None
    gate.holds(top)
    for new, seconds in steps:
        clock.now += seconds
        top += new
        held = gate.holds(top)
        if new < 20 * max(seconds, 1.0):
            assert held is False
        if held:
            held_since = clock.now if held_since is None else held_since
            assert clock.now - held_since < 30
        else:
            held_since = None
