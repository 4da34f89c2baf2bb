"""The audit form (phone-first, no JavaScript), the corrective action's forms."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from prima.audit_checklists import AuditChecklist
from prima.audit_checklists.model import YES_NO
from prima.audits.models import ActionStatus
from prima.i18n import normalize_language
from prima.organizations.calendar import zone_of
from prima.organizations.models import Organization, Service, StaffMember, Unit

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def line_field_name(line_id: str) -> str:
    return f"line_{line_id}"


def _answer_choices(answer_type: str) -> list[tuple[str, Any]]:
    if answer_type == YES_NO:
        return [("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))]
    return [
        ("1", _("1 · not done")),
        ("2", _("2 · done poorly")),
        ("3", _("3 · done well")),
        ("4", _("4 · done very well")),
        ("na", _("Not applicable")),
    ]


class AuditForm(forms.Form):
    """One audit: unit, staff member and service, when, each line's answer, a note."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    staff_member = forms.TypedChoiceField(
        label=_("Staff member audited"), coerce=int, required=False, empty_value=None
    )
    service = forms.TypedChoiceField(
        label=_("Service audited"), coerce=int, required=False, empty_value=None
    )
    observed_at = forms.CharField(
        label=_("Observed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Local time of the organization."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    encounter = forms.RegexField(
        label=_("Encounter code"),
        regex=r"^[A-Za-z0-9-]*$",
        strip=True,
        required=False,
        max_length=40,
        help_text=_(
            "Optional. The same code on audits of one encounter by different auditors "
            "compares their answers (calibration). Letters, digits and -, at most 40."
        ),
        error_messages={
            "invalid": _("Use at most 40 letters, digits and hyphens (-), e.g. KAL-2026-07-01.")
        },
        # the browser's check (offline) allows the spaces around the code that are trimmed
        widget=forms.TextInput(attrs={"pattern": "\\s*[A-Za-z0-9\\-]*\\s*", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        checklist: AuditChecklist,
        units: list[Unit],
        staff: list[StaffMember],
        services: list[Service],
        unit_labels: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.checklist = checklist
        self.units = {u.pk: u for u in units}
        self.staff = {s.pk: s for s in staff}
        self.services = {s.pk: s for s in services}
        self.fields["unit"].choices = [(u.pk, unit_labels.get(u.pk, u.name)) for u in units]
        none = [("", _("(not named)"))]
        self.fields["staff_member"].choices = none + [(s.pk, s.name) for s in staff]
        self.fields["service"].choices = none + [(s.pk, s.name) for s in services]
        if not self.is_bound:
            now = timezone.now().astimezone(zone_of(organization))
            self.initial.setdefault("observed_at", now.strftime(LOCAL_FORMAT))
            self.initial.setdefault("submission_id", uuid.uuid4())
            if len(units) == 1:
                self.initial.setdefault("unit", units[0].pk)
        lang = normalize_language(get_language())
        for line in checklist.lines:
            label = line.text[lang]
            if line.critical:
                label = gettext("%(text)s (critical)") % {"text": label}
            self.fields[line_field_name(line.id)] = forms.ChoiceField(
                label=label, choices=_answer_choices(line.answer), widget=forms.RadioSelect
            )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """``(the A's name, its lines' fields)`` in the checklist's order."""
        lang = normalize_language(get_language())
        return [
            (
                self.checklist.a_texts.get(a, {}).get(lang, a),
                [self[line_field_name(line.id)] for line in lines],
            )
            for a, lines in self.checklist.groups().items()
        ]

    def clean_observed_at(self) -> datetime:
        text = self.cleaned_data["observed_at"].strip()
        try:
            naive = datetime.strptime(text[:16], LOCAL_FORMAT)
        except ValueError:
            raise forms.ValidationError(_("Enter a date and time.")) from None
        return naive.replace(tzinfo=zone_of(self.organization))

    def answers(self) -> dict[str, str]:
        return {
            line.id: self.cleaned_data[line_field_name(line.id)] for line in self.checklist.lines
        }

    def placement(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": self.units.get(data["unit"]),
            "staff_member": self.staff.get(data["staff_member"])
            if data.get("staff_member") is not None
            else None,
            "service": self.services.get(data["service"])
            if data.get("service") is not None
            else None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("unit") is not None and data["unit"] not in self.units:
            self.add_error("unit", _("Choose one of the units offered."))
        return data


class ActionForm(forms.Form):
    line_id = forms.ChoiceField(label=_("What failed"))
    description = forms.CharField(
        label=_("Action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    working_days = forms.IntegerField(
        label=_("Due in working days"),
        min_value=1,
        max_value=120,
        initial=5,
        help_text=_("Counted on the organization's calendar of working days."),
    )

    def __init__(
        self, *args: Any, lines: list[tuple[str, str]], owners: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line_id"].choices = lines
        self.fields["owner"].choices = [
            (u.pk, u.get_full_name() or u.get_username()) for u in owners
        ]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    reaudit = forms.TypedChoiceField(
        label=_("Re-audit"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, reaudits: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reaudit"].choices = [("", _("(none yet)")), *reaudits]
