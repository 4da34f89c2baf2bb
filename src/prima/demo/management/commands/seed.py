"""``prima seed --responses N [--survey CODE] [--seed S] [--batch-size B] [--months M]``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from prima import formats
from prima.demo.data import DemoError, demo_load, demo_organization, demo_password
from prima.demo.seeding import BATCH_SIZE, MONTHS, seed_responses
from prima.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Generate N realistic responses fast (for benchmarks): into the survey CODE, or spread "
        "over the demo organization's surveys (the demo is created first when missing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, required=True, metavar="N")
        parser.add_argument("--survey", metavar="CODE", help="the survey's code (default: demo)")
        parser.add_argument("--seed", type=int, help="random seed, for a reproducible run")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"responses per transaction (default {BATCH_SIZE})",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=MONTHS,
            help=f"spread over the last M months (default {MONTHS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["responses"], options["batch_size"]
        if count < 1:
            raise CommandError(_("--responses must be at least 1, not %(n)s") % {"n": count})
        if not 1 <= batch <= 100_000:
            raise CommandError(
                _("--batch-size must be between 1 and 100000, not %(n)s") % {"n": batch}
            )
        if not 1 <= options["months"] <= 120:
            raise CommandError(_("--months must be between 1 and 120"))
        surveys = self._surveys(options["survey"])
        shares = [count // len(surveys) + (i < count % len(surveys)) for i in range(len(surveys))]
        console = Console(stderr=True)
        started = time.monotonic()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            for survey, n in zip(surveys, shares, strict=True):
                if not n:
                    continue
                task = bar.add_task(_("survey %(code)s") % {"code": survey.code}, total=n)
                seed_responses(
                    survey=survey,
                    count=n,
                    seed=options["seed"],
                    batch_size=batch,
                    months=options["months"],
                    progress=lambda done, task=task: bar.update(task, completed=done),
                )
        elapsed = time.monotonic() - started
        for survey, n in zip(surveys, shares, strict=True):
            if n:
                self.stdout.write(
                    _("%(count)s responses created for survey %(code)s")
                    % {"count": n, "code": survey.code}
                )
        rate = count / elapsed if elapsed > 0 else float(count)
        lang = get_language()
        self.stdout.write(
            _("Done: %(count)s responses in %(seconds)s seconds (%(rate)s a second)")
            % {
                "count": count,
                "seconds": formats.number(elapsed, 1, lang),
                "rate": formats.number(rate, 0, lang),
            }
        )

    def _surveys(self, code: str | None) -> list[Survey]:
        related = Survey.objects.select_related("organization", "instrument_version__instrument")
        if code:
            survey = related.filter(code=code).first()
            if survey is None:
                raise CommandError(_('survey "%(code)s" not found') % {"code": code})
            if survey.is_employee:  # issue 12: stored anonymously, by the survey's own path
                raise CommandError(
                    _('survey "%(code)s" is an employee survey: it is not seeded') % {"code": code}
                )
            return [survey]
        call_command("migrate", interactive=False, verbosity=0)
        if demo_organization() is None:
            data_dir = Path(settings.DATA_DIR)
            data_dir.mkdir(parents=True, exist_ok=True)
            password, _new = demo_password(data_dir)
            try:
                demo_load(password=password)
            except DemoError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(_("Demo data loaded (prima demo)."))
        organization = demo_organization()
        surveys = [  # the customer surveys: an employee survey's answers are stored anonymously
            s for s in related.filter(organization=organization).order_by("pk") if not s.is_employee
        ]
        if not surveys:
            raise CommandError("the demo organization has no survey")
        return surveys
