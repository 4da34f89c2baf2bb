from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalibrationConfig(AppConfig):
    """Auditors' agreement on the same encounters (issue 13, point 4)."""

    name = "prima.calibration"
    label = "calibration"
    verbose_name = _("Auditor calibration")
