"""Hand-off from ``prima`` to Django's management commands (``prima migrate``, ``prima demo``...)."""

from __future__ import annotations

import os


def run_django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["prima", *argv])
    return 0
