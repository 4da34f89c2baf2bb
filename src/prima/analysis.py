"""One analysis per method on a table of answers: the JSON objects of ``prima analyze --json``.

Both the command line (a CSV/XLSX file) and the web platform (stored responses, laid out as
the same columns) call these functions, so the numbers a results page shows are the numbers
``prima analyze`` prints on an export of the same responses.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from prima.columns import (
    default_alpha_columns,
    discover_pairs,
    ikm_columns,
    instrument_pairs,
    resolve_item_columns,
    weight_columns,
)
from prima.instruments import Instrument, load_instrument
from prima.tabular import InputError, Table

Scale = tuple[int, int]
InstrumentRef = str | Instrument | None

DEFAULT_SCALES: dict[str, Scale] = {"ikm": (1, 4), "nps": (0, 10)}
DEFAULT_SCALE: Scale = (1, 5)


def _instrument(ref: InstrumentRef) -> Instrument | None:
    if ref is None or isinstance(ref, Instrument):
        return ref
    return load_instrument(ref)


def _scale(method: str, scale: Scale | None, instrument: Instrument | None = None) -> Scale:
    if scale is not None:
        return scale
    if instrument is not None:
        return instrument.scale
    return DEFAULT_SCALES.get(method, DEFAULT_SCALE)


def report_ikm(
    table: Table,
    *,
    instrument: InstrumentRef = None,
    scale: Scale | None = None,
    weight: str = "exact",
) -> dict[str, Any]:
    from prima.metrics.ikm import LEGACY_WEIGHTS, ikm

    inst = _instrument(instrument) or load_instrument(ikm_columns(table))
    standard = ikm_standard(inst)
    low, high = _scale("ikm", scale, inst)
    columns = [item.column for item in inst.items]
    answers = table.numbers(columns, low=low, high=high)
    result = ikm(
        answers,
        columns,
        standard=standard,
        weight=None if weight == "exact" else LEGACY_WEIGHTS[weight],
    )
    return ikm_report(result, inst, (low, high))


def ikm_standard(inst: Instrument) -> Any:
    """The IKM standard (unsur count and bands) an IKM instrument follows."""
    from prima.metrics.ikm import STANDARDS

    name = inst.standard or {9: "skm2017", 14: "skm2004"}.get(len(inst.items))
    if name not in STANDARDS:
        raise InputError(
            "instrument_kind", name=inst.name, kind="IKM needs 9 (2017) or 14 (2004) unsur"
        )
    return STANDARDS[name]


def ikm_report(result: Any, inst: Instrument, scale: Scale) -> dict[str, Any]:
    """The ``prima analyze ikm --json`` object of an :class:`~prima.metrics.ikm.IkmResult`."""
    out = result.as_dict()
    for item in inst.items:
        out["elements"][item.column]["code"] = item.code
    out["weakest"] = result.weakest()
    return {"method": "ikm", "instrument": inst.name, "scale": list(scale), **out}


def _paired(
    table: Table, method: str, inst: Instrument | None, scale: Scale | None
) -> tuple[Any, Scale, Any, Any]:
    pairs = instrument_pairs(table, inst) if inst else discover_pairs(table)
    low, high = _scale(method, scale, inst)
    e = table.numbers(pairs.expectation, low=low, high=high)
    p = table.numbers(pairs.performance, low=low, high=high)
    return pairs, (low, high), e, p


def report_gap(
    table: Table, *, instrument: InstrumentRef = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.gap import performance_gap

    inst = _instrument(instrument)
    pairs, used, e, p = _paired(table, "gap", inst, scale)
    result = performance_gap(e, p, pairs.items, inst.dimensions() if inst else None)
    return gap_report(result, inst, used)


def gap_report(result: Any, inst: Instrument | None, scale: Scale) -> dict[str, Any]:
    return {
        "method": "gap",
        "instrument": inst.name if inst else None,
        "scale": list(scale),
        **result.as_dict(),
    }


def report_servqual(
    table: Table, *, instrument: InstrumentRef = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.servqual import WeightsError, servqual

    inst = _instrument(instrument) or load_instrument("servqual")
    dims = inst.dimensions()
    if not dims:
        raise InputError("servqual_dimensions")
    pairs, used, e, p = _paired(table, "servqual", inst, scale)
    w_cols = weight_columns(table, list(dims))
    weights = None if w_cols is None else table.numbers(w_cols, whole=False)
    try:
        result = servqual(e, p, pairs.items, dims, weights)
    except WeightsError as exc:
        if exc.total is not None:
            key = "weights_sum"
        else:
            key = "weights_negative" if "negative" in exc.reason else "weights_blank"
        raise InputError(
            key,
            file=table.source,
            row=table.row_number(exc.row),
            column=", ".join(w_cols or []),
            total="" if exc.total is None else f"{exc.total:g}",
        ) from None
    return servqual_report(result, inst, used)


def servqual_report(result: Any, inst: Instrument, scale: Scale) -> dict[str, Any]:
    return {"method": "servqual", "instrument": inst.name, "scale": list(scale), **result.as_dict()}


def report_ipa(
    table: Table,
    *,
    instrument: InstrumentRef = None,
    scale: Scale | None = None,
    axis: str = "mean",
) -> dict[str, Any]:
    from prima.metrics.ipa import ipa

    inst = _instrument(instrument)
    pairs, used, e, p = _paired(table, "ipa", inst, scale)
    result = ipa(e, p, pairs.items, scale=used, axis=axis)  # type: ignore[arg-type]
    return ipa_report(result, used)


def ipa_report(result: Any, scale: Scale) -> dict[str, Any]:
    return {"method": "ipa", "scale": list(scale), **result.as_dict()}


def report_csi(
    table: Table, *, instrument: InstrumentRef = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.csi import csi

    inst = _instrument(instrument)
    pairs, used, e, p = _paired(table, "csi", inst, scale)
    return csi_report(csi(e, p, pairs.items, top=used[1]), used)


def csi_report(result: Any, scale: Scale) -> dict[str, Any]:
    return {"method": "csi", "scale": list(scale), **result.as_dict()}


def report_nps(
    table: Table,
    *,
    column: str = "nps",
    scale: Scale | None = None,
    interval: str = "adjusted-wald",
) -> dict[str, Any]:
    from prima.metrics.nps import nps

    low, high = _scale("nps", scale)
    scores = table.numbers([column], low=low, high=high)[:, 0]
    return nps_report(nps(scores, method=interval), column)  # type: ignore[arg-type]


def nps_report(result: Any, column: str = "nps") -> dict[str, Any]:
    return {"method": "nps", "column": column, **result.as_dict()}


def report_alpha(
    table: Table, *, items: list[str] | None = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.reliability import reliability

    columns = resolve_item_columns(table, items) if items else default_alpha_columns(table)
    low, high = _scale("alpha", scale)
    data = table.numbers(columns, low=low, high=high)
    return {"method": "alpha", "scale": [low, high], **reliability(data, columns).as_dict()}


def jsonable(value: Any) -> Any:
    """Floats that are not finite become null; fractions become floats."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value
