"""A survey's responses as a table: ``prima export responses`` and the back office's export
jobs (:mod:`prima.surveys.export_jobs`).

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

Exports of any size keep memory bounded: rows are read in pages by primary key (keyset
pagination: each page is one short query, so no cursor stays open while a job records its
progress, on SQLite and PostgreSQL alike) and written as they come (openpyxl's write-only
mode for XLSX). Nothing is ever cut off: an XLSX sheet holds at most 1,048,576 rows (the
header and :data:`XLSX_SHEET_ROWS` responses), so a larger export continues on the sheets
``responses-2``, ``responses-3``... and the ``survey`` sheet says how the rows are split.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone

from prima.surveys.export_cells import FORMULA_STARTS, INCLUDED_NOTE, csv_cells, pages, raw_cells
from prima.surveys.models import Response, Survey
from prima.surveys.profile import profile_fields
from prima.surveys.xlsx_stream import XlsxStream

META_COLUMNS = ["id", "submission_id", "submitted_at", "unit", "service", "staff", "channel"]
NAME_COLUMNS = ["unit_name", "service_name", "staff_name"]
SUGGESTION_COLUMN = "suggestion"
FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 10_000  # rows per query
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
    loads = json.loads
    parse = datetime.fromisoformat
    cells = raw_cells(export_queryset(survey, responses))
    for page in pages(cells, chunk_size, last_id):
        rows = []
        for (
            pk,
            submission_id,
            submitted_at,
            unit_id,
            service_id,
            staff_id,
            channel,
            unit_name,
            service_name,
            staff_name,
            answers_json,
            profile_json,
            suggestion,
            flag,
            flag_detail,
            flag_included,
        ) in page:
            answers = loads(answers_json) if answers_json else None
            profile = loads(profile_json) if profile_json else None
            answers = answers if isinstance(answers, dict) else {}
            profile = profile if isinstance(profile, dict) else {}
            if isinstance(submitted_at, str):  # SQLite: UTC as text
                submitted_at = parse(submitted_at).replace(tzinfo=UTC)
            rows.append(
                [
                    pk,
                    submission_id,
                    submitted_at.astimezone(tz),
                    unit_id,
                    service_id,
                    staff_id,
                    neutralise(channel),
                    neutralise(unit_name),
                    neutralise(service_name),
                    neutralise(staff_name),
                    *map(answers.get, answers_at),
                    *(neutralise(profile.get(k)) for k in profile_at),
                    neutralise(suggestion or None),
                    # ``flag`` holds the reason only while the response is left out of the
                    # indices, so ``prima analyze`` (which skips flagged rows) counts exactly
                    # what Prima counts
                    (flag or None) if not flag_included else None,
                    neutralise(flag_detail + (INCLUDED_NOTE if flag_included else "")) or None,
                ]
            )
        yield rows


class _Counter:
    """Counts written rows and reports to ``progress`` at every multiple of
    :data:`PROGRESS_EVERY` passed and at the end."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.rows = 0

    def add(self, n: int) -> None:
        before, self.rows = self.rows, self.rows + n
        if self.progress is not None:
            every = PROGRESS_EVERY
            for mark in range((before // every + 1) * every, self.rows + 1, every):
                self.progress(mark)

    def finish(self) -> int:
        if self.progress is not None:
            self.progress(self.rows)
        return self.rows


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


def write_csv(
    survey: Survey,
    stream: IO[str],
    responses: QuerySet[Response] | None = None,
    *,
    progress: Progress | None = None,
    last_id: int | None = None,
) -> int:
    """Write UTF-8 text CSV (comma, header first) to ``stream``; returns the number of rows.

    The database computes every cell (:func:`prima.surveys.export_cells.csv_cells`); Python
    only hands pages of them to the CSV writer."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(export_columns(survey))
    counter = _Counter(progress)
    cells = csv_cells(
        export_queryset(survey, responses),
        answer_keys(survey),
        profile_keys(survey),
        timezone.get_current_timezone(),
    )
    for page in pages(cells, CHUNK_SIZE, last_id):
        writer.writerows(page)
        counter.add(len(page))
    return counter.finish()


def write_xlsx(
    survey: Survey,
    target: str | Path | IO[bytes],
    responses: QuerySet[Response] | None = None,
    *,
    progress: Progress | None = None,
    last_id: int | None = None,
    sheet_rows: int | None = None,
) -> int:
    """Write an XLSX workbook (:class:`~prima.surveys.xlsx_stream.XlsxStream`): the responses
    on the first sheet (and on ``responses-2``... past ``sheet_rows`` rows each, every one
    with the header), the survey's description on the last. Returns the number of rows."""
    sheet_rows = sheet_rows or XLSX_SHEET_ROWS
    book = XlsxStream(target)
    header = export_columns(survey)
    sheet = book.add_sheet("responses")
    sheet.append(header)
    counter = _Counter(progress)
    for page in _row_pages(survey, responses, chunk_size=CHUNK_SIZE, last_id=last_id):
        at = 0
        while at < len(page):
            room = sheet_rows - (counter.rows % sheet_rows)
            if counter.rows and room == sheet_rows:  # the sheet is full: the next one
                sheet = book.add_sheet(xlsx_sheet_names(counter.rows + 1, sheet_rows)[-1])
                sheet.append(header)
            part = page[at : at + room]
            sheet.extend(part)
            counter.add(len(part))
            at += len(part)
    n = counter.finish()
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
    """What an XLSX export split over several sheets says about it (Bahasa Indonesia)."""
    per = f"{sheet_rows or XLSX_SHEET_ROWS:,}".replace(",", ".")
    total = f"{rows:,}".replace(",", ".")
    return (
        f"{total} tanggapan dibagi ke {sheets} lembar (responses, responses-2, ...), paling "
        f"banyak {per} baris per lembar karena batas Excel; tidak ada baris yang terpotong."
    )


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
