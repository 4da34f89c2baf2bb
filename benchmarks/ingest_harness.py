"""A load-and-fault harness for the public submission API (issue 4, "Ingestion you can trust").

Twenty (or N) client threads submit responses to one survey through ``prima serve`` on
127.0.0.1, with random re-sends of the same ``submission_id`` (some at once from another
thread, some later); a controller thread kills the app server with SIGKILL mid-run and starts it
again on the same port (and, on PostgreSQL, restarts the database with ``pg_ctl -m immediate``).
Afterwards the database is read directly and checked against what the clients saw:

- every acknowledged submission (a 200/201 with an ``id``) is stored, exactly once, under the id
  that was returned; every answer for the same ``submission_id`` carried the same id;
- no ``submission_id`` is stored twice; the new rows of the survey are exactly the distinct
  submission ids stored;
- a stored submission that was never acknowledged is one whose acknowledgement may have been
  lost (an attempt ended in a connection error or a 5xx); it is counted and allowed.

Everything stays on the loopback interface, and every loop is bounded in count and in time.
Used by ``tests/web/test_ingest_faults.py`` (small, in CI), ``benchmarks/ingest_faults.py``
(full size, by hand) and ``benchmarks/submit_throughput.py`` (servers, clusters).
"""

from __future__ import annotations

import contextlib
import heapq
import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SURVEY_LINE = re.compile(r"^Survey: (\S+) ", re.MULTILINE)
MARK = "INGEST-JSON:"


def prima_bin() -> Path:
    """The ``prima`` command of the running interpreter's environment, else the repo's ``.venv``."""
    here = Path(sys.executable).with_name("prima")
    return here if here.exists() else ROOT / ".venv" / "bin" / "prima"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def gunicorn_cmd_args() -> str:
    """Extra gunicorn options for test servers: no shared control socket in ``~/.gunicorn``
    (several servers and SIGKILLed ones would fight over it), when this gunicorn has one."""
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:  # pragma: no cover - gunicorn is a dependency
        return ""
    names = {s.name for s in KNOWN_SETTINGS}
    return "--no-control-socket" if "control_socket_disable" in names else ""


def prima_env(
    data_dir: Path, database_url: str | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of every ``prima`` process of a run: its own data folder, the database
    (SQLite in the data folder unless ``database_url``), rate limits off."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PRIMA_DEMO")}
    env["PRIMA_DATA_DIR"] = str(data_dir)
    env["PRIMA_RATE_LIMITS"] = "off"
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    extra_args = gunicorn_cmd_args()
    if extra_args and extra_args not in env.get("GUNICORN_CMD_ARGS", ""):
        env["GUNICORN_CMD_ARGS"] = f"{env.get('GUNICORN_CMD_ARGS', '')} {extra_args}".strip()
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra or {})
    return env


