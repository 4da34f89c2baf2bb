"""``prima demo [--port P] [--no-serve]``: a working site with realistic demo data, in one go."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from prima.config import server
from prima.demo.data import (
    ADMIN,
    BANK_ADMIN,
    MANAGER,
    PASSWORD_FILE,
    SHOP_OWNER,
    SHOP_SHOPPER,
    VIEWER,
    DemoError,
    DemoResult,
    demo_alerts,
    demo_load,
    demo_password,
    demo_set_password,
)

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = (
        "Create (once) the database in the data folder (PRIMA_DATA_DIR, default ./prima-data), "
        "load the demo, print the admin login and the public survey links, and serve the site "
        "in demo mode on 127.0.0.1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--no-serve", action="store_true", help="load and print, but do not start the server"
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="do not start the background-task worker (run 'prima db_worker' apart)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(
                _("--port must be between 1 and 65535, not %(port)s") % {"port": port}
            )
        data_dir = Path(settings.DATA_DIR)
        data_dir.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("assets", verbosity=0)  # the dashboard's offline chart bundle (once)
        password, new_password = demo_password(data_dir)
        try:
            result = demo_load(password=password)
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        if not result.created and new_password:
            demo_set_password(password)
        alerts = demo_alerts() if result.created else None

        base = f"http://{HOST}:{port}"
        try:
            self._report(
                result, base, password, data_dir, serve=not options["no_serve"], alerts=alerts
            )
        except BrokenPipeError:  # e.g. | head: the rest of the output goes nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        if options["no_serve"]:
            return
        env = server.demo_env(
            data_dir=data_dir, password_file=data_dir / PASSWORD_FILE, base_url=base
        )
        if options["no_task_worker"]:
            env["PRIMA_TASK_WORKER"] = "off"
        server.exec_server(server.runserver_argv(host=HOST, port=port), env)

    def _report(
        self,
        result: DemoResult,
        base: str,
        password: str,
        data_dir: Path,
        *,
        serve: bool,
        alerts: int | None = None,
    ) -> None:
        names = _and([o.name for o in result.organizations])
        loaded = (
            _("Demo data loaded: %(names)s, %(responses)s responses.")
            if result.created
            else _("Demo data already there: %(names)s, %(responses)s responses.")
        )
        out = self.stdout.write
        out(loaded % {"names": names, "responses": result.responses})
        out(f"Database: {_database_label()}")
        out(f"Login: {base}{reverse('login')}")
        out(f"Username: {ADMIN}")
        out(f"Password: {password}")
        out(
            "  "
            + _("(the same password for %(users)s; kept in %(file)s)")
            % {
                "users": _and([MANAGER, VIEWER, BANK_ADMIN, SHOP_OWNER, SHOP_SHOPPER]),
                "file": data_dir / PASSWORD_FILE,
            }
        )
        if alerts is not None:
            out(
                _("Alerts: %(count)s new (%(url)s)")
                % {"count": alerts, "url": f"{base}{reverse('alerts:list')}"}
            )
        for survey in result.surveys:
            # kiosks and scripts read the first two fields: keep "Survey: <code> <URL>" first
            url = f"{base}{reverse('collection:page', args=[survey.code])}"
            out(f"Survey: {survey.code} {url} {' '.join(survey.title.split())}")
        for organization in result.organizations:
            # the public complaint form of each organization ("Complaints: <URL>" first, as above)
            url = f"{base}{reverse('complaints:form', args=[organization.slug])}"
            out(f"Complaints: {url} {organization.name}")
        if serve:
            out(_("Demo site: %(url)s  (Ctrl-C to stop)") % {"url": f"{base}/"})
        self.stdout.flush()


def _and(names: list[str]) -> str:
    """``a, b and c`` in the active language."""
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')} (DATABASE_URL)"
