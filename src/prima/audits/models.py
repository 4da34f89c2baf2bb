"""A6 audits (issue 13 points 1-2): checklists, their versions, audits and their answers.

- :class:`Checklist` / :class:`ChecklistVersion`: a checklist's JSON (:mod:`prima.audit_checklists`)
  stored per version; built-in checklists (``organization`` empty) are shared and read-only,
  an organization's own belong to it. A version never changes once stored, so an audit is
  always scored against the lines it was answered on.
- :class:`Audit`: one observed encounter of a unit (optionally a staff member and a service) by
  an auditor, a supervisor or a mystery shopper, answered on one checklist version; it keeps
  the overall score, the verdict, the critical failures and the pass mark it was judged by
  (written by :func:`prima.audits.services.audit_record`, computed by
  :mod:`prima.metrics.audit_score`).
- :class:`AuditAnswer`: the answer to one line (``yes``, ``no``, ``na`` or ``1``..``4``).
- :class:`AuditPlan` / :class:`AuditAssignment`: a target count of audits of a unit in a month,
  and who does them (a supervisor within the unit's subtree or a mystery shopper), issue 13
  point 2.
- :class:`CorrectiveAction`: what a failed line or audit calls for, with its owner, due date,
  status (open, done, verified) and re-audit, issue 13 point 3.

Deleting a unit that has audits is refused (as for cases); deleting a staff member, a service
or a user account keeps their audits without them (the unit's figures stay whole).
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prima.audit_checklists import AuditChecklist, parse_checklist
from prima.organizations.models import Organization, Service, StaffMember, Unit


class Checklist(models.Model):
    """An audit checklist; built-in ones (``organization`` empty) are shared and read-only."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_checklists",
        verbose_name=_("organization"),
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit checklist")
        verbose_name_plural = _("audit checklists")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="audit_checklist_code_unique"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organization__isnull=True),
                name="audit_checklist_builtin_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def builtin(self) -> bool:
        return self.organization_id is None


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit checklist version")
        verbose_name_plural = _("audit checklist versions")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"], name="audit_checklist_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.checklist} v{self.number}"

    @cached_property
    def parsed(self) -> AuditChecklist:
        return parse_checklist(self.definition, source=f"audit checklist version {self.pk}")


class AuditKind(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor audit")
    MYSTERY = "mystery", _("Mystery shopper")


class AuditVerdict(models.TextChoices):
    """:mod:`prima.metrics.audit_score`'s verdicts."""

    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Below the pass mark")
    FAILED_CRITICAL = "failed_critical", _("Failed on a critical line")
    NO_SCORE = "no_score", _("No score (nothing applied)")


class Audit(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="audits",
        verbose_name=_("organization"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="audits", verbose_name=_("unit")
    )
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("staff member"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("service"),
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,  # only once the account is deleted: audit_record always names the auditor
        related_name="audits_made",
        verbose_name=_("auditor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AuditKind.choices)
    observed_at = models.DateTimeField(_("observed at"))
    checklist_version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name=_("checklist version"),
    )
    # what audit_record computed; the per-A scores are recomputed from the answers
    score = models.DecimalField(
        _("score"), max_digits=7, decimal_places=4, null=True, blank=True
    )  # overall percentage, rounded half-up to 4 decimals; empty when nothing applied
    verdict = models.CharField(_("verdict"), max_length=20, choices=AuditVerdict.choices)
    critical_failures = models.JSONField(_("critical failures"), default=list)  # line ids
    pass_mark = models.DecimalField(_("pass mark"), max_digits=7, decimal_places=4)
    assignment = models.ForeignKey(
        "AuditAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("assignment"),
    )
    note = models.TextField(_("note"), blank=True)
    # calibration (issue 13 point 4): audits of the same encounter by different auditors share
    # this code, and their answers are compared line by line (prima.metrics.agreement)
    encounter = models.CharField(_("encounter code"), max_length=40, blank=True)
    # the client's id of this submission: a retry of the same audit (an offline form syncing
    # again) stores it once
    submission_id = models.UUIDField(_("submission id"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-observed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "submission_id"],
                condition=models.Q(submission_id__isnull=False),
                name="audit_submission_once",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "unit", "observed_at"], name="audit_unit_time"),
            models.Index(
                fields=["organization", "encounter"],
                name="audit_encounter",
                condition=~models.Q(encounter=""),
            ),
            models.Index(
                fields=["organization", "staff_member", "observed_at"],
                name="audit_staff_time",
                condition=models.Q(staff_member__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.observed_at:%Y-%m-%d}"

    @property
    def passed(self) -> bool | None:
        if self.verdict == AuditVerdict.NO_SCORE:
            return None
        return self.verdict == AuditVerdict.PASSED


class AuditAnswer(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    line_id = models.CharField(_("line"), max_length=40)
    answer = models.CharField(_("answer"), max_length=3)  # yes, no, na, 1..4

    class Meta:
        verbose_name = _("audit answer")
        verbose_name_plural = _("audit answers")
        constraints = [
            models.UniqueConstraint(fields=["audit", "line_id"], name="audit_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.answer}"


class AuditPlan(models.Model):
    """A target count of audits of one unit in one month (e.g. four per counter per month)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="audit_plans",
        verbose_name=_("organization"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="audit_plans", verbose_name=_("unit")
    )
    period = models.CharField(_("month"), max_length=7, help_text=_("YYYY-MM, e.g. 2026-07"))
    target = models.PositiveSmallIntegerField(_("target number of audits"))
    checklist_version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("checklist version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit plan")
        verbose_name_plural = _("audit plans")
        ordering = ["-period", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "checklist_version"], name="audit_plan_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"


class AuditAssignment(models.Model):
    """Audits of a plan given to one auditor: a supervisor or a mystery shopper."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="audit_assignments",
        verbose_name=_("organization"),
    )
    plan = models.ForeignKey(
        AuditPlan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan")
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="audit_assignments",
        verbose_name=_("auditor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AuditKind.choices)
    count = models.PositiveSmallIntegerField(_("number of audits"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit assignment")
        verbose_name_plural = _("audit assignments")
        ordering = ["plan__period", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "auditor"], name="audit_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.auditor}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


class CorrectiveAction(models.Model):
    """What a failed line (``line_id``) or a failed audit (``line_id`` empty) calls for."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="corrective_actions",
        verbose_name=_("organization"),
    )
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="actions", verbose_name=_("audit")
    )
    line_id = models.CharField(_("line"), max_length=40, blank=True)
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    reaudit = models.ForeignKey(
        Audit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reaudit_of",
        verbose_name=_("re-audit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(
                fields=["due_date"],
                name="audit_action_overdue",
                condition=models.Q(status="open", overdue_notified_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]


class MysteryShopper(models.Model):
    """An external auditor's account for one organization (issue 13 point 2).

    A user who is a mystery shopper and holds no membership anywhere sees only their own
    assignments and the audit form for them (:mod:`prima.audits.gate` refuses everything else);
    the account holds no role, so no result, survey, case or API read is open to it."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="mystery_shoppers",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mystery_shopper_of",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mystery shopper")
        verbose_name_plural = _("mystery shoppers")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="mystery_shopper_unique")
        ]

    def __str__(self) -> str:
        return self.user.get_username()
