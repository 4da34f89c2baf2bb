from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemarkLabelsConfig(AppConfig):
    """Labels of suggestions and complaints: SKM unsur, A of A6, sentiment (issue 14)."""

    name = "prima.remark_labels"
    label = "remark_labels"
    verbose_name = _("Remark labels")
