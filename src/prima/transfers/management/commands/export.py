"""``prima export responses --survey CODE [--format csv|xlsx] [--output FILE]``."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language, gettext
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from prima import formats
from prima.surveys.anonymity import RAW_ANSWERS_WITHHELD
from prima.surveys.models import Survey
from prima.transfers.export import (
    FORMATS,
    export_queryset,
    export_to_path,
    sheet_split_note,
    write_csv,
    write_xlsx,
    xlsx_sheet_count,
)
from prima.transfers.export import (
    Progress as ProgressCallback,
)


class Command(BaseCommand):
    help = (
        "Write a survey's responses with the answer columns that 'prima analyze' reads, plus id, "
        "submission_id, submitted_at, unit, service, staff, channel. CSV (UTF-8) goes to stdout "
        "unless --output is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["responses"], help="what to export (responses)")
        parser.add_argument("--survey", required=True, metavar="CODE", help="the survey's code")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv or xlsx (default: xlsx when FILE ends in .xlsx, else csv)",
        )
        parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        code, output = options["survey"], options["output"]
        survey = (
            Survey.objects.select_related("organization", "instrument_version__instrument")
            .filter(code=code)
            .first()
        )
        if survey is None:
            raise CommandError(gettext('survey "%(code)s" not found') % {"code": code})
        if survey.is_employee:  # issue 12: raw employee answers are never exported
            raise CommandError(gettext(RAW_ANSWERS_WITHHELD), returncode=2)
        fmt = options["format"] or (
            "xlsx" if output and output.lower().endswith((".xlsx", ".xlsm")) else "csv"
        )
        if output:
            try:
                with _progress_bar(survey) as progress:
                    n = export_to_path(survey, output, fmt=fmt, progress=progress)
            except OSError as exc:
                raise CommandError(f"{output}: {exc.strerror or exc}") from None
            self.stdout.write(
                gettext("%(count)s responses of survey %(code)s written to %(file)s")
                % {
                    "count": formats.number(n, 0, get_language()),
                    "code": survey.code,
                    "file": output,
                }
            )
            if fmt == "xlsx" and xlsx_sheet_count(n) > 1:
                self.stdout.write(sheet_split_note(n, xlsx_sheet_count(n)))
            return
        out = getattr(self.stdout, "_out", sys.stdout)  # the stream under Django's wrapper
        try:
            if fmt == "csv":
                self._csv_to(out, survey)
            else:
                buffer = getattr(out, "buffer", None)
                if buffer is None or out.isatty():
                    raise CommandError("XLSX is binary: give --output FILE (or redirect stdout)")
                out.flush()
                with _progress_bar(survey) as progress:
                    write_xlsx(survey, buffer, progress=progress)
                buffer.flush()
        except BrokenPipeError:  # e.g. | head: stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(1) from None

    @staticmethod
    def _csv_to(out: Any, survey: Survey) -> None:
        buffer = getattr(out, "buffer", None)
        if buffer is None:  # a text stream (tests, call_command(stdout=StringIO()))
            write_csv(survey, out)
            return
        out.flush()
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
        try:
            with _progress_bar(survey) as progress:
                write_csv(survey, text, progress=progress)
            text.flush()
        finally:
            text.detach()


@contextmanager
def _progress_bar(survey: Survey) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on standard error while it is a terminal (never in a pipe or a
    log); yields the export's progress callback, or None."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    total = export_queryset(survey).count()
    columns = (
        TextColumn(f"ekspor {survey.code}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("ekspor", total=total)
        yield lambda n: bar.update(task, completed=n)
