"""Background tasks of the handling of cases (django-tasks; run by ``prima db_worker``, which
``prima serve`` and ``prima demo`` start beside the web server): the e-mails."""

from __future__ import annotations

from django_tasks import task

from prima.casework.mail import send_event_mail, send_event_mails, send_notice_mail


@task()
def case_event_mail(event_id: int, kind: str) -> int:
    """The e-mails of one change of a case (to the complainant or the new owner)."""
    return send_event_mail(event_id, kind)


@task()
def case_event_mails(pairs: list[list[int | str]]) -> int:
    """The e-mails of several changes (``[event_id, kind]`` each; the receipts of the public
    complaints the task worker recorded together), over one connection."""
    return send_event_mails(pairs)


@task()
def case_notice_mail(notice_id: int, user_ids: list[int], late_days: int) -> int:
    """The e-mails of one reminder, breach or escalation to its recipients."""
    return send_notice_mail(notice_id, user_ids, late_days)