# -- the server -------------------------------------------------------------------------------
def start_server(
    data_dir: Path,
    port: int,
    workers: int,
    env: Mapping[str, str],
    log_path: Path | None = None,
    argv: list[str] | None = None,
) -> subprocess.Popen[bytes]:
    """``prima serve --host 127.0.0.1 --port P --workers N`` in a new session (process group),
    so that the master and its workers can be killed together (:func:`kill_server`)."""
    cmd = argv or [
        str(prima_bin()),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    run_env = dict(env)
    run_env["PRIMA_DATA_DIR"] = str(data_dir)
    run_env.setdefault("PRIMA_RATE_LIMITS", "off")
    out: Any = subprocess.DEVNULL
    if log_path is not None:
        out = open(log_path, "ab")  # noqa: SIM115 - the child keeps it; closed below
    try:
        return subprocess.Popen(
            cmd,
            env=run_env,
            cwd=str(data_dir),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log_path is not None:
            out.close()


def kill_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the server's whole process group (gunicorn master and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)
    _wait_group_gone(proc.pid, 5.0)


def stop_server(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM (gunicorn's graceful stop) to the group, then SIGKILL after ``timeout``."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    _wait_group_gone(proc.pid, 5.0)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies, waiting to be reaped by init, don't)."""
    proc = Path("/proc")
    if not proc.is_dir():  # pragma: no cover - not Linux
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _wait_group_gone(pgid: int, timeout: float) -> None:
    """Wait (bounded) until no process of the group runs any more."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and _group_alive(pgid):
        time.sleep(0.02)


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def wait_ready(
    port: int,
    code: str,
    timeout: float = 60.0,
    proc: subprocess.Popen[bytes] | None = None,
    path: str | None = None,
) -> float:
    """Poll ``GET /api/v1/public/surveys/<code>`` (or ``path``) until 200; the seconds it took.

    Raises ``TimeoutError`` after ``timeout`` and ``RuntimeError`` when ``proc`` has exited.
    """
    path = path or f"/api/v1/public/surveys/{code}"
    start = time.monotonic()
    end = start + timeout
    last = "no answer"
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} ({last})")
        try:
            status, _ = http_get(port, path, timeout=2.0)
            if status == 200:
                return time.monotonic() - start
            last = f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            last = type(exc).__name__
        time.sleep(0.1)
    raise TimeoutError(f"{HOST}:{port}{path} not ready after {timeout:.0f} s ({last})")


def survey_definition(port: int, code: str) -> dict[str, Any]:
    status, body = http_get(port, f"/api/v1/public/surveys/{code}")
    if status != 200:
        raise RuntimeError(f"survey {code}: HTTP {status}")
    return dict(json.loads(body))


# -- preparing and reading the database -------------------------------------------------------
def run_prima(
    args: list[str], env: Mapping[str, str], timeout: float = 300.0
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(prima_bin()), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"prima {' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done


def prepare_demo(env: Mapping[str, str]) -> str:
    """``prima demo --no-serve`` in the run's data folder; the SKM 2017 survey's code."""
    done = run_prima(["demo", "--no-serve"], env)
    codes = SURVEY_LINE.findall(done.stdout)
    if not codes:
        raise RuntimeError(f"prima demo printed no survey:\n{done.stdout}")
    return str(codes[0])  # the demo lists SKM first


_READ_SCRIPT = """
import json
from prima.surveys.models import Response
rows = list(Response._base_manager.filter(survey__code={code!r}).values_list("id", "submission_id"))
print({mark!r} + json.dumps([[i, str(s)] for i, s in rows]))
"""


def stored_rows(env: Mapping[str, str], code: str) -> list[tuple[int, str]]:
    """``(id, submission_id hex)`` of every stored response of the survey (flagged ones too),
    read through the ORM's base manager in a ``prima shell`` subprocess with the run's
    environment (the same database)."""
    done = run_prima(["shell", "-c", _READ_SCRIPT.format(code=code, mark=MARK)], env)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return [(int(i), uuid.UUID(s).hex) for i, s in json.loads(line[len(MARK) :])]
    raise RuntimeError(f"no rows printed:\n{done.stdout}\n{done.stderr}")


# -- PostgreSQL -------------------------------------------------------------------------------
def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme in ("postgres", "postgresql", "pgsql")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(url: str, name: str, *, synchronous_commit: str | None = "on") -> str:
    """``CREATE DATABASE name`` on the server of ``url``; the URL of the new database.

    ``synchronous_commit=on`` (PostgreSQL's default) for its sessions: a throw-away test cluster
    runs with ``synchronous_commit=off``, under which an immediate stop (a crash) may lose the
    last commits that were already acknowledged, which is not what production runs.
    """
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a plain database name: {name!r}")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        if synchronous_commit:
            conn.execute(
                f"ALTER DATABASE \"{name}\" SET synchronous_commit = '{synchronous_commit}'"
            )
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    import psycopg

    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class PgCluster:
    """A PostgreSQL cluster driven with ``pg_ctl`` (as the ``postgres`` user when root), like
    ``scripts/postgres-for-tests.sh``: either the one that script started (``PRIMA_PG_BIN``,
    ``PRIMA_PG_DIR``) or a throw-away one made by :meth:`create`."""

    bin_dir: Path
    pg_dir: Path
    port: int
    owned: bool = False

    @property
    def data(self) -> Path:
        return self.pg_dir / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/postgres"

    @staticmethod
    def find_bin() -> Path | None:
        found = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p.parent.name)],
        )
        found = [p for p in found if (p / "initdb").exists()]
        return found[-1] if found else None

    @classmethod
    def from_env(cls, database_url: str) -> PgCluster | None:
        bin_dir, pg_dir = os.environ.get("PRIMA_PG_BIN"), os.environ.get("PRIMA_PG_DIR")
        if not bin_dir or not pg_dir or not (Path(pg_dir) / "data").is_dir():
            return None
        return cls(Path(bin_dir), Path(pg_dir), urlsplit(database_url).port or 5432)

    @classmethod
    def create(cls, port: int | None = None) -> PgCluster:
        bin_dir = cls.find_bin()
        if bin_dir is None:
            raise RuntimeError(
                "no PostgreSQL server binaries in /usr/lib/postgresql "
                "(scripts/postgres-for-tests.sh installs Debian's postgresql)"
            )
        pg_dir = Path(tempfile.mkdtemp(prefix="prima-bench-pg."))
        cluster = cls(bin_dir, pg_dir, port or free_port(), owned=True)
        if os.getuid() == 0:
            shutil.chown(pg_dir, "postgres")
        cluster._pg(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            quiet=True,
        )
        cluster.start(cluster.default_options())
        return cluster

    def default_options(self) -> list[str]:
        """The server options of ``scripts/postgres-for-tests.sh``."""
        return [
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-k",
            str(self.pg_dir),
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]

    def _pg(self, argv: list[str], *, quiet: bool = False, timeout: float = 120.0) -> None:
        cmd = shlex.join(argv)
        if quiet:
            cmd += " >/dev/null"
        full = (
            ["su", "postgres", "-s", "/bin/sh", "-c", cmd]
            if os.getuid() == 0
            else ["sh", "-c", cmd]
        )
        subprocess.run(full, check=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def running_options(self) -> list[str]:
        """The options the server was started with (``postmaster.opts``), less ``-D``."""
        opts = self.data / "postmaster.opts"
        words = shlex.split(opts.read_text()) if opts.exists() else []
        words = words[1:]  # the postgres binary
        out: list[str] = []
        skip = False
        for w in words:
            if skip:
                skip = False
                continue
            if w == "-D":
                skip = True
                continue
            out.append(w)
        return out or self.default_options()

    def start(self, options: list[str]) -> None:
        self._pg(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.pg_dir / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                shlex.join(options),
                "start",
            ],
            quiet=True,
        )

    def stop(self, mode: str = "fast") -> None:
        self._pg(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
            quiet=True,
        )

    def restart_immediate(self, down: float = 1.0) -> float:
        """``pg_ctl -m immediate stop`` (a crash: recovery on start), ``down`` seconds without
        a database, then start with the same options; the seconds it was unreachable."""
        options = self.running_options()
        t0 = time.monotonic()
        self.stop("immediate")
        time.sleep(down)
        for attempt in range(3):  # a start that fails (port still held...) is tried again
            try:
                self.start(options)
                break
            except subprocess.SubprocessError:
                if attempt == 2:
                    raise
                time.sleep(1.0)
        return time.monotonic() - t0

    def destroy(self) -> None:
        if not self.owned:
            return
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("fast")
        shutil.rmtree(self.pg_dir, ignore_errors=True)


