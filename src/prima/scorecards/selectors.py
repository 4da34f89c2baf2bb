"""The triple-win scorecard of a unit (with its subtree) or the whole organization for a period
(issue 12, point 5): the customer, the employee and the organization side by side, each
measure with its n, 95% interval and change from the previous period of the same length, and
the verdict of :func:`prima.metrics.triple_win.verdict`.

- **Customer**: the customer index of the external surveys -- IKM (SKM surveys) or else the
  overall gap (paired surveys), from the survey with the most respondents in the period -- and
  the NPS of every external survey that asks it, pooled as counts (``methods.md`` 5: never
  average NPS values).
- **Employee**: the overall gap and the eNPS of the employee survey with the most respondents,
  from its release for the period (:mod:`prima.insights.release`: the confidentiality threshold;
  a hidden group shows its band and nothing else).
- **Organization**: loyalty (the customers' NPS, shown again here and judged on the customer
  side only, and the share who would come back where the survey asks it, with Wilson's
  interval), complaint handling (the share resolved on time with Wilson's interval and its
  change with Newcombe's, the satisfaction with the handling) and the volume served (customer
  responses and complaints received; context, never judged).

Changes are tested as the dashboard tests them (:func:`prima.insights.figures.difference_test`:
Welch's t on the respondents' scores or gaps, the NPS difference test).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from prima import summaries
from prima.cases.selectors import case_measures
from prima.insights import rollups
from prima.insights.figures import difference_test, figure
from prima.insights.periods import Period, parse_period, previous_period
from prima.insights.release import masked_vector, quarter_holding, release_of, shown_results
from prima.insights.results import results_of
from prima.metrics.compare import nps_difference_test, welch_t_test
from prima.metrics.correlation import SpearmanResult, reading, spearman
from prima.metrics.handling import HandlingMeasures
from prima.metrics.nps import nps_from_counts
from prima.metrics.proportions import newcombe_difference, wilson
from prima.metrics.triple_win import Measure, Side, below_standard, verdict
from prima.organizations.access import User, unit_scope_q
from prima.organizations.models import Organization, Unit
from prima.surveys.models import Survey

RETURN_ITEM = "kembali"  # the quick form's "would you come back" (0 = no, 1 = yes)


@dataclass(frozen=True)
class Totals:
    """One survey's summary vector for the scope and period, with its layout."""

    survey: Survey
    layout: summaries.Layout
    vector: np.ndarray

    @property
    def n(self) -> int:
        return int(self.vector[0])

    def results(self, unit: Unit | None, period: Period) -> dict[str, Any]:
        return results_of(self.survey, self.layout, self.vector, unit=unit, period=period)

    def counts(self, key: str) -> dict[int, int]:
        return summaries.distributions(self.layout, self.vector).get(key, {})


def _totals(survey: Survey, unit: Unit | None, period: Period) -> Totals:
    layout = rollups.layout_of(survey.instrument_version)
    vector = rollups.totals(survey, unit=unit, period=period)[None]
    return Totals(survey, layout, vector)


