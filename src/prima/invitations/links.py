"""The survey link an invitation carries: ``https://host/s/<code>/?invitation=CODE``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from prima.invitations.codes import display


def survey_url(survey: Any, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("collection:page", args=[survey.code])


def invitation_url(survey: Any, code: str, base_url: str) -> str:
    return f"{survey_url(survey, base_url)}?{urlencode({'invitation': display(code)})}"
