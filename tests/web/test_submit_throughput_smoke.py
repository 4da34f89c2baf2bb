"""The submission-throughput benchmark runs end to end in a short mode on SQLite (a smoke test,
not a timing test: the figures are printed by ``benchmarks/submit_throughput.py`` by hand)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "submit_throughput.py"
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres:", "postgresql:"))


@pytest.mark.slow
@pytest.mark.skipif(ON_POSTGRES, reason="runs once, in the SQLite run")
def test_submit_throughput_short_mode() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    short = ["--engines", "sqlite", "--warmup", "1", "--duration", "2", "--concurrency", "4"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *short, "--profile-count", "10", "--top", "3"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env=env,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "ratio prima/minimal throughput, SQLite (WAL):" in out, out
    assert "SQL queries per submission" in out, out
    assert "database settings of the two sites identical: yes" in out, out
    assert "Prima's queries for one submission:" in out, out
