from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "prima.abuse"
    verbose_name = "Pengendalian penyalahgunaan"
