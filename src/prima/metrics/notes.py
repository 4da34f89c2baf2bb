"""Notes of an analysis that a page can say in its own language.

A :class:`Note` *is* its English text (a ``str``: ``prima analyze`` prints it, ``--json``
writes it, ``"U5" in note`` works), and it also carries a stable ``code``, the catalogue's
English msgid and the values that fill it, so that the web pages say it in the page's language
(``note.text("id")``, :mod:`prima.i18n`) and can group notes (e.g. nine "no answers" of an
empty selection said once). The core never imports Django.
"""

from __future__ import annotations

from typing import Any

from prima import i18n


class Note(str):
    """An English note with its ``code``, ``msgid`` and ``params`` (``msgid % params``)."""

    code: str
    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, code: str = "", /, **params: Any) -> Note:
        note = super().__new__(cls, msgid % params if params else msgid)
        note.code = code
        note.msgid = msgid
        note.params = params
        return note

    def text(self, lang: str | None) -> str:
        """The note in ``lang`` (``"id"`` or ``"en"``)."""
        message = i18n.gettext(self.msgid, lang)
        return message % self.params if self.params else message


def note_text(note: str, lang: str | None) -> str:
    """A note in ``lang``: a :class:`Note` translated, any other text looked up as a msgid."""
    if isinstance(note, Note):
        return note.text(lang)
    return i18n.gettext(str(note), lang)
