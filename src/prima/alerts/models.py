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
        Organization, on_delete=models.CASCADE, related_name="alert_rules"
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_rules",
        verbose_name=_("survei"),
        help_text=_(
            "Kosong: berlaku untuk semua survei organisasi yang tidak punya aturan sendiri."
        ),
    )
    active = models.BooleanField(_("aktif"), default=True)
    ikm_threshold = models.DecimalField(
        _("batas IKM (konversi 25-100)"),
        max_digits=5,
        decimal_places=2,
        default=IKM_MUTU_B,
        validators=[MinValueValidator(25), MaxValueValidator(100)],
        help_text=_(
            "Survei SKM: peringatan bila nilai IKM konversi (dibulatkan 2 desimal) di bawah batas "
            "ini. Bawaan 76,61: mutu di bawah B."
        ),
    )
    gap_alert = models.BooleanField(
        _("kesenjangan negatif"),
        default=True,
        help_text=_(
            "Survei kinerja-harapan: peringatan bila batas atas selang kepercayaan 95% "
            "kesenjangan keseluruhan di bawah 0 (tidak memuaskan)."
        ),
    )
    nps_threshold = models.DecimalField(
        _("batas NPS"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("Survei NPS: peringatan bila NPS di bawah batas ini."),
    )
    drop_alert = models.BooleanField(
        _("penurunan signifikan"),
        default=True,
        help_text=_(
            "Peringatan bila indeks turun signifikan (uji dua sisi, 5%) dibanding periode "
            "sebelumnya yang sama panjangnya."
        ),
    )
    min_responses = models.PositiveIntegerField(
        _("responden minimum per periode"),
        default=30,
        validators=[MinValueValidator(2)],
        help_text=_("Tidak ada peringatan untuk periode dengan responden lebih sedikit."),
    )

    class Meta:
        verbose_name = _("aturan peringatan")
        verbose_name_plural = _("aturan peringatan")
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
        return str(self.survey) if self.survey_id else str(_("Semua survei"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.survey_id
            and self.organization_id
            and self.survey.organization_id != self.organization_id
        ):
            raise ValidationError({"survey": _("Survei ini milik organisasi lain.")})


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
    THRESHOLD = "threshold", _("di bawah batas")
    DROP = "drop", _("penurunan signifikan")


class Alert(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("survei")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("unit"),
        help_text=_("Kosong: seluruh organisasi."),
    )
    period = models.CharField(_("periode"), max_length=10)
    kind = models.CharField(_("jenis"), max_length=10, choices=AlertKind.choices)
    metric = models.CharField(_("indeks"), max_length=10)  # ikm, gap or nps
    value = models.FloatField(_("nilai"))
    previous_period = models.CharField(_("periode sebelumnya"), max_length=10, blank=True)
    previous_value = models.FloatField(_("nilai sebelumnya"), null=True, blank=True)
    responses = models.PositiveIntegerField(_("responden"), default=0)
    detail = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("peringatan")
        verbose_name_plural = _("peringatan")
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
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "alert"], name="notification_once_per_alert")
        ]

    def __str__(self) -> str:
        return self.title
