"""Export jobs: a survey's responses written to a file in the background, with progress.

The work itself is in :mod:`prima.transfers.export_jobs`; the SKM report's XLSX is written by
a runner that :mod:`prima.insights` registers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization, Unit


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"


class ExportKind(models.TextChoices):
    RESPONSES = "responses", _("Responses")
    SKM_REPORT = "skm_report", _("SKM report")


class ExportJob(models.Model):
    """One export of a survey's responses, limited to what the requester may see.

    ``scope_paths`` holds the unit paths the requester's role covered when the job was made
    (empty: the whole organization); the file holds only responses of those subtrees (and of
    ``unit``'s subtree and ``period`` when given), up to ``last_response_id``, fixed when the
    job starts. The file lies under ``EXPORTS_DIR`` (in ``PRIMA_DATA_DIR``) as ``file_name``.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="export_jobs"
    )
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(
        _("kind"), max_length=16, choices=ExportKind.choices, default=ExportKind.RESPONSES
    )
    """``responses``: the export of the responses; ``skm_report``: the SKM report's XLSX
    (written by the runner that :mod:`prima.insights` registers)."""
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="export_jobs",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="export_jobs"
    )
    period = models.CharField(_("period"), max_length=40, blank=True)
    format = models.CharField(
        _("format"), max_length=4, choices=ExportFormat.choices, default=ExportFormat.CSV
    )
    scope_paths = models.JSONField(default=list, blank=True)
    # the requester's language: the worker writes the file's texts (the SKM report, the sheet
    # note) in it; empty (jobs queued before it was kept): the installation's default
    language = models.CharField(max_length=8, blank=True, default="", db_default="")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    last_response_id = models.BigIntegerField(null=True, blank=True)
    sheets = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    """Set when a worker claims the job and at every progress step: a running job whose
    heartbeat stopped lost its worker (:func:`prima.transfers.export_jobs.export_jobs_requeue_stalled`)."""
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "surveys_exportjob"  # the table it had in prima.surveys (ADR 0004)
        verbose_name = _("response export")
        verbose_name_plural = _("response exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["survey", "-created_at"], name="export_job_survey")]

    def __str__(self) -> str:
        return _("export #%(number)s (%(format)s)") % {"number": self.pk, "format": self.format}

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))
