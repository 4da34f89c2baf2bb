"""Size limits applied while a file is read, so that memory stays bounded for any input."""

from __future__ import annotations

from dataclasses import dataclass

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """What a file may hold; every limit is checked as the file is read, never after loading.

    ``max_rows``: respondent rows (None: no limit; the web import sets one).
    ``max_columns``: columns of the header and of any row.
    ``max_field_chars``: characters of one CSV field or XLSX cell (32,767 is Excel's own
    limit; a CSV record may not be longer than ``max_record_bytes``).
    ``max_cells``: cells of an XLSX sheet, blank ones inside a row included.
    ``max_part_bytes``: uncompressed size of every XLSX part other than the worksheets, read
    from the zip directory before anything is parsed; ``max_shared_strings_bytes`` for the
    shared-strings table (loaded whole by every XLSX reader).
    ``max_row_xml_bytes``: XML of one worksheet row (a row is parsed as one element).
    """

    max_rows: int | None = None
    max_columns: int = 1024
    max_field_chars: int = 131_072
    max_record_bytes: int = 4 << 20
    max_cells: int = 60_000_000
    max_part_bytes: int = 16 << 20
    max_shared_strings_bytes: int = 16 << 20
    max_row_xml_bytes: int = 2 << 20


DEFAULT_LIMITS = Limits()
