"""The dashboard of an employee survey in a real browser (Playwright driving Debian's Chromium):
a unit manager whose subtree has units below the confidentiality threshold sees their bands,
the small units pooled as "Unit lain" and the comments of the shown group, at 390 and 1366 px,
without sideways scroll and axe clean (issue 12)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from prima.organizations import services as org
from prima.surveys import services as srv
from prima.surveys.models import Instrument
from tests.web.test_browser import login
from tests.web.test_dashboard_browser import PHONE, WIDE, browser, check_layout, offline
from tests.web.test_employee_threshold import submit

pytestmark = pytest.mark.django_db(transaction=True)
COMMENT = "Ruang istirahat perlu diperbaiki."

__all__ = ["browser", "offline"]  # the fixtures of the dashboard's browser tests


def test_a_manager_sees_bands_and_the_pool_of_small_units(world, live_server, offline):
    """UPT Alpha Satu (bob's): Loket Satu 2, Loket Dua 6, Loket Tiga 3 -> Loket Dua shown,
    Loket Satu and Tiga "< 5" and pooled as Unit lain (5); UPT Alpha Dua 7 (not bob's)."""
    survey = srv.survey_create(
        organization=world.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[world.upt1, world.upt2],
    )
    loket2 = org.unit_create(organization=world.alpha, name="Loket Dua", parent=world.upt1)
    loket3 = org.unit_create(organization=world.alpha, name="Loket Tiga", parent=world.upt1)
    submit(survey, world.loket1, 2)
    submit(survey, loket2, 6, comment=COMMENT)
    submit(survey, loket3, 3)
    submit(survey, world.upt2, 7)
    for size, options in (("390", PHONE), ("1366", WIDE)):
        page = offline(**options)
        page.set_default_timeout(45_000)
        login(page, live_server, "bob")
        page.goto(f"{live_server.url}/app/surveys/{survey.code}/")
        expect(page.locator("#response-count")).to_have_text("11")
        rows = page.locator("#units-table tbody tr")
        expect(rows).to_have_count(4)
        expect(rows.nth(0)).to_contain_text("Loket Satu")
        expect(rows.nth(0)).to_contain_text("< 5")
        expect(rows.nth(1)).to_contain_text("Loket Dua")
        expect(rows.nth(1).locator("td").first).to_have_text("6")
        expect(rows.nth(3)).to_contain_text("Unit lain")
        expect(rows.nth(3).locator("td").first).to_have_text("5")
        expect(page.locator("#comments li")).to_have_count(6)
        assert "UPT Alpha Dua" not in page.locator("#dashboard-body").inner_text()
        check_layout(page, f"employee dashboard of a unit manager {size}")
        # a small unit: its band and nothing else
        page.goto(f"{live_server.url}/app/surveys/{survey.code}/?unit={world.loket1.pk}")
        expect(page.locator("#response-count")).to_have_text("< 5")
        expect(page.locator("#units-table")).to_have_count(0)
        expect(page.locator("#comments")).to_have_count(0)
        check_layout(page, f"employee dashboard below the threshold {size}")
        assert page.js_errors == []  # type: ignore[attr-defined]
