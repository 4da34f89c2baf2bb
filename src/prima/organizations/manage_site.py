"""The back-office management site (``/manage/``): Django's admin, scoped to the organizations
where the signed-in user is an organization-wide admin. Every queryset and every choice list is
filtered by organization, so an admin never sees or picks another tenant's rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prima.organizations.access import memberships_of
from prima.organizations.choices import Role
from prima.organizations.models import Organization, Unit
from prima.organizations.unit_labels import UnitChoiceField, UnitMultipleChoiceField


def admin_organizations(request: HttpRequest) -> QuerySet[Organization]:
    ids = (
        memberships_of(request.user, [Role.ADMIN])
        .filter(unit__isnull=True)
        .values("organization_id")
    )
    return Organization.objects.filter(id__in=ids)


class ManageSite(admin.AdminSite):
    site_header = _("Prima · Manage organization")
    site_title = "Prima"
    index_title = _("Manage")

    def has_permission(self, request: HttpRequest) -> bool:
        """Whether the user is an organization-wide admin somewhere; asked once per request and
        user (the index and every page's menu ask it for each registered model: a query each
        was most of a page's time)."""
        user = request.user
        cached = getattr(request, "_prima_manage_permission", None)
        if cached is not None and cached[0] == user.pk:
            return bool(cached[1])
        allowed = bool(user.is_active and admin_organizations(request).exists())
        request._prima_manage_permission = (user.pk, allowed)  # type: ignore[attr-defined]
        return allowed


manage_site = ManageSite(name="manage")

ORG_SCOPED_FIELDS = {"organization", "unit", "parent", "service", "staff", "units", "services"}


class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Scopes rows and choices to the user's admin organizations."""

    org_field = "organization"

    def _orgs(self, request: HttpRequest) -> QuerySet[Organization]:
        return admin_organizations(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super().get_queryset(request).filter(**{f"{self.org_field}__in": self._orgs(request)})
        )

    def _allowed(self, request: HttpRequest, obj: Model | None) -> bool:
        if not self.admin_site.has_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def _scope_choices(self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        model = db_field.related_model
        orgs = self._orgs(request)
        if model is Organization:
            kwargs["queryset"] = orgs
        elif any(f.name == "organization" for f in model._meta.get_fields()):
            kwargs["queryset"] = model._default_manager.filter(organization__in=orgs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_choices(db_field, request, kwargs)
        if db_field.related_model is Unit:  # options with their path: which "Apotek" is meant
            kwargs.setdefault("form_class", UnitChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_choices(db_field, request, kwargs)
        if db_field.related_model is Unit:
            kwargs.setdefault("form_class", UnitMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
