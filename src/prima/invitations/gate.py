"""The check every submission of an employee survey passes (registered in
:data:`prima.surveys.services.submission_gates` by the app's ``ready``).

- A customer survey: nothing to do (no query).
- An employee survey with a code (the page's ``?invitation=`` or form field, the API's
  ``invitation``): the code must be an unspent invitation of the survey, else the submission is
  refused (``invitation``) and nothing is stored; the invitation fixes the response's unit, and
  it is spent -- its row deleted -- in the transaction that stores the response, just before the
  INSERT. Two submissions with the same code: the second deletes nothing and is refused
  (``conflict``), its transaction stores nothing.
- An employee survey without a code: refused when the survey requires an invitation
  (:class:`~prima.invitations.models.InvitationPolicy`), else an open-link response.
"""

from __future__ import annotations

from typing import Any

from prima import i18n
from prima.i18n import gettext_noop
from prima.invitations.codes import code_hash, normalise
from prima.invitations.models import Invitation, InvitationPolicy
from prima.surveys.services import SubmissionError, SubmissionGate

REQUIRED = gettext_noop(
    "this survey is answered with a personal invitation code; open the link of your invitation "
    "or type its code"
)
REFUSED = gettext_noop(
    "this invitation code cannot be used: it has been used already, or it is not a code of this "
    "survey"
)


def invitation_required(survey: Any) -> bool:
    return InvitationPolicy.objects.filter(survey=survey, required=True).exists()


def invitation_find(survey: Any, typed: str | None) -> Invitation | None:
    """The unspent invitation of ``survey`` a typed code names (None: unknown or spent)."""
    code = normalise(typed)
    if not code:
        return None
    return (
        Invitation.objects.filter(survey=survey, code_hash=code_hash(survey.pk, code))
        .only("pk", "unit_id")
        .first()
    )


def invitation_gate(survey: Any, submission: Any, lang: str) -> SubmissionGate | None:
    if not survey.is_employee:
        return None
    typed = normalise(submission.invitation)
    if not typed:
        if invitation_required(survey):
            raise SubmissionError({"invitation": i18n.gettext(REQUIRED, lang)})
        return None
    invitation = invitation_find(survey, typed)
    if invitation is None:
        raise SubmissionError({"invitation": i18n.gettext(REFUSED, lang)}, conflict=True)
    pk = invitation.pk

    def spend() -> None:
        deleted, _ = Invitation.objects.filter(pk=pk).delete()
        if not deleted:  # spent meanwhile by another submission
            raise SubmissionError({"invitation": i18n.gettext(REFUSED, lang)}, conflict=True)

    return SubmissionGate(unit_id=invitation.unit_id, spend=spend)
