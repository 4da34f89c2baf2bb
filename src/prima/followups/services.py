"""Follow-up cases opened from survey responses (issue 11, point 1).

A response opens a case (channel ``survei``) through :func:`prima.cases.services.case_receive`
when its survey's rule matches (:mod:`prima.followups.rules`; the survey's
:class:`~prima.cases.models.FollowUpRule`, or the defaults without one) and the respondent left a
contact: a name and an e-mail address or a telephone number. The survey page and the API keep a
contact only with the respondent's consent (:meth:`prima.surveys.services.ResponseChecks.extras`
refuses a contact without it), so a stored contact is a consented one.

The case is the response's: same unit, service and staff member, the category of the worst
matching answer that maps to a built-in one, a ``submission_id`` derived from the response (a
second attempt for the same response returns the first case), and a short text in the
installation's default language naming the answers that matched and the respondent's
suggestion. A flagged response (honeypot, too fast, rate limits) opens a flagged case.

:func:`on_response_submitted` receives :data:`prima.surveys.services.response_submitted`, which is
sent after the response's commit (never for imports): whatever goes wrong is logged (never the
contact) and the submission is not affected.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from prima.cases.models import TEXT_MAX, Case, CaseChannel, FollowUpRule
from prima.cases.services import PHONE, CaseError, case_receive, category_resolve
from prima.followups import rules
from prima.organizations.calendar import local_date
from prima.surveys.models import Response, Survey

log = logging.getLogger("prima.followups")

NAMESPACE = uuid.UUID("4f1c2b7e-9d3a-5e61-8a0b-6c2d1f9e7a35")  # of follow-up submission ids
SHOWN = 12  # answers named in a case's text; the rest are counted


def follow_up_id(response: Response) -> uuid.UUID:
    """The case's ``submission_id`` for a response: the same response gives the same id."""
    return uuid.uuid5(NAMESPACE, f"response:{response.survey_id}:{response.submission_id}")


def thresholds(survey: Survey) -> rules.Thresholds:
    """The survey's rule, or the defaults when it has none."""
    rule = FollowUpRule.objects.filter(survey=survey).first()
    if rule is None:
        return rules.Thresholds()
    return rules.Thresholds(
        lowest_answer=rule.lowest_answer,
        nps_at_most=rule.nps_at_most,
        gap_at_least=rule.gap_at_least,
        active=rule.active,
    )


def usable_contact(contact: Any) -> dict[str, str] | None:
    """``{name, email?, phone?}`` when the contact names the respondent and a way to reach
    them (a valid e-mail address or telephone number); None otherwise."""
    if not isinstance(contact, dict):
        return None
    name = str(contact.get("name") or "").strip()
    email = str(contact.get("email") or "").strip()
    phone = str(contact.get("phone") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            email = ""
    if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        phone = ""
    if not name or not (email or phone):
        return None
    kept = {"name": name}
    if email:
        kept["email"] = email
    if phone:
        kept["phone"] = phone
    return kept


def _item_name(instrument: Any, item: Any, lang: str) -> str:
    """An item's short name (the definition's ``name``), else its question, in ``lang``."""
    raw = next(
        (
            r
            for r in instrument.raw.get("items", [])
            if isinstance(r, dict) and r.get("id") == item.id
        ),
        {},
    )
    names = raw.get("name") if isinstance(raw.get("name"), dict) else None
    texts = names or item.text
    text = texts.get(lang) or texts.get("id") or item.id
    return str(text)


def _option(item: Any, value: int, lang: str) -> str:
    label = item.options.get(value) if item.options else None
    return str(label.get(lang) or label.get("id") or "") if label else ""


def summary(response: Response, found: list[rules.Trigger], lang: str) -> str:
    """The case's text: which answers matched, then the respondent's suggestion."""
    instrument = response.instrument_version.parsed
    lines = [
        _("Follow-up of a response to the survey %(survey)s (%(date)s). Answers that call for it:")
        % {
            "survey": response.survey.title,
            "date": date_format(local_date(response.organization, response.submitted_at), "j F Y"),
        }
    ]
    for t in found[:SHOWN]:
        name = _item_name(instrument, t.item, lang)
        if t.kind == "answer":
            option = _option(t.item, t.value, lang)
            line = _("%(key)s %(name)s: %(value)s of %(high)s") % {
                "key": t.key,
                "name": name,
                "value": t.value,
                "high": t.high,
            }
            if option and option != str(t.value):
                line += f" ({option})"
        elif t.kind == "nps":
            line = _("Likelihood to recommend (NPS): %(value)s of %(high)s") % {
                "value": t.value,
                "high": t.high,
            }
        else:
            line = _(
                "%(key)s %(name)s: performance %(performance)s, expectation %(expectation)s"
            ) % {
                "key": t.key,
                "name": name,
                "performance": t.value,
                "expectation": t.expectation,
            }
        lines.append(f"- {line}")
    if len(found) > SHOWN:
        lines.append(_("- and %(count)s more") % {"count": len(found) - SHOWN})
    text = "\n".join(lines)
    suggestion = (response.suggestion or "").strip()
    if suggestion:
        text += "\n\n" + _("The respondent's suggestion: %(text)s") % {"text": suggestion}
    return text[:TEXT_MAX]


def follow_up(
    response: Response, *, received_at: datetime | None = None
) -> tuple[Case, bool] | None:
    """Open the follow-up case of ``response`` when its survey's rule matches and the
    respondent left a contact; ``(case, created)``, or None when no case is called for. The
    same response again returns its first case (``created`` False)."""
    contact = usable_contact(response.contact)
    if contact is None:
        return None
    survey = response.survey
    instrument = response.instrument_version.parsed
    found = rules.triggers(instrument, response.answers or {}, thresholds(survey))
    if not found:
        return None
    organization = response.organization
    lang = settings.LANGUAGE_CODE
    category = None
    key = rules.category_of(found)
    if key is not None:
        try:
            category = category_resolve(organization, key)
        except CaseError:  # the organization hid or removed it: no category
            category = None
    with translation.override(lang):
        text = summary(response, found, lang)
    flagged = bool(response.flag) and not response.flag_included
    return case_receive(
        organization=organization,
        unit=response.unit,
        text=text,
        channel=CaseChannel.SURVEY,
        received_at=received_at,
        submission_id=follow_up_id(response),
        service=response.service,
        staff=response.staff,
        category=category,
        contact=contact,
        consent=True,
        response=response,
        flagged=flagged,
        flag_reason=f"response {response.flag}"[:100] if flagged else "",
        language=lang,
    )


def on_response_submitted(sender: Any, survey: Any, response: Any, **kwargs: Any) -> None:
    """The receiver of ``response_submitted`` (after the response's commit): opens the
    follow-up case; a failure is logged and leaves the stored response as it is."""
    try:
        follow_up(response)
    except Exception:
        log.exception(
            "follow-up case for response %s was not opened", getattr(response, "pk", None)
        )
