"""Alert rules and raised alerts in ``/manage/``, scoped to the admin's organizations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from prima.alerts.models import Alert, AlertRule
from prima.organizations.manage_site import TenantAdmin, manage_site


class AlertRuleAdmin(TenantAdmin):
    list_display = (
        "__str__",
        "organization",
        "active",
        "ikm_threshold",
        "gap_alert",
        "nps_threshold",
        "drop_alert",
        "min_responses",
    )
    list_filter = ("active",)
    fields = (
        "organization",
        "survey",
        "active",
        "ikm_threshold",
        "gap_alert",
        "nps_threshold",
        "drop_alert",
        "min_responses",
    )


class AlertAdmin(TenantAdmin):
    """Raised alerts are a record: viewed and, to raise one again, deleted; never edited."""

    list_display = ("created_at", "survey", "unit", "period", "kind", "metric", "value")
    list_filter = ("kind", "metric", "period")
    search_fields = ("unit__name", "survey__title", "period", "message")
    readonly_fields = (
        "organization",
        "survey",
        "unit",
        "period",
        "kind",
        "metric",
        "value",
        "previous_period",
        "previous_value",
        "responses",
        "message",
        "detail",
        "created_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


manage_site.register(AlertRule, AlertRuleAdmin)
manage_site.register(Alert, AlertAdmin)
admin.site.register(AlertRule)
admin.site.register(Alert)
