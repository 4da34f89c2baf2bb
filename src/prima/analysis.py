"""One analysis per method on a table of answers: the JSON objects of ``prima analyze --json``.

Both the command line (a CSV/XLSX file) and the web platform (stored responses, laid out as
the same columns) call these functions, so the numbers a results page shows are the numbers
``prima analyze`` prints on an export of the same responses.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from prima.columns import (
    default_alpha_columns,
    discover_pairs,
    ikm_columns,
    instrument_pairs,
    resolve_item_columns,
    weight_columns,
)
from prima.instruments import Instrument, load_instrument
from prima.metrics.paired import GROUP_FIELDS, GroupTotals, PairTotals, group_totals, pair_totals
from prima.tabular import InputError, Table
from prima.tabular.errors import fmt_number

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
    """IKM of a file, from whole-number totals added up chunk by chunk (flat memory)."""
    from prima.metrics.ikm import LEGACY_WEIGHTS, ikm_from_totals

    inst = _instrument(instrument) or load_instrument(ikm_columns(table))
    standard = ikm_standard(inst)
    low, high = _scale("ikm", scale, inst)
    columns = [item.column for item in inst.items]
    sums = [0] * len(columns)
    counts = [0] * len(columns)
    respondents = complete_n = complete_sum = complete_sq = 0
    k = len(columns)
    per_row = np.ones(k)
    for answers, _rows in table.chunks(columns, low=low, high=high):
        # row and column totals as matrix products (whole numbers: exact in any order), 5-10x
        # faster than NumPy's reductions along either axis of a chunk x k matrix
        blank = np.isnan(answers).astype(np.float64)
        per_column = np.ones(answers.shape[0])
        filled = np.where(blank, 0.0, answers)
        missing = per_column @ blank
        counts = [
            c + answers.shape[0] - round(float(v)) for c, v in zip(counts, missing, strict=True)
        ]
        sums = [s + round(float(v)) for s, v in zip(sums, per_column @ filled, strict=True)]
        blanks = blank @ per_row  # per respondent
        respondents += int(np.count_nonzero(blanks < k))
        full = np.rint(filled @ per_row).astype(np.int64)[blanks == 0]  # respondent_totals
        complete_n += int(full.size)
        complete_sum += int(full.sum())
        complete_sq += int((full * full).sum())
    result = ikm_from_totals(
        columns,
        sums,
        counts,
        respondents=respondents,
        standard=standard,
        weight=None if weight == "exact" else LEGACY_WEIGHTS[weight],
        complete=(complete_n, complete_sum, complete_sq),
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


def _add_groups(a: GroupTotals | None, b: GroupTotals) -> GroupTotals:
    if a is None:
        return b
    return GroupTotals(
        tuple(
            tuple(x + y for x, y in zip(r, q, strict=True))
            for r, q in zip(a.rows, b.rows, strict=True)
        )
    )


def _paired_totals(
    table: Table,
    method: str,
    inst: Instrument | None,
    scale: Scale | None,
    groups: dict[str, list[str]] | None = None,
) -> tuple[Any, Scale, list[PairTotals], dict[str, GroupTotals]]:
    """Pair totals per item and group totals per named group of items (``{name: [item]}``),
    added up chunk by chunk: the inputs of the ``*_from_totals`` functions."""
    pairs = instrument_pairs(table, inst) if inst else discover_pairs(table)
    low, high = _scale(method, scale, inst)
    k = len(pairs.items)
    index = {item: j for j, item in enumerate(pairs.items)}
    wanted = {name: [index[m] for m in members] for name, members in (groups or {}).items()}
    n = [0] * k
    sum_e = [0] * k
    sum_p = [0] * k
    found: dict[str, GroupTotals | None] = dict.fromkeys(wanted)
    for both, _rows in table.chunks([*pairs.expectation, *pairs.performance], low=low, high=high):
        e, p = both[:, :k], both[:, k:]
        for j, t in enumerate(pair_totals(e, p)):
            n[j] += t.n
            sum_e[j] += t.sum_e
            sum_p[j] += t.sum_p
        for name, cols in wanted.items():
            found[name] = _add_groups(found[name], group_totals(e, p, cols))
    totals = [PairTotals(a, b, c) for a, b, c in zip(n, sum_e, sum_p, strict=True)]
    zero = len(GROUP_FIELDS) * (0,)
    out = {
        name: found[name] or GroupTotals(tuple(zero for _ in cols)) for name, cols in wanted.items()
    }
    return pairs, (low, high), totals, out


def report_gap(
    table: Table, *, instrument: InstrumentRef = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.gap import performance_gap_from_totals

    inst = _instrument(instrument)
    dims = inst.dimensions() if inst else {}
    pairs = instrument_pairs(table, inst) if inst else discover_pairs(table)
    groups = {f"item:{i}": [i] for i in pairs.items}
    groups.update({f"dim:{d}": m for d, m in dims.items()})
    groups["overall"] = list(pairs.items)
    _pairs, used, _totals, found = _paired_totals(table, "gap", inst, scale, groups)
    result = performance_gap_from_totals(
        {i: found[f"item:{i}"] for i in pairs.items},
        {d: found[f"dim:{d}"] for d in dims},
        found["overall"],
        grouped=bool(dims),
    )
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
    from prima.metrics.servqual import servqual_from_totals

    inst = _instrument(instrument) or load_instrument("servqual")
    dims = inst.dimensions()
    if not dims:
        raise InputError("servqual_dimensions")
    w_cols = weight_columns(table, list(dims))
    if w_cols is None:  # no weights: dimension totals, chunk by chunk
        groups = {f"dim:{d}": m for d, m in dims.items()}
        _pairs, used, _totals, found = _paired_totals(table, "servqual", inst, scale, groups)
        result = servqual_from_totals({d: found[f"dim:{d}"] for d in dims})
        return servqual_report(result, inst, used)
    return servqual_report(
        _weighted_servqual(table, inst, scale, w_cols), inst, _scale("servqual", scale, inst)
    )


def _weighted_servqual(
    table: Table, inst: Instrument, scale: Scale | None, w_cols: list[str]
) -> Any:
    """SERVQUAL with each respondent's 100 points over the dimensions, chunk by chunk: the
    dimension totals, and n, the sum and the sum of squares of the weighted scores."""
    from dataclasses import replace

    from prima.metrics.intervals import mean_interval_from_sums
    from prima.metrics.paired import respondent_scores
    from prima.metrics.servqual import (
        WEIGHT_TOTAL,
        WeightsError,
        check_weights,
        servqual_from_totals,
    )

    dims = inst.dimensions()
    pairs = instrument_pairs(table, inst)
    low, high = _scale("servqual", scale, inst)
    k = len(pairs.items)
    index = {item: j for j, item in enumerate(pairs.items)}
    columns = {d: [index[m] for m in members] for d, members in dims.items()}
    found: dict[str, GroupTotals | None] = dict.fromkeys(dims)
    n = 0
    total = total_sq = Fraction(0)
    for values, rows in table.chunks(
        [*pairs.expectation, *pairs.performance], low=low, high=high, unchecked=w_cols
    ):
        e, p, weights = values[:, :k], values[:, k : 2 * k], values[:, 2 * k :]
        for d, cols in columns.items():
            found[d] = _add_groups(found[d], group_totals(e, p, cols))
        try:
            given = check_weights(weights)
        except WeightsError as exc:
            if exc.total is not None:
                key = "weights_sum"
            else:
                key = "weights_negative" if "negative" in exc.reason else "weights_blank"
            raise InputError(
                key,
                file=table.source,
                row=int(rows[exc.row]),
                column=", ".join(w_cols),
                total="" if exc.total is None else f"{exc.total:g}",
            ) from None
        per_dim = np.full((e.shape[0], len(dims)), np.nan)
        for j, cols in enumerate(columns.values()):
            scores = respondent_scores(e, p, cols)
            per_dim[scores.rows, j] = scores.gap
        usable = given & ~np.isnan(per_dim).any(axis=1)
        weighted = (weights[usable] / WEIGHT_TOTAL * per_dim[usable]).sum(axis=1)
        n += int(weighted.size)
        total += Fraction(float(weighted.sum()))
        total_sq += Fraction(float((weighted * weighted).sum()))
    zero = len(GROUP_FIELDS) * (0,)
    base = servqual_from_totals(
        {d: found[d] or GroupTotals(tuple(zero for _ in columns[d])) for d in dims}
    )
    notes = [note for note in base.notes if not note.startswith("no W.<dimension>")]
    interval = mean_interval_from_sums(n, total, total_sq)
    if interval.n == 0:
        notes.append("no respondent gave weights and answered every dimension")
    return replace(
        base,
        weighted=interval.mean,
        weighted_n=interval.n,
        weighted_ci_low=interval.ci_low,
        weighted_ci_high=interval.ci_high,
        notes=notes,
    )


def servqual_report(result: Any, inst: Instrument, scale: Scale) -> dict[str, Any]:
    return {"method": "servqual", "instrument": inst.name, "scale": list(scale), **result.as_dict()}


def report_ipa(
    table: Table,
    *,
    instrument: InstrumentRef = None,
    scale: Scale | None = None,
    axis: str = "mean",
) -> dict[str, Any]:
    from prima.metrics.ipa import ipa_from_totals

    inst = _instrument(instrument)
    pairs, used, totals, _groups = _paired_totals(table, "ipa", inst, scale)
    result = ipa_from_totals(totals, pairs.items, scale=used, axis=axis)  # type: ignore[arg-type]
    return ipa_report(result, used)


def ipa_report(result: Any, scale: Scale) -> dict[str, Any]:
    return {"method": "ipa", "scale": list(scale), **result.as_dict()}


def report_csi(
    table: Table, *, instrument: InstrumentRef = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.csi import csi_from_totals

    inst = _instrument(instrument)
    pairs, used, totals, _groups = _paired_totals(table, "csi", inst, scale)
    return csi_report(csi_from_totals(totals, pairs.items, top=used[1]), used)


def csi_report(result: Any, scale: Scale) -> dict[str, Any]:
    return {"method": "csi", "scale": list(scale), **result.as_dict()}


def report_nps(
    table: Table,
    *,
    column: str = "nps",
    scale: Scale | None = None,
    interval: str = "adjusted-wald",
) -> dict[str, Any]:
    from prima.metrics.nps import nps_from_counts

    low, high = _scale("nps", scale)
    promoters = passives = detractors = 0
    for scores, _rows in table.chunks([column], low=low, high=high):
        answered = scores[~np.isnan(scores)]
        promoters += int((answered >= 9).sum())
        passives += int(((answered >= 7) & (answered < 9)).sum())
        detractors += int((answered <= 6).sum())
    result = nps_from_counts(promoters, passives, detractors, method=interval)  # type: ignore[arg-type]
    return nps_report(result, column)


def nps_report(result: Any, column: str = "nps") -> dict[str, Any]:
    return {"method": "nps", "column": column, **result.as_dict()}


def report_alpha(
    table: Table, *, items: list[str] | None = None, scale: Scale | None = None
) -> dict[str, Any]:
    from prima.metrics.reliability import reliability_from_sums, reliability_sums

    columns = resolve_item_columns(table, items) if items else default_alpha_columns(table)
    low, high = _scale("alpha", scale)
    totals = None
    for data, _rows in table.chunks(columns, low=low, high=high):
        part = reliability_sums(data)
        totals = part if totals is None else totals + part
    if totals is None:  # pragma: no cover - a table without rows raises no_rows first
        totals = reliability_sums(np.empty((0, len(columns))))
    result = reliability_from_sums(totals, columns)
    return {"method": "alpha", "scale": [low, high], **result.as_dict()}


RATER_PREFIX = "R."
AGREEMENT_METHODS = ("cohen", "fleiss", "icc", "krippendorff")


def rater_columns(table: Table) -> list[str]:
    """The rater columns ``R.<rater>`` of a table, in file order."""
    return [name for name in table.header if name.startswith(RATER_PREFIX)]


def report_agreement(
    table: Table, *, method: str, level: str | None = None, weights: str | None = None
) -> dict[str, Any]:
    """``prima analyze agreement``: one row per rated subject, one ``R.<rater>`` column per
    rater, a blank cell "not rated", other columns ignored (issue 13). The JSON object of each
    method is the ``as_dict()`` of :mod:`prima.metrics.agreement`'s result."""
    from prima.metrics.agreement import (
        AgreementError,
        cohen_kappa,
        fleiss_kappa,
        icc,
        krippendorff_alpha,
    )

    if method not in AGREEMENT_METHODS:
        raise InputError(
            "bad_option", detail=f"--method must be one of {', '.join(AGREEMENT_METHODS)}"
        )
    if level is not None and method != "krippendorff":
        raise InputError("bad_option", detail="--level applies to --method krippendorff only")
    if weights is not None and method != "cohen":
        raise InputError("bad_option", detail="--weights applies to --method cohen only")
    raters = rater_columns(table)
    if len(raters) < 2:
        column = raters[0] if raters else f"{RATER_PREFIX}<rater>"
        raise InputError("too_few_rater_columns", file=table.source, row=1, column=column)
    if method == "cohen" and len(raters) > 2:
        raise InputError("cohen_two_raters", file=table.source, row=1, column=raters[2])
    data = table.numbers(raters, whole=False)
    if level == "ratio" and bool((data < 0).any()):  # NaN compares False
        i, j = (int(v[0]) for v in np.nonzero(data < 0))
        raise InputError(
            "negative_ratio",
            file=table.source,
            row=table.row_number(i),
            column=raters[j],
            value=fmt_number(float(data[i, j])),
        )
    try:
        if method == "cohen":
            return cohen_kappa(data[:, 0], data[:, 1], weights).as_dict()
        if method == "fleiss":
            return fleiss_kappa(data).as_dict()
        if method == "icc":
            return icc(data).as_dict()
        return krippendorff_alpha(data, level or "nominal").as_dict()
    except AgreementError as exc:
        raise InputError(f"agreement_{exc.key}", file=table.source, **exc.params) from exc


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


