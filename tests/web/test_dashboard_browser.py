"""The dashboard in a real browser (Playwright driving Debian's Chromium), with every request
that does not go to the site aborted: the charts come from the site's own offline Vega bundle.

- a manager of one UPT sees only the UPT's subtree (filters, units side by side, numbers);
- the IPA diagram and the trend chart are drawn (SVG inside the Vega-Embed container);
- without JavaScript the tables carry the same numbers, each section a plain link;
- the IPA diagram's labels do not overlap; the SKM and A6 dashboards and /app/ fit 390 and
  1366 px with no sideways scroll and no serious axe violation (screenshots in the artefacts).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.personas import World, skm_answers, submit
from tests.web.test_browser import login

pytestmark = pytest.mark.django_db(transaction=True)
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


def text_boxes(page: Page, selector: str) -> list[dict[str, Any]]:
    """The rendered boxes of the SVG texts that ``selector`` finds, with their text."""
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.textContent.trim()).map(e => {
            const r = e.getBoundingClientRect();
            return {text: e.textContent, x: r.x, y: r.y, w: r.width, h: r.height};
        })""",
    )


def assert_no_overlap(boxes: list[dict[str, Any]]) -> None:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["w"] <= b["x"] + 0.5
                or b["x"] + b["w"] <= a["x"] + 0.5
                or a["y"] + a["h"] <= b["y"] + 0.5
                or b["y"] + b["h"] <= a["y"] + 0.5
            )
            assert apart, (a, b)


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
        f"{world.upt1.name} › {world.loket1.name}",  # unit choices show their path
    ]
    body = page.locator("main").inner_text()
    assert world.upt2.name not in body
    assert world.dinas.name not in body
    assert "Saran rahasia UPT Dua" not in body
    expect(page.locator("#response-count")).to_have_text("2")
    page.click("#tab-units")  # the section loads in place (htmx)
    expect(page.locator("#units-table tbody tr")).to_have_count(1)
    expect(page.locator("#units-table tbody th")).to_contain_text(world.loket1.name)
    # choosing a unit in the filter narrows the page to that subtree
    page.select_option("#unit", str(world.loket1.pk))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#response-count")).to_have_text("1")
    assert "section=units" in page.url  # the filters keep the section shown
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
    for tab, chart in (("#tab-trend", "#trend-chart"), ("#tab-units", "#units-chart")):
        page.click(tab)  # each section loads in place (htmx) and its chart is drawn
        container = page.locator(f"{chart} .vega")
        expect(container).to_have_class(re.compile(r"\bdrawn\b"))
        svg = container.locator("svg")
        expect(svg.first).to_be_visible()
        assert svg.first.locator("path, circle, line, symbol").count() > 0
        if chart == "#trend-chart":
            assert page.locator("#trend-table tbody tr").count() == 6  # one per month
            # months as people write them, never broken inside
            expect(page.locator("#trend-table tbody th").first).to_contain_text("Jan\u00a02025")
    page.click("#tab-ipa")
    expect(page.locator("#ipa-chart .vega")).to_have_class(re.compile(r"\bdrawn\b"))
    assert "section=ipa" in page.url
    # the IPA diagram: one mark per item of its table, the quadrants' names, and only labels
    # that do not overlap one another
    items = page.locator("#ipa-table tbody tr").count()
    assert items > 3
    assert page.locator("#ipa-chart svg g.mark-symbol path").count() == items
    expect(page.locator("#ipa-chart svg text", has_text="Prioritas Utama")).to_have_count(1)
    boxes = text_boxes(page, "#ipa-chart svg g.mark-text text")
    assert len(boxes) >= 5  # four quadrant names and at least one item
    assert_no_overlap(boxes)
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
    expect(page.locator(".vega svg")).to_have_count(0)
    page.click("#tab-trend")  # a plain link without JavaScript: the page with that section
    expect(page.locator("#trend-table")).to_be_visible()
    expect(page.locator("#ikm-value")).to_have_text("74,07")
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


# -- the layout at 390 and 1366 px -------------------------------------------------------------
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "id-ID"}
WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "id-ID"}
SERIOUS = {"serious", "critical"}


