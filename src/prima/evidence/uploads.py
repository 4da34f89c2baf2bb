"""The upload handler that keeps evidence uploads bounded (issue 13, point 2).

First in ``FILE_UPLOAD_HANDLERS``: for the evidence field (``photos``) of any multipart request
it skips a file once it passes ``PRIMA_EVIDENCE_MAX_BYTES`` (as declared, or while it arrives)
and every file after the first ``PRIMA_EVIDENCE_MAX_PHOTOS``, so nothing more of it is kept in
memory or on disk (Django's own handlers keep a file up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` in
memory, a larger one in a temporary file); what it skipped is noted on the request
(:func:`refused_uploads`) for the evidence service to name. Other fields and other files pass
through untouched. Django itself limits the other fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and
the number of files (``DATA_UPLOAD_MAX_NUMBER_FILES``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

PHOTO_FIELD = "photos"
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PHOTOS = 5
DEFAULT_MAX_PIXELS = 40_000_000


def max_bytes() -> int:
    return int(getattr(settings, "PRIMA_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_photos() -> int:
    return int(getattr(settings, "PRIMA_EVIDENCE_MAX_PHOTOS", DEFAULT_MAX_PHOTOS))


def max_pixels() -> int:
    return int(getattr(settings, "PRIMA_EVIDENCE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def refused_uploads(request: HttpRequest) -> list[tuple[str, str]]:
    """``(file name, reason)`` of the evidence files skipped while the request was read;
    reason ``"size"`` or ``"count"``."""
    return list(getattr(request, "_evidence_refused", []))


class EvidenceUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.active = False
        self.pending = ""
        self.count = 0
        self.limit = max_bytes()

    def _refuse(self, reason: str) -> None:
        if self.request is not None:
            refused = getattr(self.request, "_evidence_refused", None)
            if refused is None:
                refused = []
                self.request._evidence_refused = refused  # type: ignore[attr-defined]
            refused.append((self.file_name or "", reason))
        self.active = False
        raise SkipFile

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        # a refusal waits for the file's first chunk: by then the handlers after this one hold
        # this file (Django closes their files when one is skipped; in new_file that would
        # still be the previous file's)
        super().new_file(field_name, file_name, *args, **kwargs)
        self.active = field_name == PHOTO_FIELD
        self.pending = ""
        if not self.active:
            return
        self.count += 1
        declared = self.content_length
        if self.count > max_photos():
            self.pending = "count"
        elif declared is not None and declared > self.limit:
            self.pending = "size"

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.active and self.pending:
            self._refuse(self.pending)
        if self.active and start + len(raw_data) > self.limit:
            self._refuse("size")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
