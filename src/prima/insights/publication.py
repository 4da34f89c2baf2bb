"""Publication of SKM results: which survey periods an organization makes public, and what its
public results page (``/hasil/<slug>/``) shows of them.

Nothing is public until an organization admin publishes a survey period (``2026``,
``2026-S1``, ``2026-Q3``, ``2026-07``) with :func:`result_publish`; :func:`result_unpublish`
takes it back. The page shows, per published period, the IKM (converted, two decimals), mutu
and kinerja, the number of respondents and the NRR per unsur, for the whole survey, per unit of
the survey and per service, and the follow-up plan. Every number comes from
:func:`prima.insights.results.survey_results`. No personal data is read: no suggestions, no
staff members, no contact details, no respondent profile. When the organization handles
complaints (issue 11), each published period also shows the complaints received in it, how many
were resolved and the share resolved on time, for the organization and per unit shown: counts
only, never a complaint's text or a name (:func:`case_summary`).

Groups with fewer than :data:`SMALL_GROUP` respondents are shown with a note (the result is
indicative only); groups without respondents in the period are left out; and a group with
fewer than :data:`PRIVATE_GROUP` respondents shows only its count: with one or two respondents
an IKM or NRR would disclose how those people answered. The same for fewer than
:data:`PRIVATE_GROUP` complaints.

The rendered page is cached for :data:`CACHE_SECONDS` per organization, view, language and
host, under a key that includes a fingerprint of the organization's publications
(:func:`publication_stamp`): publishing, unpublishing or editing a publication changes the key,
so a change shows at once in every process, while new responses and plan edits show within a
minute.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from prima.insights.models import FollowUpAction, FollowUpStatus, PublishedResult
from prima.insights.periods import Period, parse_period
from prima.insights.results import survey_results
from prima.metrics.rounding import format_number
from prima.organizations.models import Organization, Service, Unit
from prima.organizations.unit_labels import path_labels
from prima.reports import skm as report
from prima.surveys.models import Survey

SMALL_GROUP = 30  # fewer respondents: shown with a note that the result is indicative only
PRIVATE_GROUP = 5  # fewer respondents: only the count is shown (their answers stay private)
CACHE_SECONDS = 60


class PublicationError(ValueError):
    """A publication that cannot be made; ``messages`` per field, in the active language
    (Bahasa Indonesia unless a request chose English)."""

    def __init__(self, messages: dict[str, list[str]]) -> None:
        self.messages = messages
        super().__init__("; ".join(m for ms in messages.values() for m in ms))


# -- writes ------------------------------------------------------------------------------------
def result_publish(
    *, survey: Survey, period: str, user: Any = None, note: str = ""
) -> PublishedResult:
    """Make a survey period public (again): creates the publication, or updates its note and
    date when it exists. Only SKM (IKM) surveys can be published."""
    row = PublishedResult(
        organization_id=survey.organization_id,
        survey=survey,
        period=period,
        published_at=timezone.now(),
        published_by=user if user is not None and user.is_authenticated else None,
        note=(note or "").strip(),
    )
    try:
        row.full_clean(
            exclude=["organization", "survey", "published_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise PublicationError(exc.message_dict) from exc
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = (
                    PublishedResult.objects.select_for_update()
                    .filter(survey=survey, period=row.period)
                    .first()
                )
                if existing is None:
                    row.save()
                    return row
                existing.published_at = row.published_at
                existing.published_by = row.published_by
                existing.note = row.note
                existing.save(update_fields=["published_at", "published_by", "note"])
                return existing
        except IntegrityError:  # published at the same moment by someone else: update theirs
            continue
    raise PublicationError(
        {"period": [gettext("This period is being published right now; try again.")]}
    )


def result_unpublish(*, survey: Survey, period: str) -> bool:
    """Take a survey period off the public page; False when it was not published."""
    try:
        label = parse_period(period).label
    except ValueError:
        return False
    with transaction.atomic():
        deleted, _ = PublishedResult.objects.filter(survey=survey, period=label).delete()
    return deleted > 0


# -- reads -------------------------------------------------------------------------------------
def publications(organization: Organization) -> list[PublishedResult]:
    """The organization's published survey periods, the most recent period first (never an
    employee survey's, whatever a row says: their figures stay inside the organization)."""
    rows = [
        row
        for row in PublishedResult.objects.filter(organization=organization).select_related(
            "survey__instrument_version"
        )
        if not row.survey.is_employee
    ]
    return sorted(
        rows,
        key=lambda r: (_start(r.period), r.survey.title, r.pk),
        reverse=True,
    )


def publication_stamp(organization: Organization) -> str:
    """A fingerprint of the organization's publications, part of the page cache key."""
    rows = PublishedResult.objects.filter(organization=organization).order_by("pk")
    text = repr(list(rows.values_list("pk", "survey_id", "period", "published_at", "note")))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _start(label: str) -> date:
    try:
        return parse_period(label).start
    except ValueError:  # pragma: no cover - clean() normalises every stored label
        return date.min


