from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "prima.organizations"
    verbose_name = "Organisasi"
