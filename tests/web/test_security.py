"""Logins resist brute force, CSRF holds on every form, production settings pass
``check --deploy``, and text that users type is escaped wherever it is shown."""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern

from prima.surveys.models import Response
from tests.web.personas import PASSWORD, skm_answers
from tests.web.test_isolation import iter_routes

LOGIN_URLS = ["/accounts/login/", "/manage/login/"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# -- brute force -------------------------------------------------------------------------------
@pytest.mark.parametrize("url", LOGIN_URLS)
def test_login_is_locked_after_five_failures(world, url):
    client = Client()
    for i in range(5):
        r = client.post(url, {"username": "alice", "password": f"guess-{i}"})
        assert not signed_in(client)
        assert r.status_code in (200, 429)
    r = client.post(url, {"username": "alice", "password": PASSWORD})
    assert r.status_code == 429, r.status_code
    assert "Terlalu banyak percobaan masuk" in r.content.decode()
    assert not signed_in(client)
    # still locked for the next attempt, from any of the login forms
    for other in LOGIN_URLS:
        r = client.post(other, {"username": "alice", "password": PASSWORD})
        assert r.status_code == 429
        assert not signed_in(client)


def test_fewer_failures_do_not_lock_and_success_resets(world):
    client = Client()
    for i in range(4):
        client.post("/accounts/login/", {"username": "alice", "password": f"guess-{i}"})
    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    assert signed_in(client)
    client.post("/accounts/logout/")
    for i in range(4):  # the success reset the count: four more failures are not a lockout
        client.post("/accounts/login/", {"username": "alice", "password": f"again-{i}"})
    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    assert signed_in(client)


# -- CSRF --------------------------------------------------------------------------------------
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
INPUT = re.compile(r"<(?:input|textarea|select)\b([^>]*)>", re.I)


def post_forms(page_html: str, page_url: str) -> list[tuple[str, dict[str, str], str]]:
    """``[(action URL, fields, form HTML)]`` of the page's POST forms."""
    out = []
    for attrs, body in FORM.findall(page_html):
        a = dict(ATTR.findall(attrs))
        if a.get("method", "get").lower() != "post":
            continue
        action = html.unescape(a.get("action", ""))
        if not action:
            action = page_url
        elif action.startswith("?"):
            action = page_url.split("?")[0] + action
        fields = {}
        for input_attrs in INPUT.findall(body):
            i = dict(ATTR.findall(input_attrs))
            if "name" in i:
                fields[i["name"]] = html.unescape(i.get("value", ""))
        out.append((action, fields, body))
    return out


def pages(world) -> list[tuple[str | None, str]]:
    """Every page with a form: (persona, URL)."""
    out: list[tuple[str | None, str]] = [
        (None, "/accounts/login/"),
        (None, "/manage/login/"),
        (None, "/admin/login/"),
        (None, f"/s/{world.skm.code}/"),
        (None, f"/s/{world.a6.code}/?lang=en"),
        ("alice", "/app/"),
        ("alice", f"/app/surveys/{world.skm.code}/"),
        ("alice", "/manage/"),
        ("alice", "/manage/password_change/"),
    ]
    objects = {
        "organizations/organization": world.alpha.pk,
        "organizations/unit": world.upt1.pk,
        "organizations/service": world.service1.pk,
        "organizations/staffmember": world.staff1.pk,
        "organizations/membership": world.users["bob"].memberships.get().pk,
        "surveys/survey": world.skm.pk,
        "surveys/response": Response.objects.filter(survey=world.skm).first().pk,
    }
    for model, pk in objects.items():
        out += [
            ("alice", f"/manage/{model}/"),
            ("alice", f"/manage/{model}/add/"),
            ("alice", f"/manage/{model}/{pk}/change/"),
            ("alice", f"/manage/{model}/{pk}/delete/"),
        ]
    return out


def test_every_form_carries_a_csrf_token_and_fails_without_it(world):
    counts = Response.objects.count()
    seen = 0
    for persona, url in pages(world):
        reader = world.client(persona)
        page = reader.get(url)
        if page.status_code != 200:
            continue
        for action, fields, _body in post_forms(page.content.decode(), url):
            seen += 1
            assert "csrfmiddlewaretoken" in fields, f"{url}: a form to {action} has no CSRF token"
            attacker = Client(enforce_csrf_checks=True)
            if persona is not None:
                attacker.force_login(world.users[persona])
            data = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
            r = attacker.post(action, data)
            assert r.status_code == 403, (
                f"{url}: POST {action} without a CSRF token -> {r.status_code}"
            )
    assert seen >= 25
    assert Response.objects.count() == counts


def test_csrf_on_the_main_forms(world):
    """The forms the issue names, one by one, and that the token is what makes them work."""
    alice = Client(enforce_csrf_checks=True)
    r = alice.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 403
    assert not signed_in(alice)
    page = alice.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    r = alice.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert r.status_code == 302
    assert signed_in(alice)

    r = alice.post(
        "/manage/organizations/unit/add/", {"organization": world.alpha.pk, "name": "Tanpa token"}
    )
    assert r.status_code == 403
    assert not world.alpha.units.filter(name="Tanpa token").exists()
    r = alice.post(f"/manage/organizations/unit/{world.loket1.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert world.alpha.units.filter(pk=world.loket1.pk).exists()

    r = alice.post("/accounts/logout/")
    assert r.status_code == 403
    assert signed_in(alice)
    r = alice.post("/manage/logout/")
    assert r.status_code == 403
    assert signed_in(alice)

    respondent = Client(enforce_csrf_checks=True)
    body = {
        "submission_id": str(uuid.uuid4()),
        "unit": world.upt1.pk,
        **{k: str(v) for k, v in skm_answers().items()},
    }
    count = Response.objects.count()
    r = respondent.post(f"/s/{world.skm.code}/", body)
    assert r.status_code == 403
    assert Response.objects.count() == count
    respondent.get(f"/s/{world.skm.code}/")
    r = respondent.post(
        f"/s/{world.skm.code}/",
        {**body, "csrfmiddlewaretoken": respondent.cookies["csrftoken"].value},
    )
    assert r.status_code == 302
    assert Response.objects.count() == count + 1


def test_no_page_is_exempt_from_csrf():
    exempt = []
    for route, pattern in iter_routes():
        if route.startswith("api/"):
            continue  # the JSON API takes bearer tokens, never cookies: CSRF does not apply
        assert isinstance(pattern, URLPattern)
        if getattr(pattern.callback, "csrf_exempt", False):
            exempt.append(route)
    assert exempt == []


def test_api_ignores_the_session_cookie(world):
    """A signed-in browser carries no authority into the API (so no CSRF through it)."""
    browser = world.client("alice")
    assert browser.get("/api/v1/organizations").status_code == 401
    r = browser.post(
        "/api/v1/organizations/alpha/units", {"name": "Dari sesi"}, content_type="application/json"
    )
    assert r.status_code == 401
    assert not world.alpha.units.filter(name="Dari sesi").exists()


# -- production settings -----------------------------------------------------------------------
def check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # the environment of a production server, not of this test run
    drop = ("PRIMA_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    base.update(
        DJANGO_SETTINGS_MODULE="prima.config.settings",
        PRIMA_PRODUCTION="1",
        PRIMA_SECRET_KEY=secrets.token_urlsafe(64),
        PRIMA_ALLOWED_HOSTS="prima.example.id",
        PRIMA_DATA_DIR=str(tmp_path),
    )
    base.update(env)
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "finding"),
    [({"PRIMA_SECRET_KEY": "short"}, "security.W009"), ({"PRIMA_DEBUG": "1"}, "security.W018")],
    ids=["weak-key", "debug"],
)
def test_check_deploy_would_report_a_weakness(tmp_path, env, finding):
    result = check_deploy(tmp_path, **env)
    assert result.returncode != 0
    assert finding in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = check_deploy(tmp_path, PRIMA_SECRET_KEY="")
    assert result.returncode != 0
    assert "PRIMA_SECRET_KEY" in result.stderr


