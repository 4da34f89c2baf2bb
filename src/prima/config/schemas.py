"""Schemas shared by the API routers."""

from __future__ import annotations

from itertools import islice
from typing import Any

from ninja import Field, Schema
from ninja.errors import HttpError

# a pattern for text that every database can store (PostgreSQL refuses NUL characters)
NO_NUL = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = Field(default_factory=dict)


MAX_NAMED_ERRORS = 50  # fields an error body names; the others are only counted
MAX_FIELD_NAME = 100  # characters of a field name an error body repeats
MAX_MESSAGE = 300  # characters of one message


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def error_body(errors: dict[str, str], detail: str | None = None) -> dict[str, Any]:
    """``{"detail": ..., "errors": {field: message}}`` of bounded size whatever the request
    held: at most :data:`MAX_NAMED_ERRORS` fields (``detail`` gives how many more), names and
    messages cut to a fixed length. ``detail`` defaults to the fields and their messages."""
    named = {
        _cut(str(k), MAX_FIELD_NAME): _cut(str(v), MAX_MESSAGE)
        for k, v in islice(errors.items(), MAX_NAMED_ERRORS)
    }
    if detail is None:
        detail = "; ".join(f"{k}: {v}" for k, v in named.items()) or "invalid request"
        if len(errors) > len(named):
            detail += f"; {len(errors) - len(named)} more errors not named"
    return {"detail": detail, "errors": named}


class FieldError(HttpError):
    """An error about one field of the request, answered as
    ``{"detail": "<field>: <message>", "errors": {"<field>": "<message>"}}``."""

    def __init__(self, status_code: int, field: str, message: str) -> None:
        super().__init__(status_code, f"{field}: {message}")
        self.field = field
        self.reason = message
