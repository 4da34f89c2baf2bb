"""Anonymity by storage of employee surveys (issue 12, point 2).

A response of an employee survey (:attr:`prima.surveys.models.Survey.is_employee`: its
instrument's audience is ``internal``) keeps **the unit and the day** and nothing that links it to
a person, a moment finer than the day, a device or a token:

============== ==========================================================================
column         stored for an employee survey
============== ==========================================================================
submitted_at   midnight of the local day (the installation's time zone, the one the rollups
               and the period filters use): no time of day
submission_id  a keyed hash of the client's id (HMAC-SHA256 with the secret key, survey and
               id): a retry still finds its response, but the stored value is random-looking
               (a UUID version 1, 6 or 7 from a client would carry the time it was made)
service, staff empty (employees are not customers of a service; a staff member would name a
               person)
device         empty, and the kiosk's ``last_answered_at`` is not moved (it would time the
               newest response)
duration_ms    empty (how long someone took, a quasi-identifier)
flag_detail    empty (the rate-limit detail counts submissions within the hour); the flag's
               code stays, so a suspect response still waits for review
contact        refused (an employee survey never keeps contact details)
token          refused (a single-use token records the response it was spent on)
channel, unit, answers, profile, suggestion: kept (the channel says how the survey was offered
               -- web, QR, kiosk, API -- not who answered)
============== ==========================================================================

The IP address and the user agent are never stored for any response (only an hourly count
under a hash of the IP, in the cache, for the rate limits). What storage cannot hide: the
``id`` column is the database's sequence, so ids order the responses of a day by arrival. No
page, API answer, export or webhook serves an employee response's id or its row (raw answers
are never served); a person who reads the database itself could still order a day's rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
import uuid
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from prima.i18n import gettext_noop

T = TypeVar("T")

RAW_ANSWERS_WITHHELD = gettext_noop(
    "This is an employee survey: employees answer anonymously, so its individual responses are "
    "never served or exported. Its results are shown only as totals of groups large enough to "
    "protect every respondent."
)
"""Why the raw answers of an employee survey are refused (API 403, ``prima export``, the export
page)."""

NO_CONTACT = gettext_noop("an employee survey is anonymous: contact details are not kept")
NO_TOKEN = gettext_noop(
    "an employee survey is anonymous: single-use tokens would link a response to its token"
)


def local_day_start(moment: datetime | None = None) -> datetime:
    """Midnight of ``moment``'s day (now by default) in the installation's time zone, aware."""
    zone = ZoneInfo(settings.TIME_ZONE)
    moment = moment or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    day = moment.astimezone(zone).date()
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def stored_submission_id(survey_id: int, submission_id: uuid.UUID) -> uuid.UUID:
    """The submission id an employee response is stored under: HMAC-SHA256 of the survey and
    the client's id under the installation's secret key, as a version-4 UUID. The same
    submission maps to the same value (retries stay idempotent); the value carries no time."""
    digest = hmac.new(
        settings.SECRET_KEY.encode("utf-8"),
        f"prima.employee-submission:{survey_id}:{submission_id}".encode(),
        hashlib.sha256,
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def anonymise(values: dict[str, Any]) -> dict[str, Any]:
    """The columns of an employee response as they are stored (see the module's table)."""
    return {
        **values,
        "submitted_at": local_day_start(values.get("submitted_at")),
        "service": None,
        "staff": None,
        "device": None,
        "duration_ms": None,
        "flag_detail": "",
        "contact": {},
    }


def stored_id(survey: Any, submission_id: uuid.UUID) -> uuid.UUID:
    """The id a submission of ``survey`` is stored under (keyed for an employee survey)."""
    return stored_submission_id(survey.pk, submission_id) if survey.is_employee else submission_id


def anonymous_rows(survey: Any, rows: list[T]) -> list[T]:
    """The paper import's rows (dataclasses with ``submission_id``, ``service``, ``staff``,
    ``submitted_at``, ``flag_detail``) as an employee survey stores them, in random order (ids
    would follow the file's order); a customer survey's unchanged."""
    if not survey.is_employee:
        return rows
    out = [
        dataclasses.replace(
            r,  # a dataclass
            submission_id=stored_submission_id(survey.pk, r.submission_id),
            service=None,
            staff=None,
            submitted_at=local_day_start(r.submitted_at),
            flag_detail="",
        )
        for r in rows
    ]
    secrets.SystemRandom().shuffle(out)
    return out


class RawAnswersWithheld(PermissionError):
    """The survey is an employee survey: its responses are never exported; the message, in
    the active language, says why."""

    def __init__(self) -> None:
        super().__init__(gettext(RAW_ANSWERS_WITHHELD))


def refuse_employee(survey: Any) -> None:
    """Raise :class:`RawAnswersWithheld` for an employee survey (every export writer calls it)."""
    if survey.is_employee:
        raise RawAnswersWithheld
