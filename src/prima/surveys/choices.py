"""Status values of instruments, surveys and responses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    OPEN = "open", _("Dibuka")
    CLOSED = "closed", _("Ditutup")


class FormMode(models.TextChoices):
    """How the public page asks the questions (a respondent's ``?mode=`` may choose the other)."""

    PAGE = "page", _("All questions on one page")
    STEPS = "steps", _("One question per screen")


class Channel(models.TextChoices):
    WEB = "web", _("Tautan web")
    QR = "qr", _("Kode QR")
    KIOSK = "kiosk", _("Kios / tablet")
    API = "api", _("API")
    PAPER = "paper", _("Kertas (impor)")


class ResponseFlag(models.TextChoices):
    """Why a response is suspect. Flagged responses are kept, shown to admins for review, and
    left out of every index until an admin includes them."""

    HONEYPOT = "honeypot", _("Kolom jebakan bot terisi")
    TOO_FAST = "too_fast", _("Diisi terlalu cepat")
    RATE_IP = "rate_ip", _("Terlalu banyak kiriman dari satu alamat IP")
    RATE_LINK = "rate_link", _("Terlalu banyak kiriman dari satu tautan")
    DEVICE_INTERVAL = "device_interval", _("Kiriman kios terlalu rapat")
