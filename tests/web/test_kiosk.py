"""The kiosk on a tablet (Playwright driving Debian's Chromium against the live server).

- Acceptance: the kiosk loads (paired through its pairing page), the browser goes offline, five
  answers are given, the page is reloaded while still offline (the service worker serves it),
  the network returns, and exactly five responses are stored, with the kiosk's submission ids;
- a retry after a lost acknowledgement stores nothing twice;
- a revoked device is refused (403) and the kiosk says so, keeping the refused answer;
- a pairing code works once; registration in /manage/ shows the link once and is scoped;
- the device's minimum interval flags answers given too close together by the kiosk's clock,
  not answers queued offline and sent together;
- the idle reset returns to the start; the quick form's smileys and 0-10 scale; axe-core.

Run with ``DJANGO_ALLOW_ASYNC_UNSAFE=true`` (the fixture sets it too). Chromium comes from
``PRIMA_CHROMIUM`` or ``/usr/bin/chromium``; a missing browser fails the tests.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    expect,
)

from prima.collection.kiosks import kiosk_register, kiosk_revoke
from prima.collection.models import KioskDevice
from prima.surveys.choices import Channel, ResponseFlag
from prima.surveys.models import Response, Survey
from tests.artifacts import screenshots_dir
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.personas import World

# live_server needs real transactions; the serialized rollback brings back the built-in
# instruments (a data migration) that the flush after each transactional test removes.
pytestmark = pytest.mark.django_db(transaction=True)

TABLET: dict[str, Any] = {
    "viewport": {"width": 1180, "height": 820},  # a 10-11" tablet held landscape
    "device_scale_factor": 2,
    "has_touch": True,
    "locale": "id-ID",
}
SCREENSHOTS = Path(os.environ.get("PRIMA_SCREENSHOTS") or screenshots_dir())
SKM_VALUES = [4, 3, 3, 4, 2, 4, 4, 3, 1]
RESPONSES = re.compile(r"/api/v1/public/surveys/[^/]+/responses")
SERIOUS = ("serious", "critical")
WCAG_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    with django_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**{**TABLET, **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tablet(new_context: Any) -> Page:
    return new_context().new_page()


# -- helpers -----------------------------------------------------------------------------------
def register(world: World, survey: Survey | None = None, **options: Any) -> tuple[KioskDevice, str]:
    survey = survey or world.skm
    unit = options.pop("unit", world.upt1 if survey != world.quick else world.bank_unit)
    options.setdefault("name", "Tablet Loket Satu")
    options.setdefault("min_interval_seconds", 0)
    return kiosk_register(survey=survey, unit=unit, **options)


def pair(page: Page, live_server: Any, code: str) -> None:
    """Open the admin's pairing link on the tablet, confirm, and land on a kiosk that its
    service worker controls (so that it keeps working offline)."""
    page.goto(f"{live_server.url}/kiosk/pair/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pasangkan tablet ini sebagai kios survei"
    )
    page.get_by_role("button", name="Pasangkan perangkat ini").click()
    expect(page).to_have_url(f"{live_server.url}/kiosk/")
    expect(start_button(page)).to_be_visible()
    assert page.evaluate(SW_ACTIVATED) == "activated"
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
        expect(start_button(page)).to_be_visible()
    assert page.evaluate("!!navigator.serviceWorker.controller")


SW_ACTIVATED = """async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (worker.state !== "activated") {
        await new Promise((resolve) => worker.addEventListener("statechange", () => {
            if (worker.state === "activated") resolve();
        }));
    }
    return worker.state;
}"""


def start_button(page: Page) -> Any:
    return page.locator("#kiosk-start")


def main(page: Page) -> Any:
    return page.locator("#k-main")


def pending(page: Page) -> Any:
    return page.locator("#kiosk-pending")


def stored(device: Any, timeout: float = 15.0) -> Response:
    """The device's one stored response, once the kiosk has sent it: the pending count can read
    0 an instant before the answer is queued, so the row is awaited rather than assumed."""
    deadline = time.monotonic() + timeout
    while True:
        row = Response.objects.filter(device=device).first()
        if row is not None or time.monotonic() > deadline:
            assert row is not None, "the kiosk's answer was not stored"
            assert Response.objects.filter(device=device).count() == 1
            return row
        time.sleep(0.1)


def give_skm_answer(
    page: Page, values: list[int] = SKM_VALUES, staff: str | None = None, thanks: bool = True
) -> None:
    """One respondent: start, nine taps, the staff question, the thank-you, back to the start."""
    start_button(page).click()
    for step, value in enumerate(values, start=1):
        expect(main(page)).to_have_attribute("data-step", str(step))
        expect(page.locator(".k-count")).to_have_text(f"Pertanyaan {step} dari 9")
        page.locator(f".k-scale .k-option[data-value='{value}']").click()
    expect(main(page)).to_have_attribute("data-screen", "staff")
    if staff:
        page.get_by_role("button", name=staff, exact=True).click()
    else:
        page.get_by_role("button", name="Tidak tahu / lewati ›").click()
    if not thanks:
        return
    expect(main(page)).to_have_attribute("data-screen", "thanks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    page.get_by_role("button", name="Selesai").click()
    expect(start_button(page)).to_be_visible()


def queued_ids(page: Page) -> list[str]:
    return [item["submission_id"] for item in page.evaluate("primaKiosk.queued()")]


def axe_check(page: Page, what: str) -> None:
    violations = Axe().run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in SERIOUS or WCAG_AA & set(v["tags"])]
    assert not failing, f"axe on {what}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in failing
    )


# -- 1. acceptance: offline, five answers, a reload while offline, then exactly five stored -------
def test_offline_answers_survive_a_reload_and_are_stored_exactly_once(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world)
    pair(tablet, live_server, code)
    expect(tablet.locator("#k-org")).to_have_text("Dinas Alpha · UPT Alpha Satu")
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    before = Response.objects.count()

    context = tablet.context
    context.set_offline(True)
    for n in range(5):
        give_skm_answer(tablet, staff="Siti Petugas" if n == 0 else None)
        expect(pending(tablet)).to_have_attribute("data-count", str(n + 1))
    expect(pending(tablet)).to_have_text("5 jawaban menunggu dikirim")
    expect(tablet.locator("#kiosk-net")).to_have_attribute("data-online", "false")
    ids = queued_ids(tablet)
    assert len(set(ids)) == 5
    assert Response.objects.count() == before  # nothing reached the server

    # a reload while still offline: the service worker serves the page, IndexedDB the answers
    reloaded = tablet.reload()
    assert reloaded is not None
    assert reloaded.from_service_worker
    expect(start_button(tablet)).to_be_visible()
    expect(pending(tablet)).to_have_attribute("data-count", "5")
    expect(pending(tablet)).to_have_text("5 jawaban menunggu dikirim")
    assert queued_ids(tablet) == ids
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-offline.png"))

    context.set_offline(False)
    expect(pending(tablet)).to_have_attribute("data-count", "0", timeout=30_000)
    expect(pending(tablet)).to_have_text("Semua jawaban terkirim")

    stored = Response.objects.filter(device=device).order_by("id")
    assert stored.count() == 5
    assert Response.objects.count() == before + 5
    assert sorted(str(r.submission_id) for r in stored) == sorted(ids)
    assert [str(r.submission_id) for r in stored] == ids  # sent in the order they were given
    for row in stored:
        assert row.channel == Channel.KIOSK
        assert row.unit_id == world.upt1.pk
        assert row.answers == {f"U{i}": v for i, v in enumerate(SKM_VALUES, start=1)}
        assert row.duration_ms is not None
    assert [r.staff_id for r in stored] == [world.staff1.pk, None, None, None, None]
    assert tablet.evaluate("primaKiosk.dead()") == []


# -- 2. retries: a 503, a lost acknowledgement; a refused answer is kept aside -------------------
def test_retries_after_a_503_and_a_lost_acknowledgement_store_once(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world)
    pair(tablet, live_server, code)
    seen: list[tuple[str, int | str]] = []

    def flaky(route: Route) -> None:
        body = route.request.post_data_json
        if not seen:  # the database is down: 503, nothing stored
            seen.append((body["submission_id"], 503))
            route.fulfill(
                status=503,
                headers={"Retry-After": "1"},
                json={"detail": "database unavailable", "errors": {}},
            )
        elif len(seen) == 1:
            response = route.fetch()  # the server stores the answer...
            seen.append((body["submission_id"], response.status))
            route.abort("connectionreset")  # ...and its acknowledgement is lost
        else:
            seen.append((body["submission_id"], "retry"))
            route.continue_()

    tablet.route(RESPONSES, flaky)
    give_skm_answer(tablet)
    expect(pending(tablet)).to_have_attribute("data-count", "0", timeout=20_000)
    assert len(seen) >= 3
    assert [status for _, status in seen[:3]] == [503, 201, "retry"]
    first_id = seen[0][0]
    assert {sid for sid, _ in seen} == {first_id}  # every retry sent the same submission id
    stored = Response.objects.filter(device=device)
    assert stored.count() == 1
    assert str(stored.get().submission_id) == first_id
    expect(tablet.locator("#kiosk-dead")).to_be_hidden()


def test_a_refused_answer_is_kept_aside_and_the_next_ones_still_go(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world)
    pair(tablet, live_server, code)
    refused: list[str] = []

    def refuse_the_first(route: Route) -> None:
        if not refused:
            refused.append(route.request.post_data_json["submission_id"])
            route.fulfill(status=422, json={"detail": "answers.U1: invalid", "errors": {}})
        else:
            route.continue_()

    tablet.route(RESPONSES, refuse_the_first)
    give_skm_answer(tablet)
    expect(tablet.locator("#kiosk-dead")).to_have_attribute("data-count", "1")
    expect(tablet.locator("#kiosk-dead")).to_be_visible()
    give_skm_answer(tablet)
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    expect(pending(tablet)).to_have_text("Tidak ada jawaban yang menunggu")
    dead = tablet.evaluate("primaKiosk.dead()")
    assert [(d["submission_id"], d["status"], d["detail"]) for d in dead] == [
        (refused[0], 422, "answers.U1: invalid")
    ]
    stored = Response.objects.filter(device=device)
    assert stored.count() == 1
    assert str(stored.get().submission_id) != refused[0]


# -- 2b. a browser restart while offline --------------------------------------------------------
def test_a_browser_restart_while_offline_loses_nothing(
    world: World, live_server: Any, playwright: Playwright, tmp_path: Path
) -> None:
    device, code = register(world)
    profile = tmp_path / "chromium-profile"

    def launch(**options: Any) -> BrowserContext:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            **TABLET,
            **options,
        )
        context.set_default_timeout(10_000)
        return context

    context = launch()
    try:
        page = context.pages[0] if context.pages else context.new_page()
        pair(page, live_server, code)
        context.set_offline(True)
        give_skm_answer(page)
        give_skm_answer(page)
        expect(pending(page)).to_have_attribute("data-count", "2")
        ids = queued_ids(page)
    finally:
        context.close()  # the browser quits while offline

    context = launch(offline=True)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        opened = page.goto(f"{live_server.url}/kiosk/")
        assert opened is not None
        assert opened.from_service_worker
        expect(start_button(page)).to_be_visible()
        expect(pending(page)).to_have_attribute("data-count", "2")
        assert queued_ids(page) == ids
        assert Response.objects.filter(device=device).count() == 0
        context.set_offline(False)
        expect(pending(page)).to_have_attribute("data-count", "0", timeout=30_000)
    finally:
        context.close()
    stored = Response.objects.filter(device=device).order_by("id")
    assert [str(r.submission_id) for r in stored] == ids


# -- 3. a revoked device ---------------------------------------------------------------------------
def test_a_revoked_device_is_refused_and_the_kiosk_says_so(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world)
    pair(tablet, live_server, code)
    token = tablet.evaluate("JSON.parse(localStorage.getItem('prima.kiosk.device')).token")
    client = world.client(None)
    ok = client.get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=token)
    assert ok.status_code == 200
    assert ok.json()["unit"] == {"id": world.upt1.pk, "name": world.upt1.name}
    assert ok.json()["staff"] == [{"id": world.staff1.pk, "name": world.staff1.name}]
    assert client.get("/api/v1/public/kiosk").status_code == 401

    kiosk_revoke(device=device)
    assert client.get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=token).status_code == 403
    body = {"submission_id": str(uuid.uuid4()), "answers": {f"U{i}": 3 for i in range(1, 10)}}
    refused = client.post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        body,
        content_type="application/json",
        HTTP_X_PRIMA_DEVICE=token,
    )
    assert refused.status_code == 403

    give_skm_answer(tablet, thanks=False)  # given before the kiosk learns that it was revoked
    expect(tablet.get_by_role("heading", level=1)).to_have_text(
        "Perangkat ini tidak lagi terdaftar"
    )
    expect(main(tablet)).to_have_attribute("data-screen", "revoked")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-revoked.png"))
    # the refused answer is kept aside on the device and counted, never silently dropped
    expect(tablet.locator("#kiosk-dead")).to_have_attribute("data-count", "1")
    expect(tablet.locator("#kiosk-dead")).to_have_text(
        "1 jawaban ditolak server, disimpan di perangkat"
    )
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    dead = tablet.evaluate("primaKiosk.dead()")
    assert [d["status"] for d in dead] == [403]
    assert Response.objects.filter(device=device).count() == 0
    tablet.reload()
    expect(main(tablet)).to_have_attribute("data-screen", "revoked")
    expect(start_button(tablet)).to_have_count(0)


# -- 4. pairing works once ---------------------------------------------------------------------
def test_a_pairing_code_works_once(
    world: World, live_server: Any, tablet: Page, new_context: Any
) -> None:
    device, code = register(world)
    client = world.client(None)
    url = f"/kiosk/pair/{code}/"
    # a GET (a link preview, a prefetch) shows the confirm button and leaves the code unused
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        assert "Pasangkan perangkat ini" in page.content.decode()
    assert client.get(f"{url}?lang=en").content.decode().count("Pair this device") == 1
    device.refresh_from_db()
    assert device.pairing_code == hashlib.sha256(code.encode()).hexdigest()

    tablet.goto(f"{live_server.url}{url}")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-pairing.png"))
    pair(tablet, live_server, code)
    stored = tablet.evaluate("JSON.parse(localStorage.getItem('prima.kiosk.device'))")
    assert stored["survey"] == world.skm.code
    device.refresh_from_db()
    assert device.pairing_code is None
    assert device.digest == hashlib.sha256(stored["token"].encode()).hexdigest()
    idb = tablet.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("prima-kiosk");
            open.onsuccess = () => {
                const get = open.result.transaction("config").objectStore("config").get("device");
                get.onsuccess = () => resolve(get.result);
                get.onerror = () => reject(get.error);
            };
        })"""
    )
    assert idb["token"] == stored["token"]

    # the same link again: used up, for a GET and a POST
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "Tautan pemasangan tidak berlaku" in response.content.decode()
        assert world.skm.title not in response.content.decode()
    assert client.get("/kiosk/pair/not-a-code/").status_code == 404
    second = new_context().new_page()  # another tablet with the same link
    second.goto(f"{live_server.url}{url}")
    expect(second.get_by_role("heading", level=1)).to_have_text("Tautan pemasangan tidak berlaku")
    second.goto(f"{live_server.url}/kiosk/")
    expect(second.get_by_role("heading", level=1)).to_have_text("Perangkat belum dipasangkan")


