"""``prima rollups check|rebuild|fold [--survey CODE]``: the per-period rollups behind every
dashboard number (:mod:`prima.insights.rollups`).

- ``check`` folds what is pending, recomputes every bucket from the raw responses and lists
  each difference; exit status 1 when there is any (0 when they agree exactly);
- ``rebuild`` drops the rollups and recomputes them from the raw responses (one transaction
  per survey), e.g. after ``PRIMA_TIME_ZONE`` changed or responses were deleted by hand;
- ``fold`` applies the pending responses now (reads do it too).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prima.insights import rollups
from prima.surveys.models import Response, Survey


class Command(BaseCommand):
    help = (
        "Check, rebuild or fold the per-period rollups that dashboards and the results API "
        "read; 'check' exits 1 when a rollup differs from the raw responses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "rebuild", "fold"])
        parser.add_argument("--survey", metavar="CODE", help="one survey (default: every survey)")

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.select_related("instrument_version").order_by("pk")
        if options["survey"]:
            surveys = surveys.filter(code=options["survey"])
            if not surveys.exists():
                raise CommandError(f'survey "{options["survey"]}" not found')
        action = options["action"]
        differences = 0
        for survey in surveys:
            if action == "check":
                found = rollups.check(survey)
                differences += len(found)
                for d in found:
                    self.stdout.write(
                        f"{survey.code} {d.bucket}: stored {d.stored} responses, "
                        f"recomputed {d.recomputed}, {d.slots} totals differ"
                    )
                if not found:
                    self.stdout.write(f"{survey.code}: rollups agree with the responses")
                continue
            total = Response.objects.filter(survey=survey).count() if action == "rebuild" else None
            with Progress(
                TextColumn(f"{action} {survey.code}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
                disable=not self.stdout.isatty(),
            ) as bar:
                task = bar.add_task(action, total=total)

                def advance(n: int, task: Any = task, bar: Progress = bar) -> None:
                    bar.advance(task, n)

                if action == "rebuild":
                    n = rollups.rebuild(survey, progress=advance)
                else:
                    n = rollups.fold(survey, progress=advance)
            verb = "rebuilt into" if action == "rebuild" else "folded into"
            self.stdout.write(f"{survey.code}: {n} responses {verb} rollups")
        if action == "check" and differences:
            raise CommandError(
                f"{differences} rollup buckets differ from the raw responses", returncode=1
            )
