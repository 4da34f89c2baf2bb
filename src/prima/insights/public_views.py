"""The public results page of an organization (``/hasil/<slug>/``) and its embeddable widget
(``/hasil/<slug>/embed/``): no sign-in, Bahasa Indonesia with an English switch (``?lang=en``).

An unknown organization answers 404; an organization that publishes nothing gets a page that
says so. Texts come from the gettext catalogue in the page's language (``?lang=``, not the
visitor's session: the page is cached per language); counts are grouped as the language writes
them (``2.311`` / ``2,311``). The widget may be framed by any site (no ``X-Frame-Options``, CSP ``frame-ancestors
*``); the full page keeps the site's ``X-Frame-Options: DENY``. Both are cached (see
:mod:`prima.insights.publication`).
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from prima.insights.publication import (
    CACHE_SECONDS,
    PRIVATE_GROUP,
    SMALL_GROUP,
    public_results,
    publication_stamp,
)
from prima.organizations.models import Organization

TEMPLATES = {"page": "insights/public_results.html", "embed": "insights/public_embed.html"}


def _lang(request: HttpRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "id"


def embed_snippet(embed_url: str, organization_name: str) -> str:
    """The ``<iframe>`` an organization copies into its own site (plain text; escape it)."""
    title = escape(f"{_('Public Satisfaction Survey Results')} · {organization_name}")
    return (
        f'<iframe src="{escape(embed_url)}" title="{title}" width="100%" height="480" '
        'style="border:0;max-width:40rem" loading="lazy"></iframe>'
    )


def embed_urls(request: HttpRequest, organization: Organization) -> tuple[str, str, str]:
    """The public page's URL, the widget's URL and the iframe snippet, absolute."""
    page = request.build_absolute_uri(reverse("public_results:page", args=[organization.slug]))
    embed = request.build_absolute_uri(reverse("public_results:embed", args=[organization.slug]))
    return page, embed, embed_snippet(embed, organization.name)


def _render(request: HttpRequest, slug: str, view: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    lang = _lang(request)
    key = ":".join(
        (
            "prima:hasil",
            str(organization.pk),
            view,
            lang,
            request.scheme or "http",
            request.get_host(),
            publication_stamp(organization),
        )
    )
    html = cache.get(key)
    if html is None:
        with translation.override(lang):
            page_url, embed_url, snippet = embed_urls(request, organization)
            html = render_to_string(
                TEMPLATES[view],
                {
                    "organization": organization,
                    "lang": lang,
                    "other_lang": "id" if lang == "en" else "en",
                    "periods": public_results(organization, lang),
                    "small_group": SMALL_GROUP,
                    "private_group": PRIVATE_GROUP,
                    "page_url": page_url,
                    "embed_url": embed_url,
                    "snippet": snippet,
                },
            )
        cache.set(key, html, CACHE_SECONDS)
    response = HttpResponse(html)
    response["Content-Language"] = lang
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def results_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _render(request, slug, "page")


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # the rest of the site's policy stays
def results_embed(request: HttpRequest, slug: str) -> HttpResponse:
    return _render(request, slug, "embed")
