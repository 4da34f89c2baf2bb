"""The forms of the case pages: the list's filters, the staff intake and the case's actions.

Every text field refuses characters that cannot be stored or shown (:mod:`prima.storable_text`)
and says so at the field; the complaint is at most ``TEXT_MAX`` (5,000) characters.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prima.cases.models import TEXT_MAX, CaseChannel, CaseStatus, CaseTier
from prima.organizations.calendar import local_date, zone_of
from prima.organizations.models import Organization, Unit
from prima.storable_text import unstorable_character

STAFF_CHANNELS = [
    (c.value, c.label)
    for c in (
        CaseChannel.LETTER,
        CaseChannel.PHONE,
        CaseChannel.WALK_IN,
        CaseChannel.EMAIL,
        CaseChannel.SOCIAL_MEDIA,
    )
]
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,28}$")


def storable(value: str) -> str:
    bad = unstorable_character(value or "")
    if bad:
        raise ValidationError(
            _("This text holds a character that cannot be stored (%(char)s): remove it.")
            % {"char": bad}
        )
    return value


class StorableCharField(forms.CharField):
    def clean(self, value: Any) -> Any:
        return storable(super().clean(value))


def phone_digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value or "")


FILTER_ORDER = [
    "organization",
    "unit",
    "service",
    "staff",
    "status",
    "category",
    "tier",
    "owner",
    "timeliness",
    "period",
    "from",
    "to",
    "q",
]


class FilterForm(forms.Form):
    """The list's filters (GET): every field optional; an invalid one is shown at its field and
    left out of the filter."""

    TIMELINESS = [("", _("All")), ("late", _("Late")), ("on_time", _("On time"))]

    organization = forms.TypedChoiceField(
        label=_("Organization"), required=False, coerce=int, empty_value=None
    )
    unit = forms.TypedChoiceField(
        label=_("Unit (with the units under it)"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    timeliness = forms.ChoiceField(label=_("Deadlines"), required=False, choices=TIMELINESS)
    period = StorableCharField(
        label=_("Received in"),
        required=False,
        max_length=20,
        help_text=_("2026, 2026-S1, 2026-Q3 or 2026-07"),
    )
    q = StorableCharField(label=_("Search"), required=False, max_length=200)
    service = forms.TypedChoiceField(
        label=_("Service"), required=False, coerce=int, empty_value=None
    )
    staff = forms.TypedChoiceField(
        label=_("Staff member"), required=False, coerce=int, empty_value=None
    )
    # "from" and "to" (the dashboard's names for a range) are added in __init__: "from" is a
    # keyword of Python
    DATE_ERROR = _("Write a date as YYYY-MM-DD, for example 2026-08-31.")

    def __init__(
        self,
        data: Any,
        *,
        organizations: list[Organization],
        units: list[tuple[int, str]],
        categories: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        services: list[tuple[int, str]] | None = None,
        staff: list[tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(data)
        for name, label in (("from", _("Received from")), ("to", _("Received until"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d"],
                error_messages={"invalid": self.DATE_ERROR},
                help_text=_("In the organization's time zone; the day itself included."),
            )
        self.order_fields(FILTER_ORDER)
        self.fields["service"].choices = [("", _("All")), *(services or [])]
        self.fields["staff"].choices = [("", _("All")), *(staff or [])]
        if not services:
            del self.fields["service"]
        if not staff:
            del self.fields["staff"]
        self.fields["organization"].choices = [
            ("", _("All")),
            *((o.pk, o.name) for o in organizations),
        ]
        self.fields["unit"].choices = [("", _("All units you may see")), *units]
        self.fields["status"].choices = [
            ("", _("All")),
            ("open", _("Open (not resolved)")),
            *CaseStatus.choices,
        ]
        self.fields["category"].choices = [("", _("All")), *categories]
        self.fields["tier"].choices = [("", _("All")), *CaseTier.choices]
        self.fields["owner"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody yet")),
            *((str(pk), name) for pk, name in owners),
        ]
        if len(organizations) < 2:
            del self.fields["organization"]

    def clean_period(self) -> str:
        from prima.insights.periods import parse_period

        value = self.cleaned_data.get("period", "").strip()
        if value:
            try:
                parse_period(value)
            except ValueError:
                raise ValidationError(
                    _("Write a period as 2026, 2026-S1, 2026-Q3 or 2026-07.")
                ) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end date %(end)s is before the start date.") % {"end": end})
        return data

    def valid_data(self) -> dict[str, Any]:
        """The fields that are valid (an invalid one is left out; a range whose end is before
        its start is left out whole)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        if "to" in self.errors:
            data.pop("from", None)
        return data


