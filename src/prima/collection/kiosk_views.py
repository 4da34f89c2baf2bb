"""Kiosk pages (``/kiosk/``): the app shell, its service worker and manifest, and pairing.

The shell carries no server-side data but the interface texts in both languages
(:mod:`prima.collection.kiosk_text`, from the gettext catalogue): the tablet's script (``prima/kiosk.js``) reads the device
token from the browser (IndexedDB, localStorage), fetches the survey through the public API and
keeps answers in IndexedDB until the server has stored them, so the page works from the service
worker's cache while offline.

Pairing: the admin's one-time link ``/kiosk/pair/<code>/`` shows a confirm button (a GET never
uses the code up, so link previews and prefetching cannot spend it); the POST exchanges the code
for the device token and hands it to the tablet's script.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from prima.abuse.controls import client_ip, page_rate_limited
from prima.collection.kiosk_text import kiosk_texts
from prima.collection.kiosks import kiosk_pair, kiosk_pairing_device
from prima.ui.tokens import COLOR

# the design system's tokens first: kiosk.css reads its colours, type and spacing from them
SHELL_ASSETS = ("prima/ui/tokens.css", "prima/kiosk.css", "prima/kiosk.js", "prima/kiosk-icon.svg")
SHELL_TEMPLATE = "collection/kiosk/shell.html"


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or "id"
    return "en" if lang == "en" else "id"


def _too_many(request: HttpRequest) -> HttpResponse | None:
    if page_rate_limited(client_ip(request.META)):
        return HttpResponse("Too many requests", status=429, headers={"Retry-After": "600"})
    return None


@require_GET
def kiosk_shell(request: HttpRequest) -> HttpResponse:
    """The app shell: the same bytes for every device (the service worker caches it)."""
    with translation.override("id"):
        response = render(request, SHELL_TEMPLATE, {"lang": "id", "texts": kiosk_texts()})
    response["Cache-Control"] = "no-cache"
    return response


def shell_version() -> str:
    """Changes whenever the shell or one of its assets changes, so tablets fetch the new ones."""
    digest = hashlib.sha256()
    template = get_template(SHELL_TEMPLATE).template.source
    digest.update(template.encode("utf-8"))
    digest.update(json.dumps(kiosk_texts(), sort_keys=True).encode("utf-8"))  # the catalogue
    for asset in SHELL_ASSETS:
        found = finders.find(asset)
        if found:
            digest.update(Path(str(found)).read_bytes())
    return digest.hexdigest()[:16]


@require_GET
def kiosk_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from ``/kiosk/`` so that its scope is the kiosk."""
    shell = [reverse("kiosk:shell"), reverse("kiosk:manifest"), *map(static, SHELL_ASSETS)]
    response = render(
        request,
        "collection/kiosk/sw.js",
        {
            "version": shell_version(),
            "shell": json.dumps(shell),
            "shell_path": json.dumps(reverse("kiosk:shell")),
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("kiosk:shell")
    return response


@require_GET
def kiosk_manifest(request: HttpRequest) -> HttpResponse:
    shell = reverse("kiosk:shell")
    manifest: dict[str, Any] = {
        # in the language of the device's browser (the tablet installs the kiosk in it)
        "name": gettext("Prima · survey kiosk"),
        "short_name": gettext("Prima kiosk"),
        "lang": get_language() or "id",
        "start_url": shell,
        "scope": shell,
        "display": "fullscreen",
        "orientation": "any",
        "background_color": COLOR["bg"],
        "theme_color": COLOR["brand"],
        "icons": [{"src": static("prima/kiosk-icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_pair_page(request: HttpRequest, pairing_code: str) -> HttpResponse:
    """GET: what is about to be paired, and a button; POST: pair (the code works once)."""
    limited = _too_many(request)
    if limited is not None:
        return limited
    lang = _lang(request)
    with translation.override(lang):
        return _pair_page(request, pairing_code, lang)


def _pair_page(request: HttpRequest, pairing_code: str, lang: str) -> HttpResponse:
    context: dict[str, Any] = {"lang": lang, "other_lang": "en" if lang == "id" else "id"}
    if request.method == "POST":
        paired = kiosk_pair(pairing_code=pairing_code[:100])
        if paired is None:
            return render(request, "collection/kiosk/pair_invalid.html", context, status=404)
        device, token = paired
        context["pairing"] = {
            "token": token,
            "survey": device.survey.code,
            "name": device.name,
            "kiosk": reverse("kiosk:shell"),
        }
        response = render(request, "collection/kiosk/paired.html", context)
        response["Cache-Control"] = "no-store"
        return response
    device = kiosk_pairing_device(pairing_code[:100])
    if device is None:
        return render(request, "collection/kiosk/pair_invalid.html", context, status=404)
    context["device"] = device
    return render(request, "collection/kiosk/pair.html", context)