# -- the clients ------------------------------------------------------------------------------
@dataclass
class Job:
    sid: str
    body: bytes
    order: float
    kind: str = "first"  # "first" | "dup" (a re-send of the same submission)
    attempts: int = 0


@dataclass
class Outcome:
    """Everything the clients saw for one submission id."""

    acked_id: int | None = None  # the id of the first acknowledgement
    ids: list[int] = field(default_factory=list)  # every id answered for it
    statuses: Counter[int] = field(default_factory=Counter)
    sends: int = 0
    unknown: int = 0  # attempts whose outcome is unknown (connection error, 5xx)
    gave_up: int = 0  # jobs dropped after the attempt or time limit
    rejected: list[str] = field(default_factory=list)  # 4xx answers other than 429


class Scheduler:
    """Jobs ordered by (not-before time, order), shared by the client threads.

    ``get`` returns None once every job is finished or the deadline has passed.
    """

    def __init__(self, deadline: float) -> None:
        self._heap: list[tuple[float, float, int, Job]] = []
        self._cond = threading.Condition()
        self._seq = 0
        self._outstanding = 0
        self.deadline = deadline

    def put(self, job: Job, not_before: float = 0.0, *, new: bool = True) -> None:
        with self._cond:
            self._seq += 1
            heapq.heappush(self._heap, (not_before, job.order, self._seq, job))
            if new:
                self._outstanding += 1
            self._cond.notify()

    def done(self) -> None:
        with self._cond:
            self._outstanding -= 1
            if self._outstanding <= 0:
                self._cond.notify_all()

    def get(self) -> Job | None:
        with self._cond:
            for _ in range(10_000_000):  # bounded in count; the deadline bounds it in time
                now = time.monotonic()
                if self._outstanding <= 0 or now >= self.deadline:
                    self._cond.notify_all()
                    return None
                if self._heap and self._heap[0][0] <= now:
                    return heapq.heappop(self._heap)[3]
                wait = self.deadline - now
                if self._heap:
                    wait = min(wait, self._heap[0][0] - now)
                self._cond.wait(timeout=max(0.001, min(wait, 0.5)))
            return None

    def left(self) -> list[Job]:
        with self._cond:
            return [entry[3] for entry in self._heap]


