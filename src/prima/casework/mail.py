"""The e-mails of the handling of a case, written and sent by the task worker (issue 11, point 7).

- **To the complainant** (only when they left an e-mail address and are not anonymous), in the
  language they used at intake (``Case.language``): a receipt with the tracking code and the
  due dates when the case is received; at each change of status (and a note for them without
  one) the new status and the note, with the tracking link, and when ``selesai`` the link to
  rate the handling.
- **To staff**, in the installation's language (``LANGUAGE_CODE``): the new owner when a case is
  assigned, and the recipients of each reminder, breach and escalation of ``prima cases check``.

Nothing is sent in the request or the check that caused it: :func:`enqueue_event_mail` and
:func:`enqueue_notice_mail` hand the work to the task worker (``prima db_worker``, started by
``prima serve``) with the change's own transaction (``enqueue_event_mail``; the notices' mails
after the check's commit). Every text a person typed (the complaint, names, notes) is
escaped in the HTML part by the templates; subjects carry only the tracking code and fixed
words, on one line.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from prima.cases.models import Case, CaseEvent, CaseEventKind, CaseNotice, CaseStatus
from prima.cases.signals import gather
from prima.casework.access import display_name
from prima.formats import day_label
from prima.organizations.unit_labels import path_label, path_labels

log = logging.getLogger(__name__)

COMPLAINANT_KINDS = ("created", "status_changed", "replied")
STAFF_KINDS = ("assigned",)


# -- addresses of the public pages -------------------------------------------------------------
def tracking_url(case: Case) -> str:
    """The complainant's tracking page of the case (prima.cases' public pages), in the language
    they used at intake (``?lang=`` when it is not the default)."""
    path = reverse("complaints:track", args=[case.tracking_code])
    lang = case.language or settings.LANGUAGE_CODE
    query = "" if lang == settings.LANGUAGE_CODE else f"?lang={lang}"
    return f"{settings.BASE_URL}{path}{query}"


def rating_url(case: Case) -> str:
    """The tracking page's rating form (shown once the case is ``selesai``)."""
    return f"{tracking_url(case)}#s-rate"


