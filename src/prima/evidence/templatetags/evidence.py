"""``{% evidence_input %}`` (the audit form's photo field) and ``{% evidence_photos audit %}``
(an audit page's photos: thumbnails, and for a supervisor of the unit adding and deleting)."""

from __future__ import annotations

from typing import Any

from django import template

from prima.audits.actions import may_handle
from prima.evidence.services import _decimal
from prima.evidence.uploads import PHOTO_FIELD, max_bytes, max_photos

register = template.Library()


def _mb() -> str:
    return _decimal(max_bytes() / 1048576)


@register.inclusion_tag("evidence/_input.html", takes_context=True)
def evidence_input(context: template.Context, errors: Any = None) -> dict[str, Any]:
    return {
        "field": PHOTO_FIELD,
        "errors": errors or [],
        "max_photos": max_photos(),
        "max_mb": _mb(),
    }


@register.inclusion_tag("evidence/_photos.html", takes_context=True)
def evidence_photos(context: template.Context, audit: Any) -> dict[str, Any]:
    request = context["request"]
    photos = list(audit.photos.all())
    handler = may_handle(request.user, audit.unit)
    return {
        "audit": audit,
        "photos": photos,
        "handler": handler,
        "room": handler and len(photos) < max_photos(),
        "field": PHOTO_FIELD,
        "max_photos": max_photos(),
        "max_mb": _mb(),
        "notice": request.GET.get("foto", ""),
        "csrf_token": context.get("csrf_token"),
    }
