"""Complaints and follow-ups as cases (issue 11).

A :class:`Case` is one complaint (*pengaduan*) or follow-up of a low survey score, with a short
unguessable tracking code, working-day due dates fixed on receipt (:mod:`prima.workdays`,
:mod:`prima.organizations.calendar`), a status that moves ``baru`` -> ``diverifikasi`` ->
``diproses`` -> ``selesai`` (or ``ditolak`` with a reason; ``selesai`` may be reopened within
14 days, back to ``diproses``), an append-only history (:class:`CaseEvent`), at most one rating
of the handling by the complainant (:class:`CaseRating`), and the notices already sent for it
(:class:`CaseNotice`, which makes ``prima cases check`` idempotent).

Deadlines follow SP4N-LAPOR! (see ``/work/shared/domain/complaints.md``): first response within
3 working days; resolution within 5 (``biasa``), 14 (``sengketa``) or 60 (``lapangan``) working
days; each configurable per organization (:class:`CaseSettings`). Perpres 76/2013 protects the
complainant's identity: contact fields are shown only to the roles that handle the case.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prima.organizations.models import Organization, Service, StaffMember, Unit

TEXT_MAX = 5000  # characters of a complaint text (issue 11, point 8)
REOPEN_DAYS = 14  # calendar days after ``selesai`` in which the complainant may reopen


def intake_language() -> str:
    """The language active when a case is received (the public form's or the request's):
    the complainant's e-mails are written in it; Indonesian when none is active."""
    from django.utils.translation import get_language

    code = (get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class CaseStatus(models.TextChoices):
    NEW = "baru", pgettext_lazy("case status", "New")
    VERIFIED = "diverifikasi", pgettext_lazy("case status", "Verified")
    IN_PROGRESS = "diproses", pgettext_lazy("case status", "In progress")
    RESOLVED = "selesai", pgettext_lazy("case status", "Resolved")
    REJECTED = "ditolak", pgettext_lazy("case status", "Rejected")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.VERIFIED, CaseStatus.IN_PROGRESS)
CLOSED_STATUSES = (CaseStatus.RESOLVED, CaseStatus.REJECTED)


class CaseTier(models.TextChoices):
    """How long the resolution may take (SP4N-LAPOR!): 5, 14 or 60 working days by default."""

    ORDINARY = "biasa", _("Ordinary (information or complaint)")
    DISPUTE = "sengketa", _("Dispute")
    FIELD = "lapangan", _("Needs a field inspection")


class CaseChannel(models.TextChoices):
    WEB = "web", _("Web form")
    LETTER = "surat", _("Letter")
    PHONE = "telepon", _("Telephone")
    WALK_IN = "tatap_muka", _("In person")
    EMAIL = "email", _("E-mail")
    SOCIAL_MEDIA = "media_sosial", _("Social media")
    SURVEY = "survei", _("Survey follow-up")


