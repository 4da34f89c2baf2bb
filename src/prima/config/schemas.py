"""Schemas shared by the API routers."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}
