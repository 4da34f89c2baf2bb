from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """The complainant's pages (``/pengaduan/``): the form, the receipt, tracking by code, the
    rating of the handling and reopening (issue 11). No models: the cases are
    :mod:`prima.cases`'."""

    name = "prima.complaints"
    label = "complaints"
    verbose_name = _("Complaints")
