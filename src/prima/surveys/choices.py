"""Status values of instruments, surveys and responses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    OPEN = "open", _("Dibuka")
    CLOSED = "closed", _("Ditutup")


class Channel(models.TextChoices):
    WEB = "web", _("Tautan web")
    QR = "qr", _("Kode QR")
    KIOSK = "kiosk", _("Kios / tablet")
    API = "api", _("API")
    PAPER = "paper", _("Kertas (impor)")
