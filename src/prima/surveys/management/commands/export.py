"""``prima export responses --survey CODE [--format csv|xlsx] [--output FILE]``."""

from __future__ import annotations

import io
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prima.surveys.export import FORMATS, export_to_path, write_csv, write_xlsx
from prima.surveys.models import Survey


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
            raise CommandError(f'survey "{code}" not found')
        fmt = options["format"] or (
            "xlsx" if output and output.lower().endswith((".xlsx", ".xlsm")) else "csv"
        )
        if output:
            try:
                n = export_to_path(survey, output, fmt=fmt)
            except OSError as exc:
                raise CommandError(f"{output}: {exc.strerror or exc}") from None
            self.stdout.write(f"{n} tanggapan survei {survey.code} ditulis ke {output}")
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
                write_xlsx(survey, buffer)
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
            write_csv(survey, text)
            text.flush()
        finally:
            text.detach()