# -- the page's data ---------------------------------------------------------------------------
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
PERFORMANCE_EN = {
    "Sangat Baik": "Very good",
    "Baik": "Good",
    "Kurang Baik": "Poor",
    "Tidak Baik": "Very poor",
}
STATUS_EN = {
    FollowUpStatus.PLANNED: "Planned",
    FollowUpStatus.IN_PROGRESS: "In progress",
    FollowUpStatus.DONE: "Done",
}


def period_text(period: Period, lang: str) -> str:
    """``Semester I Tahun 2026`` (as in the SKM report) or ``Semester I 2026`` in English."""
    if lang != "en":
        return report.period_text(period)
    start = period.start
    months = report.period_months(period)
    if months == 12:
        return f"Year {start.year}"
    if months == 6:
        return f"Semester {report.ROMAN[(start.month - 1) // 6]} {start.year}"
    if months == 3:
        return f"Quarter {report.ROMAN[(start.month - 1) // 3]} {start.year}"
    return f"{MONTHS_EN[start.month - 1]} {start.year}"


def date_text(day: date | datetime, lang: str) -> str:
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    if lang != "en":
        return report.fmt_date(day)
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class ElementValue:
    code: str
    name: str
    respondents: int
    nrr: str  # 3 decimals
    converted: str  # 2 decimals
    grade: str


@dataclass(frozen=True)
class GroupResult:
    """The IKM of the whole survey, of a unit (with its subtree) or of a service."""

    name: str
    respondents: int
    ikm_converted: str
    grade: str
    performance: str
    elements: list[ElementValue]
    anchor: str = ""  # the id of its table on the page
    unit: str = ""  # a service's unit with its path ("UPT Puskesmas Sukamaju"): which "Imunisasi"

    @property
    def label(self) -> str:
        """The name, with a service's unit: "Imunisasi (UPT Puskesmas Sukamaju)"."""
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def small(self) -> bool:
        return self.respondents < SMALL_GROUP

    @property
    def withheld(self) -> bool:
        """Too few respondents to show their numbers (:data:`PRIVATE_GROUP`)."""
        return 0 < self.respondents < PRIVATE_GROUP


@dataclass(frozen=True)
class PlanLine:
    scope: str  # the unit's name, or the whole organization
    element: str
    action: str
    owner: str
    deadline: str
    status: str


@dataclass(frozen=True)
class CaseSummary:
    """Complaints received in a published period by the organization or a unit (with its
    subtree), how many were resolved and the share resolved on time (issue 11, point 6): counts
    only, no text, no name. Fewer than :data:`PRIVATE_GROUP` cases: only their count."""

    name: str
    received: int
    resolved: int
    on_time: str  # the share resolved on time in percent, formatted; "-" without resolved cases
    anchor: str = ""

    @property
    def withheld(self) -> bool:
        return self.received < PRIVATE_GROUP


@dataclass(frozen=True)
class PublishedPeriod:
    survey_title: str
    period: str  # the label, e.g. 2026-S1
    period_text: str
    published_on: str
    note: str
    overall: GroupResult
    units: list[GroupResult] = field(default_factory=list)
    services: list[GroupResult] = field(default_factory=list)
    plan: list[PlanLine] = field(default_factory=list)
    anchor: str = ""  # the id of its section on the page
    complaints: CaseSummary | None = None  # None: the organization has no case at all
    complaint_units: list[CaseSummary] = field(default_factory=list)


def element_names(survey: Survey, lang: str) -> dict[str, str]:
    """Unsur name per answer column and per unsur code, in the page's language."""
    instrument = survey.instrument_version.parsed
    raw_names = {
        str(raw.get("id")): raw.get("name")
        for raw in instrument.raw.get("items", [])
        if isinstance(raw, dict)
    }
    out: dict[str, str] = {}
    for item in instrument.items:
        name = raw_names.get(item.id)
        if isinstance(name, dict):
            name = name.get(lang) or name.get("id") or name.get("en")
        text = str(name) if name else (item.code or item.id)
        out[item.column] = text
        if item.code:
            out[item.code] = text
    return out


