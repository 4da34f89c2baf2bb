"""Status and kind values of organizations and people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government unit")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    COMMERCIAL = "commercial", _("Commercial")
    OTHER = "other", _("Other")


class TimeZone(models.TextChoices):
    """Indonesia's three time zones (IANA names)."""

    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class Role(models.TextChoices):
    """Roles per organization, strongest first; a role may be scoped to a unit subtree."""

    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Viewer")


ROLES_THAT_SEE_RESULTS = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.VIEWER)
ROLES_THAT_MANAGE = (Role.ADMIN,)