def screenshots() -> Path:
    folder = Path(os.environ.get("PRIMA_ARTIFACTS", "artifacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_layout(page: Page, what: str) -> int:
    """No horizontal scroll of the page, no serious or critical axe violation; the page's
    height (reported) and a screenshot in the artefacts."""
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth, "
        "document.documentElement.scrollHeight]"
    )
    assert sizes[0] <= sizes[1], f"{what}: scrollWidth {sizes[0]} > innerWidth {sizes[1]}"
    violations = Axe().run(page).response["violations"]
    bad = [v for v in violations if v["impact"] in SERIOUS]
    assert not bad, f"axe on {what}: " + "; ".join(
        f"{v['id']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
    page.screenshot(path=str(screenshots() / f"dashboard-{name}.png"), full_page=True)
    print(f"page height {what}: {sizes[2]} px")
    return int(sizes[2])


def test_dashboards_fit_a_phone_and_a_wide_screen(world, live_server, offline):
    """SKM and A6 dashboards (headline and each section with a chart) and /app/ at 390 and
    1366 px: no sideways scroll, axe clean, heights reported, screenshots kept."""
    for i in range(40):
        month = 1 + i % 6
        submit(
            world.skm,
            skm_answers(U1=1 + i % 4, U5=2 + i % 3),
            unit=(world.upt1, world.upt2, world.loket1)[i % 3],
            submitted_at=datetime(2025, month, 10, 9, 0, tzinfo=JAKARTA),
            suggestion="Pelayanan" * 30 if i == 0 else "",
        )
        submit(
            world.a6,
            a6_answers(world, 1 + i % 5),
            unit=(world.upt1, world.loket1)[i % 2],
            submitted_at=datetime(2025, month, 12, 9, 0, tzinfo=JAKARTA),
        )
    heights: dict[str, int] = {}
    for size, options in (("390", PHONE), ("1366", WIDE)):
        page = offline(**options)
        page.set_default_timeout(45_000)  # a loaded shared machine; the page itself is fast
        login(page, live_server, "alice")
        for survey, sections in (
            (world.skm, ("ikm", "trend", "units", "profile", "suggestions")),
            (world.a6, ("gap", "ipa", "csi", "trend")),
        ):
            base = f"{live_server.url}/app/surveys/{survey.code}/?period=2025-S1"
            for section in sections:
                page.goto(f"{base}&section={section}")
                for chart in page.locator(".vega").all():
                    expect(chart).to_have_class(re.compile(r"\bdrawn\b"))
                name = f"{survey.instrument_version.parsed.kind} {section} {size}"
                heights[name] = check_layout(page, name)
                # the charts' smallest text is legible (11 px or more)
                sizes = page.eval_on_selector_all(
                    ".vega svg text",
                    "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
                )
                assert min(sizes, default=11) >= 11, (name, sizes)
                if section == "ipa":  # the diagram fits the width; only quadrant A unfolded
                    fits = page.evaluate(
                        "(() => { const f = document.querySelector('#ipa-chart');"
                        " const s = f.querySelector('svg').getBoundingClientRect();"
                        " const b = f.getBoundingClientRect();"
                        " return s.left >= b.left - 0.5 && s.right <= b.right + 0.5; })()"
                    )
                    assert fits, name
                    groups = page.locator("#ipa-table details.ipa-group")
                    assert groups.count() >= 2
                    for i in range(groups.count()):
                        group = groups.nth(i)
                        opened = group.get_attribute("open") is not None
                        assert opened == (group.get_attribute("id") == "ipa-group-A"), name
        page.goto(f"{live_server.url}/app/")
        expect(page.locator("#survey-list .ui-sparkline svg").first).to_be_visible()
        heights[f"home {size}"] = check_layout(page, f"home {size}")
        assert page.blocked == []  # type: ignore[attr-defined]
        assert page.js_errors == []  # type: ignore[attr-defined]
        assert page.csp_refusals == []  # type: ignore[attr-defined]
    print("page heights:", heights)
    # the IPA tab was 5,397 px on a phone with its 24 items in one table (issue 10)
    assert heights["paired ipa 390"] <= 3000, heights


def test_the_complaints_card_and_section_fit_a_phone_and_a_wide_screen(
    world, live_server, offline, monkeypatch
):
    """Complaint handling (issue 11): the headline card with open and late cases and the
    "Pengaduan" tab (loaded in place) at 390 and 1366 px: no sideways scroll, axe clean,
    screenshots kept; the card's link opens the case list filtered the same way."""
    from tests.web.complaint_fixture import build_august
    from tests.web.test_complaint_measures import Clock

    build_august(world, Clock(monkeypatch))
    monkeypatch.undo()  # the browser and the sessions live in the real time
    for size, options in (("390", PHONE), ("1366", WIDE)):
        page = offline(**options)
        page.set_default_timeout(45_000)
        login(page, live_server, "alice")
        page.goto(f"{live_server.url}/app/surveys/{world.skm.code}/?period=2026-08")
        expect(page.locator("#open-cases")).to_have_text("2")
        check_layout(page, f"complaints card {size}")
        page.locator("#tab-complaints").click()  # htmx loads the tab in place
        expect(page.locator("#complaints-table")).to_be_visible()
        expect(page.locator("#c-received")).to_have_text("6")
        expect(page.locator("#c-on-time")).to_have_text("66,7%")
        assert "section=complaints" in page.url
        check_layout(page, f"complaints section {size}")
        page.locator("#cases-link").click()
        expect(page).to_have_url(re.compile(r"/app/kasus/\?period=2026-08&status=open$"))
        assert page.blocked == []  # type: ignore[attr-defined]
        assert page.js_errors == []  # type: ignore[attr-defined]
        assert page.csp_refusals == []  # type: ignore[attr-defined]