def _group(
    name: str,
    results: dict[str, Any],
    names: dict[str, str],
    lang: str,
    anchor: str,
    unit: str = "",
) -> GroupResult:
    ikm = results["ikm"]
    respondents = int(ikm.get("n") or 0)
    if 0 < respondents < PRIVATE_GROUP:  # the count only: the numbers would show answers
        return GroupResult(name, respondents, "-", "-", "-", [], anchor, unit)
    performance = ikm.get("performance") or "-"
    elements = [
        ElementValue(
            code=value.get("code") or column,
            name=names.get(column, column),
            respondents=int(value.get("n") or 0),
            nrr=format_number(value.get("nrr"), 3, lang),
            converted=format_number(value.get("nrr_converted"), 2, lang),
            grade=value.get("grade") or "-",
        )
        for column, value in ikm["elements"].items()
    ]
    return GroupResult(
        name=name,
        respondents=int(ikm.get("n") or 0),
        ikm_converted=format_number(ikm.get("ikm_converted"), 2, lang),
        grade=ikm.get("grade") or "-",
        performance=PERFORMANCE_EN.get(performance, performance) if lang == "en" else performance,
        elements=elements,
        anchor=anchor,
        unit=unit,
    )


def case_summary(
    name: str, organization: Organization, unit: Unit | None, period: Period, lang: str, anchor: str
) -> CaseSummary:
    """The complaints received in ``period`` (the organization's local dates) in the unit's
    subtree: the cases core's totals and formulas (``case_totals``, ``handling_measures``)."""
    from prima.cases.models import Case
    from prima.cases.selectors import case_totals, cases_received
    from prima.metrics.handling import handling_measures
    from prima.organizations.calendar import local_date

    qs = cases_received(
        Case.objects.all(), organization, unit=unit, start=period.start, end=period.end
    )
    m = handling_measures(case_totals(qs, local_date(organization, timezone.now())))
    on_time = "-" if m.on_time_percent is None else format_number(m.on_time_percent, 1, lang)
    return CaseSummary(
        name, m.received, m.resolved, "-" if on_time == "-" else f"{on_time}%", anchor
    )


def _published_period(row: PublishedResult, lang: str, anchor: str) -> PublishedPeriod:
    survey = row.survey
    period = parse_period(row.period)
    names = element_names(survey, lang)
    whole = "Whole organization" if lang == "en" else "Seluruh organisasi"
    overall = _group(whole, survey_results(survey, period=period), names, lang, f"{anchor}-all")
    units = []
    shown_units = []
    survey_units = list(survey.units.order_by("path"))
    offered = list(
        Service.objects.filter(organization_id=survey.organization_id)
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )
    labels = path_labels([*survey_units, *(s.unit for s in offered)])
    for unit in survey_units:
        results = survey_results(survey, unit=unit, period=period)
        if results["ikm"]["n"]:
            units.append(_group(labels[unit.pk], results, names, lang, f"{anchor}-u{unit.pk}"))
            shown_units.append(unit)
    services = []
    for service in offered:  # each with its unit: three Puskesmas may each offer "Imunisasi"
        results = survey_results(survey, service=service, period=period)
        if results["ikm"]["n"]:
            services.append(
                _group(
                    service.name,
                    results,
                    names,
                    lang,
                    f"{anchor}-s{service.pk}",
                    unit=labels[service.unit_id],
                )
            )
    plan = []
    actions = FollowUpAction.objects.filter(survey=survey, period=period.label).select_related(
        "unit"
    )
    unit_order: dict[int | None, str] = {None: ""}
    unit_order.update(
        Unit.objects.filter(organization_id=survey.organization_id).values_list("pk", "path")
    )
    for action in sorted(
        actions, key=lambda a: (unit_order.get(a.unit_id, ""), a.deadline, a.element, a.pk)
    ):
        status = FollowUpStatus(action.status)
        plan.append(
            PlanLine(
                scope=action.unit.name if action.unit else whole,
                element=names.get(action.element, action.element),
                action=action.action,
                owner=action.owner,
                deadline=date_text(action.deadline, lang),
                status=STATUS_EN[status] if lang == "en" else str(status.label),
            )
        )
    complaints, complaint_units = None, []
    organization = survey.organization
    if has_cases(organization):
        complaints = case_summary(whole, organization, None, period, lang, f"{anchor}-c")
        complaint_units = [
            case_summary(labels[u.pk], organization, u, period, lang, f"{anchor}-c{u.pk}")
            for u in shown_units
        ]
    return PublishedPeriod(
        survey_title=survey.title,
        period=period.label,
        period_text=period_text(period, lang),
        published_on=date_text(row.published_at, lang),
        note=row.note,
        overall=overall,
        units=units,
        services=services,
        plan=plan,
        anchor=anchor,
        complaints=complaints,
        complaint_units=complaint_units,
    )


def has_cases(organization: Organization) -> bool:
    """Whether the organization has received any complaint case (the page's complaints part
    is shown only then)."""
    from prima.cases.models import Case

    return Case.objects.filter(organization=organization).exists()


def public_results(organization: Organization, lang: str) -> list[PublishedPeriod]:
    """What the public results page shows: the published periods, the most recent first."""
    return [
        _published_period(row, lang, f"periode-{number}")
        for number, row in enumerate(publications(organization), start=1)
    ]
