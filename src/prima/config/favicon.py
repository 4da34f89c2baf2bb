"""``/favicon.ico``: the site's icon where browsers look for it without a ``<link>`` (the
management pages, the API's JSON, files); pages link ``prima/favicon.svg``."""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ICON = "prima/favicon.ico"


@cache
def _icon() -> bytes:
    path = finders.find(ICON)
    if not path:
        raise FileNotFoundError(f"static file {ICON} is missing from the installation")
    with open(path, "rb") as f:
        return f.read()


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_icon(), content_type="image/vnd.microsoft.icon")
