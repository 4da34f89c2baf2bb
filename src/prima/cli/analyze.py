"""``prima analyze <method> FILE``: read the file, run :mod:`prima.analysis`, return its dict.

The analyses themselves live in :mod:`prima.analysis`, shared with the web platform; this
module only turns command-line options into their arguments.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from prima import analysis
from prima.analysis import jsonable
from prima.tabular import InputError, Table, read_table

SCALE = re.compile(r"\s*(-?\d+)\s*-\s*(-?\d+)\s*")


def parse_scale(text: str) -> tuple[int, int]:
    """``MIN-MAX`` in whole numbers, MIN < MAX (``-2-2`` is -2 to 2)."""
    match = SCALE.fullmatch(text)
    if match is None or int(match[1]) >= int(match[2]):
        raise InputError("bad_scale", value=text)
    return int(match[1]), int(match[2])


def _scale(args: argparse.Namespace) -> tuple[int, int] | None:
    return None if args.scale is None else parse_scale(args.scale)


def _table(args: argparse.Namespace) -> Table:
    return read_table(args.file, sheet=args.sheet)


def run_ikm(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    return analysis.report_ikm(
        _table(args), instrument=args.instrument, scale=scale, weight=args.weight
    )


def run_gap(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    return analysis.report_gap(_table(args), instrument=args.instrument, scale=scale)


def run_servqual(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    return analysis.report_servqual(_table(args), instrument=args.instrument, scale=scale)


def run_ipa(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    return analysis.report_ipa(
        _table(args), instrument=args.instrument, scale=scale, axis=args.axis
    )


def run_csi(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    return analysis.report_csi(_table(args), instrument=args.instrument, scale=scale)


def run_nps(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    return analysis.report_nps(
        _table(args), column=args.column, scale=scale, interval=args.interval
    )


def run_alpha(args: argparse.Namespace) -> dict[str, Any]:
    scale = _scale(args)
    items = [n.strip() for n in args.items.split(",") if n.strip()] if args.items else None
    return analysis.report_alpha(_table(args), items=items, scale=scale)


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

__all__ = ["RUNNERS", "jsonable", "parse_scale", "run_sample_size"]
