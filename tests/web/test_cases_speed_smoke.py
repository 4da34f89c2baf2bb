"""The cases speed benchmark runs end to end in a short mode on SQLite (a smoke test, not a
timing test: ``benchmarks/cases_speed.py`` prints the figures and its verdicts by hand)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "cases_speed.py"
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres:", "postgresql:"))


@pytest.mark.slow
@pytest.mark.skipif(ON_POSTGRES, reason="runs once, in the SQLite run")
def test_cases_speed_short_mode() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    short = ["--engines", "sqlite", "--warmup", "1", "--duration", "2", "--concurrency", "4"]
    short += ["--cases", "600", "--requests", "3", "--profile-count", "5", "--workers", "1"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *short],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert re.search(r"SQLite \(WAL\)\s+survey\s+\d+\s+0\s", out), out  # no errors
    assert re.search(r"SQLite \(WAL\)\s+cases\s+\d+\s+0\s", out), out
    assert "ratio cases/survey throughput, SQLite (WAL):" in out, out
    assert re.search(r"cases: [\d.]+ SQL queries per request", out), out
    # the seeded cases are all measured, in every status the seeding makes
    assert re.search(r"SQLite \(WAL\): [\d,]+ cases stored \([\d,]+ events", out), out
    for status in ("baru", "diproses", "ditolak", "selesai"):
        assert f"'{status}'" in out, out
    for request in ("organization", "unit subtree", "quarter 20", "month 20"):
        assert re.search(rf"  {request}.*p95 +[\d.]+ ms", out), out
