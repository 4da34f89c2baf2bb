"""The package's layout (docs/architecture.md): every Django app is small enough to read, and
holds what its name says (docs/decisions/0004-surveys-split.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import prima

SRC = Path(prima.__file__).parent
MAX_LINES = 3000
# apps over the limit, each with the reason it may be for now; nothing may join this list
# (prima.insights left it when it was split: docs/decisions/0005-insights-split.md)
OVER_THE_LIMIT: dict[str, str] = {}


def apps() -> list[Path]:
    return sorted(p.parent for p in SRC.glob("*/apps.py"))


def python_lines(app: Path) -> int:
    """Lines of hand-written Python (migrations are generated and frozen, so they do not count)."""
    files = [f for f in app.rglob("*.py") if "migrations" not in f.relative_to(app).parts]
    return sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)


def test_the_apps_of_the_split_exist() -> None:
    names = {app.name for app in apps()}
    assert {"surveys", "collection", "abuse", "transfers", "demo"} <= names
    assert {"insights", "dashboard", "reports"} <= names


@pytest.mark.parametrize("app", apps(), ids=lambda p: p.name)
def test_no_app_exceeds_the_size_limit(app: Path) -> None:
    lines = python_lines(app)
    if app.name in OVER_THE_LIMIT:
        assert lines > MAX_LINES, f"prima.{app.name} fits now: take it off OVER_THE_LIMIT"
    else:
        assert lines <= MAX_LINES, f"prima.{app.name} holds {lines} lines of Python"


def test_the_line_count_sees_code_and_skips_migrations(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "migrations").mkdir(parents=True)
    (app / "models.py").write_text("a = 1\nb = 2\n", encoding="utf-8")
    (app / "migrations" / "0001_initial.py").write_text("x = 1\n" * 50, encoding="utf-8")
    assert python_lines(app) == 2
