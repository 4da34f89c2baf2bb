"""The export's cells computed by the database, so that a million rows need no Python per cell.

:func:`csv_cells` selects, for each response, the CSV cells exactly as
:func:`prima.transfers.export.export_rows` would print them: the submission id as text with
hyphens, ``submitted_at`` in the site's time zone as ISO 8601 to the second with its UTC offset,
the answers and profile values read from the JSON columns, text that a spreadsheet would run as
a formula prefixed with ``'``, empty text as NULL. :func:`raw_cells` selects the raw values for
the rows that Python completes (XLSX, the SKM report). Both are querysets of tuples read through
a plain cursor page by page (:func:`pages`), so Django's per-value converters never run.

SQLite (``json_extract``, ``strftime``) and PostgreSQL (``->>``, ``to_char``) each get their own
SQL; the time zone's UTC offsets over the exported period are fixed in the query (a ``CASE`` over
the zone's transitions), which is exact for any zone and costs nothing for zones without
daylight saving time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from django.db import connections
from django.db.models import F, Func, Max, Min, QuerySet, TextField
from django.db.models.expressions import Expression

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INCLUDED_NOTE = " (disertakan setelah ditinjau)"


class VendorSql(Func):
    """SQL written per database vendor: ``templates[vendor]`` is ``(sql, params)`` where the
    sql holds ``{0}``, ``{1}``... for the compiled ``expressions`` (which take no params)."""

    def __init__(
        self,
        *expressions: Any,
        templates: dict[str, tuple[str, Sequence[Any]]],
        output_field: Any = None,
    ) -> None:
        super().__init__(*expressions, output_field=output_field or TextField())
        self.templates = templates

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        if connection.vendor not in self.templates:
            raise NotImplementedError(f"export cells have no SQL for {connection.vendor}")
        sql, params = self.templates[connection.vendor]
        parts = []
        for expression in self.get_source_expressions():
            part, inner = compiler.compile(expression)
            if inner:
                raise ValueError("VendorSql: source expressions must take no parameters")
            parts.append(part)
        return sql.format(*parts), list(params)


def _in_formula_starts() -> tuple[str, list[str]]:
    return "(" + ", ".join(["%s"] * len(FORMULA_STARTS)) + ")", list(FORMULA_STARTS)


def neutralised(expression: Expression | F, *, empty_as_null: bool = True) -> VendorSql:
    """A text column with a leading ``'`` when a spreadsheet would read it as a formula;
    empty text as NULL (or as it is)."""
    starts, params = _in_formula_starts()
    otherwise = "NULLIF({0}, '')" if empty_as_null else "{0}"
    sql = f"CASE WHEN substr({{0}}, 1, 1) IN {starts} THEN '''' || {{0}} ELSE {otherwise} END"
    return VendorSql(expression, templates={"sqlite": (sql, params), "postgresql": (sql, params)})


def _json_path(key: str) -> str:
    """SQLite's JSON path of one object key (any characters, quoted)."""
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def json_value(column: str, key: str) -> VendorSql:
    """``column[key]`` of a JSON object: SQLite gives the JSON number as a number, PostgreSQL
    its text (the CSV cell is the same); empty text as NULL (an empty cell either way, but
    PostgreSQL's ``COPY`` would write ``""`` for it)."""
    return VendorSql(
        F(column),
        templates={
            "sqlite": ("NULLIF(json_extract({0}, %s), '')", [_json_path(key)]),
            "postgresql": ("NULLIF(({0} ->> %s), '')", [key]),
        },
    )


def json_text_neutralised(column: str, key: str) -> VendorSql:
    """``column[key]`` as :func:`json_value`, text neutralised against formulas (numbers as
    they are, empty text as NULL)."""
    starts, params = _in_formula_starts()
    lite = "json_extract({0}, %s)"
    pg = "({0} ->> %s)"
    path = _json_path(key)
    return VendorSql(
        F(column),
        templates={
            "sqlite": (
                f"CASE WHEN substr({lite}, 1, 1) IN {starts} AND typeof({lite}) = 'text' "
                f"THEN '''' || {lite} ELSE NULLIF({lite}, '') END",
                [path, *params, path, path, path],
            ),
            "postgresql": (
                f"CASE WHEN substr({pg}, 1, 1) IN {starts} AND jsonb_typeof({{0}} -> %s) = "
                f"'string' THEN '''' || {pg} ELSE NULLIF({pg}, '') END",
                [key, *params, key, key, key],
            ),
        },
    )


