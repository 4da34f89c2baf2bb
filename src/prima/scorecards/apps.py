from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    """The triple-win scorecard: customer, employee and organization side by side (issue 12)."""

    name = "prima.scorecards"
    label = "scorecards"
    verbose_name = _("Scorecards")
