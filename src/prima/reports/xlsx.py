"""The SKM report as an XLSX workbook (openpyxl, write-only: the answer sheet may be long).

Sheets:

- ``Ringkasan``: the unit, period, respondents, sample size, IKM, converted value, mutu, kinerja;
- ``Perhitungan``: per unsur the answers 1-4, the sum, n, NRR, NRR tertimbang, converted value,
  mutu and kinerja, as numbers at full precision (shown rounded: 3 decimals for NRR, 2 for the
  converted values), then the same computation as Excel formulas next to them so that an auditor
  can check it in the spreadsheet; the IKM row below;
- ``Profil responden``: the profile tables (count and %);
- ``Rencana tindak lanjut``: the plan (or the proposal, marked as such);
- ``Saran``: the suggestions listed in the report;
- ``Jawaban``: the raw answers, with the columns of ``prima export`` (``prima analyze`` reads
  it back), for exactly the responses the report counts.

Text that people typed (names, suggestions, the plan) goes through
:func:`prima.transfers.export.neutralise`: a cell never starts with ``=``, ``+``, ``-`` or ``@``
unless Prima wrote the formula itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db.models import Q
from django.utils.translation import gettext, pgettext

from prima.insights.results import responses_in_scope
from prima.organizations.models import Unit
from prima.reports.skm import SkmReport
from prima.surveys.models import Survey
from prima.transfers.export import export_columns, export_rows, neutralise

NRR_FORMAT = "0.000"
CONVERTED_FORMAT = "0.00"
PERCENT_FORMAT = "0.00"


def _clean(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # local wall time; Excel has no time zones
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _text(value: Any) -> Any:
    """User or database text, safe in a cell."""
    return _clean(neutralise(value))


def write_report_xlsx(
    report: SkmReport,
    survey: Survey,
    target: str | Path | IO[bytes],
    *,
    unit: Unit | None = None,
    scope: Q | None = None,
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E6E6E6")

    def cell(sheet: Any, value: Any, *, fmt: str | None = None, strong: bool = False) -> Any:
        c = WriteOnlyCell(sheet, value=value)
        if fmt:
            c.number_format = fmt
        if strong:
            c.font = bold
        return c

    def header(sheet: Any, labels: list[str]) -> None:
        row = []
        for label in labels:
            c = WriteOnlyCell(sheet, value=label)
            c.font = bold
            c.fill = head_fill
            row.append(c)
        sheet.append(row)

    # -- Ringkasan ------------------------------------------------------------------------------
    summary = book.create_sheet(gettext("Summary"))
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 60
    summary.append(
        [cell(summary, gettext("Public Satisfaction Survey (SKM) results report"), strong=True)]
    )
    s = report.sample
    for label, value, fmt in (
        (gettext("Agency"), _text(report.organization), None),
        (
            pgettext("skm report", "Service unit"),
            _text(report.unit_name or gettext("The whole organization")),
            None,
        ),
        (gettext("Period"), report.period.label, None),
        (gettext("Period (in words)"), f"{report.period_text} ({report.period_range})", None),
        (gettext("Survey"), _text(f"{report.survey_title} ({report.survey_code})"), None),
        (gettext("Legal basis"), report.regulation, None),
        (gettext("Number of unsur"), report.n_elements, None),
        (gettext("Weight per unsur"), report.weight, "0.000000"),
        (gettext("Number of responses"), report.responses, None),
        (gettext("Number of respondents"), report.respondents, None),
        (gettext("Service users a year (population)"), s.population_year, None),
        (gettext("Population of the period"), s.population, None),
        (gettext("Minimum sample (Krejcie-Morgan)"), s.minimum, None),
        (
            gettext("Minimum sample reached"),
            {True: gettext("yes"), False: gettext("no"), None: "-"}[s.reached],
            None,
        ),
        (gettext("IKM (scale 1-4)"), report.ikm, NRR_FORMAT),
        (gettext("Converted IKM (25-100)"), report.ikm_converted, CONVERTED_FORMAT),
        (gettext("Service quality (mutu)"), report.grade, None),
        (gettext("Performance of the service unit"), report.performance, None),
        (gettext("Number of suggestions"), report.suggestions_total, None),
        (gettext("Date of the report"), report.generated_on, "yyyy-mm-dd"),
    ):
        summary.append([cell(summary, label), cell(summary, value, fmt=fmt)])
    summary.append([])
    summary.append(
        [
            cell(
                summary,
                gettext(
                    "Numbers are stored at full precision; shown rounded (NRR 3 decimals, "
                    "converted values 2 decimals), as in the PDF."
                ),
            )
        ]
    )

    _complaints_block(summary, report, cell)

    # -- Perhitungan ----------------------------------------------------------------------------
    calc = book.create_sheet(gettext("Computation"))
    points = report.scale_points
    labels = [
        pgettext("skm report", "No"),
        gettext("Column"),
        gettext("Unsur code"),
        gettext("Unsur"),
        *(gettext("Answer %(value)s") % {"value": p} for p in points),
        gettext("Sum of values"),
        "n",
        "NRR",
        gettext("Weight"),
        gettext("Weighted NRR"),
        gettext("Converted"),
        gettext("Mutu"),
        gettext("Performance"),
        gettext("NRR (formula)"),
        gettext("Weighted NRR (formula)"),
        gettext("Converted (formula)"),
    ]
    for i, width in enumerate([5, 7, 14, 38], start=1):
        calc.column_dimensions[_col(i)].width = width
    for i in range(5, len(labels) + 1):
        calc.column_dimensions[_col(i)].width = 13
    header(calc, labels)
    k = len(points)
    c_n = 6 + k  # column number of n (the sum is 5 + k)
    c_w = 8 + k  # the weight (the NRR value is 7 + k)
    f_nrr, f_nw = 13 + k, 14 + k  # the NRR and NRR tertimbang formulas
    first_row = 2
    for r, e in enumerate(report.elements, start=first_row):
        counts = [cell(calc, v) for v in e.counts]
        n = f"{_col(c_n)}{r}"
        weighted = (
            f"SUMPRODUCT({_col(5)}{r}:{_col(4 + k)}{r},{{{','.join(str(p) for p in points)}}})"
        )
        calc.append(
            [
                cell(calc, e.number),
                cell(calc, e.column),
                cell(calc, _text(e.code)),
                cell(calc, _text(e.name)),
                *counts,
                cell(calc, e.total),
                cell(calc, e.n),
                cell(calc, e.nrr, fmt=NRR_FORMAT),
                cell(calc, report.weight, fmt="0.000000"),
                cell(calc, e.nrr_weighted, fmt=NRR_FORMAT),
                cell(calc, e.converted, fmt=CONVERTED_FORMAT),
                cell(calc, e.grade),
                cell(calc, e.performance),
                # the same computation as formulas (written by Prima, not user text)
                cell(calc, f'=IF({n}=0,"",{weighted}/{n})', fmt=NRR_FORMAT),
                cell(calc, f'=IF({n}=0,"",{_col(f_nrr)}{r}*{_col(c_w)}{r})', fmt=NRR_FORMAT),
                cell(calc, f'=IF({n}=0,"",{_col(f_nrr)}{r}*25)', fmt=CONVERTED_FORMAT),
            ]
        )
    last_row = first_row + len(report.elements) - 1
    ikm_row = last_row + 2
    calc.append([])
    calc.append(
        [
            cell(calc, None),
            cell(calc, None),
            cell(calc, "IKM", strong=True),
            cell(calc, gettext("IKM = the sum of the weighted NRRs (scale 1-4)"), strong=True),
            *(cell(calc, None) for _ in points),
            cell(calc, None),
            cell(calc, report.respondents, strong=True),
            cell(calc, None),
            cell(calc, None),
            cell(calc, report.ikm, fmt=NRR_FORMAT, strong=True),
            cell(calc, report.ikm_converted, fmt=CONVERTED_FORMAT, strong=True),
            cell(calc, report.grade, strong=True),
            cell(calc, report.performance, strong=True),
            cell(calc, None),
            cell(
                calc,
                f"=SUM({_col(f_nw)}{first_row}:{_col(f_nw)}{last_row})",
                fmt=NRR_FORMAT,
            ),
            cell(calc, f"={_col(f_nw)}{ikm_row}*25", fmt=CONVERTED_FORMAT),
        ]
    )
    calc.append([])
    calc.append([cell(calc, gettext("Mutu categories"), strong=True)])
    header(
        calc,
        [
            gettext("Perception value"),
            gettext("IKM interval"),
            gettext("Converted interval"),
            gettext("Mutu"),
            gettext("Performance"),
        ],
    )
    for b in report.bands:
        calc.append([b.value, b.ikm_interval, b.converted_interval, b.grade, b.performance])

    # -- Profil responden -----------------------------------------------------------------------
    prof = book.create_sheet(gettext("Respondents' profile"))
    prof.column_dimensions["A"].width = 36
    prof.column_dimensions["B"].width = 12
    prof.column_dimensions["C"].width = 12
    for t in report.profiles:
        prof.append([cell(prof, _text(t.title), strong=True)])
        header(prof, [gettext("Category"), gettext("Count"), "%"])
        for row in t.rows:
            prof.append(
                [
                    cell(prof, _text(row.label)),
                    cell(prof, row.count),
                    cell(prof, row.percent, fmt=PERCENT_FORMAT),
                ]
            )
        prof.append([cell(prof, gettext("Total"), strong=True), cell(prof, t.total, strong=True)])
        prof.append([])

    # -- Rencana tindak lanjut ------------------------------------------------------------------
    plan = book.create_sheet(gettext("Follow-up plan"))
    for col, width in zip("ABCDEFGH", (5, 28, 10, 50, 50, 24, 14, 16), strict=True):
        plan.column_dimensions[col].width = width
    if report.plan_is_proposal:
        plan.append(
            [
                cell(
                    plan,
                    gettext(
                        "AUTOMATIC PROPOSAL - not adopted: start with the unsur with the lowest NRR."
                    ),
                    strong=True,
                )
            ]
        )
    header(
        plan,
        [
            pgettext("skm report", "No"),
            gettext("Unsur"),
            "NRR",
            pgettext("skm report", "Problem"),
            gettext("Follow-up action"),
            gettext("Responsible"),
            gettext("Deadline"),
            gettext("Status"),
        ],
    )
    by_code = {e.code: e for e in report.elements}
    for i, p in enumerate(report.plan, start=1):
        element = by_code.get(p.element)
        plan.append(
            [
                i,
                _text(f"{p.element_name} ({p.element})"),
                cell(plan, element.nrr if element else None, fmt=NRR_FORMAT),
                _text(p.problem),
                _text(p.action),
                _text(p.owner),
                cell(plan, p.deadline, fmt="yyyy-mm-dd"),
                _text(p.status),
            ]
        )

    # -- Saran ----------------------------------------------------------------------------------
    sug = book.create_sheet(gettext("Suggestions"))
    sug.column_dimensions["B"].width = 14
    sug.column_dimensions["C"].width = 30
    sug.column_dimensions["D"].width = 90
    header(
        sug,
        [
            pgettext("skm report", "No"),
            gettext("Date"),
            gettext("Unit"),
            gettext("Suggestion"),
        ],
    )
    for i, item in enumerate(report.suggestions, start=1):
        sug.append([i, cell(sug, item.day, fmt="yyyy-mm-dd"), _text(item.unit), _text(item.text)])
    if report.suggestions_more:
        more = gettext("%(n)s more suggestions: the Answers sheet") % {"n": report.suggestions_more}
        sug.append([None, None, None, more])

    # -- Jawaban (the export's columns, same responses) -----------------------------------------
    raw = book.create_sheet(gettext("Answers"))
    raw.append(export_columns(survey))
    responses = responses_in_scope(survey, unit=unit, period=report.period, scope=scope)
    for row in export_rows(survey, responses):  # already neutralised by the export
        raw.append([_clean(v) for v in row])

    book.save(target)


def _complaints_block(sheet: Any, report: SkmReport, cell: Any) -> None:
    """Complaint handling (issue 11, evidence for unsur 9) under the summary: counts and
    measures as numbers (shares as fractions shown in percent), never a text or a name; one
    sentence when no complaint was received."""
    m = report.complaints
    if m is None:
        return
    sheet.append([])
    sheet.append([cell(sheet, gettext("Complaint handling"), strong=True)])
    if not m.received:
        sheet.append([cell(sheet, gettext("No complaints were received in this period."))])
        return
    s = m.satisfaction
    for label, value, fmt in (
        (gettext("Complaints received"), m.received, None),
        (gettext("Resolved"), m.resolved, None),
        (gettext("Rejected"), m.rejected, None),
        (gettext("Still open"), m.open, None),
        (gettext("First response, working days: median"), m.first_response.median, "0.0"),
        (gettext("First response, working days: 90th percentile"), m.first_response.p90, "0.0"),
        (gettext("First response: cases"), m.first_response.n, None),
        (gettext("Resolution, working days: median"), m.resolution.median, "0.0"),
        (gettext("Resolution, working days: 90th percentile"), m.resolution.p90, "0.0"),
        (gettext("Resolution: cases"), m.resolution.n, None),
        (gettext("Resolved on time"), m.resolved_on_time, None),
        (gettext("Share resolved on time"), m.on_time_share, "0.0%"),
        (gettext("Cases past a due date (breaches)"), m.breaches, None),
        (gettext("Satisfaction with the handling (1-5): mean"), s.mean, "0.00"),
        (gettext("Satisfaction: 95% CI, lower bound"), s.ci_low, "0.00"),
        (gettext("Satisfaction: 95% CI, upper bound"), s.ci_high, "0.00"),
        (gettext("Satisfaction: ratings"), s.n, None),
    ):
        sheet.append([cell(sheet, label), cell(sheet, value, fmt=fmt)])


def _col(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(number))
