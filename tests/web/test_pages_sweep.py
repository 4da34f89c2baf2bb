"""Every page of the inventory (``tests/web/pages.py``) in Chromium at a phone's 390 px and a
laptop's 1366 px, in Bahasa Indonesia and in English (issue 10, Acceptance).

On each page: no horizontal scroll of the page; no text drawn over other text (the boxes of the
visible text, line by line, and of SVG chart labels, clipped by their scrolling containers);
axe-core with no serious or critical violation (once per page and width: Indonesian at 390 px,
English at 1366 px, so every page meets axe at both widths and in both languages); no console
error, no failed request, no request to another site (those are aborted). A full-page screenshot of each is written to
``$PRIMA_ARTIFACTS/screenshots/<page>-<lang>-<width>.png`` and the findings, one line per page,
width, language and check, to ``$PRIMA_ARTIFACTS/pages-sweep-<width>.txt``.

One test per width walks every page with one browser context over a site seeded once for it
(the live server needs committed data, which the transactional test flushes afterwards).
``PRIMA_SWEEP_PAGES=name,name`` limits the walk to some pages while working on them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Error, Page, Route

from tests.artifacts import artifacts_dir
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.pages import PAGES, PageSpec, Site, seed_site

pytestmark = [
    # live_server needs real transactions; the serialized rollback brings back the built-in
    # instruments that the flush after each transactional test removes
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("web/test_pages_sweep"),
]

WIDTHS: dict[int, dict[str, Any]] = {
    390: {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
    1366: {"viewport": {"width": 1366, "height": 768}},
}
SERIOUS = ("serious", "critical")
# axe (most of the sweep's time) runs once per page and width, in Indonesian on the phone and in
# English on the laptop: each page is checked at both widths and in both languages
AXE_LANG = {390: "id", 1366: "en"}
OVERLAPS_SHOWN = 3
QUIET = 0.15  # seconds without a request in flight: the page has settled
SETTLE_LIMIT = 15.0

# The boxes of the visible text: each line of each HTML text node (Range.getClientRects), each
# SVG <text>; clipped by every ancestor that clips (overflow, clip, clip-path), so text scrolled
# out of a table's container does not count. Text in a fixed or sticky bar is compared only
# with other text in such bars (it floats over the page by design). Pairs whose boxes intersect
# by more than 2 px across and 40% of the lower line's height overlap (adjacent lines of tight
# line-height touch by a pixel or two).
OVERLAP_JS = r"""
() => {
  const clips = new Map(), hidden = new Map(), floating = new Map();
  const cut = (a, b) => ({l: Math.max(a.l, b.l), t: Math.max(a.t, b.t),
                          r: Math.min(a.r, b.r), b: Math.min(a.b, b.b)});
  function clipOf(el) {
    if (!el || el === document.documentElement) return null;
    if (clips.has(el)) return clips.get(el);
    let clip = clipOf(el.parentElement);
    const cs = getComputedStyle(el);
    if (el !== document.body && (cs.overflowX !== "visible" || cs.overflowY !== "visible"
        || cs.clip !== "auto" || cs.clipPath !== "none")) {
      const r = el.getBoundingClientRect();
      const own = {l: r.left, t: r.top, r: r.right, b: r.bottom};
      clip = clip ? cut(clip, own) : own;
    }
    clips.set(el, clip);
    return clip;
  }
  function isHidden(el) {  // not rendered: display, visibility, opacity 0, a closed <details>
    if (!hidden.has(el)) {
      hidden.set(el, !el.checkVisibility({opacityProperty: true, visibilityProperty: true,
                                          contentVisibilityAuto: true}));
    }
    return hidden.get(el);
  }
  function isFloating(el) {
    if (!el || el === document.documentElement) return false;
    if (floating.has(el)) return floating.get(el);
    const p = getComputedStyle(el).position;
    const f = p === "fixed" || p === "sticky" || isFloating(el.parentElement);
    floating.set(el, f);
    return f;
  }
  const boxes = [];
  const seenSvg = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION", "TEXTAREA", "TITLE"]);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !el || skip.has(el.tagName.toUpperCase()) || isHidden(el)) continue;
    let rects, owner = el;
    if (el instanceof SVGElement) {
      owner = el.closest("text") || el;
      if (seenSvg.has(owner)) continue;
      seenSvg.add(owner);
      rects = [owner.getBoundingClientRect()];
    } else {
      range.selectNodeContents(node);
      rects = [...range.getClientRects()];
    }
    const clip = clipOf(owner);
    for (const r of rects) {
      let box = {l: r.left, t: r.top, r: r.right, b: r.bottom};
      if (clip) box = cut(box, clip);
      if (box.r - box.l < 1 || box.b - box.t < 1) continue;
      const label = (owner instanceof SVGElement ? owner.textContent : text).trim();
      boxes.push({...box, h: r.bottom - r.top, src: owner instanceof SVGElement ? owner : node,
                  text: label.slice(0, 40), floating: isFloating(owner)});
    }
  }
  boxes.sort((a, b) => a.t - b.t);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].t < a.b; j++) {
      const b = boxes[j];
      if (a.src === b.src || a.floating !== b.floating) continue;
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
      const h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 2 && h > Math.max(2, 0.4 * Math.min(a.h, b.h))) {
        found.push(`"${a.text}" x "${b.text}" at (${Math.round(a.l)},${Math.round(a.t + scrollY)})`);
      }
    }
  }
  return {count: boxes.length, overlaps: found};
}
"""

SUBMIT_JS = r"""
() => {
  const form = [...document.querySelectorAll("form")].find(
    f => f.method.toLowerCase() === "post" && !/\/(i18n|logout)\//.test(f.action));
  if (!form) return false;
  HTMLFormElement.prototype.submit.call(form);  // as is, past any script and validation
  return true;
}
"""


@dataclass
class Finding:
    page: str
    width: int
    lang: str
    check: str
    detail: str

    def line(self) -> str:
        return f"{self.page} | {self.width} | {self.lang} | {self.check} | {self.detail}"


@dataclass
class Observed:
    """What the page did while it loaded."""

    console: list[str]
    failed: list[str]
    offsite: list[str]


def _counted(messages: list[str], prefix: int = 100) -> list[str]:
    """Messages that start alike once, with how often (a CSP refusal per style attribute)."""
    counts: dict[str, int] = {}
    for message in messages:
        counts[message[:prefix]] = counts.get(message[:prefix], 0) + 1
    return [f"{n}x {m}" if n > 1 else m for m, n in counts.items()]


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def chosen_pages() -> list[PageSpec]:
    names = [n for n in os.environ.get("PRIMA_SWEEP_PAGES", "").split(",") if n]
    pages = [p for p in PAGES if not names or p.name in names]
    assert pages, f"PRIMA_SWEEP_PAGES names no page of the inventory: {names}"
    return pages


# -- one page ------------------------------------------------------------------------------------
class Sweep:
    def __init__(self, context: BrowserContext, site: Site, base: str, width: int, shots: Path):
        self.context, self.site, self.base, self.width, self.shots = (
            context,
            site,
            base,
            width,
            shots,
        )
        self.sessions: dict[str, str] = {}
        self.observed = Observed([], [], [])
        self.axe = Axe()
        context.route("**/*", self._guard)
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.observed.console.append(f"page error: {exc}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.inflight: set[Any] = set()  # the page's requests not yet answered
        self.page.on("request", lambda request: self.inflight.add(request))
        self.page.on("requestfinished", lambda request: self.inflight.discard(request))
        self.page.on("requestfailed", lambda request: self.inflight.discard(request))
        self.documents: set[str] = set()
        self.times: dict[str, float] = {}
        self.phases: dict[str, float] = {}  # seconds spent in each step, over all pages

    def _guard(self, route: Route) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.observed.offsite.append(route.request.url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "")
        if location in self.documents and "Failed to load resource" in message.text:
            return  # the page's own status (a 404 page, a form with errors), checked apart
        self.observed.console.append(message.text[:200])

    def _settle(self, page: Page) -> None:
        """Wait until none of the page's requests has been in flight for :data:`QUIET`
        seconds (scripts that fetch after the load, charts drawn, a page that moves on);
        Playwright's ``networkidle`` waits 500 ms after every page, most of it for nothing."""
        deadline = time.monotonic() + SETTLE_LIMIT
        calm_since: float | None = None
        while time.monotonic() < deadline:
            now = time.monotonic()
            if self.inflight:
                calm_since = None
            elif calm_since is None:
                calm_since = now
            elif now - calm_since >= QUIET:
                return
            page.wait_for_timeout(20)  # lets Playwright deliver the page's events

    def _request_failed(self, request: Any) -> None:
        # aborted: the page moved on (a form sent) before a request it started was answered
        if request.url.startswith(self.base + "/") and request.failure != "net::ERR_ABORTED":
            self.observed.failed.append(f"{self._short(request.url)} ({request.failure})")

    def _short(self, url: str) -> str:
        return url.removeprefix(self.base)

    def _response(self, response: Any) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.documents.add(response.url)  # the page itself: its status is checked apart
        elif response.status >= 400:
            referer = self._short(response.request.headers.get("referer", "?"))
            self.observed.failed.append(
                f"{self._short(response.url)} ({response.status}, asked by {referer})"
            )

    def sign_in(self, user: str | None, lang: str) -> None:
        self.context.clear_cookies()
        cookies = [{"name": "django_language", "value": lang, "url": self.base}]
        if user is not None:
            if user not in self.sessions:
                self.sessions[user] = self.site.session_cookie(user)
            cookies.append({"name": "sessionid", "value": self.sessions[user], "url": self.base})
        self.context.add_cookies(cookies)  # type: ignore[arg-type]

    def visit(self, spec: PageSpec, lang: str) -> list[Finding]:
        started = time.monotonic()
        self.sign_in(spec.user, lang)
        self.observed = Observed([], [], [])
        self.documents = set()
        self.inflight.clear()
        page = self.page
        findings: list[str | tuple[str, str]] = []
        with override_settings(**spec.settings):
            try:
                response = page.goto(self.base + spec.url(self.site, lang), wait_until="load")
                self._phase("load", started)
                if spec.post:
                    with page.expect_navigation(wait_until="load") as navigation:
                        if not page.evaluate(SUBMIT_JS):
                            raise AssertionError("no POST form on the page")
                    response = navigation.value
                if spec.area == "app" or spec.post:  # charts drawn, scripts that move on
                    idle = time.monotonic()
                    self._settle(page)
                    self._phase("network idle", idle)
            except (Error, AssertionError) as exc:
                return [self._finding(spec, lang, "load", str(exc).splitlines()[0])]
            status = response.status if response else 0
            if status != spec.status:
                findings.append(("status", f"{status}, expected {spec.status}"))
            checked = time.monotonic()
            try:
                findings += self._layout(page)
            except Error:  # a script moved on to another page (the kiosk once paired): check that
                page.wait_for_load_state("networkidle")
                findings += self._layout(page)
            self._phase("layout", checked)
            # what the page did; not what axe does next (it copies each stylesheet into a <style>
            # of its own to read it: the CSP refuses those, and their relative @imports 404)
            seen, self.observed = self.observed, Observed([], [], [])
            if lang == AXE_LANG[self.width] or len(spec.langs) == 1:
                checked = time.monotonic()
                findings += self._axe(page)
                self._phase("axe", checked)
            findings += [("console", m) for m in _counted(seen.console)]
            findings += [("request failed", m) for m in seen.failed]
            findings += [("off-site request", m) for m in seen.offsite]
            shot = time.monotonic()
            page.screenshot(
                path=str(self.shots / f"{spec.name}-{lang}-{self.width}.png"), full_page=True
            )
            self._phase("screenshot", shot)
        self.times[f"{spec.name}-{lang}"] = time.monotonic() - started
        return [self._finding(spec, lang, check, detail) for check, detail in findings]

    def _finding(self, spec: PageSpec, lang: str, check: str, detail: str) -> Finding:
        return Finding(spec.name, self.width, lang, check, detail)

    def _phase(self, name: str, started: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + time.monotonic() - started

    def _layout(self, page: Page) -> list[tuple[str, str]]:
        findings = []
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[1] != self.width:
            findings.append(("viewport", f"window is {widths[1]} px wide (no meta viewport?)"))
        if widths[0] > widths[1]:
            findings.append(("horizontal scroll", f"page {widths[0]} px > window {widths[1]} px"))
        overlaps = page.evaluate(OVERLAP_JS)["overlaps"]
        if overlaps:
            shown = "; ".join(overlaps[:OVERLAPS_SHOWN])
            more = (
                f" (+{len(overlaps) - OVERLAPS_SHOWN} more)"
                if len(overlaps) > OVERLAPS_SHOWN
                else ""
            )
            findings.append(("text overlap", f"{len(overlaps)}: {shown}{more}"))
        return findings

    def _axe(self, page: Page) -> list[tuple[str, str]]:
        violations = self.axe.run(page).response["violations"]
        return [
            (
                f"axe {v['impact']}",
                f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})",
            )
            for v in violations
            if v["impact"] in SERIOUS
        ]


