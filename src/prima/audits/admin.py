"""The audits in ``/manage/`` (issue 13): the admins of an organization read its audits, their
answers and scores. Read-only: an audit is recorded by :func:`prima.audits.services.
audit_record` (its form comes with the audit pages), and it is evidence, so nobody edits it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prima.audits.models import Audit, AuditAnswer
from prima.audits.selectors import audit_scores
from prima.i18n import normalize_language
from prima.metrics.rounding import format_number
from prima.organizations.manage_site import TenantAdmin, manage_site


class AuditAnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AuditAnswer
    fields = ("line_id", "line_text", "answer")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # shown within an audit that AuditAdmin (TenantAdmin) already let the user see
        return bool(self.admin_site.has_permission(request))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("line"))
    def line_text(self, obj: AuditAnswer) -> str:
        try:
            line = obj.audit.checklist_version.parsed.line(obj.line_id)
        except KeyError:
            return ""
        return line.text[normalize_language(get_language())]


class AuditAdmin(TenantAdmin):
    list_display = ("observed_at", "unit", "staff_member", "kind", "score_shown", "verdict")
    list_filter = ("kind", "verdict")
    search_fields = ("unit__name", "staff_member__name")
    date_hierarchy = "observed_at"
    fields = (
        "unit",
        "staff_member",
        "service",
        "auditor",
        "kind",
        "observed_at",
        "checklist_version",
        "score_shown",
        "scores_per_a",
        "verdict",
        "critical_failures",
        "pass_mark",
    )
    readonly_fields = fields
    inlines = (AuditAnswerInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "staff_member", "service", "auditor", "checklist_version")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, obj: Audit) -> str:
        """The overall score, half-up to 2 decimals, as the language writes numbers."""
        if obj.score is None:
            return "-"
        return format_number(obj.score, 2, normalize_language(get_language())) + " %"

    @admin.display(description=_("scores per A"))
    def scores_per_a(self, obj: Audit) -> str:
        lang = normalize_language(get_language())
        texts = obj.checklist_version.parsed.a_texts
        parts = []
        for a, score in audit_scores(obj).per_a.items():
            name = texts.get(a, {}).get(lang, a)
            shown = "-" if score.percent is None else format_number(score.percent, 2, lang) + " %"
            parts.append(f"{name}: {shown}")
        return "; ".join(parts)


manage_site.register(Audit, AuditAdmin)
