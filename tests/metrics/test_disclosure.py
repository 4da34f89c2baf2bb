"""The confidentiality threshold: primary suppression, pooling as "unit lain" and complementary
suppression (issue 12, point 3; Hundepool et al. 2012, chapter 4)."""

from __future__ import annotations

from collections.abc import Hashable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima.metrics.disclosure import (
    Group,
    Plan,
    band,
    cells,
    check_k,
    exposed_classes,
    figure_plans,
    figure_shown,
    plan,
    protect,
    released,
    unit_tree,
)


def view(n: int, *children: int) -> Group:
    return Group("p", n, tuple(Group(f"c{i}", c) for i, c in enumerate(children)))


def shown_counts(p: Plan) -> dict[Hashable, int | None]:
    return {d.id: d.n for d in p}


# -- hand-checked examples -------------------------------------------------------------------
def test_two_small_children_pooled_as_other_units():
    # 12 = 7 + 3 + 2; the 3 and the 2 are below 5, together 5 >= 5: "unit lain" of 5
    p = plan(view(12, 7, 3, 2))
    assert shown_counts(p) == {"p": 12, "c0": 7, "c1": None, "c2": None}
    assert (p["c1"].band, p["c2"].band) == ("<5", "<5")
    assert p["c1"].pooled
    assert p["c2"].pooled
    pool = p.pools["p"]
    assert (pool.n, pool.members, pool.rest) == (5, ("c1", "c2"), 0)
    # 12 - 7 - 5 = 0: nothing left to derive


def test_one_small_child_takes_its_sibling_with_it():
    # 11 = 7 + 4: the 4 is below 5; shown 7 would give 11 - 7 = 4 < 5, so the 7 is suppressed
    # too, and a pool of 11 would be the parent itself: only the parent is shown
    p = plan(view(11, 7, 4))
    assert shown_counts(p) == {"p": 11, "c0": None, "c1": None}
    assert p["c1"].band == "<5"
    assert p["c1"].reason == "below_k"
    assert p["c0"].band is None
    assert p["c0"].reason == "complementary"
    assert p.pools == {}


def test_the_smallest_shown_sibling_joins_the_pool():
    # 30 = 12 + 8 + 6 + 4: the 4 alone is below 5; the smallest shown sibling, 6, joins it:
    # pool 10 shown, 30 - 12 - 8 - 10 = 0
    p = plan(view(30, 12, 8, 6, 4))
    assert shown_counts(p) == {"p": 30, "c0": 12, "c1": 8, "c2": None, "c3": None}
    assert p["c2"].reason == "complementary"
    assert p["c2"].pooled
    assert p["c3"].reason == "below_k"
    assert p["c3"].pooled
    assert (p.pools["p"].n, p.pools["p"].members) == (10, ("c2", "c3"))


def test_rest_of_the_parent_counts_in_the_remainder():
    # 20 with subgroups 10 and 8: 2 respondents in neither (e.g. "not answered");
    # 20 - 10 - 8 = 2 < 5 -> the 8 joins the pool: 8 + 2 = 10 shown as the pool
    p = plan(view(20, 10, 8))
    assert shown_counts(p) == {"p": 20, "c0": 10, "c1": None}
    assert (p.pools["p"].n, p.pools["p"].members, p.pools["p"].rest) == (10, ("c1",), 2)


def test_ties_suppress_the_first_of_the_smallest():
    p = plan(view(13, 6, 6, 1))
    assert shown_counts(p) == {"p": 13, "c0": None, "c1": 6, "c2": None}
    assert p.pools["p"].n == 7


def test_a_big_enough_rest_is_the_pool_and_all_children_stay():
    # 25 = 10 + 10 + 5 rest: the rest of 5 >= 5 is shown as the pool
    p = plan(view(25, 10, 10))
    assert shown_counts(p) == {"p": 25, "c0": 10, "c1": 10}
    assert (p.pools["p"].n, p.pools["p"].members, p.pools["p"].rest) == (5, (), 5)


def test_a_group_below_k_shows_its_band_and_nothing_below():
    p = plan(view(4, 3, 1))
    assert [(d.status, d.n, d.band) for d in p] == [("suppressed", None, "<5")] * 3
    assert plan(Group("x", 0)).decisions["x"].band == "<5"


