from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The official SKM report (PDF, XLSX, ``prima report skm``) and its follow-up plan."""

    name = "prima.reports"
    verbose_name = _("SKM reports")

    def ready(self) -> None:
        from prima.reports.jobs import write_skm_report_xlsx
        from prima.transfers.export_jobs import RUNNERS
        from prima.transfers.models import ExportKind

        # the report's XLSX with every raw answer runs as an export job (prima.reports.jobs)
        RUNNERS[ExportKind.SKM_REPORT] = write_skm_report_xlsx
