"""``/manage/``: the days an organization's admin closes or opens, and the year's calendar.

The list of calendar days shows above it, per organization the user administers, the year's
weekdays off (national holidays; *cuti bersama* for a government organization) and the admin's
own days, from :func:`prima.organizations.calendar.calendar_for`, so an admin sees what the
deadlines of complaints skip (``/work/shared/domain/complaints.md``, "Working days").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prima import formats
from prima.organizations.calendar import calendar_for, local_date
from prima.organizations.choices import OrganizationKind, TimeZone
from prima.organizations.manage_site import TenantAdmin, admin_organizations
from prima.organizations.models import CalendarDay, Organization
from prima.storable_text import unstorable_character

SOURCE_LABELS = {
    "holiday": _("National holiday"),
    "cuti_bersama": _("Cuti bersama"),
    "closed": _("Closed"),
    "opened": _("Opened"),
}
SOURCE_TONES = {"holiday": "info", "cuti_bersama": "info", "closed": "warning", "opened": "success"}
YEAR_PARAM = "date__year"  # the date hierarchy's own parameter: the list and the overview agree


class CalendarDayForm(forms.ModelForm):  # type: ignore[type-arg]
    working = forms.TypedChoiceField(
        label=_("This day is"),
        choices=[
            (False, _("closed: not a working day (a local holiday, an office closure)")),
            (True, _("opened: a working day (a holiday or a weekend day the office works)")),
        ],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CalendarDay
        fields = ("organization", "date", "working", "name")
        help_texts = {
            "name": _("Shown in the calendar, e.g. the city's anniversary."),
            "date": _("Due dates of cases received from now on skip or count this day."),
        }

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name") or "").strip()
        if unstorable_character(name):
            raise forms.ValidationError(_("This text contains a character that cannot be stored."))
        return name


class CalendarDayAdmin(TenantAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "decision", "name", "organization_name")
    list_filter = ("working",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)
    change_list_template = "organizations/admin/calendarday_change_list.html"

    @admin.display(description=_("Day"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.display(description=_("Organization"), ordering="organization__name")
    def organization_name(self, obj: CalendarDay) -> str:
        return obj.organization.name

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("organization")

    @admin.display(description=_("This day is"), ordering="working")
    def decision(self, obj: CalendarDay) -> str:
        return str(SOURCE_LABELS["opened" if obj.working else "closed"])

    def _year(self, request: HttpRequest, organizations: list[Organization]) -> int:
        raw = request.GET.get(YEAR_PARAM, "")
        if raw.isascii() and raw.isdigit() and 1900 <= int(raw) <= 2200:
            return int(raw)
        if organizations:
            return local_date(organizations[0], timezone.now()).year
        return timezone.localdate().year

    def _overview(self, organization: Organization, year: int) -> dict[str, Any]:
        lang = formats.lang_of(get_language())
        admin_names = dict(
            CalendarDay.objects.filter(organization=organization, date__year=year)
            .exclude(name="")
            .values_list("date", "name")
        )
        rows = []
        for entry in calendar_for(organization).entries(year, lang):
            rows.append(
                {
                    "date": formats.day_label(entry.date, lang),
                    "weekday": WEEKDAYS[entry.date.weekday()],
                    "name": admin_names.get(entry.date) or entry.name,
                    "source": SOURCE_LABELS[entry.source],
                    "tone": SOURCE_TONES[entry.source],
                    "working": entry.working,
                }
            )
        return {
            "organization": organization,
            "government": organization.kind == OrganizationKind.GOVERNMENT,
            "zone": dict(TimeZone.choices).get(organization.zone_name, organization.zone_name),
            "rows": rows,
        }

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        organizations = list(admin_organizations(request))
        year = self._year(request, organizations)
        extra = {
            "calendar_year": year,
            "calendar_years": [
                (y, f"?{YEAR_PARAM}={y}") for y in (year - 1, year + 1) if 1900 <= y <= 2200
            ],
            "calendars": [self._overview(o, year) for o in organizations],
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})
