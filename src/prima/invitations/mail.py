"""The invitation e-mail: the survey, the unit, the personal link (``?invitation=CODE``) and the
code, in the installation's language; the promise that the answers are not linked to it."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from prima.invitations.codes import display
from prima.invitations.links import invitation_url
from prima.organizations.unit_labels import path_label

log = logging.getLogger(__name__)


def invitation_message(
    *, survey: Any, unit: Any, to: str, name: str, code: str, base_url: str
) -> Any:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "survey": survey,
            "organization": survey.organization.name,
            "unit": path_label(unit),
            "name": name,
            "code": display(code),
            "url": invitation_url(survey, code, base_url),
        }
        subject = " ".join(
            (_("[Prima] Your invitation: %(title)s") % {"title": survey.title}).split()
        )
        message = EmailMultiAlternatives(
            subject,
            render_to_string("invitations/email/invitation.txt", context).strip() + "\n",
            to=[to],
        )
        message.attach_alternative(
            render_to_string("invitations/email/invitation.html", context), "text/html"
        )
        return message


def send_one(message: Any) -> bool:
    try:
        return bool(get_connection().send_messages([message]))
    except Exception:
        log.exception("invitations: an invitation e-mail could not be sent")
        return False
