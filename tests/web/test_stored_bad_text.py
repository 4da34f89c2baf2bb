"""A response stored before text was checked (a lone surrogate in ``contact.name``, NUL and
control characters in a suggestion) breaks no page: ``/manage/`` shows it with U+FFFD in place
of each such character, and migration 0009 replaces them in the stored rows, after which the
dashboard's suggestions, the CSV and XLSX exports and the SKM report show the text too."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.db import connection
from openpyxl import load_workbook

from prima.storable_text import unstorable_character
from prima.surveys.models import Response
from prima.transfers.models import ExportJob
from tests.web.personas import skm_answers, submit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

clean_stored_text = importlib.import_module(
    "prima.surveys.migrations.0009_clean_unstorable_text"
).clean_stored_text


@pytest.fixture
def immediate(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.TASKS = IMMEDIATE


def bad_texts() -> dict[str, object]:
    """What each database takes through the ORM: SQLite keeps lone surrogates in JSON (as
    escapes) and NUL in text; PostgreSQL refuses both but keeps other control characters."""
    if connection.vendor == "sqlite":
        return {
            "suggestion": "antre\x00an \x07panjang\ufffe",
            "contact": {"name": "Bu\udc00di", "phone": "08\x1b12"},
            "profile": {"education": "S1\ud800", "age": 30},
            "flag_detail": "ip: \x01",
        }
    return {
        "suggestion": "antre\x01an \x07panjang\ufffe",
        "contact": {"name": "Bu\x7fdi", "phone": "08\x1b12"},
        "profile": {"education": "S1\x02", "age": 30},
        "flag_detail": "ip: \x01",
    }


@pytest.fixture
def bad_row(world):
    row = submit(world.skm, skm_answers(), unit=world.upt1, suggestion="placeholder")
    Response.objects.filter(pk=row.pk).update(**bad_texts())
    row.refresh_from_db()
    assert unstorable_character(row.suggestion)
    assert unstorable_character(row.contact["name"])
    return row


def test_the_manage_page_shows_a_stored_bad_row(world, bad_row):
    alice = world.client("alice")
    r = alice.get(f"/manage/surveys/response/{bad_row.pk}/change/")
    assert r.status_code == 200
    html = r.content.decode("utf-8")
    assert "Bu\ufffddi" in html
    assert "antre\ufffdan" in html
    r = alice.get("/manage/surveys/response/")
    assert r.status_code == 200
    assert "ip: \ufffd" in r.content.decode("utf-8")


def test_the_migration_replaces_what_cannot_be_shown(world, bad_row):
    clean_stored_text(django_apps, connection.schema_editor())
    row = Response.objects.get(pk=bad_row.pk)
    assert row.suggestion == "antre\ufffdan \ufffdpanjang\ufffd"
    assert row.contact == {"name": "Bu\ufffddi", "phone": "08\ufffd12"}
    assert row.profile == {"education": "S1\ufffd", "age": 30}
    assert row.flag_detail == "ip: \ufffd"
    assert row.answers == skm_answers()
    # rows without such text are not touched
    others = Response.objects.exclude(pk=bad_row.pk)
    assert all(not unstorable_character(r.suggestion) for r in others)


def test_after_the_migration_every_page_and_export_shows_the_row(world, bad_row, immediate):
    clean_stored_text(django_apps, connection.schema_editor())
    alice = world.client("alice")
    code = world.skm.code
    r = alice.get(f"/app/surveys/{code}/?section=suggestions")
    assert r.status_code == 200
    assert "antre\ufffdan" in r.content.decode("utf-8")  # the suggestions list

    r = alice.post(f"/app/surveys/{code}/ekspor/", {"format": "csv"})
    assert r.status_code == 302
    job = ExportJob.objects.latest("pk")
    r = alice.get(f"/app/surveys/{code}/ekspor/{job.pk}/unduh/")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode("utf-8"))))
    mine = next(row for row in rows if int(row["id"]) == bad_row.pk)
    assert mine["suggestion"] == "antre\ufffdan \ufffdpanjang\ufffd"

    r = alice.post(f"/app/surveys/{code}/ekspor/", {"format": "xlsx"})
    assert r.status_code == 302
    job = ExportJob.objects.latest("pk")
    r = alice.get(f"/app/surveys/{code}/ekspor/{job.pk}/unduh/")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "antre\ufffdan \ufffdpanjang\ufffd" in values

    year = bad_row.submitted_at.year
    for fmt in ("pdf", "xlsx"):
        r = alice.get(f"/app/surveys/{code}/laporan-skm.{fmt}?period={year}")
        assert r.status_code == 200, fmt