TEXT_COLUMNS = ("suggestion", "saran")


def report_text(
    table: Table, *, column: str | None = None, include_flagged: bool = False
) -> dict[str, Any]:
    """``prima analyze text``: each remark of a text column labelled by :mod:`prima.remarks`.

    The column is ``column`` when given, else ``suggestion``, else ``saran`` (issue 14's
    public contract). JSON: ``{n, blank, rows: [{row, unsur, a6, sentiment, confidence}],
    summary: {unsur: {U1..U9: {n, positif, negatif, netral}}, a6: {<A>: {...}}, sentiment:
    {positif, negatif, netral}}}``: ``row`` is the spreadsheet row (the first data row is 2),
    ``n`` the number of labelled (non-blank) texts, ``blank`` the number of blank ones (left
    out of ``rows``), ``confidence`` the probability of each of the three labels. Rows whose
    ``flag`` column is filled (suspect responses in a Prima export) are left out unless
    ``include_flagged``, and counted in ``notes``.
    """
    from prima import remarks
    from prima.tabular.xlsx_reader import BadCell

    if column is None:
        column = next((c for c in TEXT_COLUMNS if table.has(c)), TEXT_COLUMNS[0])
    table.require([column])
    j = table.header.index(column)
    flag = table.header.index("flag") if table.has("flag") and not include_flagged else None
    rows: list[dict[str, Any]] = []
    labels: list[remarks.Label] = []
    blank = dropped = 0
    for number, cells in table.cells():
        if flag is not None and flag < len(cells) and not _blank_cell(cells[flag]):
            dropped += 1
            continue
        cell = cells[j] if j < len(cells) else None
        if isinstance(cell, BadCell):
            raise cell.error(table.source, number, column)
        text = "" if cell is None else str(cell)
        if not text.strip():
            blank += 1
            continue
        label = remarks.classify(text)
        labels.append(label)
        rows.append({"row": number, **label.as_dict()})
    result: dict[str, Any] = {
        "n": len(rows),
        "blank": blank,
        "rows": rows,
        "summary": remarks.summarise(labels),
    }
    if dropped:
        result["notes"] = [
            f"{dropped} rows flagged as suspect (column flag) left out; "
            "--include-flagged counts them"
        ]
    return result


def _blank_cell(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
