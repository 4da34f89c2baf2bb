from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "prima.transfers"
    verbose_name = "Impor dan ekspor"
