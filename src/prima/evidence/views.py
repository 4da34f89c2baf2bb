"""The evidence photos' addresses under ``/app/bukti/`` (issue 13, point 2): a photo and its
thumbnail, streamed only to a user who may see its audit (the audit page's own rule,
:func:`prima.audits.selectors.audits_visible_to`; otherwise 404; a mystery shopper's account is
refused by :mod:`prima.audits.gate` before it gets here), and, for a supervisor of the audit's
unit (:func:`prima.audits.actions.may_handle`), adding photos to an audit and deleting one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from prima.audits.actions import may_handle
from prima.audits.models import Audit
from prima.audits.selectors import audits_visible_to
from prima.evidence.models import EvidencePhoto
from prima.evidence.services import (
    EvidenceError,
    photo_delete,
    photo_path,
    photos_attach,
    photos_check,
    photos_check_count,
)

CACHE = "private, max-age=3600"


def _visible_photo(user: Any, photo_id: int) -> EvidencePhoto:
    photo = EvidencePhoto.objects.filter(pk=photo_id).select_related("organization").first()
    if photo is None:
        raise Http404("photo")
    if not audits_visible_to(user, photo.organization).filter(pk=photo.audit_id).exists():
        raise Http404("photo")
    return photo


def _visible_audit(user: Any, audit_id: int) -> Audit:
    audit = Audit.objects.filter(pk=audit_id).select_related("organization").first()
    if audit is None:
        raise Http404("audit")
    found = audits_visible_to(user, audit.organization).filter(pk=audit_id).first()
    if found is None:
        raise Http404("audit")
    return found


def _stream(photo: EvidencePhoto, *, thumb: bool) -> FileResponse:
    try:
        handle = open(photo_path(photo, thumb=thumb), "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404("photo file") from None
    response = FileResponse(
        handle,
        content_type="image/jpeg" if thumb else photo.content_type,
        as_attachment=False,
        filename=photo.label,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE
    response["Vary"] = "Cookie"
    return response


@login_required
@require_GET
def photo_file(request: HttpRequest, photo_id: int) -> FileResponse:
    return _stream(_visible_photo(request.user, photo_id), thumb=False)


@login_required
@require_GET
def photo_thumb(request: HttpRequest, photo_id: int) -> FileResponse:
    return _stream(_visible_photo(request.user, photo_id), thumb=True)


@login_required
@require_POST
def photo_remove(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _visible_photo(request.user, photo_id)
    audit = photo.audit
    if not may_handle(request.user, audit.unit):
        raise Http404("photo")
    if request.POST.get("photo") != str(photo.pk):  # the form names the photo it deletes
        return HttpResponseBadRequest("photo")
    photo_delete(photo=photo)
    return redirect(reverse("audits:detail", args=[audit.pk]) + "?foto=dihapus#evidence")


@login_required
@require_POST
def photos_add(request: HttpRequest, audit_id: int) -> HttpResponse:
    """Photos added to a stored audit (one saved offline has none: they upload online only)."""
    audit = _visible_audit(request.user, audit_id)
    if not may_handle(request.user, audit.unit):
        raise Http404("audit")
    try:
        photos = photos_check(request, existing=audit.photos.count())
        with transaction.atomic():
            # one add at a time per audit: the count checked again under the audit's lock
            Audit.objects.select_for_update().filter(pk=audit.pk).first()
            photos_check_count(audit=audit, adding=len(photos))
            photos_attach(audit=audit, photos=photos, user=request.user)
    except EvidenceError as exc:
        return render(
            request,
            "evidence/refused.html",
            {
                "audit": audit,
                "errors": exc.messages,
                "crumbs": [(str(audit.unit), reverse("audits:detail", args=[audit.pk]))],
            },
            status=400,
        )
    return redirect(reverse("audits:detail", args=[audit.pk]) + "?foto=ditambah#evidence")
