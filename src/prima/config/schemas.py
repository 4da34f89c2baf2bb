"""Schemas shared by the API routers."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.errors import HttpError

# a pattern for text that every database can store (PostgreSQL refuses NUL characters)
NO_NUL = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = Field(default_factory=dict)


class FieldError(HttpError):
    """An error about one field of the request, answered as
    ``{"detail": "<field>: <message>", "errors": {"<field>": "<message>"}}``."""

    def __init__(self, status_code: int, field: str, message: str) -> None:
        super().__init__(status_code, f"{field}: {message}")
        self.field = field
        self.reason = message