class CaseSettings(models.Model):
    """An organization's deadlines in working days (defaults: SP4N-LAPOR!) and escalation."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="case_settings"
    )
    first_response_days = models.PositiveSmallIntegerField(
        _("first response (working days)"), default=3, validators=[MinValueValidator(1)]
    )
    ordinary_days = models.PositiveSmallIntegerField(
        _("resolution, ordinary (working days)"), default=5, validators=[MinValueValidator(1)]
    )
    dispute_days = models.PositiveSmallIntegerField(
        _("resolution, dispute (working days)"), default=14, validators=[MinValueValidator(1)]
    )
    field_days = models.PositiveSmallIntegerField(
        _("resolution, field inspection (working days)"),
        default=60,
        validators=[MinValueValidator(1)],
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to the parent unit after (working days late)"),
        default=5,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("case settings")
        verbose_name_plural = _("case settings")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        if not self.ordinary_days <= self.dispute_days <= self.field_days:
            raise ValidationError(
                _("The resolution days must keep the order ordinary <= dispute <= field.")
            )

    def resolution_days(self, tier: str) -> int:
        return {
            CaseTier.ORDINARY: self.ordinary_days,
            CaseTier.DISPUTE: self.dispute_days,
            CaseTier.FIELD: self.field_days,
        }[CaseTier(tier)]


class CaseCategory(models.Model):
    """What a case is about. Built-in keys: ``U1``..``U9`` (the nine SKM unsur), the six A's
    (``ability`` .. ``accountability``) and ``other``; an organization may rename, hide or add."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="case_categories"
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("Empty: the built-in name.")
    )
    unsur = models.CharField(_("SKM element"), max_length=3, blank=True)  # U1..U9
    a6 = models.CharField(_("A of A6"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["organization", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="case_category_unique")
        ]

    def __str__(self) -> str:
        return self.name or self.key


class FollowUpRule(models.Model):
    """When a survey response opens a follow-up case (the respondent left a contact and consented).

    Defaults (no row): any SKM answer of 1, an NPS of 0-6, or a paired item whose performance is
    2 or more below its expectation (issue 11, point 1)."""

    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.CASCADE, related_name="follow_up_rule"
    )
    active = models.BooleanField(_("active"), default=True)
    lowest_answer = models.PositiveSmallIntegerField(
        _("open a case for an answer at or below"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    nps_at_most = models.PositiveSmallIntegerField(
        _("open a case for an NPS score at or below"),
        default=6,
        validators=[MaxValueValidator(10)],
    )
    gap_at_least = models.PositiveSmallIntegerField(
        _("open a case when performance is below expectation by at least"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")

    def __str__(self) -> str:
        return str(self.survey)


# what the measures read of each case besides its organization, status and receipt (in the
# covering indexes of Case)
TOTALS_FIELDS = (
    "first_response_on_time",
    "resolved_on_time",
    "first_response_days",
    "resolution_days",
    "unit",
    "first_response_at",
    "first_response_due",
    "resolution_due",
    "rating_score",
)


class Case(models.Model):
    # no index of its own: the covering indexes below start with it (every index is a page
    # written at each intake)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cases", db_index=False
    )
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    submission_id = models.UUIDField(null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index: Meta.indexes
        related_name="cases",
        verbose_name=_("service"),
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index: Meta.indexes
        related_name="cases",
        verbose_name=_("staff member"),
    )
    category = models.ForeignKey(
        CaseCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index: Meta.indexes
        related_name="cases",
        verbose_name=_("category"),
    )
    tier = models.CharField(
        _("tier"), max_length=10, choices=CaseTier.choices, default=CaseTier.ORDINARY
    )
    channel = models.CharField(
        _("channel"), max_length=15, choices=CaseChannel.choices, default=CaseChannel.WEB
    )
    status = models.CharField(
        _("status"), max_length=15, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    text = models.TextField(_("complaint"), max_length=TEXT_MAX)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    contact_phone = models.CharField(_("telephone"), max_length=30, blank=True)
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    # the complainant's language at intake (id/en): their e-mails are written in it
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=intake_language
    )
    response = models.OneToOneField(
        "surveys.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("survey response"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index: Meta.indexes
        related_name="owned_cases",
        verbose_name=_("owner"),
    )
    flagged = models.BooleanField(_("flagged"), default=False)  # honeypot, rate limit
    flag_reason = models.CharField(max_length=100, blank=True)
    # when it arrived (staff intake: the date on the letter, the call...), and the due dates
    # fixed then (the N-th working day after the day of receipt in the organization's zone)
    received_at = models.DateTimeField(_("received"))
    first_response_due = models.DateField(_("first response due"))
    resolution_due = models.DateField(_("resolution due"))
    # filled as the case moves; working days counted on the organization's calendar
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    first_response_days = models.PositiveIntegerField(null=True, blank=True)
    # the first response came on or before first_response_due (local date): the breach count
    first_response_on_time = models.BooleanField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_days = models.PositiveIntegerField(null=True, blank=True)
    resolved_on_time = models.BooleanField(null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # the score of its rating (CaseRating), kept with the case by the receivers below so that
    # the measures read it from the case's indexes instead of joining the ratings
    rating_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # False from a public intake (one INSERT in the request) until the task worker has written
    # the first line of its history, the receipt e-mail's task and the webhook ``case.created``
    # (prima.cases.services.cases_record_pending); until then readers show the receipt line
    # from this row. Every other intake records at once.
    recorded = models.BooleanField(default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "submission_id"],
                condition=models.Q(submission_id__isnull=False),
                name="case_submission_unique",
            )
        ]
        # the measures (prima.cases.selectors.case_totals) read only these indexes: by status
        # for the whole organization or a unit, by receipt for a period (and the lists)
        indexes = [
            models.Index(
                fields=["organization", "status", *TOTALS_FIELDS, "received_at"],
                name="case_org_status",
            ),
            models.Index(
                fields=["organization", "received_at", "status", *TOTALS_FIELDS],
                name="case_org_received",
            ),
            models.Index(fields=["status", "resolution_due"]),
            models.Index(
                fields=["organization", "status"],
                condition=models.Q(first_response_at__isnull=True),
                name="case_unanswered",
            ),
            # references that most cases lack at intake (a public complaint names no owner,
            # often no service, staff member or category): indexed only where set, so that
            # an intake writes no index page for them; lookups by a value use them
            *(
                models.Index(
                    fields=[field],
                    condition=models.Q(**{f"{field}__isnull": False}),
                    name=f"case_{field}",
                )
                for field in ("owner", "service", "staff", "category")
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class CaseEventKind(models.TextChoices):
    CREATED = "created", _("Received")
    STATUS = "status", _("Status changed")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Owner assigned")
    EDITED = "edited", _("Details changed")
    RATED = "rated", _("Handling rated")
    REOPENED = "reopened", _("Reopened")
    NOTICE = "notice", _("Reminder or escalation sent")


class CaseEvent(models.Model):
    """One line of a case's history: append-only (no update, no delete)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index: the public's events have no actor
        verbose_name=_("who"),
    )
    kind = models.CharField(_("what"), max_length=10, choices=CaseEventKind.choices)
    status_from = models.CharField(max_length=15, choices=CaseStatus.choices, blank=True)
    status_to = models.CharField(max_length=15, choices=CaseStatus.choices, blank=True)
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    public = models.BooleanField(
        default=False, help_text=_("Shown to the complainant on the tracking page.")
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(
                fields=["actor"],
                condition=models.Q(actor__isnull=False),
                name="caseevent_actor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("case events are append-only")


class CaseRating(models.Model):
    """The complainant's rating of the handling (1-5), once, when the case is ``selesai``."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating of the handling")
        verbose_name_plural = _("ratings of the handling")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"


class CaseNotice(models.Model):
    """A reminder or escalation already sent: ``prima cases check`` sends each one once."""

    class Kind(models.TextChoices):
        REMIND_FIRST = "remind_first", _("Reminder: first response due")
        REMIND_RESOLUTION = "remind_resolution", _("Reminder: resolution due")
        BREACH_FIRST = "breach_first", _("First response late")
        BREACH_RESOLUTION = "breach_resolution", _("Resolution late")
        ESCALATED = "escalated", _("Escalated to the parent unit")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due = models.DateField()  # the due date the notice is about (a reopened case has a new one)
    level = models.PositiveSmallIntegerField(default=0)  # escalation: 1 = parent, 2 = its parent
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case notice")
        verbose_name_plural = _("case notices")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due", "level"], name="case_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due}"


@receiver([post_save, post_delete], sender=CaseRating, dispatch_uid="prima.cases.rating_score")
def _keep_rating_score(sender: type[CaseRating], instance: CaseRating, **kwargs: object) -> None:
    """Case.rating_score follows its rating (given once, by ``case_rate``; an admin's delete)."""
    score = None if kwargs.get("signal") is post_delete else instance.score
    Case.objects.filter(pk=instance.case_id).update(rating_score=score)
