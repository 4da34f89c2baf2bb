"""Dashboard and results latency at 10,000 and at 1,000,000 stored responses (issue 5).

For each engine (SQLite in WAL mode, and PostgreSQL in a throw-away cluster): ``prima demo
--no-serve``, then ``prima seed`` into the demo's SKM survey up to the first size, ``prima
serve`` (gunicorn, 2 workers), and timed sequential requests through the real HTTP stack, after
a warm-up:

- the dashboard page ``GET /app/surveys/<code>/?period=<year>`` as the demo admin (session),
- the results endpoint ``GET /api/v1/surveys/<code>/results?period=<year>`` (bearer token);

then ``prima seed`` up to the next size and the same again. Printed: p50, p95 and max per page
and size, the ratio p95(largest) / p95(smallest), and whether the targets hold (ratio <= 2 and
p95 < 300 ms). Everything stays on the loopback interface.

    .venv/bin/python benchmarks/insights_latency.py                    # 10k and 1M, both engines
    .venv/bin/python benchmarks/insights_latency.py --sizes 2000,20000 --engines sqlite  # quick
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest_harness as h

TARGET_MS = 300.0
TARGET_RATIO = 2.0


@dataclass
class Site:
    port: int
    code: str
    period: str
    token: str
    opener: urllib.request.OpenerDirector = field(init=False)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def url(self, path: str) -> str:
        return f"http://{h.HOST}:{self.port}{path}"

    def login(self, username: str, password: str) -> None:
        page = self.opener.open(self.url("/accounts/login/"), timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError("login page without a CSRF token")
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
        ).encode()
        request = urllib.request.Request(
            self.url("/accounts/login/"), data=body, headers={"Referer": self.url("/")}
        )
        with self.opener.open(request, timeout=30) as response:
            if "/accounts/login/" in response.geturl():
                raise RuntimeError("login failed")

    def dashboard(self) -> bytes:
        path = f"/app/surveys/{self.code}/?period={self.period}"
        with self.opener.open(self.url(path), timeout=60) as response:
            body: bytes = response.read()
        if b"IKM" not in body:
            raise RuntimeError("the dashboard page has no IKM")
        return body

    def results(self) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url(f"/api/v1/surveys/{self.code}/results?period={self.period}"),
            headers={"Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            out: dict[str, Any] = json.loads(response.read())
        return out


def timed(call: Any, count: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def stored(env: dict[str, str], code: str) -> int:
    done = h.run_prima(
        [
            "shell",
            "-c",
            "from prima.surveys.models import Response;"
            f"print('COUNT', Response.objects.filter(survey__code={code!r}).count())",
        ],
        env,
    )
    return int(re.search(r"COUNT (\d+)", done.stdout)[1])  # type: ignore[index]


def run_engine(
    label: str, database_url: str | None, args: argparse.Namespace
) -> list[dict[str, Any]]:
    data = Path(tempfile.mkdtemp(prefix=f"prima-latency-{label}-"))
    env = h.prima_env(data, database_url)
    rows: list[dict[str, Any]] = []
    try:
        code = h.prepare_demo(env)
        password = (data / "demo-password").read_text("utf-8").strip()
        token = h.run_prima(["token", "create", "--user", "admin"], env).stdout.split()[-1]
        for size in args.sizes:
            have = stored(env, code)
            if size > have:
                started = time.monotonic()
                h.run_prima(
                    ["seed", "--responses", str(size - have), "--survey", code, "--seed", "7"],
                    env,
                    timeout=7200,
                )
                print(
                    f"{label}: seeded {size - have:,} in {time.monotonic() - started:.0f} s",
                    flush=True,
                )
            total = stored(env, code)
            port = h.free_port()
            proc = h.start_server(data, port, args.workers, env, data / "server.log")
            try:
                h.wait_ready(port, code, timeout=120, proc=proc)
                site = Site(port, code, args.period, token)
                site.login("admin", password)
                counted = site.results()["responses"]
                for page, call in (("dashboard", site.dashboard), ("results", site.results)):
                    times = timed(call, args.requests, args.warmup)
                    row = {
                        "engine": label,
                        "stored": total,
                        "in_period": counted,
                        "page": page,
                        "p50": statistics.median(times),
                        "p95": percentile(times, 95),
                        "max": max(times),
                    }
                    rows.append(row)
                    print(
                        f"{label:9} {total:>9,} stored ({counted:,} in {args.period}) {page:9} "
                        f"p50 {row['p50']:6.1f} ms  p95 {row['p95']:6.1f} ms  max {row['max']:6.1f} ms",
                        flush=True,
                    )
            finally:
                h.stop_server(proc)
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    return rows


def verdict(rows: list[dict[str, Any]]) -> bool:
    ok = True
    print("\nsummary (p95, ms)")
    for engine in dict.fromkeys(r["engine"] for r in rows):
        for page in ("dashboard", "results"):
            mine = sorted(
                (r for r in rows if r["engine"] == engine and r["page"] == page),
                key=lambda r: r["stored"],
            )
            if len(mine) < 2:
                continue
            small, large = mine[0], mine[-1]
            ratio = large["p95"] / small["p95"]
            holds = ratio <= TARGET_RATIO and all(r["p95"] < TARGET_MS for r in mine)
            ok &= holds
            print(
                f"{engine:9} {page:9} {small['stored']:>9,}: {small['p95']:6.1f}   "
                f"{large['stored']:>9,}: {large['p95']:6.1f}   ratio {ratio:4.2f}   "
                f"{'target holds' if holds else 'TARGET MISSED'}"
            )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument(
        "--sizes",
        default="10000,1000000",
        type=lambda text: [int(x) for x in text.split(",")],
        help="stored responses in the survey at each measurement (ascending)",
    )
    parser.add_argument("--period", default=str(time.localtime().tm_year))
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the data folders")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for engine in args.engines.split(","):
        if engine == "sqlite":
            rows += run_engine("sqlite", None, args)
        elif engine == "postgres":
            cluster = h.PgCluster.create()
            try:
                rows += run_engine("postgres", cluster.url, args)
            finally:
                cluster.destroy()
        else:
            parser.error(f"unknown engine {engine!r}")
    return 0 if verdict(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
