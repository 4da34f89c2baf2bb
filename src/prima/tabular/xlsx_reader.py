"""Streaming XLSX reading through openpyxl's worksheet parser, one row at a time.

Before anything is parsed, the zip directory gives every part's uncompressed size (a zip
member never yields more than its recorded size): parts other than worksheets, the
shared-strings table included (every reader loads it whole), must stay under the limits.
The worksheet is then streamed row by row by :class:`openpyxl.worksheet._reader.WorkSheetParser`
(what openpyxl's read-only mode uses), fed through a counter that stops a single row whose XML
grows past a limit; rows, columns and cells are counted as they come.

Cells: a formula's cached value is read as the value; a formula without a cached value and an
error value (``#DIV/0!``, ``#N/A``...) come back as :class:`BadCell`, so that the caller names
the file, sheet, row and column.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prima.tabular.errors import InputError, clip
from prima.tabular.limits import EXCEL_MAX_ROWS, Limits

ROWS_PER_BLOCK = 4096


@dataclass(frozen=True)
class BadCell:
    """A cell that holds no usable value: ``key`` is a message key, ``value`` what it shows."""

    key: str
    value: str
    sheet: str

    def error(self, file: str, row: int, column: str) -> InputError:
        return InputError(
            self.key, file=file, row=row, column=column, value=self.value, sheet=self.sheet
        )


class _RowTooLarge(Exception):
    pass


class _Counted:
    """A zip member read through a byte counter that the reader resets after every row."""

    def __init__(self, raw: Any, limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.since_row = 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.raw.read(size)
        self.since_row += len(data)
        if self.since_row > self.limit:
            raise _RowTooLarge
        return data

    def close(self) -> None:
        self.raw.close()


def _parser_class() -> Any:
    from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    formula_tag = f"{{{SHEET_MAIN_NS}}}f"

    class CellParser(WorkSheetParser):  # type: ignore[misc]
        """openpyxl's parser with cached values (data only), marking formulas without one.

        :meth:`parse` yields the rows only (what a reader of answers needs) and, unlike
        openpyxl's, lets go of every row it has read: openpyxl clears a row element but leaves
        it in ``sheetData`` and keeps each row's attributes, about 70 bytes per row for good.
        """

        def parse(self) -> Any:
            data = None
            for event, element in iterparse(self.source, events=("start", "end")):
                if event == "start":
                    if element.tag == DATA_TAG:
                        data = element
                    continue
                if element.tag == ROW_TAG:
                    row = self.parse_row(element)
                    element.clear()
                    if data is not None:
                        data.clear()
                    self.row_dimensions.clear()
                    yield row

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None and element.find(formula_tag) is not None:
                cell["data_type"] = "formula"
            return cell

    return CellParser


@dataclass
class CellBlock:
    rows: list[list[Any]]
    numbers: list[int]

    @property
    def size(self) -> int:
        return len(self.rows)


def _present(cell: Any) -> bool:
    return not (cell is None or (isinstance(cell, str) and not cell.strip()))


class XlsxSource:
    """An XLSX sheet opened for streaming: header read at once, rows on each :meth:`blocks`."""

    def __init__(self, path: Path, source: str, sheet: str | None, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        try:
            self._check_parts()
            self._open_book()
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                "bad_xlsx", file=source, detail=clip(str(exc) or type(exc).__name__, 120)
            ) from None
        names = [name for name, _ in self.sheets]
        if not names:
            raise InputError("bad_xlsx", file=source, detail="no worksheet")
        if sheet is not None and sheet not in names:
            raise InputError("no_sheet", file=source, sheet=sheet, sheets=", ".join(names))
        self.sheet = sheet if sheet is not None else names[0]
        self.part = dict(self.sheets)[self.sheet]
        self.label = f"{source} [{self.sheet}]" if sheet is not None else source
        self.source = source
        header: list[str] | None = None
        for number, row in self._rows():
            if any(_present(c) for c in row):
                header = [self._header_cell(c) for c in row]
                self.header_row = number
                break
        if header is None:
            raise InputError("file_empty", file=self.label)
        while header and not header[-1]:
            header.pop()
        self.header = header
        if not any(True for _ in self._data_rows(limit=1)):
            raise InputError("no_rows", file=self.label)

    @staticmethod
    def _header_cell(cell: Any) -> str:
        if isinstance(cell, BadCell):
            return cell.value
        return str(cell).strip() if _present(cell) else ""

    def _check_parts(self) -> None:
        limits = self.limits
        with zipfile.ZipFile(self.path) as archive:
            infos = archive.infolist()
            if len(infos) > 10_000:
                raise InputError("bad_xlsx", file=str(self.path), detail="too many parts")
            for info in infos:
                name = info.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    continue  # streamed row by row
                limit = (
                    limits.max_shared_strings_bytes
                    if name.lower().endswith("sharedstrings.xml")
                    else limits.max_part_bytes
                )
                if info.file_size > limit and not name.startswith("xl/media/"):
                    raise InputError(
                        "xlsx_part_too_large",
                        file=str(self.path),
                        part=name,
                        size=_mb(info.file_size),
                        limit=_mb(limit),
                    )

    def _open_book(self) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(open(self.path, "rb"), read_only=True, data_only=True)  # noqa: SIM115
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        self._reader = reader
        self.sheets: list[tuple[str, str]] = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]

    def close(self) -> None:
        self._reader.archive.close()

    # -- rows --------------------------------------------------------------------------------
    def _rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Every row of the sheet with its spreadsheet number (rows of blank cells included)."""
        limits = self.limits
        reader = self._reader
        wb = reader.wb
        stream = _Counted(reader.archive.open(self.part), limits.max_row_xml_bytes)
        parser = _parser_class()(
            stream,
            reader.shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        cells_seen = 0
        number = 0
        label = getattr(self, "label", self.source if hasattr(self, "source") else str(self.path))
        try:
            for number, cells in parser.parse():
                stream.since_row = 0
                if number > EXCEL_MAX_ROWS:
                    raise InputError(
                        "too_many_rows_sheet", file=label, row=number, limit=EXCEL_MAX_ROWS
                    )
                width = cells[-1]["column"] if cells else 0
                if width > limits.max_columns:
                    raise InputError(
                        "too_many_columns",
                        file=label,
                        row=number,
                        count=width,
                        limit=limits.max_columns,
                    )
                cells_seen += width
                if cells_seen > limits.max_cells:
                    raise InputError(
                        "too_many_cells", file=label, row=number, limit=limits.max_cells
                    )
                row: list[Any] = [None] * width
                for cell in cells:
                    row[cell["column"] - 1] = self._value(cell, label, number)
                yield number, row
        except _RowTooLarge:
            raise InputError(
                "row_too_large", file=label, row=number + 1, limit=_mb(limits.max_row_xml_bytes)
            ) from None
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                "bad_xlsx",
                file=label,
                row=number + 1 if number else None,
                detail=clip(str(exc) or type(exc).__name__, 120),
            ) from None
        finally:
            stream.close()

    def _value(self, cell: dict[str, Any], label: str, number: int) -> Any:
        value = cell["value"]
        kind = cell["data_type"]
        sheet = getattr(self, "sheet", "")
        if kind == "e":
            return BadCell("cell_error", str(value), sheet)
        if kind == "formula":
            return BadCell("formula_no_value", "", sheet)
        if isinstance(value, str):
            if len(value) > self.limits.max_field_chars:
                from openpyxl.utils import get_column_letter

                raise InputError(
                    "field_too_long",
                    file=label,
                    row=number,
                    column=get_column_letter(cell["column"]),
                    limit=self.limits.max_field_chars,
                )
            return value if value.strip() else None
        return value

    def _data_rows(self, limit: int | None = None) -> Iterator[tuple[int, list[Any]]]:
        seen = 0
        for number, row in self._rows():
            if number <= self.header_row:
                continue
            if not any(_present(c) for c in row):
                continue
            yield number, row
            seen += 1
            if limit is not None and seen >= limit:
                return

    def blocks(self, *, split: bool = True) -> Iterator[CellBlock]:
        """The data rows (after the header, blank rows skipped) in blocks."""
        rows: list[list[Any]] = []
        numbers: list[int] = []
        for number, row in self._data_rows():
            rows.append(row)
            numbers.append(number)
            if len(rows) >= ROWS_PER_BLOCK:
                yield CellBlock(rows, numbers)
                rows, numbers = [], []
        if rows:
            yield CellBlock(rows, numbers)


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"
