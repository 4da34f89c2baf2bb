"""Helpers for the CLI contract tests: answer files written by hand, and running ``prima``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from prima.cli.main import main

Cell = int | float | str | None


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in Bahasa Indonesia unless a test asks otherwise; wide rich tables."""
    monkeypatch.delenv("PRIMA_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Cell]], sep: str = ",") -> str:
    """Rows as CSV text (no quoting: the cells must not contain the separator)."""
    lines = [sep.join(header)]
    lines += [sep.join("" if c is None else str(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    sheet: str = "Sheet1",
    extra_sheets: dict[str, list[list[Cell]]] | None = None,
) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for name, content in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in content:
            other.append(row)
    book.save(path)
    return path


@pytest.fixture
def table_file(tmp_path: Path) -> Callable[..., Path]:
    """``table_file(fmt, header, rows, name=...)``: the same answers as CSV or XLSX."""

    def make(
        fmt: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], name: str = "survei"
    ) -> Path:
        path = tmp_path / f"{name}.{fmt}"
        if fmt == "csv":
            path.write_text(csv_text(header, rows), encoding="utf-8")
            return path
        return write_xlsx(path, header, rows)

    return make


def _no_constants(name: str) -> Any:
    raise AssertionError(f"JSON contains {name}")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        assert self.code == 0, self.err
        assert self.err == ""
        data = json.loads(self.out, parse_constant=_no_constants)  # NaN/Infinity fail here
        assert isinstance(data, dict)
        assert self.out.count("\n") == 1  # one JSON object on one line
        return data


@pytest.fixture
def prima(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``prima ARGS`` in-process; returns exit code, stdout and stderr."""

    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_process(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """Run ``prima ARGS`` as a real process, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if k != "PRIMA_LANG"}
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "prima.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def assert_input_error(run: Run, *fragments: str) -> str:
    """Exit status 2, nothing on stdout, one ``prima: error:`` line naming ``fragments``."""
    assert run.code == 2, (run.code, run.out, run.err)
    assert run.out == ""
    assert "Traceback" not in run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    line = lines[0]
    assert line.startswith("prima: error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line
