"""The calendar of working days in /manage/ in Chromium: an admin closes a day through the
form on a phone, sees it in the year's overview with the national holidays and cuti bersama,
and the page fits 390 and 1366 px with no sideways scroll and no serious axe violation
(screenshots in the artefacts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from prima.organizations.models import CalendarDay
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.test_browser import axe_check, login

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 800}}


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def test_admin_closes_a_day_and_sees_the_year(
    world: Any, live_server: Any, browser: Browser, screenshot_dir: Any
) -> None:
    context = browser.new_context(viewport=WIDTHS["phone"], locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        login(page, live_server, "alice")
        page.goto(f"{live_server.url}/manage/organizations/calendarday/add/")
        page.locator("#id_organization").select_option(label=world.alpha.name)
        page.locator("#id_date").fill("2026-04-08")
        page.locator("#id_working_0").check()
        page.locator("#id_name").fill("HUT Kota Alpha")
        page.locator("input[name=_save]").click()
        expect(page.locator(".messagelist")).to_be_visible()
        day = CalendarDay.objects.get()
        assert (day.organization_id, day.date.isoformat(), day.working, day.name) == (
            world.alpha.pk,
            "2026-04-08",
            False,
            "HUT Kota Alpha",
        )
        for name, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/manage/organizations/calendarday/?date__year=2026")
            table = page.locator(".calendar-overview table")
            expect(table).to_contain_text("Hari Suci Nyepi")
            expect(table).to_contain_text("Cuti Bersama Hari Raya Natal")
            expect(table.locator("tr", has_text="HUT Kota Alpha")).to_contain_text("Ditutup")
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            page.screenshot(
                path=str(screenshot_dir / f"manage-calendar-{name}.png"), full_page=True
            )
            axe_check(page, f"the calendar in /manage/ ({name})")
    finally:
        context.close()
