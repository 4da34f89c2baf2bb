"""Alert rules, the alerts raised for a unit and period, and in-app notifications.

An :class:`AlertRule` belongs to an organization and applies to one of its surveys, or to all of
them when ``survey`` is empty (the survey's own rule wins). Without any rule the defaults apply
(see :data:`DEFAULTS`): an IKM below mutu B, a paired survey whose overall gap lies wholly below 0,
an NPS below 0, and a significant drop from the previous period of the same length.

An :class:`Alert` is raised at most once per survey, unit (empty: the whole organization),
period and kind; each raises one :class:`Notification` per recipient.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.organizations.models import Organization, Unit
from prima.surveys.models import Survey

IKM_MUTU_B = Decimal("76.61")  # skm.md: the lowest converted IKM of mutu B (2017)


class AlertRule(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="alert_rules",
        verbose_name=_("organization"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_rules",
        verbose_name=_("survey"),
        help_text=_(
            "Empty: applies to every survey of the organization that has no rule of its own."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    ikm_threshold = models.DecimalField(
        _("IKM threshold (converted, 25-100)"),
        max_digits=5,
        decimal_places=2,
        default=IKM_MUTU_B,
        validators=[MinValueValidator(25), MaxValueValidator(100)],
        help_text=_(
            "SKM surveys: alert when the converted IKM (rounded to 2 decimals) is below this threshold. Default 76.61: mutu below B."
        ),
    )
    gap_alert = models.BooleanField(
        _("negative gap"),
        default=True,
        help_text=_(
            "Performance-expectation surveys: alert when the upper bound of the 95% confidence interval of the overall gap is below 0 (not satisfying)."
        ),
    )
    nps_threshold = models.DecimalField(
        _("NPS threshold"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("NPS surveys: alert when the NPS is below this threshold."),
    )
    drop_alert = models.BooleanField(
        _("significant drop"),
        default=True,
        help_text=_(
            "Alert when the index drops significantly (two-sided test, 5%) from the previous period of the same length."
        ),
    )
    min_responses = models.PositiveIntegerField(
        _("minimum respondents per period"),
        default=30,
        validators=[MinValueValidator(2)],
        help_text=_("No alert for a period with fewer respondents."),
    )

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "survey"], name="alertrule_one_per_survey"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(survey__isnull=True),
                name="alertrule_one_default_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return str(self.survey) if self.survey_id else str(_("All surveys"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.survey_id
            and self.organization_id
            and self.survey.organization_id != self.organization_id
        ):
            raise ValidationError({"survey": _("This survey belongs to another organization.")})


DEFAULTS = {
    "active": True,
    "ikm_threshold": IKM_MUTU_B,
    "gap_alert": True,
    "nps_threshold": Decimal("0"),
    "drop_alert": True,
    "min_responses": 30,
}
"""The rule of an organization that has not written one."""


class AlertKind(models.TextChoices):
    THRESHOLD = "threshold", _("below the threshold")
    DROP = "drop", _("significant drop")


class Alert(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("organization"),
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("survey")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("unit"),
        help_text=_("Empty: the whole organization."),
    )
    period = models.CharField(_("period"), max_length=10)
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    metric = models.CharField(_("index"), max_length=10)  # ikm, gap or nps
    value = models.FloatField(_("value"))
    previous_period = models.CharField(_("previous period"), max_length=10, blank=True)
    previous_value = models.FloatField(_("previous value"), null=True, blank=True)
    responses = models.PositiveIntegerField(_("respondents"), default=0)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "period", "kind"],
                condition=models.Q(unit__isnull=False),
                name="alert_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["survey", "period", "kind"],
                condition=models.Q(unit__isnull=True),
                name="alert_once_per_organization",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.path_label() if self.unit_id else self.organization.name
        return f"{where} · {self.period} · {self.get_kind_display()}"


class AlertCheck(models.Model):
    """The install's first alert check (one row): later checks look back no further than its
    window, so an install is not flooded with alerts about the past it was given."""

    first_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.first_on)


class Notification(models.Model):
    """An in-app notice for one user; read when ``read_at`` is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "alert"], name="notification_once_per_alert")
        ]

    def __str__(self) -> str:
        return self.title
