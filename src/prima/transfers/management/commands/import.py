"""``prima import responses --survey CODE FILE [--sheet NAME] [--dry-run] [--lang id|en]``.

Reads a CSV or XLSX of paper survey responses (the layout of ``prima export responses``),
checks every row with the rules of a web submission and stores all of them in one transaction,
or none: on any problem it prints each one as ``berkas, baris N, kolom X: pesan`` on stderr and
exits with status 2. See :mod:`prima.transfers.importing`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prima.messages import language
from prima.surveys.models import Survey
from prima.transfers.importing import ImportReport, import_commit, import_read

EXIT_INPUT = 2

TEXT = {
    "id": {
        "not_found": 'survei "{code}" tidak ditemukan',
        "failed": "tidak ada yang disimpan: {n} masalah pada {rows} baris",
        "title": "Impor tanggapan survei {code} dari {source}",
        "read": "baris dibaca",
        "stored": "disimpan",
        "to_store": "akan disimpan",
        "duplicates": "dilewati (submission_id sudah ada)",
        "blanks": "peringatan: jawaban kosong",
        "blanks_value": "{cells} jawaban pada {rows} baris (dihitung sebagai tidak menjawab)",
        "ignored": "kolom diabaikan",
        "dry_run": "uji coba (--dry-run): tidak ada yang disimpan",
        "seconds": "waktu",
    },
    "en": {
        "not_found": 'survey "{code}" not found',
        "failed": "nothing was stored: {n} problems on {rows} rows",
        "title": "Import of responses into survey {code} from {source}",
        "read": "rows read",
        "stored": "stored",
        "to_store": "would be stored",
        "duplicates": "skipped (submission_id already stored)",
        "blanks": "warning: blank answers",
        "blanks_value": "{cells} answers on {rows} rows (counted as not answered)",
        "ignored": "columns ignored",
        "dry_run": "dry run (--dry-run): nothing was stored",
        "seconds": "time",
    },
}


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
        text = TEXT[lang]
        code = options["survey"]
        survey = (
            Survey.objects.select_related("organization", "instrument_version__instrument")
            .filter(code=code)
            .first()
            if "\x00" not in code
            else None
        )
        if survey is None:
            raise CommandError(text["not_found"].format(code=code), returncode=EXIT_INPUT)
        started = time.perf_counter()
        report = import_read(survey, options["file"], sheet=options["sheet"], lang=lang)
        if not report.ok:
            for line in report.messages():
                self.stderr.write(line)
            raise CommandError(
                text["failed"].format(
                    n=report.problem_count, rows=max(report.rows_with_problems, 1)
                ),
                returncode=EXIT_INPUT,
            )
        if not options["dry_run"]:
            import_commit(report)
        self._summary(
            report, text, dry_run=options["dry_run"], seconds=time.perf_counter() - started
        )

    def _summary(
        self, report: ImportReport, text: dict[str, str], *, dry_run: bool, seconds: float
    ) -> None:
        lines = [text["title"].format(code=report.survey.code, source=report.source)]
        rows = [
            (text["read"], str(report.rows_read)),
            (
                text["to_store"] if dry_run else text["stored"],
                str(len(report.rows) if dry_run else report.stored),
            ),
            (text["duplicates"], str(len(report.duplicates))),
            (
                text["blanks"],
                text["blanks_value"].format(
                    cells=report.blank_answers, rows=report.rows_with_blanks
                ),
            ),
        ]
        if report.ignored_columns:
            rows.append((text["ignored"], ", ".join(report.ignored_columns)))
        rows.append((text["seconds"], f"{seconds:.1f} s"))
        width = max(len(label) for label, _ in rows)
        lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
        if dry_run:
            lines.append(text["dry_run"])
        self.stdout.write("\n".join(lines))
