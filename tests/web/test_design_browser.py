"""The design system in Chromium at a phone's 390 px and a laptop's 1366 px: the component page,
the login page, a 404, /app/, /manage/ and a /manage/ change form fit without horizontal page
scroll, axe-core finds no serious or critical violation, and each page leaves a screenshot in
the artefacts folder for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.test_browser import axe_check, login

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"phone": 390, "laptop": 1366}


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def pages_at(browser: Browser) -> Iterator[tuple[str, Page]]:
    for name, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        context.set_default_timeout(15_000)
        try:
            yield name, context.new_page()
        finally:
            context.close()


def fits(page: Page, what: str) -> None:
    """No horizontal scroll of the page."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{what}: the page is {scroll} px wide in a {inner} px window"


def check(page: Page, what: str, screenshot: Path) -> None:
    fits(page, what)
    axe_check(page, what)
    page.screenshot(path=str(screenshot), full_page=True)


def test_public_pages_fit_and_pass_axe(browser, live_server, screenshot_dir):
    for size, page in pages_at(browser):
        for lang in ("id", "en"):
            page.goto(f"{live_server.url}/design/?lang={lang}")
            check(page, f"/design/ ({lang}, {size})", screenshot_dir / f"design-{lang}-{size}.png")
        # the wide table scrolls inside its container, with its hint shown
        scroller = page.locator(".ui-table-scroll").first
        widths = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
        hint = page.locator(".ui-table-scroll__hint").first
        if widths[0] > widths[1]:
            assert hint.bounding_box()["height"] > 5, "the scroll hint is hidden on a wide table"
        else:
            assert hint.bounding_box()["height"] < 1, "the scroll hint shows on a table that fits"
        page.goto(f"{live_server.url}/accounts/login/")
        check(page, f"login ({size})", screenshot_dir / f"login-{size}.png")
        response = page.goto(f"{live_server.url}/s/salah-ketik/")
        assert response is not None
        assert response.status == 404
        assert "Halaman tidak ditemukan" in page.locator("h1").inner_text()
        check(page, f"404 ({size})", screenshot_dir / f"error-404-{size}.png")


def test_back_office_pages_fit_and_pass_axe(browser, live_server, world, screenshot_dir):
    change_form = f"/manage/organizations/unit/{world.upt1.pk}/change/"
    for size, page in pages_at(browser):
        login(page, live_server, "alice")
        check(page, f"/app/ ({size})", screenshot_dir / f"app-home-{size}.png")
        page.goto(f"{live_server.url}/manage/")
        assert "Tambah" in page.content()
        check(page, f"/manage/ ({size})", screenshot_dir / f"manage-index-{size}.png")
        page.goto(f"{live_server.url}{change_form}")
        check(
            page, f"a /manage/ change form ({size})", screenshot_dir / f"manage-change-{size}.png"
        )


def test_the_language_switch_in_the_top_navigation(browser, live_server, world):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page: Any = context.new_page()
        login(page, live_server, "alice")
        page.get_by_role("button", name="English").click()
        page.wait_for_url(f"{live_server.url}/app/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("link", name="Notifications").count() == 1
        page.get_by_role("button", name="Bahasa Indonesia").click()
        page.wait_for_url(f"{live_server.url}/app/")
        assert page.locator("html").get_attribute("lang") == "id"
        # the user menu opens without JavaScript (<details>), inside the phone's width
        page.locator(".ui-menu summary").click()
        sign_out = page.get_by_role("button", name="Keluar (alice)")
        box = sign_out.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
        fits(page, "/app/ with the user menu open")
        axe_check(page, "/app/ with the user menu open")
        sign_out.click()
        page.wait_for_url(f"{live_server.url}/accounts/login/")
    finally:
        context.close()
