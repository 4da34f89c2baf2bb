"""Speed of the remark classifier (issue 14, "Speed"): the command line and labelling in bulk.

1. ``prima analyze text FILE --json`` as a separate process on a CSV of ``--rows`` remarks
   (default 1,000; target under 30 s), measured from the start of the process to its exit
   (Python start-up, reading the file, loading the weights and labelling included), and its
   peak memory (the child's maximum resident set size).
2. Labelling ``--texts`` texts (default 10,000; target well under 5 minutes) in this process
   with :func:`prima.remarks.classify`, after loading the weights, and this process's peak
   memory (target under 1 GB).

The remarks are made from the labelled set: each text of ``remarks.csv`` in turn, joined to a
second one every third time and given a running number, so no two are the same.

    .venv/bin/python benchmarks/remarks_speed.py [--rows 1000] [--texts 10000]

Exit status 0 whatever the figures (it prints them, it does not judge), 1 when a run fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from prima import remarks


def make_texts(n: int) -> list[str]:
    base = [e.text for e in remarks.load_examples()]
    out = []
    for i in range(n):
        text = base[i % len(base)]
        if i % 3 == 0:
            text = f"{text}. {base[(i * 7 + 1) % len(base)]}"
        out.append(f"{text} ({i})")
    return out


def run_cli(rows: int, folder: Path) -> tuple[float, float, int]:
    path = folder / "remarks.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "suggestion"])
        for i, text in enumerate(make_texts(rows)):
            writer.writerow([i, "" if i % 50 == 0 else text])
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "prima.cli.main", "analyze", "text", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"prima analyze text failed: {done.stderr}")
    data = json.loads(done.stdout)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb, data["n"] + data["blank"]


def run_bulk(n: int) -> tuple[float, float, float, dict[str, int]]:
    texts = make_texts(n)
    start = time.perf_counter()
    remarks.classify("pemanasan")  # load the weights
    load = time.perf_counter() - start
    start = time.perf_counter()
    labels = [remarks.classify(t) for t in texts]
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return load, seconds, peak_mb, remarks.summarise(labels)["sentiment"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed of prima.remarks")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--texts", type=int, default=10000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="prima-remarks-") as folder:
        seconds, peak, n = run_cli(args.rows, Path(folder))
    print(
        f"prima analyze text, {n} rows: {seconds:.2f} s (target < 30 s), peak memory {peak:.0f} MB"
    )
    load, seconds, peak, sentiment = run_bulk(args.texts)
    rate = args.texts / seconds if seconds else float("inf")
    print(
        f"in-process labelling, {args.texts} texts: {seconds:.2f} s ({rate:.0f} texts/s; "
        f"weights loaded in {load:.2f} s; target well under 300 s), peak memory {peak:.0f} MB "
        f"(target < 1024 MB); sentiments {sentiment}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
