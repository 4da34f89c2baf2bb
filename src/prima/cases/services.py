"""Writes of the cases core (issue 11): receive, move, assign, note, reopen and rate a case.

Every function is keyword-only after the case, atomic, and records one
:class:`~prima.cases.models.CaseEvent` (the history is append-only); every change sends
:data:`prima.cases.signals.case_changed` after its transaction commits (notifications, e-mails
and webhooks listen to it).

Rules (``/work/shared/domain/complaints.md``, SP4N-LAPOR!, Perpres 76/2013):

- **Tracking code**: 10 characters drawn by :mod:`secrets` from the 31 letters and digits that
  cannot be mistaken for one another (no 0/O, 1/I/L), printed as ``K7MX-Q4PA-9R``: 31**10 =
  8.2e14 codes, log2(31) * 10 = 49.5 bits of entropy, so guessing one among even a million
  cases takes about 8e8 tries on average. Unique (a collision draws again).
- **Due dates** are fixed on receipt: the N-th working day after the local date of receipt on
  the organization's calendar (:func:`prima.organizations.calendar.due_date`), N from its
  :class:`~prima.cases.models.CaseSettings` (defaults 3 for the first response and 5 / 14 / 60
  for the tiers ``biasa`` / ``sengketa`` / ``lapangan`` when the row is missing).
- **Statuses**: ``baru`` -> ``diverifikasi`` | ``ditolak``; ``diverifikasi`` -> ``diproses`` |
  ``ditolak``; ``diproses`` -> ``selesai`` | ``ditolak``. ``ditolak`` needs a reason (the note).
  ``selesai`` goes back to ``diproses`` only by :func:`case_reopen`, within
  :data:`~prima.cases.models.REOPEN_DAYS` (14) days of the resolution; the reopened case gets a
  new resolution due counted from the reopening.
- **First response**: the first change of status out of ``baru`` or the first note for the
  complainant (:func:`case_reply`), whichever comes first: sets ``first_response_at``,
  ``first_response_days`` (working days from the day of receipt) and ``first_response_on_time``
  (on or before ``first_response_due``).
- **Resolution**: ``selesai`` sets ``resolved_at``, ``resolution_days`` (working days from the
  day of receipt, or of the reopening for a reopened case) and ``resolved_on_time`` (on or
  before ``resolution_due``). ``ditolak`` closes the case without a resolution.
- **Duplicates**: the same ``(organization, submission_id)`` returns the first case.
- **Public intake** (issue 11, "Speed"): one INSERT of the case row in the request; the first
  event, the receipt's task and the webhook ``case.created`` follow from the task worker
  (:func:`cases_record_pending`, ``Case.recorded``), or from the case's first change.
- **Text**: at most 5,000 characters; text with a character that cannot be stored or shown
  (:mod:`prima.storable_text`) is refused naming the field.
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from prima.abuse.controls import Signals, assess
from prima.cases.models import (
    REOPEN_DAYS,
    TEXT_MAX,
    Case,
    CaseCategory,
    CaseChannel,
    CaseEvent,
    CaseEventKind,
    CaseRating,
    CaseSettings,
    CaseStatus,
    CaseTier,
)
from prima.cases.signals import batched, send_on_commit
from prima.organizations import calendar as cal
from prima.organizations.choices import Role
from prima.organizations.models import Membership, Organization, Service, StaffMember, Unit
from prima.process_cache import ProcessCache
from prima.storable_text import unstorable_character

# -- tracking codes ----------------------------------------------------------------------------
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0/O, 1/I/L
TRACKING_LENGTH = 10
TRACKING_GROUPS = (4, 4, 2)  # K7MX-Q4PA-9R
_CODE_CHARS = re.compile(r"[^0-9A-Z]")


def tracking_code_new() -> str:
    """A fresh code such as ``K7MX-Q4PA-9R`` (49.5 bits from :mod:`secrets`)."""
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return _grouped(raw)


def _grouped(raw: str) -> str:
    out, start = [], 0
    for size in TRACKING_GROUPS:
        out.append(raw[start : start + size])
        start += size
    return "-".join(out)


def tracking_code_normalise(text: str) -> str | None:
    """The code as stored from what a person typed (any case, spaces or dashes anywhere);
    None when it cannot be a tracking code.

    >>> tracking_code_normalise(" k7mx q4pa-9r ")
    'K7MX-Q4PA-9R'
    >>> tracking_code_normalise("K7MX-Q4PA") is None
    True
    """
    raw = _CODE_CHARS.sub("", (text or "")[:64].upper())
    if len(raw) != TRACKING_LENGTH or any(c not in TRACKING_ALPHABET for c in raw):
        return None
    return _grouped(raw)


# -- errors ------------------------------------------------------------------------------------
class CaseError(ValueError):
    """A request the cases core refuses; ``errors`` maps each field to its message.
    ``conflict``: the request is valid but the case's state forbids it (HTTP 409)."""

    def __init__(self, errors: dict[str, str], *, conflict: bool = False) -> None:
        self.errors = errors
        self.conflict = conflict
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class InvalidTransition(CaseError):
    """A change of status the rules do not allow; the message names both statuses."""

    def __init__(self, status_from: str, status_to: str) -> None:
        self.status_from = status_from
        self.status_to = status_to
        allowed = ", ".join(TRANSITIONS.get(status_from, ())) or "-"
        message = _(
            "a case cannot go from %(from)s to %(to)s (allowed from %(from)s: %(allowed)s)"
        ) % {"from": status_from, "to": status_to, "allowed": allowed}
        super().__init__({"status": message}, conflict=True)


