from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "prima.insights"
    verbose_name = _("Results")

    def ready(self) -> None:
        from prima.insights import signals  # noqa: F401  (connects the rollup receivers)