# -- 5. registration in /manage/ ----------------------------------------------------------------
PAIR_LINK = re.compile(r'href="(http://testserver/kiosk/pair/([\w-]+)/)"')


def test_registration_in_manage_shows_the_link_once_and_is_scoped(world: World) -> None:
    alice = world.client("alice")
    add = alice.get("/manage/collection/kioskdevice/add/")
    assert add.status_code == 200
    html = add.content.decode()
    assert world.skm.title in html
    assert world.quick.title not in html  # another tenant's survey is no choice
    assert world.bank_unit.name not in html

    form = {
        "survey": world.skm.pk,
        "unit": world.loket1.pk,  # a counter below one of the survey's units
        "name": "Tablet Loket Satu",
        "min_interval_seconds": 20,
        "idle_reset_seconds": 60,
        "ask_staff": "on",
        "_save": "Simpan",
    }
    saved = alice.post("/manage/collection/kioskdevice/add/", form, follow=True)
    assert saved.status_code == 200
    messages = "\n".join(str(m) for m in saved.context["messages"])
    match = PAIR_LINK.search(messages)
    assert match, messages
    device = KioskDevice.objects.get(name="Tablet Loket Satu")
    assert (device.organization, device.survey, device.unit) == (
        world.alpha,
        world.skm,
        world.loket1,
    )
    assert (device.min_interval_seconds, device.idle_reset_seconds, device.ask_staff) == (
        20,
        60,
        True,
    )
    assert device.pairing_code == hashlib.sha256(match[2].encode()).hexdigest()
    assert "Menunggu pemasangan" in saved.content.decode()
    # the link is shown once: not on the list or the device's page afterwards
    for url in (
        "/manage/collection/kioskdevice/",
        f"/manage/collection/kioskdevice/{device.pk}/change/",
    ):
        assert match[2] not in alice.get(url).content.decode()
    assert world.client(None).get(match[1].removeprefix("http://testserver")).status_code == 200

    # a unit outside the survey, or another tenant's unit, is refused
    for unit in (world.upt2, world.bank_unit):
        bad = alice.post(
            "/manage/collection/kioskdevice/add/",
            {**form, "survey": world.a6.pk, "unit": unit.pk, "name": "Salah"},
        )
        assert bad.status_code == 200
        assert "unit" in bad.context["adminform"].form.errors
    assert not KioskDevice.objects.filter(name="Salah").exists()

    # the list shows when the tablet was last online; charlie sees none of it
    _, code = register(world, name="Tablet Pintu Masuk")
    pairing_client = world.client(None)
    paired = pairing_client.post(f"/kiosk/pair/{code}/")
    token = re.search(r'"token": "([^"]+)"', paired.content.decode())[1]  # type: ignore[index]
    assert pairing_client.get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=token).status_code == 200
    entrance = KioskDevice.objects.get(name="Tablet Pintu Masuk")
    assert entrance.last_seen_at is not None
    listing = alice.get("/manage/collection/kioskdevice/").content.decode()
    assert "Tablet Pintu Masuk" in listing
    assert "Aktif" in listing

    charlie = world.client("charlie")
    theirs = charlie.get("/manage/collection/kioskdevice/")
    assert theirs.status_code == 200
    assert "Tablet Loket Satu" not in theirs.content.decode()
    assert "Tablet Pintu Masuk" not in theirs.content.decode()
    assert charlie.get(f"/manage/collection/kioskdevice/{device.pk}/change/").status_code == 302
    charlie.post(
        "/manage/collection/kioskdevice/",
        {"action": "revoke", "_selected_action": [device.pk, entrance.pk]},
    )
    assert not KioskDevice.objects.filter(revoked_at__isnull=False).exists()
    add = charlie.get("/manage/collection/kioskdevice/add/").content.decode()
    assert world.skm.title not in add
    assert world.upt1.name not in add
    for outsider in ("victor", "bob", "mallory", None):
        assert world.client(outsider).get("/manage/collection/kioskdevice/").status_code == 302

    # alice revokes the entrance tablet: its token stops working at once
    revoked = alice.post(
        "/manage/collection/kioskdevice/",
        {"action": "revoke", "_selected_action": [entrance.pk]},
        follow=True,
    )
    assert "1 perangkat dicabut" in revoked.content.decode()
    entrance.refresh_from_db()
    device.refresh_from_db()
    assert entrance.revoked_at is not None
    assert device.revoked_at is None
    assert pairing_client.get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=token).status_code == 403
    assert "Dicabut" in alice.get("/manage/collection/kioskdevice/?status=revoked").content.decode()