class IntakeForm(forms.Form):
    """A complaint received by letter, telephone, in person, by e-mail or on social media."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNELS)
    received_on = forms.DateField(
        label=_("Date received"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date on the letter, of the call or of the visit."),
    )
    received_time = forms.TimeField(
        label=_("Time received (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    text = StorableCharField(
        label=_("Complaint"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In the complainant's words; at most 5,000 characters."),
    )
    tier = forms.ChoiceField(
        label=_("Tier"),
        choices=CaseTier.choices,
        initial=CaseTier.ORDINARY,
        help_text=_("How long the resolution may take: 5, 14 or 60 working days by default."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous: the complainant left no name or contact"), required=False
    )
    contact_name = StorableCharField(label=_("Complainant's name"), required=False, max_length=200)
    contact_email = forms.EmailField(
        label=_("Complainant's e-mail"), required=False, max_length=254
    )
    contact_phone = StorableCharField(
        label=_("Complainant's telephone"),
        required=False,
        max_length=30,
        help_text=_("For example 0812-3456-7890 or +62 812 3456 7890."),
    )
    consent = forms.BooleanField(
        label=_("The complainant agreed to be contacted about the complaint"), required=False
    )
    language = forms.ChoiceField(
        label=_("Language of the complainant's e-mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )

    def __init__(
        self,
        data: Any = None,
        *,
        units: dict[int, Unit],
        unit_labels: dict[int, str],
        categories: dict[int, list[tuple[str, str]]],
        initial: dict[str, Any] | None = None,
    ) -> None:
        initial = {"submission_id": uuid.uuid4(), **(initial or {})}
        super().__init__(data, initial=initial)
        self.units = units
        self.categories = categories  # organization id -> (key, name) of its categories
        self.fields["unit"].choices = [("", "—"), *((pk, unit_labels[pk]) for pk in units)]
        offered: dict[str, str] = {}
        for choices in categories.values():
            for key, name in choices:
                offered.setdefault(key, name)
        self.fields["category"].choices = [("", _("Not yet chosen")), *offered.items()]

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise ValidationError(_("Choose one of the units."))
        return unit

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone", "").strip()
        if value and (not PHONE.match(value) or not 6 <= len(phone_digits(value)) <= 16):
            raise ValidationError(_("Write a telephone number, e.g. 0812-3456-7890."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit = data.get("unit")
        key = data.get("category") or ""
        offered = {k for k, _name in self.categories.get(getattr(unit, "organization_id", 0), [])}
        if key and isinstance(unit, Unit) and key not in offered:
            self.add_error("category", _("Choose a category of the unit's organization."))
        contact = [data.get(k) for k in ("contact_name", "contact_email", "contact_phone")]
        if data.get("anonymous") and any(contact):
            self.add_error(
                "anonymous", _("An anonymous complaint has no name or contact: clear them.")
            )
        received = data.get("received_on")
        if isinstance(unit, Unit) and isinstance(received, date):
            today = local_date(unit.organization, timezone.now())
            if received > today:
                self.add_error("received_on", _("The date received cannot be in the future."))
            else:
                data["received_at"] = received_at(unit.organization, received, data, today)
        return data


def received_at(
    organization: Organization, day: date, data: dict[str, Any], today: date
) -> datetime:
    """The instant of receipt in the organization's zone: the time given, else now for today
    and noon for an earlier day; never later than now."""
    zone = zone_of(organization)
    now = timezone.now()
    moment: time | None = data.get("received_time")
    if moment is None:
        if day == today:
            return now
        moment = time(12, 0)
    instant = datetime.combine(day, moment, tzinfo=zone)
    return min(instant, now)


def label_of(category: Any) -> str:
    """A category's name (its own, else the built-in name of its key in the active language)."""
    from prima.cases.services import category_name

    return category_name(category)


REPLY = "reply"  # a message to the complainant without a change of status


class TransitionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[*CaseStatus.choices, (REPLY, _("Send the message only"))],
    )
    note = StorableCharField(
        label=_("Message to the complainant"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the tracking page and sent by e-mail when an address was given."),
    )

    id_prefix = "move"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")  # ids apart from the other forms
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        note = (data.get("note") or "").strip()
        if data.get("status") == CaseStatus.REJECTED and not note:
            self.add_error("note", _("Give the reason for the rejection."))
        if data.get("status") == REPLY and not note:
            self.add_error("note", _("Write the message to the complainant."))
        return data


class RejectForm(TransitionForm):
    """The rejection: the reason is required (it is shown to the complainant)."""

    id_prefix = "reject"

    note = StorableCharField(
        label=_("Reason for the rejection"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the complainant on the tracking page and in the e-mail."),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class NoteForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "internal_%s")
        super().__init__(*args, **kwargs)

    note = StorableCharField(
        label=_("Internal note"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen only by the officers handling the case, never by the complainant."),
    )


class AssignForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)

    def __init__(self, data: Any = None, *, candidates: list[tuple[int, str]], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.fields["owner"].choices = [("", _("Nobody")), *candidates]


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data: Any = None, *, categories: list[tuple[str, str]], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.fields["category"].choices = [("", _("Not yet chosen")), *categories]


def category_choices(organization: Organization, current: Any = None) -> list[tuple[str, str]]:
    """``(key, name)`` of the organization's active categories, or the built-in ones while it
    has none yet (they are stored when one is first used: no write on a page that only shows
    them); ``current`` (a case's category) is kept in the list even when hidden since."""
    from prima.cases.models import CaseCategory
    from prima.cases.services import BUILTIN_CATEGORIES, OTHER_POSITION

    rows = list(CaseCategory.objects.filter(organization=organization).order_by("position", "key"))
    if rows:
        out = [(c.key, label_of(c)) for c in rows if c.active or c == current]
    else:
        ordered = sorted(
            enumerate(BUILTIN_CATEGORIES),
            key=lambda ic: (OTHER_POSITION if ic[1].key == "other" else ic[0], ic[1].key),
        )
        out = [(c.key, str(c.name)) for _i, c in ordered]
    return out
