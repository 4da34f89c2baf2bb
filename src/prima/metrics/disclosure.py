"""The confidentiality threshold of employee surveys: what one view may show (issue 12).

A view is a tree of groups: one group of respondents (a unit with its subtree, the whole
organization under a filter, ...) and its candidate subgroups, recursively (child units, the
values of a profile attribute, ...). Subgroups of one group are disjoint and lie inside it;
respondents of a group that belong to none of its subgroups are its *rest* (the unit's own
staff, "not answered"). :func:`plan` decides for every group whether it is shown, with which
counts, and pools small subgroups as "unit lain" (other units).

The rules (issue 12, point 3), with k >= 3 (default 5):

1. *Primary suppression* (Hundepool et al. 2012, section 4.2): a group with n < k shows its
   count band (``<k``) and nothing else; so does everything below it.
2. *Pooling*: the subgroups of a shown group that are not shown, with its rest, form one
   further subgroup, the pool ("unit lain"); it is shown when it holds at least k respondents
   and at least one real subgroup is shown beside it (a pool equal to the group says nothing new).
3. *Secondary (complementary) suppression* (Hundepool et al. 2012, section 4.2.2): when the
   pool holds 1..k-1 respondents, the smallest shown subgroup joins it (it is suppressed); the
   pool then holds at least k and is shown, or nothing is left to show beside it.
4. Below a group that is not shown nothing is shown: a subgroup suppressed by rule 3 hides its
   own subgroups too (they could be subtracted from the pool that covers it).

Guarantee (checked by a property test over random trees): every shown group has n >= k, and
the shown subgroups of a shown group (shown children and the shown pool) either cover it
exactly or are none. The shown groups therefore form a tree whose leaves partition the
respondents of the root: any set obtained from shown groups by adding and subtracting them
(or their sums, means and variances) is a union of such leaves, so it is empty or holds at
least k respondents. "Nothing may be derived by subtraction", for every group of one plan.

What one plan covers: the groups passed to it. Views with different filters (another
period, service or profile value) select other respondents and are other plans; differences
*between* plans (a quarter subtracted from its year, or a unit's row under two services) are
outside this guarantee unless the caller passes those groups in one tree (e.g. year -> quarters
-> units). Groups that cross (unit x service) are a linked table (Hundepool et al. 2012,
section 4.4), where one-way remainders are not enough (20 - 12 - 10 + 5 = 3): for them
:func:`exposed_classes` audits any family of groups over the same cells and :func:`protect`
suppresses groups until the audit passes. docs/disclosure.md says how the workforce app
uses both for its pages, API and exports.

Source: A. Hundepool, J. Domingo-Ferrer, L. Franconi, S. Giessing, E. Schulte Nordholt,
K. Spicer, P.-P. de Wolf, *Statistical Disclosure Control*, Wiley 2012, chapter 4 (magnitude
and frequency tables: threshold rule, primary and secondary cell suppression, hierarchical
tables).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

DEFAULT_K = 5
MIN_K = 3

Status = Literal["shown", "suppressed"]
# why a group is not shown: its n is below k; it joined the pool (complementary);
# a group above it is not shown
Reason = Literal["below_k", "complementary", "hidden_above"]


@dataclass(frozen=True)
class Group:
    """One group of a view: its id, its respondent count (with everything below it) and its
    candidate subgroups (disjoint, each inside it)."""

    id: Hashable
    n: int
    children: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Pool:
    """The pool ("unit lain") of a shown group: its subgroups that are not shown and its rest."""

    parent: Hashable
    n: int
    members: tuple[Hashable, ...]  # the subgroups in the pool (the rest is counted in n)
    rest: int  # respondents of the parent in none of its subgroups (in n, not in members)


@dataclass(frozen=True)
class Decision:
    id: Hashable
    parent: Hashable | None
    status: Status
    n: int | None  # the count, only when shown
    band: str | None  # "<k" when the group's own n is below k (primary suppression)
    reason: Reason | None = None
    pooled: bool = False  # counted in its parent's shown pool

    @property
    def shown(self) -> bool:
        return self.status == "shown"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent": self.parent,
            "status": self.status,
            "suppressed": self.status != "shown",
            "n": self.n,
            "band": self.band,
            "reason": self.reason,
            "pooled": self.pooled,
        }


@dataclass(frozen=True)
class Plan:
    """What one view may show: a decision per group (in tree order) and the shown pools."""

    k: int
    decisions: dict[Hashable, Decision]
    pools: dict[Hashable, Pool] = field(default_factory=dict)  # by parent id; shown pools only

    def __getitem__(self, group_id: Hashable) -> Decision:
        return self.decisions[group_id]

    def __iter__(self) -> Iterator[Decision]:
        return iter(self.decisions.values())

    def shown(self, group_id: Hashable) -> bool:
        return self.decisions[group_id].shown

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "groups": [d.as_dict() for d in self.decisions.values()],
            "pools": [
                {"parent": p.parent, "n": p.n, "members": list(p.members), "rest": p.rest}
                for p in self.pools.values()
            ],
        }


def check_k(k: int) -> int:
    """The threshold itself: a whole number of at least 3 (an admin may raise it, not lower)."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError("k must be a whole number")
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}")
    return k