def test_old_manage_addresses_of_kiosk_devices_lead_to_the_new_ones(world: World) -> None:
    """Kiosk devices moved from prima.surveys to prima.collection (ADR 0004): a bookmark of
    /manage/surveys/kioskdevice/... still works, with its query string, and a form posted there
    is sent on with its method and body."""
    device, _ = register(world, name="Tablet Lama")
    alice = world.client("alice")
    old = "/manage/surveys/kioskdevice/"
    new = "/manage/collection/kioskdevice/"
    for rest in ("", "add/", f"{device.pk}/change/", "?status=active"):
        moved = alice.get(old + rest)
        assert moved.status_code == 308
        assert moved["Location"] == new + rest
    page = alice.get(f"{old}{device.pk}/change/", follow=True)
    assert page.status_code == 200
    assert page.redirect_chain == [(f"{new}{device.pk}/change/", 308)]
    assert "Tablet Lama" in page.content.decode()

    revoked = alice.post(old, {"action": "revoke", "_selected_action": [device.pk]}, follow=True)
    assert "1 perangkat dicabut" in revoked.content.decode()
    device.refresh_from_db()
    assert device.revoked_at is not None
    # nothing beyond the redirect for anyone else: the new address then refuses them
    for outsider in ("charlie", None):
        moved = world.client(outsider).get(f"{old}{device.pk}/change/", follow=True)
        assert "Tablet Lama" not in moved.content.decode()


