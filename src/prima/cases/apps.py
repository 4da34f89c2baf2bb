from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Complaints and follow-ups as cases with working-day deadlines (issue 11)."""

    name = "prima.cases"
    label = "cases"
    verbose_name = _("Cases")
