"""Reading survey answers from CSV and XLSX files into NumPy arrays.

One row per respondent, a header row naming the columns; other columns are ignored.
CSV: UTF-8 with or without BOM (cp1252 accepted), comma, semicolon or tab separated (as
Indonesian Excel writes), with ``;`` files allowed to use the decimal comma. XLSX through
python-calamine, ``sheet`` picking one.

Every problem is an :class:`InputError` naming the file, the row (as a spreadsheet shows it: the
header is row 1) and the column. Answers come back as ``float64`` with ``NaN`` for a blank.

Speed: a CSV without quotes (what survey tools and Excel write for numeric answers) is split
with vectorised NumPy on the raw bytes, in chunks, so a million respondents take a fraction of a
second; any other CSV goes through the standard :mod:`csv` module.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prima.messages import message

CHUNK_BYTES = 1 << 20  # small chunks keep the scratch arrays in reused memory
NEWLINE = 10
CR = 13


class InputError(Exception):
    """Bad input: names what is wrong and where (file, row, column)."""

    def __init__(
        self,
        key: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        **params: Any,
    ) -> None:
        self.key = key
        self.file = file
        self.row = row
        self.column = column
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        where: list[str] = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"{'baris' if lang == 'id' else 'row'} {self.row}")
        if self.column is not None:
            where.append(f"{'kolom' if lang == 'id' else 'column'} {self.column}")
        text = message(self.key, lang, **self.params)
        return f"{', '.join(where)}: {text}" if where else text


class _NotSimple(Exception):
    """The CSV needs the full parser (quotes, blank lines or ragged rows)."""


@dataclass
class Table:
    """A header and a way to get numeric columns, with row numbers for errors."""

    source: str
    header: list[str]
    n_rows: int
    _rows: list[list[Any]] | None = None  # parsed cells (slow CSV path, XLSX)
    _row_numbers: list[int] | None = None  # file row of each respondent (slow path)
    _raw: bytes | None = None  # fast CSV path
    _body_start: int = 0
    _delimiter: int = ord(",")
    _decimal_comma: bool = False
    _index: dict[str, int] = field(default_factory=dict)
    _parsed_text: bool = False
    _kept: NDArray[np.intp] | None = None  # rows left after drop_flagged()
    dropped: int = 0

    def __post_init__(self) -> None:
        for j, name in enumerate(self.header):
            self._index.setdefault(name, j)

    def has(self, name: str) -> bool:
        return name in self._index

    def cells(self) -> Iterator[tuple[int, list[Any]]]:
        """Every respondent's row of cells with its spreadsheet row number (header = row 1).

        A cell is ``None`` when blank, else as read: text from a CSV; text, a number, a date or
        a time from an XLSX. Rows may be shorter than the header. Meant for imports that need
        text columns too; :meth:`numbers` stays the fast way to the answers.
        """
        if self._raw is not None:
            self._use_full_parser()
        for i, row in enumerate(self._rows or []):
            yield self._file_row(i), row

    def row_number(self, i: int) -> int:
        """The spreadsheet row of respondent ``i`` of :meth:`numbers` (header = row 1)."""
        if self._kept is not None:
            i = int(self._kept[i])
        return self._file_row(i)

    def _file_row(self, i: int) -> int:
        if self._row_numbers is not None:
            return self._row_numbers[i]
        return i + 2

    def drop_flagged(self, column: str = "flag") -> int:
        """Leave out rows whose ``column`` is not blank (responses flagged as suspect in a
        Prima export); returns how many. No such column: nothing changes."""
        if not self.has(column):
            return 0
        j = self._index[column]
        lengths: NDArray[np.intp] | None = None
        if self._raw is not None:
            try:
                lengths = self._fast_lengths(j)
            except _NotSimple:
                self._use_full_parser()
        if lengths is None:
            rows = self._rows or []
            blank = np.array([_blank(row[j] if j < len(row) else None) for row in rows], dtype=bool)
        else:
            blank = lengths == 0
        self._kept = np.flatnonzero(blank)
        self.dropped = int(blank.size - self._kept.size)
        return self.dropped

    def require(self, names: Sequence[str]) -> None:
        for name in names:
            if name not in self._index:
                raise InputError("missing_column", file=self.source, row=1, column=name)
            if self.header.count(name) > 1:
                raise InputError("duplicate_column", file=self.source, row=1, column=name)

    def numbers(
        self,
        names: Sequence[str],
        *,
        low: float | None = None,
        high: float | None = None,
        whole: bool = True,
    ) -> NDArray[np.float64]:
        """Respondents x ``names`` matrix of numbers, ``NaN`` for blanks, checked against the scale."""
        self.require(names)
        cols = [self._index[n] for n in names]
        values: NDArray[np.float64] | None = None
        if self._raw is not None:
            try:
                values, digits_only = self._fast_numbers(cols)
            except _NotSimple:  # blank lines or ragged rows: use the full parser from now on
                self._use_full_parser()
            else:
                whole = whole and not digits_only  # single digits are whole numbers already
        if values is None:
            values = self._slow_numbers(cols)
        self._check(values, names, low, high, whole)
        return values if self._kept is None else values[self._kept]

    def _use_full_parser(self) -> None:
        assert self._raw is not None
        full = _read_csv_slow(self._raw, self.source, chr(self._delimiter))
        self.header, self.n_rows = full.header, full.n_rows
        self._rows, self._row_numbers, self._raw = full._rows, full._row_numbers, None

    # -- validation ---------------------------------------------------------------------
    def _check(
        self,
        values: NDArray[np.float64],
        names: Sequence[str],
        low: float | None,
        high: float | None,
        whole: bool,
    ) -> None:
        if values.size == 0:
            return
        # cheap reductions first (NaN-ignoring); locate the offending cell only on failure
        if whole and not bool(np.all(np.isnan(values) | (np.trunc(values) == values))):
            answered = ~np.isnan(values)
            bad = answered & (values != np.trunc(np.where(answered, values, 0)))
            self._raise_first(bad, values, names, "not_whole")
        if low is not None and high is not None:
            lowest = np.fmin.reduce(values, axis=0)
            highest = np.fmax.reduce(values, axis=0)
            if np.any(lowest < low) or np.any(highest > high):
                bad = (values < low) | (values > high)
                self._raise_first(
                    bad, values, names, "out_of_scale", low=_fmt(low), high=_fmt(high)
                )

    def _raise_first(
        self,
        bad: NDArray[np.bool_],
        values: NDArray[np.float64],
        names: Sequence[str],
        key: str,
        **params: Any,
    ) -> None:
        if not bad.any():
            return
        flat = int(np.flatnonzero(bad.ravel())[0])
        i, j = divmod(flat, bad.shape[1])
        raise InputError(
            key,
            file=self.source,
            row=self._file_row(i),
            column=names[j],
            value=_fmt(float(values[i, j])),
            **params,
        )

    # -- slow path: parsed cells --------------------------------------------------------------
    def _slow_numbers(self, cols: list[int]) -> NDArray[np.float64]:
        rows = self._rows or []
        out = np.full((len(rows), len(cols)), np.nan)
        for i, row in enumerate(rows):
            for k, j in enumerate(cols):
                cell = row[j] if j < len(row) else None
                out[i, k] = self._cell_number(cell, i, j)
        return out

    def _cell_number(self, cell: Any, i: int, j: int) -> float:
        if cell is None:
            return math.nan
        if isinstance(cell, bool):
            raise InputError(
                "not_a_number",
                file=self.source,
                row=self._file_row(i),
                column=self.header[j],
                value=cell,
            )
        value = float(cell) if isinstance(cell, int | float) else self._parse_text(str(cell), i, j)
        if not math.isfinite(value):
            raise InputError(
                "not_a_number",
                file=self.source,
                row=self._file_row(i),
                column=self.header[j],
                value=cell,
            )
        return value

    def _parse_text(self, text: str, i: int, j: int) -> float:
        stripped = text.strip()
        if not stripped:
            return math.nan
        candidate = stripped.replace(",", ".") if self._decimal_comma else stripped
        try:
            value = float(candidate)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or candidate.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise InputError(
                "not_a_number",
                file=self.source,
                row=self._file_row(i),
                column=self.header[j],
                value=_clip(stripped),
            )
        return value

    # -- fast path: vectorised split of a quote-free CSV -----------------------------------
    def _fast_numbers(self, cols: list[int]) -> tuple[NDArray[np.float64], bool]:
        raw = self._raw
        assert raw is not None
        ncols = len(self.header)
        out = np.empty((len(cols), self.n_rows)).T  # column-major: each column contiguous
        row0 = 0
        self._parsed_text = False
        for start, stop in _chunks(raw, self._body_start):
            chunk = np.frombuffer(raw, dtype=np.uint8, count=stop - start, offset=start)
            grid = _split(chunk, self._delimiter, ncols)
            rows = grid.shape[0]
            for k, j in enumerate(cols):
                begin = grid[:, j - 1] + 1 if j else np.concatenate(([0], grid[:-1, -1] + 1))
                end = grid[:, j]
                out[row0 : row0 + rows, k] = self._fast_field_values(chunk, begin, end, row0, j)
            row0 += rows
        if row0 != self.n_rows:
            raise _NotSimple
        return out, not self._parsed_text

    def _fast_lengths(self, j: int) -> NDArray[np.intp]:
        """Length of column ``j``'s field in every row, trailing CR and spaces excluded."""
        raw = self._raw
        assert raw is not None
        out = np.empty(self.n_rows, dtype=np.intp)
        row0 = 0
        for start, stop in _chunks(raw, self._body_start):
            chunk = np.frombuffer(raw, dtype=np.uint8, count=stop - start, offset=start)
            grid = _split(chunk, self._delimiter, len(self.header))
            rows = grid.shape[0]
            begin = grid[:, j - 1] + 1 if j else np.concatenate(([0], grid[:-1, -1] + 1))
            length = grid[:, j] - begin
            for r in np.flatnonzero(length > 0):  # rare: a few flagged rows
                length[r] = len(bytes(chunk[begin[r] : grid[r, j]]).strip())
            out[row0 : row0 + rows] = length
            row0 += rows
        if row0 != self.n_rows:
            raise _NotSimple
        return out

    def _fast_field_values(
        self,
        chunk: NDArray[np.uint8],
        begin: NDArray[np.intp],
        end: NDArray[np.intp],
        row0: int,
        j: int,
    ) -> NDArray[np.float64]:
        """Blank -> NaN, one digit -> its value; anything else is parsed one by one."""
        length = end - begin
        last = chunk.size - 1
        d0 = chunk[np.minimum(begin, last)] - np.uint8(48)  # wraps: non-digits become >= 10
        one = (length == 1) & (d0 < 10)
        values = np.where(one, d0, np.nan)
        others = (length > 0) & ~one
        if others.any():
            self._parsed_text = True
            for r in np.flatnonzero(others):  # " 3", "10", "3.0", "2,5", text, a CR before LF
                text = bytes(chunk[begin[r] : end[r]]).decode("utf-8", "replace")
                values[r] = self._parse_text(text.rstrip("\r"), row0 + int(r), j)
        return values


