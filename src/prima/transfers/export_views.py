"""Back-office exports: ``/app/surveys/<code>/ekspor/`` (the form and the recent jobs; POST
starts a job), ``.../ekspor/<job>/`` (progress, polled with htmx, and the download link) and
``.../ekspor/<job>/unduh`` (the file).

Thin views over :mod:`prima.transfers.export_jobs`: every survey, unit and job goes through its
gates, so another tenant's, or one outside the user's units, answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from prima.organizations.access import units_visible_to
from prima.surveys.anonymity import RAW_ANSWERS_WITHHELD
from prima.surveys.selectors import response_scope, survey_get_for_user
from prima.transfers.export import XLSX_SHEET_ROWS, sheet_split_note
from prima.transfers.export_jobs import (
    ExportRequestError,
    export_download_name,
    export_error_text,
    export_job_create,
    export_job_file,
    export_job_get_for_user,
    export_jobs_for_user,
)
from prima.transfers.models import ExportFormat

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest, code: str) -> HttpResponse:
    survey = survey_get_for_user(request.user, code)
    response_scope(request.user, survey)  # 404 without a role that sees results
    if survey.is_employee:  # its raw answers are never exported (issue 12): no form, no job
        context = {
            "survey": survey,
            "withheld": gettext(RAW_ANSWERS_WITHHELD),
            "jobs": export_jobs_for_user(request.user, survey),
        }
        status = 403 if request.method == "POST" else 200
        return render(request, "transfers/export.html", context, status=status)
    units = list(units_visible_to(request.user, survey.organization).order_by("path"))
    data = request.POST if request.method == "POST" else request.GET
    unit_param = data.get("unit", "").strip()
    if unit_param and not any(str(u.pk) == unit_param for u in units):
        raise Http404("unit")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            job = export_job_create(
                user=request.user,
                survey=survey,
                fmt=data.get("format", ""),
                unit_id=unit_param or None,
                period=data.get("period", ""),
            )
        except ExportRequestError as exc:
            errors[exc.field] = str(exc)
        else:
            return redirect("backoffice:export_job", code=survey.code, job_id=job.pk)
    context = {
        "survey": survey,
        "units": units,
        "unit": unit_param,
        "period": data.get("period", "").strip(),
        "format": data.get("format", "csv"),
        "formats": ExportFormat.choices,
        "errors": errors,
        "jobs": export_jobs_for_user(request.user, survey),
        "sheet_rows": XLSX_SHEET_ROWS,
    }
    return render(request, "transfers/export.html", context, status=400 if errors else 200)


@login_required
@require_GET
def export_job_page(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    survey = survey_get_for_user(request.user, code)
    job = export_job_get_for_user(request.user, survey, job_id)
    context = {
        "survey": survey,
        "job": job,
        "error": export_error_text(job) if job.error else "",
        "split_note": (
            sheet_split_note(job.rows_done, job.sheets) if job.sheets and job.sheets > 1 else ""
        ),
    }
    template = (
        "transfers/export_job_status.html"
        if request.headers.get("HX-Request") == "true"
        else "transfers/export_job.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, code: str, job_id: int) -> FileResponse:
    survey = survey_get_for_user(request.user, code)
    job = export_job_get_for_user(request.user, survey, job_id)
    path = export_job_file(job)
    if path is None:
        raise Http404("export file")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=export_download_name(job),
        content_type=CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response
