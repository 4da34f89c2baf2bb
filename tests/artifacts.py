"""Where a test run leaves files for people to look at (screenshots): ``$PRIMA_ARTIFACTS``, else
``artifacts/`` in the repository (git-ignored). CI keeps the folder; ``scripts/test`` prints it."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def artifacts_dir() -> Path:
    """The artefacts folder (not created here)."""
    configured = os.environ.get("PRIMA_ARTIFACTS")
    return Path(configured).resolve() if configured else ROOT / "artifacts"


def screenshots_dir() -> Path:
    """``<artefacts>/screenshots`` (not created here; Playwright creates it on writing)."""
    return artifacts_dir() / "screenshots"
