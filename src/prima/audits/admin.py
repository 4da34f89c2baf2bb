"""The audits in ``/manage/`` (issue 13): the admins of an organization read its audits, their
answers and scores. Read-only: an audit is recorded by :func:`prima.audits.services.
audit_record` (its form is at ``/app/audit/``), and it is evidence, so nobody edits it.

Also the audit plans with their assignments and progress (done / target), and the mystery
shoppers' accounts (made here; they hold no role)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prima.audits.models import (
    Audit,
    AuditAnswer,
    AuditAssignment,
    AuditPlan,
    ChecklistVersion,
    MysteryShopper,
)
from prima.audits.planning import (
    assignment_kind,
    auditor_choices,
    mystery_shopper_create,
    plan_errors,
)
from prima.audits.selectors import audit_scores
from prima.audits.services import AuditError, builtin_checklist_version
from prima.i18n import normalize_language
from prima.metrics.rounding import format_number
from prima.organizations.manage_site import TenantAdmin, admin_organizations, manage_site


class AuditAnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AuditAnswer
    fields = ("line_id", "line_text", "answer")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # shown within an audit that AuditAdmin (TenantAdmin) already let the user see
        return bool(self.admin_site.has_permission(request))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("line"))
    def line_text(self, obj: AuditAnswer) -> str:
        try:
            line = obj.audit.checklist_version.parsed.line(obj.line_id)
        except KeyError:
            return ""
        return line.text[normalize_language(get_language())]


class AuditAdmin(TenantAdmin):
    list_display = ("observed_at", "unit", "staff_member", "kind", "score_shown", "verdict")
    list_filter = ("kind", "verdict")
    search_fields = ("unit__name", "staff_member__name")
    date_hierarchy = "observed_at"
    fields = (
        "unit",
        "staff_member",
        "service",
        "auditor",
        "kind",
        "observed_at",
        "checklist_version",
        "score_shown",
        "scores_per_a",
        "verdict",
        "critical_failures",
        "pass_mark",
        "assignment",
        "note",
    )
    readonly_fields = fields
    inlines = (AuditAnswerInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "staff_member", "service", "auditor", "checklist_version")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, obj: Audit) -> str:
        """The overall score, half-up to 2 decimals, as the language writes numbers."""
        if obj.score is None:
            return "-"
        return format_number(obj.score, 2, normalize_language(get_language())) + " %"

    @admin.display(description=_("scores per A"))
    def scores_per_a(self, obj: Audit) -> str:
        lang = normalize_language(get_language())
        texts = obj.checklist_version.parsed.a_texts
        parts = []
        for a, score in audit_scores(obj).per_a.items():
            name = texts.get(a, {}).get(lang, a)
            shown = "-" if score.percent is None else format_number(score.percent, 2, lang) + " %"
            parts.append(f"{name}: {shown}")
        return "; ".join(parts)


manage_site.register(Audit, AuditAdmin)


# -- plans and assignments (issue 13 point 2) ---------------------------------------------------
class AuditPlanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AuditPlan
        fields = ("organization", "unit", "period", "target", "checklist_version")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organization = data.get("organization")
        if organization is not None:
            errors = plan_errors(
                organization=organization,
                unit=data.get("unit"),
                period=data.get("period"),
                target=data.get("target"),
            )
            for key, message in errors.items():
                if key not in self.errors:
                    self.add_error(key, message)
            version = data.get("checklist_version")
            if version is not None and version.checklist.organization_id not in (
                None,
                organization.pk,
            ):
                self.add_error("checklist_version", _("unknown checklist"))
        return data


class AssignmentFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        plan = self.instance
        if getattr(plan, "unit_id", None) is None or getattr(plan, "organization_id", None) is None:
            return
        for form in self.forms:
            auditor = form.cleaned_data.get("auditor") if hasattr(form, "cleaned_data") else None
            if auditor is None or form.cleaned_data.get("DELETE"):
                continue
            try:
                form.instance.kind = assignment_kind(plan, auditor)
            except AuditError as exc:
                form.add_error("auditor", exc.errors.get("auditor", str(exc)))


class AssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AuditAssignment
    formset = AssignmentFormSet
    fields = ("auditor", "count", "kind", "done")
    readonly_fields = ("kind", "done")
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.admin_site.has_permission(request))

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission  # type: ignore[assignment]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "auditor":
            users = get_user_model().objects.none()
            for organization in admin_organizations(request):
                users = users | auditor_choices(organization)
            kwargs["queryset"] = users.distinct().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("done"))
    def done(self, obj: AuditAssignment) -> str:
        return str(obj.audits.count()) if obj.pk else "-"


class AuditPlanAdmin(TenantAdmin):
    form = AuditPlanForm
    list_display = ("unit", "period", "target", "progress")
    list_filter = ("period",)
    search_fields = ("unit__name",)
    inlines = (AssignmentInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("unit")
            .annotate(done=Count("assignments__audits"))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "checklist_version":
            kwargs["queryset"] = ChecklistVersion.objects.filter(
                Q(checklist__organization__isnull=True)
                | Q(checklist__organization__in=admin_organizations(request))
            ).select_related("checklist")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("checklist_version", builtin_checklist_version().pk)
        return initial

    @admin.display(description=_("progress (done / target)"))
    def progress(self, obj: AuditPlan) -> str:
        return f"{getattr(obj, 'done', 0)} / {obj.target}"

    def save_model(self, request: HttpRequest, obj: AuditPlan, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for item in formset.save(commit=False):
            item.organization = form.instance.organization
            item.kind = assignment_kind(form.instance, item.auditor)
            item.save()
        for gone in formset.deleted_objects:
            gone.delete()


# -- mystery shoppers ----------------------------------------------------------------------------
class MysteryShopperCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    username = forms.CharField(label=_("Username"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    class Meta:
        model = MysteryShopper
        fields = ("organization",)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This username is taken."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class MysteryShopperAdmin(TenantAdmin):
    """An external auditor's account: made here, it holds no role (see prima.audits.gate)."""

    list_display = ("user", "organization", "created_at")
    search_fields = ("user__username", "user__first_name")
    fields = ("organization", "user", "created_at")
    readonly_fields = ("user", "created_at")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = MysteryShopperCreationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("organization", "username", "name", "password1", "password2")
        return self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("organization", "user", "created_at") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        made = mystery_shopper_create(
            organization=data["organization"],
            username=data["username"],
            password=data["password1"],
            name=data.get("name", ""),
        )
        obj.pk, obj.user_id, obj.created_at = made.pk, made.user_id, made.created_at
        obj._state.adding = False


manage_site.register(AuditPlan, AuditPlanAdmin)
manage_site.register(MysteryShopper, MysteryShopperAdmin)
