from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "prima.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from prima.alerts import signals  # noqa: F401  (connects to responses_imported)
