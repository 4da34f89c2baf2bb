"""The dashboard's headline figures: what a unit head reads first.

Every figure comes from the objects the detail sections show (``survey_results``), so a card
and its section never disagree: the headline index with its 95% interval and mutu, the
respondents against the Krejcie-Morgan minimum (``methods.md`` 7), the change from the
previous period of the same length tested with :mod:`prima.metrics.compare` (Welch's t test
on the respondents' scores, or the difference of two NPS, two-sided at 5% — the same tests the
alerts use), NPS or the overall gap where the instrument has them, and the alerts raised for
the selection; and, when complaints exist and the viewer may see them, the open and late cases
(:func:`case_counts`, :mod:`prima.dashboard.complaints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from prima.insights.figures import PLACES, Figure, difference_test, figure
from prima.insights.periods import Period, parse_period, previous_period
from prima.metrics.compare import DifferenceTest
from prima.organizations.models import Unit
from prima.reports.skm import SampleAdequacy
from prima.surveys.models import Survey

UNDEFINED = {
    "fewer than 2 respondents in a period": gettext_noop(
        "fewer than 2 respondents in one of the periods"
    ),
    "no variance in either period": gettext_noop("no variance in either period"),
}
RECENT_ALERT_DAYS = 90
"""Without a chosen period, the alerts raised in this many days count as open."""


@dataclass(frozen=True)
class Change:
    """This period's value minus the previous period's, and whether the test finds it
    significant (``test`` is :class:`prima.metrics.compare.DifferenceTest`)."""

    previous: Period
    previous_value: float | None
    difference: float | None
    test: DifferenceTest | None
    places: int
    current: Period | None = None
    """The period compared with ``previous`` when it is not the selection's own (no period
    chosen: the latest complete quarter, :func:`latest_complete_quarter`)."""
    current_value: float | None = None

    @property
    def defined(self) -> bool:
        return self.difference is not None

    @property
    def significant(self) -> bool:
        return self.test is not None and self.test.significant

    @property
    def direction(self) -> str:
        """``up``, ``down`` or ``flat`` (after rounding to the places shown)."""
        if self.difference is None or round(self.difference, self.places) == 0:
            return "flat"
        return "up" if self.difference > 0 else "down"

    @property
    def reason(self) -> str:
        """Why there is no test, in the page's language ("" when there is one)."""
        if self.previous_value is None:
            return _("no respondents in the previous period")
        if self.test is None or self.test.defined:
            return ""
        note = self.test.notes[0] if self.test.notes else ""
        return _(UNDEFINED.get(note, note)) if note else ""


@dataclass
class Headline:
    figure: Figure | None
    responses: int
    adequacy: SampleAdequacy | None
    change: Change | None
    change_period: Period | None = None
    """Without a chosen period: the latest complete quarter the change card compares (with the
    quarter before it), also when it had no respondents (then ``change`` is None)."""
    extra: list[Figure] = field(default_factory=list)  # NPS or the overall gap besides
    alerts: int | None = None
    cases: Any = None  # prima.dashboard.complaints.CaseCounts, when shown


def change(
    metric: str,
    current: dict[str, Any],
    previous: dict[str, Any],
    previous_label: Period,
    current_period: Period | None = None,
) -> Change | None:
    """The change of the headline figure from ``previous`` to ``current`` (the results of
    ``current_period`` when that is not the selection's own period)."""
    now, before = figure(metric, current), figure(metric, previous)
    if now is None or now.value is None:
        return None
    previous_value = before.value if before is not None else None
    difference = None if previous_value is None else now.value - previous_value
    test = difference_test(metric, previous, current) if previous_value is not None else None
    return Change(
        previous_label,
        previous_value,
        difference,
        test,
        PLACES.get(metric, 2),
        current=current_period,
        current_value=now.value if current_period is not None else None,
    )


def open_alerts(
    survey: Survey,
    unit: Unit | None,
    scope_units: list[Unit],
    whole_org: bool,
    period: Period | None,
) -> int:
    """Alerts of ``survey`` raised for the selected unit's subtree (or the viewer's units; the
    organization's own alerts only for organization-wide roles), for periods inside the
    selected one, or raised in the last :data:`RECENT_ALERT_DAYS` days without a period."""
    from prima.alerts.models import Alert

    qs = Alert.objects.filter(survey=survey)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    elif not whole_org:
        qs = qs.filter(unit__in=scope_units)
    if period is None:
        return qs.filter(created_at__gte=timezone.now() - timedelta(days=RECENT_ALERT_DAYS)).count()
    count = 0
    for label in qs.values_list("period", flat=True):
        try:
            p = parse_period(label)
        except ValueError:
            continue
        if period.start <= p.start and p.end <= period.end:
            count += 1
    return count


def case_counts(user: Any, survey: Survey, unit: Unit | None, filters: Any) -> Any:
    """Open and late complaint cases of the selection (issue 11), a
    :class:`prima.dashboard.complaints.CaseCounts`; None (no card) unless the viewer may see
    cases and the survey's organization has any (``filters``: the dashboard's, for the period,
    service and staff member)."""
    from prima.dashboard.complaints import open_and_late

    return open_and_late(
        user,
        survey.organization,
        unit,
        filters.period,
        filters.custom,
        service=filters.service,
        staff=filters.staff,
    )


def previous_of(period: Period | None, custom: bool) -> Period | None:
    """The period the change is measured from (None without a chosen period)."""
    return None if period is None else previous_period(period, custom)


def latest_complete_quarter(span: Period | None, today: date) -> Period | None:
    """Without a chosen period the change card compares the latest complete quarter (triwulan,
    the shortest SKM period in ``skm.md``) that has responses with the quarter before it: the
    quarter of the survey's last response when that quarter has ended, else the last quarter
    that has ended (the current one is still filling). None without responses (``span``, the
    whole months from the first to the last response) or when no quarter of them has ended.

    >>> latest_complete_quarter(Period("", date(2025, 1, 1), date(2026, 8, 1)), date(2026, 7, 20)).label
    '2026-Q2'
    >>> latest_complete_quarter(Period("", date(2025, 1, 1), date(2025, 6, 1)), date(2026, 7, 20)).label
    '2025-Q2'
    >>> latest_complete_quarter(Period("", date(2026, 7, 1), date(2026, 8, 1)), date(2026, 7, 20)) is None
    True
    """
    if span is None:
        return None
    last = span.end - timedelta(days=1)
    quarter = parse_period(f"{last.year}-Q{(last.month - 1) // 3 + 1}")
    if quarter.end > today:  # still in progress: the last one that has ended
        quarter = previous_period(parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}"))
    return quarter if quarter.end > span.start else None
