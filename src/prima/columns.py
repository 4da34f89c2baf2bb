"""Which columns of an answer file hold which answers (the file layout of ``prima analyze``).

- IKM: ``U1``..``U9`` (2017) or ``U1``..``U14`` (2004), or the columns an instrument names;
- paired items: ``X.harapan`` / ``X.kinerja`` (also ``X.expectation`` / ``X.performance`` and
  ``X.kepentingan`` / ``X.importance`` for the expectation side);
- SERVQUAL weights: ``W.<dimension>``; NPS: one column, ``nps`` by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from prima.instruments import Instrument
from prima.tabular import InputError, Table

EXPECTATION_SUFFIXES = ("harapan", "expectation", "kepentingan", "importance")
PERFORMANCE_SUFFIXES = ("kinerja", "performance")
WEIGHT_PREFIX = "W."


@dataclass(frozen=True)
class PairedColumns:
    items: list[str]
    expectation: list[str]
    performance: list[str]


def _split_suffix(name: str) -> tuple[str, str] | None:
    item, dot, suffix = name.rpartition(".")
    if not dot or not item:
        return None
    return item, suffix.lower()


def discover_pairs(table: Table) -> PairedColumns:
    """Every item that has an expectation and a performance column, in file order."""
    expectation: dict[str, str] = {}
    performance: dict[str, str] = {}
    order: list[str] = []
    for name in table.header:
        parts = _split_suffix(name)
        if parts is None or name.startswith(WEIGHT_PREFIX):
            continue
        item, suffix = parts
        if suffix in EXPECTATION_SUFFIXES:
            expectation.setdefault(item, name)
        elif suffix in PERFORMANCE_SUFFIXES:
            performance.setdefault(item, name)
        else:
            continue
        if item not in order:
            order.append(item)
    if not order:
        raise InputError("no_paired_columns", file=table.source, row=1)
    for item in order:
        if item not in performance:
            raise InputError(
                "half_pair",
                file=table.source,
                row=1,
                column=expectation[item],
                present=expectation[item],
                missing=f"{item}.kinerja",
            )
        if item not in expectation:
            raise InputError(
                "half_pair",
                file=table.source,
                row=1,
                column=performance[item],
                present=performance[item],
                missing=f"{item}.harapan",
            )
    return PairedColumns(order, [expectation[i] for i in order], [performance[i] for i in order])


def _find(table: Table, item: str, suffixes: tuple[str, ...]) -> str | None:
    """The column ``<item>.<suffix>`` for the first suffix present (suffix case-insensitive)."""
    prefix = item + "."
    by_suffix = {h[len(prefix) :].lower(): h for h in table.header if h.startswith(prefix)}
    return next((by_suffix[s] for s in suffixes if s in by_suffix), None)


def instrument_pairs(table: Table, instrument: Instrument) -> PairedColumns:
    """The pair of columns of every item of ``instrument``; a missing one is an error."""
    e_cols: list[str] = []
    p_cols: list[str] = []
    for item in instrument.items:
        e = _find(table, item.id, EXPECTATION_SUFFIXES)
        p = _find(table, item.id, PERFORMANCE_SUFFIXES)
        if e is None:
            raise InputError(
                "missing_column", file=table.source, row=1, column=f"{item.id}.harapan"
            )
        if p is None:
            raise InputError(
                "missing_column", file=table.source, row=1, column=f"{item.id}.kinerja"
            )
        e_cols.append(e)
        p_cols.append(p)
    return PairedColumns(instrument.item_ids, e_cols, p_cols)


def weight_columns(table: Table, dimensions: list[str]) -> list[str] | None:
    """``W.<dimension>`` for every dimension, None when the file has no weight column at all."""
    present = [h for h in table.header if h.startswith(WEIGHT_PREFIX)]
    if not present:
        return None
    wanted = [f"{WEIGHT_PREFIX}{d}" for d in dimensions]
    missing = [d for d, w in zip(dimensions, wanted, strict=True) if not table.has(w)]
    if missing:
        raise InputError(
            "weights_missing",
            file=table.source,
            row=1,
            column=f"{WEIGHT_PREFIX}{missing[0]}",
            dimensions=", ".join(missing),
        )
    return wanted


def ikm_columns(table: Table) -> str:
    """The built-in instrument a file of ``U`` columns follows: skm2004 when U10..U14 exist."""
    if all(table.has(f"U{i}") for i in range(10, 15)):
        return "skm2004"
    if table.has("U1"):
        return "skm2017"
    raise InputError("no_ikm_columns", file=table.source, row=1, column="U1")


def resolve_item_columns(table: Table, names: list[str]) -> list[str]:
    """Alpha's ``--items``: a column name, or an item whose ``.kinerja`` column exists."""
    resolved = []
    for name in names:
        if table.has(name):
            resolved.append(name)
            continue
        found = _find(table, name, PERFORMANCE_SUFFIXES)
        if found is None:
            raise InputError("missing_column", file=table.source, row=1, column=name)
        resolved.append(found)
    return resolved


def default_alpha_columns(table: Table) -> list[str]:
    """Without ``--items``: the ``U`` columns, else every performance column."""
    u = [h for h in table.header if h[:1] == "U" and h[1:].isdigit()]
    if u:
        return u
    try:
        return discover_pairs(table).performance
    except InputError:
        raise InputError(
            "missing_columns", file=table.source, row=1, needed="U1.. / X.kinerja"
        ) from None
