from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "prima.surveys"
    verbose_name = "Survei"
