"""The dashboard of a survey: filters, and everything the page shows, as plain functions.

Every number comes from :func:`prima.insights.results.survey_results` (the same objects as
``prima analyze <method> --json``); nothing here recomputes a formula. The page calls it a
bounded number of times whatever the data's size: once for the selection, once per point of
the trend (at most :data:`MAX_TREND_POINTS`) and once per unit compared (at most
:data:`MAX_UNITS_COMPARED`). The profile tables and the suggestions are read with SQL
(grouping and a page of rows), never with a loop over responses.

Scope: the caller passes the viewer's ``response_scope`` and the units they may see
(``units_visible_to``); a unit, service or staff member outside them is "not found" (404).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from prima import formats
from prima.dashboard import charts
from prima.dashboard import complaints as complaint_measures
from prima.dashboard import headline as cards
from prima.dashboard import remarks as remark_filters
from prima.dashboard.sections import Section
from prima.dashboard.sections import available as available_sections
from prima.dashboard.sections import choose as choose_section
from prima.insights import rollups
from prima.insights.periods import (
    Period,
    _month_start,
    parse_custom_period,
    parse_period,
    previous_period,
    sub_periods,
)
from prima.insights.results import (
    responses_in_scope,
    survey_results,
    survey_results_by,
)
from prima.metrics.gap import VERDICT_LABELS, verdict_label
from prima.metrics.ipa import quadrant_name
from prima.organizations.models import Service, StaffMember, Unit
from prima.reports.skm import (
    NOT_ANSWERED,
    SampleAdequacy,
    period_months,
    sample_adequacy,
)
from prima.summaries import AGE_BANDS, age_label
from prima.surveys.models import Response, Survey
from prima.surveys.profile import profile_fields

SMALL_GROUP = 30
"""Fewer respondents than this: the result is shown with a warning (a common rule of thumb for
a stable mean; the intervals shown say how uncertain each value is)."""
MAX_TREND_POINTS = 24
MAX_UNITS_COMPARED = 30
SUGGESTIONS_PER_PAGE = 20
MAX_QUERY = 200
MAX_YEARS_OFFERED = 10
STEPS = {"month": "bulan", "quarter": "triwulan"}


# -- filters -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    unit: Unit | None = None
    service: Service | None = None
    staff: StaffMember | None = None
    period: Period | None = None
    custom: bool = False  # the period is a from/to range
    step: str = "month"  # the trend's step: month or quarter
    q: str = ""  # the suggestions' search
    page: int = 1  # the suggestions' page
    unsur: str = ""  # the suggestions' labels (prima.dashboard.remarks): an unsur or "none"
    a6: str = ""  # an A of A6 or "none"
    sentiment: str = ""

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters that select these filters (``changes`` override)."""
        f = replace(self, **changes)
        out: dict[str, str] = {}
        if f.unit is not None:
            out["unit"] = str(f.unit.pk)
        if f.service is not None:
            out["service"] = str(f.service.pk)
        if f.staff is not None:
            out["staff"] = str(f.staff.pk)
        if f.period is not None:
            if f.custom:
                out["from"] = f.period.start.isoformat()
                out["to"] = date.fromordinal(f.period.end.toordinal() - 1).isoformat()
            else:
                out["period"] = f.period.label
        if f.step != "month":
            out["per"] = f.step
        if f.q:
            out["q"] = f.q
        if f.page > 1:
            out["page"] = str(f.page)
        for key in ("unsur", "a6", "sentiment"):
            if getattr(f, key):
                out[key] = getattr(f, key)
        return out

    def query(self, **changes: Any) -> str:
        return urlencode(self.params(**changes))

    @property
    def search_params(self) -> dict[str, str]:
        """The filters the suggestions' search form carries along (all but its own)."""
        return self.params(q="", page=1, unsur="", a6="", sentiment="")


