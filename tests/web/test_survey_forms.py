"""Survey forms that fit a phone (issue 10, item 4), through the real HTTP stack and Chromium.

- the 0-10 question is one row of eleven targets on a 360 px screen, its end labels under
  the ends;
- a paired item is one card with both scales: the A6 form is 24 question cards and at most
  half its former height on a 390 px phone;
- one question per screen works with and without JavaScript, stores exactly one response
  (also when the last screen is sent twice), shows an error on the screen it belongs to and
  keeps the abuse controls;
- the service received (*jenis layanan*) is offered, validated against the unit and stored;
- the time estimate follows its rule;
- the English pages carry no Indonesian text of the catalogue and the reverse;
- at 390 and 1366 px: no horizontal scroll, axe without serious or critical violations,
  screenshots in ``$PRIMA_ARTIFACTS/screenshots``.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import polib
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from prima.collection.estimate import estimate_minutes
from prima.collection.steps import StepState, state_dump
from prima.organizations import services as org
from prima.surveys.choices import FormMode, ResponseFlag
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.models import Response, Survey
from tests.artifacts import screenshots_dir
from tests.web.browsers import CHROMIUM, CHROMIUM_ARGS, django_playwright
from tests.web.personas import World

pytestmark = pytest.mark.django_db(transaction=True)

# The A6 form on a 390 px phone before this change (48 cards, expectation and performance asked
# apart), measured with Playwright on the test world (one unit, so no unit question):
# document.documentElement.scrollHeight = 21,088 px.
A6_HEIGHT_BEFORE = 21_088
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
}
SMALL_PHONE: dict[str, Any] = {**PHONE, "viewport": {"width": 360, "height": 740}}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}, "locale": "id-ID"}
SERIOUS = ("serious", "critical")
WCAG_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}


# -- fixtures and helpers ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    with django_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def url(live_server: Any, survey: Survey, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{live_server.url}/s/{survey.code}/" + (f"?{query}" if query else "")


def axe_check(page: Page, what: str) -> None:
    """No serious or critical violation, and none of a WCAG A/AA rule whatever its impact."""
    violations = Axe().run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in SERIOUS or WCAG_AA & set(v["tags"])]
    assert not failing, f"axe on {what}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in failing
    )


def no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{what}: the page scrolls sideways ({scroll} > {width})"


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(screenshots_dir() / f"survey-form-{name}.png"), full_page=True)


def hidden(content: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', content)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def visible_text(content: str) -> str:
    """The text of a page as a person reads it (no scripts, styles or tags)."""
    content = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", content)
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


# -- 1. the 0-10 row on a 360 px screen -------------------------------------------------------
def test_the_0_to_10_scale_is_one_row_of_eleven_targets_at_360_px(
    world: World, live_server: Any, new_context: Any
) -> None:
    page = new_context(**SMALL_PHONE).new_page()
    page.goto(url(live_server, world.quick))
    group = page.get_by_role("group", name=re.compile("merekomendasikan"))
    targets = group.locator("label.target")
    expect(targets).to_have_count(11)
    boxes = [targets.nth(i).bounding_box() for i in range(11)]
    assert all(b is not None for b in boxes)
    tops = {round(b["y"]) for b in boxes}  # type: ignore[index]
    assert len(tops) == 1, f"the targets wrap: {tops}"
    for b in boxes:
        assert b is not None
        assert b["x"] >= 0
        assert b["x"] + b["width"] <= 360
        assert b["width"] >= 24  # WCAG 2.2 target size (minimum)
        assert b["height"] >= 44
    xs = [b["x"] for b in boxes]  # type: ignore[index]
    assert xs == sorted(xs)
    # the end labels, whole and visible, under the ends
    low = group.get_by_text("Sangat tidak mungkin", exact=True)
    high = group.get_by_text("Sangat mungkin", exact=True)
    expect(low).to_be_visible()
    expect(high).to_be_visible()
    low_box, high_box = low.bounding_box(), high.bounding_box()
    assert low_box is not None
    assert high_box is not None
    first, last = boxes[0], boxes[-1]
    assert first is not None
    assert last is not None
    assert low_box["y"] >= first["y"] + first["height"]
    assert abs(low_box["x"] - first["x"]) <= 2
    assert abs((high_box["x"] + high_box["width"]) - (last["x"] + last["width"])) <= 2
    assert high_box["x"] + high_box["width"] <= 360
    # each radio is named by its number, the ends with their words; the keyboard moves along
    expect(group.get_by_role("radio", name="0 - Sangat tidak mungkin")).to_have_count(1)
    expect(group.get_by_role("radio", name="7", exact=True)).to_have_count(1)
    group.get_by_role("radio", name="7", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio", name="8", exact=True)).to_be_checked()
    no_sideways_scroll(page, "quick form at 360 px")
    shoot(page, "quick-360")


# -- 2. paired items: the A6 form --------------------------------------------------------------
def test_a6_is_24_cards_and_at_most_half_its_former_height_on_a_phone(
    world: World, live_server: Any, new_context: Any
) -> None:
    page = new_context(**PHONE).new_page()
    page.goto(url(live_server, world.a6))
    expect(page.locator(".ui-card.question")).to_have_count(24)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"A6 at 390 px: {height} px (before: {A6_HEIGHT_BEFORE} px)")
    assert height <= A6_HEIGHT_BEFORE / 2
    # one card holds both scales of its item, each a group named like the question it asks
    first = page.locator(".ui-card.question").first
    expect(first.get_by_role("radio")).to_have_count(10)
    for q in world.a6.instrument_version.questions[:2]:
        group = page.get_by_role("group", name=q.text["id"], exact=True)
        expect(group.get_by_role("radio")).to_have_count(5)
    # on a phone the two scales are stacked, on a wide screen side by side
    sides = first.locator("fieldset.side")
    a, b = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert a is not None
    assert b is not None
    assert b["y"] >= a["y"] + a["height"]
    no_sideways_scroll(page, "A6 at 390 px")
    desktop = new_context(**DESKTOP).new_page()
    desktop.goto(url(live_server, world.a6))
    sides = desktop.locator(".ui-card.question").first.locator("fieldset.side")
    a, b = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert a is not None
    assert b is not None
    assert abs(a["y"] - b["y"]) < 1
    assert b["x"] >= a["x"] + a["width"]


def test_a6_answers_from_paired_cards_are_stored(
    world: World, live_server: Any, new_context: Any
) -> None:
    page = new_context(**PHONE).new_page()
    page.goto(url(live_server, world.a6))
    questions = world.a6.instrument_version.questions
    for i, q in enumerate(questions):
        label = "Setuju" if i % 2 else "Sangat setuju"
        page.get_by_role("group", name=q.text["id"], exact=True).get_by_role(
            "radio", name=label, exact=True
        ).check()
    count = Response.objects.count()
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {q.key: (4 if i % 2 else 5) for i, q in enumerate(questions)}


# -- 3. one question per screen -----------------------------------------------------------------
def _walk_skm_in_steps(page: Page, survey: Survey) -> None:
    """Unit, nine questions (the first one first left blank), the last screen."""
    expect(page.get_by_text("Langkah 1 dari 11")).to_be_visible()
    page.get_by_label("Unit layanan yang Anda kunjungi").select_option(label="UPT Alpha Dua")
    page.get_by_role("button", name="Berikutnya").click()
    expect(page.get_by_text("Langkah 2 dari 11")).to_be_visible()
    page.get_by_role("button", name="Berikutnya").click()  # U1 not answered
    expect(page.locator("#error-summary")).to_contain_text("Pertanyaan 1: wajib diisi")
    expect(page.get_by_text("Langkah 2 dari 11")).to_be_visible()
    for i, q in enumerate(survey.instrument_version.questions, start=2):
        expect(page.get_by_text(f"Langkah {i} dari 11")).to_be_visible()
        group = page.get_by_role("group", name=q.text["id"])
        group.get_by_role("radio").nth(2).check()  # the third answer: 3
        if i == 4:  # back once: the answer given is kept
            page.get_by_role("button", name="Sebelumnya").click()
            expect(page.get_by_text("Langkah 3 dari 11")).to_be_visible()
            page.get_by_role("button", name="Berikutnya").click()
            expect(page.get_by_text("Langkah 4 dari 11")).to_be_visible()
            group.get_by_role("radio").nth(2).check()
        page.get_by_role("button", name="Berikutnya").click()
    expect(page.get_by_text("Langkah 11 dari 11")).to_be_visible()
    page.get_by_label("Saran dan masukan (tidak wajib)").fill("Satu layar satu pertanyaan.")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_question_per_screen_submits_exactly_one_response(
    world: World, live_server: Any, new_context: Any, javascript: bool
) -> None:
    survey = world.skm
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    page.goto(url(live_server, survey, mode="steps"))
    expect(page.locator("progress")).to_have_attribute("max", "11")
    count = Response.objects.count()
    _walk_skm_in_steps(page, survey)
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {f"U{i}": 3 for i in range(1, 10)}
    assert stored.unit_id == world.upt2.pk
    assert stored.suggestion == "Satu layar satu pertanyaan."
    assert stored.flag == ""


def test_the_survey_setting_chooses_steps_and_the_last_screen_twice_stores_once(
    world: World,
) -> None:
    survey = world.skm
    Survey.objects.filter(pk=survey.pk).update(form_mode=FormMode.STEPS)
    client = Client()
    link = f"/s/{survey.code}/?c={context_sign(LinkContext(survey.code, unit=world.upt1.pk))}"
    page = client.get(link).content.decode()
    assert "Langkah 1 dari 10" in page  # the link names the unit: no unit screen
    fields = {
        "state": hidden(page, "state"),
        "step": "0",
        "lang": "id",
        "mode": "steps",
        "c": hidden(page, "c"),
    }
    for i in range(1, 10):
        reply = client.post(link, {**fields, f"U{i}": "4", "nav": "next"})
        assert reply.status_code == 200
        fields.update(state=hidden(reply.content.decode(), "state"), step=str(i))
    count = Response.objects.count()
    final = {**fields, "suggestion": "Dua kali dikirim", "nav": "next"}
    first = client.post(link, final)
    assert first.status_code == 302
    again = client.post(link, final)  # a double tap, or the same screen sent again
    assert again.status_code == 302
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {f"U{i}": 4 for i in range(1, 10)}
    assert stored.unit_id == world.upt1.pk
    assert stored.suggestion == "Dua kali dikirim"
    # ?mode= chooses the other layout for the respondent
    assert "Langkah" not in client.get(f"/s/{survey.code}/?mode=page").content.decode()


def test_steps_keep_the_abuse_controls_and_refuse_an_altered_state(world: World) -> None:
    survey = world.quick
    client = Client()
    link = f"/s/{survey.code}/?mode=steps"
    page = client.get(link).content.decode()
    fields = {"state": hidden(page, "state"), "step": "0", "mode": "steps", "lang": "id"}
    # a bot fills the hidden field on the first screen only
    reply = client.post(link, {**fields, "csat": "5", "website": "spam", "nav": "next"})
    fields.update(state=hidden(reply.content.decode(), "state"), step="1")
    reply = client.post(link, {**fields, "nps": "9", "nav": "next"})
    fields.update(state=hidden(reply.content.decode(), "state"), step="2")
    reply = client.post(link, {**fields, "kembali": "1", "nav": "next"})
    fields.update(state=hidden(reply.content.decode(), "state"), step="3")
    assert client.post(link, {**fields, "nav": "next"}).status_code == 302
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {"csat": 5, "nps": 9, "kembali": 1}
    assert stored.flag == ResponseFlag.HONEYPOT  # kept, flagged, left out of the indices

    # an altered or foreign state stores nothing and starts again
    count = Response.objects.count()
    forged = state_dump(StepState("x", "y", {"csat": "5"}), survey.code)[:-3] + "abc"
    other = state_dump(StepState("x", "y", {"csat": "5"}), world.skm.code)
    for state in (forged, other):
        reply = client.post(link, {**fields, "state": state, "step": "3", "nav": "next"})
        assert reply.status_code == 200
        assert "silakan mulai lagi" in reply.content.decode()
    assert Response.objects.count() == count


def test_a_submission_error_is_shown_on_its_screen(world: World) -> None:
    """A step skipped by a crafted POST is caught on submission and shown on its screen."""
    survey = world.quick
    client = Client()
    link = f"/s/{survey.code}/?mode=steps"
    page = client.get(link).content.decode()
    fields = {"state": hidden(page, "state"), "mode": "steps", "lang": "en", "nav": "next"}
    reply = client.post(link, {**fields, "step": "3"})  # straight to the last screen
    assert reply.status_code == 400
    content = reply.content.decode()
    assert "Step 1 of 4" in content
    assert "Question 1: this answer is required" in content


def _lang_form(content: str, path: str) -> tuple[str, dict[str, str]]:
    """The step form's language switch: its address (on ``path``) and its hidden fields."""
    match = re.search(
        r'<form class="lang-form" method="post" action="([^"]*)">(.*?)</form>', content
    )
    assert match, "no language switch form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match[2]))
    button = re.search(r'<button [^>]*name="nav" value="(\w+)"', match[2])
    assert button
    assert match[1].startswith("?")
    return path + html.unescape(match[1]), {
        **{k: html.unescape(v) for k, v in fields.items()},
        "nav": button[1],
    }


