"""Back-office pages: the survey list and the dashboard of each survey (prima.dashboard.board)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prima.dashboard import board as dashboard
from prima.dashboard import charts, employee, overview, sections
from prima.dashboard import remarks as remark_filters
from prima.organizations.access import units_visible_to
from prima.organizations.models import Service, StaffMember
from prima.organizations.unit_labels import path_labels
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.selectors import response_scope, survey_get_for_user, surveys_for_user
from prima.transfers.import_views import can_import


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The surveys the user may see, each with its headline figures and a sparkline."""
    surveys = surveys_for_user(request.user).order_by("organization__name", "title", "pk")
    page = Paginator(surveys, overview.PER_PAGE).get_page(request.GET.get("page"))
    rows = overview.survey_rows(request.user, list(page.object_list))
    return render(request, "dashboard/home.html", {"rows": rows, "page": page})


@login_required
def survey_results_page(request: HttpRequest, code: str) -> HttpResponse:
    """The survey's dashboard for a unit subtree, service, staff member and period, within the
    viewer's scope (a unit, service or staff member outside it: 404)."""
    survey = survey_get_for_user(request.user, code)
    scope = response_scope(request.user, survey)
    visible = units_visible_to(request.user, survey.organization)
    units = list(visible)
    filters, errors = dashboard.resolve_filters(survey, visible, request.GET)
    if survey.is_employee:  # under the confidentiality threshold (issue 12)
        return _employee_page(request, survey, filters, errors, units, scope)
    board = dashboard.build_dashboard(
        survey,
        filters,
        scope=scope,
        visible_units=units,
        section=request.GET.get("section", "").strip()[:20] or None,
        user=request.user,
    )
    unit, period = filters.unit, filters.period
    base = request.build_absolute_uri(reverse("collection:page", args=[survey.code]))
    links = [
        {"unit": u, "url": f"{base}?c={context_sign(LinkContext(survey.code, unit=u.pk))}"}
        for u in survey.units.all()
        if u in units
    ]
    # the official SKM report (PDF, XLSX) of the selected unit and period; the whole
    # organization's report only for organization-wide roles (as report_views checks)
    report_whole = scope == Q()
    report_query = None
    if (
        "ikm" in board.results
        and period is not None
        and not filters.custom
        and (unit is not None or report_whole)
    ):
        report_query = urlencode({**({"unit": unit.pk} if unit else {}), "period": period.label})
    context: dict[str, Any] = {
        "board": board,
        "filters": filters,
        "report_query": report_query,
        "report_whole": report_whole,
        "survey": survey,
        "page_subtitle": f"{survey.organization.name} · {survey.instrument_version}",
        "crumbs": [(_("Surveys"), reverse("backoffice:home")), (survey.title, "")],
        "results": board.results,
        "units": units,
        "unit_labels": path_labels(units),  # "UPT Puskesmas Sukamaju › Apotek" (H3)
        "services": Service.objects.filter(
            organization=survey.organization, unit__in=visible
        ).select_related("unit"),
        "staff": StaffMember.objects.filter(
            organization=survey.organization, unit__in=visible
        ).select_related("unit"),
        "period_groups": dashboard.period_choices(dashboard.data_span(survey)),
        "period_text": dashboard.period_text(period, filters.custom),
        "unit": unit,
        "period": "" if period is None or filters.custom else period.label,
        "errors": errors,
        "verdicts": board.verdicts,
        "section_query": filters.query(),
        "sections_target": sections.TARGET,
        "public_url": base,
        "links": links,
        "vega_bundle": charts.vega_bundle_name(),
        "can_import": can_import(request.user, survey),
        "remark_choices": remark_filters.choices_of(filters),
        "can_correct": remark_filters.may_correct(request.user, survey) is not None,
    }
    charts.ensure_vega_bundle()
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == sections.TARGET:
        # a tab followed in place: the tabs and the chosen section only
        response = render(request, "dashboard/sections/_panel.html", context)
    else:
        response = render(request, "dashboard/survey_results.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _employee_page(
    request: HttpRequest,
    survey: Any,
    filters: dashboard.Filters,
    errors: list[str],
    units: list[Any],
    scope: Q,
) -> HttpResponse:
    """The dashboard of an employee survey: what prima.dashboard.employee decided, shown."""
    board = employee.employee_board(
        survey, filters, visible_units=units, whole=employee.whole_scope(scope)
    )
    period = board.period  # quarters only (prima.dashboard.employee)
    context: dict[str, Any] = {
        "eb": board,
        "survey": survey,
        "page_subtitle": f"{survey.organization.name} · {survey.instrument_version}",
        "crumbs": [(_("Surveys"), reverse("backoffice:home")), (survey.title, "")],
        "units": units,
        "unit_labels": path_labels(units),
        "unit": filters.unit,
        "period_groups": employee.quarter_choices(dashboard.data_span(survey)),
        "period_text": dashboard.period_text(period),
        "period": "" if period is None else period.label,
        "errors": errors,
        "vega_bundle": charts.vega_bundle_name(),
    }
    charts.ensure_vega_bundle()
    return render(request, "dashboard/employee_results.html", context)


@login_required
@require_POST
def remark_label_correct(request: HttpRequest, code: str, response_id: int) -> HttpResponse:
    """A manager corrects the labels of one suggestion (issue 14): kept as a correction, shown
    as such, never overwritten by a relabel. 404 for a response out of the user's reach (another
    tenant, another subtree, an employee survey, a viewer's role)."""
    from prima.remark_labels.services import LabelError, response_label_correct
    from prima.surveys.models import Response

    survey = survey_get_for_user(request.user, code)
    allowed = remark_filters.may_correct(request.user, survey)
    if allowed is None:
        raise Http404("response")
    response = (
        Response.objects.filter(allowed, survey=survey, pk=response_id)
        .exclude(suggestion="")
        .first()
    )
    if response is None:
        raise Http404("response")
    none = remark_filters.NONE
    try:
        response_label_correct(
            response,
            user=request.user,
            unsur="" if request.POST.get("unsur") == none else request.POST.get("unsur", ""),
            a6="" if request.POST.get("a6") == none else request.POST.get("a6", ""),
            sentiment=request.POST.get("sentiment", ""),
        )
    except LabelError as exc:  # the form's choices never do this: a hand-made request
        text = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    back = request.POST.get("back", "")
    if not back.startswith("?") or len(back) > 2000 or any(c in back for c in "\r\n\\#"):
        back = "?section=suggestions"
    back = f"{back}&corrected={response.pk}"
    return redirect(f"{reverse('backoffice:results', args=[survey.code])}{back}#saran")