def _promoter_counts(counts: dict[int, int]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) of 0-10 answer counts (``methods.md`` 5)."""
    return (
        sum(c for v, c in counts.items() if v >= 9),
        sum(c for v, c in counts.items() if 7 <= v <= 8),
        sum(c for v, c in counts.items() if v <= 6),
    )


def _pooled(totals: list[Totals], key: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for t in totals:
        for value, count in t.counts(key).items():
            out[value] = out.get(value, 0) + count
    return out


def _nps_measure(key: str, now: dict[int, int], before: dict[int, int]) -> Measure:
    current, previous = _promoter_counts(now), _promoter_counts(before)
    result = nps_from_counts(*current)
    prior = nps_from_counts(*previous)
    test = nps_difference_test(previous, current) if result.n and prior.n else None
    return Measure(
        key,
        result.nps,
        result.n,
        result.ci_low,
        result.ci_high,
        previous=prior.nps,
        change=test.difference if test else None,
        change_low=test.ci_low if test else None,
        change_high=test.ci_high if test else None,
        below_standard=below_standard(key, ci_high=result.ci_high),
    )


def _index_measure(metric: str, now: dict[str, Any], before: dict[str, Any]) -> Measure | None:
    """The customer's or the employees' index (``ikm`` or ``gap``) with its change."""
    current, previous = figure(metric, now), figure(metric, before)
    if current is None or current.value is None:
        return None
    test = difference_test(metric, before, now) if previous and previous.value is not None else None
    previous_value = previous.value if previous is not None else None
    return Measure(
        metric,
        current.value,
        current.n,
        current.ci_low,
        current.ci_high,
        previous=previous_value,
        change=None if previous_value is None else current.value - previous_value,
        change_low=test.ci_low if test else None,
        change_high=test.ci_high if test else None,
        below_standard=below_standard(metric, grade=current.grade, verdict=current.verdict),
    )


def _extra(measure: Measure | None, **fields: Any) -> dict[str, Any] | None:
    return None if measure is None else {**measure.as_dict(), **fields}


@dataclass(frozen=True)
class Scope:
    organization: Organization
    unit: Unit | None
    period: Period

    @property
    def previous(self) -> Period:
        return previous_period(self.period)


def _customer(scope: Scope, external: list[Survey]) -> tuple[Side, dict[str, Any]]:
    now = [_totals(s, scope.unit, scope.period) for s in external]
    before = {t.survey.pk: _totals(t.survey, scope.unit, scope.previous) for t in now}
    index: Measure | None = None
    index_survey = None
    for metric in ("ikm", "gap"):
        candidates = [
            t for t in now if t.n and metric in summaries.supported_methods(t.layout.instrument)
        ]
        if candidates:
            best = max(candidates, key=lambda t: t.n)
            index = _index_measure(
                metric,
                best.results(scope.unit, scope.period),
                before[best.survey.pk].results(scope.unit, scope.previous),
            )
            index_survey = best.survey
            break
    asking = [t for t in now if "nps" in t.layout.distributions]
    nps = (
        _nps_measure(
            "nps", _pooled(asking, "nps"), _pooled([before[t.survey.pk] for t in asking], "nps")
        )
        if asking
        else None
    )
    measures = tuple(m for m in (index, nps) if m is not None)
    body = {
        "index": _extra(
            index,
            method=index.key if index else None,
            survey=index_survey.code if index_survey else None,
        ),
        "nps": _extra(nps, surveys=[t.survey.code for t in asking]),
        "responses": sum(t.n for t in now),
        "previous_responses": sum(t.n for t in before.values()),
    }
    return Side("customer", measures), body


def _employee(scope: Scope, surveys: list[Survey]) -> tuple[Side, dict[str, Any]]:
    """The employee side from the release of the quarter holding the period's last day (an
    employee survey is released per quarter: docs/disclosure.md) and the quarter before; the
    change only against a previous quarter whose group and figure are shown, each figure under
    its own count (``prima.insights.release.shown_results``)."""
    unit_id = scope.unit.pk if scope.unit is not None else None
    node = unit_id if unit_id is not None else "organization"
    quarter = quarter_holding(scope.period)
    previous = previous_period(quarter)
    releases = [r for r in (release_of(s, quarter) for s in surveys) if r.tree.n]
    quarters = {"quarter": quarter.label, "previous_quarter": previous.label}
    if not releases:
        body = {"survey": None, "k": scope.organization.disclosure_threshold, "suppressed": False}
        return Side("employee", ()), {**body, **quarters, "n": 0, "gap": None, "enps": None}
    release = max(releases, key=lambda r: r.tree.n)
    decision = release.decision(unit_id)
    body: dict[str, Any] = {"survey": release.survey.code, "k": release.k, **quarters}
    if not decision.shown:
        # the band "<k" when below k; null when hidden by complementary suppression
        body.update(suppressed=True, n=decision.band, gap=None, enps=None)
        return Side("employee", (Measure("gap", None, 0, suppressed=True),)), body
    layout = rollups.layout_of(release.survey.instrument_version)
    vector = release.group_vector(unit_id)
    earlier = release_of(release.survey, previous)
    shown_before = bool(earlier.tree.n) and earlier.decision(unit_id).shown
    before_vector = earlier.group_vector(unit_id) if shown_before else np.zeros_like(vector)
    now = shown_results(release, [node], vector, unit=scope.unit, period=quarter)
    hidden_before = earlier.hidden(node) if shown_before else set()
    before = results_of(
        release.survey,
        layout,
        masked_vector(layout, before_vector, hidden_before),
        unit=scope.unit,
        period=previous,
    )
    gap = _index_measure("gap", now, before)
    enps = None
    if summaries.ENPS in layout.distributions:
        enps = _nps_measure(
            summaries.ENPS,
            summaries.distributions(layout, masked_vector(layout, vector, release.hidden(node)))[
                summaries.ENPS
            ],
            summaries.distributions(layout, masked_vector(layout, before_vector, hidden_before))[
                summaries.ENPS
            ],
        )
    body.update(
        suppressed=False,
        n=decision.n,
        gap=_extra(gap),
        enps=_extra(enps),
        previous_shown=shown_before,
    )
    return Side("employee", tuple(m for m in (gap, enps) if m is not None)), body


def _share_measure(key: str, now: tuple[int, int], before: tuple[int, int]) -> Measure:
    """A share (k of n) with Wilson's interval and its change with Newcombe's."""
    share = wilson(*now)
    diff = newcombe_difference(before, now)
    return Measure(
        key,
        share.share,
        share.n,
        share.ci_low,
        share.ci_high,
        previous=diff.before.share,
        change=diff.difference,
        change_low=diff.ci_low,
        change_high=diff.ci_high,
    )


def _satisfaction_measure(now: HandlingMeasures, before: HandlingMeasures) -> Measure | None:
    s, p = now.satisfaction, before.satisfaction
    if not s.n:
        return None
    test = welch_t_test(p.n, p.mean, p.sd, s.n, s.mean, s.sd) if p.n else None
    return Measure(
        "satisfaction",
        s.mean,
        s.n,
        s.ci_low,
        s.ci_high,
        previous=p.mean,
        change=test.difference if test else None,
        change_low=test.ci_low if test else None,
        change_high=test.ci_high if test else None,
        below_standard=below_standard("satisfaction", ci_high=s.ci_high),
    )


def _organization(
    scope: Scope, user: User, external: list[Survey], customer: dict[str, Any]
) -> tuple[Side, dict[str, Any]]:
    asking = [
        s for s in external if RETURN_ITEM in rollups.layout_of(s.instrument_version).distributions
    ]
    back_now = _pooled([_totals(s, scope.unit, scope.period) for s in asking], RETURN_ITEM)
    back_before = _pooled([_totals(s, scope.unit, scope.previous) for s in asking], RETURN_ITEM)
    returning = None
    if asking and sum(back_now.values()):
        returning = _share_measure(
            "return_intent",
            (back_now.get(1, 0), sum(back_now.values())),
            (back_before.get(1, 0), sum(back_before.values())),
        )
    p = scope.period
    now = case_measures(user, scope.organization, unit=scope.unit, start=p.start, end=p.end)
    q = scope.previous
    before = case_measures(user, scope.organization, unit=scope.unit, start=q.start, end=q.end)
    on_time = None
    if now.resolved:
        on_time = _share_measure(
            "on_time",
            (now.resolved_on_time, now.resolved),
            (before.resolved_on_time, before.resolved),
        )
    satisfaction = _satisfaction_measure(now, before)
    served = customer["responses"] + now.received
    served_before = customer["previous_responses"] + before.received
    volume = Measure(
        "volume",
        float(served),
        served,
        previous=float(served_before),
        change=float(served - served_before),
    )
    body = {
        "loyalty": {
            "nps": customer["nps"],  # judged on the customer side only
            "return_intent": _extra(returning),
        },
        "handling": {
            "received": now.received,
            "resolved": now.resolved,
            "on_time": _extra(on_time),
            "satisfaction": _extra(satisfaction),
        },
        "volume": {
            "responses": customer["responses"],
            "cases": now.received,
            "total": served,
            "previous_total": served_before,
        },
    }
    measures = tuple(m for m in (returning, on_time, satisfaction, volume) if m is not None)
    return Side("organization", measures), body


def triple_win(user: User, scope: Scope) -> dict[str, Any]:
    """The scorecard object of the API (``GET /api/v1/scorecards/triple-win``) for a scope the
    caller has checked the user may see (:func:`scope_for`)."""
    surveys = list(
        Survey.objects.filter(organization=scope.organization)
        .select_related("instrument_version", "organization")
        .order_by("pk")
    )
    external = [s for s in surveys if not s.is_employee]
    employees = [s for s in surveys if s.is_employee]
    customer_side, customer = _customer(scope, external)
    employee_side, employee = _employee(scope, employees)
    organization_side, organization = _organization(scope, user, external, customer)
    sides = (customer_side, employee_side, organization_side)
    result = verdict(sides)
    for side, body in zip(sides, (customer, employee, organization), strict=True):
        body["status"] = side.status
        body["reasons"] = side.reasons
    return {
        "organization_slug": scope.organization.slug,
        "unit": scope.unit.pk if scope.unit is not None else None,
        "unit_name": scope.unit.name if scope.unit is not None else scope.organization.name,
        "period": scope.period.label,
        "previous_period": scope.previous.label,
        "customer": customer,
        "employee": employee,
        "organization": organization,
        "verdict": result.as_dict(),
    }


class NeedsUnit(ValueError):
    """A user whose roles cover some units only asked for the whole organization."""


def scope_for(user: User, organization: Organization, unit: Unit | None, period: Period) -> Scope:
    """The scope if ``user`` may see the results of ``unit`` (``None``: the whole organization,
    for an organization-wide role: :class:`NeedsUnit` otherwise), else 404."""
    q = unit_scope_q(user, organization, field="")
    if q is None:
        raise Http404("organization")
    if unit is None:
        if q != Q():
            raise NeedsUnit("name a unit of your scope")
    elif not Unit.objects.filter(q, organization=organization, pk=unit.pk).exists():
        raise Http404("unit")
    return Scope(organization, unit, period)


def current_quarter(organization: Organization) -> Period:
    """The quarter of today's date in the organization's time zone."""
    today = timezone.now().astimezone(ZoneInfo(organization.zone_name)).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


@dataclass(frozen=True)
class UnitPoint:
    unit: Unit
    internal: float  # the employees' overall gap
    customer: float  # the customer index (IKM or overall gap)
    employees: int
    customers: int


@dataclass(frozen=True)
class InternalFirst:
    """Each unit's internal index against its customer index, and their rank correlation."""

    method: str | None  # the customer index: "ikm" or "gap"; None without a customer survey
    points: list[UnitPoint]
    hidden: int  # units with employee answers left out by the confidentiality threshold
    spearman: SpearmanResult | None
    reading: str  # prima.metrics.correlation.reading: positive, negative, cannot_tell