def uuid_text() -> VendorSql:
    """``submission_id`` as ``8-4-4-4-12`` hex (SQLite stores 32 hex digits)."""
    parts = " || '-' || ".join(
        f"substr({{0}}, {start}, {length})"
        for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    )
    return VendorSql(
        F("submission_id"),
        templates={"sqlite": (parts, []), "postgresql": ("{0}::text", [])},
    )


def timestamp_text() -> VendorSql:
    """``submitted_at`` as stored: text on SQLite (read without Django's converter), the
    timestamp on PostgreSQL."""
    return VendorSql(
        F("submitted_at"),
        templates={"sqlite": ("CAST({0} AS TEXT)", []), "postgresql": ("{0}", [])},
    )


def offset_text(offset: timedelta) -> str:
    """A UTC offset as :meth:`datetime.isoformat` writes it: ``+07:00``, ``-03:30``."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def offset_segments(
    tz: tzinfo, start: datetime | None, end: datetime | None
) -> list[tuple[datetime | None, timedelta]]:
    """The zone's UTC offsets from ``start`` to ``end`` (aware): ``(until, offset)`` pairs in
    time order, ``until`` the first instant (UTC) of the next offset, None for the last.

    Found by probing every day and halving each day where the offset changes, to the second."""

    def offset_at(moment: datetime) -> timedelta:
        return moment.astimezone(tz).utcoffset() or timedelta(0)

    now = datetime.now(UTC)
    start = (start or now).astimezone(UTC).replace(microsecond=0)
    end = max((end or now).astimezone(UTC), start)
    segments: list[tuple[datetime | None, timedelta]] = []
    current = offset_at(start)
    day = timedelta(days=1)
    probe = start
    while probe < end:
        following = min(probe + day, end + timedelta(seconds=1))
        if offset_at(following) != current:
            low, high = probe, following  # offset(low) == current != offset(high)
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if offset_at(middle) == current:
                    low = middle
                else:
                    high = middle
            segments.append((high, current))
            current = offset_at(high)
            probe = high
        else:
            probe = following
    segments.append((None, current))
    return segments


def local_timestamp(segments: list[tuple[datetime | None, timedelta]]) -> VendorSql:
    """``submitted_at`` in local time as ``YYYY-MM-DDTHH:MM:SS+hh:mm`` (seconds truncated)."""

    def lite(offset: timedelta) -> tuple[str, list[Any]]:
        return (
            "(strftime('%%Y-%%m-%%dT%%H:%%M:%%S', substr({0}, 1, 19), %s) || %s)",
            [f"{int(offset.total_seconds()):+d} seconds", offset_text(offset)],
        )

    def pg(offset: timedelta) -> tuple[str, list[Any]]:
        return (
            "(to_char(date_trunc('second', {0} AT TIME ZONE 'UTC') + %s::interval, "
            "'YYYY-MM-DD\"T\"HH24:MI:SS') || %s)",
            [f"{int(offset.total_seconds())} seconds", offset_text(offset)],
        )

    templates: dict[str, tuple[str, Sequence[Any]]] = {}
    for vendor, piece in (("sqlite", lite), ("postgresql", pg)):
        if len(segments) == 1:
            templates[vendor] = piece(segments[0][1])
            continue
        sql, params = "CASE", []
        for until, offset in segments:
            part, part_params = piece(offset)
            if until is None:
                sql += f" ELSE {part}"
                params += part_params
            else:
                bound = (
                    until.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
                    if vendor == "sqlite"
                    else until
                )
                sql += f" WHEN {{0}} < %s THEN {part}"
                params += [bound, *part_params]
        templates[vendor] = (sql + " END", params)
    return VendorSql(F("submitted_at"), templates=templates)


def flag_cell() -> VendorSql:
    """The reason a response is left out of the indices; NULL once it is included."""
    sql = "CASE WHEN {0} THEN NULL ELSE NULLIF({1}, '') END"
    return VendorSql(
        F("flag_included"), F("flag"), templates={"sqlite": (sql, []), "postgresql": (sql, [])}
    )


def flag_detail_cell() -> VendorSql:
    """The flag's detail, with a note once an admin included the response; neutralised."""
    starts, params = _in_formula_starts()
    text = "({1} || CASE WHEN {0} THEN %s ELSE '' END)"
    sql = (
        f"CASE WHEN substr({text}, 1, 1) IN {starts} THEN '''' || {text} "
        f"ELSE NULLIF({text}, '') END"
    )
    all_params = [INCLUDED_NOTE, *params, INCLUDED_NOTE, INCLUDED_NOTE]
    return VendorSql(
        F("flag_included"),
        F("flag_detail"),
        templates={"sqlite": (sql, all_params), "postgresql": (sql, all_params)},
    )


