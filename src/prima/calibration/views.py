"""The calibration pages (issue 13, point 4) under ``/app/kalibrasi/``: thin views over
:mod:`prima.calibration.selectors` (what the user may see of audit results: 404 beyond it; a
mystery shopper's account is refused by :mod:`prima.audits.gate` and sees nothing here anyway)
and :mod:`prima.calibration.report` (the figures, from :mod:`prima.metrics.agreement` only).

``/app/kalibrasi/``: the encounters audited by two or more auditors in a period (filters: unit,
period, checklist version) and their agreement per A and per line; ``<org>/<code>/``: one
encounter's answers side by side, the disagreements marked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from prima import formats
from prima.audits.models import Audit, AuditKind
from prima.audits.selectors import audit_scores
from prima.audits.views import answer_label
from prima.calibration import selectors
from prima.calibration.report import MIN_SUBJECTS, Row, Statistic
from prima.insights.periods import Period, parse_period
from prima.messages import message
from prima.organizations.access import (
    is_admin,
    organization_for,
    organizations_of,
    units_visible_to,
)
from prima.organizations.calendar import zone_of
from prima.organizations.models import Organization
from prima.organizations.unit_labels import path_labels

# the reading bands of prima.calibration.report (Landis & Koch 1977; Krippendorff 2004)
BAND_LABELS = {
    "poor": gettext_lazy("poor"),
    "slight": gettext_lazy("slight"),
    "fair": gettext_lazy("fair"),
    "moderate": gettext_lazy("moderate"),
    "substantial": gettext_lazy("substantial"),
    "almost_perfect": gettext_lazy("almost perfect"),
    "reliable": gettext_lazy("reliable"),
    "tentative": gettext_lazy("tentative conclusions only"),
    "unreliable": gettext_lazy("unreliable"),
}


def _stat(s: Statistic, lang: str) -> dict[str, Any]:
    """A statistic as the page shows it (3 decimals, the interval, the reading)."""
    if s.value is None:
        reading = message(f"agreement_{s.reason}", lang) if s.reason else "-"
    elif s.too_small:
        reading = _("n too small (fewer than %(min)s)") % {"min": MIN_SUBJECTS}
    else:
        reading = str(BAND_LABELS.get(s.band or "", "-"))
    interval = ""
    # Cohen's interval is a large-sample one: below MIN_SUBJECTS it is not shown (with a kappa
    # of 0 from a handful of encounters its standard error is 0 and it read "0,000 - 0,000")
    if s.ci_low is not None and s.ci_high is not None and not s.too_small:
        interval = f"{formats.number(s.ci_low, 3, lang)} – {formats.number(s.ci_high, 3, lang)}"
    return {
        "method": s.method,
        "value": formats.number(s.value, 3, lang),
        "interval": interval,
        "n": s.n,
        "reading": reading,
        "band": s.band or "",
        "undefined": s.value is None,
        "detail": s.detail or "",
    }


def _row(row: Row, name: str, lang: str) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": name,
        "answer": row.answer,
        "kappa": _stat(row.kappa, lang),
        "alpha": _stat(row.alpha, lang),
    }


def _period(request: HttpRequest, organization: Organization) -> tuple[Period, str]:
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return parse_period(raw), ""
        except ValueError:
            error = _("The period %(text)s is not valid; use 2026, 2026-S1, 2026-Q3 or 2026-07.")
            return _this_year(organization), error % {"text": raw[:40]}
    return _this_year(organization), ""


def _this_year(organization: Organization) -> Period:
    return parse_period(str(timezone.now().astimezone(zone_of(organization)).year))


def _digits(raw: str, what: str) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise Http404(what)
    return int(raw)


@login_required
@require_GET
def calibration_list(request: HttpRequest) -> HttpResponse:
    lang = formats.lang_of(request.LANGUAGE_CODE)
    organizations = list(organizations_of(request.user).order_by("name"))
    if not organizations:
        raise Http404("calibration")
    units: list[Any] = []
    for organization in organizations:
        units += list(units_visible_to(request.user, organization).select_related("organization"))
    unit_id = _digits(request.GET.get("unit", "").strip(), "unit")
    unit = None
    if unit_id is not None:
        unit = next((u for u in units if u.pk == unit_id), None)
        if unit is None:
            raise Http404("unit")
    organization = unit.organization if unit is not None else organizations[0]
    period, error = _period(request, organization)
    versions = selectors.versions_in(request.user, organization)
    version_id = _digits(request.GET.get("version", "").strip(), "version")
    version = versions[0] if versions else None
    if version_id is not None:
        version = next((v for v in versions if v.pk == version_id), None)
        if version is None:
            raise Http404("version")
    found, report = selectors.agreement_of(
        request.user, organization, period=period, unit=unit, version=version
    )
    own_units = [u for u in units if u.organization_id == organization.pk]
    labels = path_labels(own_units)
    context: dict[str, Any] = {
        "organization": organization,
        "units": [(u.pk, labels.get(u.pk, u.name)) for u in own_units],
        "unit": unit,
        "period": period,
        "period_text": formats.period_label(period.label, lang),
        "period_error": error,
        "versions": versions,
        "version": version,
        "encounters": found,
        "min_subjects": MIN_SUBJECTS,
        "crumbs": [(_("Audits"), reverse("audits:assignments")), (_("Calibration"), request.path)],
    }
    if version is not None and report is not None:
        checklist = version.parsed
        context["report"] = report
        context["per_a"] = [
            _row(r, checklist.a_texts.get(r.key, {}).get(lang, r.key), lang) for r in report.per_a
        ]
        context["lines"] = [_row(r, checklist.line(r.key).text[lang], lang) for r in report.lines]
        context["kappa_name"] = _("Cohen's kappa") if report.raters <= 2 else _("Fleiss' kappa")
    return render(request, "calibration/list.html", context, status=400 if error else 200)


def _auditor_name(audit: Audit, admin: bool, index: int) -> str:
    """Who audited: the kind and, for a supervisor, the account's name; a mystery shopper's
    name only for the organization's admins (others read "Mystery shopper 2")."""
    if audit.kind == AuditKind.MYSTERY and not admin:
        return _("Mystery shopper %(n)s") % {"n": index}
    user = audit.auditor
    name = (user.get_full_name() or user.get_username()) if user is not None else _("(deleted)")
    return f"{audit.get_kind_display()} · {name}"


