"""Keeping the gettext catalogue up to date (a developer tool; ``scripts/translations.py``).

One catalogue, ``src/prima/locale/id/LC_MESSAGES/django.po``: English msgids, Bahasa Indonesia
translations. :func:`update` runs Django's ``makemessages`` over the package with the options
below (the same ones the completeness test uses), :func:`fill` writes translations given as a
mapping, :func:`compile_mo` writes ``django.mo`` (with polib, so no ``msgfmt`` is needed at run
time; ``makemessages`` itself needs GNU gettext's ``xgettext``).

An entry is named by its context and msgid together (:func:`entry_key`): a bare msgid for
``gettext``, the context, U+0004 and the msgid for ``pgettext`` (gettext's own separator, the
one a ``.mo`` file uses), so the same English word can have different Indonesian in different
places (``pgettext("mutu", "Poor")`` is "Kurang Baik" whatever plain "Poor" says).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LANGUAGE = "id"
PLURAL_FORMS = "nplurals=1; plural=0;"
MAKEMESSAGES_OPTIONS: dict[str, Any] = {
    "locale": [LANGUAGE],
    "domain": "django",
    "extensions": ["html", "txt", "py"],
    "ignore_patterns": ["migrations/*", "static/*", "locale/*", "*/__pycache__/*"],
    "add_location": "file",
    "no_obsolete": True,
    "verbosity": 0,
}


def po_path(package_dir: Path = PACKAGE_DIR) -> Path:
    return package_dir / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


@contextmanager
def _cwd(path: Path):  # type: ignore[no-untyped-def]
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def update(package_dir: Path = PACKAGE_DIR) -> None:
    """Run ``makemessages`` over ``package_dir`` into its ``locale/`` folder."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    (package_dir / "locale" / LANGUAGE / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    with _cwd(package_dir), override_settings(LOCALE_PATHS=[package_dir / "locale"]):
        call_command("makemessages", **MAKEMESSAGES_OPTIONS)
    po = _load(po_path(package_dir))
    po.metadata["Plural-Forms"] = PLURAL_FORMS
    po.metadata["Language"] = LANGUAGE
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()


def _load(path: Path) -> Any:
    import polib

    return polib.pofile(str(path), wrapwidth=100)


CONTEXT_SEPARATOR = "\x04"


def entry_key(entry: Any) -> str:
    """``msgid``, or ``context`` U+0004 ``msgid`` for an entry with a msgctxt (``pgettext``)."""
    if entry.msgctxt is None:
        return str(entry.msgid)
    return f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}"


def fill(translations: Mapping[str, str | list[str]], package_dir: Path = PACKAGE_DIR) -> int:
    """Write the Indonesian of each entry named in ``translations`` (keys as :func:`entry_key`
    makes them: a bare msgid fills only the entry without a context); return how many entries
    changed."""
    po = _load(po_path(package_dir))
    changed = 0
    for entry in po:
        key = entry_key(entry)
        if key not in translations:
            continue
        value = translations[key]
        if entry.msgid_plural:
            forms = [value] if isinstance(value, str) else list(value)
            entry.msgstr_plural = {0: forms[0]}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None  # alone, it makes the file unreadable to msgmerge
            entry.previous_msgctxt = None  # so does a previous context alone
        changed += 1
    po.save()
    return changed


def untranslated(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Entries (:func:`entry_key`) with no Indonesian yet, or only a fuzzy guess."""
    po = _load(po_path(package_dir))
    return [entry_key(e) for e in po if not e.obsolete and not e.translated()]


def compile_mo(package_dir: Path = PACKAGE_DIR) -> Path:
    po = _load(po_path(package_dir))
    mo = po_path(package_dir).with_suffix(".mo")
    po.save_as_mofile(str(mo))
    return mo


def translations_in(entries: Iterable[Any]) -> dict[str, str]:
    """:func:`entry_key` -> msgstr of translated entries (for tests comparing catalogues)."""
    return {entry_key(e): e.msgstr for e in entries if e.translated() and not e.msgid_plural}