# -- the test ------------------------------------------------------------------------------------
# Each width takes a few minutes: the phone's sweep lives in test_pages_sweep_phone.py, so that
# pytest-xdist (--dist loadfile) can run the two widths on different workers.
def test_every_page_at_1366px(browser: Browser, live_server: Any, screenshot_dir: Path) -> None:
    sweep_every_page(1366, browser, live_server, screenshot_dir)


def sweep_every_page(width: int, browser: Browser, live_server: Any, screenshot_dir: Path) -> None:
    """Visit every page of the inventory at ``width`` in both languages; fail on any finding."""
    site = seed_site()
    context = browser.new_context(**WIDTHS[width], locale="id-ID")
    context.set_default_timeout(20_000)
    sweep = Sweep(context, site, live_server.url, width, screenshot_dir)
    findings: list[Finding] = []
    try:
        for spec in chosen_pages():
            for lang in spec.langs:
                findings += sweep.visit(spec, lang)
    finally:
        context.close()
    lines = [f.line() for f in findings]
    table = artifacts_dir() / f"pages-sweep-{width}.txt"
    table.parent.mkdir(parents=True, exist_ok=True)
    table.write_text("page | width | lang | check | detail\n" + "\n".join(lines) + "\n")
    slowest = sorted(sweep.times.items(), key=lambda kv: -kv[1])[:5]
    print(
        f"\n{width} px: {len(sweep.times)} pages in {sum(sweep.times.values()):.0f} s;",
        "steps:",
        {k: round(v) for k, v in sweep.phases.items()},
        "slowest:",
        [(k, round(v, 1)) for k, v in slowest],
    )
    assert not findings, f"{len(findings)} finding(s) at {width} px (also in {table}):\n" + (
        "\n".join(lines)
    )
