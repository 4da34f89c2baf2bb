"""The labelled suggestions in a real browser (Playwright driving Debian's Chromium): at 390
and 1366 px the suggestions tab with its label filters, the labels beside each suggestion and
the table per unsur fits without sideways scroll and passes axe; a manager opens a suggestion's
correction, changes its sentiment and sees it marked as corrected."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from prima.remark_labels import services as labels
from prima.remark_labels.models import RemarkLabel
from prima.surveys.models import Response
from tests.web.personas import skm_answers, submit
from tests.web.test_browser import login
from tests.web.test_dashboard_browser import PHONE, WIDE, browser, check_layout, offline

pytestmark = pytest.mark.django_db(transaction=True)
JAKARTA = ZoneInfo("Asia/Jakarta")
TEXTS = [
    "Petugasnya tidak ramah dan jutek",
    "Toiletnya kotor sekali, tolong dibersihkan",
    "Antreannya tidak lama, pelayanan cepat",
    "Biaya tidak jelas, diminta bayar lagi di loket",
    "Persyaratannya berbelit-belit dan tidak diumumkan di papan informasi",
]

__all__ = ["browser", "offline"]  # the fixtures of the dashboard's browser tests


def test_labelled_suggestions_fit_and_a_manager_corrects_one(world, live_server, offline):
    for i, text in enumerate(TEXTS * 2):
        response = submit(world.skm, skm_answers(), unit=world.upt1, suggestion=text)
        when = datetime(2026, 7 if i < 5 else 4, 10 + i % 5, 9, tzinfo=JAKARTA)
        Response.objects.filter(pk=response.pk).update(submitted_at=when)
    labels.label_pending()
    for size, options in (("390", PHONE), ("1366", WIDE)):
        page = offline(**options)
        page.set_default_timeout(45_000)
        login(page, live_server, "alice")
        page.goto(
            f"{live_server.url}/app/surveys/{world.skm.code}/?period=2026-Q3&section=suggestions"
        )
        expect(page.locator("#remark-unsur-table")).to_be_visible()
        check_layout(page, f"suggestions labelled {size}")
        page.get_by_label("Sentimen", exact=True).first.select_option("negatif")
        page.get_by_role("button", name="Cari").click()
        critical = RemarkLabel.objects.filter(
            sentiment="negatif", response__submitted_at__month=7
        ).count()
        assert critical >= 2
        expect(page.locator("#suggestions li")).to_have_count(critical)
        assert page.js_errors == []  # type: ignore[attr-defined]
    # the manager opens the first suggestion's correction and makes it neutral
    first = page.locator("#suggestions li").first
    text = first.locator("p").first.inner_text()
    first.locator("summary").click()
    first.locator("select[name=sentiment]").select_option("netral")
    first.get_by_role("button", name="Simpan label").click()
    # back to the same filters: the suggestion, now neutral, has left the critical ones
    expect(page.locator("#remark-corrected")).to_have_text("Label saran telah dikoreksi.")
    expect(page.locator("#suggestions")).not_to_contain_text(text)
    page.goto(f"{live_server.url}/app/surveys/{world.skm.code}/?period=2026-Q3&section=suggestions")
    expect(page.locator("#suggestions")).to_contain_text("dikoreksi oleh pengelola")
    label = RemarkLabel.objects.get(response__suggestion=text, response__submitted_at__month=7)
    assert (label.sentiment, label.corrected) == ("netral", True)
    check_layout(page, "suggestions corrected 1366")
