"""Every page is built from the design system (issue 10, point 1 and its last acceptance line:
"new pages of other issues use the components"): a template is either one of the few whole
documents listed here, each on the design tokens, or it extends a base of the design system;
and every page under a base uses its components. A new page that writes its own ``<html>`` or
its own look fails here until it is built from ``prima.ui`` (docs/design.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "prima"
TOKENS = re.compile(r"prima/ui/tokens\.css|ui/print_tokens\.css")
EXTENDS = re.compile(r"""\{%\s*extends\s+["']([^"']+)["']\s*%\}""")
COMPONENT = re.compile(r"""class="[^"]*\bui-|\{%\s*ui_|\{%\s*include\s+["']ui/""")

# whole documents (<html>), and why each stands alone
STANDALONE = {
    "base.html": "the back office's base",
    "public_base.html": "the public pages' base",
    "ui/email_base.html": "the e-mails' base (inline styles: mail clients ignore stylesheets)",
    "ui/error_base.html": "the error pages' base (renders without a database)",
    "collection/kiosk/shell.html": "the kiosk's offline shell",
    "abuse/tokens_print.html": "the printed one-time codes",
    "insights/public_embed.html": "the public results' embed (framed by other sites)",
    "reports/skm.html": "the SKM report (WeasyPrint)",
    "collection/poster.html": "the QR poster (WeasyPrint)",
    "invitations/slips.html": "the printed invitation slips of an employee survey (WeasyPrint)",
    "scorecards/triple_win_pdf.html": "the triple-win scorecard (WeasyPrint)",
    "staffcards/card_pdf.html": "a staff member's scorecard (WeasyPrint)",
    "audits/audit_pdf.html": "an audit (WeasyPrint)",
    "ninja/swagger.html": "the API explorer (Swagger UI's own look)",
}
# documents that do not load the tokens yet, and why
OFF_TOKENS = {
    "ninja/swagger.html": "third-party UI, shown as its authors made it",
}
BASES = {"base.html", "public_base.html", "ui/email_base.html", "ui/error_base.html"}
ADMIN = "admin/"  # Django's admin, with Prima's tokens through templates/admin/base_site.html


def _root(path: Path) -> Path:
    """The ``templates`` folder above ``path``."""
    for parent in path.parents:
        if parent.name == "templates":
            return parent
    raise AssertionError(path)


TEMPLATES = {
    str(path.relative_to(_root(path))): path.read_text(encoding="utf-8")
    for path in SRC.rglob("*.html")
    if "templates" in path.parts
}


def test_the_walk_sees_the_templates() -> None:
    assert len(TEMPLATES) > 80
    assert {"base.html", "dashboard/home.html", "404.html", "reports/skm.html"} <= set(TEMPLATES)


def test_only_the_listed_documents_write_their_own_html() -> None:
    documents = {name for name, text in TEMPLATES.items() if re.search(r"<html[\s>]", text)}
    assert documents == set(STANDALONE), "a new page extends base.html or public_base.html"


@pytest.mark.parametrize("name", sorted(set(STANDALONE) - set(OFF_TOKENS)))
def test_each_document_loads_the_design_tokens(name: str) -> None:
    text = TEMPLATES[name]
    if name == "ui/email_base.html":  # inline styles: the token values through the tokens module
        assert "tokens" in text
        return
    assert TOKENS.search(text), name


def _base_of(name: str, seen: tuple[str, ...] = ()) -> str:
    """The design-system base ``name`` ends on (or the first template outside the walk)."""
    if name in BASES or name.startswith(ADMIN) or name in STANDALONE:
        return name
    match = EXTENDS.search(TEMPLATES.get(name, ""))
    assert match, f"{' -> '.join((*seen, name))} extends nothing"
    assert name not in seen, seen
    return _base_of(match[1], (*seen, name))


@pytest.mark.parametrize(
    "name", sorted(n for n, t in TEMPLATES.items() if EXTENDS.search(t) and n not in STANDALONE)
)
def test_every_page_extends_a_base_of_the_design_system(name: str) -> None:
    match = EXTENDS.search(TEMPLATES[name])
    assert match
    base = _base_of(match[1], (name,))
    assert base in BASES or base.startswith(ADMIN), (name, base)


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, t in TEMPLATES.items()
        if (m := EXTENDS.search(t)) and m[1] in {"base.html", "public_base.html"}
    ),
)
def test_every_page_uses_the_components(name: str) -> None:
    assert COMPONENT.search(TEMPLATES[name]), f"{name} uses no component of prima.ui"


def test_the_check_catches_a_page_of_its_own() -> None:
    own = EXTENDS.search('{% extends "my_base.html" %}')
    assert own
    assert own[1] == "my_base.html"
    assert not COMPONENT.search('<div class="card"><h1>Hasil</h1></div>')
    assert COMPONENT.search('<div class="ui-card">')
    assert not TOKENS.search("<link rel='stylesheet' href='https://cdn.example/bootstrap.css'>")


def test_print_stylesheets_take_their_colours_from_the_tokens() -> None:
    """The poster's stylesheet names no colour of its own but white: every other colour is a
    token of ui/print_tokens.css."""
    for name in ("collection/poster.css",):
        colours = set(re.findall(r"#[0-9a-fA-F]{3,8}\b", TEMPLATES_CSS[name]))
        assert colours <= {"#fff", "#ffffff"}, (name, colours)


TEMPLATES_CSS = {
    str(path.relative_to(_root(path))): path.read_text(encoding="utf-8")
    for path in SRC.rglob("*.css")
    if "templates" in path.parts
}
