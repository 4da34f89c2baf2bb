"""Speed and memory of ``prima analyze ikm FILE --json`` against a plain pandas script.

Issue 2, acceptance line "Speed": on a generated file of 1,000,000 respondents x 9 unsur, Prima
run as a whole process must be no slower than a plain pandas script (read_csv, column means, the
same arithmetic) run as a whole process; the target is half its time. Its peak memory must be no
higher than the pandas script's.

The script

1. generates (seeded, deterministic) a realistic SKM answer file: ``no``, ``tanggal`` (a date),
   ``layanan`` (a short service name, no quotes), ``U1``..``U9`` with answers 1-4 and about 1%
   blanks; it is written in chunks from NumPy byte matrices, so a million rows take about a
   second;
2. writes the pandas baseline to a temporary file: ``read_csv`` (only the U columns: the stronger
   baseline in time and memory; ``--baseline plain`` reads every column), the nine column means
   (NRR), NRR x 1/9 summed (IKM) and x 25 (IKM converted), printed as JSON;
3. runs both as whole processes, alternating (Prima first on odd runs, pandas first on even
   runs), after one untimed warm-up of each; each run's wall time is taken around
   ``Popen``..``os.wait4`` and its peak resident memory is that child's own ``ru_maxrss``;
4. checks that both computed the same NRRs and IKM (to 1e-9) and prints the figures, with the
   machine, its load and the bytecode state.

Import time weighs on both sides, so the bytecode state matters: by default the children inherit
the environment as it is (where PYTHONDONTWRITEBYTECODE is set and a package was installed
without compiling, each run compiles it again); ``--compiled`` gives both sides a private
bytecode cache (PYTHONPYCACHEPREFIX) filled by the warm-up, the state of an ordinary install.

Exit status 0 whatever the figures (this is not a timed test); 1 when the two results disagree
or a run fails. Quick mode: ``--respondents 20000 --runs 1``.

    .venv/bin/python benchmarks/ikm_vs_pandas.py [--respondents N] [--runs R] [--keep] [--compiled]
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
FORMAT_VERSION = 1  # bump when the generated layout changes (the file name carries it)
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


def generate(path: Path, respondents: int, seed: int = SEED) -> None:
    """Write the answer file (to a temporary name first, so a broken run leaves no file)."""
    rng = np.random.default_rng(seed)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        out.write(("no,tanggal,layanan," + ",".join(UNSUR) + "\n").encode())
        for start in range(0, respondents, CHUNK_ROWS):
            rows = min(CHUNK_ROWS, respondents - start)
            out.write(_chunk_bytes(rng, start + 1, rows))
    partial.replace(path)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--runs", type=int, default=5, metavar="R", help="timed runs of each")
    parser.add_argument(
        "--warmup", type=int, default=1, metavar="W", help="untimed runs of each first (default 1)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated file (reused by later runs)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=ROOT / "benchmarks" / "data",
        help="where the generated file goes (git-ignored; default benchmarks/data)",
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
    if args.respondents < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--respondents and --runs must be >= 1, --warmup >= 0")
    if args.compiled and args.warmup < 1:
        parser.error("--compiled needs a warm-up run to fill the cache")

    args.data_dir.mkdir(parents=True, exist_ok=True)
    data = args.data_dir / f"ikm_{args.respondents}x9_seed{SEED}_v{FORMAT_VERSION}.csv"
    reused = data.exists()
    if reused:
        generate_s = 0.0
    else:
        start = time.perf_counter()
        generate(data, args.respondents)
        generate_s = time.perf_counter() - start

    fd, script_name = tempfile.mkstemp(prefix="ikm_pandas_", suffix=".py")
    script = Path(script_name)
    cache = tempfile.TemporaryDirectory(prefix="ikm_pycache_")
    env = child_env(args.compiled, cache.name)
    try:
        os.write(fd, PANDAS_SCRIPT.encode())
        os.close(fd)
        commands = {
            "prima": prima_command(data),
            "pandas": [sys.executable, str(script), str(data), args.baseline],
        }
        print("IKM benchmark: prima analyze ikm FILE --json  vs  a plain pandas script")
        for line in machine_lines():
            print(line)
        size_mb = data.stat().st_size / 1e6
        how = "reused" if reused else f"generated in {generate_s:.2f} s"
        print(
            f"data    : {data} ({args.respondents:,} respondents x 9 unsur, {size_mb:.1f} MB, {how})"
        )
        print(f"prima   : {' '.join(commands['prima'])}")
        print(f"pandas  : python <tmp script> FILE {args.baseline}  (read_csv, means, x 1/9, x 25)")
        print(f"runs    : {args.warmup} warm-up + {args.runs} timed of each, alternating")
        print(bytecode_line(args.compiled))
        print(f"load    : {_load()} (1/5/15 min) before the runs")
        print()

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
        return 1
    finally:
        script.unlink(missing_ok=True)
        cache.cleanup()
        if not args.keep:
            data.unlink(missing_ok=True)

    problems = [
        f"run {i}: {text}"
        for i, (p, b) in enumerate(zip(runs["prima"], runs["pandas"], strict=True), start=1)
        for text in agree(p.result, b.result)
    ]
    first = runs["prima"][0].result
    print(f"load    : {_load()} (1/5/15 min) after the runs")
    print()
    print(
        f"results : IKM {first['ikm']!r}, converted {first['ikm_converted']!r}, "
        f"mutu {first['grade']}, n {first['n']:,}"
    )
    if problems:
        print("results DISAGREE (tolerance 1e-9):")
        for line in problems:
            print(f"  {line}")
        return 1
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
    print()
    print(f"{'':8} {'median s':>9} {'min s':>9} {'peak RSS MB':>12}")
    print(f"{'prima':8} {p_med:9.3f} {p_min:9.3f} {p_rss:12.1f}")
    print(f"{'pandas':8} {b_med:9.3f} {b_min:9.3f} {b_rss:12.1f}")
    print(
        f"ratio prima/pandas: time {ratio:.3f} (median), {p_min / b_min:.3f} (min); "
        f"peak RSS {p_rss / b_rss:.3f}"
    )
    target = "PASS" if ratio <= 0.5 else "FAIL"
    must = "PASS" if ratio <= 1.0 else "FAIL"
    memory = "PASS" if p_rss <= b_rss else "FAIL"
    print(
        f"{target} time target (ratio <= 0.5); {must} time requirement (ratio <= 1.0); "
        f"{memory} memory (prima peak RSS <= pandas)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
