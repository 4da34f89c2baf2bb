"""Writes for instruments, surveys and responses (keyword-only, atomic, explicit side effects)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from prima import i18n
from prima.abuse.controls import Signals, answered_interval, assess
from prima.abuse.models import ResponseToken
from prima.collection.models import KioskDevice
from prima.i18n import gettext_noop
from prima.instruments import builtin_names
from prima.instruments.model import parse_instrument
from prima.instruments.questions import clean_answers
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.storable_text import displayable, unstorable_character
from prima.surveys.anonymity import NO_CONTACT, NO_TOKEN, anonymise, stored_submission_id
from prima.surveys.choices import Channel, SurveyStatus
from prima.surveys.context import BadContext, context_read
from prima.surveys.models import Instrument, InstrumentVersion, Response, Survey
from prima.surveys.profile import clean_profile

MAX_SUGGESTION = 2000
MAX_CONTACT = 200

SUBMIT_ERRORS: dict[str, str] = {
    "closed": gettext_noop("this survey is not accepting responses"),
    "context": gettext_noop("the survey link is invalid or was altered"),
    "unit": gettext_noop("choose a service unit"),
    "service": gettext_noop("this service is not part of the survey"),
    "staff": gettext_noop("unknown staff member for this unit"),
    "too_long": gettext_noop("too long (at most {max} characters)"),
    "submission_id": gettext_noop("must be a UUID"),
    "token": gettext_noop("unknown response token for this survey"),
    "token_required": gettext_noop(
        "this survey needs the token printed on a queue ticket or receipt"
    ),
    "token_used": gettext_noop("this response token has already been used"),
    "device": gettext_noop("this kiosk device is not registered for this survey"),
    "contact": gettext_noop("contact details are kept only with consent"),
    "character": gettext_noop("contains a character that cannot be stored ({char})"),
}


class SubmissionError(ValueError):
    """A submission that cannot be stored; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str], *, conflict: bool = False) -> None:
        self.errors = errors
        self.conflict = conflict  # the request is valid but the state forbids it (409)
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


# -- instruments ------------------------------------------------------------------------------
@transaction.atomic
def instruments_install_builtin() -> list[Instrument]:
    """Create (once) the built-in instruments from ``prima/instruments/builtin``."""
    out = []
    for name in builtin_names():
        text = (
            resources.files("prima.instruments.builtin").joinpath(f"{name}.json").read_text("utf-8")
        )
        definition = json.loads(text)
        parsed = parse_instrument(definition, source=name)
        instrument, created = Instrument.objects.get_or_create(
            organization=None, key=name, defaults={"title": parsed.title.get("id", name)}
        )
        if created:
            InstrumentVersion.objects.create(instrument=instrument, number=1, definition=definition)
        out.append(instrument)
    return out


@transaction.atomic
def instrument_revise(*, instrument: Instrument, definition: dict[str, Any]) -> InstrumentVersion:
    """Store a changed definition: in place while the latest version has no responses,
    otherwise as a new version (old results keep their meaning)."""
    if instrument.builtin:
        raise ValueError("built-in instruments are read-only; copy one into the organization first")
    parse_instrument(definition, source=instrument.key)
    latest = instrument.latest()
    if latest is not None and not latest.locked:
        latest.definition = definition
        latest.save(update_fields=["definition"])
        return latest
    number = (latest.number + 1) if latest else 1
    return InstrumentVersion.objects.create(
        instrument=instrument, number=number, definition=definition
    )


@transaction.atomic
def instrument_copy(
    *, source: Instrument, organization: Organization, key: str, title: str
) -> Instrument:
    instrument = Instrument.objects.create(organization=organization, key=key, title=title)
    InstrumentVersion.objects.create(
        instrument=instrument, number=1, definition=source.latest().definition
    )
    return instrument