def test_the_kiosk_operation_keeps_its_id_in_the_api_schema() -> None:
    """Clients generated from /api/openapi.json name operations by their id: moving the kiosk
    API to prima.collection (ADR 0004) must not rename it."""
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/public/kiosk"]["get"]
    assert operation["operationId"] == "prima_surveys_kiosk_api_kiosk_settings"


# -- 6. the minimum interval, by the kiosk's own clock ---------------------------------------------
def test_the_minimum_interval_uses_the_time_each_answer_was_given(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world, min_interval_seconds=15)
    pair(tablet, live_server, code)
    t0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)

    def answer_at(seconds: int) -> None:
        tablet.clock.set_fixed_time(t0 + timedelta(seconds=seconds))
        give_skm_answer(tablet)

    # offline: three answers a minute apart, then a child presses again 3 s later
    tablet.context.set_offline(True)
    for seconds in (0, 60, 120, 123):
        answer_at(seconds)
    expect(pending(tablet)).to_have_attribute("data-count", "4")
    tablet.context.set_offline(False)  # all four arrive together
    expect(pending(tablet)).to_have_attribute("data-count", "0", timeout=30_000)
    # online: one answer, and another 2 s later
    answer_at(300)
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    answer_at(302)
    expect(pending(tablet)).to_have_attribute("data-count", "0")

    rows = list(Response.objects.filter(device=device).order_by("id"))
    interval = ResponseFlag.DEVICE_INTERVAL
    assert [r.flag for r in rows] == ["", "", "", interval, "", interval]
    assert rows[3].flag_detail == "device_interval: 3.0 s after the previous answer"
    assert rows[5].flag_detail == "device_interval: 2.0 s after the previous answer"
    device.refresh_from_db()
    assert device.last_answered_at == t0 + timedelta(seconds=302)


