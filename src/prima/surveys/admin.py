"""Management of instruments and surveys (``/manage/``)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ManyToManyField, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prima.abuse.admin import SurveyTokensAdmin
from prima.instruments import InstrumentError
from prima.instruments.model import parse_instrument
from prima.organizations.manage_site import TenantAdmin, admin_organizations, manage_site
from prima.surveys.models import Instrument, InstrumentVersion, Response, Survey
from prima.surveys.response_text import TEXT_FIELDS, displayable_data
from prima.surveys.services import instrument_revise, response_include_flagged, responses_delete


class InstrumentForm(forms.ModelForm):  # type: ignore[type-arg]
    definition = forms.CharField(
        label=_("Definition"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text="JSON",
    )

    class Meta:
        model = Instrument
        fields = ("organization", "key", "title")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.latest():
            self.initial["definition"] = json.dumps(
                self.instance.latest().definition, ensure_ascii=False, indent=2
            )

    def clean_definition(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["definition"])
            parse_instrument(data, source="definition")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Invalid JSON (line %(line)s, column %(column)s): %(message)s")
                % {"line": exc.lineno, "column": exc.colno, "message": exc.msg}
            ) from None
        except InstrumentError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data  # type: ignore[no-any-return]


class InstrumentAdmin(TenantAdmin):
    form = InstrumentForm
    list_display = ("title", "key")

    def save_model(self, request: HttpRequest, obj: Instrument, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        instrument_revise(instrument=obj, definition=form.cleaned_data["definition"])


AUDIENCE_LABELS = {"external": _("customers"), "internal": _("employees")}


class InstrumentVersionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An instrument version named with who answers it: the one survey form creates customer
    and employee surveys alike, so each choice says which it makes."""

    def label_from_instance(self, obj: InstrumentVersion) -> str:
        return f"{obj} ({AUDIENCE_LABELS[obj.parsed.audience]})"


class SurveyForm(forms.ModelForm):  # type: ignore[type-arg]
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        version = data.get("instrument_version")
        if version is None:
            return data
        internal = version.parsed.audience == "internal"
        if internal and data.get("requires_token"):
            self.add_error(
                "requires_token",
                _(
                    "An employee survey is anonymous: single-use tokens would link a response "
                    "to its token."
                ),
            )
        old = self.instance
        if (
            old.pk
            and old.instrument_version_id != version.pk
            and old.is_employee != internal
            and old.responses.exists()
        ):
            # stored rows keep what their audience allowed (an employee survey's are anonymous)
            self.add_error(
                "instrument_version",
                _(
                    "This survey has responses: choose an instrument for the same respondents "
                    "(customers or employees)."
                ),
            )
        return data


class SurveyAdmin(SurveyTokensAdmin, TenantAdmin):
    form = SurveyForm
    list_display = ("title", "code", "status", "instrument_version")
    list_filter = ("status",)
    readonly_fields = ("code",)
    fields = (
        "organization",
        "title",
        "code",
        "instrument_version",
        "units",
        "services",
        "status",
        "starts_on",
        "ends_on",
        "ask_profile",
        "requires_token",
        "form_mode",
    )
    # checkboxes, each with its label: Django's two-box filter widget puts aria-label on a bare
    # <span> (axe aria-prohibited-attr, serious) and is cramped on a phone
    formfield_overrides = {ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "instrument_version":
            orgs = admin_organizations(request)
            kwargs["queryset"] = InstrumentVersion.objects.filter(
                Q(instrument__organization__in=orgs) | Q(instrument__organization__isnull=True)
            ).select_related("instrument")
            kwargs["form_class"] = InstrumentVersionChoice
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Survey, form: Any, change: bool) -> None:
        if not obj.channels:
            obj.channels = ["web", "qr"]
        super().save_model(request, obj, form, change)


EMPLOYEE_RESPONSE_FIELDS = ("survey", "unit", "channel", "submitted_at", "flag", "flag_included")
"""What a management page shows of an employee survey's response: where and on which day it
arrived and its review state, never its answers, profile, suggestion or ids (issue 12)."""


class EmployeeAnswersHidden(admin.ModelAdmin):  # type: ignore[type-arg]
    """A response of an employee survey is shown without its answers, read-only."""

    def _employee(self, obj: Any) -> bool:
        return obj is not None and obj.survey.is_employee

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self._employee(obj):
            return EMPLOYEE_RESPONSE_FIELDS
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self._employee(obj):
            return EMPLOYEE_RESPONSE_FIELDS
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._employee(obj):
            return False
        return super().has_change_permission(request, obj)


class ResponseAdmin(EmployeeAnswersHidden, TenantAdmin):
    """Responses are read-only; flagged ones (suspect: honeypot, too fast, rate limits, kiosk
    interval) are reviewed here and included in the indices, or left out again."""

    list_display = (
        "id",
        "survey",
        "unit",
        "channel",
        "submitted_at",
        "flag",
        "flag_detail_shown",
        "flag_included",
    )
    list_filter = (
        "flag",
        "flag_included",
        "channel",
        ("survey", admin.RelatedOnlyFieldListFilter),  # only the admin's own surveys
    )
    readonly_fields = [f.name for f in Response._meta.fields]
    actions = ["include_in_indices", "exclude_from_indices"]

    @admin.display(description=Response._meta.get_field("flag_detail").verbose_name)
    def flag_detail_shown(self, obj: Response) -> str:
        return displayable_data(obj.flag_detail)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """The response with its text as it can be shown (a row stored before submissions
        were checked may hold a lone surrogate, which no page can encode); read-only here."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            for name in TEXT_FIELDS:
                setattr(obj, name, displayable_data(getattr(obj, name)))
        return obj

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        responses_delete(responses=Response.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        responses_delete(responses=queryset)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None)

    @admin.action(description=_("Include in the indices"), permissions=["review"])
    def include_in_indices(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        n = response_include_flagged(responses=queryset, include=True)
        message = ngettext(
            "%(count)s flagged response now counts in the indices.",
            "%(count)s flagged responses now count in the indices.",
            n,
        )
        self.message_user(request, message % {"count": n})

    @admin.action(description=_("Leave out of the indices"), permissions=["review"])
    def exclude_from_indices(self, request: HttpRequest, queryset: QuerySet[Response]) -> None:
        n = response_include_flagged(responses=queryset, include=False)
        message = ngettext(
            "%(count)s flagged response is no longer counted.",
            "%(count)s flagged responses are no longer counted.",
            n,
        )
        self.message_user(request, message % {"count": n})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Response]:
        return super().get_queryset(request).select_related("survey", "unit")


manage_site.register(Instrument, InstrumentAdmin)
manage_site.register(Survey, SurveyAdmin)
manage_site.register(Response, ResponseAdmin)

for model in (Instrument, InstrumentVersion, Survey):
    admin.site.register(model)
admin.site.register(Response, EmployeeAnswersHidden)
