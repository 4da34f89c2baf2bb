"""The public survey page in a real browser (Playwright driving Debian's Chromium).

- a respondent fills the SKM survey on a phone in Bahasa Indonesia; the admin's results view
  then shows one more response and the changed IKM;
- the English switch, server-side validation with an error summary, keyboard-only use;
- axe-core finds no serious or critical violation (Indonesian and English, empty, with errors,
  thank-you page); non-text contrast of the controls stays at least 3:1;
- the form submits with JavaScript disabled.

Run with ``DJANGO_ALLOW_ASYNC_UNSAFE=true`` (the sync Playwright API runs an event loop in the
test thread; the fixture sets it too). Chromium comes from ``PRIMA_CHROMIUM`` or
``/usr/bin/chromium`` (Debian's package); a missing browser fails the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from prima.insights.results import survey_results
from prima.metrics.rounding import format_number
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.models import Response, Survey
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.personas import PASSWORD, World

# live_server needs real transactions; the serialized rollback brings back the built-in
# instruments (a data migration) that the flush after each transactional test removes.
pytestmark = pytest.mark.django_db(transaction=True)

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "id-ID"}
SCREENSHOT = "prima-survey-phone.png"  # in the artefacts folder (the screenshot_dir fixture)

# What the phone respondent answers, by the Indonesian answer labels of SKM 2017 (and the values
# they stand for). U1 and U5 share their labels, so each answer is looked up inside its question.
PHONE_ANSWERS = {
    "U1": ("Sangat sesuai", 4),
    "U2": ("Sangat mudah", 4),
    "U3": ("Cepat", 3),
    "U4": ("Gratis", 4),
    "U5": ("Sesuai", 3),
    "U6": ("Sangat kompeten", 4),
    "U7": ("Sangat sopan dan ramah", 4),
    "U8": ("Baik", 3),
    "U9": ("Ada tetapi tidak berfungsi", 2),
}
# The world holds three SKM responses: all 3 except U1=4,U3=2 and U1=1,U9=4: 80 points over
# 3 responses x 9 unsur, IKM = 80/27 x 25 = 74.07; with the phone answers (31 points) it is
# 111/36 x 25 = 77.08.
IKM_BEFORE = "74,07"
IKM_AFTER = "77,08"

SERIOUS = ("serious", "critical")
WCAG_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    """``new_context(**options)``: browser contexts closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context: Any) -> Page:
    return new_context(**PHONE).new_page()


# -- helpers -----------------------------------------------------------------------------------
def survey_url(
    live_server: Any, survey: Survey, *, unit: int | None = None, lang: str | None = None
) -> str:
    url = f"{live_server.url}/s/{survey.code}/"
    params = []
    if lang:
        params.append(f"lang={lang}")
    if unit is not None:
        params.append(f"c={context_sign(LinkContext(survey.code, unit=unit))}")
    return url + ("?" + "&".join(params) if params else "")


def question(page: Page, survey: Survey, key: str, lang: str = "id") -> Any:
    """The radio group of one question, found by its visible question text."""
    text = next(q.text[lang] for q in survey.instrument_version.questions if q.key == key)
    return page.get_by_role("group", name=text)


def answer(page: Page, survey: Survey, key: str, label: str, lang: str = "id") -> None:
    radio = question(page, survey, key, lang).get_by_role("radio", name=label, exact=True)
    radio.click()
    expect(radio).to_be_checked()


def fill_answers(
    page: Page, survey: Survey, answers: dict[str, tuple[str, int]], lang: str = "id"
) -> None:
    for key, (label, _value) in answers.items():
        answer(page, survey, key, label, lang)


def login(page: Page, live_server: Any, username: str) -> None:
    """Sign in through the real login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/$"))


def hand_ikm(survey: Survey) -> str:
    """IKM (converted, 25-100) from the stored answers, by the PermenPAN-RB 14/2017 formula:
    mean of each unsur, weighted 1/9 each, summed, times 25."""
    rows = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
    keys = [f"U{i}" for i in range(1, 10)]
    nrr = [Fraction(sum(r[k] for r in rows), len(rows)) for k in keys]
    return format_number(sum(nrr) / len(keys) * 25, 2, "id")


def axe_check(page: Page, what: str) -> list[str]:
    """Run axe-core (all its rules) on the page. Fail on a serious or critical violation, and
    on any violation of a WCAG 2.1 A/AA rule whatever its impact; return the ids of the rest
    (best-practice findings of moderate or minor impact)."""
    violations = Axe().run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in SERIOUS or WCAG_AA & set(v["tags"])]
    assert not failing, f"axe on {what}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in failing
    )
    return [v["id"] for v in violations]


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb(...)``/``rgba(...)`` colours (opaque ones)."""
    la, lb = (_luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c))) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def styles(page: Page, selector: str, *props: str) -> dict[str, str]:
    return page.locator(selector).first.evaluate(
        "(el, props) => Object.fromEntries(props.map(p => [p, getComputedStyle(el)[p]]))",
        list(props),
    )


