"""Survey API: the public definition and submission (kiosks, apps), and back-office reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from prima import i18n
from prima.abuse.controls import Signals, client_ip
from prima.collection.api import ServiceChoiceOut
from prima.collection.kiosks import kiosk_device_for_token
from prima.collection.selectors import survey_services
from prima.config.schemas import ErrorOut, FieldError, error_body
from prima.storable_text import unstorable_character
from prima.surveys.anonymity import RAW_ANSWERS_WITHHELD
from prima.surveys.choices import Channel
from prima.surveys.profile import profile_fields
from prima.surveys.selectors import (
    responses_for_user,
    survey_get_for_user,
    survey_get_public,
    surveys_for_user,
)
from prima.surveys.services import Submission, SubmissionError, response_submit

public_router = Router(tags=["public"])
router = Router(tags=["surveys"])


def _auth() -> list:
    from prima.config.api import TokenAuth

    return [TokenAuth()]


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.headers.get("Accept-Language", "id")
    return "en" if lang.lower().startswith("en") else "id"


class OptionOut(Schema):
    value: int
    label: dict[str, str]


class QuestionOut(Schema):
    key: str
    item: str
    side: str | None
    dimension: str | None
    code: str | None
    text: dict[str, str]
    min: int
    max: int
    required: bool
    options: list[OptionOut]


class NamedOut(Schema):
    id: int
    name: str


class SurveyDefinitionOut(Schema):
    code: str
    title: str
    organization: str
    open: bool
    instrument: dict[str, Any]
    units: list[NamedOut]
    services: list[NamedOut] = Field(
        description="the services the survey is limited to (empty: any service of its units)"
    )
    service_choices: list[ServiceChoiceOut] = Field(
        description=(
            "the active services (jenis layanan) of the survey's units and the units below them "
            "(the survey's own list when it has one), in unit order: ask which one was received "
            "when there are several and the link does not name one, offering those of the "
            "response's unit, a unit above or below it; send its id as the submission's `service` "
            "(400 naming `service` when it is not the survey's or not of the response's unit)"
        )
    )
    questions: list[QuestionOut]
    profile: list[dict[str, Any]]
    languages: list[str]


class SubmissionIn(Schema):
    submission_id: str
    answers: dict[str, Any]
    context: str | None = None
    unit: int | None = None
    service: int | None = Field(
        None, description="the service received: an id of the definition's `service_choices`"
    )
    staff: int | None = None
    profile: dict[str, Any] | None = None
    suggestion: str | None = None
    contact: dict[str, str] | None = None
    consent: bool = False
    channel: str | None = None
    token: str | None = Field(None, max_length=32, description="single-use response token")
    invitation: str | None = Field(
        None,
        max_length=40,
        description="an employee survey's one-time invitation code (spent by this response, "
        "never stored with it)",
    )
    elapsed_ms: int | None = Field(None, ge=0, le=2_000_000_000, description="time to complete")
    answered_at: datetime | None = Field(None, description="when the answer was given (kiosks)")


class SubmissionOut(Schema):
    id: int


@public_router.get(
    "/surveys/{code}", response={200: SurveyDefinitionOut, 404: ErrorOut, 503: ErrorOut}
)
def survey_definition(request: HttpRequest, code: str) -> dict[str, Any]:
    """What a kiosk or another app needs to render the survey."""
    survey = survey_get_public(code)
    version = survey.instrument_version
    parsed = version.parsed
    units = list(survey.units.all())
    return {
        "code": survey.code,
        "title": survey.title,
        "organization": survey.organization.name,
        "open": survey.is_open(),
        "instrument": {
            "name": parsed.name,
            "version": version.number,
            "kind": parsed.kind,
            "title": parsed.title,
        },
        "units": [{"id": u.pk, "name": u.name} for u in units],
        "services": [{"id": s.pk, "name": s.name} for s in survey.services.all()],
        "service_choices": [
            {"id": s.pk, "name": s.name, "unit": {"id": s.unit.pk, "name": s.unit.name}}
            for s in survey_services(survey, units)
        ],
        "questions": [q.as_dict() for q in version.questions],
        "profile": profile_fields(parsed) if survey.ask_profile else [],
        "languages": ["id", "en"],
    }


PUBLIC_CHANNELS = {Channel.WEB, Channel.QR, Channel.KIOSK, Channel.API}


@public_router.post(
    "/surveys/{code}/responses",
    response={
        200: SubmissionOut,
        201: SubmissionOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
)
def survey_submit(request: HttpRequest, code: str, payload: SubmissionIn) -> Status[Any]:
    """Store a response; the same ``submission_id`` again answers 200 with the first id.

    201 and 200 come only after the response is committed. 503 (with ``Retry-After``): the
    database is unavailable and nothing was stored; send the same submission again later.
    A kiosk identifies itself with the ``X-Prima-Device`` header (its device token)."""
    survey = survey_get_public(code)
    lang = _lang(request)
    channel = payload.channel or Channel.API
    if channel not in PUBLIC_CHANNELS:
        raise FieldError(422, "channel", f"one of {', '.join(sorted(PUBLIC_CHANNELS))}")
    device = None
    device_token = request.headers.get("X-Prima-Device")
    if device_token:
        device = (
            None if unstorable_character(device_token) else kiosk_device_for_token(device_token)
        )
        if device is None or device.survey_id != survey.pk:
            raise FieldError(403, "device", "unknown or revoked kiosk device")
        channel = Channel.KIOSK
    submission = Submission(
        submission_id=payload.submission_id,
        answers=payload.answers,
        context=payload.context,
        unit_id=payload.unit,
        service_id=payload.service,
        staff_id=payload.staff,
        profile=payload.profile or {},
        suggestion=payload.suggestion or "",
        contact=payload.contact or {},
        consent=payload.consent,
        channel=channel,
        device=device,
        answered_at=payload.answered_at,
        token=payload.token,
        invitation=payload.invitation,
        signals=Signals(
            ip=client_ip(request.META),
            link=payload.context or None,
            elapsed_ms=payload.elapsed_ms,
        ),
    )
    try:
        response, created = response_submit(survey=survey, submission=submission, lang=lang)
    except SubmissionError as exc:
        return Status(409 if exc.conflict else 400, error_body(exc.errors))
    return Status(201 if created else 200, {"id": response.pk})


class SurveyOut(Schema):
    code: str
    title: str
    organization: str
    instrument: str
    instrument_version: int
    audience: str = Field(
        description=(
            "who answers: 'external' (customers) or 'internal' (the organization's employees; "
            "an employee survey's raw answers are never served)"
        )
    )
    status: str
    open: bool
    units: list[NamedOut]


def _survey_out(survey: Any) -> dict[str, Any]:
    return {
        "code": survey.code,
        "title": survey.title,
        "organization": survey.organization.slug,
        "instrument": survey.instrument_version.instrument.key,
        "instrument_version": survey.instrument_version.number,
        "audience": survey.audience,
        "status": survey.status,
        "open": survey.is_open(),
        "units": [{"id": u.pk, "name": u.name} for u in survey.units.all()],
    }


@router.get("/surveys", response={200: list[SurveyOut], 401: ErrorOut}, auth=_auth())
def survey_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_survey_out(s) for s in surveys_for_user(request.user).prefetch_related("units")]


@router.get(
    "/surveys/{code}", response={200: SurveyOut, 401: ErrorOut, 404: ErrorOut}, auth=_auth()
)
def survey_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _survey_out(survey_get_for_user(request.user, code))


class ResponseOut(Schema):
    id: int
    submission_id: str
    submitted_at: datetime
    unit: int
    service: int | None
    staff: int | None
    channel: str
    answers: dict[str, int]
    flag: str = Field(description="why the response is suspect ('' when it is not)")
    flag_included: bool = Field(description="a flagged response an admin included in the indices")


class ResponsePage(Schema):
    count: int
    items: list[ResponseOut]


class PageQuery(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**12)


@router.get(
    "/surveys/{code}/responses",
    response={200: ResponsePage, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=_auth(),
)
def response_list(request: HttpRequest, code: str, page: Query[PageQuery]) -> Any:
    """A page of the survey's responses in the caller's units, oldest first.

    403 for an employee survey (``audience`` ``internal``), for every role: its raw answers are
    never served (issue 12); its results are aggregates under the confidentiality threshold."""
    survey = survey_get_for_user(request.user, code)
    qs = responses_for_user(request.user, survey).order_by("id")
    if survey.is_employee:
        return Status(403, {"detail": i18n.gettext(RAW_ANSWERS_WITHHELD, _lang(request))})
    items = [
        {
            "id": r.pk,
            "submission_id": str(r.submission_id),
            "submitted_at": r.submitted_at,
            "unit": r.unit_id,
            "service": r.service_id,
            "staff": r.staff_id,
            "channel": r.channel,
            "answers": r.answers,
            "flag": r.flag,
            "flag_included": r.flag_included,
        }
        for r in qs[page.offset : page.offset + page.limit]
    ]
    return {"count": qs.count(), "items": items}