def test_below_a_suppressed_group_nothing_is_shown():
    # the 7 is suppressed by complementary suppression; its subgroups of 5 and 2 would let
    # anyone subtract: they are not shown (the 5 gets no band, it is not below k)
    tree = Group("p", 11, (Group("a", 7, (Group("a1", 5), Group("a2", 2))), Group("b", 4)))
    p = plan(tree)
    assert shown_counts(p) == {"p": 11, "a": None, "a1": None, "a2": None, "b": None}
    assert p["a1"].reason == "hidden_above"
    assert p["a1"].band is None
    assert p["a2"].reason == "below_k"
    assert p["a2"].band == "<5"


def test_a_higher_threshold():
    # k = 7: 12 = 7 + 3 + 2 -> the pool 5 < 7 -> the 7 joins it -> 12 = the parent alone
    p = plan(view(12, 7, 3, 2), k=7)
    assert shown_counts(p) == {"p": 12, "c0": None, "c1": None, "c2": None}
    assert p["c1"].band == "<7"


def test_k_is_at_least_three():
    assert check_k(3) == 3
    with pytest.raises(ValueError, match="at least 3"):
        plan(view(10, 5, 5), k=2)
    with pytest.raises(TypeError):
        plan(view(10, 5, 5), k=True)  # type: ignore[arg-type]
    assert band(5) == "<5"


def test_inconsistent_views_are_refused():
    with pytest.raises(ValueError, match="hold 13 > n = 12"):
        plan(view(12, 7, 6))
    with pytest.raises(ValueError, match="twice"):
        plan(Group("p", 10, (Group("a", 5), Group("a", 5))))
    with pytest.raises(ValueError, match="n must be"):
        plan(Group("p", -1))


def test_unit_tree_counts_each_unit_with_its_subtree():
    # dinas (3 own staff) > puskesmas A (6 own) > pustu A1 (2), A2 (4); puskesmas B (9)
    parents = {"dinas": None, "A": "dinas", "A1": "A", "A2": "A", "B": "dinas"}
    counts = {"dinas": 3, "A": 6, "A1": 2, "A2": 4, "B": 9}
    tree = unit_tree(parents, counts)
    assert tree.n == 24
    assert [(c.id, c.n) for c in tree.children] == [("A", 12), ("B", 9), (("dinas", "own"), 3)]
    p = plan(tree)
    # dinas 24: A 12 and B 9 shown, the office's own 3 < 5 -> the smallest, B 9, joins:
    # pool 12 = B + the office; A 12: own 6 shown, A1 2 + A2 4 = 6 pooled
    assert shown_counts(p) == {
        "dinas": 24,
        "A": 12,
        "A1": None,
        "A2": None,
        ("A", "own"): 6,
        "B": None,
        ("dinas", "own"): None,
    }
    assert p.pools["dinas"].n == 12
    assert p.pools["A"].n == 6
    sub = unit_tree(parents, counts, root="A", own=False)
    assert (sub.n, [c.id for c in sub.children]) == (12, ["A1", "A2"])
    # without the office as a subgroup: 2 and 4 below 5, nothing shown beside them, and a pool
    # of all 12 would be A itself
    assert shown_counts(plan(sub)) == {"A": 12, "A1": None, "A2": None}
    assert plan(sub).pools == {}


def test_unit_tree_errors():
    with pytest.raises(ValueError, match="unknown parent"):
        unit_tree({"a": "x"}, {})
    with pytest.raises(ValueError, match="2 top units"):
        unit_tree({"a": None, "b": None}, {})
    with pytest.raises(ValueError, match="unknown unit"):
        unit_tree({"a": None}, {"b": 1})
    with pytest.raises(ValueError, match="own ancestor"):
        unit_tree({"r": None, "b": "c", "c": "b"}, {}, root="b")


def test_plan_as_dict():
    out = plan(view(12, 7, 3, 2)).as_dict()
    assert out["k"] == 5
    assert out["groups"][2] == {
        "id": "c1",
        "parent": "p",
        "status": "suppressed",
        "suppressed": True,
        "n": None,
        "band": "<5",
        "reason": "below_k",
        "pooled": True,
    }
    assert out["pools"] == [{"parent": "p", "n": 5, "members": ["c1", "c2"], "rest": 0}]