def internal_first(user: User, scope: Scope) -> InternalFirst:
    """The "internal first" view (issue 12, point 5; ``docs/disclosure.md``): for the units of
    the scope whose employee group the period's release shows and none of whose shown
    descendants is (the finest shown level, so no respondent is counted twice), x = the
    employees' overall gap and y = the customer index of the same subtree (IKM of the SKM
    survey with the most respondents, else the overall gap of a paired external survey);
    Spearman's rho with its interval over those units (:func:`prima.metrics.correlation.spearman`).
    Units the threshold hides are left out and counted in ``hidden``."""
    surveys = list(
        Survey.objects.filter(organization=scope.organization).select_related("instrument_version")
    )
    quarter = quarter_holding(scope.period)  # an employee survey is released per quarter
    releases = [r for r in (release_of(s, quarter) for s in surveys if s.is_employee) if r.tree.n]
    external = [_totals(s, scope.unit, scope.period) for s in surveys if not s.is_employee]
    method, customer_survey = None, None
    for metric in ("ikm", "gap"):
        found = [
            t
            for t in external
            if t.n and metric in summaries.supported_methods(t.layout.instrument)
        ]
        if found:
            method, customer_survey = metric, max(found, key=lambda t: t.n).survey
            break
    if not releases or customer_survey is None or method is None:
        return InternalFirst(method, [], 0, None, "cannot_tell")
    release = max(releases, key=lambda r: r.tree.n)
    q = unit_scope_q(user, scope.organization, field="") or Q()
    units = Unit.objects.filter(q, organization=scope.organization)
    if scope.unit is not None:
        units = units.filter(path__startswith=scope.unit.path)
    visible = {u.pk: u for u in units}
    answered = {u for u in visible if int(release.group_vector(u)[0])}
    shown = {u for u in answered if release.decision(u).shown}
    finest = [u for u in shown if not any(d != u and d in shown for d in release.subtree(u))]
    points = []
    for pk in sorted(finest, key=lambda p: visible[p].path):
        unit = visible[pk]
        vector = release.group_vector(pk)
        employees = shown_results(release, [pk], vector, unit=unit, period=quarter)
        internal = figure("gap", employees)
        customers = _totals(customer_survey, unit, scope.period)
        index = figure(method, customers.results(unit, scope.period)) if customers.n else None
        if internal is None or internal.value is None or index is None or index.value is None:
            continue
        points.append(UnitPoint(unit, internal.value, index.value, int(vector[0]), customers.n))
    hidden = len(answered - shown)
    if len(points) < 2:
        return InternalFirst(method, points, hidden, None, "cannot_tell")
    result = spearman([p.internal for p in points], [p.customer for p in points])
    return InternalFirst(method, points, hidden, result, reading(result))
