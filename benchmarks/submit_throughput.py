"""Sustained submissions per second through ``prima serve``, beside a minimal Django view.

Issue 4, acceptance "Speed": on this machine, on SQLite (WAL) and on PostgreSQL, the sustained
rate and the p50/p99 latency of ``POST /api/v1/public/surveys/{code}/responses`` through
``prima serve --workers 2`` (gunicorn), measured in the same run as a minimal Django project
(``benchmarks/minimal_site``: no middleware, POST JSON -> one INSERT -> 201 ``{"id"}``) served by
gunicorn with the same arguments (``prima.config.server.gunicorn_argv``) and the same database
settings. Target: Prima reaches at least half the minimal view's throughput.

The load: ``--concurrency`` Python threads on 127.0.0.1, each with its own ``http.client``
connection (kept alive when the server allows; gunicorn's sync workers close it after each
answer), each request a new ``submission_id``, for ``--warmup`` seconds, then ``--duration``
seconds measured (requests that end inside the window). Each target gets a fresh database:
Prima the demo (``prima demo --no-serve``; its SKM 2017 survey), the minimal site an empty table.
PostgreSQL: ``DATABASE_URL`` when it points at PostgreSQL (fresh databases are created there and
dropped), else a throw-away cluster with the options of ``scripts/postgres-for-tests.sh``.

Then, in-process (``django.test.Client``), the SQL queries of one submission
(``CaptureQueriesContext``), the time per submission and the share spent in SQL, and a
``cProfile`` of Prima's submission path.

    .venv/bin/python benchmarks/submit_throughput.py [--engines sqlite,postgres]
        [--duration 20] [--warmup 10] [--concurrency 16] [--workers 2] [--rounds 1]

Exit status 0 whatever the figures (this prints, it does not judge), 1 when a run fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import ingest_harness as h  # noqa: E402

MARK = "PROFILE-JSON:"
TARGET_RATIO = 0.5
UNSUR = [f"U{i}" for i in range(1, 10)]


# -- the load ---------------------------------------------------------------------------------
@dataclass
class Figures:
    requests: int = 0
    errors: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    server_cpu_ms: float | None = None  # gunicorn master + workers, per request
    db_cpu_ms: float | None = None  # PostgreSQL processes, per request
    client_cpu_ms: float = 0.0  # this process (the load generator), per request
    error_kinds: dict[str, int] = field(default_factory=dict)


def proc_cpu(pred: Any, reaper: int | None = None) -> float:
    """CPU seconds (user + system) of the live processes whose /proc stat fields match, and of
    ``reaper``'s children that have exited (its cutime + cstime: a PostgreSQL backend that ends
    between two readings would otherwise take its CPU with it, and the difference could be
    negative)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if pred(int(entry.name), fields):
            total += int(fields[11]) + int(fields[12])
        if int(entry.name) == reaper:
            total += int(fields[13]) + int(fields[14])
    return total / tick


def group_cpu(pgid: int) -> float:
    return proc_cpu(lambda _pid, f: f[2] == str(pgid))


