"""The follow-up rule (prima.followups.rules, framework-free): invariants over any answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from prima.followups.rules import Thresholds, category_of, triggers
from prima.instruments import load_instrument

SKM = load_instrument("skm2017")
A6 = load_instrument("a6")
QUICK = load_instrument("quick")

skm_answers = st.fixed_dictionaries({i.column: st.integers(1, 4) for i in SKM.items})
a6_answers = st.fixed_dictionaries(
    {f"{i.id}.{side}": st.integers(1, 5) for i in A6.items for side in ("harapan", "kinerja")}
)
quick_answers = st.fixed_dictionaries(
    {"csat": st.integers(1, 5), "nps": st.integers(0, 10), "kembali": st.integers(0, 1)}
)
rules = st.builds(
    Thresholds,
    lowest_answer=st.integers(1, 4),
    nps_at_most=st.integers(0, 10),
    gap_at_least=st.integers(1, 4),
)


@settings(max_examples=200, deadline=None)
@given(answers=skm_answers, rule=rules)
def test_skm_triggers_are_exactly_the_low_answers_worst_first(answers, rule):
    found = triggers(SKM, answers, rule)
    assert {t.key for t in found} == {k for k, v in answers.items() if v <= rule.lowest_answer}
    values = [t.value for t in found]
    assert values == sorted(values)
    assert all(t.kind == "answer" and t.category == t.key for t in found)  # U1..U9 = categories
    assert category_of(found) == (found[0].key if found else None)


@settings(max_examples=200, deadline=None)
@given(answers=a6_answers, rule=rules)
def test_gaps_match_from_the_threshold_widest_first(answers, rule):
    found = triggers(A6, answers, rule)
    expected = {
        i.id
        for i in A6.items
        if answers[f"{i.id}.harapan"] - answers[f"{i.id}.kinerja"] >= rule.gap_at_least
    }
    assert {t.key for t in found} == expected
    gaps = [t.gap for t in found]
    assert gaps == sorted(gaps, reverse=True)
    assert all(t.category == t.item.dimension for t in found)


@settings(max_examples=200, deadline=None)
@given(answers=quick_answers, rule=rules)
def test_nps_matches_at_or_below_the_threshold(answers, rule):
    found = triggers(QUICK, answers, rule)
    assert [t.key for t in found] == (["nps"] if answers["nps"] <= rule.nps_at_most else [])


@settings(max_examples=200, deadline=None)
@given(answers=skm_answers, a6=a6_answers, quick=quick_answers, rule=rules)
def test_a_looser_rule_never_matches_less_and_an_inactive_one_nothing(answers, a6, quick, rule):
    looser = Thresholds(
        lowest_answer=min(4, rule.lowest_answer + 1),
        nps_at_most=min(10, rule.nps_at_most + 1),
        gap_at_least=max(1, rule.gap_at_least - 1),
    )
    for instrument, given_answers in ((SKM, answers), (A6, a6), (QUICK, quick)):
        strict = {t.key for t in triggers(instrument, given_answers, rule)}
        loose = {t.key for t in triggers(instrument, given_answers, looser)}
        assert strict <= loose
        off = Thresholds(rule.lowest_answer, rule.nps_at_most, rule.gap_at_least, active=False)
        assert triggers(instrument, given_answers, off) == []


def test_the_defaults_by_hand():
    """Issue 11, point 1: an SKM answer of 1, an NPS of 0-6, a gap of 2 or more."""
    skm = {f"U{i}": 2 for i in range(1, 10)}
    assert triggers(SKM, skm, Thresholds()) == []
    assert [t.key for t in triggers(SKM, {**skm, "U5": 1}, Thresholds())] == ["U5"]
    assert [t.value for t in triggers(QUICK, {"nps": 6}, Thresholds())] == [6]
    assert triggers(QUICK, {"nps": 7}, Thresholds()) == []
    a6 = {f"{i.id}.{s}": 4 for i in A6.items for s in ("harapan", "kinerja")}
    assert triggers(A6, {**a6, "ATN2.kinerja": 3}, Thresholds()) == []  # a gap of 1
    found = triggers(A6, {**a6, "ATN2.kinerja": 2}, Thresholds())  # a gap of 2
    assert [(t.key, t.gap, t.category) for t in found] == [("ATN2", 2, "attention")]
