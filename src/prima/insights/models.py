"""The follow-up plan (*rencana tindak lanjut*) that an SKM report carries.

A unit publishes its IKM every period with a plan that starts with the weakest unsur: for each
problem an action, an owner and a deadline (``shared/domain/skm.md``). The plan is kept per
survey, unit (empty: the whole organization) and period label (``2026``, ``2026-S1``,
``2026-Q3``, ``2026-07``), edited in ``/manage/`` and printed in the report.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.insights.periods import parse_period
from prima.organizations.models import Organization, Unit
from prima.surveys.models import Survey


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


def element_choices(survey: Survey) -> list[tuple[str, str]]:
    """``[(code, name)]`` of the unsur of an IKM survey's instrument, in questionnaire order."""
    instrument = survey.instrument_version.parsed
    names = {
        str(raw.get("id")): raw.get("name")
        for raw in instrument.raw.get("items", [])
        if isinstance(raw, dict)
    }
    out = []
    for item in instrument.items:
        code = item.code or item.id
        name = names.get(item.id)
        if isinstance(name, dict):
            name = name.get("id") or name.get("en")
        out.append((code, str(name) if name else code))
    return out


def skm_period_errors(obj: Any, not_skm: Any) -> dict[str, Any]:
    """The checks a row about an SKM survey's period shares (a follow-up plan line, a
    publication): the period normalised to its label, the survey of the same organization and
    with an IKM instrument (``not_skm`` otherwise)."""
    errors: dict[str, Any] = {}
    try:
        obj.period = parse_period(obj.period or "").label
    except ValueError:
        errors["period"] = _("Invalid period: write 2026, 2026-S1, 2026-Q3 or 2026-07.")
    survey = obj.survey if obj.survey_id else None
    if survey is not None and obj.organization_id is not None:
        if survey.organization_id != obj.organization_id:
            errors["survey"] = _("The survey must belong to the same organization.")
        elif survey.instrument_version.parsed.kind != "ikm":
            errors["survey"] = not_skm
    return errors


class FollowUpAction(models.Model):
    """One line of a follow-up plan: an unsur's problem, the action, who and by when."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="follow_up_actions",
        verbose_name=_("organization"),
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="follow_up_actions", verbose_name=_("survey")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_actions",
        verbose_name=_("unit"),
        help_text=_("Empty: the whole organization."),
    )
    period = models.CharField(
        _("period"),
        max_length=10,
        help_text=_("As in the report: 2026, 2026-S1, 2026-Q3 or 2026-07."),
    )
    element = models.CharField(
        _("element"),
        max_length=60,
        help_text=_("The element's code, e.g. waktu, prosedur, pengaduan."),
    )
    problem = models.TextField(_("problem"))
    action = models.TextField(_("follow-up action"))
    owner = models.CharField(_("responsible"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["survey", "period", "unit", "deadline", "pk"]
        indexes = [
            models.Index(fields=["survey", "period", "unit"], name="followup_report"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.element} · {self.action[:60]}"

    def clean(self) -> None:
        errors = skm_period_errors(self, _("A follow-up plan is only for SKM (IKM) surveys."))
        survey = self.survey if self.survey_id else None
        choices = (
            dict(element_choices(survey))
            if survey is not None and self.organization_id is not None and "survey" not in errors
            else None
        )
        if choices is not None and self.element not in choices:
            codes = ", ".join(choices)
            errors["element"] = _(
                "The element is not one of this survey's; choose one of: %(codes)s."
            ) % {"codes": codes}
        if (
            self.unit_id is not None
            and self.organization_id is not None
            and self.unit.organization_id != self.organization_id
        ):
            errors["unit"] = _("The unit must belong to the same organization.")
        if errors:
            raise ValidationError(errors)


class Rollup(models.Model):
    """Mergeable integer totals of the counted responses of one survey in one month and unit,
    or month, unit and service, or month, unit, service and staff member (the three levels of
    :mod:`prima.insights.rollups`; :mod:`prima.summaries` defines the vector ``data``).

    Dashboard numbers add these vectors up instead of reading every response, so a page costs
    the same with ten thousand or a million responses; ``prima rollups rebuild --check``
    recomputes them from the raw responses.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rollups")
    instrument_version = models.ForeignKey(
        "surveys.InstrumentVersion", on_delete=models.CASCADE, related_name="rollups"
    )
    level = models.CharField(max_length=8, default="staff")
    """``unit`` (month, unit), ``service`` (+ service) or ``staff`` (+ service and staff)."""
    bucket = models.CharField(max_length=80)
    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="rollups")
    service = models.ForeignKey(
        "organizations.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollups",
    )
    staff = models.ForeignKey(
        "organizations.StaffMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollups",
    )
    responses = models.IntegerField(default=0)
    data = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "bucket"], name="rollup_bucket_unique")
        ]
        indexes = [
            models.Index(fields=["survey", "level", "month"], name="rollup_survey_level_month")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.bucket}"


class RollupLock(models.Model):
    """One row per survey that folding pending responses into rollups locks (serialises)."""

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, primary_key=True, related_name="rollup_lock"
    )
    folds = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    """The time zone whose months the survey's rollups follow; another one starts them over."""

    def __str__(self) -> str:
        return f"rollup lock {self.survey_id}"


class PublishedResult(models.Model):
    """A survey period that the organization has made public at ``/hasil/<slug>/``.

    Nothing is public until an admin publishes a period (``2026``, ``2026-S1``, ``2026-Q3``,
    ``2026-07``); deleting the row unpublishes it. Written through
    :mod:`prima.insights.publication` (``result_publish``, ``result_unpublish``).
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="published_results",
        verbose_name=_("organization"),
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="published_results", verbose_name=_("survey")
    )
    period = models.CharField(
        _("period"),
        max_length=10,
        help_text=_("As in the report: 2026, 2026-S1, 2026-Q3 or 2026-07."),
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    note = models.TextField(
        _("note for the public"),
        blank=True,
        max_length=2000,
        help_text=_("Shown on the public results page. Do not write personal data."),
    )

    class Meta:
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        ordering = ["organization", "survey", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "period"], name="published_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.period}"

    def clean(self) -> None:
        errors = skm_period_errors(
            self, _("Only the results of SKM (IKM) surveys can be published.")
        )
        if self.survey_id and "survey" not in errors and self.survey.is_employee:
            # issue 12: an employee survey's figures never leave the organization
            errors["survey"] = _(
                "The results of an employee survey are never published; they stay inside the "
                "organization under the confidentiality threshold."
            )
        if errors:
            raise ValidationError(errors)
