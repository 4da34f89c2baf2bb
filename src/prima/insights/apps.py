from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "prima.insights"
    verbose_name = "Hasil"

    def ready(self) -> None:
        from prima.insights import signals  # noqa: F401  (connects the rollup receivers)
