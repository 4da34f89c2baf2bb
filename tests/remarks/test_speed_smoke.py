"""benchmarks/remarks_speed.py runs end to end on small numbers (a smoke test, not a timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "remarks_speed.py"


def test_benchmark_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "60", "--texts", "200"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "prima analyze text, 60 rows:" in done.stdout
    assert "in-process labelling, 200 texts:" in done.stdout
    assert "peak memory" in done.stdout


def test_evaluation_script_prints_per_class_figures() -> None:
    script = SCRIPT.parents[1] / "scripts" / "evaluate_remarks.py"
    done = subprocess.run(
        [sys.executable, str(script), "--folds", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for heading in ("sentiment", "unsur", "a6", "macro-F1", "negation pairs right"):
        assert heading in done.stdout
    for cls in ("positif", "negatif", "netral", "none", "U1", "U9", "accountability"):
        assert f"  {cls} " in done.stdout


def test_evaluation_takes_a_corrections_file(tmp_path: Path) -> None:
    script = SCRIPT.parents[1] / "scripts" / "evaluate_remarks.py"
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(
        "text,unsur,a6,sentiment\n"
        "Pertahankan,,,positif\n"  # already in the set: replaced, not added
        "Loket tiga sering kosong saat jam kerja,U7,action,negatif\n",  # new: added
        encoding="utf-8",
    )
    runs = [
        subprocess.run(
            [sys.executable, str(script), "--folds", "2", "--json", *extra],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout
        for extra in ([], ["--corrections", str(corrections)])
    ]
    import json

    before, after = (json.loads(r) for r in runs)
    assert after["n"] == before["n"] + 1
