"""Every page in Bahasa Indonesia and in English, through the Django test client (issue 10,
Acceptance: "a test that walks the Indonesian pages (also empty states and error pages) and
finds none of the English strings of the catalogue; the same for English pages and Indonesian
strings").

Each page of the inventory (``tests/web/pages.py``) is fetched in Indonesian (the default) and
in English (the language cookie the switch sets; ``?lang=en`` on the public pages, whose links
carry it). From its visible text (no script or style; of the attributes only ``title``,
``aria-label``, ``placeholder``, ``alt`` and the value of buttons) the walk takes out the
instrument's questions and answers and the organization's own data (names, titles,
suggestions): those are content, not catalogue strings. Then no English msgid (of an entry
translated differently) may be left on an Indonesian page, and no Indonesian msgstr on an
English page. Phrases are matched whole (word boundaries, case ignored) and only when their
literal text (placeholders and markup removed, the longest fragment) has two words or more, so
a single word that is also a name ("Token", "Survei") raises no false alarm. The catalogues are
Prima's (``src/prima/locale``) and Django's own (core, admin, auth), whose strings show on
``/manage/`` and in form errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import django
import polib
import pytest
from django.db import transaction
from django.test import Client, override_settings

from prima.cases.models import Case, CaseEvent, CaseRating
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.surveys.models import InstrumentVersion, Response, Survey
from tests.web.pages import (
    EXCLUDED,
    EXCLUDED_PREFIXES,
    LANGS,
    PAGES,
    PageSpec,
    Site,
    all_routes,
    manage_model_pages,
    route_of,
    seed_site,
)

ROOT = Path(__file__).resolve().parents[2]
PRIMA_CATALOGUE = ROOT / "src/prima/locale/id/LC_MESSAGES/django.po"
DJANGO = Path(django.__file__).parent
DJANGO_CATALOGUES = [
    DJANGO / "conf/locale/id/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/id/LC_MESSAGES/django.po",
    DJANGO / "contrib/auth/locale/id/LC_MESSAGES/django.po",
]
# Django's admin words that issue 10 found on an Indonesian /manage/ (single words, so checked
# apart from the catalogue's phrases; case kept: "Add" and "Change" are the admin's buttons)
ADMIN_WORDS = [re.compile(r"\bRecent actions\b"), re.compile(r"\bAdd\b"), re.compile(r"\bChange\b")]
ADMIN_WORDS_ANY_CASE = [re.compile(r"\bwelcome\b", re.IGNORECASE)]


# -- the seeded site, once for the module (rolled back at the end) ------------------------------
@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_site()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def content(site: Site, django_db_blocker: Any) -> list[str]:
    """Texts that are content, not catalogue strings (longest first)."""
    with django_db_blocker.unblock():
        return content_texts()


# -- visible text --------------------------------------------------------------------------------
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "br",
}  # fmt: skip
SKIPPED = {"script", "style", "template", "textarea"}  # textarea: what a user typed
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SEPARATOR = " ¦ "


class _VisibleText(HTMLParser):
    """The text a person sees or hears on a page, with a separator between blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
            return
        if tag not in INLINE:
            self.parts.append(SEPARATOR)
        values = dict(attrs)
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.parts.append(f"{SEPARATOR}{value}{SEPARATOR}")
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(f"{SEPARATOR}{values.get('value') or ''}{SEPARATOR}")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag not in INLINE:
            self.parts.append(SEPARATOR)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts))


