"""Back-office downloads of QR codes (SVG, PNG) and posters (A4/A5 PDF, one unit or all units).

Every view goes through :func:`prima.collection.qr.qr_target_for_user` /
:func:`~prima.collection.qr.qr_targets_for_user` (``survey_get_for_user`` and
``units_visible_to``): another tenant's survey or a unit outside the user's scope is a 404.
Optional ``?service=<id>&staff=<id>`` narrow a single QR code or poster.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from prima.collection import posters, qr


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):  # int() refuses "²", which isdigit() accepts
        raise Http404(name)
    return int(value)


def _target(request: HttpRequest, code: str, unit_id: int) -> qr.QrTarget:
    return qr.qr_target_for_user(
        request.user,
        code,
        unit_id,
        service_id=_int_param(request, "service"),
        staff_id=_int_param(request, "staff"),
    )


def _file_stem(target: qr.QrTarget) -> str:
    parts = [slugify(target.survey.code), slugify(target.unit.name) or str(target.unit.pk)]
    if target.service:
        parts.append(f"layanan-{target.service.pk}")
    if target.staff:
        parts.append(f"petugas-{target.staff.pk}")
    return "-".join(parts)


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def qr_svg(request: HttpRequest, code: str, unit_id: int) -> HttpResponse:
    target = _target(request, code, unit_id)
    body = qr.qr_svg(qr.qr_url(target, _base_url(request)))
    return _download(body, "image/svg+xml", f"qr-{_file_stem(target)}.svg")


@login_required
@require_GET
def qr_png(request: HttpRequest, code: str, unit_id: int) -> HttpResponse:
    target = _target(request, code, unit_id)
    body = qr.qr_png(qr.qr_url(target, _base_url(request)))
    return _download(body, "image/png", f"qr-{_file_stem(target)}.png")


@login_required
@require_GET
def poster(request: HttpRequest, code: str, unit_id: str, size: str) -> HttpResponse:
    target = _target(request, code, int(unit_id))  # re_path: unit_id is [0-9]+, size a4|a5
    body = posters.poster_pdf([target], size=size, base_url=_base_url(request))
    return _download(body, "application/pdf", f"poster-{_file_stem(target)}-{size}.pdf")


@login_required
@require_GET
def posters_all(request: HttpRequest, code: str, size: str) -> HttpResponse:
    survey, targets = qr.qr_targets_for_user(request.user, code)
    body = posters.poster_pdf(targets, size=size, base_url=_base_url(request))
    return _download(
        body, "application/pdf", f"poster-{slugify(survey.code)}-semua-unit-{size}.pdf"
    )
