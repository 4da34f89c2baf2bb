"""Webhook endpoints and their delivery log in ``/manage/``, scoped to the admin's organizations.

- Endpoints: address (HTTPS), description, events, active. The signing secret is shown on its
  own page (``/manage/webhooks/webhookendpoint/<id>/secret/``), where the admin lands right
  after adding an endpoint, and later on request from the endpoint's page; never in lists,
  messages or cookies. Actions: send a test event, generate a new secret.
- Deliveries: read-only log with status, attempts, last code and error, next attempt; each
  attempt's time, code and error on the delivery's page; action: redeliver.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from prima.organizations.manage_site import TenantAdmin, manage_site
from prima.storable_text import unstorable_character
from prima.webhooks import services
from prima.webhooks.models import (
    DELIVERY_EVENTS,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    new_secret,
)


def event_label(event_type: str) -> str:
    return str(dict(DELIVERY_EVENTS).get(event_type, event_type))


class WebhookEndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(
        label=_("address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An HTTPS address on the internet; it receives a signed POST per event."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The events sent to this address."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("organization", "url", "description", "event_types", "active")

    def clean_description(self) -> str:
        text: str = self.cleaned_data.get("description", "")
        char = unstorable_character(text)
        if char:
            raise forms.ValidationError(
                gettext("Contains a character that cannot be stored (%(char)s).") % {"char": char}
            )
        return text

    def clean_event_types(self) -> list[str]:
        chosen = self.cleaned_data.get("event_types") or []
        return [value for value in EventType.values if value in chosen]  # a stable order


class WebhookEndpointAdmin(TenantAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "description", "events_shown", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "description")
    actions = ["send_test_event", "generate_new_secret"]

    @admin.display(description=_("events"))
    def events_shown(self, obj: WebhookEndpoint) -> str:
        return ", ".join(event_label(e) for e in obj.event_types or [])

    @admin.display(description=_("signing secret"))
    def secret_link(self, obj: WebhookEndpoint) -> str:
        if obj.pk is None:
            return gettext("Shown once the endpoint is saved.")
        return format_html(
            '<span class="manage-secret">whsec_••••••••</span> <a href="{}">{}</a>',
            reverse("manage:webhooks_webhookendpoint_secret", args=[obj.pk]),
            gettext("Show the signing secret"),
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["organization", "url", "description", "event_types", "active"]
        return [*fields, "secret_link", "created_at"] if obj is not None else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["secret_link", "created_at"] if obj is not None else []

    def response_add(self, request: HttpRequest, obj: Model, post_url_continue: Any = None) -> Any:
        """Straight to the secret: the receiver needs it to verify the signatures."""
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, gettext("The endpoint was added. Copy its signing secret."))
        return HttpResponseRedirect(
            reverse("manage:webhooks_webhookendpoint_secret", args=[obj.pk])
        )

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        sent = services.endpoints_send_test(queryset)
        self.message_user(
            request,
            ngettext(
                "A test event was queued for %(n)d endpoint; see the delivery log.",
                "A test event was queued for %(n)d endpoints; see the delivery log.",
                len(sent),
            )
            % {"n": len(sent)},
        )

    @admin.action(description=_("Generate a new signing secret"), permissions=["change"])
    def generate_new_secret(
        self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]
    ) -> None:
        count = 0
        for endpoint in queryset:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=new_secret())
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(n)d endpoint has a new signing secret: show it on the endpoint's page.",
                "%(n)d endpoints have a new signing secret: show it on each endpoint's page.",
                count,
            )
            % {"n": count},
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/secret/",
                view(never_cache(self.secret_page)),
                name="webhooks_webhookendpoint_secret",
            ),
            *super().get_urls(),
        ]

    def secret_page(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The endpoint's signing secret and how a receiver verifies a delivery."""
        if request.method != "GET":
            return HttpResponse(status=405, headers={"Allow": "GET"})
        endpoint = self.get_object(request, unquote(object_id))  # scoped to the admin's orgs
        if endpoint is None or not self.has_change_permission(request, endpoint):
            raise Http404("endpoint")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "endpoint": endpoint,
            "title": gettext("Signing secret"),
            "subtitle": str(endpoint),
        }
        return TemplateResponse(request, "webhooks/secret.html", context)


class WebhookDeliveryAdmin(TenantAdmin):
    """The delivery log: read only; redeliver sends a delivery again."""

    list_display = (
        "created_at",
        "event_shown",
        "endpoint",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type", ("endpoint", admin.RelatedOnlyFieldListFilter))
    search_fields = ("message_id",)
    list_select_related = ("endpoint",)
    actions = ["redeliver"]

    class Media:
        css = {"all": ("webhooks/manage.css",)}

    fields = (
        "endpoint",
        "event_shown",
        "message_id",
        "status",
        "attempts",
        "last_response_code",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "attempts_shown",
        "payload_shown",
    )
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="event_type")
    def event_shown(self, obj: WebhookDelivery) -> str:
        return event_label(obj.event_type)

    @admin.display(description=_("attempts made"))
    def attempts_shown(self, obj: WebhookDelivery) -> str:
        rows = []
        for entry in obj.attempt_log or []:
            at = entry.get("at") or ""
            with contextlib.suppress(TypeError, ValueError):
                at = date_format(timezone.localtime(datetime.fromisoformat(at)), "DATETIME_FORMAT")
            error = entry.get("error") or ""
            rows.append(
                (at, entry.get("code") or "–", entry.get("ms", ""), f" · {error}" if error else "")
            )
        if not rows:
            return gettext("No attempt yet.")
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{} · {} · {} ms{}</li>", rows),
        )

    @admin.display(description=_("payload"))
    def payload_shown(self, obj: WebhookDelivery) -> str:
        text = json.dumps(obj.payload, ensure_ascii=False, indent=2)
        return format_html('<pre class="manage-payload">{}</pre>', text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None)

    @admin.action(description=_("Redeliver"), permissions=["redeliver"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        n = services.deliveries_redeliver(queryset)
        self.message_user(
            request,
            ngettext(
                "%(n)d delivery was queued again.",
                "%(n)d deliveries were queued again.",
                n,
            )
            % {"n": n},
        )


manage_site.register(WebhookEndpoint, WebhookEndpointAdmin)
manage_site.register(WebhookDelivery, WebhookDeliveryAdmin)
admin.site.register(WebhookEndpoint)
admin.site.register(WebhookDelivery)
