"""The complainant's side in Chromium (issue 11, Acceptance): on a phone (390 px) WITHOUT
JavaScript a complaint is sent (errors at their fields first), the receipt shows the tracking
code, the code typed loosely finds the case, and once it is resolved the tracking page takes the
rating and then reopens it; the pages fit 390 and 1366 px with no sideways scroll, axe finds no
serious or critical violation (axe itself needs JavaScript: it runs in a second context on the
same pages), and screenshots go to the artefacts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from prima.cases import services as cs
from prima.cases.models import Case, CaseRating, CaseStatus
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.test_browser import axe_check

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_complaint_tracking_and_rating_without_javascript(
    world: Any, live_server: Any, browser: Browser, screenshot_dir: Any
) -> None:
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    checked: list[str] = []
    try:
        page.goto(f"{live_server.url}/pengaduan/{world.alpha.slug}/?unit={world.upt1.pk}")
        expect(page.locator("h1")).to_have_text("Sampaikan pengaduan")
        fits(page, PHONE["width"])
        # sent empty: the errors at their fields, and a summary linking to them
        page.get_by_role("button", name="Kirim pengaduan").click()
        expect(page.locator("#id_text_error")).to_have_text("wajib diisi")
        expect(page.locator("#id_consent_error")).to_be_visible()
        expect(page.locator("#error-summary a[href='#id_text']")).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "complaint-errors-390.png"), full_page=True)
        checked.append(page.url)
        # choosing "anonymously" hides the contact (CSS only), choosing the name shows it again
        page.locator("input[name=identity][value=anonymous]").check()
        expect(page.locator(".complaint-contact")).to_be_hidden()
        page.locator("input[name=identity][value=named]").check()
        expect(page.locator(".complaint-contact")).to_be_visible()
        page.locator("#id_category").select_option("U3")
        page.locator("#id_text").fill("Antrean di loket pendaftaran lebih dari dua jam.")
        page.locator("#id_name").fill("Rina Pelapor")
        page.locator("#id_phone").fill("0812 3456 7890")
        page.locator("#id_consent").check()
        page.get_by_role("button", name="Kirim pengaduan").click()
        case = Case.objects.get()
        expect(page.locator("#tracking-code")).to_have_text(case.tracking_code)
        assert (case.contact_name, case.category.key, case.unit) == (
            "Rina Pelapor",
            "U3",
            world.upt1,
        )
        fits(page, PHONE["width"])
        page.screenshot(path=str(screenshot_dir / "complaint-receipt-390.png"), full_page=True)
        receipt_url = page.url
        assert "Rina Pelapor" not in page.content()

        # the lookup: the code typed in lower case with spaces
        page.goto(f"{live_server.url}/pengaduan/lacak/")
        page.locator("#id_kode").fill(case.tracking_code.lower().replace("-", " "))
        page.get_by_role("button", name="Tampilkan status").click()
        expect(page.locator("h1")).to_contain_text(case.tracking_code)
        expect(page.locator(".ui-page-header .ui-badge")).to_have_text("Baru")
        track_url = page.url.split("?")[0]

        # resolved by the unit: the rating and, beside it, reopening
        for status in ("diverifikasi", "diproses", "selesai"):
            cs.case_transition(case, status=status, note="Loket tambahan dibuka.")
        page.goto(track_url)
        expect(page.locator(".ui-page-header .ui-badge")).to_have_text("Selesai")
        expect(page.locator("#s-reopen")).to_be_visible()
        fits(page, PHONE["width"])
        page.screenshot(
            path=str(screenshot_dir / "complaint-track-resolved-390.png"), full_page=True
        )
        checked.append(track_url)
        page.get_by_role("button", name="Kirim penilaian").click()  # no score chosen
        expect(page.locator("#id_score_error")).to_be_visible()
        page.get_by_label("4 – Baik").check()
        page.locator("#id_comment").fill("Cepat ditangani, terima kasih.")
        page.get_by_role("button", name="Kirim penilaian").click()
        expect(page.locator("section[aria-labelledby=s-rating]")).to_contain_text("4 – Baik")
        expect(page.locator("input[name=score]")).to_have_count(0)
        assert CaseRating.objects.get(case=case).score == 4
        page.screenshot(path=str(screenshot_dir / "complaint-track-rated-390.png"), full_page=True)
        page.set_viewport_size(LAPTOP)
        fits(page, LAPTOP["width"])
        page.screenshot(path=str(screenshot_dir / "complaint-track-rated-1366.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.locator("#id_note").fill("Antrean masih panjang pada hari Senin.")
        page.get_by_role("button", name="Buka kembali pengaduan saya").click()
        expect(page.locator(".ui-page-header .ui-badge")).to_have_text("Diproses")
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS
        page.goto(f"{track_url}?lang=en")
        expect(page.locator(".ui-page-header .ui-badge")).to_have_text("In progress")
        for secret in ("Rina Pelapor", "0812 3456 7890", case.text):
            assert secret not in page.content()
    finally:
        context.close()

    # axe (needs JavaScript) on the same pages, phone and laptop
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        for viewport in (PHONE, LAPTOP):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/pengaduan/{world.alpha.slug}/")
            axe_check(page, f"the complaint form ({viewport['width']} px)")
            page.get_by_role("button", name="Kirim pengaduan").click()
            expect(page.locator("#id_text_error")).to_be_visible()
            axe_check(page, f"the complaint form's errors ({viewport['width']} px)")
            for url in (receipt_url, track_url, f"{live_server.url}/pengaduan/lacak/"):
                page.goto(url)
                fits(page, viewport["width"])
                axe_check(page, f"{url} ({viewport['width']} px)")
        # the tracking page of a resolved case with its two forms
        other, _ = cs.case_receive(
            organization=world.alpha, unit=world.upt2, text="Kursi rusak.", channel="web"
        )
        for status in ("diverifikasi", "diproses", "selesai"):
            cs.case_transition(other, status=status, note="Kursi diganti.")
        for viewport in (PHONE, LAPTOP):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/pengaduan/lacak/{other.tracking_code}/")
            fits(page, viewport["width"])
            axe_check(page, f"the rating and reopening forms ({viewport['width']} px)")
            page.screenshot(
                path=str(screenshot_dir / f"complaint-track-forms-{viewport['width']}.png"),
                full_page=True,
            )
    finally:
        context.close()
    assert checked
