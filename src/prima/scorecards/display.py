"""The scorecard object (:func:`prima.scorecards.selectors.triple_win`) as rows of text for the
page and the PDF: each measure's value, interval and change written in the page's language
(:mod:`prima.formats`), and why a side is losing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from prima import formats

LABELS = {
    "ikm": gettext_lazy("IKM (customer satisfaction index)"),
    "gap": gettext_lazy("Overall gap (performance - expectation)"),
    "nps": gettext_lazy("NPS (customers)"),
    "enps": gettext_lazy("eNPS (employees)"),
    "return_intent": gettext_lazy("Would come back"),
    "on_time": gettext_lazy("Complaints resolved on time"),
    "satisfaction": gettext_lazy("Satisfaction with the complaint handling (1-5)"),
    "volume": gettext_lazy("Volume served (responses and complaints)"),
}
SIDE_TITLES = {
    "customer": gettext_lazy("Customer"),
    "employee": gettext_lazy("Employee"),
    "organization": gettext_lazy("Organization"),
}
SIDE_QUESTIONS = {
    "customer": gettext_lazy("Are the people we serve satisfied?"),
    "employee": gettext_lazy("Are the people who serve satisfied?"),
    "organization": gettext_lazy("Do customers stay loyal, and are complaints handled?"),
}
STATUS = {
    "losing": (gettext_lazy("Losing"), "danger"),
    "holding": (gettext_lazy("Holding"), "success"),
    "unknown": (gettext_lazy("Not enough data"), ""),
}
REASONS = {
    "below_standard": gettext_lazy("%(measure)s is below its standard"),
    "dropped": gettext_lazy("%(measure)s dropped significantly from the previous period"),
}
PLACES = {"ikm": 2, "gap": 2, "nps": 1, "enps": 1, "satisfaction": 2, "volume": 0}
PERCENT = ("return_intent", "on_time")  # shares 0-1 shown as percentages


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str
    n: str
    interval: str
    change: str
    direction: str  # up, down, flat or ""
    dropped: bool
    below_standard: bool


def _scaled(key: str, value: float | None) -> float | None:
    if value is None:
        return None
    return value * 100 if key in PERCENT else value


def row(key: str, measure: dict[str, Any] | None) -> Row | None:
    if measure is None:
        return None
    lang = formats.lang_of(get_language())
    places = 1 if key in PERCENT else PLACES.get(key, 2)
    suffix = " %" if key in PERCENT else ""

    def text(value: float | None) -> str:
        return formats.number(_scaled(key, value), places, lang) + suffix

    interval = ""
    if measure["ci_low"] is not None and key != "volume":
        interval = f"{text(measure['ci_low'])} – {text(measure['ci_high'])}"
    change, direction = "", ""
    if measure["change"] is not None:
        change = formats.signed(_scaled(key, measure["change"]), places, lang) + suffix
        direction = "flat"
        if round(measure["change"], places + (2 if key in PERCENT else 0)) != 0:
            direction = "up" if measure["change"] > 0 else "down"
    return Row(
        key,
        str(LABELS[key]),
        text(measure["value"]),
        formats.number(measure["n"], 0, lang),
        interval,
        change,
        direction,
        bool(measure.get("dropped")),
        bool(measure.get("below_standard")),
    )


@dataclass(frozen=True)
class SideView:
    name: str
    title: str
    question: str
    status: str
    status_tone: str
    rows: list[Row]
    reasons: list[str]
    notes: list[str]


def _reasons(side: dict[str, Any]) -> list[str]:
    return [
        REASONS[r["reason"]] % {"measure": LABELS[r["measure"]]} for r in side.get("reasons", [])
    ]


def sides(card: dict[str, Any]) -> list[SideView]:
    """The three sides in the scorecard's order, as the page and the PDF show them."""
    customer, employee, org = card["customer"], card["employee"], card["organization"]
    index = customer["index"]
    customer_rows = [row(index["method"], index) if index else None, row("nps", customer["nps"])]
    employee_rows = [row("gap", employee.get("gap")), row("enps", employee.get("enps"))]
    employee_notes = []
    if employee.get("suppressed"):
        count = employee.get("n")
        employee_notes.append(
            _(
                "Fewer than %(k)s employees answered here (%(count)s): the confidentiality "
                "threshold shows no figures."
            )
            % {"k": employee["k"], "count": count}
            if count
            else _(
                "Hidden by the confidentiality threshold, so that no smaller group can be "
                "derived by subtraction."
            )
        )
    elif employee.get("survey") is None:
        employee_notes.append(_("No employee survey has answers in this period."))
    if employee.get("quarter") and employee["quarter"] != card.get("period"):
        employee_notes.append(
            _(
                "Employee surveys are released per quarter: this side shows %(quarter)s against "
                "%(previous)s."
            )
            % {"quarter": employee["quarter"], "previous": employee.get("previous_quarter")}
        )
    handling = org["handling"]
    org_rows = [
        row("return_intent", org["loyalty"]["return_intent"]),
        row("on_time", handling["on_time"]),
        row("satisfaction", handling["satisfaction"]),
        row(
            "volume",
            {
                "value": org["volume"]["total"],
                "n": org["volume"]["total"],
                "ci_low": None,
                "ci_high": None,
                "change": org["volume"]["total"] - org["volume"]["previous_total"],
            },
        ),
    ]
    org_notes = [
        _("%(responses)s customer responses and %(cases)s complaints received.")
        % {
            "responses": formats.number(
                org["volume"]["responses"], 0, formats.lang_of(get_language())
            ),
            "cases": formats.number(org["volume"]["cases"], 0, formats.lang_of(get_language())),
        }
    ]
    if org["loyalty"]["nps"] is not None:
        org_notes.append(_("Customer NPS (loyalty) is shown and judged on the customer side."))
    out = []
    for name, rows, body, notes in (
        ("customer", customer_rows, customer, []),
        ("employee", employee_rows, employee, employee_notes),
        ("organization", org_rows, org, org_notes),
    ):
        label, tone = STATUS[body["status"]]
        out.append(
            SideView(
                name,
                str(SIDE_TITLES[name]),
                str(SIDE_QUESTIONS[name]),
                str(label),
                tone,
                [r for r in rows if r is not None],
                _reasons(body),
                notes,
            )
        )
    return out