# the transitions of case_transition (reopening selesai -> diproses is case_reopen's)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.NEW: (CaseStatus.VERIFIED, CaseStatus.REJECTED),
    CaseStatus.VERIFIED: (CaseStatus.IN_PROGRESS, CaseStatus.REJECTED),
    CaseStatus.IN_PROGRESS: (CaseStatus.RESOLVED, CaseStatus.REJECTED),
    CaseStatus.RESOLVED: (),
    CaseStatus.REJECTED: (),
}

CONTACT_MAX = 200
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def _too_long(limit: int) -> str:
    return _("too long (at most %(max)s characters)") % {"max": limit}


def _unstorable(char: str) -> str:
    return _("contains a character that cannot be stored (%(char)s)") % {"char": char}


def clean_text(
    value: Any, field: str, *, required: bool, limit: int = TEXT_MAX
) -> tuple[str, dict[str, str]]:
    """``(text stripped, errors)`` for a text field: storable, at most ``limit`` characters."""
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        return "", {field: _("must be text")}
    bad = unstorable_character(text)
    if bad is not None:
        return "", {field: _unstorable(bad)}
    if len(text) > limit:
        return "", {field: _too_long(limit)}
    if required and not text:
        return "", {field: _("this field is required")}
    return text, {}


# -- settings and categories -------------------------------------------------------------------
_settings = ProcessCache[CaseSettings]("case_settings", 5.0).clear_on(CaseSettings, Organization)
_categories = ProcessCache[dict[str, CaseCategory]]("categories", 5).clear_on(
    CaseCategory, Organization
)


def case_settings(organization: Organization) -> CaseSettings:
    """The organization's deadlines; the defaults (not saved) when it has no row."""

    def load() -> CaseSettings:  # the query is built only when the cache misses
        found = CaseSettings.objects.filter(organization=organization).first()
        return found or CaseSettings(organization=organization)

    return _settings.get((organization.pk, organization.created_at), load)


@dataclass(frozen=True)
class BuiltinCategory:
    key: str
    name: Any  # a lazy translation (English msgid)
    unsur: str = ""
    a6: str = ""


# the nine SKM unsur of PermenPAN-RB 14/2017 (the names of prima's skm2017 instrument, skm.md),
# the six A's of the concept (concept.md) and "other"
BUILTIN_CATEGORIES: tuple[BuiltinCategory, ...] = (
    BuiltinCategory("U1", pgettext_lazy("case category", "Requirements"), unsur="U1"),
    BuiltinCategory(
        "U2", pgettext_lazy("case category", "Systems, mechanisms and procedures"), unsur="U2"
    ),
    BuiltinCategory("U3", pgettext_lazy("case category", "Completion time"), unsur="U3"),
    BuiltinCategory("U4", pgettext_lazy("case category", "Cost/tariff"), unsur="U4"),
    BuiltinCategory(
        "U5", pgettext_lazy("case category", "Service product specification"), unsur="U5"
    ),
    BuiltinCategory("U6", pgettext_lazy("case category", "Staff competence"), unsur="U6"),
    BuiltinCategory("U7", pgettext_lazy("case category", "Staff conduct"), unsur="U7"),
    BuiltinCategory("U8", pgettext_lazy("case category", "Facilities"), unsur="U8"),
    BuiltinCategory(
        "U9",
        pgettext_lazy("case category", "Handling of complaints, suggestions and feedback"),
        unsur="U9",
    ),
    BuiltinCategory("ability", pgettext_lazy("case category", "Ability"), a6="ability"),
    BuiltinCategory("attitude", pgettext_lazy("case category", "Attitude"), a6="attitude"),
    BuiltinCategory("appearance", pgettext_lazy("case category", "Appearance"), a6="appearance"),
    BuiltinCategory("attention", pgettext_lazy("case category", "Attention"), a6="attention"),
    BuiltinCategory("action", pgettext_lazy("case category", "Action"), a6="action"),
    BuiltinCategory(
        "accountability", pgettext_lazy("case category", "Accountability"), a6="accountability"
    ),
    BuiltinCategory("other", pgettext_lazy("case category", "Other")),
)
BUILTIN_BY_KEY = {c.key: c for c in BUILTIN_CATEGORIES}
OTHER_POSITION = 99


