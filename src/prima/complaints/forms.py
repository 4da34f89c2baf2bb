"""The public forms of complaints: the complaint, the tracking code, the rating, reopening.

The forms only collect: every rule (required fields, lengths, characters that cannot be stored,
contact and consent) is checked once, by :mod:`prima.cases.services`, whose errors the views
put back at their fields (:data:`FIELD_OF_ERROR`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prima.cases.models import TEXT_MAX, CaseCategory
from prima.cases.services import CONTACT_MAX, category_name
from prima.organizations.models import Unit

NAMED, ANONYMOUS = "named", "anonymous"

# the services' error keys -> the form's fields
FIELD_OF_ERROR = {
    "unit": "unit",
    "category": "category",
    "text": "text",
    "contact": "identity",
    "contact.name": "name",
    "contact.email": "email",
    "contact.phone": "phone",
    "consent": "consent",
    "score": "score",
    "comment": "comment",
    "note": "note",
}


class ComplaintForm(forms.Form):
    unit = forms.ChoiceField(label=_("Service unit"), required=False)
    category = forms.ChoiceField(label=_("What is it about? (optional)"), required=False)
    text = forms.CharField(
        label=_("Your complaint"),
        help_text=_("What happened, when and where? At most 5,000 characters."),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": TEXT_MAX}),
    )
    identity = forms.ChoiceField(
        label=_("How may we reply to you?"),
        choices=[
            (NAMED, _("With my name and contact: you can reply to me")),
            (ANONYMOUS, _("Anonymously: no name or contact is kept")),
        ],
        initial=NAMED,
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": CONTACT_MAX}),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        strip=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": CONTACT_MAX}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        help_text=_("An e-mail address or a phone number (WhatsApp) is enough."),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "maxlength": CONTACT_MAX}
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name and contact are kept and used only to handle this "
            "complaint; only the officers handling it see them."
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, units: list[Unit], categories: list[CaseCategory], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Choose…"))] + [(str(u.pk), u.name) for u in units]
        self.fields["category"].choices = [("", _("Not sure"))] + [
            (c.key, category_name(c)) for c in categories
        ]


class LookupForm(forms.Form):
    kode = forms.CharField(
        label=_("Tracking code"),
        help_text=_("As on your receipt, for example K7MX-Q4PA-9R."),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


SCORES = [
    ("1", pgettext_lazy("rating", "1 – Very poor")),
    ("2", pgettext_lazy("rating", "2 – Poor")),
    ("3", pgettext_lazy("rating", "3 – Fair")),
    ("4", pgettext_lazy("rating", "4 – Good")),
    ("5", pgettext_lazy("rating", "5 – Very good")),
]


class RatingForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How well was your complaint handled?"),
        choices=SCORES,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("What is still not resolved? (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
    )
