"""A word far wider than the page (2,000 characters, no space) wraps in the SKM report's PDF
instead of running off the page: every character of it is printed."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import timezone

from prima.insights.models import FollowUpAction
from tests.web.personas import World, skm_answers, submit

# letters and digits in a pattern that never repeats a 26-character stretch early: a cut-off
# copy cannot pass for the whole word
LONG_WORD = "".join(
    "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i // 36) % 36] for i in range(2000)
)


@pytest.fixture(autouse=True)
def _pdftotext():
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install Debian's poppler-utils")


def pdf_words(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text with every space and line break taken out (a wrapped word joined up)."""
    src = tmp_path / f"{uuid.uuid4().hex}.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdftotext", src, "-"], check=True, capture_output=True)
    return re.sub(r"\s+", "", out.stdout.decode())


def test_a_2000_character_word_in_a_suggestion_is_printed_whole(world: World, tmp_path):
    assert len(LONG_WORD) == 2000
    assert " " not in LONG_WORD
    submit(
        world.skm,
        skm_answers(),
        unit=world.upt1,
        suggestion=LONG_WORD,  # the longest suggestion a respondent may send
        submitted_at=timezone.make_aware(datetime(2025, 3, 10, 10)),
    )
    r = world.client("alice").get(f"/app/surveys/{world.skm.code}/laporan-skm.pdf?period=2025")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    text = pdf_words(r.content, tmp_path)
    assert "Jumlahsarandanmasukanyangditerima:1" in text
    assert LONG_WORD in text, f"only {max_prefix(text, LONG_WORD)} of 2000 characters printed"


def test_long_words_in_the_follow_up_plan_and_the_title_are_printed_whole(world: World, tmp_path):
    """Table cells too: the plan's columns and the identity table (survey title)."""
    problem, action = LONG_WORD[:300], LONG_WORD[300:600]  # ten times a column's width
    title = "Survei" + LONG_WORD[600:790]  # the longest title is 200 characters
    world.skm.title = title
    world.skm.save(update_fields=["title"])
    submit(
        world.skm,
        skm_answers(),
        unit=world.upt1,
        submitted_at=timezone.make_aware(datetime(2025, 3, 10, 10)),
    )
    FollowUpAction.objects.create(
        organization=world.alpha,
        survey=world.skm,
        unit=world.upt1,
        period="2025",
        element="waktu",
        problem=problem,
        action=action,
        owner="Kasi" + LONG_WORD[800:900],
        deadline=date(2026, 12, 31),
    )
    url = f"/app/surveys/{world.skm.code}/laporan-skm.pdf?period=2025&unit={world.upt1.pk}"
    r = world.client("alice").get(url)
    assert r.status_code == 200
    text = pdf_words(r.content, tmp_path)
    for word in (problem, action, title, "Kasi" + LONG_WORD[800:900]):
        assert word in text, f"only {max_prefix(text, word)} of {len(word)} characters printed"
    assert "31Desember2026" in text


def max_prefix(text: str, word: str) -> int:
    """How many of the word's first characters the text holds (for the failure message)."""
    n = 0
    while n < len(word) and word[: n + 1] in text:
        n += 1
    return n
