"""The IKM-vs-pandas benchmark runs end to end in quick mode (a smoke test, not a timing test)."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "ikm_vs_pandas.py"


def test_benchmark_quick_mode(tmp_path):
    pytest.importorskip("pandas")
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--respondents",
            "2000",
            "4000",
            "--runs",
            "1",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("prima and pandas agree") == 4  # two shapes, two sizes
    assert "ratio prima/pandas: time" in done.stdout
    assert "== export: the columns of prima export responses" in done.stdout
    assert "flat memory (plain): prima" in done.stdout
    assert "flat memory (export): prima" in done.stdout
    assert not list(tmp_path.glob("*.csv")), "the generated file is removed without --keep"
