"""``prima report skm --survey CODE [--unit ID] --period PERIOD --output FILE.pdf|.xlsx``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from prima.insights.periods import parse_period
from prima.organizations.models import Unit
from prima.reports.skm import NotSkmSurvey, skm_report
from prima.surveys.models import Survey

FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}


class Command(BaseCommand):
    help = (
        "Write an official report. 'skm': the SKM report (IKM, NRR per unsur, respondents and "
        "their profile, suggestions, follow-up plan) of a survey for a unit (with its subtree) or "
        "the whole organization and a period, as PDF or XLSX (from the extension of --output)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        reports = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
        skm = reports.add_parser(
            "skm",
            help="the SKM report (PermenPAN-RB 14/2017) as PDF or XLSX",
            description="The SKM report of a survey for a unit and a period.",
        )
        skm.add_argument("--survey", required=True, metavar="CODE", help="the survey's code")
        skm.add_argument(
            "--unit",
            metavar="ID",
            help="a unit's id: the report covers it and its subtree (default: the whole organization)",
        )
        skm.add_argument(
            "--period",
            required=True,
            metavar="PERIOD",
            help="2026 (year), 2026-S1 (semester), 2026-Q3 (quarter) or 2026-07 (month)",
        )
        skm.add_argument(
            "--output",
            "-o",
            required=True,
            metavar="FILE",
            help="FILE.pdf or FILE.xlsx; the format follows the extension",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "skm":
            self._skm(options)

    def _skm(self, options: dict[str, Any]) -> None:
        code, output = options["survey"], options["output"]
        fmt = FORMATS.get(Path(output).suffix.lower())
        if fmt is None:
            raise CommandError(
                f'{output}: unknown extension "{Path(output).suffix}"; use .pdf or .xlsx'
            )
        try:
            period = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        survey = (
            Survey.objects.select_related("organization", "instrument_version__instrument")
            .filter(code=code)
            .first()
            if "\x00" not in code
            else None
        )
        if survey is None:
            raise CommandError(f'survey "{code}" not found')
        if survey.instrument_version.parsed.kind != "ikm":
            raise CommandError(
                f'survey "{code}" uses the instrument "{survey.instrument_version.instrument.key}", '
                "not an SKM (IKM) instrument: there is no SKM report for it"
            )
        unit = None
        if options["unit"] is not None:
            raw = str(options["unit"]).strip()
            if not (raw.isascii() and raw.isdigit()):
                raise CommandError(f'--unit "{raw}": give the unit\'s numeric id')
            unit = Unit.objects.filter(pk=int(raw)).first()
            if unit is None:
                raise CommandError(f"unit {raw} not found")
            if unit.organization_id != survey.organization_id:
                raise CommandError(
                    f'unit {raw} ("{unit.name}") is not part of {survey.organization.name}, '
                    f'the organization of survey "{code}"'
                )
        try:
            report = skm_report(survey, unit=unit, period=period)
        except NotSkmSurvey as exc:
            raise CommandError(str(exc)) from None
        try:
            _write_atomic(Path(output), fmt, report, survey, unit)
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror or exc}") from None
        self.stdout.write(
            gettext(
                "SKM report of %(scope)s, %(period)s: %(n)s respondents, IKM %(ikm)s "
                "(mutu %(grade)s), written to %(file)s"
            )
            % {
                "scope": report.scope_name,
                "period": report.period_text,
                "n": report.respondents,
                "ikm": report.ikm_converted_text,
                "grade": report.grade or "-",
                "file": output,
            }
        )


def _write_atomic(target: Path, fmt: str, report: Any, survey: Survey, unit: Unit | None) -> None:
    """Render first, then write to a temporary file renamed into place: a failure never leaves
    a half-written report behind."""
    if fmt == "pdf":
        from prima.reports.pdf import report_pdf

        body = report_pdf(report)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            if fmt == "pdf":
                fh.write(body)
            else:
                from prima.reports.xlsx import write_report_xlsx

                write_report_xlsx(report, survey, fh, unit=unit)
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file (mkstemp makes 0600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