@dataclass
class LoadConfig:
    responses: int = 300
    clients: int = 20
    resend_share: float = 0.2  # share of submissions re-sent 1-3 times
    concurrent_share: float = 0.5  # share of re-sends queued right behind the original
    max_attempts: int = 60
    deadline: float = 120.0  # seconds for the whole run
    request_timeout: float = 15.0
    seed: int = 4


@dataclass
class RunLog:
    outcomes: dict[str, Outcome]
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    events: list[str] = field(default_factory=list)
    timed_out: bool = False

    def acked(self) -> dict[str, int]:
        return {s: o.acked_id for s, o in self.outcomes.items() if o.acked_id is not None}


def answers_for(definition: dict[str, Any], rng: random.Random) -> dict[str, int]:
    return {
        q["key"]: rng.randint(int(q["min"]), int(q["max"]))
        for q in definition["questions"]
        if q.get("required", True)
    }


class Load:
    """The client pool: ``cfg.clients`` threads, each with its own keep-alive connection."""

    def __init__(
        self,
        port: int,
        code: str,
        definition: dict[str, Any],
        cfg: LoadConfig,
    ) -> None:
        self.port_box = [port]
        self.path = f"/api/v1/public/surveys/{code}/responses"
        self.cfg = cfg
        self.rng = random.Random(cfg.seed)
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.sched = Scheduler(self.started + cfg.deadline)
        self.log = RunLog(outcomes={})
        self.n_acked = 0
        units = [u["id"] for u in definition["units"]]
        jobs: list[tuple[Job, float]] = []
        for i in range(cfg.responses):
            sid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            body = json.dumps(
                {
                    "submission_id": sid,
                    "answers": answers_for(definition, self.rng),
                    "unit": self.rng.choice(units),
                    "channel": "kiosk",
                }
            ).encode()
            self.log.outcomes[sid] = Outcome()
            jobs.append((Job(sid, body, float(i)), 0.0))
            if self.rng.random() < cfg.resend_share:
                for k in range(self.rng.randint(1, 3)):
                    if self.rng.random() < cfg.concurrent_share:
                        order = i + 0.01 * (k + 1)  # right behind: another thread, same moment
                    else:
                        order = i + self.rng.uniform(5, max(10.0, cfg.responses * 0.3))
                    jobs.append((Job(sid, body, order, kind="dup"), 0.0))
        for job, nb in jobs:
            self.sched.put(job, nb)

    # progress, for the fault controller
    def acked_count(self) -> int:
        with self.lock:
            return self.n_acked

    def event(self, text: str) -> None:
        with self.lock:
            self.log.events.append(f"{time.monotonic() - self.started:7.2f}s {text}")

    def run(self, controller: Callable[[Load], None] | None = None) -> RunLog:
        threads = [
            threading.Thread(target=self._client, name=f"client-{i}", daemon=True)
            for i in range(self.cfg.clients)
        ]
        ctl = None
        if controller is not None:
            ctl = threading.Thread(target=controller, args=(self,), name="faults", daemon=True)
            ctl.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=self.cfg.deadline + 60)
        if ctl is not None:
            ctl.join(timeout=120)
        self.log.elapsed = time.monotonic() - self.started
        for job in self.sched.left():
            self.log.outcomes[job.sid].gave_up += 1
            self.log.timed_out = True
        return self.log

    def _client(self) -> None:
        conn: http.client.HTTPConnection | None = None
        rng = random.Random(threading.current_thread().name + str(self.cfg.seed))
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        for _ in range(10_000_000):  # bounded; ends when the scheduler says so
            job = self.sched.get()
            if job is None:
                break
            port = self.port_box[0]
            if conn is None or conn.port != port:
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=self.cfg.request_timeout)
            job.attempts += 1
            status, got, err, retry_after = 0, None, "", None
            try:
                conn.request("POST", self.path, body=job.body, headers=headers)
                r = conn.getresponse()
                raw = r.read()
                status = r.status
                retry_after = r.getheader("Retry-After")
                if status in (200, 201):
                    got = json.loads(raw).get("id")
                elif status >= 400:
                    err = raw[:200].decode("utf-8", "replace")
            except (OSError, http.client.HTTPException, ValueError) as exc:
                err = type(exc).__name__
                conn.close()
                conn = None
            self._record(job, status, got, err, retry_after, rng)

    def _record(
        self,
        job: Job,
        status: int,
        got: Any,
        err: str,
        retry_after: str | None,
        rng: random.Random,
    ) -> None:
        retry = False
        with self.lock:
            self.log.requests += 1
            o = self.log.outcomes[job.sid]
            o.sends += 1
            if status:
                o.statuses[status] += 1
            if status in (200, 201) and isinstance(got, int):
                o.ids.append(got)
                if o.acked_id is None:
                    o.acked_id = got
                    self.n_acked += 1
            elif status in (200, 201):
                self.log.errors[f"{status} without id"] += 1
                o.unknown += 1
                retry = True
            elif status == 0 or status >= 500 or status == 429:
                self.log.errors[err if status == 0 else f"HTTP {status}"] += 1
                if status != 429:
                    o.unknown += 1
                retry = True
            else:
                self.log.errors[f"HTTP {status}"] += 1
                o.rejected.append(f"{status}: {err}")
            if retry and job.attempts >= self.cfg.max_attempts:
                o.gave_up += 1
                retry = False
        if retry:
            delay = min(2.0, 0.05 * 2 ** min(job.attempts, 6)) * rng.uniform(0.5, 1.5)
            with contextlib.suppress(ValueError, TypeError):
                if retry_after:
                    delay = max(delay, min(5.0, float(retry_after)))
            self.sched.put(job, time.monotonic() + delay, new=False)
        else:
            self.sched.done()


