"""Speed and memory of ``prima analyze ikm FILE --json`` against a plain pandas script.

Issue 9, "Speed and memory": on 1,000,000 respondents x 9 unsur plus text columns, Prima run
as a whole process must take at most 0.8x the time of a plain pandas script (read_csv with
usecols, column means, the same arithmetic) run as a whole process (target 0.55x), with a peak
memory of at most 150 MB (target 100 MB) that stays flat from 1M to 10M rows.

The script

1. generates (seeded, deterministic) one or two realistic SKM answer files per size:
   ``plain``: ``no``, ``tanggal`` (a date), ``layanan`` (a short service name, text),
   ``U1``..``U9`` with answers 1-4 and about 1% blanks; ``export``: the columns of
   ``prima export responses`` (ids, a UUID, date and time, unit and service ids and names,
   the answers, a profile, ``flag``) with a quoted suggestion for about 30% of the
   respondents, holding commas, doubled quotes and line breaks. Both are written in chunks
   from NumPy byte matrices, so a million rows take a second or two;
2. writes the pandas baseline to a temporary file: ``read_csv`` (only the U columns: the
   stronger baseline in time and memory; ``--baseline plain`` reads every column), the nine
   column means (NRR), NRR x 1/9 summed (IKM) and x 25 (IKM converted), printed as JSON;
3. runs both as whole processes, alternating (Prima first on odd runs, pandas first on even
   runs), after one untimed warm-up of each; each run's wall time is taken around
   ``Popen``..``os.wait4`` and its peak resident memory is that child's own ``ru_maxrss``;
4. checks that both computed the same NRRs and IKM (to 1e-9) and prints the figures per file,
   a summary, and with two or more sizes whether Prima's peak memory stayed flat.

Import time weighs on both sides, so the bytecode state matters: by default the children inherit
the environment as it is (where PYTHONDONTWRITEBYTECODE is set and a package was installed
without compiling, each run compiles it again); ``--compiled`` gives both sides a private
bytecode cache (PYTHONPYCACHEPREFIX) filled by the warm-up, the state of an ordinary install.

Exit status 0 whatever the figures (this is not a timed test); 1 when the two results disagree
or a run fails. Quick mode: ``--respondents 20000 --runs 1``.

    .venv/bin/python benchmarks/ikm_vs_pandas.py [--respondents N [N ...]] [--shape plain|export|both]
        [--runs R] [--keep] [--compiled]
    .venv/bin/python benchmarks/ikm_vs_pandas.py --respondents 1000000 10000000 --runs 3 --compiled
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
UNSUR = [f"U{i}" for i in range(1, 10)]
SEED = 20170414  # PermenPAN-RB 14/2017
FORMAT_VERSION = 2  # bump when the generated layout changes (the file name carries it)
TIME_REQUIRED = 0.8  # prima's median time / pandas's, issue 9
TIME_TARGET = 0.55
MEMORY_REQUIRED_MB = 150  # prima's peak RSS
MEMORY_TARGET_MB = 100
FLAT_FACTOR, FLAT_SLACK_MB = 1.1, 5.0  # "flat": the largest size's peak within 10% + 5 MB
CHUNK_ROWS = 200_000
BLANK_SHARE = 0.01
SERVICES = [
    "Pemeriksaan umum",
    "Laboratorium",
    "Kesehatan ibu dan anak",
    "Gigi",
    "Farmasi",
    "Imunisasi",
    "KB",
    "Gizi",
]
# answer shares for 1, 2, 3, 4 per unsur: mostly 3, some unsur weaker or stronger (as in real SKMs)
ANSWER_SHARES = np.array(
    [
        [0.04, 0.16, 0.58, 0.22],  # persyaratan
        [0.05, 0.18, 0.56, 0.21],  # prosedur
        [0.08, 0.26, 0.50, 0.16],  # waktu
        [0.02, 0.06, 0.40, 0.52],  # biaya
        [0.04, 0.15, 0.60, 0.21],  # produk
        [0.03, 0.12, 0.60, 0.25],  # kompetensi
        [0.02, 0.10, 0.58, 0.30],  # perilaku
        [0.06, 0.22, 0.52, 0.20],  # sarana
        [0.07, 0.20, 0.53, 0.20],  # pengaduan
    ]
)

PANDAS_SCRIPT = '''\
"""Plain pandas IKM: read_csv, the nine column means, NRR x 1/9 summed, x 25."""
import json
import sys

import pandas as pd

UNSUR = [f"U{i}" for i in range(1, 10)]
usecols = UNSUR if sys.argv[2] == "usecols" else None
df = pd.read_csv(sys.argv[1], usecols=usecols)
nrr = df[UNSUR].mean()  # blanks are NaN and skipped
ikm = float((nrr * (1 / 9)).sum())
print(json.dumps({"nrr": [float(v) for v in nrr], "ikm": ikm, "ikm_converted": ikm * 25}))
'''


# -- the data file ---------------------------------------------------------------------------
FILL = 0  # a byte that never occurs in the CSV: padding removed before writing


def _digits(values: NDArray[np.int64], width: int, *, pad: bool) -> NDArray[np.uint8]:
    """rows x width ASCII digits of non-negative integers (leading zeros -> FILL unless pad)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (values[:, None] // powers) % 10
    out = (digits + ord("0")).astype(np.uint8)
    if not pad:
        leading = np.cumsum(digits, axis=1) == 0
        leading[:, -1] = False  # zero itself prints as "0"
        out[leading] = FILL
    return out


def _chunk_bytes(rng: np.random.Generator, first_id: int, rows: int) -> bytes:
    """CSV lines for respondents first_id .. first_id + rows - 1."""
    ids = np.arange(first_id, first_id + rows, dtype=np.int64)
    id_width = len(str(first_id + rows))
    month = rng.integers(1, 13, rows)
    day = rng.integers(1, 29, rows)
    service = rng.integers(0, len(SERVICES), rows)
    encoded = [s.encode() for s in SERVICES]
    name_width = max(len(s) for s in encoded)
    names = np.full((len(SERVICES), name_width), FILL, dtype=np.uint8)
    for k, s in enumerate(encoded):
        names[k, : len(s)] = np.frombuffer(s, dtype=np.uint8)

    comma = np.full((rows, 1), ord(","), dtype=np.uint8)
    date = np.concatenate(
        [
            np.tile(np.frombuffer(b"2024-", dtype=np.uint8), (rows, 1)),
            _digits(month, 2, pad=True),
            np.full((rows, 1), ord("-"), dtype=np.uint8),
            _digits(day, 2, pad=True),
        ],
        axis=1,
    )
    parts = [_digits(ids, id_width, pad=False), comma, date, comma, names[service]]
    for j in range(len(UNSUR)):
        answers = rng.choice(
            np.arange(ord("1"), ord("5"), dtype=np.uint8), rows, p=ANSWER_SHARES[j]
        )
        answers[rng.random(rows) < BLANK_SHARE] = FILL  # a blank answer: empty field
        parts += [comma, answers[:, None]]
    parts.append(np.full((rows, 1), ord("\n"), dtype=np.uint8))
    grid = np.concatenate(parts, axis=1).ravel()
    lines: bytes = grid[grid != FILL].tobytes()
    return lines


UNITS = [
    "Puskesmas Sukamaju",
    "Puskesmas Cibening",
    "Puskesmas Mekarsari",
    "RSUD Kota",
    "Dinas Kesehatan",
]
SUGGESTIONS = [
    "Pelayanan cepat, petugas ramah.",
    "Antrean terlalu panjang, mohon ditambah loket.\nTerima kasih.",
    'Ruang tunggu panas; kipas angin rusak, tolong "segera" diperbaiki.',
    "Parkir sempit.\r\nToilet kotor, sabun habis.\r\nSemoga lebih baik.",
    "Informasi biaya tidak jelas, ada pungutan di luar tarif?",
    "Mantap",
]
SUGGESTION_SHARE = 0.3
EXPORT_HEADER = [
    "id",
    "submission_id",
    "submitted_at",
    "unit",
    "service",
    "staff",
    "channel",
    "unit_name",
    "service_name",
    "staff_name",
    *UNSUR,
    "profile.age",
    "profile.sex",
    "profile.education",
    "suggestion",
    "flag",
    "flag_detail",
]


def _quoted(text: str) -> bytes:
    return ('"' + text.replace('"', '""') + '"').encode()


def _padded(values: list[bytes]) -> NDArray[np.uint8]:
    """One row per value, padded with FILL to the longest."""
    width = max(len(v) for v in values)
    table = np.full((len(values), width), FILL, dtype=np.uint8)
    for k, v in enumerate(values):
        table[k, : len(v)] = np.frombuffer(v, dtype=np.uint8)
    return table


def _export_chunk_bytes(rng: np.random.Generator, first_id: int, rows: int) -> bytes:
    """Lines shaped like ``prima export responses``: ids, a UUID, a date and time, unit and
    service ids and names, the answers, a profile and a quoted suggestion for about 30% of the
    respondents, with commas, quotes and line breaks inside the quotes."""
    ids = np.arange(first_id, first_id + rows, dtype=np.int64)
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    nibbles = hexdigits[rng.integers(0, 16, (rows, 32))]
    dash = np.full((rows, 1), ord("-"), dtype=np.uint8)
    uuid = np.concatenate(
        [
            nibbles[:, :8],
            dash,
            nibbles[:, 8:12],
            dash,
            nibbles[:, 12:16],
            dash,
            nibbles[:, 16:20],
            dash,
            nibbles[:, 20:],
        ],
        axis=1,
    )

    def fixed(text: bytes) -> NDArray[np.uint8]:
        return np.tile(np.frombuffer(text, dtype=np.uint8), (rows, 1))

    comma = fixed(b",")
    when = np.concatenate(
        [
            fixed(b"2024-"),
            _digits(rng.integers(1, 13, rows), 2, pad=True),
            fixed(b"-"),
            _digits(rng.integers(1, 29, rows), 2, pad=True),
            fixed(b"T"),
            _digits(rng.integers(7, 16, rows), 2, pad=True),
            fixed(b":"),
            _digits(rng.integers(0, 60, rows), 2, pad=True),
            fixed(b":00+07:00"),
        ],
        axis=1,
    )
    unit = rng.integers(0, len(UNITS), rows)
    service = rng.integers(0, len(SERVICES), rows)
    parts = [
        _digits(ids, len(str(first_id + rows)), pad=False),
        comma,
        uuid,
        comma,
        when,
        comma,
        _digits(unit + 1, 2, pad=False),
        comma,
        _digits(service + 1, 2, pad=False),
        comma,  # staff: blank
        comma,
        fixed(b"web"),
        comma,
        _padded([u.encode() for u in UNITS])[unit],
        comma,
        _padded([s.encode() for s in SERVICES])[service],
        comma,  # staff_name: blank
    ]
    for j in range(len(UNSUR)):
        answers = rng.choice(
            np.arange(ord("1"), ord("5"), dtype=np.uint8), rows, p=ANSWER_SHARES[j]
        )
        answers[rng.random(rows) < BLANK_SHARE] = FILL
        parts += [comma, answers[:, None]]
    sex = np.frombuffer(b"LP", dtype=np.uint8)[rng.integers(0, 2, rows)][:, None]
    education = _padded([b"sd", b"smp", b"slta", b"d1d3", b"d4s1", b"s2"])
    texts = _padded([b""] + [_quoted(t) for t in SUGGESTIONS])
    said = np.where(
        rng.random(rows) < SUGGESTION_SHARE, rng.integers(1, len(SUGGESTIONS) + 1, rows), 0
    )
    parts += [
        comma,
        _digits(rng.integers(17, 75, rows), 2, pad=False),
        comma,
        sex,
        comma,
        education[rng.integers(0, len(education), rows)],
        comma,
        texts[said],
        comma,  # flag: blank
        comma,  # flag_detail: blank
        fixed(b"\n"),
    ]
    grid = np.concatenate(parts, axis=1).ravel()
    lines: bytes = grid[grid != FILL].tobytes()
    return lines


def generate(path: Path, respondents: int, seed: int = SEED, shape: str = "plain") -> None:
    """Write the answer file (to a temporary name first, so a broken run leaves no file)."""
    rng = np.random.default_rng(seed)
    partial = path.with_name(path.name + ".partial")
    export = shape == "export"
    header = ",".join(EXPORT_HEADER) if export else "no,tanggal,layanan," + ",".join(UNSUR)
    chunk = _export_chunk_bytes if export else _chunk_bytes
    with partial.open("wb") as out:
        out.write((header + "\n").encode())
        for start in range(0, respondents, CHUNK_ROWS):
            rows = min(CHUNK_ROWS, respondents - start)
            out.write(chunk(rng, start + 1, rows))
    partial.replace(path)


def generate_apart(path: Path, respondents: int, shape: str) -> None:
    """:func:`generate` in a process of its own: this process stays small.

    Linux carries the resident-memory high-water mark of the process that starts a child into
    the child's ``ru_maxrss`` (it is taken at exec from the address space being replaced), so a
    parent that had grown to 200 MB generating a file would make every child report 200 MB.
    """
    import multiprocessing

    worker = multiprocessing.get_context("spawn").Process(
        target=generate, args=(path, respondents, SEED, shape)
    )
    worker.start()
    worker.join()
    if worker.exitcode != 0:
        raise SystemExit(f"generating {path} failed (exit {worker.exitcode})")


def own_peak_mb() -> float:
    """This process's own peak resident memory: the floor of every child's ``ru_maxrss``."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


# -- running and measuring -------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    result: dict[str, Any]


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of one child process (its own ru_maxrss, via os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {child.returncode}:\n{stderr.strip()}")
    rss_kib = usage.ru_maxrss  # kilobytes on Linux (bytes on macOS)
    mb = rss_kib / 1024 if sys.platform != "darwin" else rss_kib / (1024 * 1024)
    return Run(seconds, mb, json.loads(stdout))


def prima_command(data: Path) -> list[str]:
    exe = Path(sys.executable).parent / "prima"
    found = str(exe) if exe.exists() else shutil.which("prima")
    if found is None:
        raise SystemExit("cannot find the prima command next to this Python or on PATH")
    return [found, "analyze", "ikm", str(data), "--json"]


def agree(prima: dict[str, Any], pandas: dict[str, Any]) -> list[str]:
    """Differences between the two results beyond 1e-9 (empty when they agree)."""
    problems: list[str] = []
    p_conv, b_conv = float(prima["ikm_converted"]), float(pandas["ikm_converted"])
    if abs(p_conv - b_conv) > 1e-9:
        problems.append(f"IKM converted: prima {p_conv!r}, pandas {b_conv!r}")
    for name, value in zip(UNSUR, pandas["nrr"], strict=True):
        mine = float(prima["elements"][name]["nrr"])
        if abs(mine - value) > 1e-9:
            problems.append(f"NRR {name}: prima {mine!r}, pandas {value!r}")
    return problems


# -- the report ------------------------------------------------------------------------------
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_lines() -> list[str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    lines = [
        f"machine : {platform.system()} {platform.release()} {platform.machine()}, {_cpu_model()}",
        f"nproc   : {usable if usable is not None else os.cpu_count()} usable "
        f"({os.cpu_count()} online)",
        f"python  : {platform.python_version()} ({sys.executable})",
        f"numpy {_version('numpy')}, pandas {_version('pandas')}, prima {_version('prima')}",
    ]
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if coretype:
        lines.append(f"env     : OPENBLAS_CORETYPE={coretype} (seen by both sides)")
    return lines


def _load() -> str:
    try:
        return "/".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def bytecode_line(compiled: bool) -> str:
    """How the children get their bytecode: it weighs on import time, so it is printed.

    Without ``--compiled`` the children inherit the environment as it is: where
    PYTHONDONTWRITEBYTECODE is set and a package was installed without compiling, every run
    compiles that package's modules again (pandas has many more than numpy and prima).
    """
    if compiled:
        return "bytecode: private cache for both sides (PYTHONPYCACHEPREFIX), filled by the warm-up"
    counts = []
    for name in ("pandas", "numpy", "prima"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        root = Path(spec.origin).parent
        sources = sum(1 for _ in root.rglob("*.py"))
        cached = sum(1 for _ in root.rglob(f"__pycache__/*.{sys.implementation.cache_tag}.pyc"))
        counts.append(f"{name} {cached}/{sources}")
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE")
    setting = f"PYTHONDONTWRITEBYTECODE={flag}" if flag else "written on import"
    return f"bytecode: as the environment has it ({setting}); cached .pyc/.py: {', '.join(counts)}"


def child_env(compiled: bool, cache_dir: str) -> dict[str, str] | None:
    """None (inherit as is), or the environment with a private bytecode cache for both sides."""
    if not compiled:
        return None
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


@dataclass
class Summary:
    shape: str
    respondents: int
    prima_s: float
    pandas_s: float
    prima_mb: float
    pandas_mb: float

    @property
    def ratio(self) -> float:
        return self.prima_s / self.pandas_s


SHAPES = {
    "plain": "no, tanggal, layanan (text), U1..U9",
    "export": "the columns of prima export responses, quoted multi-line suggestions",
}


def bench(
    args: argparse.Namespace, shape: str, respondents: int, env: dict[str, str] | None
) -> Summary | None:
    """Generate (or reuse) one file, run both sides alternating, print the figures."""
    data = args.data_dir / f"ikm_{shape}_{respondents}x9_seed{SEED}_v{FORMAT_VERSION}.csv"
    reused = data.exists()
    if reused:
        generate_s = 0.0
    else:
        start = time.perf_counter()
        generate_apart(data, respondents, shape)
        generate_s = time.perf_counter() - start

    fd, script_name = tempfile.mkstemp(prefix="ikm_pandas_", suffix=".py")
    script = Path(script_name)
    try:
        os.write(fd, PANDAS_SCRIPT.encode())
        os.close(fd)
        commands = {
            "prima": prima_command(data),
            "pandas": [sys.executable, str(script), str(data), args.baseline],
        }
        size_mb = data.stat().st_size / 1e6
        how = "reused" if reused else f"generated in {generate_s:.2f} s"
        print(f"== {shape}: {SHAPES[shape]}")
        print(f"data    : {data} ({respondents:,} respondents x 9 unsur, {size_mb:.1f} MB, {how})")
        print(f"prima   : {' '.join(commands['prima'])}")
        print(f"pandas  : python <tmp script> FILE {args.baseline}  (read_csv, means, x 1/9, x 25)")
        print(f"runs    : {args.warmup} warm-up + {args.runs} timed of each, alternating")
        print(
            f"parent  : {own_peak_mb():.1f} MB peak RSS (a child's ru_maxrss is at least this; "
            "files are generated in a process of their own)"
        )
        print(f"load    : {_load()} (1/5/15 min) before the runs")
        for _ in range(args.warmup):
            for name in ("prima", "pandas"):
                measure(commands[name], env)
        runs: dict[str, list[Run]] = {"prima": [], "pandas": []}
        for i in range(1, args.runs + 1):
            order = ("prima", "pandas") if i % 2 else ("pandas", "prima")
            for name in order:
                runs[name].append(measure(commands[name], env))
            p, b = runs["prima"][-1], runs["pandas"][-1]
            print(
                f"run {i}: {order[0]} first   prima {p.seconds:6.3f} s {p.max_rss_mb:7.1f} MB   "
                f"pandas {b.seconds:6.3f} s {b.max_rss_mb:7.1f} MB"
            )
    except RuntimeError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return None
    finally:
        script.unlink(missing_ok=True)
        if not args.keep:
            data.unlink(missing_ok=True)

    problems = [
        f"run {i}: {text}"
        for i, (p, b) in enumerate(zip(runs["prima"], runs["pandas"], strict=True), start=1)
        for text in agree(p.result, b.result)
    ]
    first = runs["prima"][0].result
    print(f"load    : {_load()} (1/5/15 min) after the runs")
    print(
        f"results : IKM {first['ikm']!r}, converted {first['ikm_converted']!r}, "
        f"mutu {first['grade']}, n {first['n']:,}"
    )
    if problems:
        print("results DISAGREE (tolerance 1e-9):")
        for line in problems:
            print(f"  {line}")
        return None
    print("results : prima and pandas agree (NRR per unsur and IKM converted to 1e-9)")

    def stats(name: str) -> tuple[float, float, float]:
        seconds = [r.seconds for r in runs[name]]
        return (
            statistics.median(seconds),
            min(seconds),
            max(r.max_rss_mb for r in runs[name]),
        )

    p_med, p_min, p_rss = stats("prima")
    b_med, b_min, b_rss = stats("pandas")
    ratio = p_med / b_med
    print(f"{'':8} {'median s':>9} {'min s':>9} {'peak RSS MB':>12}")
    print(f"{'prima':8} {p_med:9.3f} {p_min:9.3f} {p_rss:12.1f}")
    print(f"{'pandas':8} {b_med:9.3f} {b_min:9.3f} {b_rss:12.1f}")
    print(
        f"ratio prima/pandas: time {ratio:.3f} (median), {p_min / b_min:.3f} (min); "
        f"peak RSS {p_rss / b_rss:.3f}"
    )
    time_req = "PASS" if ratio <= TIME_REQUIRED else "FAIL"
    time_goal = "PASS" if ratio <= TIME_TARGET else "FAIL"
    mem_req = "PASS" if p_rss <= MEMORY_REQUIRED_MB else "FAIL"
    mem_goal = "PASS" if p_rss <= MEMORY_TARGET_MB else "FAIL"
    print(
        f"{time_req} time requirement (ratio <= {TIME_REQUIRED}); {time_goal} time target "
        f"(ratio <= {TIME_TARGET}); {mem_req} memory requirement (prima <= "
        f"{MEMORY_REQUIRED_MB} MB); {mem_goal} memory target (prima <= {MEMORY_TARGET_MB} MB)"
    )
    print()
    return Summary(shape, respondents, p_med, b_med, p_rss, b_rss)


def flatness(summaries: list[Summary]) -> list[str]:
    """Per shape, prima's peak RSS at the smallest and the largest size."""
    lines = []
    for shape in SHAPES:
        mine = sorted((s for s in summaries if s.shape == shape), key=lambda s: s.respondents)
        if len(mine) < 2:
            continue
        low, high = mine[0], mine[-1]
        flat = high.prima_mb <= low.prima_mb * FLAT_FACTOR + FLAT_SLACK_MB
        lines.append(
            f"{'PASS' if flat else 'FAIL'} flat memory ({shape}): prima {low.prima_mb:.1f} MB at "
            f"{low.respondents:,}, {high.prima_mb:.1f} MB at {high.respondents:,} "
            f"(pandas {low.pandas_mb:.1f} -> {high.pandas_mb:.1f} MB)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--respondents",
        type=int,
        nargs="+",
        default=[1_000_000],
        metavar="N",
        help="one or more sizes, e.g. 1000000 10000000 (memory must stay flat between them)",
    )
    parser.add_argument(
        "--shape",
        choices=("plain", "export", "both"),
        default="both",
        help="the file layout: plain, shaped like prima export, or both (default)",
    )
    parser.add_argument("--runs", type=int, default=5, metavar="R", help="timed runs of each")
    parser.add_argument(
        "--warmup", type=int, default=1, metavar="W", help="untimed runs of each first (default 1)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated files (reused by later runs)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=ROOT / "benchmarks" / "data",
        help="where the generated files go (git-ignored; default benchmarks/data)",
    )
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="give both sides a private bytecode cache filled by the warm-up (measures compiled "
        "bytecode whatever PYTHONDONTWRITEBYTECODE and the installed caches are); default: "
        "the environment as it is",
    )
    parser.add_argument(
        "--baseline",
        choices=("usecols", "plain"),
        default="usecols",
        help="pandas reads only U1..U9 (default, the stronger baseline) or every column",
    )
    args = parser.parse_args(argv)
    if min(args.respondents) < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--respondents and --runs must be >= 1, --warmup >= 0")
    if args.compiled and args.warmup < 1:
        parser.error("--compiled needs a warm-up run to fill the cache")

    args.data_dir.mkdir(parents=True, exist_ok=True)
    cache = tempfile.TemporaryDirectory(prefix="ikm_pycache_")
    env = child_env(args.compiled, cache.name)
    print("IKM benchmark: prima analyze ikm FILE --json  vs  a plain pandas script")
    for line in machine_lines():
        print(line)
    print(bytecode_line(args.compiled))
    print()
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    summaries: list[Summary] = []
    try:
        for respondents in args.respondents:
            for shape in shapes:
                summary = bench(args, shape, respondents, env)
                if summary is None:
                    return 1
                summaries.append(summary)
    finally:
        cache.cleanup()

    print("summary (median time, peak RSS):")
    print(
        f"{'shape':8} {'respondents':>12} {'prima s':>8} {'pandas s':>9} {'ratio':>6} "
        f"{'prima MB':>9} {'pandas MB':>10}"
    )
    for s in summaries:
        print(
            f"{s.shape:8} {s.respondents:12,} {s.prima_s:8.3f} {s.pandas_s:9.3f} {s.ratio:6.3f} "
            f"{s.prima_mb:9.1f} {s.pandas_mb:10.1f}"
        )
    for line in flatness(summaries):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
