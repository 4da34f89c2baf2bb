"""The public survey page: mobile-first, Bahasa Indonesia with an English switch, no JavaScript
needed. The link may carry a signed context (``?c=``) naming the unit, service and staff member.

Two layouts (``Survey.form_mode``, or the respondent's ``?mode=``): every question on one page,
or one question per screen (:mod:`prima.collection.steps`). Both build the same submission
and store it through :func:`prima.surveys.services.response_submit` with the same abuse
signals; the layout changes what is shown, never what is checked.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from prima.abuse.controls import (
    Signals,
    client_ip,
    elapsed_from_stamp,
    form_stamp,
    page_rate_limited,
)
from prima.collection import steps as st
from prima.collection.estimate import estimate_minutes
from prima.collection.selectors import service_groups, survey_services
from prima.collection.survey_form import Card, form_cards, question_label
from prima.instruments.questions import clean_answers
from prima.invitations.public import invitation_step, refused_page
from prima.surveys.choices import Channel, FormMode
from prima.surveys.context import BadContext, LinkContext, context_read
from prima.surveys.models import Survey
from prima.surveys.profile import profile_fields
from prima.surveys.selectors import survey_get_public
from prima.surveys.services import (
    ResponseChecks,
    Submission,
    SubmissionError,
    response_submit,
    survey_units,
    ticket_unit,
)

HONEYPOT_FIELD = "website"  # hidden from people (CSS and aria-hidden), filled by bots
# the step form's language switch: a form of its own in the page's band that posts the signed
# state and the screen (``nav=lang``) to the address of the other language, so the respondent
# stays on the same screen with every answer given so far (a plain link would start again)
LANGUAGE_SWITCH = "lang"
CONTACT_FIELDS = ("name", "phone", "email")


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or "id"
    return "en" if lang == "en" else "id"


def _mode(request: HttpRequest, survey: Survey) -> str:
    """The survey's layout, unless the respondent's link asks for the other (``?mode=``)."""
    asked = request.GET.get("mode") or request.POST.get("mode") or ""
    return asked if asked in FormMode.values else survey.form_mode


class Place:
    """Where the response belongs: what the link (or ticket) fixes and what the form asks."""

    def __init__(
        self, survey: Survey, context: LinkContext | None, ticket: str, invited: int | None = None
    ) -> None:
        self.units = list(survey.units.all())
        fixed = invited or (context.unit if context else None)  # an invitation names the unit
        if fixed is None and ticket:
            fixed = ticket_unit(survey, ticket)  # the queue ticket was printed for a unit
        self.needs_unit = fixed is None and len(self.units) > 1
        known = next((u for u in self.units if u.pk == fixed), None)
        if known is None and fixed is not None:
            known = ResponseChecks(survey).unit(fixed)
        if known is None and len(self.units) == 1:
            known = self.units[0]
        self.services = (
            [] if context and context.service else survey_services(survey, self.units, known)
        )
        self.needs_service = len(self.services) > 1

    def names(self) -> list[str]:
        return (["unit"] if self.needs_unit else []) + (["service"] if self.needs_service else [])


def _digits(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def _submission(
    survey: Survey,
    fields: Any,
    *,
    token: str,
    ticket: str,
    context: LinkContext | None,
    signals: Signals,
    invitation: str = "",
) -> Submission:
    """The submission a form's fields make (the same for both layouts)."""
    version = survey.instrument_version
    channel = (
        context.channel if context and context.channel in (Channel.QR, Channel.WEB) else Channel.WEB
    )
    return Submission(
        submission_id=fields.get("submission_id", ""),
        answers={q.key: fields.get(q.key, "") for q in version.questions},
        context=token or None,
        unit_id=_digits(fields.get("unit")),
        service_id=_digits(fields.get("service")),
        profile=(
            {f["id"]: fields.get(f"profile.{f['id']}", "") for f in profile_fields(version.parsed)}
            if survey.ask_profile
            else {}
        ),
        suggestion=fields.get("suggestion", ""),
        contact={k: fields.get(f"contact.{k}", "") for k in CONTACT_FIELDS},
        consent=fields.get("consent") == "on",
        channel=channel,
        token=ticket or None,
        invitation=invitation or None,
        signals=signals,
    )