# -- the property: nothing under k, nothing derivable by subtraction ---------------------------
@st.composite
def trees(draw: st.DrawFn) -> tuple[Group, dict[Hashable, frozenset[int]]]:
    """A random unit tree with respondents numbered 0..N-1, and each group's respondents."""
    size = draw(st.integers(1, 12))
    parents: dict[Hashable, Hashable | None] = {0: None}
    for unit in range(1, size):
        parents[unit] = draw(st.integers(0, unit - 1))
    counts = {u: draw(st.integers(0, 9)) for u in parents}
    own = draw(st.booleans())
    tree = unit_tree(parents, counts, own=own)
    members: dict[Hashable, frozenset[int]] = {}
    start = 0

    def assign(group: Group) -> frozenset[int]:
        nonlocal start
        inner: set[int] = set()
        for child in group.children:
            inner |= assign(child)
        rest = group.n - len(inner)
        mine = set(range(start, start + rest))
        start += rest
        members[group.id] = frozenset(inner | mine)
        return members[group.id]

    assign(tree)
    return tree, members


def walk(group: Group):
    yield group
    for child in group.children:
        yield from walk(child)


@settings(max_examples=300, deadline=None)
@given(trees(), st.sampled_from([3, 4, 5, 7]))
def test_nothing_under_k_and_no_remainder_of_one_to_k_minus_one(tree_members, k):
    tree, _members = tree_members
    p = plan(tree, k)
    by_id = {g.id: g for g in walk(tree)}
    assert list(p.decisions) == list(by_id)
    for g in walk(tree):
        d = p[g.id]
        if d.shown:
            assert g.n >= k
            assert d.n == g.n
            assert d.band is None
            children = [c for c in g.children if p[c.id].shown]
            pool = p.pools.get(g.id)
            covered = sum(c.n for c in children) + (pool.n if pool else 0)
            remainder = g.n - covered
            assert remainder == 0 or (remainder == g.n and not children and pool is None)
            assert remainder == 0 or remainder >= k
            if pool:
                assert pool.n >= k
                assert children
                assert set(pool.members) == {c.id for c in g.children if not p[c.id].shown}
        else:
            assert d.n is None
            assert (d.band == f"<{k}") == (g.n < k)
            assert all(not p[x.id].shown for x in walk(g))  # nothing below a hidden group
        if g.n < k:
            assert not d.shown


@settings(max_examples=200, deadline=None)
@given(trees(), st.sampled_from([3, 4, 5]))
def test_every_set_derivable_from_the_shown_groups_is_empty_or_at_least_k(tree_members, k):
    """Independent of the plan's own bookkeeping: respondents who belong to exactly the same
    shown groups (pools included) cannot be told apart by adding and subtracting those groups'
    counts, sums or squares; any derivable set is a union of such classes. Each class that
    lies in some shown group must hold at least k respondents."""
    tree, members = tree_members
    p = plan(tree, k)
    shown_sets = [members[d.id] for d in p if d.shown]
    for parent, pool in p.pools.items():
        kids = [members[c.id] for c in by_children(tree, parent) if p[c.id].shown]
        pool_set = members[parent].difference(*kids)
        assert len(pool_set) == pool.n
        shown_sets.append(pool_set)
    classes: dict[tuple[bool, ...], int] = {}
    for person in members[tree.id]:
        signature = tuple(person in s for s in shown_sets)
        if any(signature):
            classes[signature] = classes.get(signature, 0) + 1
    assert all(size >= k for size in classes.values())


def by_children(tree: Group, parent: Hashable) -> tuple[Group, ...]:
    return next(g for g in walk(tree) if g.id == parent).children


# -- crossed views (unit x service, ...): the audit and the greedy suppression -----------------
# units a, a2 x services b, b2; every group below holds at least 5, and every one-way remainder
# is 0 or >= 5, yet (a2, b2) = 20 - 12 - 10 + 5 = 3 is derivable by inclusion-exclusion
CELLS = {("a", "b"): 5, ("a", "b2"): 7, ("a2", "b"): 5, ("a2", "b2"): 3}
CROSSED = {
    "all": list(CELLS),
    "unit a": [("a", "b"), ("a", "b2")],
    "service b": [("a", "b"), ("a2", "b")],
    "unit a, service b": [("a", "b")],
}


