"""503 Service Unavailable when the database is unavailable.

A refused connection, a connection the server closed, a database locked for longer than the
busy timeout or a transaction the database broke off (deadlock, restart): the request is
answered ``503`` with ``Retry-After``, never ``500`` and never a success. A submission is
acknowledged only after its transaction committed, so a client that sees 503 keeps the answer
and sends it again with the same submission id (the kiosk does); nothing was stored.

``/api/`` paths get the API's JSON error (``{"detail": ..., "errors": {}}``), other paths a short
bilingual page. The page is plain text in code: rendering a template could need the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("prima.database")

RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

MESSAGES = {
    "id": "basis data sedang tidak tersedia; coba lagi sebentar lagi",
    "en": "the database is unavailable; please try again shortly",
}

PAGE = """<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Layanan sedang sibuk · Service busy</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem">
<h1>Layanan sedang sibuk</h1>
<p>Sistem sedang tidak dapat menyimpan atau menampilkan data. Jawaban Anda belum tersimpan:
silakan coba lagi dalam beberapa detik.</p>
<h2 lang="en">Service busy</h2>
<p lang="en">The system cannot store or show data right now. Your answer has not been saved:
please try again in a few seconds.</p>
</body>
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
        response = JsonResponse({"detail": MESSAGES[_lang(request)], "errors": {}}, status=503)
    else:
        response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
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
