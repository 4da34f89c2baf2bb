"""``prima serve [--host H] [--port P] [--workers N] [--migrate]``: the production server."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from prima.config import server


class Command(BaseCommand):
    help = (
        "Run the production web server (gunicorn) against the configured database "
        "(DATABASE_URL, else SQLite in PRIMA_DATA_DIR). Collects static files first when needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
        parser.add_argument(
            "--migrate", action="store_true", help="apply database migrations before starting"
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="do not start the background-task worker (run 'prima db_worker' apart)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="do not run collectstatic (WhiteNoise still serves the apps' files)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port, workers = options["port"], options["workers"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}")
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError("gunicorn is not installed (pip install gunicorn)")
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        call_command("assets", verbosity=0)  # the dashboard's offline chart bundle (once)
        if not options["no_collectstatic"] and server.static_needs_collect():
            try:
                call_command("collectstatic", interactive=False, verbosity=0)
            except OSError as exc:  # a read-only STATIC_ROOT: WhiteNoise's finders still serve
                self.stderr.write(f"collectstatic skipped: {exc}")
        argv = server.gunicorn_argv(host=options["host"], port=port, workers=workers)
        extra = {"PRIMA_TASK_WORKER": "off"} if options["no_task_worker"] else None
        server.exec_server(argv, server.server_env(extra))
