"""User-facing messages of the command line, in Bahasa Indonesia (first) and English.

The language comes from ``--lang`` or the ``PRIMA_LANG`` environment variable (default ``id``).
The web application uses Django's translation machinery instead.
"""

from __future__ import annotations

import os
from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "file_not_found": {"id": "berkas tidak ditemukan", "en": "file not found"},
    "file_unreadable": {
        "id": "berkas tidak dapat dibaca ({detail})",
        "en": "cannot read the file ({detail})",
    },
    "file_empty": {"id": "berkas kosong", "en": "the file is empty"},
    "no_rows": {
        "id": "berkas hanya berisi baris judul, tidak ada data responden",
        "en": "the file has a header row but no respondents",
    },
    "bad_xlsx": {
        "id": "bukan buku kerja XLSX yang dapat dibaca ({detail})",
        "en": "not a readable XLSX workbook ({detail})",
    },
    "no_sheet": {
        "id": 'lembar "{sheet}" tidak ada; lembar yang tersedia: {sheets}',
        "en": 'there is no sheet "{sheet}"; the sheets are: {sheets}',
    },
    "too_many_columns": {
        "id": "{count} kolom; paling banyak {limit} kolom",
        "en": "{count} columns; at most {limit} columns",
    },
    "too_many_rows": {
        "id": "lebih dari {limit} baris",
        "en": "more than {limit} rows",
    },
    "too_many_rows_sheet": {
        "id": "lembar melewati batas Excel {limit} baris",
        "en": "the sheet goes past Excel's limit of {limit} rows",
    },
    "too_many_cells": {
        "id": "lembar berisi lebih dari {limit} sel",
        "en": "the sheet holds more than {limit} cells",
    },
    "field_too_long": {
        "id": "isi sel lebih dari {limit} karakter",
        "en": "the cell holds more than {limit} characters",
    },
    "record_too_long": {
        "id": "baris lebih dari {limit} bita (tanda kutip tidak ditutup?)",
        "en": "the row is longer than {limit} bytes (a quote left open?)",
    },
    "row_too_large": {
        "id": "baris lembar kerja lebih dari {limit} XML",
        "en": "a worksheet row holds more than {limit} of XML",
    },
    "xlsx_part_too_large": {
        "id": "bagian {part} berukuran {size} setelah diekstrak (batas {limit}); "
        "simpan sebagai CSV",
        "en": "part {part} is {size} uncompressed (limit {limit}); save it as CSV",
    },
    "cell_error": {
        "id": 'sel berisi galat "{value}" (lembar "{sheet}")',
        "en": 'the cell holds the error "{value}" (sheet "{sheet}")',
    },
    "formula_no_value": {
        "id": 'sel berisi rumus tanpa nilai tersimpan (lembar "{sheet}"); '
        "buka dan simpan ulang berkas di Excel atau LibreOffice",
        "en": 'the cell holds a formula without a stored value (sheet "{sheet}"); '
        "open and save the file again in Excel or LibreOffice",
    },
    "bad_csv": {"id": "CSV tidak valid ({detail})", "en": "invalid CSV ({detail})"},
    "missing_column": {"id": "kolom tidak ditemukan", "en": "column not found"},
    "missing_columns": {
        "id": "kolom tidak ditemukan (diperlukan: {needed})",
        "en": "column not found (needed: {needed})",
    },
    "duplicate_column": {
        "id": "nama kolom muncul lebih dari sekali",
        "en": "the column name appears more than once",
    },
    "not_a_number": {"id": 'nilai "{value}" bukan angka', "en": 'value "{value}" is not a number'},
    "not_whole": {
        "id": 'nilai "{value}" bukan bilangan bulat',
        "en": 'value "{value}" is not a whole number',
    },
    "out_of_scale": {
        "id": 'nilai "{value}" di luar skala {low}-{high}',
        "en": 'value "{value}" is outside the scale {low}-{high}',
    },
    "no_paired_columns": {
        "id": "tidak ada pasangan kolom X.harapan dan X.kinerja",
        "en": "no pair of columns X.harapan and X.kinerja",
    },
    "half_pair": {
        "id": "kolom {present} ada tetapi pasangannya ({missing}) tidak ada",
        "en": "column {present} is present but its pair ({missing}) is not",
    },
    "no_ikm_columns": {
        "id": "kolom unsur U1..U9 (atau U1..U14) tidak ditemukan",
        "en": "the unsur columns U1..U9 (or U1..U14) were not found",
    },
    "weights": {"id": "bobot SERVQUAL: {detail}", "en": "SERVQUAL weights: {detail}"},
    "weights_sum": {
        "id": "jumlah bobot {total}, bukan 100",
        "en": "weights sum to {total}, not 100",
    },
    "weights_blank": {
        "id": "sebagian bobot dimensi kosong",
        "en": "some dimension weights are blank",
    },
    "weights_negative": {
        "id": "ada bobot dimensi yang negatif",
        "en": "a dimension weight is negative",
    },
    "weights_missing": {
        "id": "kolom bobot untuk dimensi {dimensions} tidak ada",
        "en": "no weight column for dimension(s) {dimensions}",
    },
    "instrument": {"id": "instrumen {detail}", "en": "instrument {detail}"},
    "instrument_kind": {
        "id": 'instrumen "{name}" bukan jenis yang cocok untuk analisis ini ({kind})',
        "en": 'instrument "{name}" is not of a kind this analysis can use ({kind})',
    },
    "servqual_dimensions": {
        "id": "SERVQUAL memerlukan instrumen dengan dimensi",
        "en": "SERVQUAL needs an instrument that groups items into dimensions",
    },
    "bad_scale": {
        "id": 'skala "{value}" tidak valid; tulis MIN-MAX, misalnya 1-5',
        "en": 'scale "{value}" is not valid; write MIN-MAX, e.g. 1-5',
    },
    "bad_option": {"id": "{detail}", "en": "{detail}"},
}


def language(explicit: str | None = None) -> str:
    lang = (explicit or os.environ.get("PRIMA_LANG") or "id").lower()[:2]
    return lang if lang in ("id", "en") else "id"


def message(key: str, lang: str = "id", **params: Any) -> str:
    return MESSAGES[key][language(lang)].format(**params)