def test_the_language_switch_of_a_step_keeps_the_answers_and_the_screen(world: World) -> None:
    """Switching language on screen 3 shows screen 3 in the other language with the answers of
    screens 1 and 2 kept (they travel in the switch's own form, never in the address); the
    response stored at the end holds them, and the other language's thank-you page follows."""
    survey = world.skm
    client = Client()
    token = context_sign(LinkContext(survey.code, unit=world.upt1.pk))
    path = f"/s/{survey.code}/"
    link = f"{path}?mode=steps&c={token}"
    page = client.get(link).content.decode()
    assert "Langkah 1 dari 10" in page
    fields = {
        "state": hidden(page, "state"),
        "step": "0",
        "lang": "id",
        "mode": "steps",
        "c": token,
    }
    for i, value in ((1, "4"), (2, "1")):
        reply = client.post(link, {**fields, f"U{i}": value, "nav": "next"})
        assert reply.status_code == 200
        page = reply.content.decode()
        fields.update(state=hidden(page, "state"), step=str(i))
    assert "Langkah 3 dari 10" in page
    action, switch = _lang_form(page, path)
    assert switch["nav"] == "lang"
    assert switch["step"] == "2"
    assert switch["state"] == fields["state"]
    assert "lang=en" in action
    assert "mode=steps" in action
    assert f"c={quote(token)}" in action
    assert "state" not in action  # answers never go into an address (logs, history)

    english = client.post(action, switch)
    assert english.status_code == 200
    page = english.content.decode()
    assert "Step 3 of 10" in page
    assert 'lang="en"' in page
    assert "Langkah" not in visible_text(page)
    assert 'name="U3"' in page  # the same screen
    # back to screen 2: its answer is still given
    action, switch = _lang_form(page, path)
    assert "lang=id" in action
    en_fields = {**fields, "lang": "en", "state": hidden(page, "state"), "step": "2"}
    en_link = f"{path}?lang=en&mode=steps&c={token}"
    reply = client.post(en_link, {**en_fields, "nav": "back"})
    page = reply.content.decode()
    assert "Step 2 of 10" in page
    assert re.search(r'name="U2" id="q-u2-1" value="1" checked', page)
    # switching on an answered screen keeps its answer too (the switch's form has no answers)
    action, switch = _lang_form(page, path)
    page = client.post(action, switch).content.decode()
    assert "Langkah 2 dari 10" in page
    assert re.search(r'name="U2" id="q-u2-1" value="1" checked', page)
    action, switch = _lang_form(page, path)
    page = client.post(action, switch).content.decode()  # and back to English
    assert "Step 2 of 10" in page

    # on to the end in English
    en_fields.update(state=hidden(page, "state"), step="1")
    for i in range(2, 10):
        reply = client.post(en_link, {**en_fields, f"U{i}": "3" if i > 2 else "1", "nav": "next"})
        assert reply.status_code == 200, reply.content
        en_fields.update(state=hidden(reply.content.decode(), "state"), step=str(i))
    count = Response.objects.count()
    final = client.post(en_link, {**en_fields, "suggestion": "Bilingual", "nav": "next"})
    assert final.status_code == 302
    assert final["Location"].endswith("?lang=en")
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {"U1": 4, "U2": 1, **{f"U{i}": 3 for i in range(3, 10)}}
    assert stored.unit_id == world.upt1.pk
    assert stored.suggestion == "Bilingual"
    assert stored.flag == ""

    # an altered state is refused: the form starts again, nothing is stored
    action, switch = _lang_form(client.get(link).content.decode(), path)
    reply = client.post(action, {**switch, "state": switch["state"][:-4] + "abcd"})
    assert reply.status_code == 200
    assert "please start again" in reply.content.decode()
    assert "Step 1 of 10" in reply.content.decode()
    assert Response.objects.count() == count + 1


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_switching_language_in_step_mode_keeps_the_answers_in_the_browser(
    world: World, live_server: Any, new_context: Any, javascript: bool
) -> None:
    survey = world.skm
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    page.goto(url(live_server, survey, mode="steps"))
    page.get_by_label("Unit layanan yang Anda kunjungi").select_option(label="UPT Alpha Dua")
    page.get_by_role("button", name="Berikutnya").click()
    questions = survey.instrument_version.questions
    for i, q in enumerate(questions[:2]):
        expect(page.get_by_text(f"Langkah {i + 2} dari 11")).to_be_visible()
        page.get_by_role("group", name=q.text["id"]).get_by_role("radio").nth(2 - i).check()
        page.get_by_role("button", name="Berikutnya").click()
    expect(page.get_by_text("Langkah 4 dari 11")).to_be_visible()

    switch = page.get_by_role("button", name="English", exact=True)
    box = switch.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Step 4 of 11")).to_be_visible()  # the same screen
    expect(page.get_by_role("group", name=questions[2].text["en"])).to_be_visible()
    assert "?lang=en" in page.url
    assert "state" not in page.url  # the answers never travel in the address
    no_sideways_scroll(page, "a step after switching language")
    if javascript:  # axe runs as a script in the page
        axe_check(page, "a step after switching language")
    shoot(page, f"skm-step-switched-{'js' if javascript else 'nojs'}-390")
    # the answers given before the switch are there
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Step 3 of 11")).to_be_visible()
    group = page.get_by_role("group", name=questions[1].text["en"])
    expect(group.get_by_role("radio").nth(1)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    for i, q in enumerate(questions[2:], start=4):
        expect(page.get_by_text(f"Step {i} of 11")).to_be_visible()
        page.get_by_role("group", name=q.text["en"]).get_by_role("radio").nth(3).check()
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 11 of 11")).to_be_visible()
    count = Response.objects.count()
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    assert Response.objects.count() == count + 1
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.answers == {"U1": 3, "U2": 2, **{f"U{i}": 4 for i in range(3, 10)}}
    assert stored.unit_id == world.upt2.pk


# -- 4. the service received --------------------------------------------------------------------
def test_service_choice_is_offered_validated_and_stored(world: World) -> None:
    survey = world.skm
    other_upt1 = org.service_create(unit=world.upt1, name="Legalisir")
    upt2_service = org.service_create(unit=world.upt2, name="Pendaftaran")
    client = Client()
    page = client.get(f"/s/{survey.code}/").content.decode()
    assert 'name="service"' in page
    # grouped by unit: "Pendaftaran" exists in both
    assert '<optgroup label="UPT Alpha Satu">' in page
    assert '<optgroup label="UPT Alpha Dua">' in page
    answers = {f"U{i}": "3" for i in range(1, 10)}
    base = {
        **answers,
        "submission_id": hidden(page, "submission_id"),
        "shown": hidden(page, "shown"),
        "lang": "id",
    }
    count = Response.objects.count()
    wrong = client.post(
        f"/s/{survey.code}/", {**base, "unit": world.upt2.pk, "service": other_upt1.pk}
    )
    assert wrong.status_code == 400
    assert 'id="service" aria-invalid="true"' in wrong.content.decode()
    assert re.search(r'<a href="#service">Jenis layanan[^:<]*: ', wrong.content.decode())
    assert Response.objects.count() == count
    right = client.post(
        f"/s/{survey.code}/", {**base, "unit": world.upt2.pk, "service": upt2_service.pk}
    )
    assert right.status_code == 302
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.service_id == upt2_service.pk
    assert stored.unit_id == world.upt2.pk
    # a link for UPT Alpha Satu offers only its services; a link naming the service asks nothing
    link = f"/s/{survey.code}/?c={context_sign(LinkContext(survey.code, unit=world.upt1.pk))}"
    page = client.get(link).content.decode()
    assert "Legalisir" in page
    assert "optgroup" not in page
    assert f'<option value="{upt2_service.pk}"' not in page
    token = context_sign(LinkContext(survey.code, unit=world.upt1.pk, service=other_upt1.pk))
    assert 'name="service"' not in client.get(f"/s/{survey.code}/?c={token}").content.decode()


def test_one_service_is_not_asked(world: World) -> None:
    page = Client().get(f"/s/{world.skm.code}/").content.decode()
    assert 'name="service"' not in page  # only "Pendaftaran" of UPT Alpha Satu exists


# -- 5. the time estimate ------------------------------------------------------------------------
def test_time_estimate_rule_and_pages(world: World) -> None:
    assert estimate_minutes(single=0, paired=0, choices=0, open_text=0) == 1
    assert estimate_minutes(single=9, paired=0, choices=5) == 2  # 63 + 25 + 30 = 118 s
    assert estimate_minutes(single=0, paired=24, choices=4) == 6  # 288 + 20 + 30 = 338 s
    assert estimate_minutes(single=3, paired=0, choices=0) == 1  # 21 + 30 = 51 s
    client = Client()
    a6 = client.get(f"/s/{world.a6.code}/").content.decode()
    assert "memerlukan waktu ± 6 menit" in a6
    assert "takes about 6 minutes" in client.get(f"/s/{world.a6.code}/?lang=en").content.decode()
    quick = client.get(f"/s/{world.quick.code}/?lang=en").content.decode()
    assert "takes about 1 minute." in quick
    assert "beberapa menit" not in a6


# -- 6. the language of the pages -----------------------------------------------------------------
def _catalogue() -> list[polib.POEntry]:
    path = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"
    return [e for e in polib.pofile(str(path)) if e.translated() and not e.obsolete]


def _pages(world: World, lang: str) -> dict[str, str]:
    client = Client()
    skm = f"/s/{world.skm.code}/?lang={lang}"
    pages = {
        "skm": client.get(skm).content.decode(),
        "skm errors": client.post(
            skm, {"lang": lang, "submission_id": str(uuid.uuid4())}
        ).content.decode(),
        "a6": client.get(f"/s/{world.a6.code}/?lang={lang}").content.decode(),
        "steps": client.get(f"{skm}&mode=steps").content.decode(),
        "thanks": client.get(f"/s/{world.skm.code}/terima-kasih/?lang={lang}").content.decode(),
        "pairing": client.get(f"/kiosk/pair/unknown/?lang={lang}").content.decode(),
    }
    return {name: visible_text(content) for name, content in pages.items()}


def test_english_pages_carry_no_indonesian_of_the_catalogue_and_the_reverse(
    world: World,
) -> None:
    entries = [e for e in _catalogue() if e.msgstr and e.msgstr != e.msgid]
    indonesian = {e.msgstr for e in entries if len(e.msgstr) >= 12}
    english = {e.msgid for e in entries if len(e.msgid) >= 12}
    for name, text in _pages(world, "en").items():
        found = sorted(s for s in indonesian if s in text)
        assert not found, f"Indonesian on the English page {name}: {found}"
    for name, text in _pages(world, "id").items():
        found = sorted(s for s in english if s in text)
        assert not found, f"English on the Indonesian page {name}: {found}"
    # the texts of these pages are in the catalogue, translated
    en = _pages(world, "en")
    assert "Send answers" in en["skm"]
    assert "Some answers need to be corrected:" in en["skm errors"]
    assert "Step 1 of 11" in en["steps"]
    assert "Expectation" in en["a6"]
    assert "Thank you!" in en["thanks"]
    assert "This pairing link is not valid" in en["pairing"]
    id_ = _pages(world, "id")
    assert "Kirim jawaban" in id_["skm"]
    assert "Harapan" in id_["a6"]
    assert "Tautan pemasangan tidak berlaku" in id_["pairing"]


# -- 7. phone and desktop: no sideways scroll, axe, screenshots ----------------------------------
@pytest.mark.parametrize("size", ["390", "1366"])
def test_forms_at_phone_and_desktop_widths(
    world: World, live_server: Any, new_context: Any, size: str
) -> None:
    page = new_context(**(PHONE if size == "390" else DESKTOP)).new_page()
    pages = {
        "quick": url(live_server, world.quick),
        "a6": url(live_server, world.a6),
        "a6-en": url(live_server, world.a6, lang="en"),
        "skm-steps": url(live_server, world.skm, mode="steps"),
        "a6-steps": url(live_server, world.a6, mode="steps"),
    }
    for name, address in pages.items():
        page.goto(address)
        no_sideways_scroll(page, f"{name} at {size} px")
        axe_check(page, f"{name} at {size} px")
        shoot(page, f"{name}-{size}")
    # a paired screen of the one-question mode, with an error
    page.goto(url(live_server, world.a6, mode="steps"))
    page.get_by_role("button", name="Berikutnya").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_text("Langkah 1 dari 25")).to_be_visible()  # 24 items, then the rest
    no_sideways_scroll(page, f"a6 step with errors at {size} px")
    axe_check(page, f"a6 step with errors at {size} px")
    shoot(page, f"a6-step-errors-{size}")
    # the answers carried over, the summary names the side
    expect(page.locator("#error-summary")).to_contain_text("Pertanyaan 1 (Harapan): wajib diisi")
