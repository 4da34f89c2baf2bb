"""The error pages (400, 403, 404, 500) in the request's language, Indonesian by default.

Django's own handlers render ``<code>.html`` too; these differ in rendering each page with the
request (so ``?lang=en`` and the language switch work) except 500, which is rendered from the
template alone: no context processor runs, so a database that is down cannot break it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def _page(request: HttpRequest, status: int) -> HttpResponse:
    body = loader.get_template(f"{status}.html").render({"status": status}, request)
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    body = loader.get_template("500.html").render({"status": 500})
    return HttpResponse(body, status=500)
