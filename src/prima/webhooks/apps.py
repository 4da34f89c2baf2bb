from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed webhook deliveries (Standard Webhooks) to an organization's endpoints."""

    name = "prima.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
