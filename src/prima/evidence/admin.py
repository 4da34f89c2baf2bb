"""``/manage/``: an organization's evidence photo settings (keep location metadata or not)."""

from django.contrib import admin

from prima.evidence.models import EvidenceSettings
from prima.organizations.manage_site import TenantAdmin, manage_site


@admin.register(EvidenceSettings, site=manage_site)
class EvidenceSettingsAdmin(TenantAdmin):
    list_display = ("organization", "keep_location")
    fields = ("organization", "keep_location")