def backdrop(page: Page, selector: str) -> str:
    """The colour an element sits on: the first opaque background of its ancestors."""
    return page.locator(selector).first.evaluate(
        r"""el => {
            for (let e = el.parentElement; e; e = e.parentElement) {
                const c = getComputedStyle(e).backgroundColor;
                if (c !== "transparent" && !/rgba\(.*, 0\)$/.test(c)) return c;
            }
            return "rgb(255, 255, 255)";
        }"""
    )


# -- 1. a respondent on a phone, then the admin's results view ----------------------------------
@pytest.mark.parametrize("signed", [True, False], ids=["signed-unit-link", "plain-link"])
def test_phone_survey_in_indonesian_updates_results(
    world: World,
    live_server: Any,
    phone: Page,
    new_context: Any,
    signed: bool,
    screenshot_dir: Path,
) -> None:
    survey = world.skm
    assert hand_ikm(survey) == IKM_BEFORE

    # the admin sees the results before
    admin = new_context(**DESKTOP).new_page()
    login(admin, live_server, "alice")
    # the first dashboard of a run computes its rollups and loads the chart bundle: on a busy
    # machine that can take longer than the default 10 s
    admin.goto(f"{live_server.url}/app/surveys/{survey.code}/", timeout=30_000)
    expect(admin.locator("#response-count")).to_have_text("3")
    expect(admin.locator("#ikm-value")).to_have_text(IKM_BEFORE)

    # the respondent, on a phone, in Bahasa Indonesia
    unit = world.upt1 if signed else world.upt2
    phone.goto(survey_url(live_server, survey, unit=unit.pk if signed else None))
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017)"
    )
    unit_select = phone.get_by_label("Unit layanan yang Anda kunjungi")
    if signed:
        expect(unit_select).to_have_count(0)  # the signed link names the unit
    else:
        unit_select.select_option(label="UPT Alpha Dua")
    if signed:
        phone.screenshot(path=str(screenshot_dir / SCREENSHOT), full_page=True)
    fill_answers(phone, survey, PHONE_ANSWERS)
    phone.get_by_label("Umur (tahun)").fill("34")
    phone.get_by_label("Jenis kelamin").select_option(label="Perempuan")
    phone.get_by_label("Pendidikan terakhir").select_option(label="SLTA")
    phone.get_by_label("Pekerjaan utama").select_option(label="Wirausaha")
    phone.get_by_label("Saran dan masukan (tidak wajib)").fill(
        "Antrean pagi terlalu panjang, mohon tambah loket."
    )
    phone.get_by_role("button", name="Kirim jawaban").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    expect(phone).to_have_url(re.compile(rf"/s/{survey.code}/terima-kasih/\?lang=id$"))

    stored = Response.objects.filter(survey=survey).order_by("-id").first()
    assert stored is not None
    assert stored.answers == {k: v for k, (_label, v) in PHONE_ANSWERS.items()}
    assert stored.unit_id == unit.pk
    assert stored.profile == {"age": 34, "sex": "P", "education": "slta", "occupation": "wirausaha"}
    assert stored.suggestion == "Antrean pagi terlalu panjang, mohon tambah loket."
    assert stored.channel == "web"

    # the new count and the changed IKM, by hand and by the analytics core
    assert hand_ikm(survey) == IKM_AFTER
    assert format_number(survey_results(survey)["ikm"]["ikm_converted"], 2, "id") == IKM_AFTER
    admin.reload()
    expect(admin.locator("#response-count")).to_have_text("4")
    expect(admin.locator("#ikm-value")).to_have_text(IKM_AFTER)
    # the unit filter finds the response under its unit
    admin.goto(f"{live_server.url}/app/surveys/{survey.code}/?unit={unit.pk}")
    before_in_unit = 2 if unit == world.upt1 else 1  # upt1 holds the loket1 response too
    expect(admin.locator("#response-count")).to_have_text(str(before_in_unit + 1))


