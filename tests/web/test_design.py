"""The design system (docs/design.md) through the HTTP stack: the component page in both
languages, the error pages in the request's language, the language switch, the admin's language,
and the tokens' contrast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import translation

from prima.ui import sparkline
from prima.ui.errors import server_error
from prima.ui.tokens import COLOR, NON_TEXT_PAIRS, TEXT_PAIRS, contrast

TOKENS_CSS = Path(__file__).parents[2] / "src/prima/ui/static/prima/ui/tokens.css"

# every component of docs/design.md, by the class that marks it on the component page
COMPONENTS = [
    "ui-topnav",
    "ui-lang",
    "ui-page-header",
    "ui-breadcrumbs",
    "ui-button",
    "ui-button--secondary",
    "ui-field",
    "ui-field__hint",
    "ui-field__error",
    "ui-fieldset",
    "ui-filter-bar",
    "ui-figure",
    "ui-figure__interval",
    "ui-figure__change--good",
    "ui-figure__footnote",
    "ui-badge--mutu-a",
    "ui-badge--mutu-b",
    "ui-badge--mutu-c",
    "ui-badge--mutu-d",
    "ui-badge--success",
    "ui-badge--danger",
    "ui-notice",
    "ui-notice--success",
    "ui-notice--warning",
    "ui-notice--error",
    "ui-table-scroll",
    "ui-table-scroll__hint",
    "ui-chart-pair",
    "ui-sparkline",
    "ui-section",
    "ui-tabs",
    "ui-empty",
    "ui-error-page",
    "ui-pagination",
    "ui-card",
    "ui-list",
    "ui-dl",
]


def _view_400(request):
    raise BadRequest("broken")


def _view_403(request):
    raise PermissionDenied


def _view_500(request):
    raise RuntimeError("boom")


# the site's URLs plus three that fail; Django reads handler400... from the root URLconf
urlpatterns = [
    path("fail/400/", _view_400),
    path("fail/403/", _view_403),
    path("fail/500/", _view_500),
    path("", include("prima.config.urls")),
]
handler400 = "prima.ui.errors.bad_request"
handler403 = "prima.ui.errors.permission_denied"
handler404 = "prima.ui.errors.page_not_found"
handler500 = "prima.ui.errors.server_error"


def english() -> Client:
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", ["Sistem desain", "Geser untuk melihat kolom lain", "Sangat Baik", "Tidak Baik"]),
        ("en", ["Design system", "Swipe to see the other columns", "Very good", "Very poor"]),
    ],
)
def test_the_component_page_shows_every_component(client, lang, words):
    response = client.get(f"/design/?lang={lang}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    missing = [c for c in COMPONENTS if not re.search(rf'class="[^"]*\b{c}\b', html)]
    assert missing == []
    for word in words:
        assert word in html
    assert "style=" not in html  # the Content-Security-Policy refuses inline styles


@pytest.mark.django_db
def test_the_component_page_is_public_and_indonesian_by_default(client):
    response = client.get("/design/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert "Sistem desain" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("status", "address", "indonesian", "english_text"),
    [
        (
            400,
            "/fail/400/",
            "Permintaan tidak dapat diproses",
            "The request could not be processed",
        ),
        (403, "/fail/403/", "Anda tidak memiliki akses ke halaman ini", "You do not have access"),
        (404, "/s/salah-ketik/", "Halaman tidak ditemukan", "Page not found"),
        (500, "/fail/500/", "Terjadi kesalahan di sisi kami", "Something went wrong"),
    ],
)
def test_error_pages_speak_the_request_language(
    settings, status, address, indonesian, english_text
):
    assert settings.DEBUG is False
    response = Client(raise_request_exception=False).get(
        address, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert response.status_code == status
    html = response.content.decode()
    assert indonesian in html
    assert '<html lang="id">' in html
    assert f"Galat {status}" in html
    assert 'href="/"' in html  # a way back

    response = english().get(address)
    assert response.status_code == status
    html = response.content.decode()
    assert english_text in html
    assert indonesian not in html
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_not_found_follows_lang_in_the_address(client):
    response = client.get("/hasil/tidak-ada/?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_renders_without_a_database_or_context():
    # no django_db mark: any query would fail the test
    with translation.override("id"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan di sisi kami" in response.content.decode()


@pytest.mark.django_db
def test_the_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_the_language_switch_works_without_javascript():
    client = Client()
    page = client.get("/accounts/login/")
    assert 'action="/i18n/setlang/"' in page.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in to Prima" in html
    assert '<html lang="en">' in html
    client.post("/i18n/setlang/", {"language": "id", "next": "/accounts/login/"})
    assert "Masuk ke Prima" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_the_switch_returns_to_the_page_without_its_lang_parameter(client):
    html = client.get("/design/?lang=en&x=1").content.decode()
    assert 'name="next" value="/design/?x=1"' in html


@pytest.mark.django_db
def test_manage_speaks_indonesian_whatever_the_browser_says(world):
    client = world.client("alice")
    html = client.get("/manage/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Tambah" in html
    assert "Recent actions" not in html
    assert "Kelola organisasi" in html
    assert 'href="/app/"' in html  # the way back
    assert 'action="/i18n/setlang/"' in html
    client.cookies["django_language"] = "en"
    html = client.get("/manage/").content.decode()
    assert "Recent actions" in html
    assert "Manage organization" in html


@pytest.mark.django_db
def test_the_back_office_layout_is_translated(world):
    client = world.client("alice")
    html = client.get("/app/").content.decode()
    assert "Langsung ke isi" in html
    assert "Pemberitahuan" in html
    assert "Keluar (alice)" in html
    client.cookies["django_language"] = "en"
    html = client.get("/app/").content.decode()
    assert "Skip to content" in html
    assert "Notifications" in html
    assert "Sign out (alice)" in html


# -- the tags --------------------------------------------------------------------------------
def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("direction", "significant", "better", "tone"),
    [
        ("up", True, True, "good"),
        ("down", True, True, "bad"),
        ("up", True, False, "bad"),
        ("down", False, True, "neutral"),
        ("flat", True, True, "neutral"),
    ],
)
def test_a_change_is_coloured_only_when_significant(direction, significant, better, tone):
    html = render(
        '{% ui_figure_card "IKM" "78,71" change="+1" direction=d significant=s higher_is_better=b %}',
        d=direction,
        s=significant,
        b=better,
    )
    assert f"ui-figure__change--{tone}" in html


def test_the_mutu_badge_names_the_band():
    with translation.override("id"):
        html = render('{% ui_mutu_badge "b" %}{% ui_mutu_badge "X" %}')
    assert "ui-badge--mutu-b" in html
    assert "Baik" in html
    assert ">-<" in html  # an unknown grade shows a dash, no colour


def test_pagination_keeps_the_other_parameters():
    request = RequestFactory().get("/app/pemberitahuan/?unit=3&page=2")
    page = Paginator(range(100), 10).page(2)
    with translation.override("en"):
        html = render("{% ui_pagination page %}", page=page, request=request)
    assert 'href="?unit=3&amp;page=3"' in html
    assert 'rel="prev"' in html
    assert "Page 2 of 10" in html


def test_sparkline_geometry():
    assert sparkline.shape([]).path == ""
    assert sparkline.shape([None, "x"]).path == ""
    gap = sparkline.shape([1, None, 3])
    assert gap.path.count("M") == 2  # a gap lifts the pen
    flat = sparkline.shape([5, 5])
    assert flat.path == "M3.0 14.0L97.0 14.0"
    assert sparkline.shape([7]).last == (50.0, 14.0)


# -- the tokens ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_colours_reach_aa(text, background):
    assert contrast(COLOR[text], COLOR[background]) >= 4.5


@pytest.mark.parametrize(("line", "background"), NON_TEXT_PAIRS)
def test_borders_and_focus_reach_3_to_1(line, background):
    assert contrast(COLOR[line], COLOR[background]) >= 3


def test_tokens_css_and_tokens_py_agree():
    css = dict(re.findall(r"--color-([a-z-]+):\s*(#[0-9a-f]{6})", TOKENS_CSS.read_text()))
    assert css == COLOR


@pytest.mark.parametrize(
    "template",
    ["src/prima/ui/templates/ui/email_base.html", "src/prima/alerts/templates/alerts/email.html"],
)
def test_e_mails_use_only_token_colours(template):
    text = (Path(__file__).parents[2] / template).read_text()
    colours = set(re.findall(r"#[0-9a-f]{6}", text))
    assert colours
    assert colours <= set(COLOR.values())


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_styled_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulir telah kedaluwarsa" in html
    assert "Galat 403" in html
