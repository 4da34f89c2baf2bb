"""Reads of a staff scorecard and of a unit subtree's fair ranking (issue 13, point 5).

A rating is one response attributed to a staff member (a survey's or a kiosk's, with a staff
context): a quick survey's satisfaction answer (``csat``, 1-5) or an SKM respondent's mean over
the unsur (1-4), both as 0-100 (:mod:`prima.metrics.rating_scale`), added up from the rollups
(:func:`prima.insights.rollups.totals` grouped by staff member), never from a loop over
responses. Paired instruments (A6, SERVQUAL, the employee survey) give no single rating per
response and are not counted.

Fairness: each staff member's mean is shrunk toward their own unit's mean
(:func:`prima.metrics.shrinkage.shrink`: Morris 1983 with DerSimonian-Laird's tau2); a ranking
lists only staff with at least :data:`prima.metrics.shrinkage.MIN_RANKED` ratings, ordered by
the shrunk mean (:func:`prima.metrics.shrinkage.rank`); the others are listed apart.

Access: a staff member linked to the user's account (``StaffMember.user``) sees their own
scorecard; an admin, manager or supervisor sees the scorecards of the staff of their subtree;
anyone else gets 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from prima import summaries
from prima.audits.models import ActionStatus, Audit, AuditVerdict, CorrectiveAction
from prima.audits.selectors import audit_scores
from prima.cases.models import OPEN_STATUSES, Case
from prima.insights import rollups
from prima.insights.periods import Period, parse_period, period_bounds, sub_periods
from prima.metrics.intervals import interval_from_sd
from prima.metrics.rating_scale import mean_of_items_totals, percent_totals
from prima.metrics.shrinkage import MIN_RANKED, ShrunkMean, StaffRatings, rank, shrink
from prima.organizations.access import memberships_of, unit_scope_q
from prima.organizations.choices import Role
from prima.organizations.models import Organization, StaffMember, Unit
from prima.surveys.models import Survey

User = AbstractBaseUser | AnonymousUser
SUPERVISING = (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR)
A_ORDER = ("ability", "attitude", "appearance", "attention", "action", "accountability")


def current_quarter(organization: Organization) -> Period:
    """The quarter of today's date in the organization's time zone (the default period)."""
    today = timezone.now().astimezone(ZoneInfo(organization.zone_name)).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


# -- access ---------------------------------------------------------------------------------------
def supervised_units(user: User) -> QuerySet[Unit]:
    """The units (with their subtrees) the user supervises, in every organization."""
    q = Q()
    found = False
    for m in memberships_of(user, SUPERVISING):
        found = True
        q |= (
            Q(organization_id=m.organization_id, path__startswith=m.unit.path)
            if m.unit is not None
            else Q(organization_id=m.organization_id)
        )
    return (
        Unit.objects.filter(q).order_by("organization__name", "path")
        if found
        else Unit.objects.none()
    )


def supervises(user: User, staff: StaffMember) -> bool:
    q = unit_scope_q(user, staff.organization, roles=SUPERVISING)
    return q is not None and StaffMember.objects.filter(q, pk=staff.pk).exists()


def own_staff(user: User) -> QuerySet[StaffMember]:
    if not user.is_authenticated:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(user=user).select_related("unit", "organization")


def staff_for(user: User, staff_id: int) -> tuple[StaffMember, bool]:
    """The staff member if the user may see their scorecard, and whether the user supervises
    them (may write coaching notes); 404 otherwise."""
    staff = (
        StaffMember.objects.select_related("unit", "organization").filter(pk=staff_id).first()
        if user.is_authenticated
        else None
    )
    if staff is None:
        raise Http404("staff member")
    boss = supervises(user, staff)
    if not boss and staff.user_id != user.pk:
        raise Http404("staff member")
    return staff, boss


# -- ratings --------------------------------------------------------------------------------------
@dataclass
class Totals:
    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def add(self, n: int, total: float, total_sq: float) -> None:
        self.n += n
        self.total += total
        self.total_sq += total_sq


def rating_totals(layout: summaries.Layout, vector: Any) -> tuple[int, float, float] | None:
    """``(n, sum, sum of squares)`` of a summary vector's ratings on 0-100; None when the
    instrument gives no single rating per response."""
    inst = layout.instrument
    if inst.kind == "ikm" and layout.ikm_codes:
        c = layout.ikm_complete
        n, total, total_sq = mean_of_items_totals(
            int(vector[c]), float(vector[c + 1]), float(vector[c + 2]), len(layout.ikm_codes)
        )
        low, high = inst.scale
    elif inst.kind == "quick" and "csat" in layout.distributions:
        first, low, high = layout.distributions["csat"]
        counts = [int(x) for x in vector[first : first + high - low + 1]]
        n = sum(counts)
        total = float(sum((low + i) * c for i, c in enumerate(counts)))
        total_sq = float(sum((low + i) ** 2 * c for i, c in enumerate(counts)))
    else:
        return None
    return percent_totals(n, total, total_sq, low=low, high=high)


def rated_surveys(organization: Organization) -> list[Survey]:
    out = []
    for survey in Survey.objects.filter(organization=organization).select_related(
        "instrument_version"
    ):
        inst = rollups.layout_of(survey.instrument_version).instrument
        if inst.kind in ("ikm", "quick"):
            out.append(survey)
    return out


def staff_totals(
    organization: Organization, staff_ids: list[int], period: Period
) -> dict[int, Totals]:
    """Each staff member's ratings in the period, from the rollups (one read per survey)."""
    out: dict[int, Totals] = defaultdict(Totals)
    if not staff_ids:
        return out
    for survey in rated_surveys(organization):
        layout = rollups.layout_of(survey.instrument_version)
        groups = rollups.totals(survey, period=period, scope=Q(staff_id__in=staff_ids), by="staff")
        for key, vector in groups.items():
            got = rating_totals(layout, vector) if key is not None else None
            if got is not None and got[0]:
                out[key].add(*got)
    return out