# -- 2. the English switch and server-side validation --------------------------------------------
def test_english_switch_and_error_summary(world: World, live_server: Any, phone: Page) -> None:
    survey = world.skm
    phone.goto(survey_url(live_server, survey, unit=world.upt1.pk))
    phone.get_by_role("link", name="English").click()
    expect(phone).to_have_url(re.compile(r"[?&]lang=en"))
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Public Satisfaction Survey (PermenPAN-RB 14/2017)"
    )
    expect(phone.get_by_role("link", name="Bahasa Indonesia")).to_have_attribute("lang", "id")
    expect(
        question(phone, survey, "U1", "en").get_by_role(
            "radio", name="Very appropriate", exact=True
        )
    ).to_be_visible()
    expect(phone.get_by_label("Suggestions and feedback (optional)")).to_be_visible()
    expect(phone.get_by_text("Kirim jawaban")).to_have_count(0)

    english = {
        "U1": ("Appropriate", 3),
        "U2": ("Easy", 3),
        "U3": ("Very fast", 4),
        "U4": ("Free", 4),
        # U5 left unanswered
        "U6": ("Competent", 3),
        "U7": ("Very courteous and friendly", 4),
        "U8": ("Good", 3),
        "U9": ("Well managed", 4),
    }
    fill_answers(phone, survey, english, "en")
    phone.get_by_label("Age (years)").fill("7")  # below the minimum of 10
    count = Response.objects.count()
    phone.get_by_role("button", name="Send answers").click()

    summary = phone.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()  # focused on load, so it is read out first
    expect(summary.get_by_role("heading")).to_have_text("Some answers need to be corrected:")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_text("Question 5: this answer is required")
    expect(links.nth(1)).to_have_text("Age (years): must be a whole number between 10 and 120")
    assert Response.objects.count() == count  # nothing stored
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(question(phone, survey, "U5", "en")).to_have_accessible_description(
        "this answer is required"
    )
    expect(phone.get_by_label("Age (years)")).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_label("Age (years)")).to_have_accessible_description(
        re.compile("whole number between 10 and 120")
    )
    # the given answers are kept
    expect(
        question(phone, survey, "U3", "en").get_by_role("radio", name="Very fast", exact=True)
    ).to_be_checked()

    # the summary link leads into the question
    links.nth(0).click()
    u5 = question(phone, survey, "U5", "en")
    expect(u5.get_by_role("radio").first).to_be_focused()
    answer(phone, survey, "U5", "Very appropriate", "en")
    phone.get_by_label("Age (years)").fill("27")
    phone.get_by_role("button", name="Send answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you!")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers["U5"] == 4
    assert stored.profile == {"age": 27}


