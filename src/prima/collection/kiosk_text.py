"""The kiosk's interface texts, from the gettext catalogue, in both languages at once.

The kiosk switches language on the tablet and keeps working offline, so the server renders
every text of ``prima/kiosk.js`` for Indonesian and English into the app shell
(``json_script``), and the service worker caches it with the shell. A text that counts
something is rendered in both plural forms (``one``, ``other``) with ``{n}`` where the number
goes; the script picks the form and fills the number.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

LANGUAGES = ("id", "en")

# the switch names the other language in that language (not translated)
SWITCH = {"id": ("English", "en"), "en": ("Bahasa Indonesia", "id")}

TEXTS = {
    "title": gettext_noop("Survey"),
    "start_title": gettext_noop("How was our service today?"),
    "start": gettext_noop("Start"),
    "closed": gettext_noop("This survey is not accepting responses."),
    # {i} and {n}: the question shown and how many there are
    "question_of": gettext_noop("Question {i} of {n}"),
    "back": gettext_noop("Back"),
    "skip": gettext_noop("Skip"),
    "expectation": gettext_noop("Your expectation"),
    "performance": gettext_noop("What you experienced"),
    "paired_hint": gettext_noop("Rate your expectation, then the performance you experienced."),
    "service_title": gettext_noop("Which service did you receive?"),
    "staff_title": gettext_noop("Who served you?"),
    "staff_hint": gettext_noop("Optional"),
    "staff_skip": gettext_noop("Don't know / skip"),
    "thanks_title": gettext_noop("Thank you!"),
    "thanks_body": gettext_noop("Your answers have been saved."),
    "done": gettext_noop("Done"),
    "all_sent": gettext_noop("All answers sent"),
    "none_waiting": gettext_noop("No answers waiting"),
    "online": gettext_noop("Online"),
    "offline": gettext_noop("Offline · answers are kept on this device"),
    "loading": gettext_noop("Loading the survey…"),
    "load_error": gettext_noop(
        "The survey cannot be loaded yet. Check the network; we keep trying."
    ),
    "unpaired_title": gettext_noop("This device is not paired"),
    "unpaired_body": gettext_noop(
        "Open the pairing link on this tablet. An admin creates it under Manage › Kiosk devices."
    ),
    "revoked_title": gettext_noop("This device is no longer registered"),
    "revoked_body": gettext_noop(
        "An admin revoked this device. Answers not yet sent are kept on the device. "
        "Ask an admin to pair it again."
    ),
    "save_error": gettext_noop("The answers could not be saved. Please tell a member of staff."),
}


def _counted(n: int) -> dict[str, str]:
    """The texts with a count, in the form for ``n`` (``%(count)s``: the number)."""
    return {
        "start_sub": ngettext(
            "%(count)s short question · anonymous", "%(count)s short questions · anonymous", n
        ),
        "pending": ngettext(
            "%(count)s answer waiting to be sent", "%(count)s answers waiting to be sent", n
        ),
        "dead": ngettext(
            "%(count)s answer refused by the server, kept on this device",
            "%(count)s answers refused by the server, kept on this device",
            n,
        ),
    }


def kiosk_texts() -> dict[str, dict[str, Any]]:
    """``{lang: {key: text or {"one": ..., "other": ...}}}`` for ``prima/kiosk.js``."""
    out: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            texts: dict[str, Any] = {key: _(msgid) for key, msgid in TEXTS.items()}
            one, other = _counted(1), _counted(2)
            for key in one:
                texts[key] = {
                    "one": one[key] % {"count": "{n}"},
                    "other": other[key] % {"count": "{n}"},
                }
            texts["switch"], texts["switchLang"] = SWITCH[lang]
        out[lang] = texts
    return out