# -- faults -----------------------------------------------------------------------------------
@dataclass
class Fault:
    kind: str  # "kill-app" | "restart-db"
    at: float  # share of the submissions acknowledged when it strikes


def fault_controller(
    faults: list[Fault],
    restart_app: Callable[[Load], None],
    restart_db: Callable[[Load], None] | None,
) -> Callable[[Load], None]:
    """A controller thread body: strikes each fault once the acknowledged share reaches it."""

    def run(load: Load) -> None:
        pending = sorted(faults, key=lambda f: f.at)
        total = load.cfg.responses
        end = load.sched.deadline
        for _ in range(10_000_000):  # bounded; ends when every fault struck or at the deadline
            if not pending or time.monotonic() >= end:
                break
            if load.acked_count() >= pending[0].at * total:
                fault = pending.pop(0)
                load.event(f"{fault.kind} at {load.acked_count()}/{total} acknowledged")
                try:
                    if fault.kind == "kill-app":
                        restart_app(load)
                    elif fault.kind == "restart-db" and restart_db is not None:
                        restart_db(load)
                except Exception as exc:  # reported; the run goes on and the checks decide
                    load.event(f"{fault.kind} FAILED: {exc!r}")
            else:
                time.sleep(0.01)
        for fault in pending:
            load.event(f"{fault.kind} not struck (run ended first)")

    return run