@login_required
@require_GET
def encounter_page(request: HttpRequest, slug: str, encounter: str) -> HttpResponse:
    code = encounter
    organization = organization_for(request.user, slug)
    found = selectors.encounter_of(request.user, organization, code)
    if found is None:
        raise Http404("encounter")
    lang = formats.lang_of(request.LANGUAGE_CODE)
    admin = is_admin(request.user, organization)
    audits = list(found.audits)
    parsed = found.version.parsed
    answers = [selectors.answers_of(a) for a in audits]
    # an audit on another checklist version is compared on the lines it shares
    rows = []
    for line in parsed.lines:
        given = [a.get(line.id) for a in answers]
        rows.append(
            {
                "text": line.text[lang],
                "critical": line.critical,
                "answers": [answer_label(g) if g else "-" for g in given],
                "differs": len(set(given)) > 1,
            }
        )
    mystery = 0
    columns = []
    zone = zone_of(organization)
    for audit in audits:
        if audit.kind == AuditKind.MYSTERY:
            mystery += 1
        scores = audit_scores(audit)
        observed: datetime = audit.observed_at.astimezone(zone)
        columns.append(
            {
                "audit": audit,
                "who": _auditor_name(audit, admin, mystery),
                "observed": observed.strftime("%Y-%m-%d %H:%M %Z"),
                "score": formats.number(scores.overall, 2, lang)
                if scores.overall is not None
                else "-",
            }
        )
    context = {
        "organization": organization,
        "encounter": found,
        "columns": columns,
        "rows": rows,
        "differences": sum(1 for r in rows if r["differs"]),
        "title": _("Encounter %(code)s") % {"code": code},
        "crumbs": [
            (_("Audits"), reverse("audits:assignments")),
            (_("Calibration"), reverse("calibration:list")),
            (code, request.path),
        ],
    }
    return render(request, "calibration/encounter.html", context)
