"""The Content-Security-Policy (django-csp) on every URL pattern of the site, signed in or not,
whatever the status: scripts and styles only from the site, no inline script or style, no eval,
and only the public results widget may be framed (by anyone). Also with ``PRIMA_PRODUCTION=1``.
The pages themselves are loaded under the policy in Chromium in test_csp_browser.py."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError
from django.test import Client

from prima.insights.publication import result_publish
from tests.web.personas import World
from tests.web.test_isolation import fill, iter_routes, route_params

EMBED = "hasil/<slug:slug>/embed/"
SOURCES = ("default-src", "script-src", "style-src", "font-src", "connect-src", "worker-src")


def policy_of(header: str) -> dict[str, list[str]]:
    """``{directive: [sources]}`` of a Content-Security-Policy header."""
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in out, f"directive {name} twice in {header!r}"
        out[name] = sources
    return out


def assert_strict(header: str | None, *, framed_by: str, where: str) -> None:
    assert header, f"{where}: no Content-Security-Policy header"
    policy = policy_of(header)
    for directive in SOURCES:
        assert policy.get(directive) == ["'self'"], f"{where}: {directive} {policy.get(directive)}"
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'self'"], where
    assert policy["form-action"] == ["'self'"], where
    assert policy["frame-ancestors"] == [framed_by], where
    assert "unsafe" not in header, f"{where}: {header}"


def value_for(name: str, regex: str | None, world: World) -> str:
    """A value for a URL parameter: real objects of Dinas Alpha where the name says which."""
    known = {
        "code": world.skm.code,
        "slug": world.alpha.slug,
        "unit_id": str(world.upt1.pk),
        "app_label": "surveys",
    }
    if name in known:
        return known[name]
    if regex and re.fullmatch(r"[\w|]+", regex):  # alternatives: a4|a5, pdf|xlsx
        return regex.split("|")[0]
    if (regex and "0-9" in regex) or name.endswith("_id") or name == "pk":
        return "1"
    return "x"


def walk(world: World) -> list[tuple[str, str]]:
    """``[(route, URL)]`` for every URL pattern of the site."""
    out = []
    for route, _pattern in iter_routes():
        values = {n: value_for(n, rx, world) for n, rx in route_params(route)}
        out.append((route, fill(route, values)))
    return out


def test_every_url_pattern_answers_with_the_policy(world: World):
    urls = walk(world)
    routes = {route for route, _ in urls}
    # the walk reaches the site's parts (a guard against a walker that finds nothing)
    for expected in ("s/<str:code>/", "kiosk/", "kiosk/sw.js", "api/docs", EMBED, "favicon.ico"):
        assert expected in routes, expected
    assert sum(r.startswith("manage/") for r in routes) > 20
    clients = {"anonymous": Client(), "alice": world.client("alice")}
    seen = 0
    for route, url in urls:
        for who, client in clients.items():
            r = client.get(url)
            assert r.status_code < 500, f"{who} GET {url}: {r.status_code}"
            where = f"{who} GET {url} ({route}) -> {r.status_code}"
            framed_by = "*" if route == EMBED else "'none'"
            assert_strict(r.get("Content-Security-Policy"), framed_by=framed_by, where=where)
            seen += 1
    assert seen == 2 * len(urls)


def test_the_widget_may_be_framed_and_the_page_may_not(world: World):
    result_publish(survey=world.skm, period="2026")
    embed = Client().get(f"/hasil/{world.alpha.slug}/embed/")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert_strict(embed["Content-Security-Policy"], framed_by="*", where="embed")
    page = Client().get(f"/hasil/{world.alpha.slug}/")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    assert_strict(page["Content-Security-Policy"], framed_by="'none'", where="page")


def test_templates_hold_no_inline_script_handler_or_style():
    """What the policy would refuse, found in the templates before a browser meets it: inline
    <script> code (JSON data blocks are not run and are allowed), on*= handlers, style="" and
    <style>, javascript: URLs. The PDF templates (WeasyPrint, never served as HTML) may hold a
    <style> element, the e-mail templates style attributes."""
    root = Path(__file__).resolve().parents[2] / "src" / "prima"
    pdf_only = {"collection/poster.html", "reports/skm.html", "invitations/slips.html"}
    pdf_only |= {"scorecards/triple_win_pdf.html", "staffcards/card_pdf.html"}
    pdf_only.add("audits/audit_pdf.html")
    # e-mails are never served under the page policy, and mail clients ignore stylesheets:
    # their styles are inline (docs/design.md, "E-mails and PDFs")
    email_only = {"alerts/email.html", "ui/email_base.html"}
    email_only |= {f"casework/email/{n}.html" for n in ("complainant", "assigned", "notice")}
    email_only.add("invitations/email/invitation.html")
    problems = []
    for path in sorted(root.rglob("templates/**/*.html")):
        name = path.as_posix().split("/templates/", 1)[1]
        text = path.read_text("utf-8")
        for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            attrs, body = m.groups()
            if body.strip() and "application/json" not in attrs:
                problems.append(f"{name}: inline script")
        if re.search(r"\son[a-z]+\s*=", text, re.I):
            problems.append(f"{name}: on*= handler")
        if re.search(r"\sstyle\s*=", text, re.I) and name not in email_only:
            problems.append(f"{name}: style attribute")
        if re.search(r"<style\b", text, re.I) and name not in pdf_only:
            problems.append(f"{name}: <style> element")
        if "javascript:" in text.lower():
            problems.append(f"{name}: javascript: URL")
    assert problems == []


def test_production_settings_send_the_policy(tmp_path: Path):
    """With PRIMA_PRODUCTION=1 (HTTPS, HSTS) the pages carry the same policy."""
    drop = ("PRIMA_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        DJANGO_SETTINGS_MODULE="prima.config.settings",
        PRIMA_PRODUCTION="1",
        PRIMA_SECRET_KEY=secrets.token_urlsafe(64),
        PRIMA_ALLOWED_HOSTS="prima.example.id",
        PRIMA_DATA_DIR=str(tmp_path),
    )
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='prima.example.id')\n"
        "for url in ('/accounts/login/', '/api/docs', '/kiosk/', '/manage/login/', '/favicon.ico'):\n"
        "    r = c.get(url, secure=True)\n"
        "    print(url, r.status_code, r.get('Strict-Transport-Security', '-'), "
        "r.get('Content-Security-Policy', '-'), sep='\\t')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert len(lines) == 5, result.stdout
    for url, status, hsts, header in lines:
        assert status == "200", (url, status)
        assert hsts.startswith("max-age="), (url, hsts)
        assert_strict(header, framed_by="'none'", where=f"production {url}")


def test_the_database_outage_page_is_styled_without_inline_style(world: World):
    """The 503 page (written in code, no template) links the design system's stylesheets
    instead of a style attribute the policy would refuse."""
    cache.clear()  # the survey's definition is read from the database, which is down
    down = OperationalError("database is locked")
    with mock.patch.object(CursorWrapper, "execute", side_effect=down):
        r = Client().get(f"/s/{world.skm.code}/")
    assert r.status_code == 503
    assert_strict(r["Content-Security-Policy"], framed_by="'none'", where="503")
    page = r.content.decode()
    assert "Layanan sedang sibuk" in page
    assert not re.search(r"\sstyle\s*=|<style", page)
    assert '<link rel="stylesheet" href="/static/prima/ui/tokens.css">' in page
    assert '<link rel="stylesheet" href="/static/prima/ui/components.css">' in page


@pytest.mark.parametrize("header", ["script-src 'self' 'unsafe-inline'", "default-src 'self'"])
def test_the_check_itself_refuses_a_weak_policy(header):
    with pytest.raises(AssertionError):
        assert_strict(header, framed_by="'none'", where="a weak policy")