# -- verification -----------------------------------------------------------------------------
@dataclass
class Findings:
    submitted: int
    acknowledged: int
    requests: int
    resent_ids: int
    stored_new: int
    distinct_new: int
    pre_existing: int
    stored_unacked: int  # stored, acknowledgement lost (allowed)
    gave_up: int
    elapsed: float
    problems: list[str]
    errors: Counter[str]
    events: list[str]
    statuses: Counter[int]

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> str:
        lines = [
            f"submissions: {self.submitted} distinct ids, {self.requests} requests "
            f"({self.resent_ids} ids re-sent), {self.elapsed:.1f} s",
            f"acknowledged: {self.acknowledged}; gave up: {self.gave_up}",
            "answers: " + ", ".join(f"{k}x{v}" for k, v in sorted(self.statuses.items())),
            "client-side errors (retried): "
            + (", ".join(f"{k}x{v}" for k, v in self.errors.most_common()) or "none"),
            f"stored: {self.stored_new} new rows, {self.distinct_new} distinct submission ids "
            f"(+{self.pre_existing} rows before the run)",
            f"stored but never acknowledged (acknowledgement lost in a fault): {self.stored_unacked}",
            *[f"event {e}" for e in self.events],
        ]
        if self.problems:
            lines.append(f"PROBLEMS ({len(self.problems)}):")
            lines += [f"  - {p}" for p in self.problems[:50]]
        else:
            lines.append(
                "OK: every acknowledged submission is stored exactly once under the id returned; "
                "no submission id is stored twice"
            )
        return "\n".join(lines)


def verify(log: RunLog, rows: list[tuple[int, str]], before: list[tuple[int, str]]) -> Findings:
    """Compare what the clients saw with what the database holds."""
    problems: list[str] = []
    pre_ids = {i for i, _ in before}
    new_rows = [(i, s) for i, s in rows if i not in pre_ids]
    per_sid: dict[str, list[int]] = {}
    for i, s in rows:
        per_sid.setdefault(s, []).append(i)
    for s, ids in per_sid.items():
        if len(ids) > 1:
            problems.append(f"submission {s} stored {len(ids)} times: ids {sorted(ids)}")
    missing_before = pre_ids - {i for i, _ in rows}
    if missing_before:
        problems.append(f"{len(missing_before)} rows that existed before the run are gone")
    mine = {uuid.UUID(s).hex: s for s in log.outcomes}
    stored_mine = {mine[s]: ids for s, ids in per_sid.items() if s in mine}
    for s in {s for _, s in new_rows} - set(mine):
        problems.append(f"a new row for submission {s} that no client sent")
    acked = log.acked()
    statuses: Counter[int] = Counter()
    stored_unacked = 0
    for sid, o in log.outcomes.items():
        statuses.update(o.statuses)
        if len(set(o.ids)) > 1:
            problems.append(f"submission {sid} answered with different ids {sorted(set(o.ids))}")
        if o.statuses[201] > 1:
            problems.append(f"submission {sid} answered 201 (created) {o.statuses[201]} times")
        if o.rejected:
            problems.append(f"submission {sid} rejected: {o.rejected[0]}")
        ids = stored_mine.get(sid)
        if sid in acked:
            if not ids:
                problems.append(f"acknowledged submission {sid} (id {acked[sid]}) is not stored")
            elif acked[sid] not in ids:
                problems.append(
                    f"submission {sid} acknowledged as id {acked[sid]} but stored as {ids}"
                )
        elif ids:
            stored_unacked += 1
            if o.unknown == 0:
                problems.append(
                    f"submission {sid} is stored but was never acknowledged, "
                    "and no attempt of it ended unknown"
                )
    distinct_new = len({s for _, s in new_rows})
    if len(new_rows) != distinct_new:
        problems.append(f"{len(new_rows)} new rows for {distinct_new} distinct submission ids")
    if distinct_new != len(acked) + stored_unacked:
        problems.append(
            f"{distinct_new} new submissions stored != {len(acked)} acknowledged "
            f"+ {stored_unacked} with a lost acknowledgement"
        )
    return Findings(
        submitted=len(log.outcomes),
        acknowledged=len(acked),
        requests=log.requests,
        resent_ids=sum(1 for o in log.outcomes.values() if o.sends > 1),
        stored_new=len(new_rows),
        distinct_new=distinct_new,
        pre_existing=len(before),
        stored_unacked=stored_unacked,
        gave_up=sum(1 for o in log.outcomes.values() if o.acked_id is None),
        elapsed=log.elapsed,
        problems=problems,
        errors=log.errors,
        events=log.events,
        statuses=statuses,
    )