# -- 7. the idle reset -------------------------------------------------------------------------
def test_an_idle_kiosk_returns_to_the_start(world: World, live_server: Any, tablet: Page) -> None:
    device, code = register(world, idle_reset_seconds=2)
    pair(tablet, live_server, code)
    start_button(tablet).click()
    tablet.locator(".k-scale .k-option[data-value='4']").click()
    expect(tablet.locator(".k-count")).to_have_text("Pertanyaan 2 dari 9")
    # the respondent walks away: after the idle time the kiosk is back at its start, and the
    # half-given answer is gone (nothing queued, nothing stored)
    expect(start_button(tablet)).to_be_visible(timeout=6_000)
    assert queued_ids(tablet) == []
    start_button(tablet).click()
    expect(tablet.locator(".k-count")).to_have_text("Pertanyaan 1 dari 9")
    expect(tablet.locator(".k-option[aria-pressed='true']")).to_have_count(0)
    # a visitor who switched to English and left: the next one starts in Indonesian
    expect(start_button(tablet)).to_be_visible(timeout=6_000)
    tablet.get_by_role("button", name="English").click()
    expect(tablet.locator("html")).to_have_attribute("lang", "en")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("How was our service today?")
    expect(tablet.locator("html")).to_have_attribute("lang", "id", timeout=6_000)
    expect(tablet.get_by_role("heading", level=1)).to_have_text(
        "Bagaimana pelayanan kami hari ini?"
    )
    assert Response.objects.filter(device=device).count() == 0


