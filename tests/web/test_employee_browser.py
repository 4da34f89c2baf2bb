"""An employee answers the employee survey (the built-in ``internal`` instrument) on a phone and
on a laptop, in a real browser (Playwright driving Debian's Chromium): the page asks for no
contact details, passes axe and fits the screen, and the stored response keeps the unit and the
day only (issue 12, point 2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from prima.surveys import services as srv
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.models import Instrument, Response
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.test_browser import axe_check

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "id-ID",
    },
    "laptop": {"viewport": {"width": 1366, "height": 768}, "locale": "id-ID"},
}
COMMENT = "Mohon ruang istirahat pegawai diperbaiki."


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.mark.parametrize("device", ["phone", "laptop"])
def test_an_employee_answers_on_a_phone_and_the_row_keeps_the_unit_and_the_day(
    world: Any, live_server: Any, browser: Browser, device: str, screenshot_dir: Path
) -> None:
    survey = srv.survey_create(
        organization=world.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[world.upt1, world.upt2],
    )
    # a unit link, as printed for the staff of UPT Alpha Satu
    link = context_sign(LinkContext(survey.code, unit=world.upt1.pk))
    context = browser.new_context(**VIEWPORTS[device])
    context.set_default_timeout(10_000)
    try:
        page: Page = context.new_page()
        page.goto(f"{live_server.url}/s/{survey.code}/?c={link}")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Survei Kepuasan Pegawai (pelanggan internal)"
        )
        # no contact details are asked of an employee
        expect(page.locator("#f-contact")).to_have_count(0)
        expect(page.locator("input[name^='contact.']")).to_have_count(0)
        axe_check(page, f"the employee survey ({device})")
        assert (
            page.evaluate("document.documentElement.scrollWidth")
            <= VIEWPORTS[device]["viewport"]["width"]
        )
        keys = [q.key for q in survey.instrument_version.questions]
        for key in keys:
            value = 5 if key.endswith(".harapan") else 3
            page.locator(f"label[for]:has(input[name='{key}'][value='{value}'])").click()
        page.get_by_label("Saran dan masukan (tidak wajib)").fill(COMMENT)
        if device == "phone":
            page.screenshot(path=str(screenshot_dir / "prima-employee-survey-phone.png"))
        page.get_by_role("button", name="Kirim jawaban").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
        expect(page).to_have_url(re.compile(rf"/s/{survey.code}/terima-kasih/"))
    finally:
        context.close()

    row = Response.objects.get(survey=survey)
    assert row.unit_id == world.upt1.pk
    assert row.answers == {k: (5 if k.endswith(".harapan") else 3) for k in keys}
    assert row.suggestion == COMMENT
    zone = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(row.submitted_at, zone)
    assert local.time() == time(0, 0)
    assert local.date() == timezone.localtime(timezone.now(), zone).date()
    assert row.contact == {}
    assert row.duration_ms is None
    assert row.device_id is None
    assert row.service_id is None
    assert row.staff_id is None
    assert row.flag_detail == ""
