"""Kiosk devices in ``/manage/``: register a tablet for a survey and a unit, show its one-time
pairing link once, revoke it; scoped to the admin's organizations like every TenantAdmin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prima.collection.kiosks import kiosk_register, kiosk_revoke
from prima.collection.models import KioskDevice
from prima.collection.qr import qr_svg_inline
from prima.organizations.manage_site import TenantAdmin, manage_site


class KioskDeviceForm(forms.ModelForm):  # type: ignore[type-arg]
    min_interval_seconds = forms.IntegerField(
        label=gettext_lazy("Minimum interval between submissions (seconds)"),
        min_value=0,
        max_value=3600,
        initial=15,
        help_text=gettext_lazy(
            "Answers given closer together than this are flagged for review (0 = off)."
        ),
    )
    idle_reset_seconds = forms.IntegerField(
        label=gettext_lazy("Back to the start after idling (seconds)"),
        min_value=5,
        max_value=3600,
        initial=45,
        help_text=gettext_lazy(
            "An unfinished answer is discarded when the tablet is not touched for this long."
        ),
    )

    class Meta:
        model = KioskDevice
        fields = (
            "survey",
            "unit",
            "name",
            "min_interval_seconds",
            "idle_reset_seconds",
            "ask_staff",
        )
        labels = {
            "survey": gettext_lazy("Survey"),
            "unit": gettext_lazy("Unit"),
            "name": gettext_lazy("Device name"),
        }
        help_texts = {
            "unit": gettext_lazy(
                "A unit of the survey or a unit below it (e.g. a counter) where the tablet stands."
            ),
            "ask_staff": gettext_lazy(
                "Respondents may choose the staff member who served them (optional)."
            ),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        survey = cleaned.get("survey") or (self.instance.survey if self.instance.pk else None)
        unit = cleaned.get("unit")
        if survey is not None and unit is not None:
            if unit.organization_id != survey.organization_id:
                self.add_error(
                    "unit", _("The unit must belong to the same organization as the survey.")
                )
            elif not any(unit.path.startswith(u.path) for u in survey.units.all()):
                self.add_error(
                    "unit",
                    _(
                        "This unit is not part of the survey: choose a unit of the survey or a "
                        "unit below it."
                    ),
                )
        return cleaned


class KioskStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("active", _("Active")),
            ("waiting", _("Waiting to be paired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, pairing_code__isnull=True)
        if self.value() == "waiting":
            return queryset.filter(revoked_at__isnull=True, pairing_code__isnull=False)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


def _when(value: datetime | None, empty: str) -> str:
    return date_format(timezone.localtime(value), "j M Y H:i") if value else empty


class KioskDeviceAdmin(TenantAdmin):
    form = KioskDeviceForm
    list_display = (
        "device_name",
        "unit",
        "survey_title",
        "status",
        "last_seen",
        "last_answer",
        "registered",
    )
    list_filter = (KioskStatusFilter,)
    search_fields = ("name", "unit__name")
    actions = ["revoke"]
    ordering = ("-created_at",)

    @admin.display(description=gettext_lazy("Device name"), ordering="name")
    def device_name(self, obj: KioskDevice) -> str:
        return obj.name

    @admin.display(description=gettext_lazy("Status"))
    def status(self, obj: KioskDevice) -> str:
        if obj.revoked_at is not None:
            return _("Revoked %(when)s") % {"when": _when(obj.revoked_at, "")}
        if obj.pairing_code:
            return _("Waiting to be paired")
        return _("Active")

    @admin.display(description=gettext_lazy("Survey"), ordering="survey__title")
    def survey_title(self, obj: KioskDevice) -> str:
        return obj.survey.title

    @admin.display(description=gettext_lazy("Last online"), ordering="last_seen_at")
    def last_seen(self, obj: KioskDevice) -> str:
        return _when(obj.last_seen_at, _("never"))

    @admin.display(description=gettext_lazy("Last answer"), ordering="last_answered_at")
    def last_answer(self, obj: KioskDevice) -> str:
        return _when(obj.last_answered_at, _("none yet"))

    @admin.display(description=gettext_lazy("Registered"), ordering="created_at")
    def registered(self, obj: KioskDevice) -> str:
        return _when(obj.created_at, "")

    INFO = ("status", "registered", "last_seen", "last_answer")

    def get_fields(self, request: HttpRequest, obj: KioskDevice | None = None) -> Any:
        fields = list(KioskDeviceForm.Meta.fields)
        if obj is None:
            return fields
        # the tablet keeps the survey it was paired for; register a new device for another one
        return ["survey_title", *fields[1:], *self.INFO]

    def get_readonly_fields(self, request: HttpRequest, obj: KioskDevice | None = None) -> Any:
        return () if obj is None else ("survey_title", *self.INFO)

    def save_model(self, request: HttpRequest, obj: KioskDevice, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        if not self._orgs(request).filter(pk=obj.survey.organization_id).exists():
            raise PermissionDenied
        device, pairing = kiosk_register(
            survey=obj.survey,
            unit=obj.unit,
            name=obj.name,
            min_interval_seconds=obj.min_interval_seconds,
            idle_reset_seconds=obj.idle_reset_seconds,
            ask_staff=obj.ask_staff,
        )
        # the admin carries on with ``obj`` (log entry, redirect): make it the stored device
        for field in KioskDevice._meta.concrete_fields:
            setattr(obj, field.attname, getattr(device, field.attname))
        obj._state.adding = False
        obj._state.db = device._state.db
        url = request.build_absolute_uri(reverse("kiosk:pair", args=[pairing]))
        messages.success(
            request,
            format_html(
                '<span class="kiosk-pairing">{intro} '
                '<a href="{url}" id="kiosk-pairing-link"><code>{url}</code></a>. {then}'
                '<span class="kiosk-pairing-qr">{qr}</span></span>',
                intro=_("Pairing link for “%(name)s” (one use, shown only now):")
                % {"name": device.name},
                then=_("Open this link on that tablet, or scan this QR code with its camera."),
                url=url,
                qr=mark_safe(qr_svg_inline(url)),  # segno builds this markup from the URL
            ),
        )

    @admin.action(description=gettext_lazy("Revoke devices"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[KioskDevice]) -> None:
        devices = list(queryset.filter(revoked_at__isnull=True))
        for device in devices:
            kiosk_revoke(device=device)
        self.message_user(
            request,
            ngettext(
                "%(count)s device revoked; its answers are no longer accepted.",
                "%(count)s devices revoked; their answers are no longer accepted.",
                len(devices),
            )
            % {"count": len(devices)},
            messages.SUCCESS,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[KioskDevice]:
        return super().get_queryset(request).select_related("unit", "survey")


manage_site.register(KioskDevice, KioskDeviceAdmin)


def old_admin_url(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """``/manage/surveys/kioskdevice/...``, where kiosk devices were managed before they moved
    to this app (ADR 0004): the same page at its new address, with its query string; a form
    sent to the old address is sent on with its method and body (308)."""
    target = reverse("manage:collection_kioskdevice_changelist") + rest
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return redirect(target, permanent=True, preserve_request=True)
