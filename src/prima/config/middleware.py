"""503 Service Unavailable when the database is unavailable, and JSON errors under ``/api/``.

A refused connection, a connection the server closed, a database locked for longer than the
busy timeout or a transaction the database broke off (deadlock, restart): the request is
answered ``503`` with ``Retry-After``, never ``500`` and never a success. A submission is
acknowledged only after its transaction committed, so a client that sees 503 keeps the answer
and sends it again with the same submission id (the kiosk does); nothing was stored.

``/api/`` paths get the API's JSON error (``{"detail": ..., "errors": {}}``), other paths a short
bilingual page. The page is plain text in code: rendering a template could need the database.

:class:`ApiErrorMiddleware` makes every other error under ``/api/`` JSON too: an unknown path
(404), a wrong method (405, with ``Allow``), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413,
refused before it is read), a malformed request (400) and an unexpected exception (500, logged,
no traceback in the answer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static

from prima import i18n
from prima.i18n import gettext_noop

logger = logging.getLogger("prima.database")
api_logger = logging.getLogger("prima.api")

RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

DATABASE_MESSAGE = gettext_noop("the database is unavailable; please try again shortly")

PAGE = """<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Layanan sedang sibuk · Service busy</title>
<link rel="stylesheet" href="{tokens}">
<link rel="stylesheet" href="{components}"></head>
<body class="ui-body ui-body--public"><main class="ui-container ui-container--reading">
<h1>Layanan sedang sibuk</h1>
<p>Sistem sedang tidak dapat menyimpan atau menampilkan data. Jawaban Anda belum tersimpan:
silakan coba lagi dalam beberapa detik.</p>
<h2 lang="en">Service busy</h2>
<p lang="en">The system cannot store or show data right now. Your answer has not been saved:
please try again in a few seconds.</p>
</main></body>
</html>
"""


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.headers.get("Accept-Language", "id")
    return "en" if lang.lower().startswith("en") else "id"


def database_unavailable(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """The 503 answer (JSON under ``/api/``, a page elsewhere) with ``Retry-After``."""
    logger.warning("database unavailable (%s %s): %s", request.method, request.path, exc)
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": i18n.gettext(DATABASE_MESSAGE, _lang(request)), "errors": {}}, status=503
        )
    else:
        # the design system's stylesheets, not a style attribute: the Content-Security-Policy
        # refuses inline style
        page = PAGE.replace("{tokens}", static("prima/ui/tokens.css")).replace(
            "{components}", static("prima/ui/components.css")
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns the database's connection and availability errors into 503 (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


# -- JSON errors under /api/ ---------------------------------------------------------------------
API_PREFIX = "/api/"

API_ERRORS: dict[int, str] = {
    400: gettext_noop("bad request"),
    401: gettext_noop("authentication required"),
    403: gettext_noop("forbidden"),
    404: gettext_noop("not found"),
    405: gettext_noop("method {method} not allowed (allowed: {allow})"),
    413: gettext_noop("request body exceeds {limit}"),
    500: gettext_noop("internal server error"),
}


def body_limit() -> int | None:
    """The largest request body the site reads, in bytes (None: no limit)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _megabytes(size: int, lang: str) -> str:
    text = f"{size / 1048576:.1f}".removesuffix(".0")
    return f"{text.replace('.', ',') if lang == 'id' else text} MB"


def api_error_response(
    request: HttpRequest, status: int, detail: str | None = None, **params: str
) -> JsonResponse:
    """``{"detail": ..., "errors": {}}`` with ``status``; ``detail`` defaults to the status's
    message in the client's language."""
    if detail is None:
        lang = _lang(request)
        message = API_ERRORS.get(status)
        detail = i18n.gettext(message, lang).format(**params) if message else f"HTTP {status}"
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


def api_too_large(request: HttpRequest) -> JsonResponse:
    """413 JSON naming the limit on the body's size."""
    limit = body_limit() or 0
    return api_error_response(request, 413, limit=_megabytes(limit, _lang(request)))


def _declared_too_large(request: HttpRequest) -> bool:
    limit = body_limit()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django refuses the request while reading it
    return limit is not None and length > limit


class ApiErrorMiddleware:
    """Every error under ``/api/`` is JSON with ``detail`` (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if _declared_too_large(request):
            return api_too_large(request)  # before anything reads the body
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response):
            return response
        return self._as_json(request, response)

    def _as_json(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        params = {}
        if status == 405:
            params = {"method": request.method or "", "allow": response.get("Allow", "")}
        if status == 413:
            params = {"limit": _megabytes(body_limit() or 0, _lang(request))}
        out = api_error_response(request, status, **params)
        for header, value in response.items():  # Allow, Retry-After, security headers...
            if header.lower() not in ("content-type", "content-length"):
                out[header] = value
        return out

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        if isinstance(exception, RequestDataTooBig):
            return api_too_large(request)
        if isinstance(exception, (SuspiciousOperation, BadRequest, UnicodeError)):
            return api_error_response(request, 400)
        if isinstance(exception, Http404):
            return api_error_response(request, 404)
        if isinstance(exception, PermissionDenied):
            return api_error_response(request, 403)
        return api_unexpected_error(request, exception)


def api_unexpected_error(request: HttpRequest, exception: BaseException) -> JsonResponse:
    """500 JSON for an exception nothing else handled: logged with its traceback, which the
    answer never carries."""
    api_logger.error(
        "unexpected error on %s %s",
        request.method,
        request.path,
        exc_info=(type(exception), exception, exception.__traceback__),
    )
    return api_error_response(request, 500)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
