"""Single-use response tokens, printed on queue tickets and receipts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Unit
from prima.surveys.models import Response, Survey


class ResponseToken(models.Model):
    """A single-use token printed on a queue ticket or receipt: one response each."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("survey")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("unit")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    response = models.OneToOneField(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="token",
        verbose_name=_("response"),
    )

    class Meta:
        db_table = "surveys_responsetoken"  # the table it had in prima.surveys (ADR 0004)
        verbose_name = _("response token")
        verbose_name_plural = _("response tokens")

    def __str__(self) -> str:
        return self.code
