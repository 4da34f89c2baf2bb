from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "prima.demo"
    verbose_name = "Demo"