def category_name(category: CaseCategory | None) -> str:
    """The name to show: the organization's own, else the built-in name in the active
    language, else the key."""
    if category is None:
        return ""
    if category.name:
        return category.name
    builtin = BUILTIN_BY_KEY.get(category.key)
    return str(builtin.name) if builtin is not None else category.key


def categories_ensure(organization: Organization) -> None:
    """Create the built-in categories of an organization once (on first use); an
    organization's renamed, hidden or added categories are left as they are."""
    if CaseCategory.objects.filter(organization=organization).exists():
        return
    CaseCategory.objects.bulk_create(
        builtin_categories(organization),
        ignore_conflicts=True,  # two first uses at once
    )


def builtin_categories(organization: Organization) -> list[CaseCategory]:
    """The built-in categories of an organization, unsaved, in their order."""
    return [
        CaseCategory(
            organization=organization,
            key=c.key,
            unsur=c.unsur,
            a6=c.a6,
            position=OTHER_POSITION if c.key == "other" else i,
        )
        for i, c in enumerate(BUILTIN_CATEGORIES)
    ]


def category_resolve(organization: Organization, value: Any) -> CaseCategory | None:
    """The organization's active category named by its key (or a CaseCategory of it); None
    for none; :class:`CaseError` naming ``category`` for an unknown one."""
    if value is None or value == "":
        return None
    if isinstance(value, CaseCategory):
        if value.organization_id != organization.pk:
            raise CaseError({"category": _("unknown category")})
        return value
    if not isinstance(value, str):
        raise CaseError({"category": _("unknown category")})

    def read() -> dict[str, CaseCategory]:
        categories_ensure(organization)
        rows = CaseCategory.objects.filter(organization=organization, active=True)
        return {c.key: c for c in rows}

    found = _categories.get((organization.pk, organization.created_at), read).get(value.strip())
    if found is None:
        raise CaseError({"category": _("unknown category")})
    return found


