"""Hostile input files for the reader tests: XLSX decompression bombs, wide sheets, huge
shared-string tables, a CSV with one enormous field, formula and error cells.

The bombs start from a real workbook written by openpyxl; the test then replaces one part of the
zip with highly compressible XML written here (test data, not a parser), so that a file of a
few megabytes expands to hundreds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def header_xml(names: list[str]) -> bytes:
    return f'<row r="1">{"".join(_inline(n) for n in names)}</row>'.encode()


def write_xlsx_parts(path: Path, parts: dict[str, Iterable[bytes]]) -> Path:
    """A workbook written by openpyxl (one sheet, one shared string) with ``parts`` replaced
    by the given byte pieces, streamed into the zip."""
    seed = path.with_suffix(".seed.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["seed"])
    book.save(seed)
    with (
        zipfile.ZipFile(seed) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in src.infolist():
            if info.filename not in parts:
                out.writestr(info, src.read(info.filename))
        for name, pieces in parts.items():
            with out.open(name, "w", force_zip64=True) as fh:
                for piece in pieces:
                    fh.write(piece)
    seed.unlink()
    return path


def sheet_xml(header: list[str], row: bytes, rows: int) -> Iterable[bytes]:
    """A worksheet: ``header`` then ``rows`` copies of ``row`` (cells without references),
    written in pieces of about a megabyte."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield header_xml(header)
    batch = max(1, (1 << 20) // len(row))
    block = row * batch
    for _ in range(rows // batch):
        yield block
    yield row * (rows % batch)
    yield b"</sheetData></worksheet>"


def numbers_row(values: list[int]) -> bytes:
    return ("<row>" + "".join(f"<c><v>{v}</v></c>" for v in values) + "</row>").encode()


def rows_bomb(path: Path, header: list[str], rows: int) -> Path:
    """``rows`` rows of answers 3 under ``header``: a few MB that expand to ``rows`` x ~130 B."""
    row = numbers_row([3] * len(header))
    return write_xlsx_parts(path, {SHEET: sheet_xml(header, row, rows)})


def wide_bomb(path: Path, columns: int, rows: int) -> Path:
    """A sheet ``columns`` wide (U1..U9 first) and ``rows`` deep."""
    header = [f"U{i}" for i in range(1, 10)] + [f"X{i}" for i in range(columns - 9)]
    return write_xlsx_parts(path, {SHEET: sheet_xml(header, numbers_row([1] * columns), rows)})


def shared_strings_bomb(path: Path, strings: int) -> Path:
    """A shared-strings table of ``strings`` one-letter strings (the sheet itself is small)."""

    def table() -> Iterable[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{strings}" '
            f'uniqueCount="{strings}">'
        ).encode()
        block = b"<si><t>x</t></si>" * 10_000
        for _ in range(strings // 10_000):
            yield block
        yield b"</sst>"

    header = [f"U{i}" for i in range(1, 10)]
    row = ("<row>" + '<c t="s"><v>0</v></c>' + "<c><v>3</v></c>" * 8 + "</row>").encode()
    return write_xlsx_parts(path, {STRINGS: table(), SHEET: sheet_xml(header, row, 10)})


def enormous_field_csv(path: Path, size: int) -> Path:
    """U1..U9 then a row whose last cell opens a quote that never closes: ``size`` bytes."""
    with path.open("wb") as fh:
        fh.write(b'U1,U2,U3,U4,U5,U6,U7,U8,U9,saran\n3,3,3,3,3,3,3,3,3,"')
        piece = b"x" * (1 << 20)
        for _ in range(size >> 20):
            fh.write(piece)
    return path


@dataclass
class Measured:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


CHILD = """
import atexit, sys
PEAK_FILE = sys.argv[1]
def peak():
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmHWM:"))
    with open(PEAK_FILE, "w") as out:
        out.write(line.split()[1])
atexit.register(peak)
sys.argv = ["prima", *sys.argv[2:]]
from prima.cli.main import main
sys.exit(main())
"""


def run_measured(*args: str | Path, timeout: float = 120) -> Measured:
    """Run ``prima ARGS`` as a child process with its wall time and its own peak resident
    memory: ``VmHWM`` of the process image after exec (``ru_maxrss`` of a forked child would
    count the parent's pages copied before exec)."""
    env = {k: v for k, v in os.environ.items() if k != "PRIMA_LANG"}
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(peak_file), *map(str, args)],
            capture_output=True,
            env=env,
            timeout=timeout,
            check=False,
        )
        seconds = time.perf_counter() - start
        peak_mb = int(peak_file.read_text()) / 1024  # kB
    return Measured(done.returncode, done.stdout.decode(), done.stderr.decode(), seconds, peak_mb)