# -- 8. the quick form, English, accessibility, screenshots --------------------------------------
def test_quick_form_smileys_and_scale_in_english_accessible(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world, survey=world.quick, ask_staff=False, name="Kios Cabang")
    pair(tablet, live_server, code)
    expect(tablet.locator("#k-org")).to_have_text("Bank Beta · Cabang Beta")
    axe_check(tablet, "the kiosk start screen")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-quick-start.png"))
    tablet.get_by_role("button", name="English").click()
    expect(tablet.locator("html")).to_have_attribute("lang", "en")
    start_button(tablet).click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(
        "Overall, how satisfied are you with today's service?"
    )
    faces = tablet.get_by_role("group", name="Overall, how satisfied are you with today's service?")
    expect(faces.get_by_role("button")).to_have_count(5)
    expect(faces.locator(".k-face svg")).to_have_count(5)
    for box in [faces.get_by_role("button").nth(i).bounding_box() for i in range(5)]:
        assert box is not None
        assert box["height"] >= 120
        assert box["width"] >= 120
    axe_check(tablet, "a smiley question")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-quick-smileys.png"))
    faces.get_by_role("button", name="Satisfied", exact=True).click()
    expect(tablet.get_by_role("heading", level=1)).to_contain_text("How likely")
    scale = tablet.locator(".k-scale-nps .k-option")
    expect(scale).to_have_count(11)
    expect(tablet.locator(".k-ends")).to_have_text("Not at all likelyExtremely likely")
    axe_check(tablet, "the 0-10 question")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-quick-nps.png"))
    tablet.get_by_role("button", name="9", exact=True).click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(
        "Would you come back to use this service?"
    )
    tablet.get_by_role("button", name="Yes", exact=True).click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Thank you!")
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    expect(pending(tablet)).to_have_text("All answers sent")
    row = stored(device)
    assert row.answers == {"csat": 4, "nps": 9, "kembali": 1}
    assert row.unit_id == world.bank_unit.pk
    assert row.channel == Channel.KIOSK


def test_skm_screenshots_and_keyboard(world: World, live_server: Any, tablet: Page) -> None:
    device, code = register(world)
    pair(tablet, live_server, code)
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-start.png"))
    start_button(tablet).click()
    expect(tablet.locator(".k-count")).to_have_text("Pertanyaan 1 dari 9")
    group = tablet.get_by_role("group", name=re.compile("kesesuaian persyaratan"))
    expect(group.get_by_role("button")).to_have_count(4)
    expect(group.get_by_role("button", name="Sangat sesuai", exact=True)).to_be_visible()
    axe_check(tablet, "an SKM question")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-skm-question.png"))
    # keyboard: the first answer is reachable with Tab and chosen with Enter
    tablet.keyboard.press("Tab")
    assert tablet.evaluate("document.activeElement.classList.contains('k-option')")
    tablet.keyboard.press("Enter")
    expect(tablet.locator(".k-count")).to_have_text("Pertanyaan 2 dari 9")
    tablet.set_viewport_size({"width": 820, "height": 1180})  # the tablet turned upright
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-skm-portrait.png"))
    for step in range(2, 10):
        expect(main(tablet)).to_have_attribute("data-step", str(step))
        tablet.locator(".k-scale .k-option[data-value='3']").click()
    expect(main(tablet)).to_have_attribute("data-screen", "staff")
    axe_check(tablet, "the staff question")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-staff.png"))
    tablet.get_by_role("button", name="Siti Petugas").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    axe_check(tablet, "the thank-you screen")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-thanks.png"))
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    row = stored(device)
    assert row.answers == {"U1": 1, **{f"U{i}": 3 for i in range(2, 10)}}
    assert row.staff_id == world.staff1.pk


