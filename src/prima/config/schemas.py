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


def organization_named(user: Any, slug: str | None, roles: Any = None) -> Any:
    """The organization an API request names by ``slug`` among the user's (those where one of
    ``roles`` is held; default: the roles that see results), or the user's only one when no
    slug is given: 404 for a slug the user does not have, 422 when the user has several and
    names none."""
    from prima.organizations.access import organizations_of

    mine = organizations_of(user) if roles is None else organizations_of(user, roles)
    if slug:
        found = mine.filter(slug=slug).first() if "\x00" not in slug else None
        if found is None:
            raise FieldError(404, "organization", "unknown organization")
        return found
    several = list(mine[:2])
    if len(several) != 1:
        raise FieldError(422, "organization", "name the organization (its slug)")
    return several[0]
