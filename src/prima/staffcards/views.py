"""Staff scorecards (issue 13, point 5): thin views over :mod:`prima.staffcards.selectors`.

``/app/kartu-staf/``: the fair ranking of a unit subtree for its supervisors (a staff member
without such a role is sent to their own scorecard); ``<id>/``: a staff member's scorecard for
themselves and their supervisors, 404 for everyone else; ``<id>/pdf/`` the same as a PDF;
``<id>/catatan/`` (POST) a supervisor's coaching note.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prima import formats
from prima.insights.periods import Period, parse_period
from prima.organizations.models import Organization
from prima.pdf import pdf_attachment
from prima.staffcards import display, selectors, services
from prima.staffcards.models import NOTE_MAX, CoachingNote
from prima.staffcards.selectors import current_quarter


def _period(request: HttpRequest, organization: Organization) -> tuple[Period, str]:
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return parse_period(raw), ""
        except ValueError:
            return current_quarter(organization), _(
                "The period %(text)s is not valid; use 2026, 2026-S1, 2026-Q3 or 2026-07."
            ) % {"text": raw[:40]}
    return current_quarter(organization), ""


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    units = list(selectors.supervised_units(request.user).select_related("organization"))
    if not units:
        own = list(selectors.own_staff(request.user)[:2])
        if len(own) == 1:
            return redirect("staffcards:card", staff_id=own[0].pk)
        raise Http404("staff scorecards")
    raw = request.GET.get("unit", "")
    unit = units[0]
    if raw:
        if not raw.isascii() or not raw.isdigit():
            raise Http404("unit")
        chosen = next((u for u in units if u.pk == int(raw)), None)
        if chosen is None:
            raise Http404("unit")
        unit = chosen
    period, error = _period(request, unit.organization)
    lang = formats.lang_of(request.LANGUAGE_CODE)
    board = selectors.ranking(unit, period)
    context = {
        "units": units,
        "unit": unit,
        "period": period,
        "period_text": formats.period_label(period.label, lang),
        "period_error": error,
        "ranked": [display.rating_row(r, lang) for r in board.ranked],
        "too_few": [display.rating_row(r, lang) for r in board.too_few],
        "min_ranked": board.min_ranked,
        "own": selectors.own_staff(request.user),
    }
    return render(request, "staffcards/list.html", context, status=400 if error else 200)


def _card_context(request: HttpRequest, staff_id: int) -> dict[str, Any]:
    staff, boss = selectors.staff_for(request.user, staff_id)
    period, error = _period(request, staff.organization)
    lang = formats.lang_of(request.LANGUAGE_CODE)
    rating = selectors.ratings_of(staff.organization, [staff], period)[0]
    months = selectors.monthly_means(staff, period)
    audits = selectors.audit_summary(staff, period)
    query = f"?period={period.label}"
    trend_label = _("Mean rating per month (0-100): %(months)s") % {
        "months": "; ".join(
            f"{formats.period_label(m, lang)} {formats.number(v, 1, lang)}" for m, v, _n in months
        )
    }
    return {
        "staff": staff,
        "supervisor": boss,
        "period": period,
        "period_text": formats.period_label(period.label, lang),
        "period_error": error,
        "rating": display.rating_row(rating, lang),
        "ranked": rating.ranked,
        "min_ranked": selectors.MIN_RANKED,
        "months": [
            {"label": formats.period_label(m, lang), "mean": formats.number(v, 1, lang), "n": n}
            for m, v, n in months
        ],
        "trend": [v for _m, v, _n in months],
        "trend_label": trend_label,
        "audits": audits,
        "audit_mean": formats.number(audits.mean, 1, lang),
        "audit_rows": display.audit_rows(audits, lang),
        "cases": selectors.cases_naming(staff, period),
        "actions_summary": selectors.corrective_actions(staff, period),
        "notes": CoachingNote.objects.filter(staff=staff).select_related("author")[:50],
        "note_max": NOTE_MAX,
        "noted": request.GET.get("noted") == "1",
        "actions": [(_("Download PDF"), reverse("staffcards:card_pdf", args=[staff.pk]) + query)],
    }


@login_required
@require_GET
def staff_card(request: HttpRequest, staff_id: int) -> HttpResponse:
    context = _card_context(request, staff_id)
    status = 400 if context["period_error"] else 200
    return render(request, "staffcards/card.html", context, status=status)


@login_required
@require_GET
def staff_card_pdf(request: HttpRequest, staff_id: int) -> HttpResponse:
    context = _card_context(request, staff_id)
    if context["period_error"]:
        return render(request, "staffcards/card.html", context, status=400)
    html = render_to_string("staffcards/card_pdf.html", context, request=request)
    name = f"kartu-staf-{context['staff'].pk}-{context['period'].label}.pdf"
    return pdf_attachment(html, name)


@login_required
@require_POST
def coaching_note(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff, boss = selectors.staff_for(request.user, staff_id)
    if not boss:
        raise Http404("staff member")
    url = reverse("staffcards:card", args=[staff.pk])
    try:
        services.coaching_note_add(
            staff=staff, author=request.user, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        context = _card_context(request, staff_id)
        context["note_error"] = " ".join(error.message_dict.get("text", []))
        context["note_text"] = request.POST.get("text", "")[: NOTE_MAX + 100]
        return render(request, "staffcards/card.html", context, status=400)
    return HttpResponseRedirect(url + "?noted=1")