def band(k: int) -> str:
    """The count band shown instead of a count below k: ``"<5"``."""
    return f"<{k}"


def _validate(group: Group, seen: set[Hashable]) -> None:
    if group.id in seen:
        raise ValueError(f"group id {group.id!r} appears twice")
    seen.add(group.id)
    if isinstance(group.n, bool) or not isinstance(group.n, int) or group.n < 0:
        raise ValueError(f"group {group.id!r}: n must be a whole number >= 0")
    covered = 0
    for child in group.children:
        _validate(child, seen)
        covered += child.n
    if covered > group.n:
        raise ValueError(f"group {group.id!r}: its subgroups hold {covered} > n = {group.n}")


def plan(root: Group, k: int = DEFAULT_K) -> Plan:
    """Decide what the view rooted at ``root`` may show (rules and guarantee: module docstring).

    >>> p = plan(Group("dinas", 12, (Group("a", 7), Group("b", 3), Group("c", 2))))
    >>> [(d.id, d.n, d.band) for d in p], p.pools["dinas"].n
    ([('dinas', 12, None), ('a', 7, None), ('b', None, '<5'), ('c', None, '<5')], 5)
    """
    check_k(k)
    _validate(root, set())
    decisions: dict[Hashable, Decision] = {}
    pools: dict[Hashable, Pool] = {}

    def hide(group: Group, parent: Hashable | None, reason: Reason, pooled: bool) -> None:
        small = group.n < k
        decisions[group.id] = Decision(
            group.id,
            parent,
            "suppressed",
            None,
            band(k) if small else None,
            "below_k" if small else reason,
            pooled,
        )
        for child in group.children:
            hide(child, group.id, "hidden_above", False)

    def show(group: Group, parent: Hashable | None) -> None:
        decisions[group.id] = Decision(group.id, parent, "shown", group.n, None)
        order = {c.id: i for i, c in enumerate(group.children)}
        shown = sorted((c for c in group.children if c.n >= k), key=lambda c: (c.n, order[c.id]))
        rest = group.n - sum(c.n for c in shown)
        if 0 < rest < k and shown:
            rest += shown.pop(0).n  # complementary suppression of the smallest shown subgroup
        keep = {c.id for c in shown}
        pool_shown = bool(shown) and rest >= k
        for child in group.children:
            if child.id in keep:
                show(child, group.id)
            else:
                hide(child, group.id, "complementary", pool_shown)
        if pool_shown:
            members = tuple(c.id for c in group.children if c.id not in keep)
            own = group.n - sum(c.n for c in group.children)
            pools[group.id] = Pool(group.id, rest, members, own)

    if root.n >= k:
        show(root, None)
    else:
        hide(root, None, "below_k", False)
    return Plan(k, decisions, pools)


def unit_tree(
    parents: Mapping[Hashable, Hashable | None],
    counts: Mapping[Hashable, int],
    *,
    root: Hashable | None = None,
    own: bool = True,
) -> Group:
    """The view of a unit tree: ``parents`` maps every unit to its parent (``None`` at the top),
    ``counts`` the respondents attached to each unit itself (missing = 0).

    Each group's n counts the unit with its subtree (as ``results?unit=`` does). With ``own``, a
    unit that has subunits and respondents of its own gets them as a subgroup of its own, id
    ``(unit, "own")`` (the office itself), so that they can be shown apart from "unit lain".
    ``root``: the unit whose subtree is the view (a manager's unit); by default the one unit
    without a parent (several top units are an error: pass ``root``).
    """
    children: dict[Hashable, list[Hashable]] = {u: [] for u in parents}
    for unit, parent in parents.items():
        if parent is not None:
            if parent not in children:
                raise ValueError(f"unit {unit!r}: unknown parent {parent!r}")
            children[parent].append(unit)
    for unit in counts:
        if unit not in parents:
            raise ValueError(f"counts name an unknown unit {unit!r}")
    if root is None:
        tops = [u for u, p in parents.items() if p is None]
        if len(tops) != 1:
            raise ValueError(f"{len(tops)} top units: pass root")
        root = tops[0]
    elif root not in parents:
        raise ValueError(f"unknown root {root!r}")

    def build(unit: Hashable, path: frozenset[Hashable]) -> Group:
        if unit in path:
            raise ValueError(f"unit {unit!r} is its own ancestor")
        subs = [build(c, path | {unit}) for c in children[unit]]
        mine = int(counts.get(unit, 0))
        if own and subs and mine:
            subs.append(Group((unit, "own"), mine))
        return Group(unit, mine + sum(s.n for s in subs if s.id != (unit, "own")), tuple(subs))

    return build(root, frozenset())