def postgres_cpu(cluster: h.PgCluster | None) -> float | None:
    if cluster is None:
        return None
    try:
        master = int((cluster.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return proc_cpu(lambda pid, f: pid == master or f[1] == str(master), reaper=master)


def run_load(
    port: int,
    path: str,
    make_body: Any,
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    server_pgid: int,
    cluster: h.PgCluster | None,
) -> Figures:
    start = time.monotonic()
    window = (start + warmup, start + warmup + duration)
    results: list[list[tuple[float, float, bool, str]]] = [[] for _ in range(concurrency)]
    marks: dict[str, float | None] = {}

    def client(slot: int) -> None:
        rng = random.Random(slot)
        conn = http.client.HTTPConnection(h.HOST, port, timeout=30)
        headers = {"Content-Type": "application/json"}
        out = results[slot]
        for _ in range(100_000_000):  # bounded; ends at the end of the window
            t0 = time.monotonic()
            if t0 >= window[1]:
                break
            body = make_body(rng)
            ok, kind = False, ""
            try:
                conn.request("POST", path, body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                ok = r.status in (200, 201)
                kind = "" if ok else f"HTTP {r.status}"
            except (OSError, http.client.HTTPException) as exc:
                kind = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(h.HOST, port, timeout=30)
            t1 = time.monotonic()
            out.append((t1, t1 - t0, ok, kind))
        conn.close()

    def sampler() -> None:
        # CPU counters at the edges of the measured window
        time.sleep(max(0.0, window[0] - time.monotonic()))
        marks["server0"], marks["db0"] = group_cpu(server_pgid), postgres_cpu(cluster)
        marks["client0"] = time.process_time()
        time.sleep(max(0.0, window[1] - time.monotonic()))
        marks["server1"], marks["db1"] = group_cpu(server_pgid), postgres_cpu(cluster)
        marks["client1"] = time.process_time()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    threads.append(threading.Thread(target=sampler, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + duration + 60)
    inside = [r for rs in results for r in rs if window[0] <= r[0] < window[1]]
    good = sorted(r[1] for r in inside if r[2])
    fig = Figures(requests=len(inside), errors=sum(1 for r in inside if not r[2]))
    for r in inside:
        if not r[2]:
            fig.error_kinds[r[3]] = fig.error_kinds.get(r[3], 0) + 1
    fig.rps = len(good) / duration
    if good:
        fig.p50 = 1000 * good[int(0.50 * (len(good) - 1))]
        fig.p99 = 1000 * good[int(0.99 * (len(good) - 1))]
    n = max(1, len(inside))
    if marks.get("server1") is not None:
        fig.server_cpu_ms = 1000 * (marks["server1"] - marks["server0"]) / n  # type: ignore[operator]
    if marks.get("db1") is not None and marks.get("db0") is not None:
        fig.db_cpu_ms = 1000 * (marks["db1"] - marks["db0"]) / n  # type: ignore[operator]
    fig.client_cpu_ms = 1000 * (marks["client1"] - marks["client0"]) / n  # type: ignore[operator]
    return fig


def skm_body(unit_ids: list[int]) -> Any:
    def make(rng: random.Random) -> bytes:
        return json.dumps(
            {
                "submission_id": str(uuid.uuid4()),
                "answers": {u: rng.randint(1, 4) for u in UNSUR},
                "unit": rng.choice(unit_ids),
            }
        ).encode()

    return make


# -- the two targets --------------------------------------------------------------------------
def minimal_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = h.prima_env(data_dir, database_url)
    env["MINIMAL_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "minimal_site.settings"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH), env.get("PYTHONPATH")) if p)
    return env


def minimal_argv(port: int, workers: int) -> list[str]:
    """Prima's gunicorn command line (``prima serve``), with the minimal site's WSGI app."""
    from prima.config import server

    argv = server.gunicorn_argv(host=h.HOST, port=port, workers=workers)
    return [("minimal_site.wsgi:application" if a == server.WSGI_APP else a) for a in argv]


@dataclass
class Engine:
    label: str
    prima_dir: Path
    minimal_dir: Path
    prima_url: str | None
    minimal_url: str | None
    cluster: h.PgCluster | None
    persistent_sqlite: bool = False  # diagnostic: CONN_MAX_AGE=60 on SQLite for both sites
    code: str = ""
    units: list[int] = field(default_factory=list)
    results: dict[str, list[Figures]] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)


def env_for(engine: Engine, target: str) -> dict[str, str]:
    if target == "prima":
        env = h.prima_env(engine.prima_dir, engine.prima_url)
        env["DJANGO_SETTINGS_MODULE"] = "prima.config.settings"
        if engine.persistent_sqlite:
            env["DJANGO_SETTINGS_MODULE"] = "prima_persistent_settings"
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH), env.get("PYTHONPATH")) if p)
        return env
    env = minimal_env(engine.minimal_dir, engine.minimal_url)
    if engine.persistent_sqlite:
        env["MINIMAL_SQLITE_CONN_MAX_AGE"] = "60"
    return env


def prepare(engine: Engine, log: Any) -> None:
    prima_env = env_for(engine, "prima")
    engine.prima_dir.mkdir(parents=True, exist_ok=True)
    engine.minimal_dir.mkdir(parents=True, exist_ok=True)
    engine.code = h.prepare_demo(prima_env)
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
        env=env_for(engine, "minimal"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"minimal site: migrate failed\n{done.stdout}\n{done.stderr}")
    log(f"{engine.label}: databases ready (Prima demo survey {engine.code})")


def measure(engine: Engine, target: str, args: argparse.Namespace, log: Any) -> Figures:
    port = h.free_port()
    env = env_for(engine, target)
    if target == "prima":
        proc = h.start_server(
            engine.prima_dir, port, args.workers, env, engine.prima_dir / "server.log"
        )
        ready_path = f"/api/v1/public/surveys/{engine.code}"
        post_path = f"/api/v1/public/surveys/{engine.code}/responses"
    else:
        proc = h.start_server(
            engine.minimal_dir,
            port,
            args.workers,
            env,
            engine.minimal_dir / "server.log",
            argv=minimal_argv(port, args.workers),
        )
        ready_path, post_path = "/ready/", "/submit/"
    try:
        h.wait_ready(port, engine.code, proc=proc, path=ready_path)
        if target == "prima" and not engine.units:
            engine.units = [u["id"] for u in h.survey_definition(port, engine.code)["units"]]
        fig = run_load(
            port,
            post_path,
            skm_body(engine.units),
            concurrency=args.concurrency,
            warmup=args.warmup,
            duration=args.duration,
            server_pgid=proc.pid,
            cluster=engine.cluster,
        )
    finally:
        h.stop_server(proc)
    log(
        f"{engine.label} {target}: {fig.rps:.0f} req/s, p50 {fig.p50:.1f} ms, "
        f"p99 {fig.p99:.1f} ms, {fig.errors} errors"
    )
    return fig


# -- in-process profile (a child process per target) ------------------------------------------
def profile_child(target: str, code: str, units: list[int], count: int) -> None:
    """Runs in a child with the target's environment; prints one JSON line."""
    import cProfile
    import pstats

    import django

    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "prima.config.settings" if target == "prima" else "minimal_site.settings",
    )
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    path = f"/api/v1/public/surveys/{code}/responses" if target == "prima" else "/submit/"
    client = Client()
    make = skm_body(units)
    rng = random.Random(7)

    def one() -> Any:
        r = client.post(path, make(rng), content_type="application/json")
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{target}: HTTP {r.status_code} {r.content[:300]!r}")
        return r

    for _ in range(20):  # warm: imports, URL resolver, caches
        one()
    per_request: list[int] = []
    sql_ms: list[float] = []
    first: list[dict[str, Any]] = []
    timings: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - t)

    for _ in range(count):
        timings.clear()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
            one()
        # BEGIN/COMMIT are logged around the driver's own calls, not through execute():
        # their (millisecond-rounded) logged time stands in for a precise one
        precise = iter(timings)
        rows = []
        for q in ctx.captured_queries:
            own = q["sql"].split()[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK")
            ms = 1000 * float(q["time"]) if own else 1000 * next(precise, 0.0)
            rows.append({"sql": q["sql"], "ms": ms})
        per_request.append(len(rows))
        sql_ms.append(sum(r["ms"] for r in rows))
        first = first or rows
    walls = []
    for _ in range(count):
        t0 = time.perf_counter()
        one()
        walls.append((time.perf_counter() - t0) * 1000)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(count):
        one()
    prof.disable()
    stats = pstats.Stats(prof)
    total = max(1e-9, sum(v[2] for v in stats.stats.values()))  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "where": f"{_short(file)}:{line} {func}",
                "calls": nc / count,
                "tottime_share": tt / total,
                "cumtime_share": ct / total,
                "project": "/prima/" in file or "minimal_site" in file,
            }
        )
    db = settings.DATABASES["default"]
    print(
        MARK
        + json.dumps(
            {
                "queries": per_request,
                "sql_ms": statistics.median(sql_ms),
                "first": first,
                "wall_ms": statistics.median(walls),
                "rows": rows,
                "db": {
                    "ENGINE": db["ENGINE"],
                    "OPTIONS": db.get("OPTIONS", {}),
                    "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
                },
            }
        )
    )


