"""The public complaint pages (issue 11): no sign-in, Bahasa Indonesia with an English link
(``?lang=en``), phone first, no JavaScript needed.

- ``/pengaduan/<organization slug>/``: the complaint form; ``?unit=<id>`` fixes the unit (a link
  from a unit's survey, its results or its poster). The units offered are those of the
  organization's open surveys (:func:`prima.cases.selectors.public_units`). Anonymous, or with a
  name and an e-mail address or phone number and consent. The honeypot, the time to complete
  and the rate limits of the survey page flag a complaint, never drop it.
- ``/pengaduan/lacak/<code>/tanda-terima/``: the receipt after sending: the tracking code large
  and printable, with the due dates.
- ``/pengaduan/lacak/``: a form to type a tracking code; ``/pengaduan/lacak/<code>/``: the
  status, the public history and the due dates; when ``selesai`` the rating (once) and, within
  14 days, reopening (``nilai/`` and ``buka-kembali/``, POST).

The tracking code is the complainant's key: these pages show no contact, owner or internal
note, and not the complaint's text either (a receipt may be shared or photographed).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from prima.abuse.controls import client_ip, elapsed_from_stamp, form_stamp, page_rate_limited
from prima.cases.models import REOPEN_DAYS, Case, CaseChannel, CaseRating, CaseStatus
from prima.cases.selectors import case_get_public, categories_active, public_events, public_units
from prima.cases.services import (
    CaseError,
    case_rate,
    case_receive,
    case_reopen,
    category_name,
    intake_flags,
    reopen_open,
    tracking_code_normalise,
)
from prima.complaints.forms import (
    ANONYMOUS,
    FIELD_OF_ERROR,
    ComplaintForm,
    LookupForm,
    RatingForm,
    ReopenForm,
)
from prima.formats import day_label
from prima.organizations.calendar import zone_of
from prima.organizations.choices import TimeZone
from prima.organizations.models import Organization

HONEYPOT_FIELD = "website"  # hidden from people, filled by bots (as on the survey page)

STATUS_TONES = {
    CaseStatus.NEW: "info",
    CaseStatus.VERIFIED: "info",
    CaseStatus.IN_PROGRESS: "warning",
    CaseStatus.RESOLVED: "success",
    CaseStatus.REJECTED: "danger",
}


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or "id"
    return "en" if lang == "en" else "id"


def _too_many(request: HttpRequest) -> HttpResponse | None:
    if page_rate_limited(client_ip(request.META)):
        return HttpResponse("Too many requests", status=429, headers={"Retry-After": "600"})
    return None


def _with_lang(url: str, lang: str, **params: Any) -> str:
    return f"{url}?{urlencode({**params, 'lang': lang})}"


def zone_label(organization: Organization) -> str:
    """WIB, WITA or WIT (else the zone's own abbreviation)."""
    name = organization.zone_name
    if name in TimeZone.values:
        return {TimeZone.WIB: "WIB", TimeZone.WITA: "WITA", TimeZone.WIT: "WIT"}[TimeZone(name)]
    return datetime.now(zone_of(organization)).tzname() or name


def instant_label(instant: datetime | None, organization: Organization, lang: str) -> str:
    """``18 Desember 2026, 10.00 WIB`` / ``18 December 2026, 10:00 WIB`` in the organization's
    zone."""
    if instant is None:
        return "-"
    local = instant.astimezone(zone_of(organization))
    clock = f"{local:%H.%M}" if lang == "id" else f"{local:%H:%M}"
    return f"{day_label(local.date(), lang)}, {clock} {zone_label(organization)}"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Content-Language"] = context["lang"]
    return response


# -- the complaint form ------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def complaint_page(request: HttpRequest, slug: str) -> HttpResponse:
    refused = _too_many(request)
    if refused is not None:
        return refused
    organization = get_object_or_404(Organization, slug=slug)
    lang = _lang(request)
    with translation.override(lang):
        return _complaint_page(request, organization, lang)


def _raw(form: Any) -> dict[str, str]:
    """The form's fields as sent (text as typed: the services check and name every rule, so
    Django's own field checks are set aside), with the form left bound and without errors."""
    form.full_clean()
    form._errors = ErrorDict()
    form.cleaned_data = {}
    return {name: str(form.data.get(name, "")) for name in form.fields}


def _digits(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def _complaint_page(request: HttpRequest, organization: Organization, lang: str) -> HttpResponse:
    units = list(public_units(organization))
    asked = _digits(request.GET.get("unit") or request.POST.get("fixed_unit"))
    fixed = next((u for u in units if u.pk == asked), None)
    if fixed is None and len(units) == 1:
        fixed = units[0]
    data = request.POST if request.method == "POST" else None
    form = ComplaintForm(data, units=units, categories=categories_active(organization))
    submission_id = str(uuid.uuid4())
    status = 200
    if data is not None and units:
        submission_id = str(data.get("submission_id") or "")[:64]
        values = _raw(form)
        unit = fixed or next((u for u in units if str(u.pk) == values.get("unit")), None)
        elapsed = elapsed_from_stamp(str(data.get("shown", "")), submission_id)
        flagged, reason = intake_flags(
            ip=client_ip(request.META),
            honeypot=str(data.get(HONEYPOT_FIELD, "")),
            elapsed_ms=elapsed,
            bad_stamp=elapsed is None,
        )
        anonymous = values.get("identity") == ANONYMOUS
        try:
            case, _created = case_receive(
                organization=organization,
                unit=unit,  # type: ignore[arg-type]  # None: the error names the field
                text=values.get("text", ""),
                channel=CaseChannel.WEB,
                submission_id=submission_id,
                category=values.get("category") or None,
                anonymous=anonymous,
                # the contact fields stay on the page when JavaScript is off: an anonymous
                # complaint simply keeps none of them
                contact=None
                if anonymous
                else {k: values.get(k, "") for k in ("name", "email", "phone")},
                consent=values.get("consent") in ("on", "true", "1"),
                flagged=flagged,
                flag_reason=reason,
                require_contact=True,
                language=lang,
                deferred=True,  # one INSERT here; the task worker records history and receipt
            )
        except CaseError as exc:
            for key, message in exc.errors.items():
                form.add_error(FIELD_OF_ERROR.get(key), message)
            status = 400
        else:
            return redirect(
                _with_lang(reverse("complaints:receipt", args=[case.tracking_code]), lang)
            )
    other = "en" if lang == "id" else "id"
    query = {"unit": fixed.pk} if fixed is not None and len(units) > 1 else {}
    errors = [
        {
            "field": name,
            "label": _("Consent")
            if name == "consent"  # its label is a whole sentence
            else (form.fields[name].label if name in form.fields else ""),
            "message": m,
        }
        for name, messages in form.errors.items()
        for m in messages
    ]
    return _page(
        request,
        "complaints/complaint.html",
        {
            "organization": organization,
            "lang": lang,
            "other_lang": other,
            "switch_url": "?" + urlencode({**query, "lang": other}),
            "action": "?" + urlencode({**query, "lang": lang}),
            "form": form,
            "units": units,
            "fixed_unit": fixed,
            "submission_id": submission_id,
            "shown": form_stamp(submission_id),
            "honeypot_field": HONEYPOT_FIELD,
            "errors": errors,
            "track_url": _with_lang(reverse("complaints:lookup"), lang),
        },
        status=status,
    )


# -- receipt and tracking ----------------------------------------------------------------------
def _case_context(case: Case, lang: str) -> dict[str, Any]:
    org = case.organization
    other = "en" if lang == "id" else "id"
    events = [
        {
            "status": CaseStatus(e.status).label,
            "tone": STATUS_TONES[CaseStatus(e.status)],
            "at": instant_label(e.at, org, lang),
            "note": e.note,
        }
        for e in public_events(case)
    ]
    rating = CaseRating.objects.filter(case=case).first()
    until = (
        case.resolved_at + timedelta(days=REOPEN_DAYS)
        if case.resolved_at is not None and reopen_open(case)
        else None
    )
    track = reverse("complaints:track", args=[case.tracking_code])
    return {
        "case": case,
        "organization": org,
        "lang": lang,
        "other_lang": other,
        "switch_url": "?" + urlencode({"lang": other}),
        "status_label": CaseStatus(case.status).label,
        "status_tone": STATUS_TONES[CaseStatus(case.status)],
        "status_text": _status_text(case.status),
        "category": category_name(case.category),
        "received": instant_label(case.received_at, org, lang),
        "first_response_due": day_label(case.first_response_due, lang),
        "first_response": instant_label(case.first_response_at, org, lang)
        if case.first_response_at
        else "",
        "resolution_due": day_label(case.resolution_due, lang),
        "resolved": instant_label(case.resolved_at, org, lang) if case.resolved_at else "",
        "events": events,
        "rating": rating,
        "rating_label": {k: str(v) for k, v in RatingForm.base_fields["score"].choices}.get(
            str(rating.score) if rating else "", ""
        ),
        "reopen_until": instant_label(until, org, lang) if until else "",
        "track_url": _with_lang(track, lang),
        "rate_url": _with_lang(reverse("complaints:rate", args=[case.tracking_code]), lang),
        "reopen_url": _with_lang(reverse("complaints:reopen", args=[case.tracking_code]), lang),
        "form_url": _with_lang(reverse("complaints:form", args=[org.slug]), lang),
        "lookup_url": _with_lang(reverse("complaints:lookup"), lang),
    }


def _status_text(status: str) -> str:
    return {
        CaseStatus.NEW: _("We have received your complaint; an officer will verify it."),
        CaseStatus.VERIFIED: _("Your complaint has been verified and will be handled."),
        CaseStatus.IN_PROGRESS: _("Your complaint is being handled."),
        CaseStatus.RESOLVED: _("Your complaint has been resolved."),
        CaseStatus.REJECTED: _(
            "Your complaint could not be accepted; the reason is in the history below."
        ),
    }[CaseStatus(status)]


@require_safe
def receipt_page(request: HttpRequest, tracking_code: str) -> HttpResponse:
    refused = _too_many(request)
    if refused is not None:
        return refused
    case = case_get_public(tracking_code)
    lang = _lang(request)
    with translation.override(lang):
        context = _case_context(case, lang)
        context["track_absolute"] = request.build_absolute_uri(
            reverse("complaints:track", args=[case.tracking_code])
        )
        return _page(request, "complaints/receipt.html", context)


@require_safe
def track_page(request: HttpRequest, tracking_code: str) -> HttpResponse:
    refused = _too_many(request)
    if refused is not None:
        return refused
    case = case_get_public(tracking_code)
    if case.tracking_code != tracking_code:  # typed loosely: the code as printed
        return redirect(
            _with_lang(reverse("complaints:track", args=[case.tracking_code]), _lang(request))
        )
    lang = _lang(request)
    with translation.override(lang):
        return _track(request, case, lang)


def _track(
    request: HttpRequest,
    case: Case,
    lang: str,
    rating_form: RatingForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _case_context(case, lang)
    context["rating_form"] = rating_form or RatingForm()
    context["reopen_form"] = reopen_form or ReopenForm()
    return _page(request, "complaints/track.html", context, status=status)


@require_POST
def rate_action(request: HttpRequest, tracking_code: str) -> HttpResponse:
    case = case_get_public(tracking_code)
    lang = _lang(request)
    with translation.override(lang):
        form = RatingForm(request.POST)
        values = _raw(form)
        score = _digits(values["score"])
        try:
            case_rate(
                case,
                score=score if score is not None else values["score"],
                comment=values["comment"],
            )
        except CaseError as exc:
            return _refused(request, case, lang, exc, rating_form=form)
    return redirect(_with_lang(reverse("complaints:track", args=[case.tracking_code]), lang))


def _refused(
    request: HttpRequest, case: Case, lang: str, exc: CaseError, **forms: Any
) -> HttpResponse:
    """The tracking page again with the refused form's errors at their fields (409 when the
    case's state refuses it, else 400)."""
    for form in forms.values():
        for key, message in exc.errors.items():
            form.add_error(FIELD_OF_ERROR.get(key), message)
    case.refresh_from_db()
    return _track(request, case, lang, **forms, status=409 if exc.conflict else 400)


@require_POST
def reopen_action(request: HttpRequest, tracking_code: str) -> HttpResponse:
    case = case_get_public(tracking_code)
    lang = _lang(request)
    with translation.override(lang):
        form = ReopenForm(request.POST)
        values = _raw(form)
        try:
            case_reopen(case, note=values["note"])
        except CaseError as exc:
            return _refused(request, case, lang, exc, reopen_form=form)
    return redirect(_with_lang(reverse("complaints:track", args=[case.tracking_code]), lang))


@require_safe
def lookup_page(request: HttpRequest) -> HttpResponse:
    refused = _too_many(request)
    if refused is not None:
        return refused
    lang = _lang(request)
    with translation.override(lang):
        typed = str(request.GET.get("kode", ""))[:64]
        form = LookupForm({"kode": typed} if "kode" in request.GET else None)
        status = 200
        if "kode" in request.GET:
            normal = tracking_code_normalise(typed)
            case = (
                Case.objects.filter(tracking_code=normal).only("tracking_code").first()
                if normal
                else None
            )
            if case is not None:
                return redirect(
                    _with_lang(reverse("complaints:track", args=[case.tracking_code]), lang)
                )
            _raw(form)
            if not typed.strip():
                message, status = _("Type the tracking code from your receipt."), 400
            elif normal is None:
                message = _("A tracking code has 10 letters and digits, for example K7MX-Q4PA-9R.")
                status = 400
            else:
                message, status = (
                    _("No complaint has this code. Check it against your receipt."),
                    404,
                )
            form.add_error("kode", message)
        other = "en" if lang == "id" else "id"
        return _page(
            request,
            "complaints/lookup.html",
            {
                "lang": lang,
                "other_lang": other,
                "switch_url": "?" + urlencode({"lang": other}),
                "form": form,
            },
            status=status,
        )


def complaint_url(organization: Organization, unit_id: int | None = None, lang: str = "id") -> str:
    """The public complaint form of an organization (of one of its units), for links from other
    pages (the survey's thank-you page, the public results)."""
    params: dict[str, Any] = {"unit": unit_id} if unit_id is not None else {}
    if lang == "en":
        params["lang"] = "en"
    url = reverse("complaints:form", args=[organization.slug])
    return f"{url}?{urlencode(params)}" if params else url


__all__ = ["complaint_url", "instant_label", "zone_label"]