def test_security_headers(world):
    for client, url in (
        (Client(), f"/s/{world.skm.code}/"),
        (world.client("alice"), f"/app/surveys/{world.skm.code}/"),
    ):
        r = client.get(url)
        assert r["X-Frame-Options"] == "DENY"
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Referrer-Policy"] == "same-origin"
    r = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.cookies["sessionid"]["httponly"]


# -- escaping ----------------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


def test_typed_text_is_escaped_everywhere(world):
    alice_api = world.api("alice")
    r = alice_api.post(
        "/api/v1/organizations/alpha/units",
        json.dumps({"name": f"Loket {IMG}", "parent": world.upt1.pk, "code": "X1"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    unit_id = r.json()["id"]
    assert r.json()["name"] == f"Loket {IMG}"  # stored as typed; escaping is the pages' job
    world.skm.units.add(unit_id)
    world.skm.title = f"SKM {SCRIPT} & co"
    world.skm.save()

    r = Client().post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        json.dumps(
            {
                "submission_id": str(uuid.uuid4()),
                "answers": skm_answers(),
                "unit": unit_id,
                "suggestion": SCRIPT,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    response_id = r.json()["id"]

    alice = world.client("alice")
    rendered = {
        "results": alice.get(f"/app/surveys/{world.skm.code}/").content.decode(),
        "results for the unit": alice.get(
            f"/app/surveys/{world.skm.code}/?unit={unit_id}"
        ).content.decode(),
        "home": alice.get("/app/").content.decode(),
        "unit list": alice.get("/manage/organizations/unit/").content.decode(),
        "unit form": alice.get(f"/manage/organizations/unit/{unit_id}/change/").content.decode(),
        "response": alice.get(f"/manage/surveys/response/{response_id}/change/").content.decode(),
        "response list": alice.get("/manage/surveys/response/").content.decode(),
        "public page": Client().get(f"/s/{world.skm.code}/").content.decode(),
        "public page with errors": Client()
        .post(f"/s/{world.skm.code}/", {"suggestion": SCRIPT, "submission_id": str(uuid.uuid4())})
        .content.decode(),
    }
    shown = {
        "results": [IMG, SCRIPT],
        "results for the unit": [IMG],
        "home": [SCRIPT],
        "unit list": [IMG],
        "unit form": [IMG],
        "response": [SCRIPT],
        "public page": [IMG],
        "public page with errors": [IMG, SCRIPT],
    }
    for name, page in rendered.items():
        assert SCRIPT not in page, name
        assert IMG not in page, name
        for text in shown.get(name, []):
            assert html.escape(text) in page or html.escape(text, quote=False) in page, (name, text)


def test_odd_identifiers_are_not_found_rather_than_crashing(world):
    """Digits int() refuses ("²") and NUL characters (PostgreSQL refuses them) in identifiers."""
    alice = world.client("alice")
    alice.raise_request_exception = False
    survey = f"/app/surveys/{world.skm.code}"
    for url in (
        f"{survey}/?unit=%C2%B2",
        f"{survey}/qr/{world.upt1.pk}.svg?service=%C2%B2",
        f"{survey}/qr/{world.upt1.pk}.png?staff=%C2%B2",
        "/app/surveys/a%00b/",
        "/s/a%00b/",
    ):
        assert alice.get(url).status_code == 404, url
