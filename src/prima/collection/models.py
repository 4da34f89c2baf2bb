"""Kiosk devices: tablets at a unit that collect answers for one survey."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization, Unit
from prima.surveys.models import Survey


class KioskDevice(models.Model):
    """A tablet at a unit that collects answers for one survey; its token is revocable and
    only its SHA-256 is stored."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="kiosks",
        verbose_name=_("organization"),
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="kiosks", verbose_name=_("survey")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="kiosks", verbose_name=_("unit")
    )
    name = models.CharField(_("device name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    pairing_code = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    min_interval_seconds = models.PositiveIntegerField(
        _("minimum interval between submissions (seconds)"), default=15
    )
    idle_reset_seconds = models.PositiveIntegerField(
        _("back to the start after idling (seconds)"), default=45
    )
    ask_staff = models.BooleanField(_("ask for the staff member who served"), default=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last online"), null=True, blank=True)
    last_answered_at = models.DateTimeField(_("last answer"), null=True, blank=True)

    class Meta:
        db_table = "surveys_kioskdevice"  # the table it had in prima.surveys (ADR 0004)
        verbose_name = _("kiosk device")
        verbose_name_plural = _("kiosk devices")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
