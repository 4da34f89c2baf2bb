"""``prima text relabel [--survey CODE]``: label every suggestion (and complaint) that has no
label or a label of another model version, with a progress bar on a terminal (issue 14)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from prima.formats import number
from prima.remark_labels.services import corrections_csv, relabel
from prima.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Remarks. 'relabel': label every suggestion and complaint again with the shipped model; "
        "'corrections': the managers' corrections as a CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        again = verbs.add_parser(
            "relabel",
            help="label the texts without a label or with one of another model version",
            description="Corrections by a manager are kept. Running it twice changes nothing.",
        )
        again.add_argument(
            "--survey",
            metavar="CODE",
            help="one survey (default: every survey and every complaint)",
        )

        out = verbs.add_parser(
            "corrections",
            help="write the managers' corrections as a CSV for the evaluation script",
            description="Columns text, unsur, a6, sentiment: the labelled set's shape.",
        )
        out.add_argument("--output", metavar="FILE", help="the CSV file (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "corrections":
            self.corrections(options.get("output"))
            return
        survey = None
        if options.get("survey"):
            survey = Survey.objects.filter(code=options["survey"]).first()
            if survey is None:
                raise CommandError(_("unknown survey %(code)s") % {"code": options["survey"]})
        console = Console(file=sys.stderr)
        if console.is_terminal:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task(_("Labelling remarks"), total=None)

                def step(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                totals = relabel(survey=survey, progress=step)
        else:
            totals = relabel(survey=survey)
        lang = get_language()
        self.stdout.write(
            _(
                "%(labelled)s labelled, %(updated)s relabelled, %(unchanged)s unchanged, "
                "%(corrected)s corrected by a manager (kept)"
            )
            % {
                "labelled": number(totals.labelled, 0, lang),
                "updated": number(totals.updated, 0, lang),
                "unchanged": number(totals.unchanged, 0, lang),
                "corrected": number(totals.corrected, 0, lang),
            }
        )

    def corrections(self, output: str | None) -> None:
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as f:
                    n = corrections_csv(f)
            except OSError as exc:
                raise CommandError(f"{output}: {exc.strerror}") from None
            self.stderr.write(
                _("%(n)s corrections written to %(file)s")
                % {"n": number(n, 0, get_language()), "file": output}
            )
        else:
            corrections_csv(self.stdout)
