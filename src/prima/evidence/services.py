"""Writes of the evidence app (issue 13, point 2): checking the photos of a request, storing
them with an audit, deleting one, and an organization's setting.

:func:`photos_check` refuses a batch as a whole (nothing is stored) with one message per file
naming it and the reason: more than ``PRIMA_EVIDENCE_MAX_PHOTOS`` photos for the audit (those it
holds included), a file over ``PRIMA_EVIDENCE_MAX_BYTES``, a file that is no JPEG, PNG or WebP
image by its content, an image over ``PRIMA_EVIDENCE_MAX_PIXELS`` pixels, a damaged one
(:mod:`prima.evidence.images`). :func:`photos_attach` re-encodes and writes each photo under a
random name in ``MEDIA_ROOT/evidence/<organization id>/`` and records it; called inside the
audit's transaction, a failure takes the audit back too and removes the files it wrote.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _

from prima.audits.models import Audit
from prima.evidence import images
from prima.evidence.models import EvidencePhoto, EvidenceSettings
from prima.evidence.uploads import PHOTO_FIELD, max_bytes, max_photos, max_pixels, refused_uploads
from prima.organizations.models import Organization

LABEL_MAX = 200


class EvidenceError(ValueError):
    """Photos refused; ``messages`` names each file and its reason."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    label: str


def _decimal(value: float) -> str:
    """One decimal at most, written as the language writes it (``1,5`` in Indonesian)."""
    value = round(value, 1)
    return str(int(value)) if value == int(value) else formats.number_format(value)


def _size(size: int) -> str:
    """``8 MB``, ``1.5 MB``, ``48 KB``."""
    return f"{size // 1024} KB" if size < 1048576 else f"{_decimal(size / 1048576)} MB"


def _label(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return (base or _("photo"))[:LABEL_MAX]


def _reason(reason: str) -> str:
    return {
        "count": _("at most %(n)s photos per audit") % {"n": max_photos()},
        "size": _("larger than %(size)s") % {"size": _size(max_bytes())},
        "type": _("not a JPEG, PNG or WebP image"),
        "pixels": _("more than %(mp)s million pixels") % {"mp": _decimal(max_pixels() / 1_000_000)},
        "damaged": _("the image is damaged or incomplete"),
    }[reason]


def _message(label: str, reason: str) -> str:
    return _("%(file)s: %(reason)s") % {"file": label, "reason": _reason(reason)}


def photos_check(request: HttpRequest, *, existing: int = 0) -> list[CheckedPhoto]:
    """The request's evidence photos (field ``photos``), every one checked by its content; or
    :class:`EvidenceError` naming each file refused. ``existing``: the photos the audit holds."""
    uploads = request.FILES.getlist(PHOTO_FIELD)
    refused = refused_uploads(request)
    messages = [_message(_label(name), reason) for name, reason in refused if reason != "count"]
    over = [name for name, reason in refused if reason == "count"]
    limit = max_photos()
    if over or existing + len(uploads) > limit:
        names = ", ".join(_label(u.name) for u in uploads[max(limit - existing, 0) :])
        names = ", ".join(filter(None, [names, *map(_label, over)]))
        messages.append(_message(names, "count"))
    checked = []
    for upload in uploads:
        label = _label(upload.name)
        if upload.size is not None and upload.size > max_bytes():
            messages.append(_message(label, "size"))
            continue
        try:
            images.check(upload.file, max_pixels=max_pixels())
        except images.PhotoRefused as exc:
            messages.append(_message(label, exc.reason))
            continue
        checked.append(CheckedPhoto(upload, label))
    if messages:
        raise EvidenceError(messages)
    return checked


def photos_check_count(*, audit: Audit, adding: int) -> None:
    """:class:`EvidenceError` when ``adding`` photos would take the audit over the limit."""
    if audit.photos.count() + adding > max_photos():
        raise EvidenceError([_reason("count")])


def keeps_location(organization: Organization) -> bool:
    """The organization keeps the GPS tags of its evidence photos (off without a setting)."""
    return EvidenceSettings.objects.filter(organization=organization, keep_location=True).exists()


def settings_set(*, organization: Organization, keep_location: bool) -> EvidenceSettings:
    row, _created = EvidenceSettings.objects.update_or_create(
        organization=organization, defaults={"keep_location": keep_location}
    )
    return row


def folder(organization_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence" / str(organization_id)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    with open(partial, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def photos_attach(*, audit: Audit, photos: list[CheckedPhoto], user: Any) -> list[EvidencePhoto]:
    """Re-encode and store ``photos`` (from :func:`photos_check`) with ``audit``."""
    if not photos:
        return []
    keep = keeps_location(audit.organization)
    where = folder(audit.organization_id)
    where.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stored = []
    try:
        with transaction.atomic():
            for photo in photos:
                encoded = images.reencode(
                    photo.upload.file, max_pixels=max_pixels(), keep_location=keep
                )
                name = secrets.token_hex(16)
                stored_name = f"{name}.{encoded.extension}"
                thumb_name = f"{name}.thumb.jpg"
                for file_name, data in ((stored_name, encoded.data), (thumb_name, encoded.thumb)):
                    written.append(where / file_name)
                    _write(where / file_name, data)
                stored.append(
                    EvidencePhoto.objects.create(
                        organization=audit.organization,
                        audit=audit,
                        label=photo.label,
                        stored_name=stored_name,
                        thumb_name=thumb_name,
                        content_type=encoded.content_type,
                        width=encoded.width,
                        height=encoded.height,
                        thumb_width=encoded.thumb_width,
                        thumb_height=encoded.thumb_height,
                        size=len(encoded.data),
                        location_kept=encoded.location_kept,
                        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                    )
                )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return stored


def photo_path(photo: EvidencePhoto, *, thumb: bool = False) -> Path:
    return folder(photo.organization_id) / (photo.thumb_name if thumb else photo.stored_name)


def photo_delete(*, photo: EvidencePhoto) -> None:
    """Delete the photo's row and, once that is committed, its files (:func:`remove_files`
    does it for every deletion, also an audit's or an organization's)."""
    photo.delete()


def remove_files(sender: Any, instance: EvidencePhoto, **kwargs: Any) -> None:
    """``post_delete`` of a photo: its files go when the deletion is committed."""
    paths = [photo_path(instance), photo_path(instance, thumb=True)]

    def unlink() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    transaction.on_commit(unlink)
