"""Writes for instruments, surveys and responses (keyword-only, atomic, explicit side effects)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from prima.instruments import builtin_names
from prima.instruments.model import parse_instrument
from prima.instruments.questions import clean_answers
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.surveys.abuse import Signals, answered_interval, assess
from prima.surveys.choices import Channel, SurveyStatus
from prima.surveys.context import BadContext, context_read
from prima.surveys.models import (
    Instrument,
    InstrumentVersion,
    KioskDevice,
    Response,
    ResponseToken,
    Survey,
)
from prima.surveys.profile import clean_profile

MAX_SUGGESTION = 2000
MAX_CONTACT = 200

SUBMIT_ERRORS = {
    "closed": {
        "id": "survei ini sedang tidak menerima tanggapan",
        "en": "this survey is not accepting responses",
    },
    "context": {
        "id": "tautan survei tidak sah atau telah diubah",
        "en": "the survey link is invalid or was altered",
    },
    "unit": {"id": "pilih unit layanan", "en": "choose a service unit"},
    "service": {
        "id": "layanan tidak termasuk dalam survei ini",
        "en": "this service is not part of the survey",
    },
    "staff": {
        "id": "petugas tidak dikenal di unit ini",
        "en": "unknown staff member for this unit",
    },
    "too_long": {
        "id": "terlalu panjang (maksimal {max} karakter)",
        "en": "too long (at most {max} characters)",
    },
    "submission_id": {"id": "harus berupa UUID", "en": "must be a UUID"},
    "token": {
        "id": "token tanggapan tidak dikenal untuk survei ini",
        "en": "unknown response token for this survey",
    },
    "token_used": {
        "id": "token tanggapan ini sudah digunakan",
        "en": "this response token has already been used",
    },
    "device": {
        "id": "perangkat kios ini tidak terdaftar untuk survei ini",
        "en": "this kiosk device is not registered for this survey",
    },
    "contact": {
        "id": "kontak hanya disimpan dengan persetujuan",
        "en": "contact details are kept only with consent",
    },
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


def _msg(key: str, lang: str, **params: Any) -> str:
    return SUBMIT_ERRORS[key][lang if lang in ("id", "en") else "id"].format(**params)


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
    existing = Response.objects.filter(survey=survey, submission_id=sid).first()
    if existing is not None:
        return existing, False
    values = _validate(survey, submission, lang)
    device = submission.device
    answered_at = submission.answered_at or values["submitted_at"]
    signals = submission.signals
    if device is not None:
        interval = answered_interval(device.last_answered_at, answered_at)
        signals = Signals(**{**signals.__dict__, "device_interval": interval})
    flags = assess(signals, min_interval_seconds=device.min_interval_seconds if device else None)
    if flags:
        values["flag"] = flags[0].code
        values["flag_detail"] = "; ".join(f"{f.code}: {f.detail}" for f in flags)[:300]
    values["duration_ms"] = signals.elapsed_ms
    values["device"] = device
    try:
        with transaction.atomic():
            token = _claim_token(survey, submission.token, lang)
            response = Response.objects.create(survey=survey, submission_id=sid, **values)
            if token is not None:
                token.response = response
                token.save(update_fields=["response"])
            if device is not None:
                _device_answered(device, answered_at)
    except IntegrityError:
        # a concurrent retry with the same id won the race: answer with its response
        existing = Response.objects.filter(survey=survey, submission_id=sid).first()
        if existing is None:
            raise
        return existing, False
    return response, True


def _claim_token(survey: Survey, code: str | None, lang: str) -> ResponseToken | None:
    """The single-use token for this response (inside the response's transaction)."""
    if not code:
        if survey.requires_token:
            raise SubmissionError({"token": _msg("token", lang)})
        return None
    token = (
        ResponseToken.objects.select_for_update().filter(survey=survey, code=code.strip()).first()
    )
    if token is None:
        raise SubmissionError({"token": _msg("token", lang)})
    if token.response_id is not None:
        raise SubmissionError({"token": _msg("token_used", lang)}, conflict=True)
    return token


def _device_answered(device: KioskDevice, answered_at: datetime) -> None:
    now = timezone.now()
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    # keep the latest answer time: answers queued offline may arrive out of order
    KioskDevice.objects.filter(pk=device.pk).filter(
        models.Q(last_answered_at__isnull=True) | models.Q(last_answered_at__lt=answered_at)
    ).update(last_answered_at=answered_at)
    device.last_answered_at = max(filter(None, [device.last_answered_at, answered_at]))


def _validate(survey: Survey, sub: Submission, lang: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not survey.is_open():
        raise SubmissionError({"survey": _msg("closed", lang)}, conflict=True)
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
    units = list(survey.units.all())
    unit = next((u for u in units if u.pk == unit_id), None)
    if unit is None and unit_id is not None:
        # a unit below one of the survey's units (e.g. a counter of an UPT) is fine too
        unit = Unit.objects.filter(pk=unit_id, organization=survey.organization).first()
        if unit is not None and not any(unit.path.startswith(u.path) for u in units):
            unit = None
    if unit is None and unit_id is None and len(units) == 1:
        unit = units[0]
    if unit is None:
        errors["unit"] = _msg("unit", lang)
    service = None
    if service_id is not None:
        service = Service.objects.filter(pk=service_id, organization=survey.organization).first()
        allowed = set(survey.services.values_list("pk", flat=True))
        if (
            service is None
            or (allowed and service.pk not in allowed)
            or (
                unit is not None
                and not allowed
                and not unit.path.startswith(service.unit.path)
                and not service.unit.path.startswith(unit.path)
            )
        ):
            errors["service"] = _msg("service", lang)
    staff = None
    if staff_id is not None:
        staff = (
            StaffMember.objects.filter(pk=staff_id, organization=survey.organization)
            .select_related("unit")
            .first()
        )
        if staff is None or (
            unit is not None
            and not staff.unit.path.startswith(unit.path)
            and not unit.path.startswith(staff.unit.path)
        ):
            errors["staff"] = _msg("staff", lang)
    profile, profile_errors = clean_profile(
        version.parsed, sub.profile if isinstance(sub.profile, dict) else {}, lang
    )
    errors.update(profile_errors)
    # NUL characters carry nothing a person typed and PostgreSQL cannot store them
    suggestion = (sub.suggestion or "").replace("\x00", "").strip()
    if len(suggestion) > MAX_SUGGESTION:
        errors["suggestion"] = _msg("too_long", lang, max=MAX_SUGGESTION)
    contact: dict[str, str] = {}
    if sub.contact and any(str(v).strip() for v in sub.contact.values()):
        if not sub.consent:
            errors["contact"] = _msg("contact", lang)
        for key in ("name", "phone", "email"):
            value = str(sub.contact.get(key) or "").replace("\x00", "").strip()
            if len(value) > MAX_CONTACT:
                errors[f"contact.{key}"] = _msg("too_long", lang, max=MAX_CONTACT)
            elif value:
                contact[key] = value
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
