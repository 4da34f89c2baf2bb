"""Writes of the staff scorecards: a supervisor's coaching note."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from prima.organizations.models import StaffMember
from prima.staffcards.models import NOTE_MAX, CoachingNote


@transaction.atomic
def coaching_note_add(*, staff: StaffMember, author: AbstractBaseUser, text: str) -> CoachingNote:
    """Store a coaching note to ``staff``; the caller has checked that ``author`` supervises
    them (:func:`prima.staffcards.selectors.supervises`). Refuses an empty or too long text."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": _("A note has at most %(max)d characters.") % {"max": NOTE_MAX}}
        )
    return CoachingNote.objects.create(
        organization_id=staff.organization_id, staff=staff, author=author, text=text
    )
