"""The fast export (cells computed by the database, rows written in a second thread, the
streaming XLSX writer) writes exactly what the export wrote before, cell for cell.

The reference below is the export as it was (Django's ORM values, one Python row at a time,
``csv.writer`` and openpyxl's write-only mode). Hostile and odd values on purpose: formula
starts in every text column (profile and names too), quotes, commas and line breaks, empty text,
missing answers, negative numbers, flagged and included responses, instants a microsecond before
a second and on both sides of daylight-saving changes.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from prima.demo.seeding import seed_responses
from prima.organizations.models import Service, StaffMember, Unit
from prima.surveys.models import Response
from prima.transfers import export as export_module
from prima.transfers.export import (
    answer_keys,
    export_columns,
    export_queryset,
    export_rows,
    export_to_path,
    profile_keys,
    write_csv,
    write_xlsx,
)
from tests.web.personas import skm_answers, submit

ODD_TEXT = [
    '=HYPERLINK("http://evil.example","klik")',
    "+62 812 000",
    "-  ruang tunggu panas",
    "@SUM(A1)",
    "\tdi awal tab",
    "\rdi awal CR",
    'kutip "ganda", koma; dan\nbaris baru\r\nlagi',
    "  spasi di tepi  ",
    "",
    "teks biasa é ü 中文 😀",
    "<b>&amp;</b>",
    "kontrol\x01\x1fdi tengah",
]


def neutralise(value):
    """The reference's own formula neutralisation (not the code under test's)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def reference_rows(survey, responses=None):
    """The rows as the export computed them before (ORM values, one row at a time)."""
    answers_at, profile_at = answer_keys(survey), profile_keys(survey)
    tz = timezone.get_current_timezone()
    fields = (
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
    for r in export_queryset(survey, responses).values_list(*fields):
        (pk, sid, at, unit, service, staff, channel, un, sn, stn) = r[:10]
        answers, profile, suggestion, flag, detail, included = r[10:]
        answers = answers if isinstance(answers, dict) else {}
        profile = profile if isinstance(profile, dict) else {}
        yield [
            pk,
            str(sid),
            timezone.localtime(at, tz),
            unit,
            service,
            staff,
            neutralise(channel),
            neutralise(un),
            neutralise(sn),
            neutralise(stn),
            *(answers.get(k) for k in answers_at),
            *(neutralise(profile.get(k)) for k in profile_at),
            neutralise(suggestion or None),
            (flag or None) if not included else None,
            neutralise(detail + (" (disertakan setelah ditinjau)" if included else "")) or None,
        ]


def rfc4180_field(value) -> str:
    """A field as RFC 4180 writes it: quoted when it holds a comma, a quote, a line feed or a
    carriage return (csv.writer leaves a bare carriage return unquoted when lines end in
    "\\n", which other readers take for a line end)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def reference_csv(survey) -> str:
    lines = [",".join(export_columns(survey))]
    lines += [",".join(map(rfc4180_field, row)) for row in reference_rows(survey)]
    return "\n".join(lines) + "\n"


def reference_xlsx_values(survey) -> list[tuple]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append(export_columns(survey))
    for row in reference_rows(survey):
        sheet.append(
            [
                v.replace(tzinfo=None)
                if isinstance(v, datetime)
                else ILLEGAL_CHARACTERS_RE.sub("", v)
                if isinstance(v, str)
                else v
                for v in row
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return _sheet_values(buffer.getvalue(), "responses")


def _sheet_values(data: bytes, name: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    values = [tuple(row) for row in book[name].iter_rows(values_only=True)]
    book.close()
    return values


def _odd_world(world):
    """Seeded responses of both surveys plus one response per odd text, with odd values in
    every column."""
    seed_responses(survey=world.skm, count=40, seed=11)
    seed_responses(survey=world.a6, count=40, seed=12)  # keys with dots: X.harapan
    Unit.objects.filter(pk=world.upt2.pk).update(name="=Unit Jahat")
    Service.objects.filter(pk=world.service1.pk).update(name="@Layanan")
    StaffMember.objects.filter(pk=world.staff1.pk).update(name="-Petugas")
    stamps = [
        datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),  # Berlin: CET -> CEST at 01:00
        datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 59, 59, 500000, tzinfo=UTC),  # CEST -> CET at 01:00
        datetime(2026, 10, 25, 1, 0, 0, 1, tzinfo=UTC),
        datetime(2019, 7, 1, 12, 0, 0, 999999, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    for i, text in enumerate(ODD_TEXT):
        answers = skm_answers()
        response = submit(
            world.skm,
            answers,
            unit=world.loket1 if i % 2 else world.upt1,
            service_id=world.service1.pk if i % 3 == 0 else None,
            staff_id=world.staff1.pk if i % 2 else None,
        )
        del answers["U4"]  # a missing answer
        Response.objects.filter(pk=response.pk).update(
            answers=answers if i % 2 else skm_answers(),
            profile={"sex": text, "age": -5 if i % 2 else 40, "education": "=1+1"} if i % 3 else {},
            suggestion=text,
            flag="honeypot" if i % 4 == 1 else ("too_fast" if i % 4 == 2 else ""),
            flag_detail="" if i % 4 == 0 else text,
            flag_included=i % 4 == 2,
            submitted_at=stamps[i % len(stamps)],
        )
    Unit.objects.filter(pk=world.upt1.pk).update(name='Unit, dengan "kutip"\nbaris')


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Europe/Berlin", "America/St_Johns"])
def test_csv_is_byte_for_byte_the_reference(world, settings, zone):
    settings.TIME_ZONE = zone
    _odd_world(world)
    for survey in (world.skm, world.a6):
        out = io.StringIO()
        n = write_csv(survey, out)
        assert n == Response.objects.filter(survey=survey).count() >= 40
        assert out.getvalue() == reference_csv(survey)
    out = io.StringIO()
    write_csv(world.skm, out)
    text = out.getvalue()
    for start in ("=HYPERLINK", "=Unit Jahat", "@Layanan", "-Petugas", "@SUM", "=1+1"):
        assert text.count(start) == text.count("'" + start) > 0, start


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Europe/Berlin"])
def test_xlsx_cells_are_the_references(world, settings, zone, tmp_path):
    settings.TIME_ZONE = zone
    _odd_world(world)
    for survey in (world.skm, world.a6):
        path = tmp_path / f"{survey.code}.xlsx"
        n = export_to_path(survey, path, fmt="xlsx")
        assert n == Response.objects.filter(survey=survey).count()
        assert _sheet_values(path.read_bytes(), "responses") == reference_xlsx_values(survey)
    # what the SKM report reads: the same Python values as before
    assert list(export_rows(world.skm)) == list(reference_rows(world.skm))


def test_pages_sheets_and_progress_across_boundaries(world, monkeypatch, tmp_path):
    """Small pages and sheets: every row once, in id order, each sheet with the header;
    progress at every multiple and at the end."""
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 7)
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 10)
    seed_responses(survey=world.skm, count=60, seed=13)
    total = Response.objects.filter(survey=world.skm).count()
    ids = sorted(Response.objects.filter(survey=world.skm).values_list("pk", flat=True))
    calls: list[int] = []
    path = tmp_path / "x.xlsx"
    with path.open("wb") as fh:
        assert write_xlsx(world.skm, fh, progress=calls.append, sheet_rows=5) == total
    assert calls == [*range(10, total + 1, 10), total]
    book = load_workbook(path, read_only=True)
    names = book.sheetnames
    assert names == ["responses"] + [f"responses-{i}" for i in range(2, -(-total // 5) + 1)] + [
        "survey"
    ]
    seen = []
    for name in names[:-1]:
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == export_columns(world.skm)
        assert 1 <= len(rows) - 1 <= 5
        seen += [row[0] for row in rows[1:]]
    assert seen == ids
    calls.clear()
    out = io.StringIO()
    assert write_csv(world.skm, out, progress=calls.append) == total
    assert [int(r[0]) for r in list(csv.reader(io.StringIO(out.getvalue())))[1:]] == ids
    assert calls == [*range(10, total + 1, 10), total]


def test_a_failing_writer_stops_the_export_and_leaves_no_file(world, tmp_path, monkeypatch):
    seed_responses(survey=world.skm, count=30, seed=14)
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 5)
    pages_read = []
    real = export_module._fetch_page

    def counted(*args, **kwargs):
        page = real(*args, **kwargs)
        pages_read.append(page[1])
        return page

    monkeypatch.setattr(export_module, "_fetch_page", counted)

    class Full(io.StringIO):
        """Takes the header, then the disk is full."""

        def write(self, text):
            if self.tell():
                raise OSError(28, "No space left on device")
            return super().write(text)

    with pytest.raises(OSError, match="No space left"):
        write_csv(world.skm, Full())
    assert len(pages_read) < 5  # stopped reading soon after the first failed page
    target = tmp_path / "x.csv"
    monkeypatch.setattr(
        export_module, "csv_text", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "I/O"))
    )
    with pytest.raises(OSError, match="I/O"):
        export_to_path(world.skm, target, fmt="csv")
    assert list(tmp_path.iterdir()) == []
