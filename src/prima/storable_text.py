"""Text that can be stored and shown: no lone surrogates, NUL or other non-characters.

A lone surrogate (``"\\udc00"``) cannot be encoded as UTF-8, so it breaks every page, PDF and
export that shows it; NUL is refused by PostgreSQL; the Unicode non-characters (U+FDD0..U+FDEF
and the last two code points of every plane) and the C0/C1 control characters other than tab
and line breaks are never legitimate in an answer. Plain Python: the web platform, the import
and the command line share it.
"""

from __future__ import annotations

import re

# C0 controls except tab, LF and CR; DEL and the C1 controls; the surrogates; the
# non-characters U+FDD0..U+FDEF and U+xFFFE/U+xFFFF of every plane
_UNSTORABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)


def unstorable_character(text: str) -> str | None:
    """The first character of ``text`` that cannot be stored or shown, as ``U+XXXX``; else None.

    >>> unstorable_character("Pelayanan cepat\\n")
    >>> unstorable_character("ok\\udc00")
    'U+DC00'
    >>> unstorable_character("a\\x00b")
    'U+0000'
    """
    match = _UNSTORABLE.search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def displayable(text: str) -> str:
    """``text`` with every unstorable character replaced by U+FFFD, for showing rows stored
    before the check existed (never raises on any ``str``)."""
    return _UNSTORABLE.sub("\ufffd", text)
