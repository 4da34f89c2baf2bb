from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The back office's results pages: ``/app/`` (the survey list) and each survey's
    dashboard, with their charts; the numbers come from :mod:`prima.insights.results`."""

    name = "prima.dashboard"
    verbose_name = _("Dashboard")