def case_url(case: Case) -> str:
    return f"{settings.BASE_URL}{reverse('casework:detail', args=[case.pk])}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _message(subject: str, to: str, template: str, context: dict[str, Any]) -> Any:
    message = EmailMultiAlternatives(
        _one_line(subject), render_to_string(f"{template}.txt", context).strip() + "\n", to=[to]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _send(messages: list[Any]) -> int:
    if not messages:
        return 0
    return int(get_connection().send_messages(messages) or 0)


# -- to the complainant ------------------------------------------------------------------------
def complainant_message(
    case: Case, event: CaseEvent, kind: str, unit_label: str | None = None
) -> Any | None:
    """The e-mail to the complainant about ``event`` (None when there is no one to write to);
    ``unit_label``: the unit's :func:`path_label` when the caller has it."""
    if case.anonymous or not case.contact_email:
        return None
    with translation.override(case.language or settings.LANGUAGE_CODE):
        lang = translation.get_language()
        status = CaseStatus(event.status_to or case.status).label
        resolved = (event.status_to or case.status) == CaseStatus.RESOLVED
        context = {
            "case": case,
            "kind": kind,
            "name": case.contact_name,
            "status": status,
            "resolved": resolved,
            "rejected": (event.status_to or case.status) == CaseStatus.REJECTED,
            "reopened": event.kind == CaseEventKind.REOPENED,
            "note": event.note if event.public else "",
            "unit": path_label(case.unit) if unit_label is None else unit_label,
            "first_due": day_label(case.first_response_due, lang),
            "resolution_due": day_label(case.resolution_due, lang),
            "tracking_url": tracking_url(case),
            "rating_url": rating_url(case),
            "rated": resolved and _has_rating(case),  # asked only where the link is offered
        }
        if kind == "created":
            subject = _("[Prima] Complaint received: %(code)s") % {"code": case.tracking_code}
        elif kind == "replied":
            subject = _("[Prima] A message about your complaint %(code)s") % {
                "code": case.tracking_code
            }
        else:
            subject = _("[Prima] Your complaint %(code)s: %(status)s") % {
                "code": case.tracking_code,
                "status": status,
            }
        return _message(subject, case.contact_email, "casework/email/complainant", context)


def _has_rating(case: Case) -> bool:
    from prima.cases.models import CaseRating

    return CaseRating.objects.filter(case=case).exists()


# -- to staff ------------------------------------------------------------------------------------
def assigned_message(case: Case, event: CaseEvent, unit_label: str | None = None) -> Any | None:
    owner = case.owner
    if owner is None or not owner.is_active or not owner.email or owner.pk == event.actor_id:
        return None  # nobody to tell, or they assigned themselves
    with translation.override(settings.LANGUAGE_CODE):
        lang = translation.get_language()
        context = {
            "case": case,
            "user": owner,
            "name": display_name(owner),
            "by": display_name(event.actor) if event.actor_id else "",
            "unit": path_label(case.unit) if unit_label is None else unit_label,
            "first_due": day_label(case.first_response_due, lang),
            "resolution_due": day_label(case.resolution_due, lang),
            "url": case_url(case),
        }
        subject = _("[Prima] Case %(code)s assigned to you") % {"code": case.tracking_code}
        return _message(subject, owner.email, "casework/email/assigned", context)


def notice_messages(notice: CaseNotice, users: list[Any], late_days: int) -> list[Any]:
    from prima.casework.checks import notice_texts

    case = notice.case
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        title, body = notice_texts(notice, case, late_days)
        for user in users:
            if not user.is_active or not user.email:
                continue
            context = {
                "case": case,
                "user": user,
                "name": display_name(user),
                "title": title,
                "body": body,
                "url": case_url(case),
            }
            out.append(_message(f"[Prima] {title}", user.email, "casework/email/notice", context))
    return out


# -- the work of the task worker ---------------------------------------------------------------
def send_event_mail(event_id: int, kind: str) -> int:
    """Write and send the e-mails of one change of a case; returns how many were sent."""
    return send_event_mails([[event_id, kind]])


def send_event_mails(pairs: list[list[Any]]) -> int:
    """The e-mails of several changes (``[event_id, kind]`` each), over one connection; an
    event that is gone is skipped. Returns how many were sent."""
    ids = [int(pair[0]) for pair in pairs]
    events = CaseEvent.objects.select_related(
        "case__organization", "case__unit", "case__owner", "actor"
    ).in_bulk(ids)
    # the units' names with their paths: one query for the batch, not one per e-mail
    labels = path_labels({event.case.unit for event in events.values()})
    messages = []
    for event_id, kind in pairs:
        event = events.get(int(event_id))
        if event is not None:
            message = _event_message(event, str(kind), labels.get(event.case.unit_id))
            if message is not None:
                messages.append(message)
    return _send(messages)


def _event_message(event: CaseEvent, kind: str, unit_label: str | None = None) -> Any | None:
    case = event.case
    if kind in COMPLAINANT_KINDS:
        return complainant_message(case, event, kind, unit_label)
    if kind in STAFF_KINDS:
        return assigned_message(case, event, unit_label)
    return None


def send_notice_mail(notice_id: int, user_ids: list[int], late_days: int) -> int:
    notice = (
        CaseNotice.objects.select_related("case__organization", "case__unit")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return 0
    users = list(get_user_model().objects.filter(pk__in=user_ids).order_by("pk"))
    return _send(notice_messages(notice, users, late_days))


def enqueue_event_mail(event_id: int, kind: str) -> None:
    """Hand the e-mails of a change to the task worker, inside the change's transaction (called
    by ``case_recorded``): the task's row commits or rolls back with the change, and a failure to
    queue it fails the change. A backend that runs tasks at once (``PRIMA_TASKS=immediate``)
    sends after the commit instead, and never fails the caller."""
    if kind not in COMPLAINANT_KINDS and kind not in STAFF_KINDS:
        return
    gather("casework.event_mail", (event_id, kind), _enqueue_event_mails)


def _enqueue_event_mails(pairs: list[tuple[int, str]]) -> None:
    """One task for the e-mails of one change, or one for those of a batch of recorded cases
    (:func:`prima.cases.signals.batched`: the task worker's sweep records public complaints
    by the batch, and a task per receipt was most of the worker's writes)."""
    from django_tasks.backends.immediate import ImmediateBackend

    from prima.casework.tasks import case_event_mail, case_event_mails

    def enqueue() -> None:
        if len(pairs) == 1:
            case_event_mail.enqueue(*pairs[0])
        else:
            case_event_mails.enqueue([list(pair) for pair in pairs])

    if not isinstance(case_event_mail.get_backend(), ImmediateBackend):
        enqueue()
        return

    def send() -> None:
        try:
            enqueue()
        except Exception:
            log.exception("casework: sending the e-mails of case events %s failed", pairs)

    transaction.on_commit(send)


def enqueue_notice_mail(notice_id: int, user_ids: list[int], late_days: int) -> None:
    from prima.casework.tasks import case_notice_mail

    try:
        case_notice_mail.enqueue(notice_id, user_ids, late_days)
    except Exception:
        log.exception("casework: queueing the e-mail of case notice %s failed", notice_id)