def content_texts() -> list[str]:
    """The instrument's texts (every language) and the organizations' own data."""
    texts: set[str] = set()

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    for definition in InstrumentVersion.objects.values_list("definition", flat=True):
        texts.update(strings(definition))
    texts.update(Organization.objects.values_list("name", flat=True))
    texts.update(Unit.objects.values_list("name", flat=True))
    texts.update(Service.objects.values_list("name", flat=True))
    texts.update(StaffMember.objects.values_list("name", flat=True))
    texts.update(Survey.objects.values_list("title", flat=True))
    texts.update(Response.objects.exclude(suggestion="").values_list("suggestion", flat=True))
    # cases: what complainants wrote, the notes and replies of the officers, the ratings'
    # comments, and the text of a follow-up case (written once, in the default language, when
    # the case is opened: stored like a complaint, not shown through the catalogue)
    for text in Case.objects.values_list("text", flat=True):
        texts.add(text)
        texts.update(text.splitlines())  # the list of cases shows the start of each text
    texts.update(CaseEvent.objects.exclude(note="").values_list("note", flat=True))
    texts.update(CaseRating.objects.exclude(comment="").values_list("comment", flat=True))
    cleaned = {re.sub(r"\s+", " ", t).strip() for t in texts}
    # single words stay: masking them could cut a phrase apart and hide a real finding
    return sorted((t for t in cleaned if words(t) >= 2), key=len, reverse=True)


def without_content(text: str, content: list[str]) -> str:
    for item in content:
        if item in text:
            text = text.replace(item, SEPARATOR)
    return text


# -- the catalogues ------------------------------------------------------------------------------
PLACEHOLDER = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]"
    r"|\{[^{}]*\}|<[^>]*>|[\n\t]"
)


def fragment(text: str) -> str:
    """The longest literal piece of a catalogue string, placeholders and markup removed."""
    pieces = [
        re.sub(r"\s+", " ", p).strip(" .,:;!?…·-–—()[]\"'“”") for p in PLACEHOLDER.split(text)
    ]
    return max(pieces, key=len, default="")


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@dataclass(frozen=True)
class Phrase:
    text: str  # the fragment searched for
    msgid: str  # the catalogue entry it comes from
    source: str  # which catalogue

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)" + re.escape(self.text) + r"(?!\w)", re.IGNORECASE)


def _entries() -> Iterator[tuple[str, list[str], list[str]]]:
    """(catalogue, English texts, Indonesian texts) of every translated entry."""
    for path in [PRIMA_CATALOGUE, *DJANGO_CATALOGUES]:
        source = "prima" if path == PRIMA_CATALOGUE else f"django {path.parts[-5]}"
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            english = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
            if entry.msgid_plural:
                indonesian = [v for v in entry.msgstr_plural.values() if v]
            else:
                indonesian = [entry.msgstr] if entry.msgstr else []
            if not indonesian or set(indonesian) == set(english):
                continue
            yield source, english, indonesian


@cache
def phrases(lang: str) -> tuple[Phrase, ...]:
    """The phrases that must not show on a page in ``lang``: the other language's texts of the
    catalogues, two words or more, and not also part of a text in ``lang`` itself."""
    entries = list(_entries())
    own_texts = " ¦ ".join(
        t.lower() for _s, en, idn in entries for t in (en if lang == "en" else idn)
    )
    found: dict[str, Phrase] = {}
    for source, english, indonesian in entries:
        for text in indonesian if lang == "en" else english:
            piece = fragment(text)
            if words(piece) < 2 or piece.lower() in found:
                continue
            phrase = Phrase(piece, english[0], source)
            if phrase.pattern.search(own_texts):
                continue  # the same words are also this language's (a name, a code, "NPS")
            found[piece.lower()] = phrase
    return tuple(found.values())


def offending(text: str, lang: str) -> list[Phrase]:
    lowered = text.lower()
    return [p for p in phrases(lang) if p.text.lower() in lowered and p.pattern.search(text)]


