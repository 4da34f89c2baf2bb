from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed webhook deliveries (Standard Webhooks) to an organization's endpoints."""

    name = "prima.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # the apps that cause events know nothing of webhooks (import contracts): their signals
        # are connected here
        from prima.cases.signals import case_changed
        from prima.surveys.services import response_submitted
        from prima.webhooks.payloads import on_case_changed, on_response_submitted

        response_submitted.connect(on_response_submitted, dispatch_uid="prima.webhooks.response")
        case_changed.connect(on_case_changed, dispatch_uid="prima.webhooks.case")
