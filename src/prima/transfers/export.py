"""A survey's responses as a table: ``prima export responses`` and the back office's export
jobs (:mod:`prima.transfers.export_jobs`).

One row per response, in the order the results are computed (by id), with the columns

    id, submission_id, submitted_at, unit, service, staff, channel,
    unit_name, service_name, staff_name,
    <one column per question key, exactly as ``prima analyze`` reads them>,
    profile.<field>..., suggestion

The question keys come from :mod:`prima.instruments.questions` (``U1``..``U9`` for SKM,
``X.harapan`` / ``X.kinerja`` for paired items, ``csat`` / ``nps`` / ``kembali`` for the quick
form), so ``prima analyze`` on an export gives the numbers that the results page and the API
show for the same responses. Contact details are not exported.

Text that a person typed (suggestions, names) and that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with a single
quote, in CSV and XLSX alike.

Exports of any size keep memory bounded: rows are read in pages by primary key (each page is
one short query, so no cursor stays open while a job records its progress, on SQLite and
PostgreSQL alike) and written as they come (:mod:`prima.xlsx_stream` for XLSX). On
PostgreSQL the server writes each page's CSV itself (``COPY ... TO STDOUT (FORMAT csv)``) and two
threads on connections of their own read alternate pages
(:mod:`prima.transfers.export_parallel`); SQLite's pages are read by two forked processes
(its module holds Python's lock while it steps, so a second thread was measured slower), each
on its own connection to the database file, and go through :mod:`csv` there; pages come back
in order. A database in memory or inside a transaction is read by this thread alone. A field holding a comma, a quote, a line feed or a carriage return is
quoted (RFC 4180; Python's ``csv`` alone leaves a lone carriage return bare when lines end in
``\n``, which other readers take for a line end).

Nothing is ever cut off: an XLSX sheet holds at most 1,048,576 rows (the
header and :data:`XLSX_SHEET_ROWS` responses), so a larger export continues on the sheets
``responses-2``, ``responses-3``... and the ``survey`` sheet says how the rows are split.
"""

from __future__ import annotations

import csv
import io
import itertools
import multiprocessing
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from prima import formats
from prima.surveys.anonymity import refuse_employee  # every writer: issue 12
from prima.surveys.models import Response, Survey
from prima.surveys.profile import profile_fields
from prima.transfers.export_cells import (
    FORMULA_STARTS,
    CsvCells,
    csv_cells,
    pages,
    row_cells,
)
from prima.transfers.export_parallel import IdRange, id_ranges, parallel_ordered, process_ordered
from prima.xlsx_stream import XlsxStream

META_COLUMNS = ["id", "submission_id", "submitted_at", "unit", "service", "staff", "channel"]
NAME_COLUMNS = ["unit_name", "service_name", "staff_name"]
SUGGESTION_COLUMN = "suggestion"
FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 10_000  # rows per query
READERS = 2  # threads reading a PostgreSQL CSV export's pages
PROCESSES = 2  # processes reading a SQLite CSV export's pages
XLSX_SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows per sheet, less the header
PROGRESS_EVERY = 10_000  # rows between two progress reports

Progress = Callable[[int], None]
"""Called with the number of rows written so far (every :data:`PROGRESS_EVERY` and at the end)."""

