"""Writes of invitations: making them (slips in the request, e-mails by the task worker), the
survey's policy. Spending is :mod:`prima.invitations.gate` (inside the response's transaction).

Made invitations are inserted in random order (the ids of a batch follow no list: not the
staff list's, not the file's), and no row keeps a name or an address.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from prima.invitations.codes import code_hash, new_code
from prima.invitations.models import (
    Delivery,
    Invitation,
    InvitationMailing,
    InvitationPolicy,
    InvitationTally,
)
from prima.organizations.models import Unit
from prima.surveys.anonymity import local_day_start
from prima.surveys.models import Survey

log = logging.getLogger(__name__)


class NotAnEmployeeSurvey(ValueError):
    """Invitations are made for employee surveys only."""


@dataclass(frozen=True)
class Invitee:
    """A person to invite (from the staff list or a file): the unit, and the address when an
    e-mail can reach them (otherwise a printed slip). Only the unit is ever stored with the
    invitation."""

    unit: Unit
    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class Slip:
    unit: Unit
    code: str  # in clear: exists only in the slips' PDF


@dataclass
class Issued:
    slips: list[Slip]
    mailed: int  # e-mails handed to the task worker


def _today() -> Any:
    return local_day_start().date()


def _tally_add(survey: Survey, counts: Counter[int]) -> None:
    for unit_id, n in counts.items():
        for _attempt in range(2):
            try:
                tally, _ = InvitationTally.objects.get_or_create(
                    survey=survey,
                    unit_id=unit_id,
                    defaults={"organization_id": survey.organization_id},
                )
                break
            except IntegrityError:  # made by a concurrent batch: read it again
                continue
        InvitationTally.objects.filter(pk=tally.pk).update(issued=F("issued") + n)


def _insert(survey: Survey, units: list[int], delivery: str, delivered: bool) -> list[Invitation]:
    """New invitations, one per entry of ``units`` (unit ids, already in random order), with
    their clear codes on ``row.code`` (not a field: never saved)."""
    day = _today()
    rows = []
    for unit_id in units:
        code = new_code()
        row = Invitation(
            organization_id=survey.organization_id,
            survey=survey,
            unit_id=unit_id,
            code_hash=code_hash(survey.pk, code),
            delivery=delivery,
            delivered=delivered,
            made_on=day,
        )
        row.code = code  # type: ignore[attr-defined]
        rows.append(row)
    made = Invitation.objects.bulk_create(rows)
    for row, made_row in zip(rows, made, strict=True):
        made_row.code = row.code  # type: ignore[attr-defined]
    _tally_add(survey, Counter(units))
    return made


def invitations_issue(*, survey: Survey, invitees: Iterable[Invitee], base_url: str) -> Issued:
    """One invitation per invitee: those with an address get an e-mail (written and sent by the
    task worker, :func:`mailing_send`), the others a printed slip, whose clear codes come back
    (for the PDF) and are stored nowhere. Every row is made in random order; atomic."""
    if not survey.is_employee:
        raise NotAnEmployeeSurvey(survey.code)
    people = list(invitees)
    rng = secrets.SystemRandom()
    rng.shuffle(people)
    mail = [p for p in people if p.email]
    slips = [p for p in people if not p.email]
    with transaction.atomic():
        made = _insert(survey, [p.unit.pk for p in slips], Delivery.SLIP, True)
        units = {p.unit.pk: p.unit for p in slips}
        if mail:
            mailing = InvitationMailing.objects.create(
                organization_id=survey.organization_id,
                survey=survey,
                recipients=[{"unit": p.unit.pk, "email": p.email, "name": p.name} for p in mail],
                base_url=base_url,
                made_on=_today(),
            )
            _enqueue(mailing.pk)
    return Issued(slips=[Slip(units[r.unit_id], r.code) for r in made], mailed=len(mail))  # type: ignore[attr-defined]


def _enqueue(mailing_id: int) -> None:
    """Hand the batch to the task worker inside the batch's transaction (the task's row commits
    with it); a backend that runs tasks at once (``PRIMA_TASKS=immediate``) sends after the
    commit instead."""
    from django_tasks.backends.immediate import ImmediateBackend

    from prima.invitations.tasks import invitation_mailing

    if not isinstance(invitation_mailing.get_backend(), ImmediateBackend):
        invitation_mailing.enqueue(mailing_id)
        return

    def send() -> None:
        try:
            invitation_mailing.enqueue(mailing_id)
        except Exception:
            log.exception("invitations: sending mailing %s failed", mailing_id)

    transaction.on_commit(send)


def mailing_send(mailing_id: int) -> int:
    """The task worker's part: make the batch's invitations (random order, one transaction that
    also deletes the batch's addresses), then write and send one e-mail each, marking each
    invitation delivered once its e-mail has left. Returns how many were sent. An e-mail that
    cannot be sent leaves its invitation undelivered (its code is gone: it can never be spent)."""
    from prima.invitations.mail import invitation_message, send_one

    with transaction.atomic():
        mailing = (
            InvitationMailing.objects.select_for_update()
            .select_related("survey__organization")
            .filter(pk=mailing_id)
            .first()
        )
        if mailing is None:
            return 0
        survey = mailing.survey
        recipients = list(mailing.recipients)
        secrets.SystemRandom().shuffle(recipients)
        units = {u.pk: u for u in Unit.objects.filter(pk__in={r["unit"] for r in recipients})}
        recipients = [r for r in recipients if r["unit"] in units]
        made = _insert(survey, [r["unit"] for r in recipients], Delivery.EMAIL, False)
        base_url = mailing.base_url
        mailing.delete()
    sent = 0
    for row, person in zip(made, recipients, strict=True):
        message = invitation_message(
            survey=survey,
            unit=units[person["unit"]],
            to=person["email"],
            name=person.get("name") or "",
            code=row.code,  # type: ignore[attr-defined]
            base_url=base_url,
        )
        if send_one(message):
            Invitation.objects.filter(pk=row.pk).update(delivered=True)
            sent += 1
    return sent


def invitation_policy_set(*, survey: Survey, required: bool) -> InvitationPolicy:
    policy, _ = InvitationPolicy.objects.update_or_create(
        survey=survey,
        defaults={"organization_id": survey.organization_id, "required": required},
    )
    return policy
