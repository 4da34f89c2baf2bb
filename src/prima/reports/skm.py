"""The official SKM report: its data, as plain dataclasses, for a survey, a unit and a period.

The structure follows published SKM reports (``shared/domain/skm.md``): the unit and period; the
method and the sample size; the respondents and their profile; the answers per unsur; NRR, NRR
tertimbang, IKM, the converted value, mutu and kinerja; the weakest and strongest unsur; the
suggestions received; the follow-up plan (*rencana tindak lanjut*).

Every index comes from :func:`prima.insights.results.survey_results`, the function behind the
results page and the API, so the report prints the dashboard's numbers by construction. The
counts of answers 1-4 and the profile tables are read from the same responses in one pass and
checked against those numbers (a response that arrives in between makes the report start over).
Numbers are printed half-up with the decimal comma (:func:`prima.metrics.rounding.format_number`):
NRR and NRR tertimbang with 3 decimals, the converted values with 2.

Renderers: :mod:`prima.reports.pdf` (WeasyPrint) and :mod:`prima.reports.xlsx`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from prima import formats, summaries
from prima.followups.rules import skm_categories
from prima.insights import rollups
from prima.insights.models import FollowUpAction, FollowUpStatus, element_choices
from prima.insights.notes import said
from prima.insights.periods import Period
from prima.insights.results import respondents_by_service, responses_in_scope, results_of
from prima.metrics.handling import HandlingMeasures, handling_measures
from prima.metrics.ikm import STANDARDS
from prima.metrics.rounding import format_number, round_half_up
from prima.metrics.sampling import krejcie_morgan
from prima.organizations.models import Organization, Unit
from prima.summaries import AGE_BANDS, age_label
from prima.surveys.models import Survey
from prima.surveys.profile import profile_fields

ROMAN = ("I", "II", "III", "IV")
REGULATIONS = {
    "skm2017": "Peraturan Menteri PAN-RB Nomor 14 Tahun 2017",
    "skm2004": "Keputusan Menteri PAN Nomor KEP/25/M.PAN/2/2004",
}
NOT_ANSWERED = "Tidak mengisi"  # the key of an empty answer; shown as NOT_ANSWERED_LABEL
NOT_ANSWERED_LABEL = gettext_noop("Not answered")
SUGGESTIONS_LISTED = 1000  # the PDF lists this many; the XLSX's answer sheet carries them all
PROPOSED_LINES = 3  # a proposed plan: the weakest unsur, then up to this many lines in all


class NotSkmSurvey(ValueError):
    """The survey does not use an IKM (SKM) instrument: there is no SKM report for it."""


# -- formatting (in the active language: the report is printed in the reader's) ----------------
def fmt(value: float | Fraction | int | None, places: int) -> str:
    """Half-up, the language's decimal mark (a comma in Bahasa Indonesia); ``-`` for undefined."""
    return format_number(value, places, get_language())


def fmt_int(value: int | None) -> str:
    """``1.200`` (the language's thousands separator)."""
    return "-" if value is None else formats.number(value, 0, get_language())


def fmt_date(day: date | None) -> str:
    """``6 Desember 2026`` / ``6 December 2026``."""
    return formats.day_label(day, get_language())


def _month(day: date) -> str:
    return formats.MONTHS_LONG[formats.lang_of(get_language())][day.month - 1]


def performance_text(grade: str | None, performance: str | None) -> str | None:
    """The kinerja of a mutu in the active language (PermenPAN-RB 14/2017: A Sangat Baik,
    B Baik, C Kurang Baik, D Tidak Baik; ``skm.md``)."""
    from prima.ui.templatetags.ui import MUTU_NAMES

    return str(MUTU_NAMES[grade]) if grade in MUTU_NAMES else performance


def period_months(period: Period) -> int:
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month


