"""The follow-up plan in ``/manage/``: organization admins edit their own plan lines only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prima.insights.models import FollowUpAction, PublishedResult, element_choices
from prima.insights.public_views import embed_urls
from prima.insights.publication import result_publish, result_unpublish
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


def ikm_surveys(request: HttpRequest) -> list[Survey]:
    """The SKM (IKM) surveys of the organizations the user administers."""
    surveys = Survey.objects.filter(organization__in=admin_organizations(request)).select_related(
        "instrument_version"
    )
    return [s for s in surveys if s.instrument_version.parsed.kind == "ikm"]


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
        label=_("Element"),
        choices=[("", "---------"), *((c, f"{n} ({c})") for c, n in seen.items())],
        help_text=_("The element followed up; start with the element with the lowest NRR."),
    )


class FollowUpActionAdmin(TenantAdmin):
    form = FollowUpActionForm
    list_display = ("period", "survey", "unit", "element", "owner", "deadline", "status")
    list_filter = ("status", "period")
    search_fields = ("element", "problem", "action", "owner")

    def _ikm_surveys(self, request: HttpRequest) -> list[Survey]:
        return ikm_surveys(request)

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


# -- publication of results on the public page /hasil/<slug>/ ----------------------------------
class PublishedResultForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PublishedResult
        fields = ("organization", "survey", "period", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 80})}


class PublishedResultAdmin(TenantAdmin):
    """Publishing a survey period makes its IKM, per unit and service, and its follow-up plan
    public; deleting the row unpublishes it. Writes go through :mod:`prima.insights.publication`."""

    form = PublishedResultForm
    list_display = ("survey", "period", "published_at", "published_by", "public_page")
    list_filter = ("period",)
    change_form_template = "insights/admin/publishedresult_change_form.html"
    change_list_template = "insights/admin/publishedresult_change_list.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("published_at", "published_by")
        return ("organization", "survey", "period", "published_at", "published_by")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("organization", "survey", "period", "note")
        return ("organization", "survey", "period", "note", "published_at", "published_by")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "survey" and field is not None:  # SKM surveys of the admin's orgs
            field.queryset = Survey.objects.filter(pk__in=[s.pk for s in ikm_surveys(request)])
            field.help_text = _(
                "This period's results (IKM per unit and service, mutu, follow-up plan) show on "
                "the public page. Those responsible in the follow-up plan show too: write a "
                "position, not a person's name."
            )
        return field

    @admin.display(description=_("Public page"))
    def public_page(self, obj: PublishedResult) -> str:
        url = reverse("public_results:page", args=[obj.organization.slug])
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = result_publish(
            survey=obj.survey, period=obj.period, user=request.user, note=obj.note
        )
        obj.pk, obj.published_at, obj.published_by = (
            saved.pk,
            saved.published_at,
            saved.published_by,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        result_unpublish(survey=obj.survey, period=obj.period)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset.select_related("survey"):
            result_unpublish(survey=obj.survey, period=obj.period)

    def _public_links(self, request: HttpRequest, organizations: Any) -> list[dict[str, str]]:
        out = []
        for organization in organizations:
            page, embed, snippet = embed_urls(request, organization)
            out.append(
                {"name": organization.name, "page": page, "embed": embed, "snippet": snippet}
            )
        return out

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {"public_links": self._public_links(request, admin_organizations(request))}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        obj = self.get_object(request, object_id)
        extra = {}
        if obj is not None and self.has_view_permission(request, obj):
            extra = {"public_links": self._public_links(request, [obj.organization])}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})


manage_site.register(PublishedResult, PublishedResultAdmin)
admin.site.register(PublishedResult)
