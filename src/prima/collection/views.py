"""The public survey page: mobile-first, Bahasa Indonesia with an English switch, no JavaScript
needed. The link may carry a signed context (``?c=``) naming the unit, service and staff member."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from prima.abuse.controls import (
    Signals,
    client_ip,
    elapsed_from_stamp,
    form_stamp,
    page_rate_limited,
)
from prima.collection.page_text import page_text
from prima.surveys.choices import Channel
from prima.surveys.context import BadContext, context_read
from prima.surveys.profile import profile_fields
from prima.surveys.selectors import survey_get_public
from prima.surveys.services import Submission, SubmissionError, response_submit, ticket_unit


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or "id"
    return "en" if lang == "en" else "id"


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, code: str) -> HttpResponse:
    if page_rate_limited(client_ip(request.META)):
        return HttpResponse("Too many requests", status=429, headers={"Retry-After": "600"})
    survey = survey_get_public(code)
    lang = _lang(request)
    token = request.GET.get("c") or request.POST.get("c") or ""
    ticket = (request.GET.get("t") or request.POST.get("t") or "").strip()[:32]
    context = None
    context_error = False
    if token:
        try:
            context = context_read(token, survey_code=survey.code)
        except BadContext:
            context_error = True
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST" and survey.is_open():
        post = request.POST
        version = survey.instrument_version
        answers = {q.key: post.get(q.key, "") for q in version.questions}
        profile = (
            {f["id"]: post.get(f"profile.{f['id']}", "") for f in profile_fields(version.parsed)}
            if survey.ask_profile
            else {}
        )
        unit_field = post.get("unit") or None
        channel = (
            context.channel
            if context and context.channel in (Channel.QR, Channel.WEB)
            else Channel.WEB
        )
        submission = Submission(
            submission_id=post.get("submission_id", ""),
            answers=answers,
            context=token or None,
            unit_id=int(unit_field)
            if unit_field and unit_field.isascii() and unit_field.isdigit()
            else None,
            profile=profile,
            suggestion=post.get("suggestion", ""),
            contact={k: post.get(f"contact.{k}", "") for k in ("name", "phone", "email")},
            consent=post.get("consent") == "on",
            channel=channel,
            token=ticket or None,
            signals=_signals(request, token),
        )
        try:
            response_submit(survey=survey, submission=submission, lang=lang)
        except SubmissionError as exc:
            errors = exc.errors
            values = dict(post.items())
        else:
            url = reverse("collection:thanks", args=[survey.code])
            return redirect(f"{url}?lang={lang}")
    page = _page_context(survey, lang, token, context, context_error, errors, values)
    if page["needs_unit"] and ticket and ticket_unit(survey, ticket) is not None:
        page["needs_unit"] = False  # the queue ticket was printed for a unit
    return render(
        request,
        "collection/survey_page.html",
        {
            **page,
            "ticket": ticket,
            "shown": values.get("shown") or form_stamp(page["submission_id"]),
            "honeypot_field": HONEYPOT_FIELD,
        },
        status=400 if errors else 200,
    )


HONEYPOT_FIELD = "website"  # hidden from people (CSS and aria-hidden), filled by bots


def _signals(request: HttpRequest, context_token: str) -> Signals:
    post = request.POST
    elapsed = elapsed_from_stamp(post.get("shown", ""), post.get("submission_id", ""))
    return Signals(
        ip=client_ip(request.META),
        # only a signed context is a link of its own; the plain survey URL is shared by
        # everyone (counting it would limit the whole survey), the per-IP limit covers it
        link=context_token or None,
        honeypot=post.get(HONEYPOT_FIELD, ""),
        elapsed_ms=elapsed,
        bad_stamp=elapsed is None,
    )


def _page_context(
    survey: Any,
    lang: str,
    token: str,
    context: Any,
    context_error: bool,
    errors: dict[str, str],
    values: dict[str, Any],
) -> dict[str, Any]:
    version = survey.instrument_version
    parsed = version.parsed
    questions = []
    for number, q in enumerate(version.questions, start=1):
        slug = slugify(q.key)
        questions.append(
            {
                "key": q.key,
                "slug": slug,
                "number": number,
                "text": q.text.get(lang) or q.text.get("id"),
                "required": q.required,
                "options": [
                    {
                        "id": f"q-{slug}-{v}",
                        "value": v,
                        "label": label.get(lang) or label.get("id"),
                        "checked": str(values.get(q.key)) == str(v),
                    }
                    for v, label in sorted(q.options.items())
                ],
                "error": errors.get(q.key),
                "dimension": q.dimension,
            }
        )
    units = list(survey.units.all())
    needs_unit = (context is None or context.unit is None) and len(units) > 1
    profile = []
    if survey.ask_profile:
        for f in profile_fields(parsed):
            profile.append(
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
                            "selected": values.get(f"profile.{f['id']}") == k,
                        }
                        for k, v in (f.get("options") or {}).items()
                    ],
                    "value": values.get(f"profile.{f['id']}", ""),
                    "error": errors.get(f"profile.{f['id']}"),
                }
            )
    other_errors = {
        k: v
        for k, v in errors.items()
        if k not in {q["key"] for q in questions} and not k.startswith("profile.")
    }
    t = page_text(lang)
    return {
        "survey": survey,
        "lang": lang,
        "t": t,
        "title": parsed.title.get(lang) or survey.title,
        "questions": questions,
        "units": units,
        "needs_unit": needs_unit,
        "selected_unit": values.get("unit", ""),
        "profile": profile,
        "token": token,
        "context_error": context_error,
        "errors": errors,
        "error_list": _error_list(errors, questions, profile, needs_unit, t),
        "other_errors": other_errors,
        "submission_id": values.get("submission_id") or str(uuid.uuid4()),
        "suggestion": values.get("suggestion", ""),
        "contact": {k: values.get(f"contact.{k}", "") for k in ("name", "phone", "email")},
        "consent": values.get("consent") == "on",
        "is_open": survey.is_open(),
        "other_lang": "en" if lang == "id" else "id",
    }


def _error_list(
    errors: dict[str, str],
    questions: list[dict[str, Any]],
    profile: list[dict[str, Any]],
    needs_unit: bool,
    t: dict[str, str],
) -> list[dict[str, str]]:
    """The error summary in page order: each entry names its field in the respondent's words
    (``Pertanyaan 5``, ``Umur (tahun)``) and links to the control that fixes it."""
    fields: list[tuple[str, str, str]] = []  # (error key, label, anchor)
    if needs_unit:
        fields.append(("unit", t["unit_short"], "unit"))
    for q in questions:
        anchor = q["options"][0]["id"] if q["options"] else f"f-{q['slug']}"
        fields.append((q["key"], f"{t['question']} {q['number']}", anchor))
    fields += [(f"profile.{f['id']}", f["label"], f"p-{f['id']}") for f in profile]
    fields.append(("suggestion", t["suggestion_short"], "suggestion"))
    fields.append(("contact", t["contact_short"], "consent"))
    fields += [(f"contact.{k}", t[k], f"c-{k}") for k in ("name", "phone", "email")]
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
    return render(
        request, "collection/thanks.html", {"survey": survey, "lang": lang, "t": page_text(lang)}
    )
