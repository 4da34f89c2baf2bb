"""Background task of invitations (django-tasks; run by ``prima db_worker``, which ``prima
serve`` and ``prima demo`` start beside the web server): the e-mails. The task's arguments are
an id only; the addresses wait in :class:`~prima.invitations.models.InvitationMailing`."""

from __future__ import annotations

from django_tasks import task

from prima.invitations.services import mailing_send


@task()
def invitation_mailing(mailing_id: int) -> int:
    """Make and send one batch of invitation e-mails."""
    return mailing_send(mailing_id)