def monthly_means(staff: StaffMember, period: Period) -> list[tuple[str, float | None, int]]:
    """``(month label, mean rating 0-100 or None, n)`` per month of the period."""
    months = sub_periods(period, "month")
    by_month: dict[str, Totals] = defaultdict(Totals)
    for survey in rated_surveys(staff.organization):
        layout = rollups.layout_of(survey.instrument_version)
        for key, vector in rollups.totals(survey, staff=staff, period=period, by="month").items():
            got = rating_totals(layout, vector)
            if got is not None and got[0]:
                by_month[f"{key.year}-{key.month:02d}"].add(*got)
    out = []
    for m in months:
        t = by_month.get(m.label)
        out.append((m.label, t.total / t.n if t and t.n else None, t.n if t else 0))
    return out


@dataclass(frozen=True)
class Rating:
    staff: StaffMember
    n: int
    mean: float | None  # raw mean, 0-100
    ci_low: float | None
    ci_high: float | None
    shrunk: ShrunkMean | None  # None: the unit's spread cannot be estimated

    @property
    def ranked(self) -> bool:
        return self.n >= MIN_RANKED and self.shrunk is not None


def _raw(staff: StaffMember, t: Totals | None, est: ShrunkMean | None) -> Rating:
    if t is None or t.n == 0:
        return Rating(staff, 0, None, None, None, None)
    mean = t.total / t.n
    sd = None
    if t.n > 1:
        variance = max(t.total_sq - t.total * t.total / t.n, 0.0) / (t.n - 1)
        sd = variance**0.5
    ci = interval_from_sd(t.n, mean, sd)
    return Rating(staff, t.n, mean, ci.ci_low, ci.ci_high, est)


def unit_estimates(totals: dict[int, Totals], members: list[StaffMember]) -> dict[int, ShrunkMean]:
    """The shrunk means of one unit's staff (empty when the unit's spread is unknown)."""
    rated = [
        StaffRatings(str(s.pk), totals[s.pk].n, totals[s.pk].total, totals[s.pk].total_sq)
        for s in members
        if s.pk in totals and totals[s.pk].n
    ]
    try:
        result = shrink(rated)
    except ValueError:  # no ratings, or nobody with two: no within-staff variance
        return {}
    return {int(e.key): e for e in result.staff}


def ratings_of(
    organization: Organization, staff: list[StaffMember], period: Period
) -> list[Rating]:
    """Every listed staff member's rating, shrunk toward their own unit's mean (the unit's
    other staff count in the unit's mean even when they are not listed)."""
    unit_ids = {s.unit_id for s in staff}
    members = list(StaffMember.objects.filter(organization=organization, unit_id__in=unit_ids))
    totals = staff_totals(organization, [s.pk for s in members], period)
    by_unit: dict[int, list[StaffMember]] = defaultdict(list)
    for s in members:
        by_unit[s.unit_id].append(s)
    estimates: dict[int, ShrunkMean] = {}
    for unit_members in by_unit.values():
        estimates.update(unit_estimates(totals, unit_members))
    return [_raw(s, totals.get(s.pk), estimates.get(s.pk)) for s in staff]