def cells(tree: Group) -> dict[Hashable, int]:
    """The finest cells of a view: its leaf groups, and ``(group id, "rest")`` for the
    respondents of a group in none of its subgroups (when there are any), with their counts."""
    out: dict[Hashable, int] = {}

    def visit(group: Group) -> None:
        if not group.children:
            out[group.id] = group.n
            return
        for child in group.children:
            visit(child)
        rest = group.n - sum(c.n for c in group.children)
        if rest:
            out[(group.id, "rest")] = rest

    visit(tree)
    return out


def released(tree: Group, p: Plan) -> dict[Hashable, frozenset[Hashable]]:
    """What ``p`` shows of ``tree``, each as the cells (:func:`cells`) it covers: every shown
    group under its id, every shown pool under ``("pool", parent id)``. The pool's statistics
    are those of its cells; crossing the release with another filter starts from these sets
    (:func:`protect`)."""
    covered: dict[Hashable, frozenset[Hashable]] = {}

    def visit(group: Group) -> frozenset[Hashable]:
        if not group.children:
            mine = frozenset({group.id})
        else:
            rest = group.n - sum(c.n for c in group.children)
            parts = [visit(c) for c in group.children]
            mine = frozenset().union(*parts) | (
                frozenset({(group.id, "rest")}) if rest else frozenset()
            )
        covered[group.id] = mine
        return mine

    visit(tree)
    out = {d.id: covered[d.id] for d in p if d.shown}
    for parent in p.pools:
        shown_below = [covered[c] for c in _children(tree, parent) if p[c].shown]
        out[("pool", parent)] = covered[parent].difference(*shown_below)
    return out


def _children(tree: Group, group_id: Hashable) -> list[Hashable]:
    stack = [tree]
    while stack:
        group = stack.pop()
        if group.id == group_id:
            return [c.id for c in group.children]
        stack.extend(group.children)
    raise KeyError(group_id)


# -- crossed views: any family of groups over the same cells ------------------------------------
def exposed_classes(
    groups: Mapping[Hashable, Iterable[Hashable]], counts: Mapping[Hashable, int], k: int
) -> list[tuple[frozenset[Hashable], int]]:
    """The respondents that shown groups single out: each class of cells that belong to exactly
    the same groups, when it holds 1..k-1 respondents (as ``(its groups, its count)``).

    ``counts``: respondents per cell, the finest cross-classification the platform can filter
    by (unit x day or period x service x profile value ...); ``groups``: the shown groups, each
    as the cells it covers. Whatever can be computed by adding and subtracting the groups'
    counts, sums or squares is the same on every cell of a class, so a derivable set of
    respondents is a union of classes (classes of no group are not derivable). No class of
    1..k-1 respondents is therefore a sufficient condition for "nothing may be derived by
    subtraction" over any family, tree or not: the audit of linked tables (Hundepool et al.
    2012, section 4.4) reduced to its conservative core.
    """
    check_k(k)
    members: dict[Hashable, set[Hashable]] = {}
    for group_id, cells in groups.items():
        for cell in cells:
            if cell not in counts:
                raise ValueError(f"group {group_id!r} covers an unknown cell {cell!r}")
            members.setdefault(cell, set()).add(group_id)
    classes: dict[frozenset[Hashable], int] = {}
    for cell, group_ids in members.items():
        key = frozenset(group_ids)
        classes[key] = classes.get(key, 0) + int(counts[cell])
    return [(key, n) for key, n in classes.items() if 0 < n < k]


