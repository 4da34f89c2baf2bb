"""The SKM report's XLSX as a background job: with many responses its sheet of raw answers
takes minutes to write, longer than a web request may last. The job runs through the export
jobs of :mod:`prima.transfers.export_jobs` (progress page, download, access checks), which calls
:func:`write_skm_report_xlsx` for jobs of kind ``skm_report``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db.models import Q

from prima.insights.periods import parse_period
from prima.reports.skm import skm_report
from prima.reports.xlsx import write_report_xlsx
from prima.surveys.models import Survey
from prima.transfers.models import ExportJob


def job_scope(job: ExportJob) -> Q:
    """The responses the requester's role covered when the job was made."""
    q = Q()
    for path in job.scope_paths:
        q |= Q(unit__path__startswith=path)
    return q


def write_skm_report_xlsx(
    job: ExportJob, survey: Survey, path: Path, progress: Callable[[int], None]
) -> int:
    scope = job_scope(job)
    report = skm_report(survey, unit=job.unit, period=parse_period(job.period), scope=scope)
    write_report_xlsx(report, survey, path, unit=job.unit, scope=scope)
    progress(report.responses)
    return report.responses