# -- surveys ----------------------------------------------------------------------------------
@transaction.atomic
def survey_create(
    *,
    organization: Organization,
    title: str,
    instrument: Instrument,
    units: list[Unit],
    services: list[Service] | None = None,
    channels: list[str] | None = None,
    status: str = SurveyStatus.OPEN,
    starts_on: Any = None,
    ends_on: Any = None,
) -> Survey:
    if instrument.organization_id not in (None, organization.id):
        raise ValueError("the instrument belongs to another organization")
    if not units or any(u.organization_id != organization.id for u in units):
        raise ValueError("a survey needs units of its own organization")
    if services and any(s.organization_id != organization.id for s in services):
        raise ValueError("a service belongs to another organization")
    survey = Survey.objects.create(
        organization=organization,
        title=title,
        instrument_version=instrument.latest(),
        channels=channels or [Channel.WEB, Channel.QR],
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    survey.units.set(units)
    if services:
        survey.services.set(services)
    return survey


def survey_set_status(*, survey: Survey, status: str) -> Survey:
    survey.status = status
    survey.save(update_fields=["status"])
    return survey


# -- responses --------------------------------------------------------------------------------
@dataclass
class Submission:
    submission_id: Any
    answers: dict[str, Any]
    context: str | None = None
    unit_id: int | None = None
    service_id: int | None = None
    staff_id: int | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    suggestion: str = ""
    contact: dict[str, Any] = field(default_factory=dict)
    consent: bool = False
    channel: str = Channel.WEB
    submitted_at: datetime | None = None
    signals: Signals = field(default_factory=Signals)
    device: KioskDevice | None = None
    answered_at: datetime | None = None  # the client's clock (kiosks queue answers offline)
    token: str | None = None
    invitation: str | None = None  # a one-time invitation code (prima.invitations)


@dataclass(frozen=True)
class SubmissionGate:
    """What a gate of :data:`submission_gates` asks of one submission: the unit it fixes (or
    None) and ``spend``, run inside the response's transaction just before its INSERT (it raises
    :class:`SubmissionError` to refuse; the transaction then stores nothing)."""

    unit_id: int | None
    spend: Callable[[], None]


submission_gates: list[Callable[[Survey, Submission, str], SubmissionGate | None]] = []
"""Checks a survey may need before any response is stored, on every way one arrives (page, API,
kiosk): each gets ``(survey, submission, lang)``, raises :class:`SubmissionError` to refuse at
once, or returns None (nothing to do) or a :class:`SubmissionGate`. ``prima.invitations``
registers one (one-time invitations of employee surveys)."""


def _gates(survey: Survey, submission: Submission, lang: str) -> list[SubmissionGate]:
    return [g for g in (check(survey, submission, lang) for check in submission_gates) if g]


def _msg(key: str, lang: str, **params: Any) -> str:
    return i18n.gettext(SUBMIT_ERRORS[key], lang).format(**params)


response_submitted = Signal()
"""Sent once for each response that :func:`response_submit` stores (the public page, the API and
kiosks), after its commit, with ``survey`` and ``response``; never for a retry that returns the
stored response, nor for imported rows (``prima.transfers.importing.responses_imported``).
Receivers (e.g. ``prima.webhooks``) must not slow the submission: they queue their work."""


def response_submit(
    *, survey: Survey, submission: Submission, lang: str = "id"
) -> tuple[Response, bool]:
    """Store one response and return ``(response, created)``.

    The same ``submission_id`` again returns the first response and stores nothing new, also
    under concurrent retries (the unique constraint decides). Nothing is stored unless every
    field is valid; the response exists once this function returns (committed).
    """
    try:
        sid = (
            submission.submission_id
            if isinstance(submission.submission_id, uuid.UUID)
            else uuid.UUID(str(submission.submission_id))
        )
    except (ValueError, TypeError, AttributeError):
        raise SubmissionError({"submission_id": _msg("submission_id", lang)}) from None
    employee = survey.is_employee
    if employee:  # stored under a keyed hash: a client's UUID may carry the time it was made
        sid = stored_submission_id(survey.pk, sid)
    try:
        gates = _gates(survey, submission, lang)
        for gate in gates:
            if gate.unit_id is not None:  # e.g. the unit an invitation was made for
                submission = replace(submission, unit_id=gate.unit_id)
        values = _validate(survey, submission, lang)
    except SubmissionError:
        # a retry of a stored submission gets the first answer, even if the survey has closed
        # since or the retry's payload differs; only a new submission gets the error
        existing = _stored(survey, sid)
        if existing is not None:
            return existing, False
        raise
    device = submission.device
    answered_at = submission.answered_at or values["submitted_at"]
    if timezone.is_naive(answered_at):  # a client clock without an offset: the site's zone
        answered_at = timezone.make_aware(answered_at)
    signals = submission.signals
    if device is not None:
        # a registered kiosk has its own control (the interval between its answers) and sends
        # answers queued offline all at once: it is not counted against the IP and link limits
        interval = answered_interval(device.last_answered_at, answered_at)
        signals = replace(signals, ip=None, link=None, device_interval=interval)
    if device is not None and employee:
        # an employee response keeps no device, and the kiosk's last answer time is not moved
        # (it would time the newest response), so no interval control either
        signals = replace(signals, device_interval=None)
        device = None
    flags = assess(signals, min_interval_seconds=device.min_interval_seconds if device else None)
    if flags:
        values["flag"] = flags[0].code
        values["flag_detail"] = "; ".join(f"{f.code}: {f.detail}" for f in flags)[:300]
    values["duration_ms"] = signals.elapsed_ms
    values["device"] = device
    if employee:
        values = anonymise(values)  # the unit and the day only (prima.surveys.anonymity)
    try:
        if (
            device is None
            and not gates
            and not token_normalise(submission.token)
            and not survey.requires_token
        ):
            # one INSERT, committed by itself (autocommit): acknowledged only once committed,
            # without the round trips of BEGIN and COMMIT and with the shortest hold of the
            # foreign-key locks on the survey and unit rows; a savepoint inside a caller's
            # transaction, so that a duplicate id does not break it
            inner = (
                transaction.atomic()
                if transaction.get_connection().in_atomic_block
                else nullcontext()
            )
            with inner:
                response = Response.objects.create(survey=survey, submission_id=sid, **values)
        else:
            with transaction.atomic():  # BEGIN ... COMMIT: gates, token and device with it
                for gate in gates:
                    gate.spend()
                token = _claim_token(survey, submission.token, lang)
                response = Response.objects.create(survey=survey, submission_id=sid, **values)
                if token is not None:
                    token.response = response
                    token.save(update_fields=["response"])
                if device is not None:
                    _device_answered(device, answered_at)
    except IntegrityError:
        # the submission id is stored already (a retry, or a concurrent one that won the
        # race): answer with the first response; the unique constraint decides, not a read
        existing = _stored(survey, sid)
        if existing is None:
            raise
        return existing, False
    except SubmissionError:
        existing = _stored(survey, sid)  # e.g. a retry whose single-use token is now used
        if existing is not None:
            return existing, False
        raise
    # after the commit (at once when none is open): a receiver that fails is logged, never undoes
    # or fails the stored response
    transaction.on_commit(
        lambda: response_submitted.send(sender=Response, survey=survey, response=response),
        robust=True,
    )
    return response, True


def _stored(survey: Survey, sid: uuid.UUID) -> Response | None:
    return Response.objects.filter(survey=survey, submission_id=sid).first()


def _claim_token(survey: Survey, code: str | None, lang: str) -> ResponseToken | None:
    """The single-use token for this response (inside the response's transaction)."""
    code = token_normalise(code)
    if not code:
        if survey.requires_token:
            raise SubmissionError({"token": _msg("token_required", lang)})
        return None
    token = ResponseToken.objects.select_for_update().filter(survey=survey, code=code).first()
    if token is None:
        raise SubmissionError({"token": _msg("token", lang)})
    if token.response_id is not None:
        raise SubmissionError({"token": _msg("token_used", lang)}, conflict=True)
    return token


def token_normalise(code: str | None) -> str:
    """A token as stored: codes are lower case (people may type a printed code in capitals)."""
    return (code or "").strip().lower()[:32]


def ticket_unit(survey: Survey, code: str | None) -> int | None:
    """The unit a single-use token was printed for (None: any unit, or no such token)."""
    code = token_normalise(code)
    if not code:
        return None
    return (
        ResponseToken.objects.filter(survey=survey, code=code)
        .values_list("unit_id", flat=True)
        .first()
    )


def _device_answered(device: KioskDevice, answered_at: datetime) -> None:
    now = timezone.now()
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    # keep the latest answer time: answers queued offline may arrive out of order
    KioskDevice.objects.filter(pk=device.pk).filter(
        models.Q(last_answered_at__isnull=True) | models.Q(last_answered_at__lt=answered_at)
    ).update(last_answered_at=answered_at)
    device.last_answered_at = max(filter(None, [device.last_answered_at, answered_at]))


_UNITS_TTL = 10.0  # seconds a process may reuse a survey's unit list
_units_cache: dict[tuple[int, Any], tuple[float, list[Unit]]] = {}


def survey_units(survey: Survey) -> list[Unit]:
    """The survey's own units, reused for a few seconds per process: every submission needs
    them, and they change rarely (a unit added to a survey is accepted within seconds)."""
    now = time.monotonic()
    key = (survey.pk, survey.created_at)  # a recreated database may reuse the id
    hit = _units_cache.get(key)
    if hit is not None and now - hit[0] < _UNITS_TTL:
        return hit[1]
    units = list(survey.units.all())
    _units_cache[key] = (now, units)
    return units


class ResponseChecks:
    """The checks of a response's unit, service, staff, profile, suggestion and contact, shared
    by every way a response arrives (web form, API, kiosk: :func:`response_submit`; paper
    import: :mod:`prima.transfers.importing`). Answers are checked by
    :func:`prima.instruments.questions.clean_answers`.

    Lookups are cached per instance: one submission asks the database what it always asked,
    an import of many rows asks once per distinct unit, service and staff id.
    """

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self._units: list[Unit] | None = None
        self._allowed_services: set[int] | None = None
        self._unit: dict[Any, Unit | None] = {}
        self._service: dict[Any, Service | None] = {}
        self._staff: dict[Any, StaffMember | None] = {}

    @property
    def units(self) -> list[Unit]:
        """The survey's own units (responses may also name a unit below one of them)."""
        if self._units is None:
            self._units = survey_units(self.survey)
        return self._units

    def unit(self, unit_id: Any) -> Unit | None:
        """The unit a response is for, or None when ``unit_id`` names no unit of the survey."""
        units = self.units
        unit = next((u for u in units if u.pk == unit_id), None)
        if unit is None and unit_id is not None:
            if unit_id not in self._unit:
                # a unit below one of the survey's units (e.g. a counter of an UPT) is fine too
                found = Unit.objects.filter(
                    pk=unit_id, organization_id=self.survey.organization_id
                ).first()
                if found is not None and not any(found.path.startswith(u.path) for u in units):
                    found = None
                self._unit[unit_id] = found
            unit = self._unit[unit_id]
        if unit is None and unit_id is None and len(units) == 1:
            unit = units[0]
        return unit

    def placement(
        self, unit_id: Any, service_id: Any, staff_id: Any, lang: str
    ) -> tuple[Unit | None, Service | None, StaffMember | None, dict[str, str]]:
        """``(unit, service, staff, errors)``; errors keyed ``unit``, ``service``, ``staff``."""
        errors: dict[str, str] = {}
        unit = self.unit(unit_id)
        if unit is None:
            errors["unit"] = _msg("unit", lang)
        service = None
        if service_id is not None:
            if service_id not in self._service:
                self._service[service_id] = (
                    Service.objects.filter(
                        pk=service_id, organization_id=self.survey.organization_id
                    )
                    .select_related("unit")
                    .first()
                )
            service = self._service[service_id]
            if self._allowed_services is None:
                self._allowed_services = set(self.survey.services.values_list("pk", flat=True))
            allowed = self._allowed_services
            if (
                service is None
                or (allowed and service.pk not in allowed)
                or (  # a service of the response's unit, of a unit above or below it
                    unit is not None
                    and not unit.path.startswith(service.unit.path)
                    and not service.unit.path.startswith(unit.path)
                )
            ):
                errors["service"] = _msg("service", lang)
        staff = None
        if staff_id is not None:
            if staff_id not in self._staff:
                self._staff[staff_id] = (
                    StaffMember.objects.filter(
                        pk=staff_id, organization_id=self.survey.organization_id
                    )
                    .select_related("unit")
                    .first()
                )
            staff = self._staff[staff_id]
            if staff is None or (
                unit is not None
                and not staff.unit.path.startswith(unit.path)
                and not unit.path.startswith(staff.unit.path)
            ):
                errors["staff"] = _msg("staff", lang)
        return unit, service, staff, errors

    def extras(
        self,
        *,
        profile: Any,
        suggestion: str | None,
        contact: dict[str, Any] | None,
        consent: bool,
        lang: str,
    ) -> tuple[dict[str, Any], str, dict[str, str], dict[str, str]]:
        """``(profile, suggestion, contact, errors)``, cleaned; errors keyed ``profile.<field>``,
        ``suggestion``, ``contact`` and ``contact.<field>``."""
        errors: dict[str, str] = {}
        clean, profile_errors = clean_profile(
            self.survey.instrument_version.parsed,
            profile if isinstance(profile, dict) else {},
            lang,
        )
        errors.update(profile_errors)
        text = (suggestion or "").strip()
        bad = unstorable_character(text)
        if bad is not None:
            errors["suggestion"] = _msg("character", lang, char=bad)
        elif len(text) > MAX_SUGGESTION:
            errors["suggestion"] = _msg("too_long", lang, max=MAX_SUGGESTION)
        kept: dict[str, str] = {}
        if contact and any(str(v).strip() for v in contact.values()):
            if not consent:
                errors["contact"] = _msg("contact", lang)
            for key in ("name", "phone", "email"):
                value = str(contact.get(key) or "").strip()
                bad = unstorable_character(value)
                if bad is not None:
                    errors[f"contact.{key}"] = _msg("character", lang, char=bad)
                elif len(value) > MAX_CONTACT:
                    errors[f"contact.{key}"] = _msg("too_long", lang, max=MAX_CONTACT)
                elif value:
                    kept[key] = value
        return clean, text, kept, errors


def _texts(sub: Submission) -> Iterator[tuple[str, Any]]:
    """Every piece of text a submission carries, with the field an error names: a key of
    ``answers``, ``profile`` or ``contact`` under the dictionary's own name, a value under its
    key (``U2``, ``profile.age``, ``contact.name``)."""
    yield "submission_id", sub.submission_id
    for name in ("context", "suggestion", "channel", "token"):
        yield name, getattr(sub, name)
    groups = (("answers", "", sub.answers), ("profile", "profile.", sub.profile))
    for name, prefix, values in (*groups, ("contact", "contact.", sub.contact)):
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            yield name, key
            yield f"{prefix}{displayable(str(key))}", value


def _unstorable_fields(sub: Submission, lang: str) -> dict[str, str]:
    """Errors for the fields whose text holds a character that cannot be stored or shown
    (:mod:`prima.storable_text`): such text never reaches a query, a page or an export."""
    errors: dict[str, str] = {}
    for name, value in _texts(sub):
        bad = unstorable_character(value) if isinstance(value, str) else None
        if bad is not None and name not in errors:
            errors[name] = _msg("character", lang, char=bad)
    return errors


def _validate(survey: Survey, sub: Submission, lang: str) -> dict[str, Any]:
    if not survey.is_open():
        raise SubmissionError({"survey": _msg("closed", lang)}, conflict=True)
    errors = _unstorable_fields(sub, lang)
    if errors:
        raise SubmissionError(errors)
    version = survey.instrument_version
    answers, answer_errors = clean_answers(
        version.questions, sub.answers if isinstance(sub.answers, dict) else {}
    )
    errors.update(answer_errors.messages(lang))
    unit_id, service_id, staff_id = sub.unit_id, sub.service_id, sub.staff_id
    if sub.device is not None:
        if not sub.device.active or sub.device.survey_id != survey.pk:
            raise SubmissionError({"device": _msg("device", lang)})
        unit_id = sub.device.unit_id  # a kiosk answers for the unit it stands in
    if sub.context:
        try:
            ctx = context_read(sub.context, survey_code=survey.code)
        except BadContext:
            errors["context"] = _msg("context", lang)
        else:
            unit_id = ctx.unit or unit_id
            service_id = ctx.service or service_id
            staff_id = ctx.staff or staff_id
    code = token_normalise(sub.token)
    if survey.is_employee and (code or survey.requires_token):
        errors["token"] = i18n.gettext(NO_TOKEN, lang)
    elif code:
        ticket = ResponseToken.objects.filter(survey=survey, code=code).only("unit_id").first()
        if ticket is None:
            errors["token"] = _msg("token", lang)
        elif unit_id is None:
            unit_id = ticket.unit_id  # a ticket printed at a unit answers for it
    elif survey.requires_token:
        errors["token"] = _msg("token_required", lang)
    checks = ResponseChecks(survey)
    unit, service, staff, placement_errors = checks.placement(unit_id, service_id, staff_id, lang)
    errors.update(placement_errors)
    profile, suggestion, contact, extra_errors = checks.extras(
        profile=sub.profile,
        suggestion=sub.suggestion,
        contact=sub.contact,
        consent=sub.consent,
        lang=lang,
    )
    errors.update(extra_errors)
    if survey.is_employee and contact:
        errors["contact"] = i18n.gettext(NO_CONTACT, lang)
    if errors:
        raise SubmissionError(errors)
    return {
        "organization": survey.organization,
        "instrument_version": version,
        "unit": unit,
        "service": service,
        "staff": staff,
        "channel": sub.channel,
        "submitted_at": sub.submitted_at or timezone.now(),
        "answers": answers,
        "profile": profile,
        "suggestion": suggestion,
        "contact": contact,
    }


# -- review of flagged responses ---------------------------------------------------------------
responses_deleting = Signal()
"""Sent by :func:`responses_delete` inside its transaction, before the DELETE, with ``survey``
and ``pks``: whatever summarises responses (the rollups) takes them out first."""


def responses_delete(*, responses: QuerySet[Response]) -> int:
    """Delete responses (e.g. at a respondent's request) and take them out of everything that
    summarises them, in one transaction; returns how many. ``responses`` is the caller's
    scope."""
    deleted = 0
    with transaction.atomic():
        by_survey: dict[int, list[int]] = {}
        for pk, survey_id in responses.order_by().values_list("pk", "survey_id"):
            by_survey.setdefault(survey_id, []).append(pk)
        for survey in Survey.objects.filter(pk__in=list(by_survey)):
            pks = by_survey[survey.pk]
            responses_deleting.send(sender=Response, survey=survey, pks=pks)
            for start in range(0, len(pks), 5000):
                deleted += (
                    Response.objects.filter(pk__in=pks[start : start + 5000])
                    .delete()[1]
                    .get(Response._meta.label, 0)
                )
    return deleted


@transaction.atomic
def response_include_flagged(*, responses: QuerySet[Response], include: bool) -> int:
    """Include flagged responses in the indices after review (``include=False``: leave them out
    again). Unflagged responses are not touched. ``responses`` is the caller's scope (an
    admin's organizations); returns how many responses changed."""
    return (
        responses.exclude(flag="")
        .exclude(flag_included=include)
        .order_by()
        .update(flag_included=include)
    )
