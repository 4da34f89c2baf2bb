"""A supervisor's coaching note to a staff member, shown on the staff member's scorecard."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization, StaffMember

NOTE_MAX = 2000


class CoachingNote(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="coaching_notes",
        verbose_name=_("organization"),
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="coaching_notes",
        verbose_name=_("staff member"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,  # only once the account is deleted
        related_name="coaching_notes_written",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching note")
        verbose_name_plural = _("coaching notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["staff", "created_at"], name="coaching_staff_time")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.created_at:%Y-%m-%d}"
