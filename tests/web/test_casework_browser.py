"""The staff's case pages in a real browser (Playwright driving Debian's Chromium) on a phone
(390 px) and a laptop (1366 px): the list, a case's page and the intake fit without sideways
scroll, axe finds no serious or critical violation, and the work is done by clicking, with and
without JavaScript (the status buttons, the rejection's reason, the filters). Screenshots in the
artefacts (``casework-<page>-<width>.png``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from prima.cases.models import Case, CaseStatus
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.casework_world import CONTACT, add_people, receive
from tests.web.personas import build_world
from tests.web.test_browser import login

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "id-ID"}
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "id-ID"}
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def check(page: Page, what: str, folder: Path) -> None:
    """No sideways scroll, no serious or critical axe violation, a full-page screenshot."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{what}: scrollWidth {width} > {inner}"
    violations = Axe().run(page).response["violations"]
    bad = [v for v in violations if v["impact"] in SERIOUS]
    assert not bad, f"axe on {what}: " + "; ".join(
        f"{v['id']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    page.screenshot(path=str(folder / f"casework-{what}.png"), full_page=True)


def test_a_manager_handles_a_case_on_a_phone(browser, live_server, screenshot_dir):
    world = add_people(build_world())
    long_word = "Antrean" * 40  # a long word never widens the page
    case = receive(world, text=f"Saya menunggu lama di loket. {long_word}")
    receive(world, unit=world.loket1, text="Petugas tidak ramah.")
    context = browser.new_context(**PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    login(page, live_server, "bob")
    page.get_by_role("link", name="Kasus", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Kasus")).to_be_visible()
    expect(page.locator(".case-item")).to_have_count(2)
    check(page, "list-390", screenshot_dir)
    # the filters with htmx: the results are swapped in place, the address follows
    page.get_by_label("Cari").fill("ramah")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(".case-item")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=ramah"))
    page.goto(f"{live_server.url}/app/kasus/{case.pk}/")
    expect(page.locator("#contact")).to_contain_text(CONTACT["name"])
    href = page.locator("#whatsapp-link").get_attribute("href")
    assert href.startswith("https://wa.me/6281277773141?text=")
    check(page, "case-390", screenshot_dir)
    # a rejection without its reason is refused at the field (the browser's own check is off)
    page.locator("#reject-form").get_by_role("button", name="Tolak").click()
    expect(page.locator("#reject_note_error")).to_be_visible()
    check(page, "case-error-390", screenshot_dir)
    # a reply with a change of status
    page.locator("#move_note").fill("Pengaduan Anda sedang kami periksa.")
    page.locator('#status-form button[value="diverifikasi"]').click()
    expect(page.locator("#case-history")).to_contain_text("Pengaduan Anda sedang kami periksa.")
    expect(page.locator("#status-form button[value=diproses]")).to_be_visible()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.VERIFIED
    context.close()


def test_the_pages_fit_a_laptop_and_a_phone_and_work_without_javascript(
    browser, live_server, screenshot_dir
):
    world = add_people(build_world())
    case = receive(world)
    for options, width in ((LAPTOP, "1366"), (PHONE, "390")):
        context = browser.new_context(**options)
        context.set_default_timeout(20_000)
        page = context.new_page()
        login(page, live_server, "alice")
        for path, name in (
            ("/app/kasus/", "list"),
            (f"/app/kasus/{case.pk}/", "case"),
            ("/app/kasus/baru/", "intake"),
        ):
            page.goto(f"{live_server.url}{path}")
            check(page, f"{name}-{width}", screenshot_dir)
        context.close()
    # without JavaScript: the filter is a plain GET form, the assignment a plain POST
    context = browser.new_context(**LAPTOP, java_script_enabled=False)
    context.set_default_timeout(20_000)
    page = context.new_page()
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/app/kasus/")
    page.get_by_label("Status").select_option(value="diproses")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"status=diproses"))
    expect(page.locator(".case-item")).to_have_count(0)
    page.goto(f"{live_server.url}/app/kasus/{case.pk}/")
    page.locator("#id_owner").select_option(label="bob")
    page.locator("#assign-form").get_by_role("button", name="Tugaskan").click()
    expect(page.locator("#case-owner")).to_contain_text("bob")
    context.close()
