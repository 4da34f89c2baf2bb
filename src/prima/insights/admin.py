"""The follow-up plan in ``/manage/``: organization admins edit their own plan lines only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from prima.insights.models import FollowUpAction, element_choices
from prima.organizations.manage_site import TenantAdmin, admin_organizations, manage_site
from prima.surveys.models import Survey


class FollowUpActionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FollowUpAction
        fields = (
            "organization",
            "survey",
            "unit",
            "period",
            "element",
            "problem",
            "action",
            "owner",
            "deadline",
            "status",
        )
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "action": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }


def _element_field(surveys: list[Survey], current: str | None) -> forms.ChoiceField:
    """A choice of the unsur of the given SKM surveys (the model checks it fits the survey)."""
    seen: dict[str, str] = {}
    for survey in surveys:
        try:
            for code, name in element_choices(survey):
                seen.setdefault(code, name)
        except Exception:  # an instrument that no longer parses: leave it out of the list
            continue
    if current and current not in seen:
        seen[current] = current
    return forms.ChoiceField(
        label="Unsur",
        choices=[("", "---------"), *((c, f"{n} ({c})") for c, n in seen.items())],
        help_text="Unsur yang ditindaklanjuti; mulailah dari unsur dengan NRR terendah.",
    )


class FollowUpActionAdmin(TenantAdmin):
    form = FollowUpActionForm
    list_display = ("period", "survey", "unit", "element", "owner", "deadline", "status")
    list_filter = ("status", "period")
    search_fields = ("element", "problem", "action", "owner")

    def _ikm_surveys(self, request: HttpRequest) -> list[Survey]:
        surveys = Survey.objects.filter(
            organization__in=admin_organizations(request)
        ).select_related("instrument_version")
        return [s for s in surveys if s.instrument_version.parsed.kind == "ikm"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["element"] = _element_field(
            self._ikm_surveys(request), obj.element if obj else None
        )
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "survey" and field is not None:  # SKM surveys of the admin's orgs
            field.queryset = Survey.objects.filter(
                pk__in=[s.pk for s in self._ikm_surveys(request)]
            )
        return field


manage_site.register(FollowUpAction, FollowUpActionAdmin)
admin.site.register(FollowUpAction)