def _pick(qs: QuerySet[Any], raw: str, what: str) -> Any:
    """The row of ``qs`` with id ``raw``; 404 when it is not there (outside the viewer's
    scope, another tenant's, or no such id), never 403."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise Http404(what)
    row = qs.filter(pk=int(raw)).first()
    if row is None:
        raise Http404(what)
    return row


def resolve_filters(
    survey: Survey, visible_units: QuerySet[Unit], params: Mapping[str, str]
) -> tuple[Filters, list[str]]:
    """The filters a request asks for, and messages (the page's language) for those ignored.

    ``visible_units`` are the units the viewer may see (``units_visible_to``): a unit, service
    or staff member outside them answers 404."""
    errors: list[str] = []
    unit = service = staff = None
    if params.get("unit", "").strip():
        unit = _pick(visible_units, params["unit"], "unit")
    if params.get("service", "").strip():
        services = Service.objects.filter(organization=survey.organization, unit__in=visible_units)
        service = _pick(services, params["service"], "service")
    if params.get("staff", "").strip():
        staff_qs = StaffMember.objects.filter(
            organization=survey.organization, unit__in=visible_units
        )
        staff = _pick(staff_qs, params["staff"], "staff")
    period, custom = None, False
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    label = params.get("period", "").strip()
    if start or end:
        if not (start and end):
            errors.append(_("Fill in both the start and the end date of the range."))
        else:
            try:
                period, custom = parse_custom_period(start, end), True
            except ValueError:
                errors.append(
                    _(
                        'The range "%(start)s" to "%(end)s" is not valid: use dates YYYY-MM-DD '
                        "with the end date not before the start date."
                    )
                    % {"start": start, "end": end}
                )
    elif label:
        try:
            period = parse_period(label)
        except ValueError:
            errors.append(
                _('The period "%(label)s" is not valid: use 2026, 2026-S1, 2026-Q3 or 2026-07.')
                % {"label": label}
            )
    step = params.get("per", "month")
    step = step if step in STEPS else "month"
    q = params.get("q", "").strip().replace("\x00", "")[:MAX_QUERY]
    page_raw = params.get("page", "1").strip()
    page = int(page_raw) if page_raw.isascii() and page_raw.isdigit() and len(page_raw) < 7 else 1
    unsur, a6, sentiment = remark_filters.parse(params)
    filters = Filters(unit, service, staff, period, custom, step, q, max(page, 1))
    return replace(filters, unsur=unsur, a6=a6, sentiment=sentiment), errors


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class PeriodGroup:
    label: str
    choices: list[Choice]


def data_span(survey: Survey) -> Period | None:
    """The whole months from the survey's first to its last response (two index look-ups)."""
    times = Response.objects.filter(survey=survey).order_by("submitted_at")
    first = times.values_list("submitted_at", flat=True).first()
    last = times.reverse().values_list("submitted_at", flat=True).first()
    if first is None or last is None:
        return None
    tz = timezone.get_current_timezone()
    a, b = timezone.localtime(first, tz).date(), timezone.localtime(last, tz).date()
    return Period("", date(a.year, a.month, 1), _month_start(b.year, b.month + 1))


def period_choices(span: Period | None, today: date | None = None) -> list[PeriodGroup]:
    """Years, semesters, quarters and months to choose from, newest year first, for the years
    that have responses (and the current one)."""
    today = today or timezone.localdate()
    years = {today.year}
    if span is not None:
        years |= set(range(span.start.year, date.fromordinal(span.end.toordinal() - 1).year + 1))
    out = []
    lang = formats.lang_of(get_language())
    months = formats.MONTHS_LONG[lang]
    for year in sorted(years, reverse=True)[:MAX_YEARS_OFFERED]:
        choices = [Choice(str(year), _("Year %(year)s") % {"year": year})]
        choices += [
            Choice(f"{year}-S{s}", formats.period_label(f"{year}-S{s}", lang).replace("\xa0", " "))
            for s in (1, 2)
        ]
        choices += [
            Choice(f"{year}-Q{q}", formats.period_label(f"{year}-Q{q}", lang).replace("\xa0", " "))
            for q in range(1, 5)
        ]
        choices += [Choice(f"{year}-{m:02d}", f"{months[m - 1]} {year}") for m in range(1, 13)]
        out.append(PeriodGroup(str(year), choices))
    return out


def period_text(period: Period | None, custom: bool = False) -> str:
    """``Triwulan III 2026``, ``15 Januari 2026 s.d. 31 Maret 2026``, ``Semua periode`` (in the
    page's language)."""
    if period is None:
        return _("All periods")
    if custom:
        last = date.fromordinal(period.end.toordinal() - 1)
        lang = get_language()
        return _("%(start)s to %(end)s") % {
            "start": formats.day_label(period.start, lang),
            "end": formats.day_label(last, lang),
        }
    for group in period_choices(None, today=period.start):
        for c in group.choices:
            if c.value == period.label:
                return c.label
    return period.label


# -- reading the numbers -----------------------------------------------------------------------
def _results(survey: Survey, filters: Filters, scope: Q, **override: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "unit": filters.unit,
        "service": filters.service,
        "staff": filters.staff,
        "period": filters.period,
        "scope": scope,
    }
    args.update(override)
    return survey_results(survey, **args)


def primary_metric(survey: Survey) -> str:
    kind = survey.instrument_version.parsed.kind
    return {"ikm": "ikm", "paired": "gap"}.get(kind, "nps")


METRIC_TITLES = {
    "ikm": gettext_lazy("IKM (converted, 25-100)"),
    "gap": gettext_lazy("Gap: performance - expectation"),
    "nps": gettext_lazy("NPS"),
}


def headline(results: dict[str, Any]) -> dict[str, Any]:
    """The main figures of one ``survey_results`` answer, for a row of a comparison or trend."""
    n = results.get("responses", 0)
    row: dict[str, Any] = {"responses": n, "small": 0 < n < SMALL_GROUP}
    if "ikm" in results:
        r = results["ikm"]
        score = r.get("respondent_score") or {}
        row["ikm"] = {
            "value": r.get("ikm_converted"),
            "grade": r.get("grade"),
            "performance": r.get("performance"),
            "n": r.get("n"),
            # the 95% interval of the respondents' own converted scores (those who answered
            # every unsur), as the analytics core gives it
            "ci_low": score.get("ci_low"),
            "ci_high": score.get("ci_high"),
        }
    if "gap" in results:
        o = results["gap"].get("overall") or {}
        row["gap"] = {
            "value": o.get("gap"),
            "ci_low": o.get("ci_low"),
            "ci_high": o.get("ci_high"),
            "verdict": verdict_label(o.get("verdict"), get_language()),
            "n": o.get("n"),
        }
    if "csi" in results:
        row["csi"] = {
            "value": results["csi"].get("csi"),
            "category": results["csi"].get("category"),
        }
    if "nps" in results:
        r = results["nps"]
        row["nps"] = {
            "value": r.get("nps"),
            "ci_low": r.get("ci_low"),
            "ci_high": r.get("ci_high"),
            "n": r.get("n"),
        }
    return row


def _chart_row(category: str, label: str, head: dict[str, Any], metric: str) -> dict[str, Any]:
    m = head.get(metric) or {}
    return {
        category: label,
        "value": m.get("value"),
        "ci_low": m.get("ci_low"),
        "ci_high": m.get("ci_high"),
        "n": head["responses"],
        "small": charts.small_flags()[0 if head["small"] else 1],
    }


@dataclass
class TrendPoint:
    period: Period
    label: str
    head: dict[str, Any]


def _next_month_start(day: date) -> date:
    return _month_start(day.year, day.month + 1)


def trend(survey: Survey, filters: Filters, scope: Q, span: Period | None) -> list[TrendPoint]:
    """``survey_results`` per month (or quarter) of the selected period, or of the months with
    data when no period is chosen; coarser steps when there would be too many points."""
    whole = filters.period or span
    if whole is None:
        return []
    step = filters.step
    today = timezone.localdate()
    # no points for the future: a year in progress ends with the current month or quarter
    parts = [p for p in sub_periods(whole, step) if p.start <= today]
    for coarser in ("quarter", "year"):
        if len(parts) <= MAX_TREND_POINTS:
            break
        parts = [p for p in sub_periods(whole, coarser) if p.start <= today]
    parts = parts[-MAX_TREND_POINTS:]
    if parts and all(p.end == _next_month_start(p.start) for p in parts):
        # months: every month's results from one read of the rollups
        by_month = survey_results_by(
            survey,
            "month",
            unit=filters.unit,
            service=filters.service,
            staff=filters.staff,
            period=whole,
            scope=scope,
        )
        empty = {"responses": 0}
        return [
            TrendPoint(p, p.label, headline(by_month.get(p.start.replace(day=1), empty)))
            for p in parts
        ]
    return [
        TrendPoint(p, p.label, headline(_results(survey, filters, scope, period=p))) for p in parts
    ]


@dataclass
class UnitRow:
    unit: Unit
    head: dict[str, Any]

    @property
    def label(self) -> str:
        return self.unit.name


@dataclass
class Comparison:
    parent: Unit | None
    rows: list[UnitRow]
    left_out: int = 0


def child_units(selected: Unit | None, visible: list[Unit]) -> tuple[Unit | None, list[Unit]]:
    """The units compared: the children of the selected unit, or the viewer's top units
    (going down while there is only one), and their parent."""
    ids = {u.pk for u in visible}
    children: dict[int | None, list[Unit]] = {}
    for u in visible:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    parent = selected
    if parent is not None:
        return parent, children.get(parent.pk, [])
    units = children.get(None, [])
    while len(units) == 1 and children.get(units[0].pk):
        parent = units[0]
        units = children[parent.pk]
    return parent, units


def compare_units(survey: Survey, filters: Filters, scope: Q, visible: list[Unit]) -> Comparison:
    """The child units of the selected unit (or the viewer's top units, going down while
    there is only one), each with its subtree's ``survey_results``."""
    parent, units = child_units(filters.unit, visible)
    shown = units[:MAX_UNITS_COMPARED]
    rows = [UnitRow(u, headline(_results(survey, filters, scope, unit=u))) for u in shown]
    return Comparison(parent, rows, len(units) - len(shown))


# -- profile -----------------------------------------------------------------------------------
@dataclass
class ProfileRow:
    label: str
    count: int
    percent: float | None


@dataclass
class ProfileTable:
    key: str
    title: str
    rows: list[ProfileRow]
    total: int


def _text(value: Any) -> str:
    """An instrument's text in the page's language (``{"id": ..., "en": ...}``)."""
    if isinstance(value, dict):
        lang = formats.lang_of(get_language())
        return str(value.get(lang) or value.get("id") or value.get("en") or "")
    return "" if value is None else str(value)


def scoped_responses(survey: Survey, filters: Filters, scope: Q) -> QuerySet[Response]:
    """The counted responses of the selection (for the suggestions)."""
    return responses_in_scope(
        survey,
        unit=filters.unit,
        service=filters.service,
        staff=filters.staff,
        period=filters.period,
        scope=scope,
    )


def service_counts(
    survey: Survey, filters: Filters, scope: Q, results: dict[str, Any]
) -> Counter[str]:
    """Respondents per service used (``-``: none recorded), from one read of the rollups."""
    by_service = survey_results_by(
        survey,
        "service",
        unit=filters.unit,
        service=filters.service,
        staff=filters.staff,
        period=filters.period,
        scope=scope,
    )
    names = dict(
        Service.objects.filter(pk__in=[k for k in by_service if k is not None]).values_list(
            "pk", "name"
        )
    )
    out: Counter[str] = Counter()
    for key, r in by_service.items():
        out[names.get(key, "-") if key is not None else "-"] += r["responses"]
    return out


def profile_tables(
    survey: Survey, filters: Filters, scope: Q, results: dict[str, Any], qs: QuerySet[Response]
) -> list[ProfileTable]:
    """The respondent profile of the SKM report: one table per profile question, and the
    service used; counts and shares of the respondents."""
    fields = profile_fields(survey.instrument_version.parsed)
    counts = {k: Counter(v) for k, v in (results.get("profile") or {}).items()}
    counts["service"] = service_counts(survey, filters, scope, results)
    respondents = results.get("responses", 0)

    def table(key: str, title: str, labels: list[tuple[str, str]], c: Counter[str]) -> ProfileTable:
        rows = [
            ProfileRow(label, c.get(k, 0), _pct(c.get(k, 0), respondents)) for k, label in labels
        ]
        missing = c.get("-", 0) + c.get(NOT_ANSWERED, 0)
        if missing:
            rows.append(ProfileRow(_("Not answered"), missing, _pct(missing, respondents)))
        return ProfileTable(key, title, rows, sum(r.count for r in rows))

    out = []
    for f in fields:
        c = counts.get(f["id"], Counter())
        if f["type"] == "integer":
            labels = [(age_label(lo, hi), age_band_text(lo, hi)) for lo, hi in AGE_BANDS]
        else:
            labels = [(k, _text(v) or k) for k, v in f.get("options", {}).items()]
        out.append(table(f["id"], _text(f.get("text")) or f["id"], labels, c))
    services = counts.get("service", Counter())
    names = [(n, n) for n, _ in services.most_common() if n not in ("-", NOT_ANSWERED)]
    out.append(table("service", _("Service received"), names, services))
    return out


def age_band_text(low: int | None, high: int | None) -> str:
    """An age group of the profile in the page's language (the key stays ``age_label``'s)."""
    if low is None:
        return _("Under %(age)s years") % {"age": (high or 0) + 1}
    if high is None:
        return _("%(age)s years and over") % {"age": low}
    return _("%(low)s–%(high)s years") % {"low": low, "high": high}


def _pct(count: int, total: int) -> float | None:
    return None if not total else count * 100 / total


# -- suggestions -------------------------------------------------------------------------------
@dataclass
class SuggestionPage:
    items: list[dict[str, Any]]
    page: int
    has_next: bool
    q: str

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first_number(self) -> int:
        return (self.page - 1) * SUGGESTIONS_PER_PAGE + 1


def suggestions(
    qs: QuerySet[Response], q: str, page: int, labels: tuple[str, str, str] = ("", "", "")
) -> SuggestionPage:
    """One page of the suggestions (*saran*), newest first, with a case-insensitive search and
    the label filters (unsur, A, sentiment). The page is cut in SQL (OFFSET/LIMIT, one row more
    to know whether another page follows); no total count is taken, which would read every
    matching row."""
    rows = remark_filters.narrowed(qs.exclude(suggestion=""), *labels)
    if q:
        rows = rows.filter(suggestion__icontains=q)
    start = (page - 1) * SUGGESTIONS_PER_PAGE
    items = list(
        rows.order_by("-submitted_at", "-pk").values(
            "pk",
            "suggestion",
            "submitted_at",
            "unit__name",
            "service__name",
            "staff__name",
            "remark_label__unsur",
            "remark_label__a6",
            "remark_label__sentiment",
            "remark_label__corrected_at",
        )[start : start + SUGGESTIONS_PER_PAGE + 1]
    )
    for item in items:
        sentiment = item["remark_label__sentiment"]
        item["labels"] = (
            None
            if sentiment is None
            else {
                "unsur": remark_filters.name_of(item["remark_label__unsur"]),
                "a6": remark_filters.name_of(item["remark_label__a6"])
                if item["remark_label__a6"]
                else "",
                "sentiment": sentiment,
                "unsur_key": item["remark_label__unsur"] or remark_filters.NONE,
                "a6_key": item["remark_label__a6"] or remark_filters.NONE,
                "sentiment_name": remark_filters.SENTIMENT_NAMES[sentiment],
                "corrected": item["remark_label__corrected_at"] is not None,
            }
        )
    return SuggestionPage(items[:SUGGESTIONS_PER_PAGE], page, len(items) > SUGGESTIONS_PER_PAGE, q)


# -- sample adequacy ---------------------------------------------------------------------------
def adequacy(
    survey: Survey, filters: Filters, unit: Unit | None, respondents: int
) -> SampleAdequacy:
    """Krejcie-Morgan minimum for the service users of ``unit`` (``Unit.population`` a year,
    summed down the tree when empty) in the period, as the SKM report states it. Without a
    period, a year's users; a custom range counts its whole months (at least one)."""
    period = filters.period
    if period is None:
        period = Period("", date(2000, 1, 1), date(2001, 1, 1))
    elif filters.custom:
        days = (period.end - period.start).days
        months = max(1, round(days / 30.4375))
        period = Period("", date(2000, 1, 1), _month_start(2000, 1 + months))
    elif period_months(period) < 1:  # pragma: no cover - parse_period makes whole months
        period = Period("", date(2000, 1, 1), date(2000, 2, 1))
    return sample_adequacy(survey.organization_id, unit, period, respondents)


# -- the whole page ----------------------------------------------------------------------------
@dataclass
class Dashboard:
    survey: Survey
    filters: Filters
    results: dict[str, Any]
    kind: str
    metric: str
    small: bool
    adequacy: SampleAdequacy | None
    adequacy_unit: Unit | None
    item_texts: dict[str, str]
    dimension_texts: dict[str, str]
    section: str = ""
    sections: list[Section] = field(default_factory=list)
    headline: cards.Headline | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    comparison: Comparison | None = None
    profile: list[ProfileTable] = field(default_factory=list)
    suggestions: SuggestionPage | None = None
    remark_table: remark_filters.LabelTable | None = None
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    built: set[str] = field(default_factory=set)  # the sections whose data is here
    complaints: complaint_measures.ComplaintsSection | None = None

    @property
    def metric_title(self) -> str:
        return str(METRIC_TITLES[self.metric])

    @property
    def small_group(self) -> int:
        return SMALL_GROUP

    @property
    def verdicts(self) -> dict[str, str]:
        lang = get_language()
        return {k: verdict_label(k, lang) for k in VERDICT_LABELS}

    @property
    def suggestions_next(self) -> str:
        page = self.suggestions.page if self.suggestions else 1
        return self.filters.query(page=page + 1)

    @property
    def suggestions_previous(self) -> str:
        page = self.suggestions.page if self.suggestions else 1
        return self.filters.query(page=page - 1)

    @property
    def ipa_groups(self) -> list[dict[str, Any]]:
        return ipa_groups(self.ipa_rows)

    @property
    def ipa_n(self) -> tuple[int, int] | None:
        return ipa_n(self.ipa_rows)

    @property
    def ipa_rows(self) -> list[dict[str, Any]]:
        return ipa_rows(self.results, self.item_texts)


def ipa_rows(results: dict[str, Any], item_texts: dict[str, str]) -> list[dict[str, Any]]:
    """The IPA items of a results object as the IPA section's table and diagram read them."""
    ipa = results.get("ipa") or {}
    rows = []
    for key, item in (ipa.get("items") or {}).items():
        rows.append(
            {
                "item": key,
                "text": item_texts.get(key, ""),
                "kinerja": item.get("performance"),
                "harapan": item.get("importance"),
                "kesesuaian": item.get("conformity"),
                "quadrant": item.get("quadrant"),
                "kuadran": quadrant_name(item.get("quadrant"), get_language()) or "-",
                "on_boundary": item.get("on_boundary"),
                "n": item.get("n"),
            }
        )
    return rows


def ipa_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The IPA items per quadrant for the table under the diagram, the priority quadrant
    (A, *Prioritas Utama*) first and open, then B, C, D folded; each quadrant's items by
    conformity, lowest first (the first to improve). Quadrants without items are left out;
    items without a quadrant (no answers) come last."""
    rows = sorted(rows, key=lambda r: (r["kesesuaian"] is None, r["kesesuaian"] or 0.0, r["item"]))
    groups = []
    for letter in ("A", "B", "C", "D", None):
        members = [r for r in rows if r["quadrant"] == letter]
        if members:
            groups.append(
                {
                    "letter": letter or "none",
                    "name": members[0]["kuadran"] if letter else _("No quadrant"),
                    "rows": members,
                    "open": letter == "A",
                }
            )
    return groups


def ipa_n(rows: list[dict[str, Any]]) -> tuple[int, int] | None:
    """The smallest and the largest number of respondents of an IPA item."""
    ns = [int(r["n"]) for r in rows if r["n"] is not None]
    return (min(ns), max(ns)) if ns else None


def ipa_chart_of(
    results: dict[str, Any], rows: list[dict[str, Any]], scale: list[int]
) -> dict[str, Any] | None:
    """The IPA diagram's spec for the items that have both means (None without any)."""
    axis = results["ipa"].get("axis") or {}
    points = [r for r in rows if r["kinerja"] is not None and r["harapan"] is not None]
    if not points:
        return None
    lang = get_language()
    return charts.ipa_chart(
        points,
        x_axis=axis.get("performance"),
        y_axis=axis.get("importance"),
        scale=results["ipa"].get("scale") or scale,
        quadrant_names={q: quadrant_name(q, lang) for q in ("A", "B", "C", "D")},
    )


def build_dashboard(
    survey: Survey,
    filters: Filters,
    *,
    scope: Q,
    visible_units: list[Unit],
    section: str | None = None,
    every_section: bool = False,
    user: Any = None,
) -> Dashboard:
    """The dashboard's headline and one section (``section``; the first one when None or
    unknown), or every section (``every_section``, for tests and exports). ``user`` (the
    viewer) adds the complaints' card and section where they may see cases."""
    with rollups.one_read(survey):  # every number of the page from the same responses
        return _build_dashboard(
            survey,
            filters,
            scope=scope,
            visible_units=visible_units,
            section=section,
            every_section=every_section,
            user=user,
        )


def _build_dashboard(
    survey: Survey,
    filters: Filters,
    *,
    scope: Q,
    visible_units: list[Unit],
    section: str | None,
    every_section: bool,
    user: Any = None,
) -> Dashboard:
    instrument = survey.instrument_version.parsed
    results = _results(survey, filters, scope)
    metric = primary_metric(survey)
    # the population the minimum sample refers to: the selected unit, else the viewer's one top
    # unit (a manager of one subtree), else the whole organization (organization-wide roles)
    ids = {u.pk for u in visible_units}
    tops = [u for u in visible_units if u.parent_id not in ids]
    whole_org = scope == Q()
    unit_for_sample = filters.unit or (tops[0] if len(tops) == 1 and not whole_org else None)
    show_adequacy = unit_for_sample is not None or whole_org
    cases_shown = complaint_measures.shown(user, survey.organization)
    available = available_sections(results, cases=cases_shown)
    if survey.is_employee:
        # an employee's comment is a raw answer: never listed with its unit and day (issue 12;
        # comments of groups of at least k come with the confidentiality threshold)
        available = [s for s in available if s.key != "suggestions"]
    chosen = choose_section(available, section)
    board = Dashboard(
        survey=survey,
        filters=filters,
        results=results,
        kind=instrument.kind,
        metric=metric,
        small=0 < results["responses"] < SMALL_GROUP,
        adequacy=(
            adequacy(survey, filters, unit_for_sample, results["responses"])
            if show_adequacy
            else None
        ),
        adequacy_unit=unit_for_sample,
        item_texts={i.id: _text(i.text) for i in instrument.items},
        dimension_texts={k: _text(v) for k, v in instrument.dimension_texts.items()},
        section=chosen.key,
        sections=available,
    )
    board.headline = headline_of(board, scope, visible_units, whole_org)
    if cases_shown:
        board.headline.cases = cards.case_counts(user, survey, filters.unit, filters)
    wanted = {s.key for s in available} if every_section else {chosen.key}
    board.built = wanted
    if "complaints" in wanted:
        parent, children = child_units(filters.unit, visible_units)
        board.complaints = complaint_measures.complaints_section(
            user, survey.organization, complaint_measures.Selection.of(filters), children, parent
        )
    if "trend" in wanted:
        board.trend = trend(survey, filters, scope, data_span(survey))
    if "units" in wanted:
        board.comparison = compare_units(survey, filters, scope, visible_units)
    if "profile" in wanted or "suggestions" in wanted:
        qs = scoped_responses(survey, filters, scope)
        if "profile" in wanted:
            board.profile = profile_tables(survey, filters, scope, results, qs)
        if "suggestions" in wanted and not survey.is_employee:
            labels = (filters.unsur, filters.a6, filters.sentiment)
            board.suggestions = suggestions(qs, filters.q, filters.page, labels)
            previous = cards.previous_of(filters.period, filters.custom)
            before = (
                None
                if previous is None
                else scoped_responses(survey, replace(filters, period=previous), scope)
            )
            board.remark_table = remark_filters.label_table(qs, before)
    board.charts = make_charts(board)
    return board


def headline_of(
    board: Dashboard, scope: Q, visible_units: list[Unit], whole_org: bool
) -> cards.Headline:
    """The headline cards: the selection's figure, the change from the previous period of the
    same length (one more read of the rollups), NPS or the gap besides, and the alerts."""
    filters, results, metric = board.filters, board.results, board.metric
    previous = cards.previous_of(filters.period, filters.custom)
    change, latest = None, None
    if previous is not None:
        before = _results(board.survey, filters, scope, period=previous)
        change = cards.change(metric, results, before, previous)
    elif results["responses"]:
        # no period chosen: the latest complete quarter against the one before (two more reads)
        latest = cards.latest_complete_quarter(data_span(board.survey), timezone.localdate())
        if latest is not None:
            previous = previous_period(latest)
            now = _results(board.survey, filters, scope, period=latest)
            before = _results(board.survey, filters, scope, period=previous)
            change = cards.change(metric, now, before, previous, current_period=latest)
    extra = [
        f
        for m in ("gap", "nps")
        if m != metric and m in results
        for f in [cards.figure(m, results)]
        if f is not None
    ]
    return cards.Headline(
        figure=cards.figure(metric, results),
        responses=results["responses"],
        adequacy=board.adequacy,
        change=change,
        change_period=latest,
        extra=extra,
        alerts=cards.open_alerts(
            board.survey, filters.unit, visible_units, whole_org, filters.period
        ),
    )


def _has_values(rows: list[dict[str, Any]]) -> bool:
    return any(r.get("value") is not None for r in rows)


def make_charts(board: Dashboard) -> dict[str, dict[str, Any]]:
    """The Vega-Lite specs of the sections built, from the same rows the page's tables show;
    no chart from no data (a table or an empty state says so instead)."""
    out: dict[str, dict[str, Any]] = {}
    metric, title = board.metric, board.metric_title
    results = board.results
    lang = get_language()
    places = cards.PLACES.get(metric, 2)
    if board.trend:
        rows = [
            _chart_row("periode", formats.period_label(p.label, lang), p.head, metric)
            for p in board.trend
        ]
        if _has_values(rows):
            out["trend"] = charts.interval_chart(
                rows,
                category="periode",
                category_title=_("Period"),
                value_title=title,
                line=True,
                reference=0.0 if metric == "gap" else None,
                title=_("Trend of %(metric)s") % {"metric": title},
                places=places,
            )
    if board.comparison and board.comparison.rows:
        rows = [_chart_row("unit", r.unit.name, r.head, metric) for r in board.comparison.rows]
        if _has_values(rows):
            out["units"] = charts.interval_chart(
                rows,
                category="unit",
                category_title=_("Unit"),
                value_title=title,
                reference=0.0 if metric == "gap" else None,
                title=_("%(metric)s per unit") % {"metric": title},
                places=places,
            )
    if "ikm" in board.built and "ikm" in results and results["responses"]:
        rows = [
            {
                "unsur": f"{k} {e.get('code') or ''}".strip(),
                "value": e.get("nrr"),
                "n": e.get("n"),
            }
            for k, e in results["ikm"]["elements"].items()
        ]
        if _has_values(rows):
            out["nrr"] = charts.bar_chart(
                rows,
                category="unsur",
                category_title=_("Element (unsur)"),
                value_title=_("NRR (1-4)"),
                domain=[1, 4],
                title=_("NRR per element"),
            )
    if "gap" in board.built and "gap" in results and results["responses"]:
        dims = results["gap"].get("dimensions") or {}
        flags = charts.small_flags()
        rows = [
            {
                "dimensi": board.dimension_texts.get(k) or k,
                "value": d.get("gap"),
                "ci_low": d.get("ci_low"),
                "ci_high": d.get("ci_high"),
                "n": d.get("n"),
                "small": flags[0 if (d.get("n") or 0) < SMALL_GROUP else 1],
            }
            for k, d in dims.items()
        ]
        if _has_values(rows):
            out["gap"] = charts.interval_chart(
                rows,
                category="dimensi",
                category_title=_("Dimension"),
                value_title=_("Gap (performance - expectation)"),
                reference=0.0,
                title=_("Gap per dimension (95% CI)"),
            )
    if "ipa" in board.built and "ipa" in results and board.ipa_rows:
        scale = list(board.survey.instrument_version.parsed.scale)
        chart = ipa_chart_of(results, board.ipa_rows, scale)
        if chart is not None:
            out["ipa"] = chart
    return out
