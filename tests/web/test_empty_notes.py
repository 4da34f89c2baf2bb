"""Empty groups say so once, in the page's language (issue 10): the analytics return notes with
codes (prima.metrics.notes), the web side translates them and says the unsur without answers in
one sentence; an empty selection shows no notes (its empty state says it), no small-group
warning and no chart."""

from __future__ import annotations

import pickle

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from prima.insights.notes import page_notes, said
from prima.metrics.ikm import SKM2017, ikm_from_totals
from prima.metrics.notes import Note, note_text
from tests.web.personas import World

pytestmark = pytest.mark.django_db

CODES = [f"U{i}" for i in range(1, 10)]


def _empty():
    return ikm_from_totals(CODES, [0] * 9, [0] * 9, respondents=0, standard=SKM2017)


def test_the_core_notes_read_as_english_and_carry_codes() -> None:
    notes = _empty().notes
    assert notes[0] == "U1: no answers, NRR undefined"  # prima analyze prints these
    assert notes[-1] == "no respondents: IKM undefined"
    assert [n.code for n in notes] == ["ikm.element_no_answers"] * 9 + ["ikm.no_respondents"]
    assert notes[0].params == {"code": "U1"}
    again = pickle.loads(pickle.dumps(notes[0]))
    assert isinstance(again, Note)
    assert (again, again.code, again.params) == (notes[0], notes[0].code, {"code": "U1"})
    assert note_text(notes[-1], "en") == "no respondents: IKM undefined"
    assert note_text(notes[-1], "id") != "no respondents: IKM undefined"


def test_nine_unsur_without_answers_are_said_once_in_the_pages_language() -> None:
    partial = ikm_from_totals(
        CODES, [0, 0, *[6] * 7], [0, 0, *[2] * 7], respondents=2, standard=SKM2017
    )
    with translation.override("en"):
        english = said(partial.notes)
    assert english == [
        "No answers for U1, U2: their NRR are undefined.",
        "IKM undefined: every unsur needs at least one answer",
    ]
    with translation.override("id"):
        indonesian = said(partial.notes)
    assert len(indonesian) == 2
    assert "U1, U2" in indonesian[0]
    assert not any("undefined" in n or "answers" in n for n in indonesian), indonesian


def test_a_selection_without_responses_has_no_notes() -> None:
    empty = {"responses": 0, "ikm": _empty().as_dict()}
    assert page_notes(empty) == {}


def test_empty_dashboard_says_it_once_with_no_chart_and_no_small_group(world: World) -> None:
    """Nine "U1: no answers, NRR undefined" and "no respondents: IKM undefined" in English
    were shown on an empty Indonesian dashboard; now only the page's empty state speaks."""
    alice = world.client("alice")
    texts = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            texts[lang] = gettext("No responses for this selection yet.")
    assert texts["id"] != texts["en"]
    for lang, other in (("id", "en"), ("en", "id")):
        alice.cookies[settings.LANGUAGE_COOKIE_NAME] = lang  # the back office's language switch
        html = alice.get(f"/app/surveys/{world.skm.code}/?period=2020-01").content.decode()
        for note in ("no answers", "NRR undefined", "no respondents", "IKM undefined"):
            assert note not in html, lang
        with translation.override(lang):
            for note in _empty().notes:
                assert note.text(lang) not in html, lang
        assert 'id="small-group"' not in html  # no small-group warning at n = 0
        assert 'type="application/json" id="spec-' not in html  # no chart drawn from no data
        assert texts[lang] in html, lang
        assert texts[other] not in html, lang


def test_items_without_two_sided_answers_are_said_in_one_sentence() -> None:
    from prima.metrics.gap import NO_INTERVAL, NOTE_NO_INTERVAL
    from prima.metrics.ipa import (
        ITEM_UNANSWERED,
        NO_QUADRANTS,
        NOTE_ITEM_UNANSWERED,
        NOTE_NO_QUADRANTS,
    )

    gap_notes = [Note(NOTE_NO_INTERVAL, NO_INTERVAL, name=k) for k in ("ABL1", "ABL2", "ATT")]
    assert gap_notes[0] == "ABL1: fewer than 2 respondents answered both sides, no interval"
    with translation.override("en"):
        assert said(gap_notes) == [
            "Fewer than 2 respondents answered both sides of ABL1, ABL2, ATT: no intervals."
        ]
    ipa_notes = [
        Note(NOTE_ITEM_UNANSWERED, ITEM_UNANSWERED, item="K1"),
        Note(NOTE_ITEM_UNANSWERED, ITEM_UNANSWERED, item="K2"),
        Note(NOTE_NO_QUADRANTS, NO_QUADRANTS),
    ]
    with translation.override("id"):
        indonesian = said(ipa_notes)
    assert len(indonesian) == 2
    assert "K1, K2" in indonesian[0]
    assert not any("answered" in n or "quadrants" in n for n in indonesian), indonesian
