"""The catalogue tool (``prima.config.catalogue``, ``scripts/translations.py``) names an entry by
its context and msgid: the same English word can take different Indonesian in two contexts."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib

from prima.config import catalogue

PO_WITH_CONTEXTS = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Poor"
msgstr ""

msgctxt "mutu"
msgid "Poor"
msgstr "Kurang Baik"

msgctxt "mutu"
msgid "Good"
msgstr ""
"""


def test_fill_keys_translations_by_context_and_msgid(tmp_path: Path) -> None:
    """A bare msgid fills only the entry without a context (it once overwrote
    ``pgettext("mutu", "Poor")``); the context, U+0004 and the msgid fill the entry of that
    context."""
    path = catalogue.po_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(PO_WITH_CONTEXTS, encoding="utf-8")

    changed = catalogue.fill({"Poor": "Buruk", "Good": "Bagus"}, tmp_path)
    po = polib.pofile(str(path))
    assert changed == 1
    assert po.find("Poor", msgctxt=None).msgstr == "Buruk"
    assert po.find("Poor", msgctxt="mutu").msgstr == "Kurang Baik"  # untouched
    assert po.find("Good", msgctxt="mutu").msgstr == ""  # a bare "Good" is another entry
    assert catalogue.untranslated(tmp_path) == ["mutu\x04Good"]

    assert catalogue.fill({"mutu\x04Good": "Baik", "mutu\x04Poor": "Kurang Baik"}, tmp_path) == 2
    po = polib.pofile(str(path))
    assert po.find("Good", msgctxt="mutu").msgstr == "Baik"
    assert po.find("Poor", msgctxt=None).msgstr == "Buruk"
    assert catalogue.untranslated(tmp_path) == []
    assert catalogue.translations_in(po) == {
        "Poor": "Buruk",
        "mutu\x04Poor": "Kurang Baik",
        "mutu\x04Good": "Baik",
    }

    catalogue.compile_mo(tmp_path)
    with path.with_suffix(".mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    assert mo.gettext("Poor") == "Buruk"
    assert mo.pgettext("mutu", "Poor") == "Kurang Baik"
    assert mo.pgettext("mutu", "Good") == "Baik"