def _signals(request: HttpRequest, context_token: str, fields: Any) -> Signals:
    elapsed = elapsed_from_stamp(fields.get("shown", ""), fields.get("submission_id", ""))
    return Signals(
        ip=client_ip(request.META),
        # only a signed context is a link of its own; the plain survey URL is shared by
        # everyone (counting it would limit the whole survey), the per-IP limit covers it
        link=context_token or None,
        honeypot=fields.get(HONEYPOT_FIELD, ""),
        elapsed_ms=elapsed,
        bad_stamp=elapsed is None,
    )


def _end_names(survey: Survey) -> list[str]:
    version = survey.instrument_version
    names = (
        [f"profile.{f['id']}" for f in profile_fields(version.parsed)] if survey.ask_profile else []
    )
    return [*names, "suggestion", "contact", "consent", *(f"contact.{k}" for k in CONTACT_FIELDS)]


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, code: str) -> HttpResponse:
    if page_rate_limited(client_ip(request.META)):
        return HttpResponse("Too many requests", status=429, headers={"Retry-After": "600"})
    survey = survey_get_public(code)
    lang = _lang(request)
    with translation.override(lang):
        return _survey_page(request, survey, lang)


def _survey_page(request: HttpRequest, survey: Survey, lang: str) -> HttpResponse:
    token = request.GET.get("c") or request.POST.get("c") or ""
    ticket = (request.GET.get("t") or request.POST.get("t") or "").strip()[:32]
    context = None
    context_error = False
    if token:
        try:
            context = context_read(token, survey_code=survey.code)
        except BadContext:
            context_error = True
    invited = invitation_step(request, survey, lang)  # employee surveys (prima.invitations)
    if invited.page is not None:
        return invited.page
    place = Place(survey, context, ticket, invited.unit_id)
    mode = _mode(request, survey)
    page = {
        "survey": survey,
        "lang": lang,
        "mode": mode,
        "token": token,
        "ticket": ticket,
        "invitation": invited.code,
        "context_error": context_error,
        "place": place,
    }
    if mode == FormMode.STEPS and survey.is_open():
        return _steps_page(request, survey, page, context)
    errors: dict[str, str] = {}
    values: Any = {}
    if request.method == "POST" and survey.is_open():
        submission = _submission(
            survey,
            request.POST,
            token=token,
            ticket=ticket,
            context=context,
            signals=_signals(request, token, request.POST),
            invitation=invited.code,
        )
        try:
            response_submit(survey=survey, submission=submission, lang=lang)
        except SubmissionError as exc:
            if "invitation" in exc.errors:  # spent meanwhile: nothing was stored
                return refused_page(request, survey, lang)
            errors = exc.errors
            values = request.POST
        else:
            return _thanks_redirect(survey, lang)
    submission_id = values.get("submission_id") or str(uuid.uuid4())
    page.update(_form_context(survey, page, values, errors))
    page.update(
        submission_id=submission_id,
        shown=values.get("shown") or form_stamp(submission_id),
        error_list=_error_list(errors, page["cards"], page["profile"], place),
    )
    return render(request, "collection/survey_page.html", page, status=400 if errors else 200)


def _thanks_redirect(survey: Survey, lang: str) -> HttpResponse:
    url = reverse("collection:thanks", args=[survey.code])
    return redirect(f"{url}?lang={lang}")


