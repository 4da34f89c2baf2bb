"""One-time invitation codes: how they are made, typed and stored.

A code is 10 characters from an alphabet without look-alikes (no ``0``/``O``, ``1``/``I``/``L``):
31 symbols, so 31^10 (about 8.2 x 10^14, 49 bits) codes; printed in two groups of five
(``K7RMX-2QHFA``). People may type it in lower case, with or without the hyphen and spaces.

Only a keyed hash is stored (HMAC-SHA256 under the installation's secret key, with the survey):
the clear code exists when it is made, on the printed slip or in the e-mail, never in the
database, a task's arguments or a log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 23 letters and 8 digits
LENGTH = 10
MAX_TYPED = 40  # what a form or link may carry before it is cut (spaces and hyphens included)


def new_code() -> str:
    """A fresh random code (``secrets``: unguessable)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str | None) -> str:
    """A typed code as it is hashed: upper case, without spaces and hyphens; "" for nothing.
    Characters outside the alphabet are kept (the code is then simply unknown)."""
    text = (typed or "")[:MAX_TYPED]
    return "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())


def display(code: str) -> str:
    """The code as printed: ``K7RMX-2QHFA``."""
    return f"{code[:5]}-{code[5:]}" if len(code) == LENGTH else code


def code_hash(survey_id: int, code: str) -> str:
    """The stored form of a code of ``survey_id``: HMAC-SHA256, hex."""
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"),
        f"prima.invitation:{survey_id}:{normalise(code)}".encode(),
        hashlib.sha256,
    ).hexdigest()
