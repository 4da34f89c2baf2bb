"""Status values of instruments, surveys and responses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FormMode(models.TextChoices):
    """How the public page asks the questions (a respondent's ``?mode=`` may choose the other)."""

    PAGE = "page", _("All questions on one page")
    STEPS = "steps", _("One question per screen")


class Channel(models.TextChoices):
    WEB = "web", _("Web link")
    QR = "qr", _("QR code")
    KIOSK = "kiosk", _("Kiosk / tablet")
    API = "api", _("API")
    PAPER = "paper", _("Paper (import)")


class ResponseFlag(models.TextChoices):
    """Why a response is suspect. Flagged responses are kept, shown to admins for review, and
    left out of every index until an admin includes them."""

    HONEYPOT = "honeypot", _("Bot trap field filled in")
    TOO_FAST = "too_fast", _("Filled in too fast")
    RATE_IP = "rate_ip", _("Too many submissions from one IP address")
    RATE_LINK = "rate_link", _("Too many submissions from one link")
    DEVICE_INTERVAL = "device_interval", _("Kiosk submissions too close together")
