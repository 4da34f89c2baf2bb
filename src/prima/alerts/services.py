"""Alerts: a unit's headline index below its threshold, or significantly down on the previous
period; each new alert notifies the unit's managers and admins (email and in the app).

Every number comes from :func:`prima.insights.results.survey_results` (the results page's and
the API's numbers); the comparison of two periods is :mod:`prima.metrics.compare`. The headline
index follows the survey's instrument:

- SKM (``ikm``): the converted IKM, rounded half-up to two decimals as the mutu bands are
  (``skm.md``), below the rule's threshold (default 76,61: mutu below B). The drop test compares
  the converted scores of the respondents who answered every unsur (``survey_results``'
  ``ikm.respondent_score``: {n, mean, sd}) with Welch's t test; where that is missing (an
  older results object) the test is skipped, with a note.
- paired (``gap``): the overall performance-expectation gap whose 95% interval lies wholly below
  0 (the *tidak memuaskan* verdict, ``methods.md`` section 1); drop: Welch's t test of the mean
  overall gap.
- NPS (``nps``): the NPS below the rule's threshold; drop: the difference of the two NPS with
  their variances (adjusted Wald, ``methods.md`` section 5).

A drop is significant when the 95% interval of (this period - the previous period of the same
length) lies wholly below 0, i.e. a two-sided test at 5% with a negative difference. A period
with fewer counted respondents than the rule's minimum raises nothing (``methods.md``: undefined
is never read as "no change", nor as an alert).

An alert is stored once per survey, unit (None: the whole organization), period and kind (two
unique constraints; ``get_or_create`` inside a savepoint, so two checks at once store one), so
:func:`evaluate_alerts` may run as often as wanted (``prima alerts check`` from a cron job or a
systemd timer, and after each import): only a new alert notifies. Scopes holding the same
responses (the organization and its only top unit, a unit and its only answering subunit) are
one scope: the deepest is checked, so one problem raises one alert, named with the unit's path.

The first check on an install looks only at the current and the last month
(:func:`check_periods`); later checks look at the current and last closed month and quarter
that begin on or after that first window, so an install never raises alerts for a past it has
just been given.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from prima.alerts.models import (
    DEFAULTS,
    IKM_MUTU_B,
    Alert,
    AlertCheck,
    AlertKind,
    AlertRule,
    Notification,
)
from prima.formats import period_label
from prima.insights import rollups
from prima.insights.periods import Period, parse_period, previous_period
from prima.insights.release import Release, quarter_holding, release_of, shown_results
from prima.insights.results import supported_methods, survey_results
from prima.metrics.compare import DifferenceTest, nps_difference_test, welch_t_test
from prima.metrics.rounding import format_number, round_half_up
from prima.organizations.choices import Role
from prima.organizations.models import Membership, Organization, Unit
from prima.organizations.unit_labels import path_label
from prima.surveys.models import Response, Survey

log = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.ADMIN, Role.MANAGER)

METRIC_LABELS = {
    "ikm": gettext_lazy("IKM (converted score 25-100)"),
    "gap": gettext_lazy("overall performance-expectation gap"),
    "nps": gettext_lazy("Net Promoter Score (NPS)"),
}
METRIC_SHORT = {"ikm": "IKM", "gap": gettext_lazy("Gap"), "nps": "NPS"}
PLACES = {"ikm": 2, "gap": 2, "nps": 1}  # as the dashboard shows them ("-0,45")
TEST_LABELS = {
    "welch": gettext_lazy("Welch's t test"),
    "nps-adjusted-wald": gettext_lazy("test of the difference of two NPS (adjusted Wald)"),
    "nps-wald": gettext_lazy("test of the difference of two NPS (Wald)"),
}
NOTE_NO_RESPONDENT_SCORE = gettext_lazy(
    "IKM drop test skipped: survey_results has no ikm.respondent_score "
    "(converted score per respondent)"
)


# -- periods -----------------------------------------------------------------------------------
def default_periods(today: date | None = None) -> list[Period]:
    """The current and the last closed month and quarter."""
    day = today or timezone.localdate()
    month = parse_period(f"{day.year}-{day.month:02d}")
    quarter = parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return [month, previous_period(month), quarter, previous_period(quarter)]


def check_periods(today: date | None = None) -> list[Period]:
    """The periods a check without ``--period`` looks at. The first check on an install (it
    records its day, :class:`AlertCheck`) looks only at the current and the last month; later
    checks at :func:`default_periods` that begin on or after that first window (the first
    check's last month), so a new install is not flooded with alerts about its past."""
    day = today or timezone.localdate()
    month = parse_period(f"{day.year}-{day.month:02d}")
    first, created = AlertCheck.objects.get_or_create(pk=1, defaults={"first_on": day})
    if created:
        return [month, previous_period(month)]
    start = previous_period(parse_period(f"{first.first_on:%Y-%m}")).start
    return [p for p in default_periods(day) if p.start >= start]


# -- rules -------------------------------------------------------------------------------------
def rule_for(survey: Survey) -> AlertRule:
    """The survey's own rule, else its organization's rule for all surveys, else the defaults."""
    rules = {
        r.survey_id: r
        for r in AlertRule.objects.filter(
            Q(survey=survey) | Q(survey__isnull=True), organization_id=survey.organization_id
        )
    }
    return (
        rules.get(survey.pk)
        or rules.get(None)
        or AlertRule(organization_id=survey.organization_id, **DEFAULTS)
    )


def headline_metric(survey: Survey) -> str | None:
    methods = supported_methods(survey.instrument_version.parsed)
    for metric in ("ikm", "gap", "nps"):
        if metric in methods:
            return metric
    return None


# -- assessing one scope ------------------------------------------------------------------------
@dataclass
class Finding:
    kind: str
    metric: str
    value: float
    responses: int
    rule: str  # the rule, in words (Bahasa Indonesia)
    previous_period: str = ""
    previous_value: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _fmt(value: float | Decimal | None, places: int = 2) -> str:
    """Half-up, as the active language writes numbers ("-0,45" in Bahasa Indonesia)."""
    return format_number(None if value is None else float(value), places, get_language() or "id")


def _headline(metric: str, results: dict[str, Any]) -> tuple[int, float | None]:
    """(respondents, value) of the headline index in a ``survey_results`` object."""
    if metric == "ikm":
        return int(results["ikm"]["n"]), results["ikm"]["ikm_converted"]
    if metric == "gap":
        overall = results["gap"]["overall"]
        return int(overall["n"]), overall["gap"]
    return int(results["nps"]["n"]), results["nps"]["nps"]


def _threshold(metric: str, rule: AlertRule, results: dict[str, Any]) -> Finding | None:
    n, value = _headline(metric, results)
    if value is None or n < rule.min_responses:
        return None
    if metric == "ikm":
        threshold = Decimal(rule.ikm_threshold)
        if round_half_up(value, 2) >= threshold:
            return None
        if threshold == IKM_MUTU_B:
            words = _(
                "converted IKM (rounded to 2 decimals) below %(threshold)s (mutu below B)"
            ) % {"threshold": _fmt(threshold)}
        else:
            words = _("converted IKM (rounded to 2 decimals) below %(threshold)s") % {
                "threshold": _fmt(threshold)
            }
        grade = results["ikm"].get("grade")
        return Finding(
            AlertKind.THRESHOLD,
            metric,
            value,
            n,
            words,
            detail={"threshold": str(threshold), "grade": grade},
        )
    if metric == "gap":
        overall = results["gap"]["overall"]
        high = overall["ci_high"]
        if not rule.gap_alert or high is None or high >= 0:
            return None
        words = _(
            "upper bound of the 95%% confidence interval of the overall gap below 0 "
            "(not satisfying): interval %(low)s .. %(high)s"
        ) % {"low": _fmt(overall["ci_low"], 3), "high": _fmt(high, 3)}
        return Finding(
            AlertKind.THRESHOLD,
            metric,
            value,
            n,
            words,
            detail={"ci_low": overall["ci_low"], "ci_high": high},
        )
    threshold = Decimal(rule.nps_threshold)
    if value >= float(threshold):
        return None
    return Finding(
        AlertKind.THRESHOLD,
        metric,
        value,
        n,
        _("NPS below %(threshold)s") % {"threshold": _fmt(threshold, 1)},
        detail={"threshold": str(threshold)},
    )


def _nps_counts(nps: dict[str, Any]) -> tuple[int, int, int]:
    n = int(nps["n"])
    return tuple(
        round((nps[k] or 0.0) * n / 100.0) for k in ("promoters", "passives", "detractors")
    )  # type: ignore[return-value]


def _difference(metric: str, before: dict[str, Any], after: dict[str, Any]) -> DifferenceTest | Any:
    """The comparison of two ``survey_results`` objects, or why there is none."""
    if metric == "ikm":
        a, b = before["ikm"].get("respondent_score"), after["ikm"].get("respondent_score")
        if a is None or b is None:
            return NOTE_NO_RESPONDENT_SCORE
        return welch_t_test(a["n"], a["mean"], a["sd"], b["n"], b["mean"], b["sd"])
    if metric == "gap":
        a, b = before["gap"]["overall"], after["gap"]["overall"]
        return welch_t_test(a["n"], a["gap"], a["sd"], b["n"], b["gap"], b["sd"])
    return nps_difference_test(_nps_counts(before["nps"]), _nps_counts(after["nps"]))


def _drop(
    metric: str,
    rule: AlertRule,
    before: dict[str, Any],
    after: dict[str, Any],
    previous: Period,
    notes: list[str],
) -> Finding | None:
    n_after, value = _headline(metric, after)
    n_before, previous_value = _headline(metric, before)
    if value is None or previous_value is None:
        return None
    if min(n_after, n_before) < rule.min_responses:
        return None
    test = _difference(metric, before, after)
    if not isinstance(test, DifferenceTest):
        notes.append(str(test))
        return None
    if not test.significant_drop:
        return None
    places = PLACES[metric]
    words = _(
        "significant drop from the period %(previous)s (%(test)s, two-sided, 5%% level, at "
        "least %(minimum)s respondents per period): difference %(difference)s, 95%% interval "
        "%(low)s .. %(high)s, p = %(p)s"
    ) % {
        "previous": period_label(previous.label, get_language()),
        "test": TEST_LABELS[test.test],
        "minimum": rule.min_responses,
        "difference": _fmt(test.difference, places),
        "low": _fmt(test.ci_low, places),
        "high": _fmt(test.ci_high, places),
        "p": _fmt(test.p_value, 4),
    }
    return Finding(
        AlertKind.DROP,
        metric,
        value,
        n_after,
        words,
        previous_period=previous.label,
        previous_value=previous_value,
        detail=test.as_dict(),
    )


def assess(
    metric: str,
    rule: AlertRule,
    current: dict[str, Any],
    previous: dict[str, Any] | None,
    previous_label: Period | None,
    notes: list[str] | None = None,
) -> list[Finding]:
    """The findings for one scope: ``current`` and ``previous`` are ``survey_results`` objects."""
    notes = notes if notes is not None else []
    out = []
    found = _threshold(metric, rule, current)
    if found:
        out.append(found)
    if rule.drop_alert and previous is not None and previous_label is not None:
        found = _drop(metric, rule, previous, current, previous_label, notes)
        if found:
            out.append(found)
    return out


# -- recipients and notification -------------------------------------------------------------
def recipients(organization: Organization, unit: Unit | None) -> list[Any]:
    """Active users with an admin or manager role whose scope covers ``unit`` (None: the whole
    organization, which only organization-wide roles cover)."""
    users: dict[int, Any] = {}
    memberships = Membership.objects.filter(
        organization=organization, role__in=list(RECIPIENT_ROLES), user__is_active=True
    ).select_related("user", "unit")
    for m in memberships:
        covers = m.unit_id is None or (
            unit is not None and m.unit is not None and unit.path.startswith(m.unit.path)
        )
        if covers:
            users[m.user_id] = m.user
    return [users[k] for k in sorted(users)]


def results_url(alert: Alert) -> str:
    query = {"period": alert.period}
    if alert.unit_id:
        query = {"unit": str(alert.unit_id), **query}
    path = reverse("backoffice:results", args=[alert.survey.code])
    return f"{settings.BASE_URL}{path}?{urlencode(query)}"


def fmt_value(metric: str, value: float | int | None) -> str:
    """A value of ``metric`` ("count": a whole number) in the active language ("-0,45")."""
    return _fmt(value, 0 if metric == "count" else PLACES.get(metric, 2))


def alert_where(alert: Alert) -> str:
    """The unit with its path ("UPT Puskesmas Sukamaju › Apotek"), or the whole organization."""
    if alert.unit_id:
        return path_label(alert.unit)
    return _("%(organization)s (whole organization)") % {"organization": alert.organization.name}


def alert_title(alert: Alert, where: str | None = None) -> str:
    """ "IKM UPT Puskesmas Tanjung below the threshold: 67,00 (2026-11)", in the active
    language."""
    values = {
        "metric": METRIC_SHORT.get(alert.metric, alert.metric.upper()),
        "where": where if where is not None else alert_where(alert),
        "value": _fmt(alert.value, PLACES.get(alert.metric, 2)),
        "period": period_label(alert.period, get_language()),  # "Nov 2026"
    }
    if alert.kind == AlertKind.DROP:
        return _("%(metric)s %(where)s dropped significantly: %(value)s (%(period)s)") % values
    return _("%(metric)s %(where)s below the threshold: %(value)s (%(period)s)") % values


def _message_context(alert: Alert, finding: Finding) -> dict[str, Any]:
    places = PLACES[finding.metric]
    where = alert_where(alert)
    grade = finding.detail.get("grade") if finding.metric == "ikm" else None
    return {
        "alert": alert,
        "where": where,
        "survey": alert.survey,
        "metric_label": METRIC_LABELS[finding.metric],
        "value": _fmt(finding.value, places),
        "grade": grade,
        "responses": _fmt(finding.responses, 0),
        "period_text": period_label(alert.period, get_language()),
        "previous_period": period_label(finding.previous_period, get_language()),
        "previous_value": _fmt(finding.previous_value, places)
        if finding.previous_value is not None
        else "",
        "rule": finding.rule,
        "url": results_url(alert),
        "title": alert_title(alert, where),
    }


def _emails(context: dict[str, Any], users: list[Any]) -> list[EmailMultiAlternatives]:
    subject = _("[Prima] Alert: %(title)s") % {"title": context["title"]}
    subject = " ".join(subject.split())  # one line, always
    out = []
    for user in users:
        if not user.email:
            continue
        ctx = {**context, "user": user}
        message = EmailMultiAlternatives(
            subject,
            render_to_string("alerts/email.txt", ctx),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("alerts/email.html", ctx), "text/html")
        out.append(message)
    return out


def _send(messages: list[EmailMultiAlternatives]) -> None:
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # the alert and the in-app notices are stored; mail is best effort
        log.exception("alerts: sending %d email(s) failed", len(messages))


def _raise(survey: Survey, unit: Unit | None, period: Period, finding: Finding) -> Alert | None:
    """Store the alert once; notify only when it is new. Returns the new alert or None."""
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(
            survey=survey,
            unit=unit,
            period=period.label,
            kind=finding.kind,
            defaults={
                "organization_id": survey.organization_id,
                "metric": finding.metric,
                "value": finding.value,
                "previous_period": finding.previous_period,
                "previous_value": finding.previous_value,
                "responses": finding.responses,
                "detail": finding.detail,
                "message": finding.rule,
            },
        )
        if not created:
            return None
        context = _message_context(alert, finding)
        body = render_to_string("alerts/notification.txt", context).strip()
        users = recipients(survey.organization, unit)
        Notification.objects.bulk_create(
            [
                Notification(
                    user=user,
                    organization_id=survey.organization_id,
                    alert=alert,
                    title=context["title"][:300],
                    body=body,
                    url=context["url"][:500],
                )
                for user in users
            ]
        )
        messages = _emails(context, users)
        transaction.on_commit(lambda: _send(messages))
    return alert


# -- evaluation --------------------------------------------------------------------------------
@dataclass
class Evaluation:
    created: list[Alert] = field(default_factory=list)
    checked: int = 0  # (survey, scope, period) combinations looked at
    notes: list[str] = field(default_factory=list)


def _units_with_responses(survey: Survey, start: date, end: date) -> list[Unit | None]:
    """The scopes to check: None (the whole organization) and the units (with their ancestors)
    whose subtree has counted responses in [start, end), from the rollups (not a scan of the
    period's responses). Scopes holding the same answering units hold the same responses and
    would raise the same alert twice (the organization and its only top unit, a unit and its
    only answering subunit): only the deepest of them is kept."""
    by_unit = rollups.totals(survey, period=Period("", start, end), by="unit")
    ids = [unit_id for unit_id, vector in by_unit.items() if vector[0]]
    paths = set(Unit.objects.filter(pk__in=ids).values_list("path", flat=True))
    prefixes: set[str] = set()
    for path in paths:
        parts = path.split(".")[:-1]
        prefixes.update(".".join(parts[: i + 1]) + "." for i in range(len(parts)))
    units = Unit.objects.filter(organization_id=survey.organization_id, path__in=prefixes)
    unitless = {""} if by_unit.get(None, [0])[0] else set()  # responses without a unit
    scopes: dict[frozenset[str], tuple[int, Unit | None]] = {
        frozenset(paths | unitless): (-1, None)
    }
    for unit in units:
        covered = frozenset(p for p in paths if p.startswith(unit.path))
        if unit.depth > scopes.get(covered, (-2, None))[0]:
            scopes[covered] = (unit.depth, unit)
    kept = [unit for _depth, unit in scopes.values()]
    return sorted(kept, key=lambda u: "" if u is None else u.path)


def _evaluate_survey(survey: Survey, periods: Iterable[Period], out: Evaluation) -> None:
    metric = headline_metric(survey)
    rule = rule_for(survey)
    if metric is None or not rule.active:
        return
    computed: dict[tuple[int | None, str], dict[str, Any]] = {}

    releases: dict[str, Release] = {}

    def release(period: Period) -> Release:
        if period.label not in releases:
            releases[period.label] = release_of(survey, period)
        return releases[period.label]

    def results(unit: Unit | None, period: Period) -> dict[str, Any]:
        """``survey_results`` once per scope and period (a month is the next one's previous);
        an employee survey's from its release, each figure under its own count."""
        key = (None if unit is None else unit.pk, period.label)
        if key not in computed:
            if survey.is_employee:
                r = release(period)
                node = None if unit is None else unit.pk
                computed[key] = shown_results(r, [node], r.group_vector(node))
            else:
                computed[key] = survey_results(survey, unit=unit, period=period)
        return computed[key]

    def shown(unit: Unit | None, period: Period) -> bool:
        """An employee survey's group is judged only where its release shows it and its
        headline figure too (issue 12): an alert names a value and its n, which a hidden group
        or figure may not show."""
        if not survey.is_employee:
            return True
        if not release(period).decision(None if unit is None else unit.pk).shown:
            return False
        found = results(unit, period)
        head = found["gap"]["overall"] if metric == "gap" else found[metric]
        return not head.get("suppressed", False)

    if survey.is_employee:  # released per quarter: a month or year is read as its quarter
        periods = list({q.label: q for q in (quarter_holding(p) for p in periods)}.values())
    for period in periods:
        previous = previous_period(period)
        for unit in _units_with_responses(survey, previous.start, period.end):
            if not shown(unit, period):
                continue
            current = results(unit, period)
            out.checked += 1
            if _headline(metric, current)[0] < rule.min_responses:
                continue  # too few respondents: neither a threshold nor a drop alert
            before = results(unit, previous) if rule.drop_alert and shown(unit, previous) else None
            notes: list[str] = []
            for finding in assess(metric, rule, current, before, previous, notes):
                alert = _raise(survey, unit, period, finding)
                if alert is not None:
                    out.created.append(alert)
            for note in notes:
                if note not in out.notes:
                    out.notes.append(note)


def evaluate_alerts(
    target: Organization | Survey, periods: Period | Iterable[Period] | None = None
) -> Evaluation:
    """Evaluate the alert rules of a survey (or every survey of an organization) for the given
    periods (default: :func:`check_periods`), for each unit with responses and for the whole
    organization. Creates each alert once and notifies its recipients; returns what was
    created."""
    if periods is None:
        periods = check_periods()
    elif isinstance(periods, Period):
        periods = [periods]
    periods = list(periods)
    surveys = [target] if isinstance(target, Survey) else list(target.surveys.order_by("pk"))
    out = Evaluation()
    for survey in surveys:
        _evaluate_survey(survey, periods, out)
    return out


def evaluate_all(periods: Iterable[Period] | None = None) -> Evaluation:
    """Every organization's surveys (the scheduled check)."""
    total = Evaluation()
    if periods is None:
        periods = check_periods()
    periods = list(periods)
    for survey in Survey.objects.select_related("organization").order_by("pk"):
        one = evaluate_alerts(survey, periods)
        total.created += one.created
        total.checked += one.checked
        total.notes += [n for n in one.notes if n not in total.notes]
    return total


def after_import(survey: Survey, responses: Iterable[Response]) -> None:
    """After an import commits: evaluate the default periods that the imported rows touch."""
    days = {timezone.localdate(r.submitted_at) for r in responses}
    periods = [p for p in check_periods() if any(p.contains(d) for d in days)]
    if periods:
        evaluate_alerts(survey, periods)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (``ids``: only those); returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
