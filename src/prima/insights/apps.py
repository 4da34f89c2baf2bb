from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "prima.insights"
    verbose_name = "Hasil"

    def ready(self) -> None:
        from prima.insights import signals  # noqa: F401  (connects the rollup receivers)
        from prima.insights.report_jobs import write_skm_report_xlsx
        from prima.transfers.export_jobs import RUNNERS
        from prima.transfers.models import ExportKind

        RUNNERS[ExportKind.SKM_REPORT] = write_skm_report_xlsx
