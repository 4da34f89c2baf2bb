"""benchmarks/remarks_speed.py and scripts/evaluate_remarks.py run end to end (smoke tests, not
timings). The evaluation's default run (stratified 5-fold, seed 14) is made once for the module
and shared: it shows issue 14's acceptance line in the suite."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "remarks_speed.py"
EVALUATE = SCRIPT.parents[1] / "scripts" / "evaluate_remarks.py"


def evaluate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EVALUATE), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def evaluation() -> subprocess.CompletedProcess[str]:
    """The evaluation script's default run, printed as text (made once for this module)."""
    return evaluate()


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


def test_evaluation_script_prints_per_class_figures(
    evaluation: subprocess.CompletedProcess[str],
) -> None:
    done = evaluation
    assert done.returncode == 0, done.stdout + done.stderr
    for heading in ("sentiment", "unsur", "a6", "macro-F1", "negation pairs right"):
        assert heading in done.stdout
    for cls in ("positif", "negatif", "netral", "none", "U1", "U9", "accountability"):
        assert f"  {cls} " in done.stdout


def test_cross_validated_figures_meet_the_acceptance_line(
    evaluation: subprocess.CompletedProcess[str],
) -> None:
    """Issue 14: sentiment accuracy >= 0.85, unsur macro-F1 >= 0.70, every negation pair right
    while held out (the script exits 1 otherwise; the figures are checked here as well)."""
    out = evaluation.stdout
    assert evaluation.returncode == 0, out + evaluation.stderr
    pairs = re.search(r"negation pairs right while held out: (\d+) of (\d+)", out)
    assert pairs is not None, out
    assert int(pairs[1]) == int(pairs[2]) >= 26, pairs[0]
    accuracy = re.findall(r"accuracy (\d\.\d+)   macro-F1 (\d\.\d+)", out)
    (sentiment_accuracy, _), (_, unsur_macro_f1), _ = accuracy
    assert float(sentiment_accuracy) >= 0.85
    assert float(unsur_macro_f1) >= 0.70
    assert "acceptance (" in out
    assert "): met" in out


def test_evaluation_fails_when_a_negation_pair_is_wrong(tmp_path: Path) -> None:
    # a pair labelled against its words: while held out, the model labels at least one side
    # by its words, so the pair is wrong and the script says so and exits 1
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(
        "text,unsur,a6,sentiment,pair\n"
        "Pelayanan loket sangat ramah dan cepat sekali,U7,attitude,negatif,zz\n"
        "Pelayanan loket tidak ramah dan tidak cepat,U7,attitude,positif,zz\n",
        encoding="utf-8",
    )
    done = evaluate("--corrections", str(corrections))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "(wrong: zz)" in done.stdout
    assert "NOT MET (negation_pairs)" in done.stdout


def test_evaluation_takes_a_corrections_file(
    tmp_path: Path, evaluation: subprocess.CompletedProcess[str]
) -> None:
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(
        "text,unsur,a6,sentiment\n"
        "Pertahankan,,,positif\n"  # already in the set: replaced, not added
        "Loket tiga sering kosong saat jam kerja,U7,action,negatif\n",  # new: added
        encoding="utf-8",
    )
    done = evaluate("--json", "--corrections", str(corrections))
    assert done.returncode == 0, done.stdout + done.stderr
    after = json.loads(done.stdout)
    first = re.match(r"(\d+) remarks, stratified (\d+)-fold, seed (\d+)", evaluation.stdout)
    assert first is not None, evaluation.stdout
    assert (after["folds"], after["seed"]) == (int(first[2]), int(first[3]))
    assert after["n"] == int(first[1]) + 1