FLAG_COLUMNS = ["flag", "flag_detail"]


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading ``'``.

    >>> neutralise("=HYPERLINK(1)"), neutralise("- ruang tunggu panas"), neutralise("Baik"), neutralise(3)
    ("'=HYPERLINK(1)", "'- ruang tunggu panas", 'Baik', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def answer_keys(survey: Survey) -> list[str]:
    return [q.key for q in survey.instrument_version.questions]


def profile_keys(survey: Survey) -> list[str]:
    return [f["id"] for f in profile_fields(survey.instrument_version.parsed)]


def export_columns(survey: Survey) -> list[str]:
    """The header row."""
    return [
        *META_COLUMNS,
        *NAME_COLUMNS,
        *answer_keys(survey),
        *(f"profile.{k}" for k in profile_keys(survey)),
        SUGGESTION_COLUMN,
        *FLAG_COLUMNS,
    ]


def export_queryset(
    survey: Survey, responses: QuerySet[Response] | None = None
) -> QuerySet[Response]:
    """``responses`` (default: all of the survey's), limited to the survey, ordered by id.

    A caller that must scope the rows (a manager's unit subtree) passes its own queryset.
    """
    refuse_employee(survey)
    qs = Response.objects.all() if responses is None else responses
    return qs.filter(survey=survey).order_by("pk")


def export_rows(
    survey: Survey,
    responses: QuerySet[Response] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    last_id: int | None = None,
) -> Iterator[list[Any]]:
    """The data rows (without the header), streamed from the database in pages of
    ``chunk_size`` by primary key; with ``last_id`` only responses up to that id (an export
    job fixes its rows when it starts).

    Values: ids and answers as ``int`` (``None`` when blank), ``submitted_at`` as an aware
    datetime in the site's time zone, text neutralised against formula injection.
    """
    for page in _row_pages(survey, responses, chunk_size=chunk_size, last_id=last_id):
        yield from page


def _row_pages(
    survey: Survey,
    responses: QuerySet[Response] | None,
    *,
    chunk_size: int,
    last_id: int | None,
) -> Iterator[list[list[Any]]]:
    """:func:`export_rows` in pages (raw values from one query per page, JSON parsed once a
    row)."""
    answers_at = answer_keys(survey)
    profile_at = profile_keys(survey)
    tz = timezone.get_current_timezone()
    loads = orjson.loads
    parse = datetime.fromisoformat
    starts = FORMULA_STARTS
    for page in pages(row_cells(export_queryset(survey, responses)), chunk_size, last_id):
        rows = []
        for cells in page:
            answers_json, profile_json = cells[10], cells[11]
            answers = loads(answers_json) if answers_json else None
            profile = loads(profile_json) if profile_json else None
            if not isinstance(answers, dict):
                answers = {}
            if not isinstance(profile, dict):
                profile = {}
            stamp = cells[2]
            if stamp.__class__ is str:  # SQLite: UTC as text
                stamp = parse(stamp).replace(tzinfo=UTC)
            rows.append(
                [
                    cells[0],
                    cells[1],
                    stamp.astimezone(tz),
                    *cells[3:10],
                    *map(answers.get, answers_at),
                    *[
                        "'" + v if v.__class__ is str and v.startswith(starts) else v
                        for v in map(profile.get, profile_at)
                    ],
                    *cells[12:],
                ]
            )
        yield rows


def _write_behind(
    pages: Iterator[Any],
    write: Callable[[Any], None],
    progress: Progress | None,
    size: Callable[[Any], int] = len,
) -> int:
    """Hand each page to ``write`` in a second thread while this one reads the next page
    (the database and zlib work without the GIL, so the two overlap); returns the rows written
    (``size(page)`` rows a page).

    ``progress`` (called here, where the database connection lives) hears of every multiple
    of :data:`PROGRESS_EVERY` rows written and of the total at the end. An error in ``write``
    stops the reading and is raised here."""
    handoff: queue.Queue[Any] = queue.Queue(maxsize=2)
    written = [0]
    failed: list[BaseException] = []

    def writer() -> None:
        while (page := handoff.get()) is not None:
            if failed:
                continue  # drain, so that the reader never blocks
            try:
                write(page)
            except BaseException as exc:
                failed.append(exc)
            else:
                written[0] += size(page)

    every = PROGRESS_EVERY
    reported = 0

    def report(upto: int) -> None:
        nonlocal reported
        if progress is not None:
            for mark in range((reported // every + 1) * every, upto + 1, every):
                progress(mark)
        reported = upto

    thread = threading.Thread(target=writer, name="export-writer", daemon=True)
    thread.start()
    try:
        for page in pages:
            if failed:
                break
            handoff.put(page)
            report(written[0])
    finally:
        handoff.put(None)
        thread.join()
    if failed:
        raise failed[0]
    report(written[0])
    if progress is not None:
        progress(written[0])
    return written[0]


def xlsx_sheet_count(rows: int, sheet_rows: int | None = None) -> int:
    """How many response sheets an XLSX export of ``rows`` responses has (``sheet_rows``
    responses each, default :data:`XLSX_SHEET_ROWS`).

    >>> xlsx_sheet_count(0), xlsx_sheet_count(1_048_575), xlsx_sheet_count(1_048_576)
    (1, 1, 2)
    """
    return max(1, -(-rows // (sheet_rows or XLSX_SHEET_ROWS)))


def xlsx_sheet_names(rows: int, sheet_rows: int | None = None) -> list[str]:
    return ["responses"] + [
        f"responses-{i}" for i in range(2, xlsx_sheet_count(rows, sheet_rows) + 1)
    ]


def csv_text(rows: list[Any] | list[tuple[Any, ...]]) -> str:
    r"""``rows`` as CSV lines ending in ``\n``, as :class:`csv.writer` writes them, except that a
    field holding a carriage return is quoted too.

    >>> csv_text([[1, "a,b", None, "x\ry"], ["", 'k"m'], [""]])
    '1,"a,b",,"x\ry"\n,"k""m"\n""\n'
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # "\r" in the terminator: quoted
    text = out.getvalue()
    if text.count("\r") == len(rows):  # no field holds a CR: every one ends a line
        return text.replace("\r\n", "\n")
    lines: list[str] = []
    writer = csv.writer(_LineSink(lines), lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return "".join(lines)


class _LineSink:
    r"""Takes :class:`csv.writer`'s lines one at a time, ``\r\n`` made ``\n``."""

    def __init__(self, lines: list[str]) -> None:
        self.append = lines.append

    def write(self, line: str) -> None:
        self.append(line[:-2] + "\n")


def _parallel_allowed(alias: str) -> bool:
    """Readers on connections of their own see what this one sees: not inside a transaction
    (whose rows they could not see, as in a test)."""
    return not connections[alias].in_atomic_block


def _copy_page(cells: CsvCells, bounds: IdRange) -> tuple[str, int]:
    """PostgreSQL: the page's CSV as the server writes it (``COPY``), and its row count."""
    connection = connections[cells.db]
    sql, params = cells.page_sql(*bounds)
    statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(statement) as copy:
            data = b"".join(copy)  # psycopg waits for each row (some 5 us a row)
        count = raw.rowcount
    return data.decode("utf-8"), count


def _fetch_page(cells: CsvCells, bounds: IdRange) -> tuple[str, int]:
    """The page's cells through a plain cursor, as CSV text, and its row count."""
    sql, params = cells.page_sql(*bounds)
    with connections[cells.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return csv_text(rows), len(rows)


def csv_pages(
    survey: Survey,
    responses: QuerySet[Response] | None = None,
    *,
    last_id: int | None = None,
    chunk_size: int | None = None,
) -> Iterator[tuple[str, int]]:
    """The export's data rows as CSV text, page by page with the number of rows in each."""
    qs = export_queryset(survey, responses)
    cells = csv_cells(
        qs, answer_keys(survey), profile_keys(survey), timezone.get_current_timezone()
    )
    work = _copy_page if _copies(qs.db) else _fetch_page
    ranges = id_ranges(qs, chunk_size or CHUNK_SIZE, last_id)
    if work is _copy_page and _parallel_allowed(qs.db):
        return parallel_ordered(ranges, lambda bounds: work(cells, bounds), READERS)
    if work is _fetch_page and _processes_allowed(qs.db):
        first = next(ranges)
        if first[1] is not None:  # more than one page: worth a process each
            jobs = itertools.chain([first], ranges)
            return process_ordered(jobs, lambda bounds: _fetch_page(cells, bounds), PROCESSES)
        ranges = iter([first])
    return (work(cells, bounds) for bounds in ranges)


def _processes_allowed(alias: str) -> bool:
    """SQLite in a file (worker processes open it themselves), outside a transaction, where
    processes can be forked."""
    connection = connections[alias]
    return (
        connection.vendor == "sqlite"
        and _parallel_allowed(alias)
        and not connection.is_in_memory_db()
        and "fork" in multiprocessing.get_all_start_methods()
        and PROCESSES > 1
    )


def _copies(alias: str) -> bool:
    """PostgreSQL through psycopg 3, which streams ``COPY ... TO STDOUT``."""
    if connections[alias].vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return bool(is_psycopg3)


def write_csv(
    survey: Survey,
    stream: IO[str],
    responses: QuerySet[Response] | None = None,
    *,
    progress: Progress | None = None,
    last_id: int | None = None,
) -> int:
    """Write UTF-8 text CSV (comma, header first) to ``stream``; returns the number of rows.

    The database computes every cell (:func:`prima.transfers.export_cells.csv_cells`); Python
    only joins pages of them into lines (:func:`csv_pages`)."""
    refuse_employee(survey)
    stream.write(csv_text([export_columns(survey)]))
    pages_ = csv_pages(survey, responses, last_id=last_id)
    try:
        return _write_behind(pages_, lambda page: stream.write(page[0]), progress, lambda p: p[1])
    finally:
        close = getattr(pages_, "close", None)
        if close is not None:
            close()


def write_xlsx(
    survey: Survey,
    target: str | Path | IO[bytes],
    responses: QuerySet[Response] | None = None,
    *,
    progress: Progress | None = None,
    last_id: int | None = None,
    sheet_rows: int | None = None,
) -> int:
    """Write an XLSX workbook (:class:`~prima.xlsx_stream.XlsxStream`): the responses
    on the first sheet (and on ``responses-2``... past ``sheet_rows`` rows each, every one
    with the header), the survey's description on the last. Returns the number of rows."""
    refuse_employee(survey)
    sheet_rows = sheet_rows or XLSX_SHEET_ROWS
    book = XlsxStream(target)
    header = export_columns(survey)
    sheet = book.add_sheet("responses")
    sheet.append(header)
    sheets = [sheet]
    done = [0]

    def write(page: list[Any]) -> None:
        at = 0
        while at < len(page):
            room = sheet_rows - (done[0] % sheet_rows)
            if done[0] and room == sheet_rows:  # the sheet is full: the next one
                sheets[0] = book.add_sheet(xlsx_sheet_names(done[0] + 1, sheet_rows)[-1])
                sheets[0].append(header)
            part = page[at : at + room]
            sheets[0].extend(part)
            done[0] += len(part)
            at += len(part)

    rows = _row_pages(survey, responses, chunk_size=CHUNK_SIZE, last_id=last_id)
    n = _write_behind(rows, write, progress)
    names = xlsx_sheet_names(n, sheet_rows)
    info = book.add_sheet("survey")
    version = survey.instrument_version
    for key, value in (
        ("code", survey.code),
        ("title", survey.title),
        ("organization", survey.organization.name),
        ("instrument", version.instrument.key),
        ("instrument_version", version.number),
        ("responses", n),
        ("sheets", ", ".join(names)),
        ("exported_at", timezone.localtime().replace(tzinfo=None, microsecond=0)),
    ):
        info.append([key, neutralise(value)])
    if len(names) > 1:
        info.append(["note", sheet_split_note(n, len(names), sheet_rows)])
    book.close()
    return n


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def sheet_split_note(rows: int, sheets: int, sheet_rows: int | None = None) -> str:
    """What an XLSX export split over several sheets says about it, in the active language
    (the page's; the worker's file: the installation's default)."""
    lang = get_language()
    return gettext(
        "%(total)s responses split over %(sheets)s sheets (responses, responses-2, ...), at "
        "most %(per)s rows a sheet because of Excel's limit; no row was cut off."
    ) % {
        "total": formats.number(rows, 0, lang),
        "sheets": formats.number(sheets, 0, lang),
        "per": formats.number(sheet_rows or XLSX_SHEET_ROWS, 0, lang),
    }


def export_to_path(
    survey: Survey,
    path: str | Path,
    *,
    fmt: str = "csv",
    responses: QuerySet[Response] | None = None,
    progress: Progress | None = None,
    last_id: int | None = None,
    sheet_rows: int | None = None,
) -> int:
    """Write the export to ``path`` atomically (a temporary file renamed into place)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")
    refuse_employee(survey)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        if fmt == "csv":
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                n = write_csv(survey, fh, responses, progress=progress, last_id=last_id)
        else:
            with os.fdopen(fd, "wb") as fh:
                n = write_xlsx(
                    survey,
                    fh,
                    responses,
                    progress=progress,
                    last_id=last_id,
                    sheet_rows=sheet_rows,
                )
        os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary new file (mkstemp makes 0600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
