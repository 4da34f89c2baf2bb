"""Typed helpers for settings read from the environment (``NAME`` or a ``NAME_FILE`` secret)."""

from __future__ import annotations

import os
from pathlib import Path


def env(name: str, default: str = "") -> str:
    """``NAME`` from the environment, or the contents of the file named by ``NAME_FILE``."""
    file = os.environ.get(f"{name}_FILE")
    if file:
        return Path(file).read_text("utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "")
    if not value:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = env(name, "")
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in env(name, default).split(",") if v.strip()]
