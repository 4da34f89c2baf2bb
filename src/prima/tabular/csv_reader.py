"""Streaming CSV reading: whole records in bounded chunks, split with vectorised NumPy.

A chunk is cut after the last line break outside quotes (quote parity: a line break is
outside quotes when an even number of ``"`` precede it in the chunk, which starts at a record
boundary), so a quoted cell may hold separators and line breaks. A chunk whose records all
have the header's number of fields is split on the raw bytes (:class:`TextBlock`); any other
chunk (blank lines, ragged rows, unbalanced quotes) goes through the standard :mod:`csv`
module (:class:`CellBlock`). A record longer than the limit stops the reading with an error
naming its row: memory never holds more than a chunk and one record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from prima.tabular.errors import InputError
from prima.tabular.limits import Limits
from prima.tabular.prefetch import ordered_map, spare_cores

CHUNK_BYTES = 1 << 20  # measured: 1 MB is as fast as 2-8 MB and keeps the arrays small
SPLITTERS = 2  # threads splitting chunks at once (on a machine with two cores or more)
SPARE_FOR_THREADS = 0.5  # ... when at least this much of a core is idle (else one thread)
NEWLINE = 10
CR = 13
QUOTE = 34
BOM = b"\xef\xbb\xbf"


@dataclass
class TextBlock:
    """Whole records split on the raw bytes: ``grid[r, j]`` is the position of the separator
    (or line break) that ends field ``j`` of record ``r``."""

    chunk: NDArray[np.uint8]
    grid: NDArray[np.intp]
    first_row: int  # spreadsheet row of the first record
    quoted: bool  # the chunk holds quotes: a field may be quoted

    @property
    def size(self) -> int:
        return int(self.grid.shape[0])

    def begins(self, j: int) -> NDArray[np.intp]:
        grid = self.grid
        if j:
            return grid[:, j - 1] + 1
        return np.concatenate(([0], grid[:-1, -1] + 1)).astype(np.intp)


@dataclass
class Split:
    """A chunk of whole records (``arr``, over ``buf``), its separators and line breaks outside
    quotes, and their grid (records x columns) when every record is regular."""

    buf: bytes
    arr: NDArray[np.uint8]
    seps: NDArray[np.intp]
    grid: NDArray[np.intp] | None
    quoted: bool


Piece = tuple[bytes, int, bool]
"""A chunk of the body: the bytes read, the end of its last whole record, whether it is the last."""


@dataclass
class CellBlock:
    """Parsed rows (``None`` for a blank cell) and the spreadsheet row of each."""

    rows: list[list[Any]]
    numbers: list[int]

    @property
    def size(self) -> int:
        return len(self.rows)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def unquote(text: str) -> str:
    """A field as the csv module reads it: outer quotes off, doubled quotes single."""
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        return stripped[1:-1].replace('""', '"')
    return text


def _last_record_end(buf: bytes) -> int:
    """Position just after the last line break outside quotes (0: none), for ``buf`` starting
    at a record's start: the line break has an even number of quotes before it. Walks back
    from the last line break with the count of quotes after it; past a few line breaks inside
    a quoted field, NumPy finds the quotes once."""
    end = buf.rfind(b"\n")
    if end < 0 or buf.find(b'"') < 0:
        return end + 1
    arr = np.frombuffer(buf, dtype=np.uint8)
    odd = (int(np.count_nonzero(arr == QUOTE)) - buf.count(b'"', end)) % 2
    for _ in range(64):
        if not odd:
            return end + 1
        before = buf.rfind(b"\n", 0, end)
        if before < 0:
            return 0
        odd ^= buf.count(b'"', before, end) % 2
        end = before
    quotes = np.flatnonzero(arr[:end] == QUOTE)
    breaks = np.flatnonzero(arr[:end] == NEWLINE)
    outside = breaks[(np.searchsorted(quotes, breaks) & 1) == 0]
    return int(outside[-1]) + 1 if outside.size else 0


def _first_record_end(buf: bytes) -> int:
    """Position just after the first line break outside quotes (0: none)."""
    if b'"' not in buf:
        return buf.find(b"\n") + 1
    arr = np.frombuffer(buf, dtype=np.uint8)
    quotes = np.flatnonzero(arr == QUOTE)
    breaks = np.flatnonzero(arr == NEWLINE)
    outside = breaks[(np.searchsorted(quotes, breaks) & 1) == 0]
    return int(outside[0]) + 1 if outside.size else 0


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvSource:
    """A CSV file opened for streaming: the header is read (and checked) at once, the records
    on each pass of :meth:`blocks`."""

    def __init__(self, path: Path, label: str, limits: Limits) -> None:
        self.path = path
        self.label = label
        self.limits = limits
        with self._open() as f:
            head = f.read(CHUNK_BYTES)
            start = len(BOM) if head.startswith(BOM) else 0
            if b"\x00" in head[:4096]:
                raise InputError("bad_csv", file=label, detail="binary data")
            buf = head[start:]
            offset = start
            while not buf.strip():
                more = f.read(CHUNK_BYTES)
                if not more:
                    raise InputError("file_empty", file=label)
                offset += len(buf)
                buf = more
            end = _first_record_end(buf)
            while not end:
                if len(buf) > limits.max_record_bytes:
                    raise InputError(
                        "record_too_long", file=label, row=1, limit=limits.max_record_bytes
                    )
                more = f.read(CHUNK_BYTES)
                if not more:
                    buf += b"\n"
                    end = len(buf)
                    break
                buf += more
                end = _first_record_end(buf)
            self.body_start = offset + end
            line = decode(buf[:end]).rstrip("\r\n")
            self.delimiter = sniff_delimiter(line)
            try:
                cells = next(csv.reader([line], delimiter=self.delimiter, strict=True), [])
            except csv.Error as exc:
                raise InputError("bad_csv", file=label, row=1, detail=str(exc)) from None
            self.header = [h.strip() for h in cells]
            if len(self.header) > limits.max_columns:
                raise InputError(
                    "too_many_columns",
                    file=label,
                    row=1,
                    count=len(self.header),
                    limit=limits.max_columns,
                )
            rest = buf[end:]
            while not rest.strip():  # anything but blank lines after the header?
                rest = f.read(CHUNK_BYTES)
                if not rest:
                    raise InputError("no_rows", file=label)
        self.decimal_comma = self.delimiter == ";"

    def _open(self) -> BinaryIO:
        try:
            return open(self.path, "rb")
        except FileNotFoundError:
            raise InputError("file_not_found", file=self.label) from None
        except OSError as exc:
            raise InputError(
                "file_unreadable", file=self.label, detail=exc.strerror or str(exc)
            ) from None

    def blocks(self, *, split: bool = True) -> Iterator[TextBlock | CellBlock]:
        """The records in chunks, header excluded; ``split=False``: parsed cells only.

        One thread reads the file and cuts it into chunks of whole records (:meth:`_pieces`,
        little work per chunk); with ``split``, :data:`SPLITTERS` threads split the chunks
        at once (:meth:`_split`: NumPy, mostly without the GIL) while the caller counts the
        chunk before (:func:`~prima.tabular.prefetch.ordered_map`), when a core is idle
        (:func:`~prima.tabular.prefetch.spare_cores`; else the caller's thread does it all). Row numbers, the checks
        that name a row and the csv module's fallback come after, chunk by chunk in order.
        """
        workers = SPLITTERS if split and spare_cores() >= SPARE_FOR_THREADS else 1
        splits = ordered_map(self._pieces(), lambda piece: self._split(piece, split), workers)
        return self._numbered(splits)

    def _pieces(self) -> Iterator[Piece | None]:
        """The body cut into chunks of whole records: ``(buf, cut, final)``, the records being
        ``buf[:cut]`` (a chunk starts at a record's start, so a line break is outside quotes
        when an even number of quotes precede it); None for a record longer than the limit
        (its row is known only once the chunks before it are counted)."""
        limit = self.limits.max_record_bytes
        pending = b""
        with self._open() as f:
            f.seek(self.body_start)
            while True:
                data = f.read(CHUNK_BYTES)
                buf = pending + data if pending else data
                if len(data) < CHUNK_BYTES:  # a file read gives full chunks until its end
                    buf = buf.rstrip(b"\r\n\t ")
                    if buf:
                        yield buf + b"\n", len(buf) + 1, True
                    return
                cut = _last_record_end(buf)
                if not cut:  # no whole record yet: a long one, or a quote left open
                    if len(buf) > limit:
                        yield None
                        return
                    pending = buf
                    continue
                pending = buf[cut:]
                yield buf, cut, False

    def _split(self, piece: Piece | None, grid: bool) -> Split | None:
        """One chunk's separators outside quotes, and its grid when it is regular."""
        if piece is None:
            return None
        buf, cut, final = piece
        arr = np.frombuffer(buf, dtype=np.uint8, count=cut)
        quoted = buf.find(b'"', 0, cut) >= 0
        seps, records, odd = self._separators(arr, quoted, final)
        regular = grid and not (final and odd)  # a quote left open: the csv module says where
        cells = self._grid(arr, seps, records) if regular else None
        return Split(buf, arr, seps, cells, quoted)

    def _numbered(self, splits: Iterator[Split | None]) -> Iterator[TextBlock | CellBlock]:
        limit = self.limits.max_record_bytes
        row = 2
        for split in splits:
            if split is None:
                raise InputError("record_too_long", file=self.label, row=row, limit=limit)
            if split.grid is not None:
                block = TextBlock(split.arr, split.grid, row, split.quoted)
                self._check_lengths(block)
                yield block
                row += block.size
            else:
                seps = split.seps
                self._check_widths(seps, seps[split.arr[seps] == NEWLINE], row)
                cells, records = self._parse(split.buf[: split.arr.size], row)
                yield cells
                row += records

    # -- one chunk of whole records -----------------------------------------------------------
    def _separators(
        self, arr: NDArray[np.uint8], quoted: bool, final: bool
    ) -> tuple[NDArray[np.intp], int, bool]:
        """Positions of the separators and line breaks outside quotes, the number of those
        line breaks (records), and whether the chunk holds an odd number of quotes. A quoted
        region runs from an odd quote to the next one (a doubled quote inside a quoted field
        closes and reopens it, with nothing in between); at the end an odd last quote is
        unbalanced, left to the csv module."""
        newline = arr == NEWLINE
        mask = arr == ord(self.delimiter)
        mask |= newline
        seps = np.flatnonzero(mask)
        records = int(np.count_nonzero(newline))
        if not quoted:  # most chunks of answers hold no quote
            return seps, records, False
        quotes = np.flatnonzero(arr == QUOTE)
        paired = quotes.size - quotes.size % 2
        # separator indices [lo, hi) of each quoted region: few (a comma or a line break in a
        # suggestion), so they are dropped by index instead of through a mask of every one
        at = np.searchsorted(seps, quotes[:paired])
        lo = at[0::2]
        count = at[1::2] - lo
        total = int(count.sum())
        if total:
            some = count > 0
            lo, count = lo[some], count[some]
            inside = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(total)
            keep = np.ones(seps.size, dtype=bool)
            keep[inside] = False
            records -= int(np.count_nonzero(newline[seps[inside]]))
            seps = seps[keep]
        return seps, records, bool(quotes.size % 2)

    def _grid(
        self, arr: NDArray[np.uint8], seps: NDArray[np.intp], records: int
    ) -> NDArray[np.intp] | None:
        """Separator positions as records x columns, or None when the chunk is not regular
        (ragged rows, blank lines, rows of blank cells, unbalanced quotes)."""
        ncols = len(self.header)
        if seps.size != records * ncols:
            return None
        grid = seps.reshape(-1, ncols)
        ends = grid[:, -1]
        if arr[ends[-1]] != NEWLINE or not (arr[ends] == NEWLINE).all():
            return None
        length = ends - np.concatenate(([0], ends[:-1] + 1))
        length -= (length > 0) & (arr[np.maximum(ends - 1, 0)] == CR)
        if bool((length == ncols - 1).any()):  # nothing but the separators: a blank row
            return None
        return grid

    def _check_widths(self, seps: NDArray[np.intp], breaks: NDArray[np.intp], row: int) -> None:
        """Before the csv module makes a string of every cell: no record wider than the
        limit (a record is one line break outside quotes, blank lines included)."""
        limit = self.limits.max_columns
        fields = np.diff(np.searchsorted(seps, breaks, side="right"), prepend=0)
        if fields.size and int(fields.max()) > limit:
            at = int(np.argmax(fields > limit))
            raise InputError(
                "too_many_columns",
                file=self.label,
                row=row + at,
                count=int(fields[at]),
                limit=limit,
            )

    def _check_lengths(self, block: TextBlock) -> None:
        limit = self.limits.max_field_chars
        ends = block.grid[:, -1]
        if int(np.diff(ends, prepend=-1).max(initial=0)) <= limit:  # no record that long
            return
        flat = block.grid.ravel()
        begins = np.concatenate(([0], flat[:-1] + 1))
        lengths = flat - begins
        if int(lengths.max(initial=0)) <= limit:
            return
        for at in np.flatnonzero(lengths > limit):  # bytes over the limit; count characters
            r, j = divmod(int(at), block.grid.shape[1])
            text = decode(bytes(block.chunk[begins[at] : flat[at]]))
            if len(unquote(text)) > limit:
                raise InputError(
                    "field_too_long",
                    file=self.label,
                    row=block.first_row + r,
                    column=self.header[j] or str(j + 1),
                    limit=limit,
                )

    def _parse(self, data: bytes, first_row: int) -> tuple[CellBlock, int]:
        reader = csv.reader(
            io.StringIO(decode(data), newline=""), delimiter=self.delimiter, strict=True
        )
        rows: list[list[Any]] = []
        numbers: list[int] = []
        number = first_row - 1
        limit = self.limits.max_columns
        try:
            for cells in reader:
                number += 1
                if len(cells) > limit:
                    raise InputError(
                        "too_many_columns",
                        file=self.label,
                        row=number,
                        count=len(cells),
                        limit=limit,
                    )
                if not any(cell.strip() for cell in cells):
                    continue  # blank line
                rows.append([cell if cell.strip() else None for cell in cells])
                numbers.append(number)
        except csv.Error as exc:
            raise InputError("bad_csv", file=self.label, row=number + 1, detail=str(exc)) from None
        return CellBlock(rows, numbers), number - first_row + 1
