"""Exports in the background: a job per request, a file per job, progress as it goes.

- :func:`export_job_create` checks what the user asked for against what the user may see,
  stores an :class:`~prima.surveys.models.ExportJob` and enqueues :func:`export_job_run` as a
  django-tasks task (:mod:`prima.transfers.tasks`): the database worker beside ``prima serve``
  runs it (or the request itself with ``PRIMA_TASKS=immediate``).
- :func:`export_job_run` fixes the job's rows (the responses up to the newest id at its start),
  writes them with :mod:`prima.transfers.export` to a temporary file under ``EXPORTS_DIR``,
  records ``rows_done`` every :data:`~prima.transfers.export.PROGRESS_EVERY` rows and renames the
  file into place when every row is written.
- :func:`export_job_get_for_user` is the gate of the job page and the download: a job is seen
  only by users of its organization whose role covers everything the job exported (its unit,
  or the requester's units); anyone else gets 404, as for something that does not exist.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, gettext_noop

from prima.insights.periods import parse_period, period_bounds
from prima.organizations.access import User, memberships_of, units_visible_to
from prima.organizations.models import Unit
from prima.surveys.anonymity import RAW_ANSWERS_WITHHELD
from prima.surveys.models import Response, Survey
from prima.transfers.export import export_to_path, xlsx_sheet_count
from prima.transfers.models import ExportFormat, ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

REPORT_PERIOD_MISSING = gettext_noop(
    "Choose the report's period: 2026, 2026-S1, 2026-Q3 or 2026-07."
)
PERIOD_INVALID = gettext_noop(
    'Invalid period: "%(period)s". Write 2026, 2026-S1, 2026-Q3 or 2026-07.'
)
EXPORT_FAILED = gettext_noop(
    "The export failed (%(kind)s). Please try again or contact your administrator."
)


def period_error(text: str) -> str:
    """The message for a period that is not one, naming what was typed (clipped)."""
    typed = " ".join(text.split())
    typed = typed if len(typed) <= 40 else typed[:39] + "…"
    return gettext(PERIOD_INVALID) % {"period": typed}


def export_error_text(job: ExportJob) -> str:
    """Why ``job`` failed, in the active language (the worker stores the kind of failure).

    Jobs that failed before this release stored a whole sentence; it is shown as it is.
    """
    error = job.error or ""
    if error.isidentifier():
        return gettext(EXPORT_FAILED) % {"kind": error}
    return error


class ExportRequestError(ValueError):
    """What the user asked for cannot be exported (the message is for the user)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# -- scope -------------------------------------------------------------------------------------
def user_scope_paths(user: User, survey: Survey) -> list[str] | None:
    """The unit paths the user's roles in the survey's organization cover: ``[]`` for the whole
    organization, ``None`` for no access."""
    scopes = list(memberships_of(user).filter(organization_id=survey.organization_id))
    if not scopes:
        return None
    if any(m.unit_id is None for m in scopes):
        return []
    return sorted({m.unit.path for m in scopes if m.unit is not None})


def _covers(scope: list[str] | None, paths: list[str]) -> bool:
    """Whether a user's scope covers every subtree in ``paths`` (``[]``: the organization)."""
    if scope is None:
        return False
    if scope == []:
        return True
    return bool(paths) and all(any(p.startswith(s) for s in scope) for p in paths)


def job_paths(job: ExportJob) -> list[str]:
    """The subtrees whose responses the job exports (``[]``: the whole organization)."""
    if job.unit is not None:
        return [job.unit.path]
    return list(job.scope_paths)


def job_responses(job: ExportJob) -> QuerySet[Response]:
    """The responses a job exports (before it fixes its last id)."""
    qs = Response.objects.filter(survey_id=job.survey_id)
    paths = job_paths(job)
    if paths:
        q = Q()
        for p in paths:
            q |= Q(unit__path__startswith=p)
        qs = qs.filter(q)
    if job.period:
        period = parse_period(job.period)
        start, end = period_bounds(period)
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)
    return qs


