"""Management of organizations' units, services, staff and memberships (``/manage/``),
and the platform operators' view of everything (``/admin/``, superusers only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prima.organizations import services
from prima.organizations.calendar_admin import CalendarDayAdmin
from prima.organizations.manage_site import TenantAdmin, admin_organizations, manage_site
from prima.organizations.models import (
    CalendarDay,
    Membership,
    Organization,
    Service,
    StaffMember,
    Unit,
)


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Unit
        fields = ("organization", "parent", "name", "code", "population")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        parent, organization = cleaned.get("parent"), cleaned.get("organization")
        if (
            parent is not None
            and organization is not None
            and parent.organization_id != organization.pk
        ):
            self.add_error("parent", _("The parent unit must belong to the same organization."))
        elif parent is not None and self.instance.pk and parent.path.startswith(self.instance.path):
            # the tree is a materialised path: a unit under itself would corrupt its subtree
            self.add_error("parent", _("A unit cannot be moved under itself."))
        return cleaned


class UnitAdmin(TenantAdmin):
    form = UnitForm
    list_display = ("indented", "code", "population")
    search_fields = ("name", "code")
    fields = ("organization", "parent", "name", "code", "population")

    @admin.display(description=_("Unit"), ordering="path")
    def indented(self, obj: Unit) -> str:
        return "— " * obj.depth + obj.name

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if obj.parent_id and obj.parent.organization_id != obj.organization_id:
            raise ValueError("parent unit of another organization")
        super().save_model(request, obj, form, change)
        path = services.unit_path(obj)
        if obj.path != path:
            old = obj.path
            Unit.objects.filter(pk=obj.pk).update(path=path)
            if old:  # moved: rewrite the paths of its subtree
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=obj.pk):
                    Unit.objects.filter(pk=child.pk).update(path=path + child.path[len(old) :])


class ServiceAdmin(TenantAdmin):
    list_display = ("name", "unit", "active")
    list_filter = ("active",)
    search_fields = ("name",)


class StaffForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StaffMember
        fields = ("organization", "unit", "name", "employee_number", "user", "active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user, organization = cleaned.get("user"), cleaned.get("organization")
        if (
            user is not None
            and organization is not None
            and not Membership.objects.filter(user=user, organization=organization).exists()
        ):
            # the account sees this staff member's scorecard (prima.staffcards): only an
            # account of the same organization may be linked
            self.add_error("user", _("The account must hold a role in the same organization."))
        return cleaned


class StaffAdmin(TenantAdmin):
    form = StaffForm
    list_display = ("name", "unit", "employee_number", "user", "active")
    search_fields = ("name", "employee_number")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":  # the accounts of the admin's organizations only
            orgs = admin_organizations(request)
            kwargs["queryset"] = (
                get_user_model().objects.filter(memberships__organization__in=orgs).distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipAdmin(TenantAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            orgs = admin_organizations(request)
            # only accounts that already hold a role here: new accounts are created with their
            # first role under "Users", so no other tenant's (or unassigned) usernames show
            kwargs["queryset"] = (
                get_user_model().objects.filter(memberships__organization__in=orgs).distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganizationForm(forms.ModelForm):  # type: ignore[type-arg]
    """The organization's settings; the confidentiality threshold of its employee surveys may
    be left out of a post (it then keeps its value) but never set below 3 (issue 12)."""

    disclosure_threshold = forms.IntegerField(
        label=_("confidentiality threshold (employee surveys)"),
        required=False,
        min_value=3,
        max_value=services.THRESHOLD_MAX,
        help_text=_(
            "A group of fewer respondents than this shows its count band only. At least 3; "
            "default 5."
        ),
    )

    class Meta:
        model = Organization
        fields = ("name", "kind", "time_zone", "disclosure_threshold")

    def clean_disclosure_threshold(self) -> int:
        value = self.cleaned_data.get("disclosure_threshold")
        return int(self.instance.disclosure_threshold) if value is None else int(value)


class OrganizationManageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = OrganizationForm
    fields = ("name", "kind", "time_zone", "disclosure_threshold")
    list_display = ("name", "kind", "time_zone")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return admin_organizations(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return manage_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manage_site.has_permission(request) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    has_change_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


manage_site.register(Organization, OrganizationManageAdmin)
manage_site.register(Unit, UnitAdmin)
manage_site.register(Service, ServiceAdmin)
manage_site.register(StaffMember, StaffAdmin)
manage_site.register(Membership, MembershipAdmin)
manage_site.register(CalendarDay, CalendarDayAdmin)

for model in (Organization, Unit, Service, StaffMember, Membership, CalendarDay):
    admin.site.register(model)

from prima.organizations import manage_users  # noqa: E402,F401  (registers the account admin)
