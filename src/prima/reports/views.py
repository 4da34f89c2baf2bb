"""Back-office downloads of the SKM report: ``/app/surveys/<code>/laporan-skm.pdf|.xlsx``
with ``?unit=<id>&period=<label>``.

Access goes through ``survey_get_for_user`` and ``units_visible_to``: another tenant's survey, a
unit outside the user's subtree, or a report for the whole organization asked by someone who sees
only part of it is "not found" (404), like something that does not exist. A missing or invalid
period is a 400 with the reason. An XLSX report of more than
``PRIMA_REPORT_XLSX_DIRECT_ROWS`` responses is written by a background job: the GET shows a
page whose button (POST) starts it, and the job's page shows progress and the download.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from prima.insights.periods import parse_period
from prima.organizations.access import units_visible_to
from prima.reports.skm import NotSkmSurvey, skm_report
from prima.surveys.selectors import response_scope, survey_get_for_user
from prima.transfers.export_jobs import REPORT_PERIOD_MISSING, export_job_create, period_error
from prima.transfers.models import ExportKind

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_http_methods(["GET", "POST"])
def skm_report_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:  # the URL pattern allows only pdf|xlsx
        raise Http404("format")
    if request.method == "POST" and fmt != "xlsx":  # only the XLSX report runs as a job
        return HttpResponseNotAllowed(["GET"])
    survey = survey_get_for_user(request.user, code)
    scope = response_scope(request.user, survey)
    if survey.instrument_version.parsed.kind != "ikm" or survey.is_employee:
        # an employee survey has no SKM report (it lists comments with their unit and day)
        raise Http404("no SKM report for this survey")
    unit = None
    unit_param = request.GET.get("unit", "").strip()
    if unit_param:
        if not (unit_param.isascii() and unit_param.isdigit()):
            raise Http404("unit")
        unit = (
            units_visible_to(request.user, survey.organization).filter(pk=int(unit_param)).first()
        )
        if unit is None:
            raise Http404("unit")
    elif scope != Q():  # the whole organization's report is for organization-wide roles only
        raise Http404("unit")
    period_param = request.GET.get("period", "").strip()
    if not period_param:
        return HttpResponseBadRequest(
            gettext(REPORT_PERIOD_MISSING),
            content_type="text/plain; charset=utf-8",
        )
    try:
        period = parse_period(period_param)
    except ValueError:
        return HttpResponseBadRequest(
            period_error(period_param),
            content_type="text/plain; charset=utf-8",
        )
    try:
        report = skm_report(survey, unit=unit, period=period, scope=scope)
    except NotSkmSurvey:
        raise Http404("no SKM report for this survey") from None
    if fmt == "xlsx" and report.responses > settings.PRIMA_REPORT_XLSX_DIRECT_ROWS:
        # its sheet of raw answers takes minutes: a background job with progress
        if request.method == "POST":
            job = export_job_create(
                user=request.user,
                survey=survey,
                fmt="xlsx",
                unit_id=unit.pk if unit else None,
                period=period.label,
                kind=ExportKind.SKM_REPORT,
            )
            return redirect("backoffice:export_job", code=survey.code, job_id=job.pk)
        return render(
            request,
            "reports/job.html",
            {"survey": survey, "report": report, "unit": unit, "period": period},
        )
    if fmt == "pdf":
        from prima.reports.pdf import report_pdf

        body = report_pdf(report)
    else:
        from prima.reports.xlsx import write_report_xlsx

        buffer = io.BytesIO()
        write_report_xlsx(report, survey, buffer, unit=unit, scope=scope)
        body = buffer.getvalue()
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