# -- requests ----------------------------------------------------------------------------------
def export_job_create(
    *,
    user: Any,
    survey: Survey,
    fmt: str,
    unit_id: str | int | None = None,
    period: str = "",
    kind: str = ExportKind.RESPONSES,
    enqueue: bool = True,
) -> ExportJob:
    """Store a job for ``user``'s export of ``survey`` and enqueue it.

    ``ExportRequestError`` for an unknown format or an invalid period; ``Http404`` for a unit
    outside the user's scope (as for one that does not exist).
    """
    scope = user_scope_paths(user, survey)
    if scope is None:
        raise Http404("survey")
    export_jobs_prune()
    if fmt not in ExportFormat.values:
        raise ExportRequestError("format", gettext("Choose the export's format: CSV or XLSX."))
    unit: Unit | None = None
    if unit_id not in (None, ""):
        text = str(unit_id).strip()
        if not (text.isascii() and text.isdigit()):
            raise Http404("unit")
        unit = units_visible_to(user, survey.organization).filter(pk=int(text)).first()
        if unit is None:
            raise Http404("unit")
    label = (period or "").strip()
    if label:
        try:
            label = parse_period(label).label
        except ValueError:
            raise ExportRequestError("period", period_error(label)) from None
    if kind not in RUNNERS and kind != ExportKind.RESPONSES:
        raise ExportRequestError("kind", gettext("Unknown kind of export."))
    if kind == ExportKind.RESPONSES and survey.is_employee:
        raise ExportRequestError("survey", gettext(RAW_ANSWERS_WITHHELD))
    if kind == ExportKind.SKM_REPORT:
        if not label:
            raise ExportRequestError("period", gettext(REPORT_PERIOD_MISSING))
        if unit is None and scope != []:  # the whole organization's report: org-wide roles only
            raise Http404("unit")
    job = ExportJob.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        kind=kind,
        requested_by=user,
        unit=unit,
        period=label,
        format=fmt,
        scope_paths=scope,
        language=(get_language() or "")[:8],
    )
    if enqueue:
        export_job_enqueue(job)
        job.refresh_from_db()
    return job


def export_job_enqueue(job: ExportJob) -> None:
    """Hand the job to the task backend (the immediate backend runs it before returning)."""
    from prima.transfers.tasks import export_job_task

    result = export_job_task.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


Runner = Callable[[ExportJob, Survey, Path, Callable[[int], None]], int]
RUNNERS: dict[str, Runner] = {}
"""Writers of the other kinds of job (``ExportKind``), registered by the app that owns them
(``prima.insights`` registers the SKM report's XLSX): ``runner(job, survey, path, progress)``
writes the file and returns the rows it holds."""

STALLED_AFTER = timedelta(minutes=5)
"""A running job without progress for this long lost its worker (killed, machine restarted)."""


