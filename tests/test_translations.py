"""One translation machinery (issue 10): Django's gettext catalogue, complete and compiled.

- ``makemessages`` over the package finds no msgid that the committed catalogue lacks, and
  leaves nothing untranslated or fuzzy in Bahasa Indonesia (English is the msgids themselves);
- the committed ``django.mo`` says what the ``django.po`` says;
- no hand-written ``{"id": "...", "en": "..."}`` dictionaries of interface text remain in the
  code (instrument content, which is bilingual data, lives in the instrument JSON files).
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest

from prima.config import catalogue

pytestmark = pytest.mark.django_db(databases=[])  # settings, no database

PACKAGE_DIR = catalogue.PACKAGE_DIR


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with its catalogue brought up to date by makemessages."""
    if shutil.which("xgettext") is None:
        pytest.fail(
            "GNU gettext's xgettext is needed (Debian package gettext; scripts/test installs it)"
        )
    copy = tmp_path_factory.mktemp("catalogue") / "prima"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    catalogue.update(copy)
    return copy


def _keys(path: Path) -> set[str]:
    """The entries of a catalogue, each named by its context and msgid (``catalogue.entry_key``)."""
    return {catalogue.entry_key(e) for e in polib.pofile(str(path))}


def test_makemessages_finds_nothing_new(fresh_catalogue: Path) -> None:
    committed = _keys(catalogue.po_path())
    fresh = _keys(catalogue.po_path(fresh_catalogue))
    assert sorted(fresh - committed) == [], "run scripts/translations.py (new msgids)"
    assert sorted(committed - fresh) == [], "run scripts/translations.py (stale msgids)"


def test_nothing_is_left_untranslated(fresh_catalogue: Path) -> None:
    missing = catalogue.untranslated(fresh_catalogue)
    assert missing == [], f"{len(missing)} msgids without Indonesian: {missing[:40]}"


def test_compiled_catalogue_matches_the_po() -> None:
    po = polib.pofile(str(catalogue.po_path()))
    with catalogue.po_path().with_suffix(".mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [
        catalogue.entry_key(e)
        for e in po.translated_entries()
        if _compiled(mo, e) != (e.msgstr_plural[0] if e.msgid_plural else e.msgstr)
    ]
    assert stale == [], f"django.mo is older than django.po: {stale[:20]}"


def _compiled(mo: gettext.GNUTranslations, entry: polib.POEntry) -> str:
    """What the .mo says for a .po entry (its context included)."""
    if entry.msgctxt is not None:
        if entry.msgid_plural:
            return mo.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return mo.pgettext(entry.msgctxt, entry.msgid)
    if entry.msgid_plural:
        return mo.ngettext(entry.msgid, entry.msgid_plural, 1)
    return mo.gettext(entry.msgid)


def _text_table(node: ast.AST) -> bool:
    """A dict literal whose values are all strings (a table of interface texts)."""
    return (
        isinstance(node, ast.Dict)
        and bool(node.values)
        and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values)
    )


def _locale_codes(texts: dict[str, ast.expr]) -> bool:
    """``{"id": "id", "en": "en_US"}``: each language's own locale code (a mapping of codes for
    a library, no interface text)."""
    return all(
        isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and re.fullmatch(rf"{re.escape(key)}(?:[-_][A-Za-z]{{2,4}})?", value.value) is not None
        for key, value in texts.items()
    )


def _language_dictionaries(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        texts = {
            key.value: value
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant)
        }
        if (
            {"id", "en"} <= texts.keys()
            and all(
                (isinstance(texts[k], ast.Constant) and isinstance(texts[k].value, str))
                or _text_table(texts[k])  # {"id": {"key": "text", ...}, "en": {...}}
                for k in ("id", "en")
            )
            and not _locale_codes(texts)
        ):
            lines.append(node.lineno)
    return lines


def test_no_hand_written_language_dictionaries() -> None:
    found = {
        str(path.relative_to(PACKAGE_DIR)): lines
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := _language_dictionaries(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}, f"texts belong in the gettext catalogue: {found}"


def test_the_detector_finds_a_dictionary() -> None:
    assert _language_dictionaries(ast.parse('X = {"id": "Survei", "en": "Survey"}')) == [1]
    assert _language_dictionaries(ast.parse('X = {"id": {"a": "b"}, "en": {"a": "c"}}')) == [1]
    assert _language_dictionaries(ast.parse('X = {"id": value, "en": value}')) == []
    # each language's locale code for a library is no interface text; texts still are
    assert _language_dictionaries(ast.parse('X = {"id": "id", "en": "en_US"}')) == []
    assert _language_dictionaries(ast.parse('X = {"id": "id-ID", "en": "en"}')) == []
    assert _language_dictionaries(ast.parse('X = {"id": "ya", "en": "yes"}')) == [1]
    assert _language_dictionaries(ast.parse('X = {"id": "en", "en": "id"}')) == [1]


# ``en: {`` opening an object with something in it (``{ id: {}, en: {} }``, an empty fallback
# until the page's texts are read, holds no text)
SCRIPT_DICTIONARY = re.compile(r"\ben\s*:\s*\{(?!\s*\})")


def test_no_language_dictionary_in_scripts() -> None:
    """The kiosk's and other scripts' texts come from the catalogue through the page."""
    found = [
        str(path.relative_to(PACKAGE_DIR))
        for path in sorted(PACKAGE_DIR.rglob("*.js"))
        if "vendor" not in path.parts and SCRIPT_DICTIONARY.search(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"texts belong in the gettext catalogue: {found}"


def test_the_script_detector_finds_a_dictionary() -> None:
    assert SCRIPT_DICTIONARY.search('const T = { id: { send: "Kirim" }, en: { send: "Send" } };')
    assert SCRIPT_DICTIONARY.search("const T = {\n  en: {\n    send: 'Send' } };")
    assert not SCRIPT_DICTIONARY.search("TEXT = element ? JSON.parse(x) : { id: {}, en: {} };")
