"""The CSV export read outside a transaction, as the command and the export jobs run it (on
PostgreSQL by two threads on connections of their own), writes exactly the rows of the
reference, in order, and a lone carriage return in a field survives the trip through export,
``prima analyze`` and import."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading

import pytest
from django.db import connection

from prima.cli.main import main as cli_main
from prima.demo.seeding import seed_responses
from prima.surveys.models import Response
from prima.tabular import read_table
from prima.transfers import export as export_module
from prima.transfers import export_parallel
from prima.transfers.export import csv_text, export_to_path, write_csv
from prima.transfers.export_parallel import id_ranges, parallel_ordered
from prima.transfers.importing import import_commit, import_read
from tests.web.test_export_cells import _odd_world, reference_csv


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction(world, monkeypatch, tmp_path):
    """Committed rows, seen by readers on connections of their own (one world for all three
    checks: a transactional test is slow)."""
    lone_carriage_return_is_quoted_and_read_back(world, tmp_path)
    last_id_and_ranges(world)
    two_readers_write_the_reference(world, monkeypatch)


def two_readers_write_the_reference(world, monkeypatch):
    _odd_world(world)
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 7)  # many pages, both readers busy
    readers: set[str] = set()
    for name in ("_fetch_page", "_copy_page"):
        real = getattr(export_module, name)

        def noted(*args, real=real, **kwargs):
            readers.add(threading.current_thread().name)
            return real(*args, **kwargs)

        monkeypatch.setattr(export_module, name, noted)
    assert not connection.in_atomic_block
    for survey in (world.skm, world.a6):
        out = io.StringIO()
        calls: list[int] = []
        n = write_csv(survey, out, progress=calls.append)
        assert n == Response.objects.filter(survey=survey).count()
        assert out.getvalue() == reference_csv(survey)
        assert calls[-1] == n
    if connection.vendor == "postgresql":  # COPY on two connections
        assert readers == {"export-reader-0", "export-reader-1"}
    else:  # sqlite3 hands the GIL over on every row: one reader is faster
        assert readers == {threading.main_thread().name}


def last_id_and_ranges(world):
    seed_responses(survey=world.skm, count=25, seed=3)
    qs = Response.objects.filter(survey=world.skm)
    ids = sorted(qs.values_list("pk", flat=True))
    ranges = list(id_ranges(qs, 10))
    covered = [i for lo, hi in ranges for i in ids if i > lo and (hi is None or i <= hi)]
    assert covered == ids
    assert [sum(1 for i in ids if lo < i <= (hi or ids[-1])) for lo, hi in ranges][:-1] == [10] * (
        len(ranges) - 1
    )
    out = io.StringIO()
    cut = ids[12]
    assert write_csv(world.skm, out, last_id=cut) == 13
    assert [int(r[0]) for r in list(csv.reader(io.StringIO(out.getvalue())))[1:]] == ids[:13]


def test_parallel_ordered_keeps_order_and_raises_where_it_failed():
    assert list(parallel_ordered(iter(range(50)), lambda i: i * i, 2)) == [i * i for i in range(50)]
    assert list(parallel_ordered(iter([]), lambda i: i, 2)) == []

    def work(i):
        if i == 7:
            raise ValueError("page 7")
        return i

    got = []
    stream = parallel_ordered(iter(range(100)), work, 2)
    got.extend(next(stream) for _ in range(7))
    with pytest.raises(ValueError, match="page 7"):
        next(stream)
    assert got == list(range(7))

    def jobs():
        yield 1
        raise OSError("boundary query")

    with pytest.raises(OSError, match="boundary"):
        list(parallel_ordered(jobs(), lambda i: i, 2))
    started = []
    stream = parallel_ordered(iter(range(1000)), lambda i: started.append(i) or i, 2)
    assert next(stream) == 0
    stream.close()  # the caller stops: the readers stop soon
    assert len(started) < 10
    assert threading.active_count() == 1 or not any(
        t.name.startswith("export-reader") for t in threading.enumerate()
    )
    assert export_parallel.parallel_ordered is parallel_ordered


def lone_carriage_return_is_quoted_and_read_back(world, tmp_path):
    seed_responses(survey=world.skm, count=5, seed=4)
    first = Response.objects.filter(survey=world.skm).order_by("pk").first()
    Response.objects.filter(pk=first.pk).update(suggestion="antre\rlama")
    path = tmp_path / "export.csv"
    export_to_path(world.skm, path)
    data = path.read_bytes()
    assert b'"antre\rlama"' in data
    assert data.count(b"\r") == 1
    table = read_table(path)  # prima analyze's reader: every row, one suggestion per row
    rows = list(table.cells())
    assert len(rows) == Response.objects.filter(survey=world.skm).count()
    at = table.header.index("suggestion")
    assert rows[0][1][at] == "antre\rlama"
    with path.open(newline="", encoding="utf-8") as fh:  # and any CSV reader
        read = list(csv.reader(fh))
    assert read[1][at] == "antre\rlama"
    assert len(read) == len(rows) + 1
    # prima analyze counts every respondent
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli_main(["analyze", "ikm", str(path), "--json"]) == 0
    assert json.loads(printed.getvalue())["n"] == len(rows)
    # import: the row comes back with its carriage return
    Response.objects.filter(pk=first.pk).delete()
    report = import_read(world.skm, path, lang="id")
    assert report.ok, report.messages()
    assert [r.suggestion for r in report.rows] == ["antre\rlama"]
    assert import_commit(report) == 1
    assert Response.objects.get(survey=world.skm, suggestion="antre\rlama")
    assert csv_text([["a\rb", "c"]]) == '"a\rb",c\n'
