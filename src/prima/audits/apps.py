from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    """A6 audits of staff practice by supervisors and mystery shoppers (issue 13)."""

    name = "prima.audits"
    label = "audits"
    verbose_name = _("Audits")
