"""Translations for code that must not import Django (the analytics core, the CLI fast path).

Prima has one translation machinery: Django's gettext catalogue in ``prima/locale/`` (English
msgids, Bahasa Indonesia in ``locale/id/LC_MESSAGES/django.po``). The web platform reads it
through Django; the command line and the analytics core read the same compiled ``django.mo``
with the standard library's :mod:`gettext`, so ``prima analyze`` starts without Django.

Mark a text for the catalogue with :func:`gettext_noop` where it is defined and translate it
with :func:`gettext` (or :func:`translation`) where it is shown::

    QUADRANT = gettext_noop("Concentrate here")      # extracted by makemessages
    gettext(QUADRANT, "id")                          # -> "Prioritas utama"
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction into the catalogue; return it unchanged."""
    return message


def normalize_language(lang: str | None) -> str:
    """``"id"`` or ``"en"`` from a code such as ``"en-US"``; anything else is Indonesian."""
    code = (lang or DEFAULT_LANGUAGE).lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translation(lang: str | None) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the msgids themselves)."""
    code = normalize_language(lang)
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation("django", LOCALE_DIR, languages=[code], fallback=True)


def gettext(message: str, lang: str | None) -> str:
    """``message`` (an English msgid) in ``lang``."""
    return translation(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None) -> str:
    """The singular or plural form of a message for ``n`` in ``lang``."""
    return translation(lang).ngettext(singular, plural, n)
