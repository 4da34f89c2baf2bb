"""Export at scale (issue 5, acceptance "Export of 1,000,000 responses"), by hand.

In a temporary data folder: ``prima demo --no-serve``, ``prima seed --responses N`` into the
demo's SKM survey, then ``prima export responses`` of that survey to CSV (and with ``--xlsx``
to XLSX too), each export in its own process. Checks that the file has every row (as many
data rows as the survey has responses, every id once) and prints the elapsed times and the
export process's peak memory (its maximum resident set size, from ``wait4``), rows per second
of wall time against issue 9's targets (CSV 100,000, XLSX 20,000 rows/s) and rows per CPU
second (user + system of the export process: what the code costs, whatever else runs on the
machine).

    .venv/bin/python benchmarks/export_million.py [--responses 1000000] [--xlsx] [--postgres]
        [--reuse DIR] [--compiled] [--skip-csv]

``--reuse DIR`` keeps the seeded database in ``DIR`` (made on the first run, with a throw-away
PostgreSQL cluster of its own under ``DIR/pg`` for ``--postgres``) and skips the demo and the
seeding on a later run with the same ``--responses``, ``--seed`` and engine (seeding 1,000,000
responses takes several minutes); delete ``DIR`` to start again.

``--postgres`` uses ``DATABASE_URL`` when it points at PostgreSQL (a fresh database is made on
that server and dropped afterwards), otherwise a throw-away cluster like
``scripts/postgres-for-tests.sh``'s (see ``ingest_harness.py``). Exit status 0 when every row
is there and the peak memory stays under ``--max-rss-mb`` (300), 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_harness as h

MARK = "EXPORT-COUNT:"
CSV_TARGET = 100_000  # rows/s (issue 9)
XLSX_TARGET = 20_000
INITDB_OPTIONS = ["--auth=trust", "-E", "UTF8"]
_COUNT_SCRIPT = """
from prima.surveys.models import Response
print({mark!r} + str(Response._base_manager.filter(survey__code={code!r}).count()))
"""


def survey_count(env: Mapping[str, str], code: str) -> int:
    done = h.run_prima(["shell", "-c", _COUNT_SCRIPT.format(code=code, mark=MARK)], env)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return int(line[len(MARK) :])
    raise RuntimeError(f"no count printed:\n{done.stdout}\n{done.stderr}")


def measured(args: list[str], env: Mapping[str, str]) -> tuple[float, float, str, float]:
    """Run ``prima ARGS``; (seconds, peak RSS in MB, stdout, CPU seconds). The peak and the
    CPU time (user + system, every thread) are the process's own (``wait4`` of this child)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(h.prima_bin()), *args],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"prima {' '.join(args[:2])} failed ({proc.returncode}):\n{out}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, out, cpu  # ru_maxrss is in KiB on Linux


def csv_rows(path: Path) -> tuple[int, int]:
    """(data rows, distinct ids) of an export CSV."""
    ids: set[int] = set()
    n = 0
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            n += 1
            ids.add(int(row[0]))
    return n, len(ids)


