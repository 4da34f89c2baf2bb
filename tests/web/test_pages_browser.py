"""The public results pages and the back office's transfer pages in Chromium at a phone's 390 px
and a laptop's 1366 px (issue 10): ``/hasil/<slug>/`` with published results (Indonesian and
English), an organization that has published nothing, the embeddable widget, the import form,
an import preview with row errors, the export form with its jobs, an export job in progress, the
SKM report's background job and the printable token sheet.

On each: no horizontal scroll of the page, axe-core with no serious or critical violation (and
no WCAG A/AA violation), a table wider than its container scrolls inside it with the design
system's hint shown (and hidden on a table that fits), and a screenshot in the artefacts folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from prima.abuse.services import tokens_create
from prima.insights.publication import result_publish
from prima.transfers.models import ExportJob, ExportStatus
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.test_browser import axe_check, login
from tests.web.test_import import skm_rows, write_rows
from tests.web.test_public_results import PUBLISHED, data  # noqa: F401 (a fixture)

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


def tables(page: Page) -> list[dict[str, Any]]:
    """Each visible scrollable table: whether it overflows and its hint's height."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.ui-table-scroll')]
            .filter(e => e.checkVisibility())
            .map(e => {
                const hint = e.querySelector('.ui-table-scroll__hint');
                return {
                    overflows: e.scrollWidth > e.clientWidth + 1,
                    hint: hint ? hint.getBoundingClientRect().height : null,
                };
            })"""
    )


def check(page: Page, what: str, screenshot: Path) -> list[dict[str, Any]]:
    """The page fits, passes axe, shows each overflowing table's hint; a screenshot."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{what}: the page is {scroll} px wide in a {inner} px window"
    found = tables(page)
    for number, table in enumerate(found, start=1):
        assert table["hint"] is not None, f"{what}: table {number} has no scroll hint"
        if table["overflows"]:
            assert table["hint"] > 5, f"{what}: table {number} overflows but hides its hint"
        else:
            assert table["hint"] < 1, f"{what}: table {number} fits but shows the hint"
    axe_check(page, what)
    page.screenshot(path=str(screenshot), full_page=True)
    return found


def test_public_results_pages(browser, live_server, data, screenshot_dir):  # noqa: F811
    result_publish(survey=data.skm, period=PUBLISHED, note="Hasil semester pertama.")
    for size, page in pages_at(browser):
        page.goto(f"{live_server.url}/hasil/alpha/")
        expect(page.locator("h1")).to_have_text("Hasil Survei Kepuasan Masyarakat")
        found = check(page, f"/hasil/ ({size})", screenshot_dir / f"hasil-{size}.png")
        assert found, "the NRR table is on the page"
        if size == "phone":  # the finding: the last column was cut off with no hint
            assert any(t["overflows"] for t in found), "no table scrolls on a phone"
        # a unit opened: its figures and its table
        page.locator("details.group summary").first.click()
        check(page, f"/hasil/ unit open ({size})", screenshot_dir / f"hasil-unit-{size}.png")

        page.goto(f"{live_server.url}/hasil/alpha/?lang=en")
        expect(page.locator("h1")).to_have_text("Public Satisfaction Survey Results")
        assert page.evaluate("document.documentElement.lang") == "en"
        check(page, f"/hasil/ en ({size})", screenshot_dir / f"hasil-en-{size}.png")

        page.goto(f"{live_server.url}/hasil/beta/")
        expect(page.locator(".ui-empty")).to_contain_text("Belum ada hasil survei")
        check(page, f"/hasil/ empty ({size})", screenshot_dir / f"hasil-empty-{size}.png")

        page.goto(f"{live_server.url}/hasil/alpha/embed/")
        expect(page.locator(".ui-figure__value").first).to_be_visible()
        check(page, f"widget ({size})", screenshot_dir / f"hasil-widget-{size}.png")


def test_transfer_pages(browser, live_server, world, tmp_path, settings, screenshot_dir):
    code = world.skm.code
    rows = skm_rows(world, 30)
    rows[4]["U2"] = 9
    rows[7]["unit"] = "Puskesmas yang tidak ada"
    bad = write_rows(tmp_path / "formulir-kertas-dengan-nama-berkas-yang-panjang.csv", rows)
    ExportJob.objects.create(
        organization=world.alpha,
        survey=world.skm,
        requested_by=world.users["alice"],
        status=ExportStatus.RUNNING,
        rows_done=1200,
        rows_total=5000,
    )
    job = ExportJob.objects.get()
    tokens_create(survey=world.skm, unit=world.upt1, count=4)
    settings.PRIMA_REPORT_XLSX_DIRECT_ROWS = 2  # the SKM report's XLSX goes to the background
    year = timezone.localdate().year
    for size, page in pages_at(browser):
        login(page, live_server, "alice")
        page.goto(f"{live_server.url}/app/surveys/{code}/import/")
        check(page, f"import ({size})", screenshot_dir / f"import-{size}.png")

        page.set_input_files("#import-file", str(bad))
        page.get_by_role("button", name="Pratinjau").click()
        expect(page.locator("#import-problems")).to_be_visible()
        found = check(
            page, f"import preview ({size})", screenshot_dir / f"import-preview-{size}.png"
        )
        assert len(found) == 2  # the problems and the preview
        if size == "phone":
            assert found[1]["overflows"], "the preview's many columns scroll on a phone"

        page.goto(f"{live_server.url}/app/surveys/{code}/ekspor/")
        expect(page.locator("#export-jobs")).to_be_visible()
        check(page, f"export ({size})", screenshot_dir / f"export-{size}.png")

        page.goto(f"{live_server.url}/app/surveys/{code}/ekspor/{job.pk}/")
        expect(page.locator("#export-rows")).to_have_text("1.200")
        check(page, f"export job ({size})", screenshot_dir / f"export-job-{size}.png")

        page.goto(f"{live_server.url}/app/surveys/{code}/laporan-skm.xlsx?period={year}")
        expect(page.locator("#report-job-start")).to_be_visible()
        check(page, f"report job ({size})", screenshot_dir / f"report-job-{size}.png")

        page.goto(f"{live_server.url}/manage/surveys/survey/{world.skm.pk}/tokens/")
        expect(page.locator(".ticket")).to_have_count(4)
        check(page, f"tokens ({size})", screenshot_dir / f"tokens-{size}.png")
