from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "prima.alerts"
    label = "alerts"
    verbose_name = "Peringatan"

    def ready(self) -> None:
        from prima.alerts import signals  # noqa: F401  (connects to responses_imported)
