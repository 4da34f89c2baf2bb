"""Results of a survey for a unit, service and period, computed by the analytics core.

The stored answers are laid out as the columns of a ``prima analyze`` file (one row per
response, one column per question key) and handed to :mod:`prima.analysis`: the results page,
the API and ``prima analyze`` on ``prima export`` give the same numbers by construction.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from prima import analysis
from prima.insights.periods import Period
from prima.instruments import Instrument
from prima.organizations.models import Service, StaffMember, Unit
from prima.surveys.models import Response, Survey
from prima.tabular import Table


def supported_methods(instrument: Instrument) -> list[str]:
    """The analyses an instrument's answers support, in display order."""
    keys = {i.id for i in instrument.items}
    if instrument.kind == "ikm":
        return ["ikm"]
    if instrument.kind == "paired":
        methods = ["gap", "ipa", "csi"]
        if instrument.name.startswith("servqual"):
            methods.insert(1, "servqual")
        return methods
    return ["nps"] if "nps" in keys else []


def responses_in_scope(
    survey: Survey,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
    scope: Q | None = None,
) -> QuerySet[Response]:
    qs = Response.objects.filter(Response.COUNTED, survey=survey)
    if scope is not None:
        qs = qs.filter(scope)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if service is not None:
        qs = qs.filter(service=service)
    if staff is not None:
        qs = qs.filter(staff=staff)
    if period is not None:
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(period.start, time.min), tz)
        end = timezone.make_aware(datetime.combine(period.end, time.min), tz)
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)
    return qs


def answers_table(survey: Survey, responses: QuerySet[Response]) -> Table:
    keys = [q.key for q in survey.instrument_version.questions]
    # in id order, as ``prima export`` writes them: float sums then agree to the last bit
    rows = [
        [answers.get(k) for k in keys]
        for answers in responses.order_by("pk")
        .values_list("answers", flat=True)
        .iterator(chunk_size=5000)
    ]
    return Table(
        f"survey {survey.code}",
        keys,
        len(rows),
        _rows=rows,
        _row_numbers=list(range(2, len(rows) + 2)),
    )


def survey_results(
    survey: Survey,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    staff: StaffMember | None = None,
    period: Period | None = None,
    scope: Q | None = None,
) -> dict[str, Any]:
    """``{"n": ..., "<method>": <the object prima analyze <method> --json prints>, ...}``."""
    instrument = survey.instrument_version.parsed
    table = answers_table(
        survey,
        responses_in_scope(
            survey, unit=unit, service=service, staff=staff, period=period, scope=scope
        ),
    )
    out: dict[str, Any] = {
        "survey": survey.code,
        "instrument": {"name": instrument.name, "version": survey.instrument_version.number},
        "unit": unit.pk if unit else None,
        "service": service.pk if service else None,
        "staff": staff.pk if staff else None,
        "period": period.label if period else None,
        "responses": table.n_rows,
    }
    for method in supported_methods(instrument):
        if method == "ikm":
            out["ikm"] = analysis.report_ikm(table, instrument=instrument)
        elif method == "gap":
            out["gap"] = analysis.report_gap(table, instrument=instrument)
        elif method == "servqual":
            out["servqual"] = analysis.report_servqual(table, instrument=instrument)
        elif method == "ipa":
            out["ipa"] = analysis.report_ipa(table, instrument=instrument)
        elif method == "csi":
            out["csi"] = analysis.report_csi(table, instrument=instrument)
        elif method == "nps":
            out["nps"] = analysis.report_nps(table)
    return analysis.jsonable(out)
