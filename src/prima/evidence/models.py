"""An audit's evidence photos and an organization's evidence settings (issue 13, point 2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceSettings(models.Model):
    """An organization's choice about its evidence photos; without a row, the defaults (no
    location metadata kept)."""

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="evidence_settings",
        verbose_name=_("organization"),
    )
    keep_location = models.BooleanField(
        _("keep location metadata"),
        default=False,
        help_text=_(
            "Keep the GPS tags (where the photo was taken) in audit evidence photos. Off: every "
            "photo is stored without any metadata."
        ),
    )

    class Meta:
        verbose_name = _("evidence photo settings")
        verbose_name_plural = _("evidence photo settings")

    def __str__(self) -> str:
        return str(self.organization)


class EvidencePhoto(models.Model):
    """One photo of an audit, stored re-encoded under a random name (``stored_name``, with its
    thumbnail ``thumb_name``) in ``MEDIA_ROOT/evidence/<organization id>/``; ``label`` is the
    name the file was uploaded with (shown escaped, never used on disk)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="photos")
    label = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    thumb_name = models.CharField(max_length=80)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumb_width = models.PositiveIntegerField()
    thumb_height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("size in bytes"))
    location_kept = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label
