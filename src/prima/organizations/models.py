"""Organizations (the tenants), their unit tree, services, staff, and who may do what.

Everything a tenant owns carries an ``organization`` foreign key so that every query can be
scoped by it. Units form a tree stored as a materialised path (``path``), so "this unit and
everything under it" is one indexed ``path__startswith`` filter on SQLite and PostgreSQL alike.
Later domains (complaints, employee surveys, staff audits) hang off the same Organization,
Unit, StaffMember and Membership rows.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.choices import OrganizationKind, Role, TimeZone

PATH_STEP = 6  # digits per level of the materialised path


class Organization(models.Model):
    """A tenant: a government office, a hospital, a school, a bank, a shop chain."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        blank=True,
        # a database default as well: a row written by code that predates the field (a server
        # still running the old release while the new one migrates) gets the empty zone
        default="",
        db_default="",
        choices=TimeZone.choices,
        help_text=_("Empty: the installation's time zone (PRIMA_TIME_ZONE)."),
    )
    # the confidentiality threshold k of its employee surveys (issue 12, docs/disclosure.md):
    # a group of fewer than k respondents shows its count band only; never below 3
    disclosure_threshold = models.PositiveSmallIntegerField(
        _("confidentiality threshold (employee surveys)"),
        default=5,
        db_default=5,
        validators=[MinValueValidator(3), MaxValueValidator(1000)],
        help_text=_(
            "A group of fewer respondents than this shows its count band only. At least 3; "
            "default 5."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disclosure_threshold__gte=3),
                name="organization_disclosure_threshold_min_3",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone_name(self) -> str:
        """The IANA name of the organization's time zone (its own, else the installation's)."""
        return self.time_zone or settings.TIME_ZONE


class CalendarDay(models.Model):
    """A day an admin closed (``working=False``) or opened (``working=True``) against the
    default calendar (Monday-Friday minus public holidays; :mod:`prima.workdays`)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="calendar_days"
    )
    date = models.DateField(_("date"))
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.working else '-'} {self.name}"


class Unit(models.Model):
    """A unit of service (e.g. Dinas -> UPT -> loket); ``path`` is ``000001.000007.``."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name=_("organization"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    population = models.PositiveIntegerField(
        _("service users per year"),
        null=True,
        blank=True,
        help_text=_("To compute the minimum sample size (Krejcie-Morgan)."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                condition=~models.Q(code=""),
                name="unit_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".") - 1

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(organization_id=self.organization_id, path__startswith=self.path)

    def path_label(self) -> str:
        """The name with its path, e.g. "UPT Puskesmas Sukamaju › Apotek" (``unit_labels``)."""
        from prima.organizations.unit_labels import path_label

        return path_label(self)


class Service(models.Model):
    """A kind of service (*jenis layanan*) offered by a unit."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organization"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="services", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A person who serves customers in a unit (may or may not have a user account)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("organization"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    employee_number = models.CharField(_("NIP / employee number"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("user account"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in an organization; ``unit`` limits it to that unit's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user account"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("unit"),
        help_text=_("Empty: the whole organization."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role", "unit"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        scope = self.unit.name if self.unit_id else self.organization.name
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiToken(models.Model):
    """A bearer token for the back-office API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user: models.Model, name: str = "") -> tuple[ApiToken, str]:
        raw = "prima_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[6:14], digest=cls.hash(raw))
        return token, raw
