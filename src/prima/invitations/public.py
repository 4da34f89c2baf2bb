"""The invitation step of the public survey page (:mod:`prima.collection.views`) for an
employee survey: ``?invitation=CODE`` (or the form field ``invitation``) is checked before the
form is shown; a spent or unknown code gets a page that says so (403, no form), and a survey
that requires an invitation asks for the code when the link carries none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from prima.invitations.codes import display, normalise
from prima.invitations.gate import invitation_find, invitation_required


@dataclass(frozen=True)
class InvitationStep:
    code: str  # as printed (``K7RMX-2QHFA``), "" without one
    unit_id: int | None  # the unit the invitation was made for
    page: HttpResponse | None  # the page to answer with instead of the form


def invitation_step(request: HttpRequest, survey: Any, lang: str) -> InvitationStep:
    typed = normalise(request.GET.get("invitation") or request.POST.get("invitation"))
    if not survey.is_employee or not survey.is_open():
        return InvitationStep(display(typed) if typed else "", None, None)
    if typed:
        invitation = invitation_find(survey, typed)
        if invitation is None:
            return InvitationStep(display(typed), None, refused_page(request, survey, lang))
        return InvitationStep(display(typed), invitation.unit_id, None)
    if invitation_required(survey):
        return InvitationStep("", None, _ask_page(request, survey, lang))
    return InvitationStep("", None, None)


def _context(survey: Any, lang: str) -> dict[str, Any]:
    other = "en" if lang == "id" else "id"
    return {
        "survey": survey,
        "lang": lang,
        "other_lang": other,
        "switch_url": "?" + urlencode({"lang": other}),
    }


def _ask_page(request: HttpRequest, survey: Any, lang: str) -> HttpResponse:
    return render(request, "invitations/ask.html", _context(survey, lang))


def refused_page(request: HttpRequest, survey: Any, lang: str) -> HttpResponse:
    """The page of a spent or unknown code (403): nothing was stored."""
    return render(request, "invitations/refused.html", _context(survey, lang), status=403)
