"""User-facing messages of the command line and of the file reader.

Each message is an English msgid in the gettext catalogue (``prima/locale``); Bahasa Indonesia
comes from the catalogue. The language comes from ``--lang`` or the ``PRIMA_LANG`` environment
variable (default ``id``); the web application passes the active language. Read through
:mod:`prima.i18n`, so the command line does not need Django.
"""

from __future__ import annotations

import os
from typing import Any

from prima import i18n
from prima.i18n import gettext_noop

MESSAGES: dict[str, str] = {
    # where a problem is: "survei.csv, row 3, column nps: ..."
    "where_row": gettext_noop("row {row}"),
    "where_column": gettext_noop("column {column}"),
    "file_not_found": gettext_noop("file not found"),
    "file_unreadable": gettext_noop("cannot read the file ({detail})"),
    "file_empty": gettext_noop("the file is empty"),
    "no_rows": gettext_noop("the file has a header row but no respondents"),
    "bad_xlsx": gettext_noop("not a readable XLSX workbook ({detail})"),
    "no_sheet": gettext_noop('there is no sheet "{sheet}"; the sheets are: {sheets}'),
    "too_many_columns": gettext_noop("{count} columns; at most {limit} columns"),
    "too_many_rows": gettext_noop("more than {limit} rows"),
    "too_many_rows_sheet": gettext_noop("the sheet goes past Excel's limit of {limit} rows"),
    "too_many_cells": gettext_noop("the sheet holds more than {limit} cells"),
    "field_too_long": gettext_noop("the cell holds more than {limit} characters"),
    "record_too_long": gettext_noop("the row is longer than {limit} bytes (a quote left open?)"),
    "row_too_large": gettext_noop("a worksheet row holds more than {limit} of XML"),
    "xlsx_part_too_large": gettext_noop(
        "part {part} is {size} uncompressed (limit {limit}); save it as CSV"
    ),
    "cell_error": gettext_noop('the cell holds the error "{value}" (sheet "{sheet}")'),
    "formula_no_value": gettext_noop(
        'the cell holds a formula without a stored value (sheet "{sheet}"); open and save the file again in Excel or LibreOffice'
    ),
    "bad_csv": gettext_noop("invalid CSV ({detail})"),
    "missing_column": gettext_noop("column not found"),
    "missing_columns": gettext_noop("column not found (needed: {needed})"),
    "duplicate_column": gettext_noop("the column name appears more than once"),
    "not_a_number": gettext_noop('value "{value}" is not a number'),
    "not_whole": gettext_noop('value "{value}" is not a whole number'),
    "out_of_scale": gettext_noop('value "{value}" is outside the scale {low}-{high}'),
    "no_paired_columns": gettext_noop("no pair of columns X.harapan and X.kinerja"),
    "half_pair": gettext_noop("column {present} is present but its pair ({missing}) is not"),
    "no_ikm_columns": gettext_noop("the unsur columns U1..U9 (or U1..U14) were not found"),
    "weights": gettext_noop("SERVQUAL weights: {detail}"),
    "weights_sum": gettext_noop("weights sum to {total}, not 100"),
    "weights_blank": gettext_noop("some dimension weights are blank"),
    "weights_negative": gettext_noop("a dimension weight is negative"),
    "weights_missing": gettext_noop("no weight column for dimension(s) {dimensions}"),
    "instrument": gettext_noop("instrument {detail}"),
    "instrument_kind": gettext_noop(
        'instrument "{name}" is not of a kind this analysis can use ({kind})'
    ),
    "servqual_dimensions": gettext_noop(
        "SERVQUAL needs an instrument that groups items into dimensions"
    ),
    "bad_scale": gettext_noop('scale "{value}" is not valid; write MIN-MAX, e.g. 1-5'),
    "bad_option": gettext_noop("{detail}"),
    # prima analyze agreement (issue 13)
    "too_few_rater_columns": gettext_noop(
        "at least two rater columns R.<rater> are needed (R.supervisor, R.mystery1)"
    ),
    "cohen_two_raters": gettext_noop(
        "Cohen's kappa takes exactly two rater columns R.<rater>; use --method fleiss, icc or "
        "krippendorff for more"
    ),
    "agreement_too_few_subjects": gettext_noop(
        "agreement cannot be computed: fewer than 2 subjects rated by enough raters"
    ),
    "agreement_too_few_raters": gettext_noop("agreement cannot be computed: fewer than 2 raters"),
    "agreement_one_category": gettext_noop(
        "agreement cannot be computed: every rating falls in one and the same category"
    ),
    "agreement_no_variance": gettext_noop("agreement cannot be computed: the ratings do not vary"),
    "agreement_no_subject_variance": gettext_noop(
        "agreement cannot be computed: every subject has the same mean rating (ICC undefined)"
    ),
    "agreement_negative_ratio": gettext_noop(
        "a ratio-level rating cannot be negative ({value}); use --level interval"
    ),
    "negative_ratio": gettext_noop(
        'value "{value}" is negative: ratio-level ratings cannot be; use --level interval'
    ),
}


def language(explicit: str | None = None) -> str:
    """``id`` or ``en``: the explicit choice, else ``PRIMA_LANG``, else Indonesian."""
    return i18n.normalize_language(explicit or os.environ.get("PRIMA_LANG"))


def message(key: str, lang: str = "id", **params: Any) -> str:
    """The message ``key`` in ``lang`` with its ``{placeholders}`` filled in."""
    return i18n.gettext(MESSAGES[key], language(lang)).format(**params)
