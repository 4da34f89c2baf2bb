"""Reads of the public survey page: the services (*jenis layanan*) a respondent may choose."""

from __future__ import annotations

from django.db.models import Q

from prima.organizations.models import Service, Unit
from prima.surveys.models import Survey


def survey_services(survey: Survey, units: list[Unit], unit: Unit | None = None) -> list[Service]:
    """The services a respondent of ``survey`` may name, in unit order.

    The survey's own list when it has one, otherwise the active services of its units and the
    units below them; with a ``unit`` known (the link, the ticket or the respondent's choice)
    only those of that unit, a unit above it or below it, as
    :meth:`prima.surveys.services.ResponseChecks.placement` accepts.
    """
    listed = list(survey.services.select_related("unit").order_by("unit__path", "name"))
    if listed:
        services = listed
    else:
        under = Q()
        for u in units:
            under |= Q(unit__path__startswith=u.path)
        if not units:
            return []
        services = list(
            Service.objects.filter(under, organization_id=survey.organization_id, active=True)
            .select_related("unit")
            .order_by("unit__path", "name")
        )
    if unit is not None:
        services = [
            s
            for s in services
            if unit.path.startswith(s.unit.path) or s.unit.path.startswith(unit.path)
        ]
    return services


def service_groups(services: list[Service]) -> list[tuple[str, list[Service]]]:
    """``[(unit name, [services])]`` for a choice grouped by unit (the same service name, e.g.
    *Imunisasi*, exists in several units)."""
    groups: dict[int, tuple[str, list[Service]]] = {}
    for s in services:
        groups.setdefault(s.unit_id, (s.unit.name, []))[1].append(s)
    return list(groups.values())
