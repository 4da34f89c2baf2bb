"""The language of a request: ``?lang=`` when the address names one, else the language the
visitor chose with the switch (Django's language cookie), else Bahasa Indonesia.

The browser's ``Accept-Language`` is deliberately not consulted: Prima is an Indonesian service
first, and a phone set to English used to get Django's admin in English beside Prima's
Indonesian pages ("WELCOME / Add / Change" on an Indonesian page, issue 10). A visitor who
wants English says so once with the switch.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def supported(code: str | None) -> str | None:
    """``code`` if it is one of ``settings.LANGUAGES``, else None."""
    if code and code in dict(settings.LANGUAGES):
        return code
    return None


def language_of(request: HttpRequest) -> str:
    """The language to answer ``request`` in (see the module's docstring)."""
    return (
        supported(request.GET.get("lang"))
        or supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or settings.LANGUAGE_CODE
    )


class LanguageMiddleware:
    """Activates :func:`language_of` for the request (in place of Django's LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        patch_vary_headers(response, ("Cookie",))
        return response