def _steps_page(
    request: HttpRequest, survey: Survey, page: dict[str, Any], context: LinkContext | None
) -> HttpResponse:
    """One screen of the one-question-per-screen form (see :mod:`prima.collection.steps`)."""
    lang, token, ticket, place = page["lang"], page["token"], page["ticket"], page["place"]
    empty_cards = form_cards(survey.instrument_version.questions, _item_texts(survey), lang, {}, {})
    plan = st.plan(empty_cards, place=place.names(), end=_end_names(survey))
    errors: dict[str, str] = {}
    state_error = False
    index = 0
    state: st.StepState | None = None
    if request.method == "POST":
        try:
            state = st.state_load(request.POST.get("state", ""), survey.code)
        except st.BadState:
            state_error = True  # altered or expired: start again
        else:
            index = min(max(_digits(request.POST.get("step")) or 0, 0), len(plan) - 1)
            nav = request.POST.get("nav")
            if nav == LANGUAGE_SWITCH:
                pass  # the same screen in the other language; its form carries no answers
            elif nav == "back":
                state.merge(request.POST, list(plan[index].names), HONEYPOT_FIELD)
                index = max(index - 1, 0)
            else:
                state.merge(request.POST, list(plan[index].names), HONEYPOT_FIELD)
                errors = _step_errors(survey, plan[index], state, place, context, lang)
                if not errors and index == len(plan) - 1:
                    fields = {**state.fields, "submission_id": state.submission_id}
                    fields["shown"] = state.shown
                    submission = _submission(
                        survey,
                        fields,
                        token=token,
                        ticket=ticket,
                        context=context,
                        signals=_signals(request, token, fields),
                        invitation=page["invitation"],
                    )
                    try:
                        response_submit(survey=survey, submission=submission, lang=lang)
                    except SubmissionError as exc:
                        if "invitation" in exc.errors:  # spent meanwhile: nothing stored
                            return refused_page(request, survey, lang)
                        errors = exc.errors
                        index = st.step_of(plan, list(errors))
                    else:
                        return _thanks_redirect(survey, lang)
                elif not errors:
                    index += 1
    if state is None:
        submission_id = str(uuid.uuid4())
        state = st.StepState(submission_id=submission_id, shown=form_stamp(submission_id))
    step = plan[index]
    page.update(_form_context(survey, page, state.fields, errors))
    cards: list[Card] = page["cards"]
    page.update(
        step=step,
        step_index=index,
        step_number=index + 1,
        step_count=len(plan),
        step_card=cards[step.card] if step.card is not None else None,
        state=st.state_dump(state, survey.code),
        state_error=state_error,
        first_step=index == 0,
        last_step=index == len(plan) - 1,
        error_list=_error_list(errors, cards, page["profile"], place),
    )
    return render(request, "collection/survey_step.html", page, status=400 if errors else 200)


def _step_errors(
    survey: Survey,
    step: st.Step,
    state: st.StepState,
    place: Place,
    context: LinkContext | None,
    lang: str,
) -> dict[str, str]:
    """The errors of the fields one screen asks (the rest is checked on submission)."""
    fields = state.fields
    if step.kind == st.PLACE:
        unit_id = (context.unit if context else None) or _digits(fields.get("unit"))
        if unit_id is None and not place.needs_unit and len(place.units) == 1:
            unit_id = place.units[0].pk
        if unit_id is None and not place.needs_unit:
            return {}  # the ticket names the unit; the submission checks the rest
        _u, _s, _t, errors = ResponseChecks(survey).placement(
            unit_id, _digits(fields.get("service")), None, lang
        )
        return {k: v for k, v in errors.items() if k in step.names}
    if step.card is not None:
        questions = [q for q in survey.instrument_version.questions if q.key in step.names]
        _clean, answer_errors = clean_answers(questions, {k: fields.get(k, "") for k in step.names})
        return answer_errors.messages(lang)
    return {}


def _item_texts(survey: Survey) -> dict[str, dict[str, str]]:
    return {item.id: dict(item.text) for item in survey.instrument_version.parsed.items}


def _form_context(
    survey: Survey, page: dict[str, Any], values: Any, errors: dict[str, str]
) -> dict[str, Any]:
    """What both layouts show: cards, unit and service choices, profile and the rest."""
    lang: str = page["lang"]
    place: Place = page["place"]
    version = survey.instrument_version
    parsed = version.parsed
    cards = form_cards(version.questions, _item_texts(survey), lang, values, errors)
    profile = _profile(survey, lang, values, errors) if survey.ask_profile else []
    paired = sum(1 for c in cards if c.paired)
    minutes = estimate_minutes(
        single=len(cards) - paired,
        paired=paired,
        choices=len(profile) + place.needs_unit + place.needs_service,
    )
    query = {"lang": lang, "mode": page["mode"]}
    if page["token"]:
        query["c"] = page["token"]
    if page["ticket"]:
        query["t"] = page["ticket"]
    if page.get("invitation"):
        query["invitation"] = page["invitation"]
    other = "en" if lang == "id" else "id"
    return {
        "title": parsed.title.get(lang) or survey.title,
        "paired": paired > 0,
        "cards": cards,
        "minutes": minutes,
        "intro": ngettext(
            "Help us improve our service. This survey is anonymous and takes about %(minutes)s "
            "minute.",
            "Help us improve our service. This survey is anonymous and takes about %(minutes)s "
            "minutes.",
            minutes,
        )
        % {"minutes": minutes},
        "units": place.units,
        "selected_unit": values.get("unit", ""),
        "service_groups": service_groups(place.services) if place.needs_service else [],
        "selected_service": values.get("service", ""),
        "profile": profile,
        "suggestion": values.get("suggestion", ""),
        # an employee survey keeps no contact details (issue 12): it does not ask for them
        "contact_fields": [] if survey.is_employee else _contact_fields(values, errors),
        "consent": values.get("consent") == "on",
        "errors": errors,
        "is_open": survey.is_open(),
        "other_lang": other,
        "action": "?" + urlencode(query),
        "switch_url": "?" + urlencode({**query, "lang": other}),
        "honeypot_field": HONEYPOT_FIELD,
    }


