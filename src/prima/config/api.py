"""The JSON API: ``/api/v1``, schema at ``/api/openapi.json``.

Public operations (survey definition, submission) need no authentication; back-office
operations take ``Authorization: Bearer <token>`` (``prima token create``). Every error is
JSON ``{"detail": ..., "errors": {field: message}}`` and every status an operation can return
is declared in the schema.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from prima.config.middleware import (
    api_error_response,
    api_too_large,
    api_unexpected_error,
    database_unavailable,
)
from prima.config.schemas import FieldError, error_body
from prima.organizations.models import ApiToken

TOKEN_TOUCH = timedelta(minutes=1)
"""A token's ``last_used_at`` is written at most this often: a read with a token stays a read
(on SQLite a write costs a commit and, when the connection closes, a checkpoint with fsync)."""


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked=False)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or not now - TOKEN_TOUCH < row.last_used_at <= now:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class StrictJsonParser(Parser):
    """JSON bodies must be UTF-8 (RFC 8259; a leading byte-order mark is ignored): Python's
    reader would also take UTF-16 and turn the encoded surrogates of invalid UTF-8 into lone
    surrogates."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body.decode("utf-8-sig"))


class PrimaApi(NinjaAPI):
    """The API whose schema also declares what any operation may answer: 500 (an unexpected
    error, JSON) and, for an operation that takes a body, 413 (a body over the limit)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {"content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "requestBody" in operation:
                    responses.setdefault("413", {"description": "Request body too large", **error})
                responses.setdefault("500", {"description": "Internal server error", **error})
        return schema


ERROR_REF = "#/components/schemas/ErrorOut"

api = PrimaApi(
    title="Prima API",
    parser=StrictJsonParser(),
    version="1",
    description="Surveys, responses and results of Prima (pelayanan prima).",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # no deep links: their anchors sit inside each operation's button (axe nested-interactive)
    docs=Swagger(settings={"deepLinking": False}),
    urls_namespace="api",
)


def _field(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for e in exc.errors:
        errors.setdefault(_field(list(e.get("loc", []))), str(e.get("msg", "invalid")))
    return api.create_response(request, error_body(errors), status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "authentication required", "errors": {}}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    errors = {exc.field: exc.reason} if isinstance(exc, FieldError) else {}
    return api.create_response(request, error_body(errors, str(exc)), status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api_error_response(request, 404)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(SuspiciousOperation)
def refused_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body over the limit (413, see :mod:`prima.config.middleware`) or a request Django
    refuses as malformed (400)."""
    if isinstance(exc, RequestDataTooBig):
        return api_too_large(request)
    return api_error_response(request, 400)


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """500 JSON, logged with its traceback; the answer carries none."""
    return api_unexpected_error(request, exc)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is unavailable: 503 with Retry-After (ninja would answer 500)."""
    return database_unavailable(request, exc)


def _register() -> None:
    from prima.calibration.api import router as calibration_router
    from prima.cases.api import public_router as cases_public_router
    from prima.cases.api import router as cases_router
    from prima.collection.api import router as kiosk_router
    from prima.insights.api import router as insights_router
    from prima.organizations.api import router as organizations_router
    from prima.scorecards.api import router as scorecards_router
    from prima.surveys.api import public_router
    from prima.surveys.api import router as surveys_router

    api.add_router("/v1/public", public_router)
    api.add_router("/v1/public", kiosk_router)
    api.add_router("/v1", organizations_router)
    api.add_router("/v1", surveys_router)
    api.add_router("/v1", insights_router)
    api.add_router("/v1/public", cases_public_router)
    api.add_router("/v1", cases_router)
    api.add_router("/v1", scorecards_router)
    api.add_router("/v1", calibration_router)


_register()
