"""Reads of surveys and responses, always through the permission gate."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from prima.organizations.access import User, organizations_of, unit_scope_q
from prima.surveys.models import Response, Survey


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


def survey_get_public(code: str) -> Survey:
    if not _plausible(code):
        raise Http404("survey")
    survey = (
        Survey.objects.select_related("organization", "instrument_version")
        .filter(code=code)
        .order_by()  # the code is unique: no ORDER BY
        .first()
    )
    if survey is None:
        raise Http404("survey")
    return survey
