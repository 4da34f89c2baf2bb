"""The dashboard/results latency benchmark runs end to end at a tiny size (a smoke test, not a
timing test: the figures it prints are not checked against the targets here)."""

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "insights_latency.py"


def test_latency_benchmark_tiny():
    # SQLite in the benchmark's own data folder, whatever database the suite runs on
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--engines",
            "sqlite",
            "--sizes",
            "1,3000",
            "--requests",
            "3",
            "--warmup",
            "1",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    out = done.stdout
    assert done.returncode in (0, 1), out + done.stderr  # 1: a target missed on a busy machine
    assert re.search(r"sqlite\s+[\d,]+ stored .* dashboard\s+p50", out), out
    assert re.search(r"sqlite\s+3,\d{3} stored .* results\s+p50", out), out
    assert "summary (p95, ms)" in out
    assert "ratio" in out
