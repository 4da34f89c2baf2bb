"""Back-office pages: the survey list and a first results view per survey, unit and period."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from prima.insights.periods import parse_period
from prima.insights.results import survey_results
from prima.metrics.gap import VERDICT_LABELS
from prima.organizations.access import is_admin, units_visible_to
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.import_views import can_import
from prima.surveys.selectors import response_scope, survey_get_for_user, surveys_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    surveys = surveys_for_user(request.user).prefetch_related("units")
    return render(request, "insights/home.html", {"surveys": surveys})


@login_required
def survey_results_page(request: HttpRequest, code: str) -> HttpResponse:
    survey = survey_get_for_user(request.user, code)
    scope = response_scope(request.user, survey)
    units = list(units_visible_to(request.user, survey.organization))
    unit = None
    errors: list[str] = []
    unit_param = request.GET.get("unit", "")
    if unit_param:
        unit = next((u for u in units if str(u.pk) == unit_param), None)
        if unit is None:  # unknown or outside the user's scope: not found, like another tenant's
            raise Http404("unit")
    period = None
    period_param = request.GET.get("period", "").strip()
    if period_param:
        try:
            period = parse_period(period_param)
        except ValueError as exc:
            errors.append(str(exc))
    results = survey_results(survey, unit=unit, period=period, scope=scope)
    base = request.build_absolute_uri(reverse("surveys:page", args=[survey.code]))
    links = [
        {"unit": u, "url": f"{base}?c={context_sign(LinkContext(survey.code, unit=u.pk))}"}
        for u in survey.units.all()
        if u in units
    ]
    # the official SKM report (PDF, XLSX) of the selected unit and period; the whole
    # organization's report only for organization-wide roles (as report_views checks)
    report_whole = scope == Q()
    report_query = None
    if "ikm" in results and period is not None and (unit is not None or report_whole):
        report_query = urlencode({**({"unit": unit.pk} if unit else {}), "period": period.label})
    context: dict[str, Any] = {
        "report_query": report_query,
        "report_whole": report_whole,
        "survey": survey,
        "results": results,
        "units": units,
        "unit": unit,
        "period": period_param,
        "errors": errors,
        "verdicts": {k: v["id"] for k, v in VERDICT_LABELS.items()},
        "public_url": base,
        "links": links,
        "can_manage": is_admin(request.user, survey.organization),
        "can_import": can_import(request.user, survey),
    }
    return render(request, "insights/survey_results.html", context)