class CsvCells:
    """``qs`` (ordered by id) as rows of the CSV cells in the export's column order, a page
    of ids at a time (:meth:`page_sql`). (Reading each JSON value once in an inner query and
    neutralising in an outer one was measured slower on SQLite: 10.6-11.5 against 9.5-10.4
    us a row.)"""

    def __init__(
        self, qs: QuerySet[Any], answer_keys: list[str], profile_keys: list[str], tz: tzinfo
    ) -> None:
        self.db = qs.db
        span = qs.order_by().aggregate(start=Min("submitted_at"), end=Max("submitted_at"))
        self.cells = qs.values_list(
            "pk",
            uuid_text(),
            local_timestamp(offset_segments(tz, span["start"], span["end"])),
            "unit_id",
            "service_id",
            "staff_id",
            neutralised(F("channel")),
            neutralised(F("unit__name")),
            neutralised(F("service__name")),
            neutralised(F("staff__name")),
            *(json_value("answers", k) for k in answer_keys),
            *(json_text_neutralised("profile", k) for k in profile_keys),
            neutralised(F("suggestion")),
            flag_cell(),
            flag_detail_cell(),
        )

    def page_sql(self, lo: int, hi: int | None) -> tuple[str, list[Any]]:
        """The SQL of the rows with ``lo < id <= hi`` (``hi`` None: no upper bound), by id."""
        page = self.cells.filter(pk__gt=lo)
        if hi is not None:
            page = page.filter(pk__lte=hi)
        sql, params = page.query.sql_with_params()
        return sql, list(params)


def csv_cells(
    qs: QuerySet[Any], answer_keys: list[str], profile_keys: list[str], tz: tzinfo
) -> CsvCells:
    """``qs`` (ordered by id) as the CSV cells (:class:`CsvCells`)."""
    return CsvCells(qs, answer_keys, profile_keys, tz)


def row_cells(qs: QuerySet[Any]) -> QuerySet[Any]:
    """``qs`` as tuples for the rows that Python completes (XLSX, the SKM report): the cells
    of :func:`csv_cells` (text as it is, empty text too) except ``submitted_at`` as stored
    (text in UTC on SQLite, an aware datetime on PostgreSQL) and the ``answers`` and
    ``profile`` JSON as text, in place of their columns."""
    as_text = {"sqlite": ("{0}", []), "postgresql": ("{0}::text", [])}
    return qs.values_list(
        "pk",
        uuid_text(),
        timestamp_text(),
        "unit_id",
        "service_id",
        "staff_id",
        neutralised(F("channel"), empty_as_null=False),
        neutralised(F("unit__name"), empty_as_null=False),
        neutralised(F("service__name"), empty_as_null=False),
        neutralised(F("staff__name"), empty_as_null=False),
        VendorSql(F("answers"), templates=as_text),
        VendorSql(F("profile"), templates=as_text),
        neutralised(F("suggestion")),
        flag_cell(),
        flag_detail_cell(),
    )


def pages(
    cells: QuerySet[Any], chunk_size: int, last_id: int | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``cells`` (first value: the id) in pages of ``chunk_size`` by id (keyset
    pagination: one short query per page), read through a plain cursor."""
    if last_id is not None:
        cells = cells.filter(pk__lte=last_id)
    connection = connections[cells.db]
    after = 0
    while True:
        sql, params = cells.filter(pk__gt=after)[:chunk_size].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            page = cursor.fetchall()
        if not page:
            return
        yield page
        if len(page) < chunk_size:
            return
        after = page[-1][0]