def period_text(period: Period) -> str:
    """``Semester I Tahun 2026`` and the like (``Half-year I 2026`` in English)."""
    label, year = period.label, period.start.year
    months = period_months(period)
    if months == 12 and period.start.month == 1:
        return gettext("Year %(year)s") % {"year": year}
    if months == 6:
        return gettext("Half-year %(number)s %(year)s") % {
            "number": ROMAN[(period.start.month - 1) // 6],
            "year": year,
        }
    if months == 3:
        return gettext("Quarter %(number)s %(year)s") % {
            "number": ROMAN[(period.start.month - 1) // 3],
            "year": year,
        }
    if months == 1:
        return gettext("Month of %(month)s %(year)s") % {
            "month": _month(period.start),
            "year": year,
        }
    return label  # pragma: no cover - parse_period makes only the four kinds above


def period_range(period: Period) -> str:
    return gettext("%(start)s to %(end)s") % {
        "start": fmt_date(period.start),
        "end": fmt_date(period.end - timedelta(days=1)),
    }


# -- the report's parts ------------------------------------------------------------------------
@dataclass(frozen=True)
class ElementRow:
    """One unsur: its answers and its values (full precision; ``*_text`` for print)."""

    number: int
    column: str  # the answer column, U1..U9
    code: str  # the stable unsur code, e.g. "waktu"
    name: str
    counts: tuple[int, ...]  # answers per scale point, low to high (1, 2, 3, 4)
    total: int  # the sum of the answers
    n: int
    nrr: float | None
    nrr_weighted: float | None
    converted: float | None
    grade: str | None
    performance: str | None
    weakest: bool = False
    strongest: bool = False

    @property
    def nrr_text(self) -> str:
        return fmt(self.nrr, 3)

    @property
    def nrr_weighted_text(self) -> str:
        return fmt(self.nrr_weighted, 3)

    @property
    def converted_text(self) -> str:
        return fmt(self.converted, 2)

    @property
    def exact_nrr(self) -> Fraction | None:
        return Fraction(self.total, self.n) if self.n else None


@dataclass(frozen=True)
class ProfileRow:
    label: str
    count: int
    percent: float | None  # of the respondents

    @property
    def percent_text(self) -> str:
        return fmt(self.percent, 2)


@dataclass(frozen=True)
class ProfileTable:
    key: str
    title: str
    rows: list[ProfileRow]
    total: int


@dataclass(frozen=True)
class Suggestion:
    text: str
    day: date
    unit: str
    unsur: str = ""  # its SKM unsur as labelled (prima.remark_labels); "" general
    labelled: bool = True  # False while the task worker has not labelled it yet

    @property
    def day_text(self) -> str:
        return fmt_date(self.day)


@dataclass(frozen=True)
class SuggestionGroup:
    """Suggestions with the same text (ignoring case and spacing), listed once with a count."""

    text: str
    count: int
    units: list[str]
    first: date
    last: date

    @property
    def days_text(self) -> str:
        if self.first == self.last:
            return fmt_date(self.first)
        return f"{fmt_date(self.first)} – {fmt_date(self.last)}"


UNLABELLED = "belum"


@dataclass(frozen=True)
class SuggestionSection:
    key: str  # an unsur code, "" for general remarks, UNLABELLED
    name: str
    groups: list[SuggestionGroup]


def group_suggestions(items: list[Suggestion]) -> list[SuggestionGroup]:
    """Identical suggestions once, the most frequent first (then in the order received)."""
    groups: dict[str, list[Suggestion]] = {}
    for item in items:
        groups.setdefault(" ".join(item.text.split()).casefold(), []).append(item)
    ordered = sorted(groups.values(), key=lambda g: -len(g))  # stable: first received first
    return [
        SuggestionGroup(
            text=g[0].text,
            count=len(g),
            units=list(dict.fromkeys(s.unit for s in g if s.unit)),
            first=min(s.day for s in g),
            last=max(s.day for s in g),
        )
        for g in ordered
    ]


@dataclass(frozen=True)
class PlanRow:
    element: str  # unsur code
    element_name: str
    nrr_text: str
    problem: str
    action: str
    owner: str
    deadline: date | None
    status: str
    proposed: bool

    @property
    def deadline_text(self) -> str:
        return fmt_date(self.deadline)


@dataclass(frozen=True)
class SampleAdequacy:
    """Krejcie-Morgan minimum for the unit's service users in the period (``methods.md`` 7)."""

    population_year: int | None  # Unit.population (service users a year), summed down the tree
    months: int
    population: int | None  # for the period: the yearly figure x months / 12, half-up
    minimum: int | None
    respondents: int

    @property
    def population_year_text(self) -> str:
        return fmt_int(self.population_year)

    @property
    def reached(self) -> bool | None:
        return None if self.minimum is None else self.respondents >= self.minimum

    @property
    def statement(self) -> str:
        if self.minimum is None:
            return gettext(
                "The number of service users a year has not been entered for this unit, so the "
                "minimum sample size (Krejcie-Morgan) cannot be computed yet."
            )
        values = {
            "population": fmt_int(self.population),
            "minimum": fmt_int(self.minimum),
            "respondents": fmt_int(self.respondents),
        }
        if self.reached:
            return (
                gettext(
                    "The minimum sample size (Krejcie-Morgan, 95%% confidence, 5%% margin of "
                    "error) for a population of %(population)s service users is %(minimum)s "
                    "respondents; with %(respondents)s respondents, the minimum is reached."
                )
                % values
            )
        return (
            gettext(
                "The minimum sample size (Krejcie-Morgan, 95%% confidence, 5%% margin of error) "
                "for a population of %(population)s service users is %(minimum)s respondents; "
                "with %(respondents)s respondents, the minimum is not reached yet."
            )
            % values
        )


@dataclass(frozen=True)
class Band:
    value: int
    ikm_interval: str
    converted_interval: str
    grade: str
    performance: str


BANDS_2017 = [
    Band(1, "1,00 – 2,5996", "25,00 – 64,99", "D", "Tidak Baik"),
    Band(2, "2,60 – 3,064", "65,00 – 76,60", "C", "Kurang Baik"),
    Band(3, "3,0644 – 3,532", "76,61 – 88,30", "B", "Baik"),
    Band(4, "3,5324 – 4,00", "88,31 – 100,00", "A", "Sangat Baik"),
]
BANDS_2004 = [
    Band(1, "1,00 – 1,75", "25,00 – 43,75", "D", "Tidak Baik"),
    Band(2, "1,76 – 2,50", "43,76 – 62,50", "C", "Kurang Baik"),
    Band(3, "2,51 – 3,25", "62,51 – 81,25", "B", "Baik"),
    Band(4, "3,26 – 4,00", "81,26 – 100,00", "A", "Sangat Baik"),
]


@dataclass(frozen=True)
class SkmReport:
    organization: str
    unit_id: int | None
    unit_name: str | None  # None: the whole organization
    survey_code: str
    survey_title: str
    period: Period
    standard: str  # skm2017 / skm2004
    regulation: str
    weight: float
    scale: tuple[int, int]
    responses: int  # stored responses in scope (counted ones)
    respondents: int  # who answered at least one unsur: the IKM's n
    sample: SampleAdequacy
    elements: list[ElementRow]
    ikm: float | None
    ikm_converted: float | None
    grade: str | None
    performance: str | None
    profiles: list[ProfileTable]
    suggestions: list[Suggestion]
    suggestions_total: int
    plan: list[PlanRow]
    plan_is_proposal: bool
    generated_on: date
    notes: list[str] = field(default_factory=list)
    complaints: HandlingMeasures | None = None
    """The handling of the complaints received in the period in the unit's subtree (evidence
    for unsur 9, issue 11): :func:`complaint_measures`."""

    # -- texts for print ---------------------------------------------------------------------
    @property
    def scope_name(self) -> str:
        return self.unit_name or self.organization

    @property
    def period_text(self) -> str:
        return period_text(self.period)

    @property
    def period_range(self) -> str:
        return period_range(self.period)

    @property
    def n_elements(self) -> int:
        return len(self.elements)

    @property
    def weight_text(self) -> str:
        return f"1/{self.n_elements} ≈ {fmt(self.weight, 3)}"

    @property
    def ikm_text(self) -> str:
        return fmt(self.ikm, 3)

    @property
    def ikm_converted_text(self) -> str:
        return fmt(self.ikm_converted, 2)

    @property
    def bands(self) -> list[Band]:
        bands = BANDS_2004 if self.standard == "skm2004" else BANDS_2017

        def mark(interval: str) -> str:  # written with decimal commas
            return (
                interval if formats.lang_of(get_language()) == "id" else interval.replace(",", ".")
            )

        return [
            Band(
                b.value,
                mark(b.ikm_interval),
                mark(b.converted_interval),
                b.grade,
                performance_text(b.grade, b.performance) or "",
            )
            for b in bands
        ]

    @property
    def scale_points(self) -> list[int]:
        return list(range(self.scale[0], self.scale[1] + 1))

    @property
    def nrr_weighted_total_text(self) -> str:
        return self.ikm_text

    @property
    def weakest(self) -> list[ElementRow]:
        return [e for e in self.elements if e.weakest]

    @property
    def strongest(self) -> list[ElementRow]:
        return [e for e in self.elements if e.strongest]

    @property
    def suggestion_groups(self) -> list[SuggestionGroup]:
        return group_suggestions(self.suggestions)

    @property
    def suggestions_by_unsur(self) -> list[SuggestionSection]:
        """The listed suggestions grouped by the SKM unsur they are about (issue 14), in the
        order of the unsur, then the general remarks, then those not labelled yet; each with
        its identical texts once (:func:`group_suggestions`)."""
        # the labels name the unsur of PermenPAN-RB 14/2017 (U1..U9); the report's elements
        # are matched to them by their code (persyaratan -> U1 .. pengaduan -> U9)
        column = skm_categories()
        element_of = {column[e.code]: e for e in self.elements if e.code in column}
        by: dict[str, list[Suggestion]] = {}
        for item in self.suggestions:
            key = item.unsur if item.labelled else UNLABELLED
            by.setdefault(key if key in element_of or key == UNLABELLED else "", []).append(item)
        sections = []
        for key in [*element_of, "", UNLABELLED]:
            if by.get(key):
                if key == UNLABELLED:
                    name = gettext("Not labelled yet")
                elif key:
                    name = f"{key} {element_of[key].name}"
                else:
                    name = gettext("General remarks (no single unsur)")
                sections.append(SuggestionSection(key, name, group_suggestions(by[key])))
        return sections

    @property
    def suggestions_more(self) -> int:
        return self.suggestions_total - len(self.suggestions)

    @property
    def generated_text(self) -> str:
        return fmt_date(self.generated_on)

    @property
    def file_stem(self) -> str:
        from django.utils.text import slugify

        scope = slugify(self.unit_name or "") or (str(self.unit_id) if self.unit_id else "semua")
        return f"laporan-skm-{slugify(self.survey_code)}-{scope}-{self.period.label.lower()}"


# -- building ----------------------------------------------------------------------------------
def complaint_measures(
    organization: Organization, unit: Unit | None, period: Period, now: datetime | None = None
) -> HandlingMeasures:
    """The measures of complaint handling (issue 11, point 6) of the cases received in the
    report's period in the unit's subtree (the whole organization when None): the cases core's
    own totals (:func:`prima.cases.selectors.case_totals`) and formulas
    (:mod:`prima.metrics.handling`), late as of the organization's local date today. Counts and
    measures only: no complaint text, no name."""
    from prima.cases.models import Case
    from prima.cases.selectors import case_totals, cases_received
    from prima.organizations.calendar import local_date

    qs = cases_received(
        Case.objects.all(), organization, unit=unit, start=period.start, end=period.end
    )
    return handling_measures(case_totals(qs, local_date(organization, now or timezone.now())))


def _text(value: Any) -> str:
    """An instrument's text (``{"id": ..., "en": ...}``) in the report's language."""
    if isinstance(value, dict):
        lang = formats.lang_of(get_language())
        return str(value.get(lang) or value.get("id") or value.get("en") or "")
    return "" if value is None else str(value)


def _element_names(survey: Survey) -> dict[str, str]:
    """``{code: name}`` of the unsur in the report's language (the instrument's own names)."""
    raw = {
        str(item.get("id")): item.get("name")
        for item in survey.instrument_version.parsed.raw.get("items", [])
        if isinstance(item, dict)
    }
    names = dict(element_choices(survey))
    for item in survey.instrument_version.parsed.items:
        code = item.code or item.id
        if isinstance(raw.get(item.id), dict) and _text(raw[item.id]):
            names[code] = _text(raw[item.id])
    return names


def age_text(low: int | None, high: int | None) -> str:
    """An age group in the report's language (the key stays :func:`age_label`'s)."""
    if low is None:
        return gettext("Under %(age)s years") % {"age": (high or 0) + 1}
    if high is None:
        return gettext("%(age)s years and over") % {"age": low}
    return gettext("%(low)s–%(high)s years") % {"low": low, "high": high}


def _population(organization_id: int, unit: Unit | None) -> int | None:
    """Service users a year: the unit's own figure, else the sum over its children's (the same
    rule down the tree); for the whole organization, over its top-level units."""
    units = list(
        Unit.objects.filter(organization_id=organization_id).only("pk", "parent", "population")
    )
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)

    def of(u: Unit, depth: int = 0) -> int | None:
        if u.population:
            return int(u.population)
        if depth > 64:  # a corrupt tree: stop rather than loop
            return None
        known = [v for v in (of(c, depth + 1) for c in children.get(u.pk, [])) if v]
        return sum(known) if known else None

    tops = [unit] if unit is not None else children.get(None, [])
    known = [v for v in (of(u) for u in tops) if v]
    return sum(known) if known else None


def sample_adequacy(
    organization_id: int, unit: Unit | None, period: Period, respondents: int
) -> SampleAdequacy:
    yearly = _population(organization_id, unit)
    months = period_months(period)
    population = minimum = None
    if yearly:
        population = max(1, int(round_half_up(Fraction(yearly * months, 12), 0)))
        minimum = krejcie_morgan(population).sample
    return SampleAdequacy(yearly, months, population, minimum, respondents)


@dataclass
class _Pass:
    """What one read of the responses gathers."""

    rows: int = 0
    counts: dict[str, Counter[int]] = field(default_factory=dict)
    profile: dict[str, Counter[str]] = field(default_factory=dict)
    services: Counter[str] = field(default_factory=Counter)
    suggestions: list[Suggestion] = field(default_factory=list)
    suggestions_total: int = 0


def _read(
    survey: Survey,
    qs: Any,
    columns: list[str],
    *,
    unit: Unit | None,
    period: Period,
    scope: Q | None,
) -> tuple[_Pass, dict[str, Any]]:
    """The counts of answers, the profile and the services from the rollups (a report costs the
    same at any size), with the results of the same totals; the suggestions listed from the
    responses, oldest first (the newest index serves them)."""
    layout = rollups.layout_of(survey.instrument_version)
    vector = rollups.totals(survey, unit=unit, period=period, scope=scope)[None]
    results = results_of(survey, layout, vector, unit=unit, period=period)
    out = _Pass(rows=int(vector[0]))
    distributions = summaries.distributions(layout, vector)
    out.counts = {c: Counter({v: n for v, n in distributions[c].items() if n}) for c in columns}
    for key, counts in summaries.profile_counts(layout, vector).items():
        out.profile[key] = Counter(
            {
                (NOT_ANSWERED if k == summaries.NOT_ANSWERED else k): n
                for k, n in counts.items()
                if n
            }
        )
    for name, n in respondents_by_service(survey, unit=unit, period=period, scope=scope).items():
        out.services[name or NOT_ANSWERED] += n
    with_text = qs.exclude(suggestion="")
    out.suggestions_total = with_text.count()
    tz = timezone.get_current_timezone()
    rows = with_text.order_by("submitted_at", "pk").values_list(
        "suggestion", "submitted_at", "unit__name", "remark_label__unsur", "remark_label__sentiment"
    )
    for text, submitted_at, unit_name, unsur, sentiment in rows[:SUGGESTIONS_LISTED]:
        text = (text or "").strip()
        if text:
            day = timezone.localtime(submitted_at, tz).date()
            labelled = sentiment is not None
            out.suggestions.append(
                Suggestion(text, day, unit_name or "", unsur or "", labelled=labelled)
            )
    return out, results


def _profile_tables(
    survey: Survey, fields: list[dict[str, Any]], read: _Pass, respondents: int
) -> list[ProfileTable]:
    def pct(count: int) -> float | None:
        return None if respondents == 0 else count * 100 / respondents

    def table(
        key: str, title: str, labels: list[tuple[str, str]], counts: Counter[str]
    ) -> ProfileTable:
        rows = [ProfileRow(label, counts.get(k, 0), pct(counts.get(k, 0))) for k, label in labels]
        if counts.get(NOT_ANSWERED):
            rows.append(
                ProfileRow(
                    gettext(NOT_ANSWERED_LABEL), counts[NOT_ANSWERED], pct(counts[NOT_ANSWERED])
                )
            )
        return ProfileTable(key, title, rows, sum(r.count for r in rows))

    out = []
    for f in fields:
        counts = read.profile[f["id"]]
        if f["type"] == "integer":
            labels = [(age_label(lo, hi), age_text(lo, hi)) for lo, hi in AGE_BANDS]
        else:
            labels = [(k, _text(v) or k) for k, v in f.get("options", {}).items()]
        out.append(table(f["id"], _text(f.get("text")) or f["id"], labels, counts))
    services = [(name, name) for name, _ in read.services.most_common() if name != NOT_ANSWERED]
    out.append(table("service", gettext("Service received"), services, read.services))
    return out


def _plan(
    survey: Survey, unit: Unit | None, period: Period, elements: list[ElementRow]
) -> tuple[list[PlanRow], bool]:
    by_code = {e.code: e for e in elements}
    names = _element_names(survey)
    stored = FollowUpAction.objects.filter(survey=survey, period=period.label, unit=unit)
    rank = {e.code: (e.exact_nrr if e.exact_nrr is not None else Fraction(99)) for e in elements}
    lines = sorted(stored, key=lambda a: (rank.get(a.element, Fraction(100)), a.deadline, a.pk))
    if lines:
        return [
            PlanRow(
                element=a.element,
                element_name=names.get(a.element, a.element),
                nrr_text=by_code[a.element].nrr_text if a.element in by_code else "-",
                problem=a.problem,
                action=a.action,
                owner=a.owner,
                deadline=a.deadline,
                status=str(FollowUpStatus(a.status).label),
                proposed=False,
            )
            for a in lines
        ], False
    # no plan yet: propose one that starts with the weakest unsur, then the next ones below
    # "Baik" (mutu C or D), lowest first
    proposed = [e for e in elements if e.weakest]
    proposed += sorted(
        (e for e in elements if not e.weakest and e.grade in ("C", "D")),
        key=lambda e: rank[e.code],
    )[: max(0, PROPOSED_LINES - len(proposed))]
    return [
        PlanRow(
            element=e.code,
            element_name=e.name,
            nrr_text=e.nrr_text,
            problem=(
                gettext(
                    "NRR %(nrr)s (converted %(converted)s; mutu %(grade)s, %(performance)s); "
                    "the lowest of all unsur."
                )
                if e.weakest
                else gettext(
                    "NRR %(nrr)s (converted %(converted)s; mutu %(grade)s, %(performance)s); "
                    "below the Good category."
                )
            )
            % {
                "nrr": e.nrr_text,
                "converted": e.converted_text,
                "grade": e.grade,
                "performance": e.performance,
            },
            action=gettext("(to be filled in by the service unit)"),
            owner=gettext("(to be filled in)"),
            deadline=None,
            status=gettext("Proposed"),
            proposed=True,
        )
        for e in proposed
    ], True


def skm_report(
    survey: Survey,
    *,
    unit: Unit | None = None,
    period: Period,
    scope: Q | None = None,
    today: date | None = None,
) -> SkmReport:
    """The report's data. ``unit`` covers its subtree (``None``: the whole organization);
    ``scope`` limits the responses to what a user may see, as on the results page."""
    version = survey.instrument_version
    instrument = version.parsed
    if (
        instrument.kind != "ikm"
        or survey.is_employee  # issue 12: its comments are never listed with unit and day
        or (instrument.standard or "skm2017") not in STANDARDS
    ):
        raise NotSkmSurvey(f"survey {survey.code} is not an SKM (IKM) survey")
    columns = [item.column for item in instrument.items]
    names = _element_names(survey)
    fields = profile_fields(instrument)
    low, high = instrument.scale
    with rollups.one_read(survey):
        qs = responses_in_scope(survey, unit=unit, period=period, scope=scope)
        read, results = _read(survey, qs, columns, unit=unit, period=period, scope=scope)
    ikm = results["ikm"]

    exact = {
        c: Fraction(sum(k * v for k, v in read.counts[c].items()), ikm["elements"][c]["n"])
        for c in columns
        if ikm["elements"][c]["n"]
    }
    low_value = min(exact.values()) if exact else None
    high_value = max(exact.values()) if exact else None
    weakest = set(ikm.get("weakest") or [])
    elements = []
    for i, item in enumerate(instrument.items, start=1):
        c = item.column
        e = ikm["elements"][c]
        code = item.code or item.id
        elements.append(
            ElementRow(
                number=i,
                column=c,
                code=code,
                name=names.get(code, code),
                counts=tuple(read.counts[c].get(k, 0) for k in range(low, high + 1)),
                total=sum(k * v for k, v in read.counts[c].items()),
                n=e["n"],
                nrr=e["nrr"],
                nrr_weighted=e["nrr_weighted"],
                converted=e["nrr_converted"],
                grade=e["grade"],
                performance=performance_text(e["grade"], e["performance"]),
                weakest=c in weakest,
                strongest=(
                    c in exact
                    and high_value is not None
                    and exact[c] == high_value
                    and high_value != low_value
                ),
            )
        )
    plan, proposal = _plan(survey, unit, period, elements)
    respondents = int(ikm["n"])
    notes = said(ikm.get("notes"))  # in the report's language, each situation once
    if results["responses"] != respondents:
        left_out = results["responses"] - respondents
        notes.append(
            ngettext(
                "%(count)s response answered no unsur and is not counted in the IKM.",
                "%(count)s responses answered no unsur and are not counted in the IKM.",
                left_out,
            )
            % {"count": format_number(left_out, 0, get_language())}
        )
    return SkmReport(
        organization=survey.organization.name,
        unit_id=unit.pk if unit else None,
        unit_name=unit.name if unit else None,
        survey_code=survey.code,
        survey_title=survey.title,
        period=period,
        standard=ikm.get("standard") or "skm2017",
        regulation=REGULATIONS.get(ikm.get("standard") or "skm2017", ""),
        weight=float(ikm["weight"]),
        scale=(low, high),
        responses=int(results["responses"]),
        respondents=respondents,
        sample=sample_adequacy(survey.organization_id, unit, period, respondents),
        elements=elements,
        ikm=ikm["ikm"],
        ikm_converted=ikm["ikm_converted"],
        grade=ikm["grade"],
        performance=performance_text(ikm["grade"], ikm["performance"]),
        profiles=_profile_tables(survey, fields, read, results["responses"]),
        suggestions=read.suggestions,
        suggestions_total=read.suggestions_total,
        plan=plan,
        plan_is_proposal=proposal,
        generated_on=today or timezone.localdate(),
        notes=notes,
        complaints=complaint_measures(survey.organization, unit, period),
    )
