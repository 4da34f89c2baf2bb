"""Kiosk devices: registration (pairing), token lookup and revocation.

An admin registers a tablet for a unit and a survey and gets a one-time pairing link; opening
it on the tablet stores the device token in the tablet's browser (never in a URL afterwards).
Only the token's SHA-256 is stored, so a database leak does not leak device tokens.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models, transaction
from django.utils import timezone

from prima.collection.models import KioskDevice
from prima.organizations.models import StaffMember, Unit
from prima.surveys.models import Survey


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def kiosk_register(
    *,
    survey: Survey,
    unit: Unit,
    name: str,
    min_interval_seconds: int = 15,
    idle_reset_seconds: int = 45,
    ask_staff: bool = True,
) -> tuple[KioskDevice, str]:
    """A new device and its one-time pairing code (shown once to the admin)."""
    if unit.organization_id != survey.organization_id:
        raise ValueError("the unit belongs to another organization")
    pairing = secrets.token_urlsafe(24)
    device = KioskDevice.objects.create(
        organization=survey.organization,
        survey=survey,
        unit=unit,
        name=name,
        digest=_digest(secrets.token_urlsafe(32)),  # replaced when the tablet pairs
        pairing_code=_digest(pairing),
        min_interval_seconds=min_interval_seconds,
        idle_reset_seconds=idle_reset_seconds,
        ask_staff=ask_staff,
    )
    return device, pairing


def kiosk_pairing_device(pairing_code: str) -> KioskDevice | None:
    """The device a pairing code would pair, without using the code up (the confirm page)."""
    return (
        KioskDevice.objects.select_related("unit", "survey", "organization")
        .filter(pairing_code=_digest(pairing_code), revoked_at__isnull=True)
        .first()
    )


@transaction.atomic
def kiosk_pair(*, pairing_code: str) -> tuple[KioskDevice, str] | None:
    """Exchange a pairing code (once) for the device token the tablet keeps."""
    device = (
        KioskDevice.objects.select_for_update()
        .filter(pairing_code=_digest(pairing_code), revoked_at__isnull=True)
        .first()
    )
    if device is None:
        return None
    token = "kiosk_" + secrets.token_urlsafe(32)
    device.digest = _digest(token)
    device.pairing_code = None
    device.save(update_fields=["digest", "pairing_code"])
    return device, token


def kiosk_device_for_token(token: str) -> KioskDevice | None:
    device = (
        KioskDevice.objects.select_related("unit", "survey")
        .filter(digest=_digest(token), revoked_at__isnull=True)
        .first()
    )
    return device


def kiosk_seen(device: KioskDevice) -> None:
    """The device asked for its settings: the admin's list shows when it was last online."""
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())


def kiosk_staff(device: KioskDevice) -> list[StaffMember]:
    """The active staff a respondent at this device may name: those of the device's unit and
    the units below it, and of the units above it (a supervisor who serves at the counter)."""
    path = device.unit.path
    ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "."][:-1]
    return list(
        StaffMember.objects.filter(organization_id=device.organization_id, active=True)
        .filter(models.Q(unit__path__startswith=path) | models.Q(unit__path__in=ancestors))
        .order_by("name", "pk")
    )


def kiosk_revoke(*, device: KioskDevice) -> None:
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])
