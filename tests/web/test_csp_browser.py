"""The site's pages in Chromium under the Content-Security-Policy, with every request that
does not go to the site aborted: nothing is refused by the policy (Chromium reports each
refusal on the console, and the page gets a ``securitypolicyviolation`` event), no request
fails (favicon included), no script error; /api/docs (Swagger UI) shows the operations from
the site's own files; a long word does not widen a phone's page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from prima.collection.kiosks import kiosk_register
from prima.insights.publication import result_publish
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.personas import World, skm_answers, submit
from tests.web.test_browser import login

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "id-ID"}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "locale": "id-ID"}
LONG_WORD = "Antreannya" * 200  # 2,000 characters, no space

# records what the policy refused, before any script of the page runs
WATCH = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Watched:
    """A page whose off-site requests are aborted, with what went wrong on it."""

    def __init__(self, context: BrowserContext, live_server: Any) -> None:
        self.live = live_server.url
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        context.route("**/*", self._guard)
        context.add_init_script(WATCH)
        self.page = context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", self._on_failed)
        self.page.on(
            "response",
            lambda r: self.failed.append(f"{r.url} {r.status}") if r.status >= 400 else None,
        )

    def _guard(self, route: Route) -> None:
        if route.request.url.startswith(self.live + "/"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _on_failed(self, request: Any) -> None:
        # ERR_ABORTED: cancelled by the next navigation (an icon still loading) or aborted
        # off-site (in ``blocked``); a missing file is a response >= 400
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url} {request.failure}")

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    def visit(self, path: str) -> Page:
        response = self.page.goto(self.live + path)
        assert response is not None
        assert response.status == 200, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        return self.page

    def assert_clean(self, where: str) -> None:
        self.page.wait_for_load_state("networkidle")
        refused = self.page.evaluate("window.__refused || []")
        assert refused == [], f"{where}: the policy refused {refused}"
        assert self.console == [], f"{where}: {self.console}"
        assert self.blocked == [], f"{where}: off-site requests {self.blocked}"
        assert self.failed == [], f"{where}: failed requests {self.failed}"
        assert self.errors == [], f"{where}: script errors {self.errors}"


@pytest.fixture
def watched(browser: Browser, live_server: Any) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Watched:
        context = browser.new_context(**{**DESKTOP, **options})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Watched(context, live_server)

    yield make
    for context in contexts:
        context.close()


def test_public_pages_work_under_the_policy(world: World, watched):
    result_publish(survey=world.skm, period="2026")
    w = watched()
    page = w.visit(f"/s/{world.skm.code}/")
    expect(page.locator("form")).to_have_count(1)
    w.visit(f"/hasil/{world.alpha.slug}/")
    w.visit(f"/hasil/{world.alpha.slug}/embed/")
    w.visit("/accounts/login/")
    icon = page.request.get(f"{w.live}/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert page.request.get(f"{w.live}{reverse('root')}favicon.ico").body()[:4] == b"\0\0\1\0"
    w.assert_clean("public pages")


def test_back_office_and_manage_work_under_the_policy(world: World, watched, live_server):
    w = watched()
    login(w.page, live_server, "alice")
    for path in (
        "/app/",
        f"/app/surveys/{world.skm.code}/",
        f"/app/surveys/{world.skm.code}/import/",
        f"/app/surveys/{world.skm.code}/ekspor/",
        "/app/pemberitahuan/",
        "/manage/",
        "/manage/surveys/survey/",
        reverse("manage:surveys_survey_change", args=[world.skm.pk]),
        reverse("manage:surveys_survey_tokens", args=[world.skm.pk]),
    ):
        w.visit(path)
    expect(w.page.locator("button[data-print]")).to_be_visible()  # shown by prima/print.js
    w.assert_clean("back office")


def test_an_export_job_page_polls_with_htmx_under_the_policy(world: World, watched, live_server):
    w = watched()
    login(w.page, live_server, "alice")
    page = w.visit(f"/app/surveys/{world.skm.code}/ekspor/")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/ekspor/[0-9]+/$"))
    page.wait_for_timeout(1500)  # htmx polls the job's progress
    w.assert_clean("export job")


def test_a_paired_kiosk_works_under_the_policy(world: World, watched):
    from tests.web.test_kiosk import SW_ACTIVATED, start_button

    _device, code = kiosk_register(
        survey=world.skm, unit=world.upt1, name="Tablet CSP", min_interval_seconds=0
    )
    w = watched()
    page = w.visit(f"/kiosk/pair/{code}/")
    page.get_by_role("button", name="Pasangkan perangkat ini").click()
    expect(page).to_have_url(f"{w.live}/kiosk/")
    expect(start_button(page)).to_be_visible()
    assert page.evaluate(SW_ACTIVATED) == "activated"
    start_button(page).click()
    expect(page.get_by_role("button", name="Sangat sesuai")).to_be_visible()
    w.assert_clean("kiosk")


def test_api_docs_render_offline_with_the_operations(watched):
    w = watched()
    page = w.visit("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Prima API")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 5
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/public/surveys/{code}").first
    ).to_be_visible()
    # an operation opens (Swagger UI renders its parameters, styles from the site's CSS)
    operations.first.locator(".opblock-summary").click()
    expect(
        page.locator(".opblock.is-open .parameters-container, .opblock.is-open .opblock-body").first
    ).to_be_visible()
    w.assert_clean("/api/docs")


def test_a_long_suggestion_does_not_widen_a_phone_page(world: World, watched, live_server):
    submit(world.skm, skm_answers(), unit=world.upt1, suggestion=LONG_WORD)
    w = watched(**PHONE)
    login(w.page, live_server, "alice")
    page = w.visit(f"/app/surveys/{world.skm.code}/?section=suggestions")
    expect(page.get_by_text(LONG_WORD[:50], exact=False).first).to_be_attached()
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"scrollWidth {widths[0]} > clientWidth {widths[1]}"
    w.assert_clean("phone dashboard")


def test_long_names_do_not_widen_the_public_pages_on_a_phone(world: World, watched):
    """The public survey and the public results page (where the unit names show)."""
    world.alpha.name = "Dinas" + "Kesehatan" * 20  # 185 characters, no space
    world.alpha.save(update_fields=["name"])
    world.upt1.name = "Unit" + "Pelayanan" * 20
    world.upt1.save(update_fields=["name"])
    for _ in range(6):
        submit(world.skm, skm_answers(), unit=world.upt1)
    result_publish(survey=world.skm, period="2026")
    w = watched(**PHONE)
    for path in (f"/s/{world.skm.code}/", f"/hasil/{world.alpha.slug}/"):
        page = w.visit(path)
        expect(page.get_by_text("KesehatanKesehatan", exact=False).first).to_be_attached()
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path}: scrollWidth {widths[0]} > {widths[1]}"
    w.assert_clean("public pages on a phone")


def test_another_site_may_frame_the_widget_but_not_the_page(
    world: World, browser: Browser, live_server: Any
):
    """A page of another site (served here by the test, at 127.0.0.1 while the live server is
    localhost: another origin, and on loopback so that Chromium lets it frame a local server)
    frames the results widget, then the full results page: the widget shows, the page is
    refused (frame-ancestors 'none', and X-Frame-Options: DENY). Chromium's local-network
    checks are off: they would refuse a page the test serves framing the live server."""
    result_publish(survey=world.skm, period="2026")
    assert live_server.url.startswith("http://localhost:")
    other = live_server.url.replace("localhost", "127.0.0.1") + "/lain"
    args = [*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"]
    lenient = browser.browser_type.launch(executable_path=CHROMIUM, args=args, headless=True)
    try:
        framing(lenient, world, live_server, other)
    finally:
        lenient.close()


def framing(browser: Browser, world: World, live_server: Any, other: str) -> None:
    context = browser.new_context(**DESKTOP)
    try:
        context.set_default_timeout(15_000)
        refused: list[str] = []

        def serve(route: Route) -> None:
            url = route.request.url
            if url.startswith(live_server.url + "/"):
                route.continue_()
            elif url == other:
                embed = f"{live_server.url}/hasil/{world.alpha.slug}/embed/"
                body = f'<!doctype html><title>x</title><iframe id="widget" src="{embed}"></iframe>'
                route.fulfill(status=200, content_type="text/html", body=body)
            else:
                route.abort()

        context.route("**/*", serve)
        page = context.new_page()
        page.on("console", lambda m: refused.append(m.text) if "frame" in m.text else None)
        page.goto(other)
        widget = page.frame_locator("#widget")
        expect(widget.locator("body.embed")).to_be_attached()
        expect(widget.get_by_text(world.alpha.name).first).to_be_attached()
        # the full page framed only now: the live server shares one SQLite connection between
        # its threads, so two first requests at once (each folding the rollups) can collide
        page.evaluate(
            "url => { const f = document.createElement('iframe');"
            " f.id = 'page'; f.src = url; document.body.append(f); }",
            f"{live_server.url}/hasil/{world.alpha.slug}/",
        )
        page.wait_for_load_state("networkidle")
        expect(page.locator("#page")).to_be_attached()
        framed_page = page.frame_locator("#page")
        assert framed_page.locator("main").count() == 0  # nothing of the page shows
        assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in refused), refused
    finally:
        context.close()