def test_paired_items_show_both_sides_on_one_screen(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world, survey=world.a6, ask_staff=False, name="Tablet A6")
    pair(tablet, live_server, code)
    questions = world.a6.instrument_version.questions
    items = list(dict.fromkeys(q.item for q in questions))
    start_button(tablet).click()
    for step, _item in enumerate(items, start=1):
        expect(main(tablet)).to_have_attribute("data-step", str(step))
        expect(tablet.locator(".k-count")).to_have_text(f"Pertanyaan {step} dari {len(items)}")
        expectation = tablet.get_by_role("group", name=re.compile("Harapan Anda$"))
        performance = tablet.get_by_role("group", name=re.compile("Yang Anda alami$"))
        expect(expectation.get_by_role("button")).to_have_count(5)
        expect(performance.get_by_role("button")).to_have_count(5)
        if step == 1:
            expect(tablet.get_by_role("heading", level=1)).to_have_text(
                "Petugas memahami dengan baik layanan yang diberikannya."
            )
            axe_check(tablet, "a paired item")
            tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-a6-paired.png"))
        expectation.get_by_role("button", name="Sangat setuju").click()
        expect(main(tablet)).to_have_attribute("data-step", str(step))  # one side is not enough
        performance.get_by_role("button", name=re.compile("^4")).click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    expect(pending(tablet)).to_have_attribute("data-count", "0")
    row = stored(device)
    assert row.answers == {q.key: 5 if q.side == "harapan" else 4 for q in questions}


# -- 9. the kiosk's texts come from the gettext catalogue ----------------------------------------
def test_the_shell_carries_both_languages_from_the_catalogue() -> None:
    """The tablet switches language offline: the shell holds the texts of both languages,
    rendered from the catalogue; kiosk.js has no dictionary of its own."""
    import json

    from django.contrib.staticfiles import finders

    from prima.collection.kiosk_text import TEXTS

    page = Client().get("/kiosk/").content.decode()
    found = re.search(r'<script id="kiosk-text" type="application/json">(.*?)</script>', page)
    assert found
    texts = json.loads(found.group(1))
    assert set(texts) == {"id", "en"}
    assert set(texts["id"]) == set(texts["en"])
    assert texts["id"]["start_title"] == "Bagaimana pelayanan kami hari ini?"
    assert texts["en"]["start_title"] == "How was our service today?"
    assert texts["id"]["question_of"] == "Pertanyaan {i} dari {n}"
    assert texts["en"]["pending"] == {
        "one": "{n} answer waiting to be sent",
        "other": "{n} answers waiting to be sent",
    }
    assert texts["id"]["pending"] == {
        "one": "{n} jawaban menunggu dikirim",
        "other": "{n} jawaban menunggu dikirim",
    }
    # English is the msgids themselves; every Indonesian text is translated
    for key, msgid in TEXTS.items():
        assert texts["en"][key] == msgid
        assert texts["id"][key] != msgid, key
    assert "Memuat survei…" in page  # the shell's own first words, before the script runs
    script = Path(str(finders.find("prima/kiosk.js"))).read_text("utf-8")
    for indonesian in ("Bagaimana pelayanan", "Pertanyaan", "menunggu dikirim", "Luring"):
        assert indonesian not in script


# -- 10. the service received (jenis layanan) ------------------------------------------------------
def test_the_kiosk_settings_list_the_services_of_its_unit(world: World) -> None:
    """The services a respondent at the device may name: those of the survey at the device's
    unit, a unit above or below it (as the web form offers them), each with its unit."""
    from prima.collection.kiosks import kiosk_pair
    from prima.organizations import services as org

    legalisir = org.service_create(unit=world.loket1, name="Legalisir")
    org.service_create(unit=world.upt2, name="Pendaftaran")  # another unit's: not at this device
    _device, code = register(world)
    paired = kiosk_pair(pairing_code=code)
    assert paired is not None
    settings = Client().get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=paired[1]).json()
    assert settings["services"] == [
        {
            "id": world.service1.pk,
            "name": "Pendaftaran",
            "unit": {"id": world.upt1.pk, "name": world.upt1.name},
        },
        {
            "id": legalisir.pk,
            "name": "Legalisir",
            "unit": {"id": world.loket1.pk, "name": "Loket Satu"},
        },
    ]
    # a device at the counter: its own service and those of the units above it
    _device, code = register(world, unit=world.loket1)
    paired = kiosk_pair(pairing_code=code)
    assert paired is not None
    settings = Client().get("/api/v1/public/kiosk", HTTP_X_PRIMA_DEVICE=paired[1]).json()
    assert [s["id"] for s in settings["services"]] == [world.service1.pk, legalisir.pk]