def test_inclusion_exclusion_is_caught():
    assert exposed_classes(CROSSED, CELLS, 5) == [(frozenset({"all"}), 3)]
    # suppressing "service b" (10, the smallest whose removal exposes nobody; "unit a" would
    # do too but holds 12): the cells outside "unit a" then form one class of 5 + 3 = 8
    assert protect(CROSSED, CELLS, 5, keep=["all"]) == {"service b"}
    rest = {g: c for g, c in CROSSED.items() if g != "service b"}
    assert exposed_classes(rest, CELLS, 5) == []


def test_protect_suppresses_groups_under_k_first():
    cells = {1: 3, 2: 9}
    assert protect({"all": [1, 2], "one": [1], "two": [2]}, cells, 5, keep=["all"]) == {
        "one",
        "two",
    }
    with pytest.raises(ValueError, match="kept groups under k"):
        protect({"one": [1]}, cells, 5, keep=["one"])
    with pytest.raises(ValueError, match="single out"):
        protect({"all": [1, 2], "two": [2]}, cells, 5, keep=["all", "two"])
    with pytest.raises(ValueError, match="unknown cell"):
        exposed_classes({"x": [7]}, cells, 5)


@st.composite
def families(draw: st.DrawFn):
    cells = {c: draw(st.integers(0, 8)) for c in range(draw(st.integers(1, 16)))}
    groups = {"all": list(cells)}
    for g in range(draw(st.integers(0, 8))):
        groups[f"g{g}"] = draw(st.lists(st.sampled_from(list(cells)), unique=True))
    return cells, groups


@settings(max_examples=200, deadline=None)
@given(families(), st.sampled_from([3, 5]))
def test_protect_leaves_nobody_exposed(family, k):
    cells, groups = family
    keep = ["all"] if sum(cells.values()) >= k else []
    suppressed = protect(groups, cells, k, keep=keep)
    rest = {g: c for g, c in groups.items() if g not in suppressed}
    assert exposed_classes(rest, cells, k) == []
    assert all(sum(cells[c] for c in cs) >= k for cs in rest.values())
    assert not set(keep) & suppressed


@settings(max_examples=100, deadline=None)
@given(trees(), st.sampled_from([3, 5]))
def test_a_plan_passes_the_audit(tree_members, k):
    tree, members = tree_members
    p = plan(tree, k)
    people = dict.fromkeys(members[tree.id], 1)
    shown = {d.id: members[d.id] for d in p if d.shown}
    for parent in p.pools:
        kids = [members[c.id] for c in by_children(tree, parent) if p[c.id].shown]
        shown[("pool", parent)] = members[parent].difference(*kids)
    assert exposed_classes(shown, people, k) == []


def test_released_groups_as_cells():
    parents = {"dinas": None, "A": "dinas", "A1": "A", "A2": "A", "B": "dinas"}
    tree = unit_tree(parents, {"dinas": 3, "A": 6, "A1": 2, "A2": 4, "B": 9})
    assert cells(tree) == {"A1": 2, "A2": 4, ("A", "own"): 6, "B": 9, ("dinas", "own"): 3}
    out = released(tree, plan(tree))
    assert out == {
        "dinas": frozenset({"A1", "A2", ("A", "own"), "B", ("dinas", "own")}),
        "A": frozenset({"A1", "A2", ("A", "own")}),
        ("A", "own"): frozenset({("A", "own")}),
        ("pool", "dinas"): frozenset({"B", ("dinas", "own")}),  # 9 + 3 = 12
        ("pool", "A"): frozenset({"A1", "A2"}),  # 2 + 4 = 6
    }
    # a rest that is no subgroup of its own is a cell of its own
    assert cells(view(20, 10, 8)) == {"c0": 10, "c1": 8, ("p", "rest"): 2}
    assert released(view(20, 10, 8), plan(view(20, 10, 8)))[("pool", "p")] == frozenset(
        {"c1", ("p", "rest")}
    )


