"""The export benchmark runs end to end at a tiny size (a smoke test, not a timing test)."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "export_million.py"


def test_export_benchmark_tiny():
    # SQLite in the benchmark's own data folder, whatever database the suite runs on
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--responses", "300", "--xlsx"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "seed: 300 responses" in out
    assert "export csv:" in out
    assert "export xlsx:" in out
    assert out.count("(every row") == 2
    assert "peak memory" in out
    assert out.count("rows per CPU second") == 2
    assert "target 100,000 rows/s" in out  # CSV
    assert "target 20,000 rows/s" in out  # XLSX
    assert "all checks passed" in out
