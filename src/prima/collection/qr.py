"""QR codes for survey links: which URL a QR code carries and the SVG/PNG images of it.

A QR code is made for one survey and one unit (any unit at or below one of the survey's units,
e.g. a counter), optionally narrowed to a service and a staff member. It carries the public
survey URL with a signed context (:mod:`prima.surveys.context`) whose channel is ``"qr"``, so
responses through it are attributed to that unit and counted as QR responses. People who
cannot scan type the plain short URL (``/s/<code>/``) and pick their unit on the page.

The ``*_for_user`` functions are the permission gate for QR codes and posters: another
tenant's survey, or a unit, service or staff member outside the user's scope, is "not found".
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.http import Http404
from django.urls import reverse

from prima.organizations.access import User, units_visible_to
from prima.organizations.models import Service, StaffMember, Unit
from prima.surveys.choices import Channel
from prima.surveys.context import LinkContext, context_sign
from prima.surveys.models import Survey
from prima.surveys.selectors import survey_get_for_user

QR_ERROR = "m"  # 15% recovery; segno raises it further when the same QR version allows


@dataclass(frozen=True)
class QrTarget:
    """What a QR code points at: a survey at a unit, optionally a service and staff member."""

    survey: Survey
    unit: Unit
    service: Service | None = None
    staff: StaffMember | None = None


# -- URLs --------------------------------------------------------------------------------------
def qr_context(target: QrTarget) -> LinkContext:
    return LinkContext(
        target.survey.code,
        unit=target.unit.pk,
        service=target.service.pk if target.service else None,
        staff=target.staff.pk if target.staff else None,
        channel=Channel.QR.value,
    )


def survey_short_url(survey: Survey, base_url: str) -> str:
    """The plain public page URL (``https://host/s/<code>/``), short enough to type."""
    return base_url.rstrip("/") + reverse("collection:page", args=[survey.code])


def qr_url(target: QrTarget, base_url: str) -> str:
    """The URL a QR code carries: the short URL with the signed context (channel ``qr``)."""
    return f"{survey_short_url(target.survey, base_url)}?c={context_sign(qr_context(target))}"


def display_url(url: str) -> str:
    """A URL as people type it: without ``https://``."""
    return url.split("://", 1)[-1]


# -- images ------------------------------------------------------------------------------------
def qr_code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=QR_ERROR)


def qr_svg(url: str, *, scale: int = 10, border: int = 4) -> bytes:
    """A standalone SVG file (with the 4-module quiet zone)."""
    out = io.BytesIO()
    qr_code(url).save(out, kind="svg", scale=scale, border=border, light="#fff", title=url)
    return out.getvalue()


def qr_png(url: str, *, scale: int = 10, border: int = 4) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg_inline(url: str, *, border: int = 4) -> str:
    """An ``<svg>`` element to embed in HTML, sized by CSS (it has a viewBox, no size)."""
    return str(qr_code(url).svg_inline(scale=1, border=border, light="#fff", omitsize=True))


# -- who may make which QR codes -----------------------------------------------------------------
def _below(unit: Unit, roots: list[Unit]) -> bool:
    return any(unit.path.startswith(root.path) for root in roots)


def _related(a: Unit, b: Unit) -> bool:
    """One unit is the other or lies below it."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def qr_units_for_user(user: User, survey: Survey) -> list[Unit]:
    """The units to make a poster for (one page each in the bulk download).

    The survey's units the user sees, and for a user whose scope lies below a survey unit (e.g. a
    counter's supervisor) the top units of that scope; ordered by the unit tree.
    """
    roots = list(survey.units.all())
    visible = [u for u in units_visible_to(user, survey.organization) if _below(u, roots)]
    visible_ids = {u.pk for u in visible}
    root_ids = {u.pk for u in roots}
    chosen = [u for u in visible if u.pk in root_ids or u.parent_id not in visible_ids]
    return sorted(chosen, key=lambda u: u.path)


def qr_target_for_user(
    user: User,
    code: str,
    unit_id: int,
    *,
    service_id: int | None = None,
    staff_id: int | None = None,
) -> QrTarget:
    """The QR target if the user may see the survey, the unit, and the service and staff member,
    else 404. The unit must be at or below one of the survey's units."""
    survey = survey_get_for_user(user, code)
    visible = units_visible_to(user, survey.organization)
    unit = visible.filter(pk=unit_id).first()
    if unit is None or not _below(unit, list(survey.units.all())):
        raise Http404("unit")
    service = None
    if service_id is not None:
        service = (
            Service.objects.filter(
                pk=service_id, organization=survey.organization, active=True, unit__in=visible
            )
            .select_related("unit")
            .first()
        )
        allowed = set(survey.services.values_list("pk", flat=True))
        if (
            service is None
            or (allowed and service.pk not in allowed)
            or (not allowed and not _related(service.unit, unit))
        ):
            raise Http404("service")
    staff = None
    if staff_id is not None:
        staff = (
            StaffMember.objects.filter(
                pk=staff_id, organization=survey.organization, active=True, unit__in=visible
            )
            .select_related("unit")
            .first()
        )
        if staff is None or not _related(staff.unit, unit):
            raise Http404("staff")
    return QrTarget(survey, unit, service, staff)


def qr_targets_for_user(user: User, code: str) -> tuple[Survey, list[QrTarget]]:
    """The survey and one target per poster unit (:func:`qr_units_for_user`); 404 if none."""
    survey = survey_get_for_user(user, code)
    units = qr_units_for_user(user, survey)
    if not units:
        raise Http404("unit")
    return survey, [QrTarget(survey, u) for u in units]
