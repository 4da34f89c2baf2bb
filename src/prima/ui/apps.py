from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "prima.ui"
    label = "ui"
    verbose_name = "Design system"