def verdict_text(card: dict[str, Any]) -> tuple[str, str]:
    """The verdict in words and its notice tone."""
    summary = card["verdict"]["summary"]
    if summary == "none":
        return _("No side is losing: customer, employee and organization all hold."), "success"
    if summary == "unknown":
        return _("Not enough data in this period to judge any side."), "info"
    names = [str(SIDE_TITLES[s]).lower() for s in card["verdict"]["losing"]]
    if len(names) == 1:
        return _("The %(side)s side is losing.") % {"side": names[0]}, "warning"
    return _("Losing sides: %(sides)s.") % {"sides": ", ".join(names)}, "warning"


def internal_first_view(view: Any) -> dict[str, Any]:
    """The "internal first" section: rows for its table, the chart's Vega-Lite spec (drawn by
    the dashboard's script from the offline bundle; the table carries the same numbers) and the
    reading in words (:data:`prima.metrics.correlation.INTERNAL_FIRST_READING`)."""
    import altair as alt

    from prima import chart_locale
    from prima.metrics.correlation import INTERNAL_FIRST_READING

    lang = formats.lang_of(get_language())
    index_label = str(LABELS[view.method]) if view.method else ""
    rows = [
        {
            "name": p.unit.name,
            "internal": formats.number(p.internal, 2, lang),
            "customer": formats.number(p.customer, 2, lang),
            "employees": formats.number(p.employees, 0, lang),
            "customers": formats.number(p.customers, 0, lang),
        }
        for p in view.points
    ]
    result = view.spearman
    rho = ""
    if result is not None and result.rho is not None:
        rho = _("Spearman's rho %(rho)s (95%% interval %(low)s – %(high)s), %(n)s units") % {
            "rho": formats.number(result.rho, 2, lang),
            "low": formats.number(result.ci_low, 2, lang),
            "high": formats.number(result.ci_high, 2, lang),
            "n": result.n,
        }
    spec = None
    if len(view.points) >= 2:
        data = [
            {"unit": p.unit.name, "internal": p.internal, "customer": p.customer}
            for p in view.points
        ]
        chart = (
            alt.Chart(alt.Data(values=data))
            .mark_circle(size=90)
            .encode(
                x=alt.X(
                    "internal:Q", title=_("Employees: overall gap"), scale=alt.Scale(zero=False)
                ),
                y=alt.Y("customer:Q", title=index_label, scale=alt.Scale(zero=False)),
                tooltip=[
                    alt.Tooltip("unit:N", title=_("Unit")),
                    alt.Tooltip("internal:Q", title=_("Employees: overall gap"), format=".2f"),
                    alt.Tooltip("customer:Q", title=index_label, format=".2f"),
                ],
            )
            .properties(width="container", height=280)
        )
        spec = chart.to_dict(validate=False)
        spec.pop("$schema", None)
        spec["config"] = chart_locale.config(lang)
    return {
        "rows": rows,
        "index_label": index_label,
        "rho": rho,
        "reading": _(INTERNAL_FIRST_READING[view.reading]),
        "hidden": view.hidden,
        "spec": spec,
    }
