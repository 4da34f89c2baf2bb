"""User accounts in the management site: an organization admin creates accounts for their
own organization (with a first role) and sees only accounts that hold a role there."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prima.organizations import services
from prima.organizations.choices import Role
from prima.organizations.manage_site import admin_organizations, manage_site
from prima.organizations.models import Membership, Organization, Unit

User = get_user_model()


class AccountCreationForm(UserCreationForm):  # type: ignore[type-arg]
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit"),
        help_text=_("Empty: the whole organization."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, org = data.get("unit"), data.get("organization")
        if unit is not None and org is not None and unit.organization_id != org.pk:
            raise forms.ValidationError(_("The unit does not belong to the chosen organization."))
        return data


class AccountChangeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "is_active")


class MembershipInline(admin.StackedInline):  # type: ignore[type-arg]
    """Stacked: each field with its own label (a tabular inline leaves its selects unnamed for
    screen readers, axe "select-name")."""

    model = Membership
    extra = 0
    fields = ("organization", "role", "unit")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).filter(organization__in=admin_organizations(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        orgs = admin_organizations(request)
        if db_field.name == "organization":
            kwargs["queryset"] = orgs
        elif db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.filter(organization__in=orgs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manage_site.has_permission(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission  # type: ignore[assignment]


class AccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("username", "email", "first_name", "last_name", "is_active")
    search_fields = ("username", "email", "first_name", "last_name")
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        orgs = admin_organizations(request)
        return User.objects.filter(memberships__organization__in=orgs).distinct()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = AccountCreationForm
            form = super().get_form(request, obj, change=change, **kwargs)
            orgs = admin_organizations(request)
            form.base_fields["organization"].queryset = orgs
            form.base_fields["unit"].queryset = Unit.objects.filter(organization__in=orgs)
            return form
        kwargs["form"] = AccountChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": (
                            "username",
                            "email",
                            "first_name",
                            "last_name",
                            "password1",
                            "password2",
                            "organization",
                            "role",
                            "unit",
                        )
                    },
                )
            ]
        return [(None, {"fields": ("email", "first_name", "last_name", "is_active")})]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return [MembershipInline] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            data = form.cleaned_data
            if data["organization"] not in admin_organizations(request):
                raise PermissionError("not an admin of that organization")
            services.membership_grant(
                user=obj,
                organization=data["organization"],
                role=data["role"],
                unit=data.get("unit"),
            )

    def _allowed(self, request: HttpRequest, obj: Any) -> bool:
        if not manage_site.has_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return manage_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return manage_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: responses and audits keep their history


manage_site.register(User, AccountAdmin)