@settings(max_examples=200, deadline=None)
@given(trees(), st.sampled_from([3, 5]))
def test_released_sets_hold_the_shown_counts_and_pass_the_audit(tree_members, k):
    tree, _ = tree_members
    p = plan(tree, k)
    counts = cells(tree)
    assert sum(counts.values()) == tree.n
    out = released(tree, p)
    for key, covered in out.items():
        n = sum(counts[c] for c in covered)
        assert n == (p.pools[key[1]].n if key in {("pool", q) for q in p.pools} else p[key].n)
    assert exposed_classes(out, counts, k) == []


@settings(max_examples=100, deadline=None)
@given(trees(), st.integers(2, 3), st.randoms(use_true_random=False), st.sampled_from([3, 5]))
def test_a_release_crossed_with_a_profile_attribute(tree_members, values, rng, k):
    """The recipe of docs/disclosure.md: the release's groups, each profile value at the root
    and each shown group x value, audited together; protect keeps the root's total."""
    tree, _ = tree_members
    p = plan(tree, k)
    base = cells(tree)
    crossed: dict[Hashable, int] = {}
    for cell, n in base.items():
        split = [0] * values
        for _ in range(n):
            split[rng.randrange(values)] += 1
        crossed.update({(cell, v): split[v] for v in range(values)})
    groups: dict[Hashable, set[Hashable]] = {}
    for key, covered in released(tree, p).items():
        groups[(key, "all")] = {(c, v) for c in covered for v in range(values)}
        for v in range(values):
            groups[(key, v)] = {(c, v) for c in covered}
    keep = [(tree.id, "all")] if p[tree.id].shown else []
    suppressed = protect(groups, crossed, k, keep=keep)
    rest = {g: c for g, c in groups.items() if g not in suppressed}
    assert exposed_classes(rest, crossed, k) == []
    assert all(sum(crossed[c] for c in cs) >= k for cs in rest.values())


# -- figures with their own count (optional items) ------------------------------------------
def test_figure_plans_by_hand():
    """o 12 = a 6 + b 6, all shown; item X answered by 6 in a and 2 in b: b's item is below k
    and a's would give it away (8 - 6 = 2), so X shows in o only."""
    tree = Group("o", 12, (Group("a", 6), Group("b", 6)))
    plans = figure_plans(tree, plan(tree), {"X": {"a": 6, "b": 2}, "Y": {"a": 6, "b": 5}})
    assert [(d.id, d.n) for d in plans["X"]] == [("o", 8), ("a", None), ("b", None)]
    assert [(d.id, d.n) for d in plans["Y"]] == [("o", 11), ("a", 6), ("b", 5)]
    assert figure_shown(plans, "X", "o")
    assert not figure_shown(plans, "X", "a")
    assert not figure_shown(plans, "Y", "elsewhere")
    # a hidden release shows no figure anywhere
    small = Group("o", 4, (Group("a", 4),))
    assert figure_plans(small, plan(small), {"X": {"a": 4}})["X"].decisions == {}


@settings(max_examples=200, deadline=None)
@given(trees(), st.randoms(use_true_random=False), st.sampled_from([3, 5]))
def test_figures_with_their_own_count_pass_the_audit(tree_members, rng, k):
    """Random answerers of an optional item among each cell's respondents: every (group,
    figure) shown has at least k answerers, lies in a group the release shows, and the shown
    figure groups single nobody out (the audit over the answerers' cells: no class of 1..k-1,
    whatever is added and subtracted, pools included)."""
    tree, _ = tree_members
    p = plan(tree, k)
    base = cells(tree)
    answered = {c: sum(rng.random() < 0.6 for _ in range(n)) for c, n in base.items()}
    plans = figure_plans(tree, p, {"X": answered})
    sets = released(tree, p)
    shown = {}
    for d in plans["X"]:
        if d.shown:
            assert d.id in sets  # only in a group or pool the release shows
            assert d.n == sum(answered[c] for c in sets[d.id])
            assert d.n >= k
            shown[d.id] = sets[d.id]
    assert exposed_classes(shown, answered, k) == []
