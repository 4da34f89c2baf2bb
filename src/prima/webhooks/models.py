"""An organization's webhook endpoints and the deliveries sent to them (issue 11, point 7).

Each event (:class:`EventType`) that happens in an organization is recorded as one
:class:`WebhookDelivery` per active endpoint subscribed to it and sent by the background task
worker, signed per the Standard Webhooks specification (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``) with the endpoint's secret (``whsec_`` + base64 of 32 random bytes).
A failed attempt is retried with exponential backoff (:data:`prima.webhooks.sending.RETRY_DELAYS`).
"""

from __future__ import annotations

import base64
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization
from prima.webhooks.addresses import validate_endpoint_url

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


class EventType(models.TextChoices):
    """What an endpoint may subscribe to (the public names of the events: keep them)."""

    CASE_CREATED = "case.created", _("A case was received")
    CASE_STATUS_CHANGED = "case.status_changed", _("A case changed its status")
    CASE_RATED = "case.rated", _("A complainant rated the handling")
    RESPONSE_CREATED = "response.created", _("A survey response was submitted")


TEST_EVENT = "webhook.test"
"""The event of the "send a test event" action: sent to the chosen endpoints only."""

DELIVERY_EVENTS = [*EventType.choices, (TEST_EVENT, _("Test event"))]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


def new_secret() -> str:
    """A signing secret in the Standard Webhooks format: ``whsec_`` + base64 of 32 bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    """A message id (``webhook-id``): ``msg_`` + 27 URL-safe characters (160 random bits)."""
    return "msg_" + secrets.token_urlsafe(20)


class WebhookEndpoint(models.Model):
    """Where an organization wants its events: an HTTPS address and the events it takes."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organization"),
    )
    url = models.URLField(
        _("address (URL)"),
        max_length=500,
        validators=[validate_endpoint_url],
        help_text=_("An HTTPS address on the internet; it receives a signed POST per event."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("The events sent to this address.")
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["organization", "url", "pk"]
        indexes = [models.Index(fields=["organization", "active"])]

    def __str__(self) -> str:
        return self.description or self.url

    def subscribed(self, event_type: str) -> bool:
        return event_type == TEST_EVENT or event_type in (self.event_types or [])


class WebhookDelivery(models.Model):
    """One event for one endpoint: its payload, and how the attempts to send it went.

    ``attempt_log`` holds one entry per attempt (``at``, ``code``, ``error``, ``ms``), at most
    the number of attempts of the retry schedule (the latest kept after a redelivery).
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        verbose_name=_("organization"),
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(_("event"), max_length=40, choices=DELIVERY_EVENTS)
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    attempt_log = models.JSONField(_("attempts made"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"