def export_jobs_requeue_stalled(*, now: datetime | None = None) -> int:
    """Queue again every running job whose worker died mid-run; returns how many.

    The task worker calls this when it starts (``prima serve`` starts it), so an export that
    was running when the server was killed or the machine restarted finishes after all; the
    job writes a fresh file from the start, under a new name.
    """
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = ExportJob.objects.filter(status=ExportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    requeued = 0
    for pk in list(stalled.values_list("pk", flat=True)):
        if stalled.filter(pk=pk).update(
            status=ExportStatus.QUEUED, rows_done=0, started_at=None, heartbeat_at=None
        ):
            logger.warning("export job %s lost its worker; queued again", pk)
            export_job_enqueue(ExportJob.objects.get(pk=pk))
            requeued += 1
    return requeued


def export_jobs_prune(*, now: datetime | None = None) -> int:
    """Delete finished and failed jobs older than ``PRIMA_EXPORT_KEEP_DAYS`` days, with their
    files (exports hold personal answers: they are not kept for ever); returns how many.
    Run whenever a job is requested and when the task worker starts."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PRIMA_EXPORT_KEEP_DAYS)
    old = ExportJob.objects.filter(
        status__in=[ExportStatus.DONE, ExportStatus.FAILED], finished_at__lt=cutoff
    )
    removed = 0
    for job in old.only("pk", "file_name"):
        if job.file_name:
            (Path(settings.EXPORTS_DIR) / job.file_name).unlink(missing_ok=True)
        job.delete()
        removed += 1
    return removed


# -- reads -------------------------------------------------------------------------------------
def export_jobs_for_user(user: User, survey: Survey, limit: int = 20) -> list[ExportJob]:
    """The survey's recent jobs the user may see."""
    scope = user_scope_paths(user, survey)
    if scope is None:
        return []
    jobs = ExportJob.objects.filter(survey=survey).select_related("unit", "requested_by")
    return [j for j in jobs[: limit * 5] if _covers(scope, job_paths(j))][:limit]


def export_job_get_for_user(user: User, survey: Survey, job_id: int) -> ExportJob:
    """The job if it belongs to ``survey`` and the user's scope covers it, else 404."""
    job = (
        ExportJob.objects.filter(pk=job_id, survey=survey, organization_id=survey.organization_id)
        .select_related("unit", "requested_by", "survey")
        .first()
    )
    if job is None or not _covers(user_scope_paths(user, survey), job_paths(job)):
        raise Http404("export job")
    return job


def export_job_file(job: ExportJob) -> Path | None:
    """The finished job's file, or None."""
    if job.status != ExportStatus.DONE or not job.file_name:
        return None
    path = Path(settings.EXPORTS_DIR) / job.file_name
    return path if path.is_file() else None


def export_download_name(job: ExportJob) -> str:
    parts = ["laporan-skm" if job.kind == ExportKind.SKM_REPORT else "tanggapan", job.survey.code]
    if job.unit is not None:
        parts.append(job.unit.code or f"unit{job.unit_id}")
    if job.period:
        parts.append(job.period)
    parts.append(f"ekspor{job.pk}")
    safe = "-".join("".join(c if c.isalnum() or c in "-_" else "_" for c in p) for p in parts)
    return f"{safe}.{job.format}"


# -- the work ----------------------------------------------------------------------------------
def export_job_run(job_id: int) -> int:
    """Run a queued job: write its file and record progress; returns the rows written.

    A job that is not queued (already run, or run by another worker) is left alone.
    """
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return 0
    job = ExportJob.objects.select_related("survey__organization", "unit").get(pk=job_id)
    survey = Survey.objects.select_related("organization", "instrument_version__instrument").get(
        pk=job.survey_id
    )
    # the file's texts in the requester's language (the worker has no request)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            folder = Path(settings.EXPORTS_DIR) / str(job.organization_id)
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{job.pk}-{secrets.token_hex(8)}.{job.format}"

            def progress(n: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=n, heartbeat_at=timezone.now())

            if job.kind == ExportKind.RESPONSES:
                qs = job_responses(job)
                last_id = qs.order_by("-pk").values_list("pk", flat=True).first() or 0
                total = qs.filter(pk__lte=last_id).count()
                ExportJob.objects.filter(pk=job.pk).update(
                    last_response_id=last_id, rows_total=total
                )
                n = export_to_path(
                    survey,
                    folder / name,
                    fmt=job.format,
                    responses=qs,
                    progress=progress,
                    last_id=last_id,
                )
            else:
                n = RUNNERS[job.kind](job, survey, folder / name, progress)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportStatus.DONE,
                rows_done=n,
                rows_total=n,
                sheets=(
                    xlsx_sheet_count(n)
                    if job.format == ExportFormat.XLSX and job.kind == ExportKind.RESPONSES
                    else 1
                ),
                file_name=f"{job.organization_id}/{name}",
                file_size=(folder / name).stat().st_size,
                finished_at=timezone.now(),
            )
            return n
        except Exception as exc:
            logger.exception("export job %s failed", job.pk)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportStatus.FAILED,
                # the kind of failure only: the page says it in the reader's language
                error=type(exc).__name__,
                finished_at=timezone.now(),
            )
            return 0
