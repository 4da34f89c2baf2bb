"""The offline audit form on a phone (issue 13, point 2; Playwright with Debian's Chromium).

Acceptance: "The offline audit form: five audits offline, a reload offline, reconnect: exactly
five stored (browser test)." A supervisor signs in and opens the form of an assignment at 390 px;
the browser goes offline; five audits are filled and submitted (each kept in IndexedDB, the page
counting "Menunggu dikirim (n)"); the page is reloaded while still offline (the service worker
serves it, the queue is still there); the browser goes online: exactly five Audit rows, with the
queue's submission ids, and the queue is empty. Also: the page carries no inline script, and a
refused audit (400) stays in the queue with its error shown while the others are stored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from prima.audit_checklists import load_checklist
from prima.audits import planning
from prima.audits.models import Audit
from prima.organizations import services as org
from prima.organizations.choices import Role
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright

# live_server needs real transactions (see tests/web/test_kiosk.py)
pytestmark = pytest.mark.django_db(transaction=True)

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
}
PASSWORD = "Audit-luring-2026"
A6 = load_checklist("a6")


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def w() -> SimpleNamespace:
    w = SimpleNamespace()
    w.alpha = org.organization_create(name="Dinas Alpha", slug="alpha", kind="government")
    w.upt = org.unit_create(organization=w.alpha, name="UPT Satu")
    w.counter = org.unit_create(organization=w.alpha, name="Loket Satu", parent=w.upt)
    w.ani = org.staff_create(unit=w.counter, name="Ani Petugas")
    w.spv = org.user_create(username="spv1", password=PASSWORD)
    org.membership_grant(user=w.spv, organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt)
    period = timezone.now().strftime("%Y-%m")
    w.plan = planning.plan_create(organization=w.alpha, unit=w.counter, period=period, target=8)
    w.task = planning.assignment_create(plan=w.plan, auditor=w.spv, count=8)
    return w


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("spv1")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/"))


def open_form(page: Page, url: str) -> None:
    """The form, once its service worker is active and the page is in its cache."""
    page.goto(url)
    expect(page.locator("#audit-offline")).to_have_attribute("data-ready", "true")
    page.evaluate("navigator.serviceWorker.ready")
    assert page.evaluate(f"caches.match({url!r}).then((r) => !!r)")


def fill_audit(page: Page, n: int, *, staff: bool = False) -> None:
    """One audit: every line passed but the n-th (a 'no' or a 2), a note naming it."""
    if staff:
        page.get_by_label("Petugas yang diaudit").select_option(label="Ani Petugas")
        page.get_by_label("Kode perjumpaan").fill(" KAL-LURING-1 ")  # calibration (trimmed)
    for i, line in enumerate(A6.lines):
        value = ("yes" if i != n else "no") if line.answer == "yes_no" else ("4" if i != n else "2")
        page.locator(f"input[name='line_{line.id}'][value='{value}']").check()
    page.get_by_role("textbox", name="Catatan").fill(f"audit luring {n + 1}")
    page.get_by_role("button", name="Simpan audit").click()


def waiting(page: Page) -> Any:
    return page.locator("#audit-offline-count")


def queued(page: Page) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = page.evaluate("primaAudit.queued()")
    return items


def test_five_audits_offline_a_reload_offline_reconnect_exactly_five_stored(
    w: SimpleNamespace, live_server: Any, phone: Page
) -> None:
    base = live_server.url
    sign_in(phone, base)
    url = f"{base}/app/audit/tugas/{w.task.pk}/"
    open_form(phone, url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert phone.locator("script:not([src])").count() == 0  # CSP: static scripts only
    expect(waiting(phone)).to_have_attribute("data-count", "0")

    context = phone.context
    context.set_offline(True)
    for n in range(5):
        fill_audit(phone, n, staff=n == 0)
        expect(waiting(phone)).to_have_attribute("data-count", str(n + 1))
        expect(waiting(phone)).to_have_text(f"Menunggu dikirim ({n + 1})")
        expect(phone.locator("#audit-offline-saved")).to_be_visible()
    ids = [item["submission_id"] for item in queued(phone)]
    assert len(set(ids)) == 5
    assert Audit.objects.count() == 0  # nothing reached the server

    reloaded = phone.reload()
    assert reloaded is not None
    assert reloaded.from_service_worker
    expect(phone.get_by_role("button", name="Simpan audit")).to_be_visible()
    expect(waiting(phone)).to_have_text("Menunggu dikirim (5)")
    assert [item["submission_id"] for item in queued(phone)] == ids
    assert phone.locator("input[name=submission_id]").input_value() not in ids

    context.set_offline(False)
    expect(waiting(phone)).to_have_attribute("data-count", "0", timeout=30_000)
    expect(waiting(phone)).to_have_text("Tidak ada audit yang menunggu dikirim")
    assert queued(phone) == []
    stored = list(Audit.objects.order_by("id"))
    assert len(stored) == 5
    assert [str(a.submission_id) for a in stored] == ids  # in the order they were given
    assert [a.note for a in stored] == [f"audit luring {n}" for n in range(1, 6)]
    for audit in stored:
        assert (audit.assignment, audit.auditor, audit.unit) == (w.task, w.spv, w.counter)
        assert audit.answers.count() == len(A6.lines)
    assert [a.staff_member for a in stored] == [w.ani, None, None, None, None]
    assert [a.encounter for a in stored] == ["KAL-LURING-1", "", "", "", ""]  # the queue kept it
    # sending again stores nothing more
    phone.evaluate("primaAudit.send()")
    assert Audit.objects.count() == 5


def test_a_refused_audit_stays_queued_with_its_error(
    w: SimpleNamespace, live_server: Any, phone: Page
) -> None:
    base = live_server.url
    sign_in(phone, base)
    url = f"{base}/app/audit/baru/?unit={w.upt.pk}"
    open_form(phone, url)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Simpan audit").click()  # nothing answered: not queued
    assert (
        phone.evaluate("document.querySelector('form[data-offline-form]').checkValidity()") is False
    )
    assert queued(phone) == []
    fill_audit(phone, 0)
    fill_audit(phone, 1)
    expect(waiting(phone)).to_have_attribute("data-count", "2")
    # the first one's unit leaves the supervisor's scope before it is sent
    first = queued(phone)[0]
    first["body"]["unit"] = 987654
    phone.evaluate("(item) => primaAudit.replace(item)", first)
    phone.context.set_offline(False)
    expect(waiting(phone)).to_have_attribute("data-count", "0", timeout=30_000)
    refused = phone.locator("#audit-offline-refused li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("unit")
    assert [item["submission_id"] for item in queued(phone)] == [first["submission_id"]]
    assert list(Audit.objects.values_list("note", flat=True)) == ["audit luring 2"]
    assert not Audit.objects.filter(submission_id=uuid.UUID(first["submission_id"])).exists()