# -- 3. keyboard only ----------------------------------------------------------------------------
def test_keyboard_only(world: World, live_server: Any, new_context: Any) -> None:
    survey = world.skm
    page = new_context(**DESKTOP).new_page()
    page.goto(survey_url(live_server, survey))
    keyboard = page.keyboard

    def tab_to(selector: str) -> None:
        keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.outerHTML.slice(0, 160)")
        assert page.evaluate("s => document.activeElement.matches(s)", selector), (
            f"expected {selector}, focus is on {focused}"
        )
        # a visible focus ring: on the element, or on the whole option around a radio button
        outline = page.evaluate(
            "() => { const e = document.activeElement.closest('.option') || document.activeElement;"
            " const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] not in ("none", "auto"), f"no focus ring on {focused}: {outline}"
        assert outline[1] >= 2, f"a thin focus ring on {focused}: {outline}"

    tab_to("a.ui-skip")
    box = page.locator("a.ui-skip").bounding_box()
    assert box is not None  # the skip link shows when focused
    assert box["x"] >= 0
    assert box["y"] >= 0
    tab_to("a.ui-lang__option")
    tab_to("select#unit")
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")  # the second unit: UPT Alpha Dua
    values = [4, 1, 3, 2, 4, 3, 4, 2, 3]
    for i, value in enumerate(values, start=1):
        tab_to(f"input[type=radio][name=U{i}]")
        if value == 1:
            keyboard.press("Space")
        for _ in range(value - 1):
            keyboard.press("ArrowDown")
    tab_to("input[name='profile.age']")
    keyboard.type("52")
    tab_to("select[name='profile.sex']")
    keyboard.press("ArrowDown")
    tab_to("select[name='profile.education']")
    tab_to("select[name='profile.occupation']")
    tab_to("textarea#suggestion")
    keyboard.type("Petugas sangat membantu.")
    tab_to("input[name='contact.name']")
    tab_to("input[name='contact.phone']")
    tab_to("input[name='contact.email']")
    tab_to("input[name=consent]")
    tab_to("button[type=submit]")
    count = Response.objects.count()
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {f"U{i}": v for i, v in enumerate(values, start=1)}
    assert stored.unit_id == world.upt2.pk
    assert stored.profile == {"age": 52, "sex": "L"}
    assert stored.suggestion == "Petugas sangat membantu."


# -- 4. axe-core and contrast --------------------------------------------------------------------
def test_accessibility_axe_and_contrast(
    world: World, live_server: Any, phone: Page, new_context: Any
) -> None:
    survey = world.skm
    seen: dict[str, list[str]] = {}
    for lang in ("id", "en"):
        phone.goto(survey_url(live_server, survey, lang=lang))
        seen[f"{lang} empty"] = axe_check(phone, f"the empty survey page ({lang})")
        submit = "Kirim jawaban" if lang == "id" else "Send answers"
        phone.get_by_role("button", name=submit).click()
        expect(phone.locator("#error-summary")).to_be_visible()
        seen[f"{lang} errors"] = axe_check(phone, f"the survey page with errors ({lang})")
        phone.goto(f"{live_server.url}/s/{survey.code}/terima-kasih/?lang={lang}")
        seen[f"{lang} thanks"] = axe_check(phone, f"the thank-you page ({lang})")
    # with a signed context (no unit question) and on a wide screen too
    desktop = new_context(**DESKTOP).new_page()
    desktop.goto(survey_url(live_server, survey, unit=world.upt1.pk))
    seen["desktop"] = axe_check(desktop, "the survey page on a desktop")
    print("axe best-practice findings (moderate/minor):", seen)

    # text contrast is in axe's color-contrast rule; the non-text contrast of controls
    # (WCAG 1.4.11: borders of inputs and options, the focus outline) is checked here: >= 3:1
    phone.goto(survey_url(live_server, survey))
    for selector in (".option", "select#unit", "input[name='profile.age']", "textarea#suggestion"):
        border = styles(phone, selector, "borderTopColor")["borderTopColor"]
        background = backdrop(phone, selector)
        assert contrast(border, background) >= 3, f"{selector}: border {border} on {background}"
    # (ring: the element that shows the focus ring of the focused control)
    for ring, control in (
        (".option", "input[type=radio]"),
        ("select#unit", "select#unit"),
        ("form button[type=submit]", "form button[type=submit]"),
        ("a.ui-lang__option", "a.ui-lang__option"),  # on the organization's blue band
    ):
        phone.locator(control).first.focus()
        outline = styles(phone, ring, "outlineColor", "outlineStyle")
        background = backdrop(phone, ring)
        assert outline["outlineStyle"] == "solid", f"{control}: no focus ring"
        assert contrast(outline["outlineColor"], background) >= 3, (
            f"{control}: focus ring {outline} on {background}"
        )
    # the submit button stands out from the page, and its label from the button
    button = styles(phone, "form button[type=submit]", "backgroundColor", "color")
    assert contrast(button["backgroundColor"], backdrop(phone, "form button[type=submit]")) >= 3
    assert contrast(button["color"], button["backgroundColor"]) >= 4.5
    # big touch targets: every option and the button at least 44 px high, full width on a phone
    for box in [phone.locator(".option").nth(i).bounding_box() for i in range(4)]:
        assert box is not None
        assert box["height"] >= 44
        assert box["width"] >= 300
    for selector in (
        "form button[type=submit]",
        "a.ui-lang__option",
        "select#unit",
        "input[name='profile.age']",
    ):
        box = phone.locator(selector).bounding_box()
        assert box is not None
        assert box["height"] >= 44, f"{selector}: {box}"
    # nothing wider than the phone's screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


# -- 5. without JavaScript -----------------------------------------------------------------------
def test_submits_without_javascript(world: World, live_server: Any, new_context: Any) -> None:
    survey = world.skm
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    page.goto(survey_url(live_server, survey))
    page.get_by_label("Unit layanan yang Anda kunjungi").select_option(label="UPT Alpha Satu")
    answers = dict(PHONE_ANSWERS)
    missing = answers.pop("U9")
    fill_answers(page, survey, answers)
    count = Response.objects.count()
    page.get_by_role("button", name="Kirim jawaban").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Pertanyaan 9: wajib diisi")
    assert Response.objects.count() == count
    answer(page, survey, "U9", missing[0])
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    assert Response.objects.count() == count + 1
