"""Reading survey answers from CSV and XLSX files, streamed in bounded chunks.

One row per respondent, a header row naming the columns; other columns are ignored.
CSV: UTF-8 with or without BOM (cp1252 accepted), comma, semicolon or tab separated (as
Indonesian Excel writes), with ``;`` files allowed to use the decimal comma, quoted cells with
separators and line breaks (:mod:`prima.tabular.csv_reader`). XLSX through openpyxl's streaming
worksheet parser, ``sheet`` picking one (:mod:`prima.tabular.xlsx_reader`).

:func:`read_table` reads and checks the header only; the rows are read on demand, chunk by
chunk (:meth:`Table.chunks`), with the :class:`~prima.tabular.limits.Limits` applied as they
come, so memory stays bounded for any file. Every problem is an :class:`InputError` naming the
file, the row (as a spreadsheet shows it: the header is row 1; a record over several lines is
one row) and the column. Answers come back as ``float64`` with ``NaN`` for a blank.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from prima.tabular.errors import InputError, clip, fmt_number
from prima.tabular.limits import DEFAULT_LIMITS, Limits

__all__ = ["DEFAULT_LIMITS", "InputError", "Limits", "Table", "read_table"]

Chunk = tuple[NDArray[np.float64], NDArray[np.int64]]


class _Source(Protocol):
    label: str
    header: list[str]

    def blocks(self, *, split: bool = True) -> Iterator[Any]: ...


class _ListSource:
    """Rows already in memory (tests, stored responses laid out as columns)."""

    def __init__(self, label: str, header: list[str], rows: list[list[Any]], numbers: list[int]):
        from prima.tabular.xlsx_reader import CellBlock

        self.label = label
        self.header = header
        self._block = CellBlock(rows, numbers)

    def blocks(self, *, split: bool = True) -> Iterator[Any]:
        yield self._block


class Table:
    """A header and the way to the rows: numeric columns chunk by chunk, or parsed cells."""

    def __init__(
        self,
        source: str,
        header: list[str],
        n_rows: int | None = None,
        _rows: list[list[Any]] | None = None,
        _row_numbers: list[int] | None = None,
        *,
        reader: _Source | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if reader is None:
            rows = _rows or []
            numbers = _row_numbers or list(range(2, len(rows) + 2))
            reader = _ListSource(source, header, rows, numbers)
        self.source = source
        self.header = header
        self.limits = limits
        self._reader = reader
        self._decimal_comma = bool(getattr(reader, "decimal_comma", False))
        self._index: dict[str, int] = {}
        for j, name in enumerate(header):
            self._index.setdefault(name, j)
        self._flag: int | None = None
        self._row_numbers: NDArray[np.int64] | None = None
        self.dropped = 0
        self.rows = 0  # respondents of the last complete pass (flagged rows included)
        self.fallback_blocks = 0  # chunks of the last pass that needed the csv module

    def has(self, name: str) -> bool:
        return name in self._index

    def require(self, names: Sequence[str]) -> None:
        for name in names:
            if name not in self._index:
                raise InputError("missing_column", file=self.source, row=1, column=name)
            if self.header.count(name) > 1:
                raise InputError("duplicate_column", file=self.source, row=1, column=name)

    def drop_flagged(self, column: str = "flag") -> None:
        """Leave out rows whose ``column`` is not blank (responses flagged as suspect in a
        Prima export); :attr:`dropped` counts them once a pass has read the rows."""
        if self.has(column):
            self._flag = self._index[column]

    # -- rows as cells ----------------------------------------------------------------------
    def cells(self) -> Iterator[tuple[int, list[Any]]]:
        """Every respondent's row of cells with its spreadsheet row number (header = row 1).

        A cell is ``None`` when blank, else as read: text from a CSV; text, a number, a date or
        a time from an XLSX, or a :class:`~prima.tabular.xlsx_reader.BadCell` (an error value,
        a formula without a cached value). Rows may be shorter than the header. Stops with an
        error past ``limits.max_rows``.
        """
        seen = 0
        for block in self._reader.blocks(split=False):
            for number, row in zip(block.numbers, block.rows, strict=True):
                seen += 1
                self._check_rows(seen, number)
                yield number, row

    def _check_rows(self, seen: int, number: int) -> None:
        limit = self.limits.max_rows
        if limit is not None and seen > limit:
            raise InputError("too_many_rows", file=self.source, row=number, limit=limit)

    # -- numbers -----------------------------------------------------------------------------
    def chunks(
        self,
        names: Sequence[str],
        *,
        low: float | None = None,
        high: float | None = None,
        whole: bool = True,
        unchecked: Sequence[str] = (),
    ) -> Iterator[Chunk]:
        """Respondents x ``names`` numbers, chunk by chunk, with each row's spreadsheet number;
        ``NaN`` for blanks, checked against the scale; flagged rows left out after
        :meth:`drop_flagged`. ``unchecked`` columns follow, any real number (weights)."""
        self.require([*names, *unchecked])
        cols = [self._index[n] for n in (*names, *unchecked)]
        seen = dropped = fallback = 0
        for block in self._reader.blocks():
            if block.size == 0:
                continue
            if hasattr(block, "grid"):
                values, digits_only = self._text_numbers(block, cols)
                numbers = block.first_row + np.arange(block.size, dtype=np.int64)
                keep = None if self._flag is None else self._text_blank(block, self._flag)
            else:
                fallback += 1
                values = self._cell_numbers(block, cols)
                digits_only = False
                numbers = np.asarray(block.numbers, dtype=np.int64)
                keep = None
                if self._flag is not None:
                    f = self._flag
                    keep = np.array(
                        [_blank(r[f] if f < len(r) else None) for r in block.rows], dtype=bool
                    )
            seen += int(values.shape[0])
            self._check_rows(seen, int(numbers[-1]))
            if keep is not None and not keep.all():
                dropped += int(keep.size - np.count_nonzero(keep))
                values, numbers = values[keep], numbers[keep]
            checked = values[:, : len(names)] if unchecked else values
            self._check(checked, numbers, names, low, high, whole and not digits_only)
            yield values, numbers
        if not seen and not isinstance(self._reader, _ListSource):  # a file of blank rows
            raise InputError("no_rows", file=self.source)
        self.rows, self.dropped, self.fallback_blocks = seen, dropped, fallback

    def numbers(
        self,
        names: Sequence[str],
        *,
        low: float | None = None,
        high: float | None = None,
        whole: bool = True,
    ) -> NDArray[np.float64]:
        """The whole respondents x ``names`` matrix (memory grows with the rows: the analyses
        that can add up totals use :meth:`chunks`)."""
        parts = list(self.chunks(names, low=low, high=high, whole=whole))
        if not parts:
            self._row_numbers = np.empty(0, dtype=np.int64)
            return np.empty((0, len(names)))
        self._row_numbers = np.concatenate([n for _, n in parts])
        return np.concatenate([v for v, _ in parts])

    def row_number(self, i: int) -> int:
        """The spreadsheet row of respondent ``i`` of the last :meth:`numbers` (header = 1)."""
        assert self._row_numbers is not None
        return int(self._row_numbers[i])

    # -- validation ---------------------------------------------------------------------
    def _check(
        self,
        values: NDArray[np.float64],
        numbers: NDArray[np.int64],
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
            self._raise_first(bad, values, numbers, names, "not_whole")
        if low is not None and high is not None:
            flat = values.ravel()  # one pass over all the cells (per column it is 10x slower)
            if np.fmin.reduce(flat) < low or np.fmax.reduce(flat) > high:  # NaN: no answer
                bad = (values < low) | (values > high)
                self._raise_first(
                    bad,
                    values,
                    numbers,
                    names,
                    "out_of_scale",
                    low=fmt_number(low),
                    high=fmt_number(high),
                )

    def _raise_first(
        self,
        bad: NDArray[np.bool_],
        values: NDArray[np.float64],
        numbers: NDArray[np.int64],
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
            row=int(numbers[i]),
            column=names[j],
            value=fmt_number(float(values[i, j])),
            **params,
        )

    # -- parsed cells -------------------------------------------------------------------------
    def _cell_numbers(self, block: Any, cols: list[int]) -> NDArray[np.float64]:
        rows = block.rows
        out = np.full((len(rows), len(cols)), np.nan)
        for i, row in enumerate(rows):
            for k, j in enumerate(cols):
                cell = row[j] if j < len(row) else None
                if cell is not None:
                    out[i, k] = self._cell_number(cell, block.numbers[i], j)
        return out

    def _cell_number(self, cell: Any, number: int, j: int) -> float:
        from prima.tabular.xlsx_reader import BadCell

        if isinstance(cell, BadCell):
            raise cell.error(self.source, number, self.header[j])
        if isinstance(cell, bool):
            raise InputError(
                "not_a_number", file=self.source, row=number, column=self.header[j], value=cell
            )
        if isinstance(cell, int | float):
            value = float(cell)
        elif isinstance(cell, str):
            value = self._parse_text(cell, number, j)
        else:  # a date or a time
            raise InputError(
                "not_a_number",
                file=self.source,
                row=number,
                column=self.header[j],
                value=clip(str(cell)),
            )
        if not math.isfinite(value):
            raise InputError(
                "not_a_number", file=self.source, row=number, column=self.header[j], value=cell
            )
        return value

    def _parse_text(self, text: str, number: int, j: int) -> float:
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
                row=number,
                column=self.header[j],
                value=clip(stripped),
            )
        return value

    # -- split CSV chunks ---------------------------------------------------------------------
    def _text_numbers(self, block: Any, cols: list[int]) -> tuple[NDArray[np.float64], bool]:
        """All the columns at once: blank -> NaN, one digit -> its value; any other field
        (" 3", "10", "3.0", "2,5", a quoted number, text, a CR) is parsed one by one."""
        from prima.tabular.csv_reader import decode, unquote

        chunk = block.chunk
        grid = block.grid
        first = cols[0] if cols else 0
        if first > 0 and cols == list(range(first, first + len(cols))):  # side by side: views
            end = grid[:, first : first + len(cols)]
            begin = grid[:, first - 1 : first + len(cols) - 1] + 1
        else:
            index = np.asarray(cols, dtype=np.intp)
            end = grid[:, index]
            begin = np.empty_like(end)
            inner = index > 0
            begin[:, inner] = grid[:, index[inner] - 1] + 1
            if not inner.all():  # the first column starts after the previous record's break
                starts = np.concatenate(([0], grid[:-1, -1] + 1))
                begin[:, ~inner] = starts[:, None]
        length = end - begin
        last = chunk[end - 1] - np.uint8(48)  # a field's last byte; non-digits wrap to >= 10
        one = (length == 1) & (last < 10)
        values = np.where(one, last, np.nan)
        if np.count_nonzero(length) == np.count_nonzero(one):  # nothing but one-digit answers
            return values, True
        others = (length > 0) & ~one
        for r, k in zip(*np.nonzero(others), strict=True):
            text = decode(bytes(chunk[begin[r, k] : end[r, k]])).rstrip("\r")
            if block.quoted:
                text = unquote(text)
            values[r, k] = self._parse_text(text, block.first_row + int(r), cols[k])
        return values, False

    def _text_blank(self, block: Any, j: int) -> NDArray[np.bool_]:
        """Which rows leave column ``j`` blank (spaces, a CR, ``""`` count as blank)."""
        from prima.tabular.csv_reader import decode, unquote

        begin = block.begins(j)
        length = block.grid[:, j] - begin
        blank: NDArray[np.bool_] = np.asarray(length == 0)
        for r in np.flatnonzero(~blank):  # rare: a few flagged rows
            text = decode(bytes(block.chunk[begin[r] : block.grid[r, j]]))
            blank[r] = not unquote(text.strip()).strip()
        return blank


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# -- opening files ---------------------------------------------------------------------------
def read_table(
    path: str | Path, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """Open a CSV or XLSX file of answers and read its header (the rows come on demand)."""
    p = Path(path)
    source = str(path)
    try:
        with open(p, "rb") as f:
            magic = f.read(4)
    except FileNotFoundError:
        raise InputError("file_not_found", file=source) from None
    except OSError as exc:
        raise InputError("file_unreadable", file=source, detail=exc.strerror or str(exc)) from None
    reader: Any
    if p.suffix.lower() in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        from prima.tabular.xlsx_reader import XlsxSource

        reader = XlsxSource(p, source, sheet, limits)
    else:
        from prima.tabular.csv_reader import CsvSource

        reader = CsvSource(p, source, limits)
    return Table(reader.label, reader.header, reader=reader, limits=limits)