@dataclass
class Ranking:
    unit: Unit
    period: Period
    ranked: list[Rating] = field(default_factory=list)  # best first, n >= MIN_RANKED only
    too_few: list[Rating] = field(default_factory=list)  # listed apart, never ranked
    min_ranked: int = MIN_RANKED


def ranking(unit: Unit, period: Period) -> Ranking:
    """The fair ranking of a unit subtree's staff (see the module)."""
    staff = list(
        StaffMember.objects.filter(
            organization_id=unit.organization_id, unit__path__startswith=unit.path
        ).select_related("unit")
    )
    ratings = ratings_of(unit.organization, staff, period)
    by_key = {str(r.staff.pk): r for r in ratings}
    order = rank(r.shrunk for r in ratings if r.shrunk is not None)
    out = Ranking(unit, period)
    out.ranked = [by_key[e.key] for e in order]
    ranked_keys = {e.key for e in order}
    out.too_few = sorted(
        (r for r in ratings if str(r.staff.pk) not in ranked_keys),
        key=lambda r: (-r.n, r.staff.name.casefold(), r.staff.pk),
    )
    return out


# -- audits and cases -----------------------------------------------------------------------------
@dataclass
class AuditSummary:
    count: int = 0
    scored: int = 0
    mean: float | None = None  # mean overall score (percent) of the scored audits
    per_a: list[tuple[str, float | None, int]] = field(default_factory=list)  # (A, mean, audits)
    critical_audits: int = 0  # audits failed on a critical line
    critical_lines: int = 0
    failed: int = 0  # below the pass mark or failed on a critical line
    audits: list[Audit] = field(default_factory=list)


def audit_summary(staff: StaffMember, period: Period) -> AuditSummary:
    start, end = period_bounds(period)
    audits = list(
        Audit.objects.filter(
            organization_id=staff.organization_id,
            staff_member=staff,
            observed_at__gte=start,
            observed_at__lt=end,
        )
        .select_related("checklist_version", "unit")
        .prefetch_related("answers")
    )
    out = AuditSummary(count=len(audits), audits=audits)
    scores = [Fraction(str(a.score)) for a in audits if a.score is not None]
    out.scored = len(scores)
    out.mean = float(sum(scores) / len(scores)) if scores else None
    per_a: dict[str, list[Fraction]] = defaultdict(list)
    for audit in audits:
        for a, score in audit_scores(audit).per_a.items():
            if score.percent is not None:
                per_a[a].append(score.percent)
        if audit.verdict == AuditVerdict.FAILED_CRITICAL:
            out.critical_audits += 1
        if audit.verdict in (AuditVerdict.FAILED, AuditVerdict.FAILED_CRITICAL):
            out.failed += 1
        out.critical_lines += len(audit.critical_failures or [])
    keys = [a for a in A_ORDER if a in per_a] + sorted(a for a in per_a if a not in A_ORDER)
    out.per_a = [(a, float(sum(per_a[a]) / len(per_a[a])), len(per_a[a])) for a in keys]
    return out


def cases_naming(staff: StaffMember, period: Period) -> dict[str, int]:
    """The cases received in the period that name the staff member: total, still open and
    closed (resolved or rejected)."""
    start, end = period_bounds(period)
    qs = Case.objects.filter(
        organization_id=staff.organization_id,
        staff=staff,
        received_at__gte=start,
        received_at__lt=end,
    )
    total = qs.count()
    still_open = qs.filter(status__in=OPEN_STATUSES).count()
    return {"total": total, "open": still_open, "closed": total - still_open}


def corrective_actions(staff: StaffMember, period: Period) -> dict[str, int]:
    """The corrective actions made from the staff member's audits of the period: total, still
    open, overdue (open past their due date, the organization's today) and verified."""
    start, end = period_bounds(period)
    qs = CorrectiveAction.objects.filter(
        organization_id=staff.organization_id,
        audit__staff_member=staff,
        audit__observed_at__gte=start,
        audit__observed_at__lt=end,
    )
    today = timezone.now().astimezone(ZoneInfo(staff.organization.zone_name)).date()
    return {
        "total": qs.count(),
        "open": qs.filter(status=ActionStatus.OPEN).count(),
        "overdue": qs.filter(status=ActionStatus.OPEN, due_date__lt=today).count(),
        "verified": qs.filter(status=ActionStatus.VERIFIED).count(),
    }
