"""The triple-win scorecard page and its PDF (issue 12, point 5): thin views over
:func:`prima.scorecards.selectors.triple_win`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from prima import formats
from prima.dashboard import charts
from prima.insights.periods import Period, parse_period
from prima.organizations.access import organizations_of, unit_scope_q, units_visible_to
from prima.organizations.models import Organization, Unit
from prima.pdf import pdf_attachment
from prima.scorecards.display import internal_first_view, sides, verdict_text
from prima.scorecards.selectors import (
    Scope,
    current_quarter,
    internal_first,
    scope_for,
    triple_win,
)


def _organization(request: HttpRequest) -> Organization:
    mine = organizations_of(request.user).order_by("name")
    slug = request.GET.get("organization", "")
    if slug and "\x00" not in slug:
        found = mine.filter(slug=slug).first()
        if found is None:
            raise Http404("organization")
        return found
    first = mine.first()
    if first is None:
        raise Http404("organization")
    return first


def _unit(request: HttpRequest, organization: Organization, units: list[Unit]) -> Unit | None:
    """The chosen unit; a user whose roles cover some units only starts on the first of them."""
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isascii() or not raw.isdigit():
            raise Http404("unit")
        chosen = next((u for u in units if u.pk == int(raw)), None)
        if chosen is None:
            raise Http404("unit")
        return chosen
    if _whole_organization(request, organization):
        return None
    return units[0] if units else None


def _whole_organization(request: HttpRequest, organization: Organization) -> bool:
    """Whether the user's roles cover the whole organization."""
    return unit_scope_q(request.user, organization, field="") == Q()


def _scope(request: HttpRequest) -> tuple[Scope, list[Unit], str]:
    organization = _organization(request)
    units = list(units_visible_to(request.user, organization).order_by("path"))
    unit = _unit(request, organization, units)
    error = ""
    period: Period = current_quarter(organization)
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            period = parse_period(raw)
        except ValueError:
            error = _(
                "The period %(text)s is not valid; use 2026, 2026-S1, 2026-Q3 or 2026-07."
            ) % {"text": raw[:40]}
    return scope_for(request.user, organization, unit, period), units, error


def _context(request: HttpRequest) -> dict[str, Any]:
    scope, units, error = _scope(request)
    card = triple_win(request.user, scope)
    across = internal_first_view(internal_first(request.user, scope))
    text, tone = verdict_text(card)
    lang = formats.lang_of(request.LANGUAGE_CODE)
    query = request.GET.urlencode()
    pdf_url = reverse("scorecards:triple_win_pdf") + (f"?{query}" if query else "")
    return {
        "actions": [(_("Download PDF"), pdf_url)],
        "card": card,
        "across": across,
        "vega_bundle": charts.vega_bundle_name(),
        "sides": sides(card),
        "verdict_text": text,
        "verdict_tone": tone,
        "scope": scope,
        "units": units,
        "whole": _whole_organization(request, scope.organization),
        "period_error": error,
        "period_text": formats.period_label(scope.period.label, lang),
        "previous_text": formats.period_label(scope.previous.label, lang),
        "where": scope.unit.name if scope.unit is not None else scope.organization.name,
    }


@login_required
def triple_win_page(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    charts.ensure_vega_bundle()
    return render(
        request,
        "scorecards/triple_win.html",
        context,
        status=400 if context["period_error"] else 200,
    )


@login_required
def triple_win_pdf(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    if context["period_error"]:
        return render(request, "scorecards/triple_win.html", context, status=400)
    html = render_to_string("scorecards/triple_win_pdf.html", context, request=request)
    name = f"kartu-skor-{context['scope'].period.label}.pdf"
    return pdf_attachment(html, name)