def protect(
    groups: Mapping[Hashable, Iterable[Hashable]],
    counts: Mapping[Hashable, int],
    k: int = DEFAULT_K,
    *,
    keep: Iterable[Hashable] = (),
) -> set[Hashable]:
    """The groups to suppress so that :func:`exposed_classes` of the rest is empty.

    First every group under k (primary suppression); then, greedily, the group whose removal
    leaves the fewest exposed respondents (ties: the smallest group, then the first given)
    until nothing is exposed (secondary suppression; not the least possible loss, which is
    NP-hard for linked tables, but every step removes a group, so it ends). ``keep``: groups
    never suppressed for others (the view's own total); :class:`ValueError` when they alone
    single respondents out.
    """
    check_k(k)
    cells = {g: frozenset(c) for g, c in groups.items()}
    size = {g: sum(int(counts[c]) for c in cs) for g, cs in cells.items()}
    kept = set(keep)
    suppressed = {g for g in cells if size[g] < k}
    if kept & suppressed:
        raise ValueError(f"kept groups under k: {sorted(map(repr, kept & suppressed))}")
    order = {g: i for i, g in enumerate(cells)}

    def exposure(active: set[Hashable]) -> int:
        return sum(n for _, n in exposed_classes({g: cells[g] for g in active}, counts, k))

    active = set(cells) - suppressed
    current = exposure(active)
    while current:
        candidates = active - kept
        if not candidates:
            raise ValueError("the kept groups alone single out fewer than k respondents")
        best = min(candidates, key=lambda g: (exposure(active - {g}), size[g], order[g]))
        active.discard(best)
        suppressed.add(best)
        current = exposure(active)
    return suppressed


# -- figures with their own counts inside a release (items answered by some) ------------------
def figure_plans(
    tree: Group,
    p: Plan,
    counts: Mapping[Hashable, Mapping[Hashable, int]],
) -> dict[Hashable, Plan]:
    """The plan of each figure whose own count differs from its group's (issue 12, point 3):
    an optional item answered by some respondents of a group, a dimension or the overall gap
    (respondents who answered at least one of its pairs), the eNPS (those who answered it).

    ``counts``: per figure, its count per cell of ``tree`` (:func:`cells`; missing = 0). The
    shown groups of ``p`` and its shown pools (id ``("pool", parent)``) form a tree whose leaves
    partition the root; each figure's counts on that tree go through :func:`plan` with the same
    k. A figure is shown in a group only where its plan shows it: its own n is at least k, and
    for every group where it is shown, the answerers not covered by the shown subgroups where it
    is shown number 0 or at least k (the same rule and guarantee as the release's, per figure).
    A group hidden by ``p`` shows no figure; a group in which a figure is hidden shows that
    figure as suppressed and the others as usual.

    >>> t = Group("o", 12, (Group("a", 6), Group("b", 6)))
    >>> plans = figure_plans(t, plan(t), {"item:X": {"a": 6, "b": 2}})
    >>> [(d.id, d.shown) for d in plans["item:X"]]
    [('o', True), ('a', False), ('b', False)]
    """
    sets = released(tree, p)
    if tree.id not in p.decisions or not p[tree.id].shown:
        return {key: Plan(p.k, {}) for key in counts}
    kids: dict[Hashable, list[Hashable]] = {}
    for group in _walk(tree):
        kids[group.id] = [c.id for c in group.children if c.id in p.decisions and p[c.id].shown]
        if group.id in p.pools:
            kids[group.id].append(("pool", group.id))
    keys = list(counts)
    index = {cell: i for i, cell in enumerate({c for cs in sets.values() for c in cs})}
    matrix = np.zeros((len(index), len(keys)), dtype=np.int64)
    for j, key in enumerate(keys):
        for cell, n in counts[key].items():
            if cell in index:
                matrix[index[cell], j] = int(n)
    totals = {g: matrix[[index[c] for c in cs]].sum(axis=0) for g, cs in sets.items()}

    def build(group_id: Hashable, j: int) -> Group:
        below = tuple(build(c, j) for c in kids.get(group_id, ()))
        return Group(group_id, int(totals[group_id][j]), below)

    out: dict[Hashable, Plan] = {}
    same: dict[bytes, Plan] = {}  # figures answered by the same people per cell: one plan
    for j, key in enumerate(keys):
        column = matrix[:, j].tobytes()
        if column not in same:
            same[column] = plan(build(tree.id, j), p.k)
        out[key] = same[column]
    return out


def _walk(group: Group) -> Iterator[Group]:
    yield group
    for child in group.children:
        yield from _walk(child)


def figure_shown(plans: Mapping[Hashable, Plan], key: Hashable, group_id: Hashable) -> bool:
    """Whether ``figure_plans`` shows figure ``key`` in a group (unknown group: no)."""
    found = plans[key].decisions.get(group_id)
    return found is not None and found.shown