# -- fetching a page -----------------------------------------------------------------------------
class _PostForm(HTMLParser):
    """The first ``<form method="post">``: its action and the values it would send as is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.inside = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and values.get("method", "").lower() == "post":
            action = values.get("action", "")
            if not any(skip in action for skip in ("/i18n/", "/logout/")):  # not the page's own
                self.inside, self.action = True, action
        elif self.inside and tag in {"input", "button"} and values.get("name"):
            kind = values.get("type", "text" if tag == "input" else "submit")
            first_button = kind == "submit" and values["name"] not in self.fields
            if kind == "hidden" or first_button:
                self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def fetch(spec: PageSpec, site: Site, lang: str) -> tuple[int, str, str]:
    """(status, HTML, URL) of the page in ``lang``, as its visitor sees it."""
    client = Client()
    if spec.user is not None:
        client.force_login(site.users[spec.user])
    client.cookies["django_language"] = lang
    url = spec.url(site, lang)
    with override_settings(**spec.settings):
        response = client.get(url)
        if spec.post:
            form = _PostForm()
            form.feed(response.content.decode())
            assert form.action is not None, f"{spec.name}: no POST form on {url}"
            target = urljoin(f"http://testserver{url}", form.action)
            response = client.post(target.removeprefix("http://testserver"), form.fields)
    return response.status_code, response.content.decode(), url


def walk_entries() -> list[tuple[PageSpec, str]]:
    return [(spec, lang) for spec in PAGES for lang in spec.langs]


def check_page(spec: PageSpec, site: Site, lang: str, content: list[str]) -> list[str]:
    """What is wrong with the page in ``lang``: its status, its ``lang``, foreign phrases."""
    status, html, url = fetch(spec, site, lang)
    if status != spec.status:
        return [f"{spec.name} | {lang} | status {status}, expected {spec.status} ({url})"]
    problems = []
    if not re.search(rf"<html[^>]*\slang=\"{lang}\"", html[:3000]):
        problems.append(f'{spec.name} | {lang} | <html> does not say lang="{lang}" ({url})')
    text = without_content(visible_text(html), content)
    found = [f"{p.text!r} (msgid {p.msgid!r}, {p.source})" for p in offending(text, lang)]
    if lang == "id" and spec.area == "manage":
        found += [
            f"{m.group(0)!r} (Django admin)"
            for pattern in [*ADMIN_WORDS, *ADMIN_WORDS_ANY_CASE]
            for m in [pattern.search(text)]
            if m
        ]
    return problems + [f"{spec.name} | {lang} | {f}" for f in found]


def report(problems: list[str], what: str) -> str:
    return f"{what}: {len(problems)} finding(s) (page | lang | string)\n" + "\n".join(
        f"  {p}" for p in problems
    )


# -- the tests -----------------------------------------------------------------------------------
def test_every_html_pattern_is_in_the_inventory(site: Site, db: None) -> None:
    """A new page pattern fails here until it is in ``pages.PAGES`` or in ``pages.EXCLUDED``."""
    covered = {route_of(spec.path(site)) for spec in [*PAGES, *manage_model_pages(site)]}
    missing = sorted(
        route
        for route in all_routes()
        if route not in covered
        and route not in EXCLUDED
        and not route.startswith(EXCLUDED_PREFIXES)
    )
    assert not missing, "URL patterns neither in tests/web/pages.py PAGES nor in EXCLUDED:\n" + (
        "\n".join(missing)
    )
    stale = sorted(set(EXCLUDED) - all_routes())
    assert not stale, f"EXCLUDED names routes that no longer exist: {stale}"


def test_the_catalogue_phrases_are_many() -> None:
    """The walk's phrase lists are not empty by accident (a moved catalogue, a parse error)."""
    assert len(phrases("id")) > 300
    assert len(phrases("en")) > 300


@pytest.mark.parametrize(
    ("spec", "lang"), walk_entries(), ids=[f"{lang}-{s.name}" for s, lang in walk_entries()]
)
def test_page_speaks_one_language(
    spec: PageSpec, lang: str, site: Site, content: list[str], db: None
) -> None:
    problems = check_page(spec, site, lang, content)
    assert not problems, report(problems, f"{spec.name} in {lang!r}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_manage_model_page_speaks_one_language(
    lang: str, site: Site, content: list[str], db: None
) -> None:
    """The changelist and add form of every model in /manage/ besides the inventory's."""
    problems = [
        p for spec in manage_model_pages(site) for p in check_page(spec, site, lang, content)
    ]
    assert not problems, report(problems, f"/manage/ model pages in {lang!r}")
