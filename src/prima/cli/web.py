"""Hand-off from ``prima`` to Django's management commands (``prima migrate``, ``prima demo``...)."""

from __future__ import annotations

import os


def run_django(argv: list[str], lang: str | None = None) -> int:
    """Run the management command of ``argv`` with ``lang`` active (``--lang`` before the
    command, else ``PRIMA_LANG``, else Bahasa Indonesia): its output is in that language."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    import django
    from django.apps import apps
    from django.core.management import execute_from_command_line
    from django.utils import translation

    if not apps.ready:
        django.setup()
    translation.activate(lang or "id")
    if argv[:1] == ["db_worker"] and not {"-h", "--help"} & set(argv):
        from prima.config.task_worker import start_recorder, start_sweeps

        # a worker run apart sweeps as the one prima serve starts
        start_sweeps(record=start_recorder() is None)
    try:
        execute_from_command_line(["prima", *argv])
    finally:
        translation.deactivate()
    return 0