def test_the_kiosk_asks_the_service_and_its_offline_queue_carries_it(
    world: World, live_server: Any, tablet: Page
) -> None:
    from prima.organizations import services as org

    legalisir = org.service_create(unit=world.loket1, name="Legalisir")
    device, code = register(world)
    pair(tablet, live_server, code)
    tablet.context.set_offline(True)

    # the first respondent names the service, goes back to it from the first question, keeps it
    start_button(tablet).click()
    expect(main(tablet)).to_have_attribute("data-screen", "service")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Layanan apa yang Anda terima?")
    choices = tablet.get_by_role("group", name="Layanan apa yang Anda terima?")
    expect(choices.get_by_role("button")).to_have_count(2)
    # the same name may exist in several units: each button says its unit too
    expect(choices.get_by_role("button", name="Legalisir Loket Satu")).to_be_visible()
    for i in range(2):
        box = choices.get_by_role("button").nth(i).bounding_box()
        assert box is not None
        assert box["height"] >= 70
    axe_check(tablet, "the service question")
    tablet.screenshot(path=str(SCREENSHOTS / "prima-kiosk-service.png"))
    choices.get_by_role("button", name="Legalisir Loket Satu").click()
    expect(tablet.locator(".k-count")).to_have_text("Pertanyaan 1 dari 9")
    tablet.get_by_role("button", name="‹ Sebelumnya").click()
    expect(main(tablet)).to_have_attribute("data-screen", "service")
    expect(tablet.locator(f".k-service[data-service='{legalisir.pk}']")).to_have_attribute(
        "aria-pressed", "true"
    )
    tablet.locator(f".k-service[data-service='{legalisir.pk}']").click()
    for step, value in enumerate(SKM_VALUES, start=1):
        expect(main(tablet)).to_have_attribute("data-step", str(step))
        tablet.locator(f".k-scale .k-option[data-value='{value}']").click()
    tablet.get_by_role("button", name="Tidak tahu / lewati ›").click()  # the staff question
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    tablet.get_by_role("button", name="Selesai").click()

    # the second skips it, in English; the third names the other service
    tablet.get_by_role("button", name="English").click()
    start_button(tablet).click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Which service did you receive?")
    tablet.get_by_role("button", name="Don't know / skip ›").click()
    for step, value in enumerate(SKM_VALUES, start=1):
        expect(main(tablet)).to_have_attribute("data-step", str(step))
        tablet.locator(f".k-scale .k-option[data-value='{value}']").click()
    expect(main(tablet)).to_have_attribute("data-screen", "staff")
    tablet.get_by_role("button", name="Don't know / skip ›").click()
    tablet.get_by_role("button", name="Done", exact=True).click()
    tablet.get_by_role("button", name="Bahasa Indonesia").click()
    start_button(tablet).click()
    tablet.get_by_role("button", name=re.compile("^Pendaftaran")).click()
    for step, value in enumerate(SKM_VALUES, start=1):
        expect(main(tablet)).to_have_attribute("data-step", str(step))
        tablet.locator(f".k-scale .k-option[data-value='{value}']").click()
    expect(main(tablet)).to_have_attribute("data-screen", "staff")
    tablet.get_by_role("button", name="Siti Petugas", exact=True).click()
    expect(pending(tablet)).to_have_attribute("data-count", "3")

    # the queue, also after a reload while offline, carries each answer's service
    assert [item["body"]["service"] for item in tablet.evaluate("primaKiosk.queued()")] == [
        legalisir.pk,
        None,
        world.service1.pk,
    ]
    tablet.reload()
    expect(start_button(tablet)).to_be_visible()
    queued = tablet.evaluate("primaKiosk.queued()")
    assert [item["body"]["service"] for item in queued] == [legalisir.pk, None, world.service1.pk]
    assert Response.objects.filter(device=device).count() == 0

    tablet.context.set_offline(False)
    expect(pending(tablet)).to_have_attribute("data-count", "0", timeout=30_000)
    rows = list(Response.objects.filter(device=device).order_by("id"))
    assert [str(r.submission_id) for r in rows] == [item["submission_id"] for item in queued]
    assert [r.service_id for r in rows] == [legalisir.pk, None, world.service1.pk]
    assert [r.staff_id for r in rows] == [None, None, world.staff1.pk]
    assert all(r.unit_id == world.upt1.pk for r in rows)
    assert tablet.evaluate("primaKiosk.dead()") == []


def test_a_kiosk_whose_unit_offers_one_service_does_not_ask(
    world: World, live_server: Any, tablet: Page
) -> None:
    device, code = register(world)  # UPT Alpha Satu offers only "Pendaftaran"
    pair(tablet, live_server, code)
    give_skm_answer(tablet)
    row = stored(device)
    assert row.service_id is None
