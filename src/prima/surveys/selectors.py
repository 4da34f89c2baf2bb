"""Reads of surveys and responses, always through the permission gate."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from prima.organizations.access import User, organizations_of, unit_scope_q
from prima.organizations.models import Organization
from prima.surveys.models import InstrumentVersion, Response, Survey


def surveys_for_user(user: User) -> QuerySet[Survey]:
    return Survey.objects.filter(organization__in=organizations_of(user)).select_related(
        "organization", "instrument_version__instrument"
    )


def survey_get_for_user(user: User, code: str) -> Survey:
    """The survey if the user may see its results (possibly only for part of its units), else 404."""
    survey = surveys_for_user(user).filter(code=code).first() if _plausible(code) else None
    if survey is None:
        raise Http404("survey")
    return survey


def response_scope(user: User, survey: Survey) -> Q:
    """The responses of ``survey`` the user may see (their unit subtrees)."""
    q = unit_scope_q(user, survey.organization)
    if q is None:
        raise Http404("survey")
    return q


def responses_for_user(user: User, survey: Survey) -> QuerySet[Response]:
    return Response.objects.filter(response_scope(user, survey), survey=survey)


def _plausible(code: str) -> bool:
    """Whether ``code`` can name a survey (PostgreSQL refuses to compare text with NUL)."""
    return "\x00" not in code


SURVEY_TTL = 5.0
"""Seconds a process reuses a survey looked up by its public code. Every submission needs the
survey, its organization and its instrument version; a change saved in this process is seen
at once (the cache is cleared on save), one saved by another process within this time."""

_public_surveys: dict[str, tuple[float, Survey]] = {}


def survey_get_public(code: str) -> Survey:
    if not _plausible(code):
        raise Http404("survey")
    now = time.monotonic()
    hit = _public_surveys.get(code)
    if hit is not None and now - hit[0] < SURVEY_TTL:
        return hit[1]
    survey = (
        Survey.objects.select_related("organization", "instrument_version")
        .filter(code=code)
        .order_by()  # the code is unique: no ORDER BY
        .first()
    )
    if survey is None:
        _public_surveys.pop(code, None)
        raise Http404("survey")
    if len(_public_surveys) > 1000:
        _public_surveys.clear()
    _public_surveys[code] = (now, survey)
    return survey


@receiver([post_save, post_delete], dispatch_uid="prima.surveys.selectors.forget_surveys")
def _forget_public_surveys(sender: Any, **kwargs: Any) -> None:
    if sender in (Survey, InstrumentVersion, Organization):
        _public_surveys.clear()
