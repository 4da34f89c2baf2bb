"""One-time invitations to an employee survey (issue 12, point 2), never linked to a response.

What is stored, and what is not:

- :class:`Invitation` is one **unspent** code: the survey, the unit, how it was delivered
  (e-mail or printed slip), whether it was delivered, the day it was made, and the keyed hash of
  the code (:mod:`prima.invitations.codes`). It names no person: no staff member, no name, no
  address. Spending it **deletes the row** in the transaction that stores the response, so no
  row is left to carry a spent mark, a moment or an order, and nothing refers to the response.
- :class:`InvitationTally` counts the invitations made per survey and unit (``issued``), so that
  participation per unit is ``issued`` minus the unspent rows; it changes when invitations are
  made, never when one is spent.
- :class:`InvitationPolicy`: whether the survey's public page needs an invitation, or stays an
  open link for the whole organization (no row: open).
- :class:`InvitationMailing`: the addresses of one batch of e-mails, between the request that
  asks for it and the task worker that sends it; the worker deletes it once the e-mails are sent
  (the task's own row carries only this row's id).

No field here refers to a response, and the response model refers to none of these.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization, Unit
from prima.surveys.models import Survey


class Delivery(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SLIP = "slip", _("Printed slip")


class Invitation(models.Model):
    """An unspent one-time invitation (spent ones are deleted)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    delivered = models.BooleanField(default=False)
    made_on = models.DateField()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["survey", "unit"], name="invitation_survey_unit")]


class InvitationTally(models.Model):
    """How many invitations were made for a survey and unit."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    issued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="invitation_tally_unique")
        ]


class InvitationPolicy(models.Model):
    """Whether the survey's page accepts answers only with an invitation."""

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, primary_key=True, related_name="invitation_policy"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    required = models.BooleanField(_("invitation required"), default=False)


class InvitationMailing(models.Model):
    """The recipients of one batch of invitation e-mails, until the task worker has sent it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    recipients = models.JSONField(default=list)  # [{"unit": id, "email": ..., "name": ...}]
    base_url = models.CharField(max_length=300)
    made_on = models.DateField()
