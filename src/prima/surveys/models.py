"""Instruments (versioned questionnaires), surveys and the responses they collect.

An instrument version's ``definition`` is the JSON that :mod:`prima.instruments` reads; once a
version has responses it is never edited in place (a change makes a new version), so old
results keep their meaning. Responses store answers under the same keys as the columns of
``prima analyze`` files (``U1``, ``X.harapan``, ``nps``...).
"""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prima.instruments import Instrument as InstrumentDefinition
from prima.instruments.model import parse_instrument
from prima.instruments.questions import Question, questions
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.surveys.choices import Channel, FormMode, ResponseFlag, SurveyStatus

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def new_survey_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Instrument(models.Model):
    """A questionnaire; built-in ones (``organization`` empty) are shared and read-only."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("organization"),
    )
    key = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="instrument_key_unique"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(organization__isnull=True),
                name="builtin_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def builtin(self) -> bool:
        return self.organization_id is None

    def latest(self) -> InstrumentVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


_compiled_versions: dict[int, tuple[Any, InstrumentDefinition, list[Question]]] = {}


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"

    @cached_property
    def parsed(self) -> InstrumentDefinition:
        return self._compiled()[0]

    @cached_property
    def questions(self) -> list[Question]:
        return self._compiled()[1]

    def _compiled(self) -> tuple[InstrumentDefinition, list[Question]]:
        """Parsed definition and questions, reused per process while the definition is equal
        (every submission needs them; parsing each time dominated the submission path)."""
        hit = _compiled_versions.get(self.pk)
        if hit is not None and hit[0] == self.definition:
            return hit[1], hit[2]
        parsed = parse_instrument(self.definition, source=f"instrument version {self.pk}")
        compiled = (parsed, questions(parsed))
        if self.pk is not None:
            _compiled_versions[self.pk] = (self.definition, *compiled)
        return compiled

    @property
    def locked(self) -> bool:
        return self.responses.exists()


class Survey(models.Model):
    """An instrument run for some units (and optionally services) over a period."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="surveys",
        verbose_name=_("organization"),
    )
    code = models.CharField(_("public code"), max_length=16, unique=True, default=new_survey_code)
    title = models.CharField(_("title"), max_length=200)
    instrument_version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("instrument version"),
    )
    units = models.ManyToManyField(Unit, related_name="surveys", verbose_name=_("units"))
    services = models.ManyToManyField(
        Service, blank=True, related_name="surveys", verbose_name=_("services")
    )
    channels = models.JSONField(_("channels"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.OPEN
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ask_profile = models.BooleanField(_("ask for the respondent profile"), default=True)
    requires_token = models.BooleanField(
        _("single-use token required"),
        default=False,
        help_text=_("Every response needs a token from a queue ticket or a receipt."),
    )
    form_mode = models.CharField(
        _("form layout"),
        max_length=10,
        choices=FormMode.choices,
        default=FormMode.PAGE,
        help_text=_("How the public survey page asks the questions."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def audience(self) -> str:
        """Who answers: ``"external"`` (customers) or ``"internal"`` (the organization's own
        employees), read from the instrument version (issue 12)."""
        return self.instrument_version.parsed.audience

    @property
    def is_employee(self) -> bool:
        """An employee survey (issue 12 point 2): its responses are stored anonymously (the
        unit and the day only, :func:`prima.surveys.services.response_submit`) and its raw
        answers are never served (API, exports, ``/manage/``, webhooks)."""
        return self.audience == "internal"

    def is_open(self, today: object | None = None) -> bool:
        day = today or timezone.localdate()
        if self.status != SurveyStatus.OPEN:
            return False
        if self.starts_on and day < self.starts_on:  # type: ignore[operator]
            return False
        return not (self.ends_on and day > self.ends_on)  # type: ignore[operator]


class Response(models.Model):
    """One respondent's answers, stored once per ``(survey, submission_id)``."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("organization"),
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("instrument version"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responses", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("service"),
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("staff member"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submission_id = models.UUIDField(_("submission ID"))
    answers = models.JSONField(_("answers"))
    profile = models.JSONField(_("respondent profile"), default=dict, blank=True)
    suggestion = models.TextField(_("suggestion"), blank=True)
    contact = models.JSONField(_("contact"), default=dict, blank=True)
    device = models.ForeignKey(
        "collection.KioskDevice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("kiosk device"),
    )
    duration_ms = models.PositiveIntegerField(_("duration (milliseconds)"), null=True, blank=True)
    flag = models.CharField(
        _("flag"), max_length=20, choices=ResponseFlag.choices, blank=True, default=""
    )
    flag_detail = models.CharField(_("flag detail"), max_length=300, blank=True, default="")
    flag_included = models.BooleanField(
        _("included after review"),
        default=False,
        help_text=_("A flagged response counts only when an admin includes it."),
    )

    rolled = models.BooleanField(default=False, editable=False)
    """Whether this response's contribution is in the per-period rollups
    (:mod:`prima.insights.rollups`); rollups agree with the responses once every counted
    response is rolled and no uncounted one is."""

    COUNTED = models.Q(flag="") | models.Q(flag_included=True)
    """The responses that count in every index."""

    ROLLUP_PENDING = (models.Q(rolled=False) & COUNTED) | (models.Q(rolled=True) & ~COUNTED)
    """The responses whose contribution to the rollups must still be added or taken out."""

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "submission_id"], name="response_submission_unique"
            )
        ]
        indexes = [
            models.Index(fields=["survey", "submitted_at"], name="response_survey_time"),
            models.Index(fields=["survey", "unit"], name="response_survey_unit"),
            # the suggestions of a survey, newest first (the dashboard's list pages in SQL)
            models.Index(
                fields=["survey", "-submitted_at", "-id"],
                name="response_suggestions",
                condition=~models.Q(suggestion=""),
            ),
            # the few responses whose rollup state lags (prima.insights.rollups)
            models.Index(
                fields=["survey", "id"],
                name="response_rollup_pending",
                condition=(
                    models.Q(rolled=False) & (models.Q(flag="") | models.Q(flag_included=True))
                )
                | (models.Q(rolled=True) & ~(models.Q(flag="") | models.Q(flag_included=True))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.code} #{self.pk}"


__all__ = [
    "CODE_ALPHABET",
    "Instrument",
    "InstrumentVersion",
    "Response",
    "Survey",
    "new_survey_code",
]