def _contact_fields(values: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """The contact inputs with their values and errors (each shown at its field)."""
    labels = _contact_labels()
    return [
        {
            "key": key,
            "label": labels[key],
            "type": input_type,
            "autocomplete": autocomplete,
            "value": values.get(f"contact.{key}", ""),
            "error": errors.get(f"contact.{key}"),
        }
        for key, input_type, autocomplete in (
            ("name", "text", "name"),
            ("phone", "tel", "tel"),
            ("email", "email", "email"),
        )
    ]


def _contact_labels() -> dict[str, str]:
    return {"name": _("Name"), "phone": _("Phone number"), "email": _("Email")}


def _profile(
    survey: Survey, lang: str, values: Any, errors: dict[str, str]
) -> list[dict[str, Any]]:
    out = []
    for f in profile_fields(survey.instrument_version.parsed):
        name = f"profile.{f['id']}"
        out.append(
            {
                "id": f["id"],
                "label": f["text"].get(lang) or f["text"].get("id"),
                "type": f["type"],
                "min": f.get("min"),
                "max": f.get("max"),
                "options": [
                    {
                        "value": k,
                        "label": v.get(lang) or v.get("id"),
                        "selected": values.get(name) == k,
                    }
                    for k, v in (f.get("options") or {}).items()
                ],
                "value": values.get(name, ""),
                "error": errors.get(name),
            }
        )
    return out


def _error_list(
    errors: dict[str, str],
    cards: list[Card],
    profile: list[dict[str, Any]],
    place: Place,
) -> list[dict[str, str]]:
    """The error summary in page order: each entry names its field in the respondent's words
    (``Pertanyaan 5``, ``Umur (tahun)``) and links to the control that fixes it."""
    fields: list[tuple[str, str, str]] = []  # (error key, label, anchor)
    if place.needs_unit:
        fields.append(("unit", _("Service unit"), "unit"))
    if place.needs_service:
        fields.append(("service", _("Service received"), "service"))
    for card in cards:
        fields += [(s.key, question_label(card, s), s.anchor) for s in card.scales]
    fields += [(f"profile.{f['id']}", f["label"], f"p-{f['id']}") for f in profile]
    fields.append(("suggestion", _("Suggestion"), "suggestion"))
    fields.append(("contact", _("Contact"), "consent"))
    labels = _contact_labels()
    fields += [(f"contact.{k}", labels[k], f"c-{k}") for k in CONTACT_FIELDS]
    out = [
        {"label": label, "href": f"#{anchor}", "message": errors[key]}
        for key, label, anchor in fields
        if key in errors
    ]
    known = {key for key, _label, _anchor in fields}
    out += [{"label": "", "href": "", "message": m} for k, m in errors.items() if k not in known]
    return out


def thanks_page(request: HttpRequest, code: str) -> HttpResponse:
    survey = survey_get_public(code)
    lang = _lang(request)
    # the organization's complaint form (prima.cases), for the unit when the survey has one
    units = survey_units(survey)
    query = {"unit": units[0].pk} if len(units) == 1 else {}
    complaint_url = reverse("complaints:form", args=[survey.organization.slug])
    complaint_url += "?" + urlencode({**query, "lang": lang})
    with translation.override(lang):
        return render(
            request,
            "collection/thanks.html",
            {
                "survey": survey,
                "lang": lang,
                "other_lang": "en" if lang == "id" else "id",
                "complaint_url": complaint_url,
            },
        )