# -- one whole run ----------------------------------------------------------------------------
@dataclass
class RunSpec:
    data_dir: Path
    cfg: LoadConfig
    workers: int = 2
    database_url: str | None = None  # None: SQLite in data_dir
    cluster: PgCluster | None = None  # restart the database mid-run when given
    kill_at: tuple[float, ...] = (0.4,)  # shares acknowledged when the app server is killed
    db_restart_at: tuple[float, ...] = (0.7,)
    app_down: float = 0.5  # seconds between the kill and the new start
    db_down: float = 1.0
    log: Callable[[str], None] = print


def run_faults(spec: RunSpec) -> Findings:
    """Prepare the demo database, serve it, run the load with faults, and verify."""
    env = prima_env(spec.data_dir, spec.database_url)
    spec.data_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    code = prepare_demo(env)
    spec.log(f"demo ready in {time.monotonic() - t0:.1f} s; survey {code}")
    before = stored_rows(env, code)
    port = free_port()
    server_log = spec.data_dir / "server.log"
    box: dict[str, subprocess.Popen[bytes]] = {}
    box["proc"] = start_server(spec.data_dir, port, spec.workers, env, server_log)
    try:
        ready = wait_ready(port, code, proc=box["proc"])
        spec.log(f"server ready in {ready:.1f} s on {HOST}:{port}")
        definition = survey_definition(port, code)
        if definition["instrument"]["name"] != "skm2017":
            raise RuntimeError(f"survey {code} is not SKM 2017: {definition['instrument']}")

        def restart_app(load: Load) -> None:
            kill_server(box["proc"])
            load.event("app server killed (SIGKILL to the process group)")
            time.sleep(spec.app_down)
            box["proc"] = start_server(spec.data_dir, port, spec.workers, env, server_log)
            took = wait_ready(port, code, proc=box["proc"])
            load.event(f"app server ready again ({took:.1f} s after the start)")

        def restart_db(load: Load) -> None:
            assert spec.cluster is not None
            took = spec.cluster.restart_immediate(spec.db_down)
            load.event(f"database restarted (pg_ctl -m immediate stop; start), {took:.1f} s down")

        faults = [Fault("kill-app", a) for a in spec.kill_at]
        if spec.cluster is not None:
            faults += [Fault("restart-db", a) for a in spec.db_restart_at]
        load = Load(port, code, definition, spec.cfg)
        log = load.run(fault_controller(faults, restart_app, restart_db))
    finally:
        stop_server(box["proc"])
    rows = stored_rows(env, code)
    return verify(log, rows, before)
