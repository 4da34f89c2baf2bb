"""The audits in ``/manage/`` (issue 13): the admins of an organization read its audits, their
answers and scores. Read-only: an audit is recorded by :func:`prima.audits.services.
audit_record` (its form is at ``/app/audit/``), and it is evidence, so nobody edits it.

Also the audit plans with their assignments and progress (done / target), the mystery
shoppers' accounts (made here; they hold no role), and the organization's own checklists (a
shop's, a bank teller's; issue 13 point 1) as JSON, each save storing a version."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Count, Max, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from prima.audit_checklists import AuditChecklist, ChecklistError, parse_checklist
from prima.audit_checklists.model import BUILTIN_PACKAGE
from prima.audits.models import (
    Audit,
    AuditAnswer,
    AuditAssignment,
    AuditPlan,
    Checklist,
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
from prima.audits.services import AuditError, builtin_checklist_version, checklist_save
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


# -- an organization's own checklists (issue 13 point 1) ----------------------------------------
STARTER_CODE = "a6-own"


def starter_definition() -> dict[str, Any]:
    """A new checklist's starting point: the built-in A6 checklist under its own code."""
    text = resources.files(BUILTIN_PACKAGE).joinpath("a6.json").read_text("utf-8")
    return {**json.loads(text), "code": STARTER_CODE, "version": 1}


class ChecklistForm(forms.ModelForm):  # type: ignore[type-arg]
    """A checklist's JSON (:mod:`prima.audit_checklists`), stored by
    :func:`prima.audits.services.checklist_save` as one version.

    The version is stored in :meth:`clean`, so that a refusal of ``checklist_save`` (the same
    version number with other contents) is shown at the field; it writes nothing when it
    refuses, and the admin's change form view runs in one transaction."""

    definition = forms.CharField(
        label=_("Definition"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text=_(
            "JSON. Give a changed checklist a new version number: audits keep the version "
            "they were answered on."
        ),
    )

    class Meta:
        model = Checklist
        fields = ("organization",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = self.instance.versions.order_by("-number").first() if self.instance.pk else None
        definition = latest.definition if latest is not None else starter_definition()
        self.initial["definition"] = json.dumps(definition, ensure_ascii=False, indent=2)
        self.parsed: AuditChecklist | None = None
        self.stored: ChecklistVersion | None = None

    def clean_definition(self) -> Any:
        try:
            data = json.loads(self.cleaned_data["definition"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Invalid JSON (line %(line)s, column %(column)s): %(message)s")
                % {"line": exc.lineno, "column": exc.colno, "message": exc.msg}
            ) from None
        try:
            self.parsed = parse_checklist(data, source="definition")
        except ChecklistError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.instance.pk and self.parsed.code != self.instance.code:
            raise forms.ValidationError(
                _(
                    'The code stays "%(code)s": a checklist with another code is another '
                    "checklist (add it as a new one)."
                )
                % {"code": self.instance.code}
            )
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organization = self.instance.organization if self.instance.pk else data.get("organization")
        if self.errors or organization is None or self.parsed is None:
            return data
        if (
            not self.instance.pk
            and Checklist.objects.filter(organization=organization, code=self.parsed.code).exists()
        ):
            self.add_error(
                "definition",
                _(
                    'This organization has a checklist with the code "%(code)s" already: open it '
                    "to store a new version."
                )
                % {"code": self.parsed.code},
            )
            return data
        try:
            self.stored = checklist_save(organization=organization, definition=data["definition"])
        except AuditError as exc:
            for message in exc.errors.values():
                self.add_error("definition", message)
        return data


class ChecklistAdmin(TenantAdmin):
    """An organization's own checklists; the built-in ones (no organization) are not listed
    here (they change only with the software; a new checklist starts as a copy of A6)."""

    form = ChecklistForm
    list_display = ("code", "title", "versions_count", "latest_version")
    search_fields = ("code", "title")
    ordering = ("code",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .annotate(version_count=Count("versions"), latest=Max("versions__number"))
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("organization", "definition")
        return ("organization", "code", "title", "versions_shown", "definition")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("organization", "code", "title", "versions_shown") if obj is not None else ()

    @admin.display(description=_("versions"), ordering="version_count")
    def versions_count(self, obj: Checklist) -> int:
        return int(getattr(obj, "version_count", 0))

    @admin.display(description=_("latest version"), ordering="latest")
    def latest_version(self, obj: Checklist) -> str:
        latest = getattr(obj, "latest", None)
        return "-" if latest is None else f"v{latest}"

    @admin.display(description=_("stored versions"))
    def versions_shown(self, obj: Checklist) -> str:
        rows = obj.versions.annotate(n=Count("audits")).order_by("number")
        return "; ".join(
            f"v{v.number}: " + ngettext("%(count)s audit", "%(count)s audits", v.n) % {"count": v.n}
            for v in rows
        )

    def save_model(self, request: HttpRequest, obj: Checklist, form: Any, change: bool) -> None:
        """The version was stored by the form (:meth:`ChecklistForm.clean`): the page goes on
        with its checklist."""
        obj.pk = form.stored.checklist_id
        obj.refresh_from_db()
        obj._state.adding = False


manage_site.register(Checklist, ChecklistAdmin)