# -- intake ------------------------------------------------------------------------------------
def _clean_contact(
    contact: Any, *, anonymous: bool, consent: bool, require: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """``(name/email/phone kept, errors)``; errors keyed ``contact``, ``contact.<field>`` and
    ``consent``."""
    errors: dict[str, str] = {}
    if contact is None:
        contact = {}
    if not isinstance(contact, dict):
        return {}, {"contact": _("must be an object with name, email and phone")}
    kept: dict[str, str] = {}
    for key in ("name", "email", "phone"):
        text, err = clean_text(
            contact.get(key), f"contact.{key}", required=False, limit=CONTACT_MAX
        )
        errors.update(err)
        if text:
            kept[key] = text
    unknown = sorted(set(contact) - {"name", "email", "phone"})
    if unknown:
        errors["contact"] = _("unknown field %(field)s") % {"field": str(unknown[0])[:40]}
    if errors:
        return {}, errors
    if "email" in kept:
        try:
            validate_email(kept["email"])
        except ValidationError:
            errors["contact.email"] = _("enter a valid e-mail address")
    if "phone" in kept and (
        not PHONE.match(kept["phone"]) or sum(c.isdigit() for c in kept["phone"]) < 6
    ):
        errors["contact.phone"] = _("enter a valid telephone number")
    if anonymous:
        if kept:
            errors["contact"] = _("an anonymous complaint keeps no contact details")
        return {}, errors
    if require:
        if "name" not in kept:
            errors["contact.name"] = _("enter your name, or send the complaint anonymously")
        if "email" not in kept and "phone" not in kept:
            errors.setdefault("contact.email", _("enter an e-mail address or a telephone number"))
        if not consent:
            errors["consent"] = _("contact details are kept only with your consent")
    return kept, errors


def _placement(
    organization: Organization, unit: Any, service: Any, staff: Any
) -> tuple[Unit | None, Service | None, StaffMember | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if not isinstance(unit, Unit) or unit.organization_id != organization.pk:
        errors["unit"] = _("choose a service unit")
        unit = None
    if service is not None and (
        not isinstance(service, Service)
        or service.organization_id != organization.pk
        or (
            unit is not None
            and not unit.path.startswith(service.unit.path)
            and not service.unit.path.startswith(unit.path)
        )
    ):
        errors["service"] = _("this service is not offered by the unit")
        service = None
    if staff is not None and (
        not isinstance(staff, StaffMember)
        or staff.organization_id != organization.pk
        or (
            unit is not None
            and not unit.path.startswith(staff.unit.path)
            and not staff.unit.path.startswith(unit.path)
        )
    ):
        errors["staff"] = _("unknown staff member for this unit")
        staff = None
    return unit, service, staff, errors


def intake_flags(
    *,
    ip: str | None,
    honeypot: str = "",
    elapsed_ms: int | None = None,
    bad_stamp: bool = False,
) -> tuple[bool, str]:
    """``(flagged, reason)`` from the abuse controls of the survey page (:mod:`prima.abuse`:
    the honeypot, the time to complete, the rate limit per IP address): a suspect complaint is
    kept and flagged, never dropped."""
    flags = assess(Signals(ip=ip, honeypot=honeypot, elapsed_ms=elapsed_ms, bad_stamp=bad_stamp))
    if not flags:
        return False, ""
    return True, "; ".join(f"{f.code}: {f.detail}" for f in flags)[:100]


RECEIVED_SKEW = timedelta(minutes=5)  # a client's clock may run a little ahead


def case_receive(
    *,
    organization: Organization,
    unit: Unit,
    text: str,
    channel: str,
    received_at: datetime | None = None,
    submission_id: Any = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    category: CaseCategory | str | None = None,
    tier: str = CaseTier.ORDINARY,
    anonymous: bool = False,
    contact: dict[str, Any] | None = None,
    consent: bool = False,
    response: Any = None,
    user: AbstractBaseUser | None = None,
    flagged: bool = False,
    flag_reason: str = "",
    require_contact: bool = False,
    language: str | None = None,
    deferred: bool = False,
) -> tuple[Case, bool]:
    """Receive a case and return ``(case, created)``; the same ``(organization,
    submission_id)`` again returns the first case with ``created=False`` (also under concurrent
    retries: the unique constraint decides).

    ``received_at`` (aware; default now) fixes the due dates. ``contact`` holds ``name``,
    ``email``, ``phone``; with ``require_contact`` (the public form) a complaint that is not
    anonymous needs a name, an e-mail address or a telephone number, and consent. ``flagged``
    and ``flag_reason`` come from the abuse controls (honeypot, rate limits): the case is kept.
    :class:`CaseError` names every field that is wrong; nothing is stored then.

    ``deferred`` (the public form and API; issue 11, "Speed"): the request stores the case row
    alone, one INSERT committed by itself as a survey submission is, with ``recorded`` False;
    the task worker then writes the first line of its history, the receipt e-mail's task and
    the webhook ``case.created`` (:func:`cases_record_pending`), and until then the readers
    show the receipt line from the row. Without a worker (``PRIMA_TASKS=immediate``), or for
    a case with a user or a survey response, the case is recorded at once, as without it.
    """
    sid = None
    if submission_id not in (None, ""):
        try:
            sid = (
                submission_id
                if isinstance(submission_id, uuid.UUID)
                else uuid.UUID(str(submission_id))
            )
        except (ValueError, TypeError, AttributeError):
            raise CaseError({"submission_id": _("must be a UUID")}) from None
    errors: dict[str, str] = {}
    clean, err = clean_text(text, "text", required=True)
    errors.update(err)
    if channel not in CaseChannel.values:
        errors["channel"] = _("one of %(values)s") % {"values": ", ".join(CaseChannel.values)}
    if tier not in CaseTier.values:
        errors["tier"] = _("one of %(values)s") % {"values": ", ".join(CaseTier.values)}
    now = timezone.now()
    if received_at is None:
        received_at = now
    elif not isinstance(received_at, datetime) or timezone.is_naive(received_at):
        errors["received_at"] = _("an instant with its UTC offset (ISO 8601)")
    elif received_at > now + RECEIVED_SKEW:
        errors["received_at"] = _("lies in the future")
    unit, service, staff, err = _placement(organization, unit, service, staff)
    errors.update(err)
    kept, err = _clean_contact(
        contact, anonymous=anonymous, consent=consent, require=require_contact
    )
    errors.update(err)
    try:
        found_category = category_resolve(organization, category)
    except CaseError as exc:
        errors.update(exc.errors)
        found_category = None
    if errors:
        # a retry is answered with the first case whatever this payload says; a valid one is
        # found below by the unique constraint (no read before each new case)
        existing = None if sid is None else _stored(organization, sid)
        if existing is not None:
            return existing, False
        raise CaseError(errors)
    assert unit is not None
    assert isinstance(received_at, datetime)
    deadlines = case_settings(organization)
    calendar = cal.calendar_for(organization)
    values = {
        "organization": organization,
        "submission_id": sid,
        "unit": unit,
        "service": service,
        "staff": staff,
        "category": found_category,
        "tier": tier,
        "channel": channel,
        "text": clean,
        "anonymous": anonymous,
        "contact_name": kept.get("name", ""),
        "contact_email": kept.get("email", ""),
        "contact_phone": kept.get("phone", ""),
        "consent": bool(consent and kept),
        "response": response,
        "flagged": flagged,
        "flag_reason": flag_reason[:100],
        "received_at": received_at,
        "first_response_due": cal.due_date(
            organization, received_at, deadlines.first_response_days, calendar
        ),
        "resolution_due": cal.due_date(
            organization, received_at, deadlines.resolution_days(tier), calendar
        ),
    }
    if language:
        values["language"] = language
    deferred = deferred and user is None and response is None and _worker_records()
    if deferred:
        values["recorded"] = False
    for _attempt in range(8):
        try:
            if deferred:
                # one INSERT, committed by itself (autocommit); a savepoint inside a caller's
                # transaction, so that a duplicate id does not break it
                inner = (
                    transaction.atomic()
                    if transaction.get_connection().in_atomic_block
                    else nullcontext()
                )
                with inner:
                    case = Case.objects.create(tracking_code=tracking_code_new(), **values)
                Case.rating.related.set_cached_value(case, None)
                return case, True
            with transaction.atomic():
                case = Case.objects.create(tracking_code=tracking_code_new(), **values)
                event = _event(
                    case,
                    CaseEventKind.CREATED,
                    user,
                    status_to=CaseStatus.NEW,
                    public=True,
                    data={"channel": channel},
                )
                Case.rating.related.set_cached_value(case, None)  # new: no rating, no read
                send_on_commit(case, event, "created")  # its receipt's task commits with it
        except IntegrityError:
            if sid is not None:
                existing = _stored(organization, sid)
                if existing is not None:  # a concurrent retry won the race
                    return existing, False
            continue  # the tracking code was taken: draw again
        return case, True
    raise RuntimeError("no free tracking code after 8 draws")  # pragma: no cover


def _stored(organization: Organization, sid: uuid.UUID) -> Case | None:
    return Case.objects.filter(organization=organization, submission_id=sid).first()


def _worker_records() -> bool:
    """Whether a task worker is there to record deferred cases: not with the backend that runs
    tasks at once in the request (``PRIMA_TASKS=immediate``, no worker process)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


CREATED_FIELDS: dict[str, Any] = {
    "actor": None,
    "kind": CaseEventKind.CREATED,
    "status_from": "",
    "status_to": CaseStatus.NEW,
    "note": "",
    "public": True,
}
"""The fields of a first event that do not depend on its case (:func:`created_event`, and the
``INSERT ... SELECT`` of :func:`_insert_created_events`)."""


def created_event(case: Case) -> CaseEvent:
    """The first line of a case's history (kind ``created``, unsaved): stored by
    :func:`cases_record_pending` for a deferred case, shown from the row until then."""
    return CaseEvent(
        case=case,
        at=case.created_at or timezone.now(),
        data={"channel": case.channel},
        **CREATED_FIELDS,
    )


def _insert_created_events(rows: list[Case]) -> list[CaseEvent]:
    """Store the first events of ``rows`` (:func:`created_event`) in one ``INSERT ... SELECT``
    from their case rows, returning their ids: the database builds the rows itself. Inside the
    sweep's transaction, which on SQLite holds the only write lock, the ORM's ``bulk_create``
    spent a few milliseconds of Python per ten cases, and the task worker runs at a lower CPU
    priority: under a burst of complaints every one of them waited for it (issue 11, "Speed")."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return CaseEvent.objects.bulk_create([created_event(case) for case in rows])
    qn = connection.ops.quote_name
    column = {f.name: qn(f.column) for f in CaseEvent._meta.concrete_fields}
    channel = qn(Case._meta.get_field("channel").column)
    data = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    by_pk = {case.pk: case for case in rows}
    names = ("case", "at", *CREATED_FIELDS, "data")  # the case's own, the fixed ones, data
    sql = (
        f"INSERT INTO {qn(CaseEvent._meta.db_table)} ({', '.join(column[n] for n in names)}) "
        f"SELECT c.{qn(Case._meta.pk.column)}, c.{qn(Case._meta.get_field('created_at').column)},"
        f" {', '.join(['%s'] * len(CREATED_FIELDS))}, {data}('channel', c.{channel})"
        f" FROM {qn(Case._meta.db_table)} c WHERE c.{qn(Case._meta.pk.column)} IN"
        f" ({', '.join(['%s'] * len(by_pk))}) RETURNING {column['id']}, {column['case']}"
    )
    params = [*CREATED_FIELDS.values(), *by_pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = {case_id: pk for pk, case_id in cursor.fetchall()}
    events = []
    for case in rows:
        event = created_event(case)
        event.pk = returned[case.pk]
        event._state.adding = False
        event._state.db = connection.alias
        events.append(event)
    return events


def _record(rows: list[Case]) -> list[CaseEvent]:
    """Record deferred cases whose rows the current transaction holds (locked, ``recorded``
    False): their first events (one INSERT), ``recorded`` set, and per case the signals an
    intake sends (:func:`send_on_commit`: the receipt e-mail's task in this transaction, the
    webhook ``case.created`` after its commit). ``updated_at`` is left as it was."""
    if not rows:
        return []
    events = _insert_created_events(rows)
    Case.objects.filter(pk__in=[case.pk for case in rows]).update(recorded=True)
    with batched():  # e.g. one e-mail task for the receipts of all of them
        for case, event in zip(rows, events, strict=True):
            case.recorded = True
            send_on_commit(case, event, "created")
    return events


RECORD_BATCH = 200
"""Deferred cases recorded per transaction by :func:`cases_record_pending`."""


def cases_record_pending(
    *,
    after: int = 0,
    ids: Iterable[int] | None = None,
    batch_size: int = RECORD_BATCH,
    pause: float = 0.0,
) -> list[int]:
    """Record every deferred case (``recorded`` False) with an id above ``after`` (or among
    ``ids``), oldest first, ``batch_size`` per transaction, ``pause`` seconds between two
    transactions (the sweep's pause on SQLite lets waiting requests take the write lock);
    returns their ids. Finding none takes one read and no lock. Each case is recorded once:
    its row is locked and read again (two sweeps at once, or a change of the case, record it
    once)."""
    qs = Case.objects.filter(recorded=False, pk__gt=after)
    if ids is not None:
        qs = qs.filter(pk__in=sorted(set(ids)))
    pending = list(qs.order_by("pk").values_list("pk", flat=True))
    done: list[int] = []
    for start in range(0, len(pending), batch_size):
        if start and pause:
            time.sleep(pause)
        batch = pending[start : start + batch_size]
        # read before the transaction: on SQLite it holds the only write lock, which the
        # public complaints arriving meanwhile wait for, so it does the writes alone
        rows = list(
            Case.objects.select_related("organization", "unit", "category")
            .filter(pk__in=batch, recorded=False)
            .order_by("pk")
        )
        if not rows:
            continue
        for case in rows:
            Case.rating.related.set_cached_value(case, None)  # a new case: no rating
        with transaction.atomic():
            # locked, and read again: recorded by another sweep or a change meanwhile?
            still = set(
                Case.objects.select_for_update(of=("self",))
                .filter(pk__in=[case.pk for case in rows], recorded=False)
                .values_list("pk", flat=True)
            )
            rows = [case for case in rows if case.pk in still]
            _record(rows)
        done += [case.pk for case in rows]
    return done


def case_record(case: Case) -> Case:
    """Record the case now when it is a deferred one not yet recorded (a staff member reads
    its history before the task worker did); the case, ``recorded``."""
    if not case.recorded:
        cases_record_pending(ids=[case.pk])
        case.recorded = True
    return case


def _event(
    case: Case,
    kind: str,
    user: AbstractBaseUser | None,
    *,
    at: datetime | None = None,
    status_from: str = "",
    status_to: str = "",
    note: str = "",
    public: bool = False,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=user if user is not None and user.is_authenticated else None,
        kind=kind,
        status_from=status_from,
        status_to=status_to,
        note=note,
        public=public,
        data=data or {},
    )


# -- changes -----------------------------------------------------------------------------------
def _locked(case: Case) -> Case:
    """The case's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a
    time), with its current values. A deferred case not yet recorded is recorded first, so
    that its history, e-mails and webhooks begin with its receipt."""
    row = Case.objects.select_for_update().select_related("organization").get(pk=case.pk)
    if not row.recorded:
        # a copy as received: the change below must not show in the receipt's signals
        _record([Case.objects.select_related("organization", "unit", "category").get(pk=row.pk)])
        row.recorded = True
    return row


def _copy_into(target: Case, source: Case) -> Case:
    for f in Case._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    return target


def _first_response(case: Case, now: datetime, calendar: Any) -> list[str]:
    """Mark the first response (once); the fields changed."""
    if case.first_response_at is not None:
        return []
    org = case.organization
    case.first_response_at = now
    case.first_response_days = cal.working_days_between(org, case.received_at, now, calendar)
    case.first_response_on_time = cal.local_date(org, now) <= case.first_response_due
    return ["first_response_at", "first_response_days", "first_response_on_time"]


def case_transition(
    case: Case,
    *,
    status: str,
    note: str = "",
    user: AbstractBaseUser | None = None,
    public_note: bool = True,
) -> Case:
    """Move the case to ``status`` with a note (shown to the complainant unless
    ``public_note`` is False). :class:`InvalidTransition` (names both statuses) for a move the
    rules do not allow; :class:`CaseError` naming ``note`` when ``ditolak`` has no reason."""
    text, errors = clean_text(note, "note", required=status == CaseStatus.REJECTED)
    if errors:
        if status == CaseStatus.REJECTED and "note" in errors and not note:
            errors = {"note": _("a rejection needs its reason")}
        raise CaseError(errors)
    with transaction.atomic():
        row = _locked(case)
        current = row.status
        if status not in TRANSITIONS.get(current, ()):
            raise InvalidTransition(current, status)
        now = timezone.now()
        org = row.organization
        calendar = cal.calendar_for(org)
        changed = ["status", "updated_at"]
        row.status = status
        if current == CaseStatus.NEW:
            changed += _first_response(row, now, calendar)
        if status == CaseStatus.RESOLVED:
            start = row.reopened_at or row.received_at
            row.resolved_at = now
            row.resolution_days = cal.working_days_between(org, start, now, calendar)
            row.resolved_on_time = cal.local_date(org, now) <= row.resolution_due
            changed += ["resolved_at", "resolution_days", "resolved_on_time"]
        row.save(update_fields=changed)
        event = _event(
            row,
            CaseEventKind.STATUS,
            user,
            at=now,
            status_from=current,
            status_to=status,
            note=text,
            public=public_note,
        )
        send_on_commit(row, event, "status_changed")
    return _copy_into(case, row)


def case_reopen(case: Case, *, user: AbstractBaseUser | None = None, note: str = "") -> Case:
    """Reopen a ``selesai`` case (back to ``diproses``) within :data:`REOPEN_DAYS` days of its
    resolution, by the complainant (``user`` None) or staff. The resolution due is counted anew
    from the reopening; the resolution's figures are cleared until it is resolved again.
    :class:`InvalidTransition` unless ``selesai``; :class:`CaseError` (conflict) when the
    period to reopen has ended."""
    text, errors = clean_text(note, "note", required=False)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        row = _locked(case)
        if row.status != CaseStatus.RESOLVED:
            raise InvalidTransition(row.status, CaseStatus.IN_PROGRESS)
        now = timezone.now()
        if not reopen_open(row, now):
            raise CaseError(
                {
                    "status": _(
                        "a case may be reopened only within %(days)s days of its resolution"
                    )
                    % {"days": REOPEN_DAYS}
                },
                conflict=True,
            )
        org = row.organization
        deadlines = case_settings(org)
        previous = {
            "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
            "resolution_due": row.resolution_due.isoformat(),
            "resolved_on_time": row.resolved_on_time,
        }
        row.status = CaseStatus.IN_PROGRESS
        row.reopened_at = now
        row.resolution_due = cal.due_date(org, now, deadlines.resolution_days(row.tier))
        row.resolved_at = None
        row.resolution_days = None
        row.resolved_on_time = None
        row.save(
            update_fields=[
                "status",
                "reopened_at",
                "resolution_due",
                "resolved_at",
                "resolution_days",
                "resolved_on_time",
                "updated_at",
            ]
        )
        event = _event(
            row,
            CaseEventKind.REOPENED,
            user,
            at=now,
            status_from=CaseStatus.RESOLVED,
            status_to=CaseStatus.IN_PROGRESS,
            note=text,
            public=True,
            data={"previous": previous, "by": "staff" if user is not None else "complainant"},
        )
        send_on_commit(row, event, "status_changed")
    return _copy_into(case, row)


def reopen_open(case: Case, now: datetime | None = None) -> bool:
    """Whether a ``selesai`` case may still be reopened (within :data:`REOPEN_DAYS` days)."""
    if case.status != CaseStatus.RESOLVED or case.resolved_at is None:
        return False
    return (now or timezone.now()) <= case.resolved_at + timedelta(days=REOPEN_DAYS)


def case_rate(case: Case, *, score: Any, comment: str = "") -> CaseRating:
    """The complainant's rating of the handling (1-5, with a comment), once, when the case is
    ``selesai``. :class:`CaseError` naming ``score`` or ``comment`` for bad input, a conflict
    (409) when the case is not ``selesai`` or was rated already."""
    errors: dict[str, str] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = _("a whole number from 1 to 5")
    text, err = clean_text(comment, "comment", required=False)
    errors.update(err)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        row = _locked(case)
        if row.status != CaseStatus.RESOLVED:
            raise CaseError(
                {
                    "status": _("only a resolved case can be rated (this one is %(status)s)")
                    % {"status": row.status}
                },
                conflict=True,
            )
        if CaseRating.objects.filter(case=row).exists():
            raise CaseError({"score": _("this case has been rated already")}, conflict=True)
        try:
            with transaction.atomic():
                rating = CaseRating.objects.create(case=row, score=score, comment=text)
        except IntegrityError:  # a concurrent rating won
            raise CaseError(
                {"score": _("this case has been rated already")}, conflict=True
            ) from None
        event = _event(row, CaseEventKind.RATED, None, data={"score": score})
        send_on_commit(row, event, "rated")
    return rating


def _may_own(user: AbstractBaseUser, case: Case) -> bool:
    """A user with a role in the case's organization whose scope covers the case's unit."""
    unit = case.unit
    return Membership.objects.filter(user=user, organization_id=case.organization_id).exclude(
        role=Role.VIEWER
    ).filter(unit__isnull=True).exists() or any(
        unit.path.startswith(m.unit.path)
        for m in Membership.objects.filter(
            user=user, organization_id=case.organization_id, unit__isnull=False
        )
        .exclude(role=Role.VIEWER)
        .select_related("unit")
    )


def case_assign(
    case: Case, *, owner: AbstractBaseUser | None, user: AbstractBaseUser | None
) -> Case:
    """Make ``owner`` (None: nobody) the case's owner. The owner needs a role other than
    viewer in the case's organization covering its unit (:class:`CaseError` naming
    ``owner``)."""
    if owner is not None and not _may_own(owner, case):
        raise CaseError({"owner": _("this user handles no cases of the unit")})
    with transaction.atomic():
        row = _locked(case)
        before = row.owner_id
        row.owner = owner
        row.save(update_fields=["owner", "updated_at"])
        event = _event(
            row,
            CaseEventKind.ASSIGNED,
            user,
            data={"owner": owner.pk if owner is not None else None, "previous": before},
        )
        send_on_commit(row, event, "assigned")
    return _copy_into(case, row)


def case_note(case: Case, *, note: str, user: AbstractBaseUser | None) -> CaseEvent:
    """An internal note (never shown to the complainant)."""
    text, errors = clean_text(note, "note", required=True)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        row = _locked(case)
        event = _event(row, CaseEventKind.NOTE, user, note=text, public=False)
        send_on_commit(row, event, "noted")
    return event


def case_reply(case: Case, *, note: str, user: AbstractBaseUser | None) -> CaseEvent:
    """A note for the complainant (on the tracking page) without a change of status; the
    first one before any change of status is the first response."""
    text, errors = clean_text(note, "note", required=True)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        row = _locked(case)
        now = timezone.now()
        changed = _first_response(row, now, cal.calendar_for(row.organization))
        if changed:
            row.save(update_fields=[*changed, "updated_at"])
        event = _event(row, CaseEventKind.NOTE, user, at=now, note=text, public=True)
        send_on_commit(row, event, "replied")
    _copy_into(case, row)
    return event


_UNSET: Any = object()


def case_classify(
    case: Case,
    *,
    user: AbstractBaseUser | None,
    category: CaseCategory | str | None = _UNSET,
    tier: str = _UNSET,
) -> Case:
    """Change the category and/or the tier. A new tier moves the resolution due to the N-th
    working day of that tier after the day of receipt (or of the reopening), on the calendar
    of today."""
    with transaction.atomic():
        row = _locked(case)
        changed: list[str] = []
        data: dict[str, Any] = {}
        if category is not _UNSET:
            found = category_resolve(row.organization, category)
            if found != row.category:
                data["category"] = [
                    row.category.key if row.category else None,
                    found.key if found else None,
                ]
                row.category = found
                changed.append("category")
        if tier is not _UNSET:
            if tier not in CaseTier.values:
                raise CaseError(
                    {"tier": _("one of %(values)s") % {"values": ", ".join(CaseTier.values)}}
                )
            if tier != row.tier:
                start = row.reopened_at or row.received_at
                due = cal.due_date(
                    row.organization, start, case_settings(row.organization).resolution_days(tier)
                )
                data["tier"] = [row.tier, tier]
                data["resolution_due"] = [row.resolution_due.isoformat(), due.isoformat()]
                row.tier = tier
                row.resolution_due = due
                changed += ["tier", "resolution_due"]
                if row.resolved_at is not None:
                    row.resolved_on_time = cal.local_date(row.organization, row.resolved_at) <= due
                    changed.append("resolved_on_time")
        if not changed:
            return case
        row.save(update_fields=[*changed, "updated_at"])
        event = _event(row, CaseEventKind.EDITED, user, data=data)
        send_on_commit(row, event, "edited")
    return _copy_into(case, row)