def _short(file: str) -> str:
    for marker in ("site-packages/", "/src/", "/benchmarks/", "/lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def profile(engine: Engine, target: str, count: int) -> dict[str, Any]:
    env = env_for(engine, target)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--profile-child", target]
    cmd += ["--code", engine.code, "--units", ",".join(map(str, engine.units))]
    cmd += ["--count", str(count)]
    done = subprocess.run(
        cmd,
        env=env,
        cwd=str(engine.prima_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return dict(json.loads(line[len(MARK) :]))
    raise RuntimeError(f"profile of {target} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


# -- the report -------------------------------------------------------------------------------
def best(figs: list[Figures]) -> Figures:
    return max(figs, key=lambda f: f.rps)


def report(engines: list[Engine], args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    header = (
        f"{'engine':<16}{'target':<9}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'app CPU':>10}{'db CPU':>9}{'load CPU':>10}"
    )
    out += ["", header, "-" * len(header)]
    for e in engines:
        for target in ("prima", "minimal"):
            for f in e.results.get(target, []):
                app = f"{f.server_cpu_ms:.2f}" if f.server_cpu_ms is not None else "-"
                dbc = f"{f.db_cpu_ms:.2f}" if f.db_cpu_ms is not None else "-"
                out.append(
                    f"{e.label:<16}{target:<9}{f.requests:>9}{f.errors:>8}{f.rps:>9.1f}"
                    f"{f.p50:>9.1f}{f.p99:>9.1f}{app:>10}{dbc:>9}{f.client_cpu_ms:>10.2f}"
                )
                if f.error_kinds:
                    out.append(f"{'':<25}errors: {f.error_kinds}")
    out.append("(CPU columns: milliseconds of CPU per request in the measured window; app = the")
    out.append(" gunicorn master and workers, db = the PostgreSQL server, load = this generator)")
    out.append("")
    for e in engines:
        if not e.results.get("prima") or not e.results.get("minimal"):
            continue
        p, m = best(e.results["prima"]), best(e.results["minimal"])
        ratio = p.rps / m.rps if m.rps else 0.0
        verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        out.append(
            f"ratio prima/minimal throughput, {e.label}: {ratio:.2f} "
            f"({p.rps:.0f} / {m.rps:.0f} req/s) -> {verdict} (target >= {TARGET_RATIO})"
        )
        if p.server_cpu_ms and m.server_cpu_ms:
            pc = p.server_cpu_ms + (p.db_cpu_ms or 0.0)
            mc = m.server_cpu_ms + (m.db_cpu_ms or 0.0)
            out.append(
                f"  CPU per request, app + database: prima {pc:.2f} ms, minimal {mc:.2f} ms "
                f"-> ratio when CPU-bound {mc / pc:.2f}"
            )
    for e in engines:
        if not e.profile:
            continue
        out += [
            "",
            f"== where the time goes, {e.label} (in-process through django.test.Client, which "
            "keeps the database connection open between requests; medians)",
        ]
        pp, mp = e.profile.get("prima"), e.profile.get("minimal")
        for name, prof in (("prima", pp), ("minimal", mp)):
            if not prof:
                continue
            q = prof["queries"]
            out.append(
                f"{name:<8} {statistics.mean(q):.2f} SQL queries per submission "
                f"(min {min(q)}, max {max(q)}); median {prof['wall_ms']:.2f} ms per submission, "
                f"of which SQL {prof['sql_ms']:.2f} ms"
            )
        if pp and mp:
            same = pp["db"]["OPTIONS"] == mp["db"]["OPTIONS"] and (
                pp["db"]["CONN_MAX_AGE"] == mp["db"]["CONN_MAX_AGE"]
            )
            out.append(
                f"database settings of the two sites identical: {'yes' if same else 'NO'} "
                f"({pp['db']['ENGINE'].rsplit('.', 1)[-1]}, CONN_MAX_AGE "
                f"{pp['db']['CONN_MAX_AGE']}, OPTIONS {pp['db']['OPTIONS']})"
            )
        if pp:
            out.append("Prima's queries for one submission:")
            for i, q in enumerate(pp["first"], 1):
                sql = " ".join(q["sql"].split())
                out.append(f"  {i}. [{q['ms']:.2f} ms] {sql[:150]}")
            out.append("Prima, project functions by cumulative share of the request (cProfile):")
            rows = sorted(
                (r for r in pp["rows"] if r["project"]), key=lambda r: -r["cumtime_share"]
            )
            for r in rows[: args.top]:
                out.append(
                    f"  {100 * r['cumtime_share']:5.1f}%  {r['calls']:5.1f} calls  {r['where']}"
                )
            out.append("Prima, all functions by own time (cProfile):")
            rows = sorted(pp["rows"], key=lambda r: -r["tottime_share"])
            for r in rows[: args.top]:
                out.append(
                    f"  {100 * r['tottime_share']:5.1f}%  {r['calls']:7.1f} calls  {r['where']}"
                )
            out.append("Prima, selected library stages by cumulative share:")
            wanted = (
                "pydantic",
                "ninja/operation.py",
                "ninja/signature",
                "django/template",
                "django/middleware",
                "axes/",
                "whitenoise/",
                "sessions/",
                "django/utils/translation",
                "django/db/models/sql/compiler.py",
                "django/db/backends",
            )
            for w in wanted:
                best_row = max(
                    (r for r in pp["rows"] if w in r["where"]),
                    key=lambda r: r["cumtime_share"],
                    default=None,
                )
                if best_row is not None:
                    out.append(f"  {100 * best_row['cumtime_share']:5.1f}%  {best_row['where']}")
    return out


# -- main -------------------------------------------------------------------------------------
def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=10.0, help="warm-up seconds")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="measure each target this often")
    parser.add_argument("--profile-count", type=int, default=300)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the data folders")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to this long for the 1-minute load average to fall below 0.5",
    )
    parser.add_argument("--profile-child", choices=["prima", "minimal"], help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--units", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=300, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.profile_child:
        profile_child(
            args.profile_child, args.code, [int(u) for u in args.units.split(",")], args.count
        )
        return 0
    engines_wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not engines_wanted or not set(engines_wanted) <= {"sqlite", "postgres", "sqlite-persistent"}:
        parser.error("--engines: sqlite, postgres, sqlite-persistent (a diagnostic)")
    if not (0 < args.duration <= 600 and 0 <= args.warmup <= 600 and 1 <= args.rounds <= 10):
        parser.error("--duration 0-600, --warmup 0-600, --rounds 1-10")
    if not 1 <= args.concurrency <= 256:
        parser.error("--concurrency 1-256")

    def log(text: str) -> None:
        print(f"  .. {text}", flush=True)

    print(
        f"== submit throughput: prima serve vs a minimal Django view, gunicorn "
        f"{args.workers} sync workers each, {args.concurrency} client threads, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s measured"
    )
    waited = 0.0
    while waited < min(args.wait_quiet, 3600) and os.getloadavg()[0] >= 0.5:
        time.sleep(5)
        waited += 5
    print(f"machine: {machine()}" + (f" (after waiting {waited:.0f} s)" if waited else ""))
    root = Path(tempfile.mkdtemp(prefix="prima-throughput."))
    own_cluster: h.PgCluster | None = None
    dbs: list[tuple[str, str]] = []
    engines: list[Engine] = []
    failed = False
    try:
        for name in engines_wanted:
            if name in ("sqlite", "sqlite-persistent"):
                persistent = name == "sqlite-persistent"
                label = "SQLite persist" if persistent else "SQLite (WAL)"
                engines.append(
                    Engine(
                        label,
                        root / f"{name}-prima",
                        root / f"{name}-min",
                        None,
                        None,
                        None,
                        persistent_sqlite=persistent,
                    )
                )
                continue
            given = os.environ.get("DATABASE_URL")
            if h.is_postgres(given):
                assert given is not None
                server_url, cluster = given, h.PgCluster.from_env(given)
                print(f"PostgreSQL: the server of DATABASE_URL ({h.HOST}:{urlsplit(given).port})")
            else:
                own_cluster = cluster = h.PgCluster.create()
                server_url = cluster.url
                print(
                    f"PostgreSQL: a throw-away cluster on {h.HOST}:{cluster.port} "
                    f"({cluster.bin_dir.parent.name}; fsync=off, full_page_writes=off, like "
                    "scripts/postgres-for-tests.sh; synchronous_commit=on in both databases)"
                )
            suffix = uuid.uuid4().hex[:8]
            urls = []
            for db in (f"prima_bench_{suffix}", f"minimal_bench_{suffix}"):
                urls.append(h.create_database(server_url, db))
                dbs.append((server_url, db))
            engines.append(
                Engine(
                    "PostgreSQL",
                    root / "pg-prima",
                    root / "pg-min",
                    urls[0],
                    urls[1],
                    cluster,
                )
            )
        for e in engines:
            prepare(e, log)
            for r in range(args.rounds):
                order = ["prima", "minimal"] if r % 2 == 0 else ["minimal", "prima"]
                for target in order:  # round 0 starts with Prima: it learns the survey's units
                    e.results.setdefault(target, []).append(measure(e, target, args, log))
            if not args.no_profile:
                for target in ("prima", "minimal"):
                    e.profile[target] = profile(e, target, args.profile_count)
                log(f"{e.label}: profiled")
    except Exception as exc:
        failed = True
        print(f"FAILED: {exc!r}")
    finally:
        try:
            for line in report(engines, args):
                print(line)
            if args.keep:
                print(f"data folders kept in {root}")
        finally:  # also when stdout is gone (| head): the cluster and folders go
            for server_url, db in dbs:
                h.drop_database(server_url, db)
            if own_cluster is not None:
                own_cluster.destroy()
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
