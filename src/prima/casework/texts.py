"""Words of the case pages: a history line in the active language, and the WhatsApp link."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from prima.cases.models import (
    Case,
    CaseCategory,
    CaseChannel,
    CaseEvent,
    CaseEventKind,
    CaseNotice,
    CaseStatus,
    CaseTier,
)
from prima.casework.access import display_name
from prima.formats import day_label


def status_label(value: str) -> str:
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return value


def _choice(choices: type, value: str | None) -> str:
    try:
        return str(choices(value).label)  # type: ignore[operator]
    except ValueError:
        return value or "-"


def _category(key: str | None, case: Case) -> str:
    from prima.cases.services import category_name

    if not key:
        return _("none")
    found = CaseCategory.objects.filter(organization_id=case.organization_id, key=key).first()
    return category_name(found) if found is not None else key


def _day(value: str | None) -> str:
    try:
        return day_label(date.fromisoformat(value or ""), get_language())
    except ValueError:
        return value or "-"


def event_text(event: CaseEvent) -> str:
    """What happened, in a few words ("Status: New → Verified")."""
    kind, data = event.kind, event.data if isinstance(event.data, dict) else {}
    if kind == CaseEventKind.CREATED:
        return _("Received (%(channel)s)") % {
            "channel": _choice(CaseChannel, data.get("channel") or event.case.channel)
        }
    if kind == CaseEventKind.STATUS:
        return _("Status: %(from)s → %(to)s") % {
            "from": status_label(event.status_from),
            "to": status_label(event.status_to),
        }
    if kind == CaseEventKind.REOPENED:
        if data.get("by") == "complainant":
            return _("Reopened by the complainant: %(from)s → %(to)s") % {
                "from": status_label(event.status_from),
                "to": status_label(event.status_to),
            }
        return _("Reopened: %(from)s → %(to)s") % {
            "from": status_label(event.status_from),
            "to": status_label(event.status_to),
        }
    if kind == CaseEventKind.NOTE:
        return _("Message to the complainant") if event.public else _("Internal note")
    if kind == CaseEventKind.ASSIGNED:
        owner_id = data.get("owner")
        owner = get_user_model().objects.filter(pk=owner_id).first() if owner_id else None
        if owner is None:
            return _("Owner removed")
        return _("Owner: %(name)s") % {"name": display_name(owner)}
    if kind == CaseEventKind.EDITED:
        parts = []
        if "category" in data:
            before, after = ([*list(data["category"]), None, None])[:2]
            parts.append(
                _("category %(from)s → %(to)s")
                % {"from": _category(before, event.case), "to": _category(after, event.case)}
            )
        if "tier" in data:
            before, after = ([*list(data["tier"]), None, None])[:2]
            parts.append(
                _("tier %(from)s → %(to)s")
                % {"from": _choice(CaseTier, before), "to": _choice(CaseTier, after)}
            )
        if "resolution_due" in data:
            before, after = ([*list(data["resolution_due"]), None, None])[:2]
            parts.append(
                _("resolution due %(from)s → %(to)s") % {"from": _day(before), "to": _day(after)}
            )
        return _("Changed: %(what)s") % {"what": "; ".join(parts) or "-"}
    if kind == CaseEventKind.RATED:
        return _("Handling rated by the complainant: %(score)s of 5") % {
            "score": data.get("score", "-")
        }
    if kind == CaseEventKind.NOTICE:
        return notice_event_text(data)
    return str(event.get_kind_display())


def notice_event_text(data: dict) -> str:  # type: ignore[type-arg]
    notice = data.get("notice")
    count = len(data.get("recipients") or [])
    due = _day(data.get("due"))
    people = ngettext("%(count)s person", "%(count)s people", count) % {"count": count}
    if notice == CaseNotice.Kind.ESCALATED:
        return _(
            "Escalated to the managers above the unit (level %(level)s, due %(due)s): %(people)s"
        ) % {"level": data.get("level", 1), "due": due, "people": people}
    label = _choice(CaseNotice.Kind, notice)
    return _("%(notice)s (due %(due)s): notice sent to %(people)s") % {
        "notice": label,
        "due": due,
        "people": people,
    }


# -- WhatsApp ----------------------------------------------------------------------------------
def whatsapp_number(phone: str) -> str | None:
    """The number in the international form wa.me wants (digits only, ``62...`` for
    Indonesia): ``0812-7777-3141`` -> ``6281277773141``, ``+62 812...`` -> ``62812...``,
    ``812...`` -> ``62812...``; None when it is not a telephone number.

    >>> whatsapp_number("0812-7777-3141"), whatsapp_number("+62 (812) 7777 3141")
    ('6281277773141', '6281277773141')
    >>> whatsapp_number("+44 20 7946 0958"), whatsapp_number("12")
    ('442079460958', None)
    """
    text = (phone or "").strip()
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) < 6:
        return None
    if text.startswith("+") or digits.startswith("62"):
        number = digits
    elif digits.startswith("0"):
        number = "62" + digits.lstrip("0")
    else:
        number = "62" + digits
    return number if 8 <= len(number) <= 15 else None


def whatsapp_link(case: Case, tracking_url: str) -> str | None:
    """``https://wa.me/<number>?text=...`` with the tracking code and the tracking page, in the
    complainant's language; None without a usable telephone number."""
    from django.utils import translation

    number = whatsapp_number(case.contact_phone)
    if number is None:
        return None
    with translation.override(case.language or "id"):
        text = _("Your complaint's tracking code: %(code)s. Follow its handling at %(url)s") % {
            "code": case.tracking_code,
            "url": tracking_url,
        }
    return f"https://wa.me/{number}?text={quote(text, safe='')}"
