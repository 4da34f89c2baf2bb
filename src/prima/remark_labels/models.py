"""One row of labels per remark: a survey response's suggestion or a case's complaint text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization
from prima.remarks import A6_KEYS, SENTIMENTS, UNSUR_CODES

UNSUR_CHOICES = [(c, c) for c in UNSUR_CODES]
A6_CHOICES = [(k, k) for k in A6_KEYS]
SENTIMENT_CHOICES = [(s, s) for s in SENTIMENTS]


class RemarkLabel(models.Model):
    """The labels of one remark. ``unsur``/``a6`` are blank for "none". A manager's correction
    replaces the labels and is kept as such (``corrected_by``, ``corrected_at``; the model's own
    labels in ``machine``): a relabel never overwrites it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    response = models.OneToOneField(
        "surveys.Response",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="remark_label",
    )
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="remark_label",
    )
    unsur = models.CharField(_("SKM unsur"), max_length=3, blank=True, choices=UNSUR_CHOICES)
    a6 = models.CharField(_("A of A6"), max_length=15, blank=True, choices=A6_CHOICES)
    sentiment = models.CharField(_("sentiment"), max_length=7, choices=SENTIMENT_CHOICES)
    unsur_confidence = models.FloatField(default=1.0)
    a6_confidence = models.FloatField(default=1.0)
    sentiment_confidence = models.FloatField(default=1.0)
    model_version = models.CharField(max_length=16)
    # the day it was labelled (local midnight), never the time: see services._store
    labelled_at = models.DateTimeField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    machine = models.JSONField(default=dict, blank=True)  # the model's labels, once corrected

    class Meta:
        verbose_name = _("remark label")
        verbose_name_plural = _("remark labels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response__isnull=False, case__isnull=True)
                | models.Q(response__isnull=True, case__isnull=False),
                name="remark_label_one_text",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "unsur", "sentiment"], name="remark_org_unsur"),
        ]

    def __str__(self) -> str:
        return f"{self.unsur or '-'} {self.a6 or '-'} {self.sentiment}"

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None


class LabelCursor(models.Model):
    """How far the sweep of new texts has read each kind of text (the highest id seen)."""

    kind = models.CharField(max_length=10, unique=True)  # "responses" or "cases"
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.last_id}"
