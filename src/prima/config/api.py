"""The JSON API: ``/api/v1``, schema at ``/api/openapi.json``.

Public operations (survey definition, submission) need no authentication; back-office
operations take ``Authorization: Bearer <token>`` (``prima token create``). Every error is
JSON ``{"detail": ..., "errors": {field: message}}`` and every status an operation can return
is declared in the schema.
"""

from __future__ import annotations

from typing import Any

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from prima.config.middleware import database_unavailable
from prima.config.schemas import FieldError
from prima.organizations.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked=False)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="Prima API",
    version="1",
    description="Surveys, responses and results of Prima (pelayanan prima).",
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


def _field(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = {_field(list(e.get("loc", []))): str(e.get("msg", "invalid")) for e in exc.errors}
    detail = "; ".join(f"{k}: {v}" for k, v in errors.items()) or "invalid request"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "authentication required", "errors": {}}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    errors = {exc.field: exc.reason} if isinstance(exc, FieldError) else {}
    return api.create_response(
        request, {"detail": str(exc), "errors": errors}, status=exc.status_code
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is unavailable: 503 with Retry-After (ninja would answer 500)."""
    return database_unavailable(request, exc)


def _register() -> None:
    from prima.collection.api import router as kiosk_router
    from prima.insights.api import router as insights_router
    from prima.organizations.api import router as organizations_router
    from prima.surveys.api import public_router
    from prima.surveys.api import router as surveys_router

    api.add_router("/v1/public", public_router)
    api.add_router("/v1/public", kiosk_router)
    api.add_router("/v1", organizations_router)
    api.add_router("/v1", surveys_router)
    api.add_router("/v1", insights_router)


_register()
