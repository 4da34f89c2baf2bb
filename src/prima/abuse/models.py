"""Single-use response tokens, printed on queue tickets and receipts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Unit
from prima.surveys.models import Response, Survey


class ResponseToken(models.Model):
    """A single-use token printed on a queue ticket or receipt: one response each."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True)
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.OneToOneField(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="token"
    )

    class Meta:
        db_table = "surveys_responsetoken"  # the table it had in prima.surveys (ADR 0004)
        verbose_name = _("token tanggapan")
        verbose_name_plural = _("token tanggapan")

    def __str__(self) -> str:
        return self.code
