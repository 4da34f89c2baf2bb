"""The follow-up rules in ``/manage/`` (issue 11, point 1): per survey, for the admins of its
organization (the surveys offered and the rules listed are the admin's organizations' only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from prima.cases.models import FollowUpRule
from prima.organizations.manage_site import TenantAdmin, manage_site


class FollowUpRuleAdmin(TenantAdmin):
    """A survey without a rule follows the defaults (an SKM answer of 1, an NPS of 0-6, a paired
    item 2 or more below its expectation); a rule changes them or, inactive, turns them off."""

    org_field = "survey__organization"
    list_display = ("survey", "active", "lowest_answer", "nps_at_most", "gap_at_least")
    list_filter = ("active",)
    search_fields = ("survey__title", "survey__code")
    fields = ("survey", "active", "lowest_answer", "nps_at_most", "gap_at_least")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("survey")

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change, **kwargs)
        survey = form.base_fields.get("survey")
        if survey is not None:
            survey.help_text = _(
                "A survey without a rule opens a case for any SKM answer of 1, an NPS of 0-6 or "
                "a paired item 2 or more below its expectation, when the respondent left a "
                "contact and consented."
            )
        return form


manage_site.register(FollowUpRule, FollowUpRuleAdmin)
