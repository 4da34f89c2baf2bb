"""``prima analyze <method> FILE``: the analytics core on a CSV or XLSX file of answers.

Each verb reads the columns it needs (see :mod:`prima.cli.columns`), runs one method of
:mod:`prima.metrics` and returns the JSON-ready dict that ``--json`` prints.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

from prima.cli.columns import (
    default_alpha_columns,
    discover_pairs,
    ikm_columns,
    instrument_pairs,
    resolve_item_columns,
    weight_columns,
)
from prima.instruments import Instrument, load_instrument
from prima.tabular import InputError, Table, read_table

DEFAULT_SCALES = {"ikm": (1, 4), "nps": (0, 10)}
DEFAULT_SCALE = (1, 5)


def parse_scale(text: str) -> tuple[int, int]:
    low, sep, high = text.partition("-")
    try:
        if not sep:
            raise ValueError
        scale = (int(low), int(high))
    except ValueError:
        raise InputError("bad_scale", value=text) from None
    if scale[0] >= scale[1]:
        raise InputError("bad_scale", value=text)
    return scale


def _scale(args: argparse.Namespace, instrument: Instrument | None = None) -> tuple[int, int]:
    if args.scale:
        return parse_scale(args.scale)
    if instrument is not None:
        return instrument.scale
    return DEFAULT_SCALES.get(args.method, DEFAULT_SCALE)


def _table(args: argparse.Namespace) -> Table:
    return read_table(args.file, sheet=args.sheet)


def _instrument(name: str | None) -> Instrument | None:
    return None if name is None else load_instrument(name)


def run_ikm(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.ikm import LEGACY_WEIGHTS, STANDARDS, ikm

    table = _table(args)
    instrument = load_instrument(args.instrument or ikm_columns(table))
    standard_name = instrument.standard or {9: "skm2017", 14: "skm2004"}.get(len(instrument.items))
    if standard_name not in STANDARDS:
        raise InputError(
            "instrument_kind", name=instrument.name, kind="IKM needs 9 (2017) or 14 (2004) unsur"
        )
    standard = STANDARDS[standard_name]
    low, high = _scale(args, instrument)
    columns = [item.column for item in instrument.items]
    answers = table.numbers(columns, low=low, high=high)
    weight = None if args.weight == "exact" else LEGACY_WEIGHTS[args.weight]
    result = ikm(answers, columns, standard=standard, weight=weight)
    out = result.as_dict()
    for item in instrument.items:
        out["elements"][item.column]["code"] = item.code
    out["weakest"] = result.weakest()
    return {"method": "ikm", "instrument": instrument.name, "scale": [low, high], **out}


def _paired(args: argparse.Namespace, instrument: Instrument | None):  # type: ignore[no-untyped-def]
    table = _table(args)
    pairs = instrument_pairs(table, instrument) if instrument else discover_pairs(table)
    low, high = _scale(args, instrument)
    e = table.numbers(pairs.expectation, low=low, high=high)
    p = table.numbers(pairs.performance, low=low, high=high)
    return table, pairs, (low, high), e, p


def run_gap(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.gap import performance_gap

    instrument = _instrument(args.instrument)
    _, pairs, scale, e, p = _paired(args, instrument)
    dims = instrument.dimensions() if instrument else None
    result = performance_gap(e, p, pairs.items, dims)
    name = instrument.name if instrument else None
    return {"method": "gap", "instrument": name, "scale": list(scale), **result.as_dict()}


def run_servqual(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.servqual import WeightsError, servqual

    instrument = load_instrument(args.instrument or "servqual")
    dims = instrument.dimensions()
    if not dims:
        raise InputError("servqual_dimensions")
    table, pairs, scale, e, p = _paired(args, instrument)
    w_cols = weight_columns(table, list(dims))
    weights = None if w_cols is None else table.numbers(w_cols, whole=False)
    try:
        result = servqual(e, p, pairs.items, dims, weights)
    except WeightsError as exc:
        key = (
            "weights_sum"
            if exc.total is not None
            else ("weights_negative" if "negative" in exc.reason else "weights_blank")
        )
        total = "" if exc.total is None else f"{exc.total:g}"
        raise InputError(
            key,
            file=table.source,
            row=table.row_number(exc.row),
            column=", ".join(w_cols or []),
            total=total,
        ) from None
    return {
        "method": "servqual",
        "instrument": instrument.name,
        "scale": list(scale),
        **result.as_dict(),
    }


def run_ipa(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.ipa import ipa

    instrument = _instrument(args.instrument)
    _, pairs, scale, e, p = _paired(args, instrument)
    result = ipa(e, p, pairs.items, scale=scale, axis=args.axis)
    return {"method": "ipa", "scale": list(scale), **result.as_dict()}


def run_csi(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.csi import csi

    instrument = _instrument(args.instrument)
    _, pairs, scale, e, p = _paired(args, instrument)
    result = csi(e, p, pairs.items, top=scale[1])
    return {"method": "csi", "scale": list(scale), **result.as_dict()}


def run_nps(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.nps import nps

    table = _table(args)
    low, high = _scale(args)
    scores = table.numbers([args.column], low=low, high=high)[:, 0]
    return {"method": "nps", "column": args.column, **nps(scores, method=args.interval).as_dict()}


def run_alpha(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.reliability import reliability

    table = _table(args)
    if args.items:
        names = [n.strip() for n in args.items.split(",") if n.strip()]
        columns = resolve_item_columns(table, names)
    else:
        columns = default_alpha_columns(table)
    low, high = _scale(args)
    data = table.numbers(columns, low=low, high=high)
    return {"method": "alpha", "scale": [low, high], **reliability(data, columns).as_dict()}


def run_sample_size(args: argparse.Namespace) -> dict[str, Any]:
    from prima.metrics.sampling import sample_size

    if args.population < 1:
        raise InputError("bad_option", detail="--population must be >= 1")
    if not 0 < args.margin < 1:
        raise InputError("bad_option", detail="--margin must be between 0 and 1, e.g. 0.05")
    return sample_size(args.population, method=args.method, margin=args.margin).as_dict()


RUNNERS = {
    "ikm": run_ikm,
    "gap": run_gap,
    "servqual": run_servqual,
    "ipa": run_ipa,
    "csi": run_csi,
    "nps": run_nps,
    "alpha": run_alpha,
}


def jsonable(value: Any) -> Any:
    """Floats that are not finite become null; fractions become floats."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return float(value)
    if (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
        return None
    return value
