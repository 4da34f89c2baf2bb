"""Listens to the signals of :mod:`prima.cases.signals`: the e-mails of a change go to the task
worker in the change's own transaction (``case_recorded``), and after the commit
(``case_changed``) a new owner gets an in-app notification."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def on_case_recorded(sender: Any, case: Any, event: Any, kind: str, **kwargs: Any) -> None:
    from prima.casework.mail import COMPLAINANT_KINDS, enqueue_event_mail

    if event is None:
        return
    # the complainant's address is set at intake only: without one there is no one to write to
    if kind not in COMPLAINANT_KINDS or (case.contact_email and not case.anonymous):
        enqueue_event_mail(event.pk, kind)


def on_case_changed(sender: Any, case: Any, event: Any, kind: str, **kwargs: Any) -> None:
    if event is None:
        return
    if kind == "assigned":
        try:
            notify_owner(case, event)
        except Exception:  # a notice never fails the change that caused it
            log.exception("casework: notifying the owner of case %s failed", case.pk)


def notify_owner(case: Any, event: Any) -> None:
    """An in-app notification to the new owner (not when they assigned themselves)."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    from prima.alerts.models import Notification
    from prima.casework.mail import case_url

    owner = case.owner
    if owner is None or not owner.is_active or owner.pk == event.actor_id:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Case %(code)s assigned to you") % {"code": case.tracking_code}
    Notification.objects.create(
        user=owner,
        organization_id=case.organization_id,
        title=title[:300],
        url=case_url(case)[:500],
    )


def connect() -> None:
    from prima.cases.signals import case_changed, case_recorded

    case_recorded.connect(on_case_recorded, dispatch_uid="prima.casework.on_case_recorded")
    case_changed.connect(on_case_changed, dispatch_uid="prima.casework.on_case_changed")
    # the notices' titles in the reader's language on the notifications page
    from prima.alerts.selectors import TITLERS
    from prima.casework.checks import notification_texts

    if notification_texts not in TITLERS:
        TITLERS.append(notification_texts)