def xlsx_rows(path: Path) -> tuple[int, int, list[str]]:
    """(data rows, distinct ids, sheet names) over every ``responses*`` sheet."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    ids: set[int] = set()
    n = 0
    for name in book.sheetnames:
        if not name.startswith("responses"):
            continue
        rows = book[name].iter_rows(values_only=True)
        next(rows)
        for row in rows:
            n += 1
            ids.add(int(row[0]))
    names = list(book.sheetnames)
    book.close()
    return n, len(ids), names


def _reused_cluster(folder: Path) -> h.PgCluster:
    """The PostgreSQL cluster kept in ``folder`` (made there the first time), started."""
    bin_dir = h.PgCluster.find_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries in /usr/lib/postgresql")
    port_file = folder / "port"
    if not (folder / "data").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(folder, "postgres")
        cluster = h.PgCluster(
            bin_dir, folder, int(os.environ.get("PRIMA_TEST_PG_PORT") or h.free_port())
        )
        cluster._pg(
            [str(bin_dir / "initdb"), "-D", str(cluster.data), "-U", "postgres", *INITDB_OPTIONS],
            quiet=True,
        )
        port_file.write_text(str(cluster.port))
    else:
        cluster = h.PgCluster(bin_dir, folder, int(port_file.read_text()))
    if not (cluster.data / "postmaster.pid").exists():
        cluster.start(cluster.default_options())
    return cluster


def seed(env: Mapping[str, str], responses: int, seed_value: int) -> str:
    """The demo, then ``responses`` seeded responses in its SKM survey; the survey's code."""
    code = h.prepare_demo(env)
    seconds, rss, _, _ = measured(
        ["seed", "--responses", str(responses), "--survey", code, "--seed", str(seed_value)],
        env,
    )
    print(
        f"seed: {responses} responses in {seconds:.1f} s "
        f"({responses / seconds:,.0f}/s), peak memory {rss:.0f} MB"
    )
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--xlsx", action="store_true", help="also export to XLSX")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--max-rss-mb", type=float, default=300.0)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    parser.add_argument("--skip-csv", action="store_true", help="no CSV export (with --xlsx)")
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="give the prima processes a private bytecode cache, filled before the exports "
        "(as an ordinary install has; with PYTHONDONTWRITEBYTECODE set, each process would "
        "compile Django and Prima again)",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="keep the seeded database in DIR and reuse it on the next run",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.responses <= 10_000_000:
        parser.error("--responses 1..10000000")

    reuse: Path | None = args.reuse.resolve() if args.reuse else None
    if reuse is not None:
        (reuse / "data").mkdir(parents=True, exist_ok=True)
        data_dir = reuse / "data"
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="prima-export."))
    wanted = {
        "responses": args.responses,
        "seed": args.seed,
        "engine": "postgresql" if args.postgres else "sqlite",
    }
    marker = reuse / "seeded.json" if reuse else None
    seeded = json.loads(marker.read_text()) if marker and marker.exists() else {}
    if seeded and {k: seeded.get(k) for k in wanted} != wanted:
        parser.error(f"{reuse} holds another seeding ({seeded}); use another folder")
    own_cluster: h.PgCluster | None = None
    url: str | None = None
    admin_url = ""
    db_name = f"prima_export_{uuid.uuid4().hex[:10]}"
    kept_cluster: h.PgCluster | None = None
    ok = True
    try:
        if args.postgres and reuse is not None:
            kept_cluster = _reused_cluster(reuse / "pg")
            admin_url = kept_cluster.url
            db_name = "prima_export_reused"
            url = h.with_database(admin_url, db_name)
            if not seeded:
                h.drop_database(admin_url, db_name)
                h.create_database(admin_url, db_name, synchronous_commit=None)
            print(f"kept PostgreSQL cluster in {reuse / 'pg'} on {h.HOST}:{kept_cluster.port}")
        elif args.postgres:
            given = os.environ.get("DATABASE_URL")
            if h.is_postgres(given):
                assert given is not None
                admin_url = given
            else:
                own_cluster = h.PgCluster.create()
                admin_url = own_cluster.url
                print(f"throw-away PostgreSQL cluster on {h.HOST}:{own_cluster.port}")
            url = h.create_database(admin_url, db_name, synchronous_commit=None)
        env = h.prima_env(data_dir, url)
        if args.compiled:
            cache = (reuse or data_dir) / "pycache"
            env["PYTHONPYCACHEPREFIX"] = str(cache)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        engine = "PostgreSQL" if url else "SQLite (WAL)"
        print(f"== export of {args.responses} seeded responses on {engine}")

        if seeded:
            code = str(seeded["code"])
            print(f"reusing the seeded database in {reuse}")
            h.run_prima(["migrate", "--no-input", "-v", "0"], env)  # the code may be newer
        else:
            code = seed(env, args.responses, args.seed)
            if marker is not None:
                marker.write_text(json.dumps({**wanted, "code": code}))
        expected = survey_count(env, code)
        print(f"survey {code}: {expected} responses stored")

        if args.compiled:  # the export command's own modules into the cache too
            h.run_prima(["export", "--help"], env)
        formats = ["csv", "xlsx"] if args.xlsx else ["csv"]
        if args.skip_csv:
            formats.remove("csv")
        for fmt in formats:
            path = data_dir / f"export.{fmt}"
            seconds, rss, _, cpu = measured(
                ["export", "responses", "--survey", code, "--output", str(path)], env
            )
            size = path.stat().st_size / 2**20
            if fmt == "csv":
                rows, distinct = csv_rows(path)
                sheets = ""
            else:
                rows, distinct, names = xlsx_rows(path)
                sheets = f", sheets {', '.join(names)}"
            if reuse is not None:
                path.unlink()
            every = rows == expected == distinct
            under = rss < args.max_rss_mb
            ok = ok and every and under
            target = CSV_TARGET if fmt == "csv" else XLSX_TARGET
            print(
                f"export {fmt}: {rows} rows ({'every row' if every else 'ROWS MISSING'}"
                f"{sheets}) in {seconds:.1f} s ({rows / seconds:,.0f} rows/s; target "
                f"{target:,} rows/s), {size:.0f} MB file, peak memory {rss:.0f} MB "
                f"({'under' if under else 'OVER'} {args.max_rss_mb:.0f} MB); "
                f"CPU {cpu:.1f} s ({rows / max(cpu, 1e-9):,.0f} rows per CPU second; the "
                f"machine's load average was {os.getloadavg()[0]:.1f})"
            )
        kept = f"; data folder kept in {data_dir}" if args.keep else ""
        print(("all checks passed" if ok else "CHECKS FAILED") + kept)
        return 0 if ok else 1
    finally:
        if kept_cluster is not None:
            kept_cluster.stop()
        elif url:
            h.drop_database(admin_url, db_name)
        if own_cluster is not None:
            own_cluster.destroy()
        if not args.keep and reuse is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