def _chunks(raw: bytes, start: int) -> list[tuple[int, int]]:
    """Byte ranges of whole lines, each ending just after a newline."""
    out: list[tuple[int, int]] = []
    size = len(raw)
    while start < size:
        stop = raw.rfind(b"\n", start, min(start + CHUNK_BYTES, size)) + 1
        if stop <= start:  # a line longer than a chunk
            stop = raw.find(b"\n", start) + 1 or size
        out.append((start, stop))
        start = stop
    return out


def _split(chunk: NDArray[np.uint8], delimiter: int, ncols: int) -> NDArray[np.intp]:
    """Separator positions as rows x ncols.

    Raises _NotSimple for ragged rows, blank lines and rows of blank cells only (the full
    parser skips those, as it skips blank rows of a spreadsheet).
    """
    newline = chunk == NEWLINE
    seps = np.flatnonzero(newline | (chunk == delimiter))
    if seps.size % ncols:
        raise _NotSimple
    grid = seps.reshape(-1, ncols)
    # every line has ncols fields exactly when the newlines are the last separator of each row
    if int(np.count_nonzero(newline)) != grid.shape[0] or not newline[grid[:, -1]].all():
        raise _NotSimple
    ends = grid[:, -1]
    length = ends - np.concatenate(([0], ends[:-1] + 1))
    length -= (length > 0) & (chunk[np.maximum(ends - 1, 0)] == CR)
    if bool((length == ncols - 1).any()):  # nothing but the separators: a blank row
        raise _NotSimple
    return grid


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())  # one line: a cell may hold line breaks
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- opening files ---------------------------------------------------------------------------
def read_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Open a CSV or XLSX file of answers (header row first)."""
    p = Path(path)
    source = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("file_not_found", file=source) from None
    except OSError as exc:
        raise InputError("file_unreadable", file=source, detail=exc.strerror or str(exc)) from None
    is_zip = raw[:4] == b"PK\x03\x04"
    if p.suffix.lower() in (".xlsx", ".xlsm") or is_zip:
        return _read_xlsx(raw, source, sheet)
    return _read_csv(raw, source)


def _read_csv(raw: bytes, source: str) -> Table:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    end = len(raw)
    while end and raw[end - 1] in b"\r\n\t ":  # trailing blank lines; no copy of the data
        end -= 1
    if not raw[:end].strip():
        raise InputError("file_empty", file=source)
    if end == len(raw) or raw[end] != NEWLINE:
        raw = raw[:end] + b"\n"  # the last line lacks a newline (rare): one copy
    else:
        raw = raw[: end + 1] if end + 1 < len(raw) else raw
    if b"\x00" in raw[:4096]:
        raise InputError("bad_csv", file=source, detail="binary data")
    header_end = raw.find(b"\n")
    header_line = _decode(raw[:header_end]).rstrip("\r")
    delimiter = _sniff_delimiter(header_line)
    quoted = b'"' in raw
    if not quoted:
        header = [h.strip() for h in header_line.split(delimiter)]
        body_start = header_end + 1
        if body_start >= len(raw):
            raise InputError("no_rows", file=source)
        n_rows = raw.count(b"\n", body_start)
        table = Table(
            source,
            header,
            n_rows,
            _raw=raw,
            _body_start=body_start,
            _delimiter=ord(delimiter),
            _decimal_comma=delimiter == ";",
        )
        return table
    return _read_csv_slow(raw, source, delimiter)


def _read_csv_slow(raw: bytes, source: str, delimiter: str) -> Table:
    text = _decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    number = 0  # the spreadsheet row of the last record read (a quoted cell may span lines)
    try:
        header = [h.strip() for h in next(reader)]
        number = 1
        for row in reader:
            number += 1
            if not any(cell.strip() for cell in row):
                continue  # blank line
            rows.append([cell if cell.strip() else None for cell in row])
            numbers.append(number)
    except csv.Error as exc:
        raise InputError("bad_csv", file=source, row=number + 1, detail=str(exc)) from None
    if not rows:
        raise InputError("no_rows", file=source)
    return Table(
        source, header, len(rows), _rows=rows, _row_numbers=numbers, _decimal_comma=delimiter == ";"
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_xlsx(raw: bytes, source: str, sheet: str | None) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise InputError("no_sheet", file=source, sheet=sheet, sheets=", ".join(names))
        target = sheet if sheet is not None else names[0]
        cells = book.get_sheet_by_name(target).to_python(skip_empty_area=False)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            "bad_xlsx", file=source, detail=_clip(str(exc) or type(exc).__name__, 120)
        ) from None
    label = f"{source} [{target}]" if sheet is not None else source
    first = next((i for i, row in enumerate(cells) if any(_present(c) for c in row)), None)
    if first is None:
        raise InputError("file_empty", file=label)
    header = [str(c).strip() if _present(c) else "" for c in cells[first]]
    while header and not header[-1]:
        header.pop()
    rows: list[list[Any]] = []
    numbers: list[int] = []
    for i in range(first + 1, len(cells)):
        row = [c if _present(c) else None for c in cells[i]]
        if any(c is not None for c in row):
            rows.append(row)
            numbers.append(i + 1)
    if not rows:
        raise InputError("no_rows", file=label)
    return Table(label, header, len(rows), _rows=rows, _row_numbers=numbers)


def _present(cell: Any) -> bool:
    return not (cell is None or (isinstance(cell, str) and not cell.strip()))
