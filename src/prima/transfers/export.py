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

Exports of any size keep memory bounded: rows are read in pages by primary key (keyset
pagination: each page is one short query, so no cursor stays open while a job records its
progress, on SQLite and PostgreSQL alike) and written as they come (openpyxl's write-only
mode for XLSX). Nothing is ever cut off: an XLSX sheet holds at most 1,048,576 rows (the
header and :data:`XLSX_SHEET_ROWS` responses), so a larger export continues on the sheets
``responses-2``, ``responses-3``... and the ``survey`` sheet says how the rows are split.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone

from prima.surveys.models import Response, Survey
from prima.surveys.profile import profile_fields

META_COLUMNS = ["id", "submission_id", "submitted_at", "unit", "service", "staff", "channel"]
NAME_COLUMNS = ["unit_name", "service_name", "staff_name"]
SUGGESTION_COLUMN = "suggestion"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 5000
XLSX_SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows per sheet, less the header
PROGRESS_EVERY = 10_000  # rows between two progress reports

Progress = Callable[[int], None]
"""Called with the number of rows written so far (every :data:`PROGRESS_EVERY` and at the end)."""

_FIELDS = (
    "id",
    "submission_id",
    "submitted_at",
    "unit_id",
    "service_id",
    "staff_id",
    "channel",
    "unit__name",
    "service__name",
    "staff__name",
    "answers",
    "profile",
    "suggestion",
    "flag",
    "flag_detail",
    "flag_included",
)
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
    answers_at = answer_keys(survey)
    profile_at = profile_keys(survey)
    tz = timezone.get_current_timezone()
    qs = export_queryset(survey, responses)
    if last_id is not None:
        qs = qs.filter(pk__lte=last_id)
    after = 0
    while True:
        page = list(qs.filter(pk__gt=after).values_list(*_FIELDS)[:chunk_size])
        if not page:
            return
        after = page[-1][0]
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
            answers,
            profile,
            suggestion,
            flag,
            flag_detail,
            flag_included,
        ) in page:
            answers = answers if isinstance(answers, dict) else {}
            profile = profile if isinstance(profile, dict) else {}
            yield [
                pk,
                str(submission_id),
                timezone.localtime(submitted_at, tz),
                unit_id,
                service_id,
                staff_id,
                neutralise(channel),
                neutralise(unit_name),
                neutralise(service_name),
                neutralise(staff_name),
                *(answers.get(k) for k in answers_at),
                *(neutralise(profile.get(k)) for k in profile_at),
                neutralise(suggestion or None),
                # ``flag`` holds the reason only while the response is left out of the
                # indices, so ``prima analyze`` (which skips flagged rows) counts exactly
                # what Prima counts
                (flag or None) if not flag_included else None,
                neutralise(
                    flag_detail + (" (disertakan setelah ditinjau)" if flag_included else "")
                )
                or None,
            ]
        if len(page) < chunk_size:
            return


def _counting(rows: Iterator[list[Any]], progress: Progress | None) -> Iterator[list[Any]]:
    """``rows``, reporting to ``progress`` every :data:`PROGRESS_EVERY` rows and at the end."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    if progress is not None:
        progress(n)


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


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def write_csv(
    survey: Survey,
    stream: IO[str],
    responses: QuerySet[Response] | None = None,
    *,
    progress: Progress | None = None,
    last_id: int | None = None,
) -> int:
    """Write UTF-8 text CSV (comma, header first) to ``stream``; returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(export_columns(survey))
    n = 0
    for row in _counting(export_rows(survey, responses, last_id=last_id), progress):
        writer.writerow([_csv_cell(v) for v in row])
        n += 1
    return n


def write_xlsx(
    survey: Survey,
    target: str | Path | IO[bytes],
    responses: QuerySet[Response] | None = None,
    *,
    progress: Progress | None = None,
    last_id: int | None = None,
    sheet_rows: int | None = None,
) -> int:
    """Write an XLSX workbook (openpyxl write-only): the responses on the first sheet (and on
    ``responses-2``... past ``sheet_rows`` rows each, every one with the header), the
    survey's description on the last. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)  # local wall time; Excel has no time zones
        if isinstance(value, str):
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        return value

    sheet_rows = sheet_rows or XLSX_SHEET_ROWS
    book = Workbook(write_only=True)
    header = export_columns(survey)
    sheet = book.create_sheet("responses")
    sheet.append(header)
    n = 0
    for row in _counting(export_rows(survey, responses, last_id=last_id), progress):
        if n and n % sheet_rows == 0:  # the sheet is full: go on with the next one
            sheet = book.create_sheet(xlsx_sheet_names(n + 1, sheet_rows)[-1])
            sheet.append(header)
        sheet.append([cell(v) for v in row])
        n += 1
    names = xlsx_sheet_names(n, sheet_rows)
    info = book.create_sheet("survey")
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
        info.append([key, cell(neutralise(value))])
    if len(names) > 1:
        info.append(["note", sheet_split_note(n, len(names), sheet_rows)])
    book.save(target)
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
