"""The dashboard in a real browser (Playwright driving Debian's Chromium), with every request
that does not go to the site aborted: the charts come from the site's own offline Vega bundle.

- a manager of one UPT sees only the UPT's subtree (filters, units side by side, numbers);
- the IPA diagram and the trend chart are drawn (SVG inside the Vega-Embed container);
- without JavaScript the tables carry the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.personas import World, skm_answers, submit
from tests.web.test_browser import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "id-ID"}
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def offline(browser: Browser, live_server: Any) -> Iterator[Any]:
    """``offline(**options)``: a page whose requests to anything but the live server are
    aborted (and recorded in ``page.blocked``)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**{**DESKTOP, **options})
        context.set_default_timeout(15_000)
        contexts.append(context)
        blocked: list[str] = []

        def guard(route: Route) -> None:
            if route.request.url.startswith(live_server.url + "/"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.blocked = blocked  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # type: ignore[attr-defined]
        # what the Content-Security-Policy refused (Chromium reports each refusal as a console
        # error): an inline style or script, eval, a resource from elsewhere
        refused: list[str] = []
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.csp_refusals = refused  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


def a6_answers(world: World, performance: int, expectation: int = 4) -> dict[str, int]:
    keys = [q.key for q in world.a6.instrument_version.questions]
    answers = {}
    for i, key in enumerate(keys):
        if key.endswith(".harapan"):
            answers[key] = expectation if i % 3 else 5
        else:
            answers[key] = max(1, min(5, performance + (i % 2)))
    return answers


def test_a_upt_manager_sees_only_the_subtree(world, live_server, offline):
    submit(world.skm, skm_answers(U1=2), unit=world.upt2, suggestion="Saran rahasia UPT Dua 4r4r")
    page = offline()
    login(page, live_server, "bob")
    page.goto(f"{live_server.url}/app/surveys/{world.skm.code}/")
    units = page.locator("#unit option").all_inner_texts()
    assert [u.strip() for u in units] == [
        "Semua unit yang dapat Anda lihat",
        world.upt1.name,
        world.loket1.name,
    ]
    body = page.locator("main").inner_text()
    assert world.upt2.name not in body
    assert world.dinas.name not in body
    assert "Saran rahasia UPT Dua" not in body
    expect(page.locator("#response-count")).to_have_text("2")
    expect(page.locator("#units-table tbody tr")).to_have_count(1)
    expect(page.locator("#units-table tbody th")).to_contain_text(world.loket1.name)
    # choosing a unit in the filter narrows the page to that subtree
    page.select_option("#unit", str(world.loket1.pk))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#response-count")).to_have_text("1")
    # another unit's id in the address: not found
    response = page.goto(f"{live_server.url}/app/surveys/{world.skm.code}/?unit={world.upt2.pk}")
    assert response is not None
    assert response.status == 404
    assert page.blocked == []  # type: ignore[attr-defined]


def test_ipa_diagram_and_trend_chart_render_offline(world, live_server, offline):
    for month, performance in ((1, 2), (2, 3), (3, 4), (3, 3), (4, 2)):
        submit(
            world.a6,
            a6_answers(world, performance),
            unit=world.loket1,
            submitted_at=datetime(2025, month, 10, 9, 0, tzinfo=JAKARTA),
        )
    page = offline()
    login(page, live_server, "bob")
    response = page.goto(f"{live_server.url}/app/surveys/{world.a6.code}/?period=2025-S1")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for chart in ("#ipa-chart", "#trend-chart", "#units-chart"):
        container = page.locator(f"{chart} .vega")
        expect(container).to_have_class(re.compile(r"\bdrawn\b"))
        svg = container.locator("svg")
        expect(svg.first).to_be_visible()
        assert svg.first.locator("path, circle, line, symbol").count() > 0
    # the IPA diagram has one mark per item of its table; the trend one point per month
    items = page.locator("#ipa-table tbody tr").count()
    assert items > 3
    assert page.locator("#trend-table tbody tr").count() == 6
    first = page.locator("#ipa-table tbody th").first.inner_text().split()[0]
    assert page.locator("#ipa-chart svg text", has_text=first).count() >= 1
    # the tooltip (vega-tooltip, its style from the site's CSS) shows a point's numbers
    point = page.locator("#ipa-chart svg g.mark-symbol path").first
    point.scroll_into_view_if_needed()
    box = point.bounding_box()  # in the viewport, where the mouse moves
    assert box is not None
    # a little off the centre, where the dashed mean line crosses the point
    x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3
    tooltip = page.locator("#vg-tooltip-element.visible")
    page.mouse.move(x - 30, y - 30)  # Vega shows the tooltip when the pointer moves onto a point
    page.mouse.move(x, y, steps=5)
    expect(tooltip).to_be_visible()
    assert tooltip.locator("td.key", has_text="Kuadran").count() == 1
    assert page.blocked == []  # type: ignore[attr-defined]
    assert page.js_errors == []  # type: ignore[attr-defined]
    assert page.csp_refusals == []  # type: ignore[attr-defined]


def test_without_javascript_the_tables_carry_the_numbers(world, live_server, offline):
    page = offline(java_script_enabled=False)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/app/surveys/{world.skm.code}/")
    expect(page.locator("#ikm-value")).to_have_text("74,07")
    expect(page.locator("#nrr-table tbody tr")).to_have_count(9)
    expect(page.locator("#trend-table")).to_be_visible()
    expect(page.locator(".vega svg")).to_have_count(0)
    year = str(timezone.localdate().year)
    page.select_option("#period", year)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#period-text")).to_have_text(f"Tahun {year}")
    expect(page.locator("#response-count")).to_have_text("3")


def test_filters_update_the_dashboard_in_place(world, live_server, offline):
    """Changing a filter swaps the dashboard's body (htmx, no page load): the numbers, the
    address (so the view can be bookmarked) and freshly drawn charts follow."""
    submit(world.skm, skm_answers(U1=2), unit=world.upt2)
    page = offline()
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/app/surveys/{world.skm.code}/")
    expect(page.locator(".vega.drawn").first).to_be_visible()
    page.evaluate("window.__samePage = true")
    before = page.locator("#response-count").inner_text()
    page.select_option("#unit", str(world.upt2.pk))
    expect(page.locator("#response-count")).not_to_have_text(before)
    assert page.evaluate("window.__samePage === true")  # no page load
    assert f"unit={world.upt2.pk}" in page.url
    expect(page.locator("#response-count")).to_have_text("2")
    expect(page.locator(".vega.drawn").first).to_be_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]
    assert page.blocked == []  # type: ignore[attr-defined]
    assert page.csp_refusals == []  # type: ignore[attr-defined]
