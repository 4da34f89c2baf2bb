from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "prima.insights"
    verbose_name = "Hasil"
