"""A streaming XLSX writer for large tables of plain values (what an export holds).

Rows go straight into the sheet's part of the zip file as they come, so memory stays flat for
any number of rows. Cells: ``int``/``float``/``Decimal`` as numbers, ``bool`` as a boolean,
``str`` as inline text (characters XML cannot hold are dropped, as openpyxl does), ``datetime``
as an Excel date (local wall time, ``yyyy-mm-dd h:mm:ss``), ``None`` as no cell.

Why not openpyxl's write-only mode or XlsxWriter's constant-memory mode: both build and write
objects cell by cell and managed about 2,500 and 4,000 rows a second on the export's 26 columns
(issue 9 asks for 20,000); this writer formats a whole row in one pass. Its files are read back
by openpyxl and calamine in the tests.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE_FORMAT = "yyyy-mm-dd h:mm:ss"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def get_column_letter(index: int) -> str:
    """A spreadsheet column's letters, 1-based: ``1`` is ``A``, ``27`` is ``AA``.

    >>> get_column_letter(1), get_column_letter(26), get_column_letter(27), get_column_letter(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_TO_EXCEL: list[Any] = []


def to_excel(value: date | datetime) -> Any:
    """openpyxl's Excel serial number of a date (imported on the first date: openpyxl takes
    a quarter of a second to import, which every process that loads this module would pay)."""
    if not _TO_EXCEL:
        from openpyxl.utils.datetime import to_excel as convert

        _TO_EXCEL.append(convert)
    return _TO_EXCEL[0](value)


def _escape(text: str) -> str:
    text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


_NONE = type(None)
_TEMPLATES = 512  # row templates kept (one per pattern of cell types)
_Plan = tuple[str | None, tuple[int, ...], tuple[int, ...], tuple[int, ...]]
_EPOCH = datetime(1899, 12, 30)


def _serial(value: datetime) -> float:
    """The Excel serial number of a datetime (wall time; any zone dropped), computed as
    openpyxl's ``to_excel`` computes it, to the last bit.

    >>> from openpyxl.utils.datetime import to_excel
    >>> moments = [datetime(2025, 12, 6, 10, 3, 35, 123456), datetime(1900, 2, 10, 23, 59, 59)]
    >>> [_serial(m) == to_excel(m) for m in moments]
    [True, True]
    """
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    days = (value - _EPOCH).days
    if 0 < days <= 60:
        days -= 1
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6
    return days + seconds / 86400


def _other_cell(ref: str, value: Any) -> str:
    """A cell that is neither ``int`` nor ``str`` (nor ``None``)."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime | date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return f'<c r="{ref}" s="1"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, str):
        text = _escape(str(value))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, int | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    raise TypeError(f"xlsx cell {ref}: cannot write {type(value).__name__}")


class SheetWriter:
    """One sheet being written: :meth:`append` a row, or :meth:`extend` with many."""

    def __init__(self, part: IO[bytes]) -> None:
        self._part = part
        self._rows = 0
        self._letters: list[str] = []
        self._templates: dict[tuple[type, ...], _Plan] = {}
        part.write(f'{_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())

    @property
    def rows(self) -> int:
        return self._rows

    def _rows_xml(self, rows: Iterable[Sequence[Any]]) -> str:
        """The ``<row>`` elements of ``rows``, numbered on from the rows written so far.

        A row is written through the template of its cells' types (:meth:`_template`: one
        ``str.format`` for the whole row) when its text needs no escaping and holds no empty
        text; any other row cell by cell (:meth:`_row_cells`), with the same result."""
        templates = self._templates
        search = _SPECIAL.search
        out: list[str] = []
        append = out.append
        number = self._rows
        for row in rows:
            number += 1
            kinds = tuple(map(type, row))
            plan = templates.get(kinds)
            if plan is None:
                plan = self._template(kinds)
            template, present, texts, dates = plan
            if template is not None:
                if texts:
                    strings = [row[j] for j in texts]
                    if "" in strings or search("\n".join(strings)) is not None:
                        append(self._row_cells(row, number))
                        continue
                values = [row[j] for j in present]
                for at in dates:
                    values[at] = _serial(values[at])
                append(template.format(number, *values))
            else:
                append(self._row_cells(row, number))
        self._rows = number
        return "".join(out)

    def _template(self, kinds: tuple[type, ...]) -> _Plan:
        """The format of a row whose cells have the types ``kinds`` (None when a type has
        none: the row goes cell by cell), the columns it takes values from, which of those
        are text (checked before) and which datetimes (made Excel serial numbers)."""
        letters = self._letters
        if len(kinds) > len(letters):
            letters.extend(get_column_letter(i + 1) for i in range(len(letters), len(kinds)))
        parts = ['<row r="{0}">']
        present: list[int] = []
        texts: list[int] = []
        dates: list[int] = []
        plan: _Plan
        for j, (letter, kind) in enumerate(zip(letters, kinds, strict=False)):
            if kind is _NONE:
                continue
            slot = len(present) + 1
            if kind is int:
                parts.append(f'<c r="{letter}{{0}}"><v>{{{slot}}}</v></c>')
            elif kind is str:
                texts.append(j)
                parts.append(
                    f'<c r="{letter}{{0}}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{{{slot}}}</t></is></c>"
                )
            elif kind is float:
                parts.append(f'<c r="{letter}{{0}}"><v>{{{slot}!r}}</v></c>')
            elif kind is datetime:
                dates.append(len(present))
                parts.append(f'<c r="{letter}{{0}}" s="1"><v>{{{slot}!r}}</v></c>')
            else:  # bool, date, Decimal, subclasses...: cell by cell
                plan = (None, (), (), ())
                break
            present.append(j)
        else:
            parts.append("</row>")
            plan = ("".join(parts), tuple(present), tuple(texts), tuple(dates))
        if len(self._templates) >= _TEMPLATES:
            self._templates.clear()
        self._templates[kinds] = plan
        return plan

    def _row_cells(self, row: Sequence[Any], number: int) -> str:
        """One ``<row>`` written cell by cell (any values)."""
        letters = self._letters
        if len(row) > len(letters):
            letters.extend(get_column_letter(i + 1) for i in range(len(letters), len(row)))
        r = str(number)
        out = [f'<row r="{r}">']
        append = out.append
        search = _SPECIAL.search
        for letter, value in zip(letters, row, strict=False):
            if value is None:
                continue
            kind = value.__class__
            if kind is int:
                append(f'<c r="{letter}{r}"><v>{value}</v></c>')
            elif kind is str:
                if value:
                    if search(value) is not None:
                        value = _escape(value)
                    append(
                        f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">'
                        f"{value}</t></is></c>"
                    )
            else:
                append(_other_cell(f"{letter}{r}", value))
        append("</row>")
        return "".join(out)

    def append(self, row: Sequence[Any]) -> None:
        self._part.write(self._rows_xml([row]).encode("utf-8"))

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        self._part.write(self._rows_xml(rows).encode("utf-8"))

    def close(self) -> None:
        self._part.write(b"</sheetData></worksheet>")
        self._part.close()


class XlsxStream:
    """A workbook written sheet after sheet: ``sheet = book.add_sheet(name)``, append rows,
    then the next sheet (the previous one is closed), then :meth:`close`."""

    def __init__(self, target: str | Path | IO[bytes], *, compresslevel: int = 1) -> None:
        self._zip = zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self._names: list[str] = []
        self._sheet: SheetWriter | None = None

    def add_sheet(self, name: str) -> SheetWriter:
        if len(name) > 31 or any(c in name for c in "[]:*?/\\") or name in self._names:
            raise ValueError(f"invalid or repeated sheet name {name!r}")
        if self._sheet is not None:
            self._sheet.close()
        self._names.append(name)
        part = self._zip.open(f"xl/worksheets/sheet{len(self._names)}.xml", "w", force_zip64=True)
        self._sheet = SheetWriter(part)
        return self._sheet

    def close(self) -> None:
        if self._sheet is not None:
            self._sheet.close()
            self._sheet = None
        if not self._names:
            self.add_sheet("Sheet1").close()
            self._sheet = None
        n = len(self._names)
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        self._zip.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>',
        )
        self._zip.writestr(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._names, 1)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{entries}</sheets>'
            "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{PKG_REL_NS}">{rels}<Relationship Id="rId{n + 1}" '
            f'Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
        )
        self._zip.writestr(
            "xl/styles.xml",
            f'{_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>",
        )
        self._zip.close()
