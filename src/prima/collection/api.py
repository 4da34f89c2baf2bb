"""The kiosk's own API: what a paired tablet needs besides the public survey definition.

``GET /api/v1/public/kiosk`` with the ``X-Prima-Device`` header (the device token) answers the
device's survey, unit, staff list, the services a respondent may name (*jenis layanan*: those
of the survey at the device's unit, as the web form offers them) and settings. No header: 401;
an unknown or revoked token: 403 (the kiosk then shows that it is no longer registered).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import APIKeyHeader

from prima.collection.kiosks import kiosk_device_for_token, kiosk_seen, kiosk_staff
from prima.collection.models import KioskDevice
from prima.collection.selectors import survey_services
from prima.config.schemas import ErrorOut, FieldError
from prima.storable_text import unstorable_character

router = Router(tags=["kiosk"])


class DeviceAuth(APIKeyHeader):
    """The device token a tablet got when it was paired."""

    param_name = "X-Prima-Device"

    def authenticate(self, request: HttpRequest, key: str | None) -> KioskDevice | None:
        if not key:
            return None  # 401
        device = None if unstorable_character(key) else kiosk_device_for_token(key)
        if device is None:
            raise FieldError(403, "device", "unknown or revoked kiosk device")
        return device


class NamedOut(Schema):
    id: int
    name: str


class ServiceChoiceOut(Schema):
    id: int
    name: str
    unit: NamedOut = Field(description="the unit that offers the service")


class KioskOut(Schema):
    name: str
    survey: str
    unit: NamedOut
    staff: list[NamedOut]
    services: list[ServiceChoiceOut] = Field(
        description=(
            "the services (jenis layanan) a respondent at this device may name; the kiosk asks "
            "which one was received when there are several, and sends its id as `service`"
        )
    )
    ask_staff: bool
    idle_reset_seconds: int
    min_interval_seconds: int


@router.get(
    "/kiosk",
    response={200: KioskOut, 401: ErrorOut, 403: ErrorOut},
    auth=[DeviceAuth()],
    # the id this operation had in /api/openapi.json before the module moved (ADR 0004)
    operation_id="prima_surveys_kiosk_api_kiosk_settings",
)
def kiosk_settings(request: HttpRequest) -> dict[str, Any]:
    """The paired device's survey, unit, staff and settings (also its heartbeat)."""
    device: KioskDevice = request.auth  # type: ignore[attr-defined]
    kiosk_seen(device)
    staff = kiosk_staff(device) if device.ask_staff else []
    return {
        "name": device.name,
        "survey": device.survey.code,
        "unit": {"id": device.unit.pk, "name": device.unit.name},
        "staff": [{"id": s.pk, "name": s.name} for s in staff],
        "services": [
            {"id": s.pk, "name": s.name, "unit": {"id": s.unit.pk, "name": s.unit.name}}
            for s in survey_services(device.survey, list(device.survey.units.all()), device.unit)
        ],
        "ask_staff": device.ask_staff,
        "idle_reset_seconds": device.idle_reset_seconds,
        "min_interval_seconds": device.min_interval_seconds,
    }
