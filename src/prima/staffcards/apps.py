from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffcardsConfig(AppConfig):
    """Staff scorecards and coaching notes (issue 13, point 5)."""

    name = "prima.staffcards"
    label = "staffcards"
    verbose_name = _("Staff scorecards")
