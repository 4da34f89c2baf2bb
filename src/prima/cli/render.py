"""Human-readable output of ``prima analyze``: rich tables, half-up rounding, decimal comma."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from prima import i18n
from prima.i18n import gettext_noop
from prima.metrics.gap import VERDICT_LABELS
from prima.metrics.ipa import QUADRANTS
from prima.metrics.rounding import format_number

# column and row labels (English msgids; Indonesian from the catalogue, prima.i18n)
LABELS: dict[str, str] = {
    "n": gettext_noop("n"),
    "element": gettext_noop("Element"),
    "nrr": gettext_noop("NRR"),
    "nrr_weighted": gettext_noop("Weighted NRR"),
    "converted": gettext_noop("Converted"),
    "grade": gettext_noop("Grade"),
    "performance": gettext_noop("Performance"),
    "ikm": gettext_noop("IKM"),
    "ikm_converted": gettext_noop("IKM converted"),
    "item": gettext_noop("Item"),
    "dimension": gettext_noop("Dimension"),
    "expectation": gettext_noop("Expectation"),
    "perf": gettext_noop("Performance"),
    "gap": gettext_noop("Gap"),
    "ci": gettext_noop("95% CI"),
    "verdict": gettext_noop("Verdict"),
    "below": gettext_noop("< expected"),
    "equal": gettext_noop("= expected"),
    "above": gettext_noop("> expected"),
    "overall": gettext_noop("Overall"),
    "importance": gettext_noop("Importance"),
    "conformity": gettext_noop("Conformity (%)"),
    "quadrant": gettext_noop("Quadrant"),
    "axis": gettext_noop("Crosshair"),
    "csi": gettext_noop("CSI"),
    "category": gettext_noop("Category"),
    "wf": gettext_noop("WF (%)"),
    "ws": gettext_noop("WS"),
    "mis": gettext_noop("MIS"),
    "mss": gettext_noop("MSS"),
    "nps": gettext_noop("NPS"),
    "promoters": gettext_noop("Promoters"),
    "passives": gettext_noop("Passives"),
    "detractors": gettext_noop("Detractors"),
    "alpha": gettext_noop("Cronbach's alpha"),
    "item_total": gettext_noop("Corrected item-total r"),
    "if_deleted": gettext_noop("Alpha if item deleted"),
    "valid": gettext_noop("Valid"),
    "yes": gettext_noop("yes"),
    "no": gettext_noop("no"),
    "unweighted": gettext_noop("Unweighted SERVQUAL score"),
    "weighted": gettext_noop("Weighted SERVQUAL score"),
    "population": gettext_noop("Population"),
    "method": gettext_noop("Method"),
    "exact": gettext_noop("Exact value"),
    "sample": gettext_noop("Minimum sample"),
    "notes": gettext_noop("Notes"),
    "rule": gettext_noop("Rule"),
    "weakest": gettext_noop("Weakest unsur"),
    # prima analyze agreement
    "kappa": gettext_noop("Kappa"),
    "po": gettext_noop("Observed agreement"),
    "pe": gettext_noop("Agreement expected by chance"),
    "weights": gettext_noop("Weights"),
    "unweighted_kappa": gettext_noop("unweighted"),
    "linear": gettext_noop("linear"),
    "quadratic": gettext_noop("quadratic"),
    "subjects": gettext_noop("Subjects"),
    "raters": gettext_noop("Raters"),
    "form": gettext_noop("ICC form"),
    "icc_value": gettext_noop("ICC"),
    "krippendorff": gettext_noop("Krippendorff's alpha"),
    "level": gettext_noop("Level of measurement"),
    "nominal": gettext_noop("nominal"),
    "ordinal": gettext_noop("ordinal"),
    "interval": gettext_noop("interval"),
    "ratio": gettext_noop("ratio"),
}


def render(method: str, result: dict[str, Any], lang: str, console: Console | None = None) -> None:
    console = console or Console()
    t = {key: i18n.gettext(label, lang) for key, label in LABELS.items()}

    def num(value: Any, places: int = 2) -> str:
        return format_number(value, places, lang)

    def ci(row: dict[str, Any]) -> str:
        if row.get("ci_low") is None:
            return "-"
        return f"{num(row['ci_low'])} .. {num(row['ci_high'])}"

    if method == "ikm":
        table = Table(
            t["element"],
            "",
            t["n"],
            t["nrr"],
            t["nrr_weighted"],
            t["converted"],
            t["grade"],
            t["performance"],
        )
        for column, e in result["elements"].items():
            table.add_row(
                column,
                e.get("code") or "",
                str(e["n"]),
                num(e["nrr"], 3),
                num(e["nrr_weighted"], 3),
                num(e["nrr_converted"]),
                e["grade"] or "-",
                e["performance"] or "-",
            )
        console.print(table)
        console.print(
            f"{t['n']} = {result['n']}   {t['ikm']} = {num(result['ikm'], 3)}   "
            f"{t['ikm_converted']} = {num(result['ikm_converted'])}   "
            f"{t['grade']} = {result['grade'] or '-'}   {t['performance']} = {result['performance'] or '-'}"
        )
        if result.get("weakest"):
            console.print(f"{t['weakest']}: {', '.join(result['weakest'])}")
    elif method in ("gap", "servqual"):
        groups = [("item", result.get("items", {})), ("dimension", result.get("dimensions", {}))]
        if method == "gap":
            groups.append(("overall", {t["overall"]: result["overall"]}))
        for kind, rows in groups:
            if not rows:
                continue
            table = Table(
                t[kind],
                t["n"],
                t["expectation"],
                t["perf"],
                t["gap"],
                t["ci"],
                t["verdict"],
                t["below"],
                t["equal"],
                t["above"],
            )
            for name, r in rows.items():
                table.add_row(
                    name,
                    str(r["n"]),
                    num(r["expectation"]),
                    num(r["performance"]),
                    num(r["gap"]),
                    ci(r),
                    VERDICT_LABELS[r["verdict"]][lang],
                    num(r["below"], 1),
                    num(r["equal"], 1),
                    num(r["above"], 1),
                )
            console.print(table)
        if method == "servqual":
            console.print(
                f"{t['unweighted']}: {num(result['unweighted'])}   {t['weighted']}: {num(result['weighted'])}"
            )
        else:
            console.print(f"{t['rule']}: {result['verdict_rule']}")
    elif method == "ipa":
        axis = result["axis"]
        console.print(
            f"{t['axis']} ({axis['kind']}): {t['perf']} {num(axis['performance'])}, "
            f"{t['importance']} {num(axis['importance'])}"
        )
        table = Table(t["item"], t["n"], t["importance"], t["perf"], t["conformity"], t["quadrant"])
        for name, r in result["items"].items():
            q = r["quadrant"]
            label = f"{q} {QUADRANTS[q][lang]}{' *' if r['on_boundary'] else ''}" if q else "-"
            table.add_row(
                name,
                str(r["n"]),
                num(r["importance"]),
                num(r["performance"]),
                num(r["conformity"]),
                label,
            )
        console.print(table)
    elif method == "csi":
        table = Table(t["item"], t["n"], t["mis"], t["mss"], t["wf"], t["ws"])
        for name, r in result["items"].items():
            table.add_row(
                name, str(r["n"]), num(r["mis"]), num(r["mss"]), num(r["wf"]), num(r["ws"])
            )
        console.print(table)
        category = result["category"] if lang == "id" else result["category_en"]
        console.print(f"{t['csi']} = {num(result['csi'])}%   {t['category']}: {category or '-'}")
    elif method == "nps":
        console.print(
            f"{t['n']} = {result['n']}   {t['promoters']} {num(result['promoters'], 1)}%   "
            f"{t['passives']} {num(result['passives'], 1)}%   {t['detractors']} {num(result['detractors'], 1)}%"
        )
        console.print(
            f"{t['nps']} = {num(result['nps'], 1)}   {t['ci']}: {num(result['ci_low'], 1)} .. {num(result['ci_high'], 1)}"
        )
    elif method == "alpha":
        table = Table(t["item"], t["item_total"], t["if_deleted"], t["valid"])
        for name, r in result["items"].items():
            valid = "-" if r["valid"] is None else (t["yes"] if r["valid"] else t["no"])
            table.add_row(name, num(r["item_total_r"], 3), num(r["alpha_if_deleted"], 3), valid)
        console.print(table)
        console.print(
            f"{t['n']} = {result['n']}   k = {result['k']}   {t['alpha']} = {num(result['alpha'], 3)}   "
            f"{t['ci']}: {num(result['ci_low'], 3)} .. {num(result['ci_high'], 3)}"
        )
    elif method == "agreement":
        _agreement(result, t, num, console)
    elif method == "text":
        _text(result, lang, num, console)
    elif method == "sample-size":
        console.print(
            f"{t['population']} = {result['population']}   {t['method']}: {result['method']}   "
            f"{t['exact']} = {num(result['exact'], 2)}   {t['sample']} = {result['sample']}"
        )
    for note in result.get("notes", []):
        console.print(f"[dim]{t['notes']}: {note}[/dim]")


def _agreement(result: dict[str, Any], t: dict[str, str], num: Any, console: Console) -> None:
    """The four JSON shapes of ``prima analyze agreement``, told apart by their keys."""
    if "icc" in result:
        console.print(f"{t['subjects']} = {result['n']}   {t['raters']} = {result['k']}")
        table = Table(t["form"], t["icc_value"], t["ci"])
        for form, e in result["icc"].items():
            interval = (
                "-"
                if e["ci_low"] is None or e["ci_high"] is None
                else f"{num(e['ci_low'], 3)} .. {num(e['ci_high'], 3)}"
            )
            table.add_row(form, num(e["value"], 3), interval)
        console.print(table)
    elif "level" in result:
        console.print(
            f"{t['subjects']} = {result['n']}   {t['level']}: {t[result['level']]}   "
            f"{t['krippendorff']} = {num(result['alpha'], 3)}"
        )
    elif "po" in result:
        weights = t[result["weights"]] if result["weights"] else t["unweighted_kappa"]
        console.print(
            f"{t['subjects']} = {result['n']}   {t['weights']}: {weights}   "
            f"{t['po']} = {num(result['po'], 3)}   {t['pe']} = {num(result['pe'], 3)}"
        )
        console.print(
            f"{t['kappa']} = {num(result['kappa'], 3)}   "
            f"{t['ci']}: {num(result['ci_low'], 3)} .. {num(result['ci_high'], 3)}"
        )
    else:
        console.print(
            f"{t['subjects']} = {result['n']}   {t['raters']} = {result['k']}   "
            f"{t['kappa']} = {num(result['kappa'], 3)}"
        )


# prima analyze text (issue 14): SKM unsur names (skm.md), the A's of A6 (concept.md)
TEXT_LABELS: dict[str, str] = {
    "row": gettext_noop("Row"),
    "unsur": gettext_noop("Unsur"),
    "a6": gettext_noop("A of A6"),
    "sentiment": gettext_noop("Sentiment"),
    "confidence": gettext_noop("Confidence (unsur / A / sentiment)"),
    "texts": gettext_noop("Texts labelled"),
    "blank": gettext_noop("Blank texts"),
    "none": gettext_noop("(none)"),
    "positif": gettext_noop("Positive"),
    "negatif": gettext_noop("Negative"),
    "netral": gettext_noop("Neutral"),
    "U1": gettext_noop("Requirements"),
    "U2": gettext_noop("Systems, mechanisms and procedures"),
    "U3": gettext_noop("Completion time"),
    "U4": gettext_noop("Cost/tariff"),
    "U5": gettext_noop("Service product specification"),
    "U6": gettext_noop("Staff competence"),
    "U7": gettext_noop("Staff conduct"),
    "U8": gettext_noop("Facilities"),
    "U9": gettext_noop("Handling of complaints, suggestions and feedback"),
    "ability": gettext_noop("Ability"),
    "attitude": gettext_noop("Attitude"),
    "appearance": gettext_noop("Appearance"),
    "attention": gettext_noop("Attention"),
    "action": gettext_noop("Action"),
    "accountability": gettext_noop("Accountability"),
}


def _text(result: dict[str, Any], lang: str, num: Any, console: Console) -> None:
    """Each labelled row, then the counts per unsur, per A and per sentiment."""
    t = {key: i18n.gettext(label, lang) for key, label in TEXT_LABELS.items()}
    rows = Table(t["row"], t["unsur"], t["a6"], t["sentiment"], t["confidence"])
    for r in result["rows"]:
        c = r["confidence"]
        rows.add_row(
            str(r["row"]),
            r["unsur"] or "-",
            t[r["a6"]] if r["a6"] else "-",
            t[r["sentiment"]],
            f"{num(c['unsur'])} / {num(c['a6'])} / {num(c['sentiment'])}",
        )
    console.print(rows)
    summary = result["summary"]
    for kind in ("unsur", "a6"):
        table = Table(t[kind], "n", t["positif"], t["negatif"], t["netral"])
        for key, counts in summary[kind].items():
            name = f"{key} {t[key]}" if kind == "unsur" else t[key]
            table.add_row(
                name,
                str(counts["n"]),
                str(counts["positif"]),
                str(counts["negatif"]),
                str(counts["netral"]),
            )
        console.print(table)
    s = summary["sentiment"]
    console.print(
        f"{t['texts']} = {result['n']}   {t['blank']} = {result['blank']}   "
        f"{t['positif']} {s['positif']}   {t['negatif']} {s['negatif']}   "
        f"{t['netral']} {s['netral']}"
    )
