"""``prima import responses --survey CODE FILE [--sheet NAME] [--dry-run] [--lang id|en]``.

Reads a CSV or XLSX of paper survey responses (the layout of ``prima export responses``),
checks every row with the rules of a web submission and stores all of them in one transaction,
or none: on any problem it prints each one as ``berkas, baris N, kolom X: pesan`` on stderr and
exits with status 2. Messages come from the gettext catalogue in the language of ``--lang`` or
``PRIMA_LANG`` (default Bahasa Indonesia), numbers as that language writes them. See
:mod:`prima.transfers.importing`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prima.messages import language
from prima.surveys.models import Survey
from prima.transfers.importing import ImportReport, import_commit, import_read

EXIT_INPUT = 2


class Command(BaseCommand):
    help = (
        "Import paper survey responses from a CSV or XLSX file with the columns of "
        "'prima export responses' (the answer columns are required). All rows are stored, or "
        "none: every problem is listed with its row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["responses"], help="what to import (responses)")
        parser.add_argument("file", metavar="FILE", help="CSV (UTF-8, comma or semicolon) or XLSX")
        parser.add_argument("--survey", required=True, metavar="CODE", help="the survey's code")
        parser.add_argument("--sheet", metavar="NAME", help="XLSX sheet to read (default: first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; store nothing"
        )
        parser.add_argument(
            "--lang", choices=("id", "en"), help="language of messages (default: PRIMA_LANG, id)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = language(options["lang"])
        with translation.override(lang):
            self._import(options, lang)

    def _import(self, options: dict[str, Any], lang: str) -> None:
        code = options["survey"]
        survey = (
            Survey.objects.select_related("organization", "instrument_version__instrument")
            .filter(code=code)
            .first()
            if "\x00" not in code
            else None
        )
        if survey is None:
            raise CommandError(
                _('survey "%(code)s" not found') % {"code": code}, returncode=EXIT_INPUT
            )
        started = time.perf_counter()
        report = import_read(survey, options["file"], sheet=options["sheet"], lang=lang)
        if not report.ok:
            for line in report.messages():
                self.stderr.write(line)
            n, rows = report.problem_count, max(report.rows_with_problems, 1)
            problems = ngettext("%(n)s problem", "%(n)s problems", n) % {"n": _count(n)}
            lines = ngettext("%(n)s row", "%(n)s rows", rows) % {"n": _count(rows)}
            raise CommandError(
                _("nothing was stored: %(problems)s on %(rows)s")
                % {"problems": problems, "rows": lines},
                returncode=EXIT_INPUT,
            )
        if not options["dry_run"]:
            import_commit(report)
        self._summary(report, dry_run=options["dry_run"], seconds=time.perf_counter() - started)

    def _summary(self, report: ImportReport, *, dry_run: bool, seconds: float) -> None:
        lines = [
            _("Import of responses into survey %(code)s from %(source)s")
            % {"code": report.survey.code, "source": report.source}
        ]
        rows = [
            (_("rows read"), _count(report.rows_read)),
            (
                _("would be stored") if dry_run else _("stored"),
                _count(len(report.rows) if dry_run else report.stored),
            ),
            (_("skipped (submission_id already stored)"), _count(len(report.duplicates))),
            (
                _("warning: blank answers"),
                _("%(cells)s answers on %(rows)s rows (counted as not answered)")
                % {"cells": _count(report.blank_answers), "rows": _count(report.rows_with_blanks)},
            ),
        ]
        if report.ignored_columns:
            rows.append((_("columns ignored"), ", ".join(report.ignored_columns)))
        rows.append((_("time"), f"{number_format(seconds, 1)} s"))
        width = max(len(label) for label, _value in rows)
        lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
        if dry_run:
            lines.append(_("dry run (--dry-run): nothing was stored"))
        self.stdout.write("\n".join(lines))


def _count(n: int) -> str:
    """A count with the active language's thousands separator (``1.234`` / ``1,234``)."""
    return number_format(n, force_grouping=True)
