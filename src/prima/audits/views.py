"""The audit pages under ``/app/audit/`` (issue 13 points 2-3): one's own assignments, the audit
form (for an assignment or, by a supervisor, ad hoc), the JSON submission the offline form will
use, an audit's scores, and the corrective actions. Thin: writes are
:mod:`prima.audits.services`, :mod:`prima.audits.actions`; reads go through
:mod:`prima.organizations.access` (out of reach: 404). A mystery shopper sees its assignments and
their form only (:mod:`prima.audits.gate`), and after saving a thank-you, never a score.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prima.audits import actions as act
from prima.audits.forms import ActionForm, ActionStatusForm, AuditForm, line_field_name
from prima.audits.models import (
    Audit,
    AuditAssignment,
    ChecklistVersion,
    CorrectiveAction,
)
from prima.audits.planning import assignment_of, assignments_of, is_mystery_shopper_only
from prima.audits.selectors import audit_scores, audits_visible_to
from prima.audits.services import (
    AUDITOR_ROLES,
    AuditError,
    _may_audit,
    audit_submit,
    builtin_checklist_version,
)
from prima.evidence.services import EvidenceError, photos_attach, photos_check
from prima.i18n import normalize_language
from prima.organizations.access import memberships_of, unit_scope_q
from prima.organizations.calendar import local_date, zone_of
from prima.organizations.choices import ROLES_THAT_SEE_RESULTS
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.organizations.unit_labels import path_labels
from prima.pdf import pdf_attachment

PLACEMENT_FIELDS = (
    "unit",
    "staff_member",
    "service",
    "observed_at",
    "note",
    "submission_id",
    "encounter",
)


def answer_label(answer: str) -> str:
    labels = {"yes": _("Yes"), "no": _("No"), "na": _("Not applicable")}
    return labels.get(answer, answer)


def _crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Audits"), reverse("audits:assignments")), *extra]


# -- the audit form -------------------------------------------------------------------------------
def _around(organization: Organization, root: Unit) -> dict[str, Any]:
    """The units of ``root``'s subtree, and the staff and services of those units or of the
    units above ``root`` (a staff member of a parent unit may serve at its counter)."""
    units = list(
        Unit.objects.filter(organization=organization, path__startswith=root.path).order_by("path")
    )
    above = [root.path[: i + 7] for i in range(0, len(root.path) - 7, 7)]
    near = Q(unit__path__startswith=root.path) | Q(unit__path__in=above)
    staff = list(
        StaffMember.objects.filter(near, organization=organization, active=True).order_by("name")
    )
    services = list(Service.objects.filter(near, organization=organization).order_by("name"))
    return {"units": units, "staff": staff, "services": services, "unit_labels": path_labels(units)}


def _apply_errors(form: AuditForm, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        if key.startswith("answers."):
            name = line_field_name(key.removeprefix("answers."))
            form.add_error(name if name in form.fields else None, message)
        elif key in PLACEMENT_FIELDS:
            form.add_error(key, message)
        else:
            form.add_error(None, message)


def _audit_form(
    request: HttpRequest,
    *,
    organization: Organization,
    root: Unit,
    version: ChecklistVersion,
    assignment: AuditAssignment | None = None,
    action: CorrectiveAction | None = None,
) -> HttpResponse:
    around = _around(organization, root)
    form = AuditForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        checklist=version.parsed,
        **around,
    )
    status = 200
    photos, photo_errors = [], []
    if request.method == "POST":
        status = 400
        try:  # evidence photos (prima.evidence): checked by their content before anything is stored
            photos = photos_check(request)
        except EvidenceError as exc:
            photo_errors = exc.messages
        if form.is_valid() and not photo_errors:
            try:
                audit, _created = audit_submit(
                    organization=organization,
                    auditor=request.user,
                    kind="supervisor",
                    observed_at=form.cleaned_data["observed_at"],
                    answers=form.answers(),
                    checklist_version=version,
                    assignment=assignment,
                    submission_id=form.cleaned_data["submission_id"],
                    note=form.cleaned_data["note"],
                    # a re-audit is no calibration pair: its code stays empty
                    encounter=form.cleaned_data["encounter"] if action is None else "",
                    **form.placement(),
                )
            except AuditError as exc:
                _apply_errors(form, exc.errors)
            else:
                if _created:  # a retry of a stored submission_id stores no photo again
                    _attach_or_undo(audit, photos, request.user)
                if action is not None and action.reaudit_id is None:
                    # observed before the failed audit: stored, not linked
                    with contextlib.suppress(AuditError):
                        act.action_update(
                            action, user=request.user, status=action.status, reaudit=audit
                        )
                if is_mystery_shopper_only(request.user):
                    return redirect(reverse("audits:assignments") + "?saved=1")
                return redirect(reverse("audits:detail", args=[audit.pk]) + "?saved=1")
    lang = normalize_language(get_language())
    title = version.parsed.title[lang]
    offset = timezone.now().astimezone(zone_of(organization)).strftime("%z")
    return render(
        request,
        "audits/form.html",
        {
            "form": form,
            "photo_errors": photo_errors,
            # the offline queue's time offset (+07:00): Indonesia's zones have no summer time
            "offset": f"{offset[:3]}:{offset[3:]}",
            "title": title,
            "unit": root,
            "assignment": assignment,
            "action": action,
            "crumbs": _crumbs((title, request.path)),
        },
        status=status,
    )


def _attach_or_undo(audit: Audit, photos: list[Any], user: Any) -> None:
    """Store the checked photos with the new audit; should that fail (a full disk), the audit
    goes too, so that the auditor's retry with the same submission_id stores both."""
    try:
        photos_attach(audit=audit, photos=photos, user=user)
    except BaseException:
        audit.delete()
        raise


@login_required
def assignment_form(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_of(request.user, assignment_id)
    if assignment is None:
        raise Http404("assignment")
    return _audit_form(
        request,
        organization=assignment.organization,
        root=assignment.plan.unit,
        version=assignment.plan.checklist_version,
        assignment=assignment,
    )


def _auditable_units(user: Any) -> list[Unit]:
    units: dict[int, Unit] = {}
    for m in memberships_of(user, AUDITOR_ROLES):
        q = Q(organization_id=m.organization_id)
        if m.unit is not None:
            q &= Q(path__startswith=m.unit.path)
        for u in Unit.objects.filter(q).select_related("organization").order_by("path"):
            units[u.pk] = u
    return list(units.values())


@login_required
def audit_new(request: HttpRequest) -> HttpResponse:
    """A supervisor's audit without an assignment: first the unit, then the form."""
    value = (request.POST.get("unit") or request.GET.get("unit") or "").strip()
    action = None
    action_value = request.GET.get("action", "").strip()
    if action_value:
        if not action_value.isdigit():
            raise Http404("action")
        action = _visible_actions(request.user).filter(pk=int(action_value)).first()
        if action is None or not act.may_handle(request.user, action.audit.unit):
            raise Http404("action")
        value = value or str(action.audit.unit_id)
    if not value:
        units = _auditable_units(request.user)
        labels = path_labels(units)
        return render(
            request,
            "audits/choose_unit.html",
            {
                "units": [(u.pk, labels.get(u.pk, u.name)) for u in units],
                "crumbs": _crumbs((_("New audit"), request.path)),
            },
        )
    unit = Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if unit is None or not _may_audit(request.user, unit):
        raise Http404("unit")
    return _audit_form(
        request,
        organization=unit.organization,
        root=unit,
        version=builtin_checklist_version(),
        action=action,
    )


# -- the JSON submission ---------------------------------------------------------------------------
def _json_error(status: int, detail: str, errors: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def _pk_of(model: Any, value: Any, **filters: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        return False
    return model.objects.filter(pk=int(value), **filters).first() or False


@require_POST
def audit_submit_json(request: HttpRequest) -> JsonResponse:
    """``POST /app/audit/kirim/`` (JSON, signed in): ``submission_id`` (UUID, required),
    ``assignment`` (id; else a supervisor's own audit), ``unit``, ``staff_member``, ``service``
    (ids), ``observed_at`` (ISO 8601 with its offset), ``answers`` ({line: answer}), ``note``,
    ``encounter`` (optional: the calibration code audits of one encounter share).
    201 stored, 200 stored before (the same ``submission_id``: a retry stores once), 400 with
    ``errors`` per field, 401 signed out."""
    if not request.user.is_authenticated:
        return _json_error(401, _("Sign in first."))
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _json_error(400, _("The body must be a JSON object."))
    if not isinstance(body, dict):
        return _json_error(400, _("The body must be a JSON object."))
    errors: dict[str, str] = {}
    assignment = None
    if body.get("assignment") is not None:
        found = _pk_of(AuditAssignment, body.get("assignment"), auditor_id=request.user.pk)
        if not found:
            return _json_error(404, _("Not found."), {"assignment": _("unknown assignment")})
        assignment = found
    unit = _pk_of(Unit, body.get("unit"))
    if assignment is not None and unit is None:
        unit = assignment.plan.unit
    if not unit:
        return _json_error(400, _("The audit was not stored."), {"unit": _("unknown unit")})
    organization = unit.organization
    staff = _pk_of(StaffMember, body.get("staff_member"), organization=organization)
    service = _pk_of(Service, body.get("service"), organization=organization)
    if staff is False:
        errors["staff_member"] = _("unknown staff member for this unit")
    if service is False:
        errors["service"] = _("this service is not offered by the unit")
    if not body.get("submission_id"):
        errors["submission_id"] = _("must be a UUID")
    observed = body.get("observed_at")
    observed_at = parse_datetime(observed) if isinstance(observed, str) else None
    if observed_at is None:
        errors["observed_at"] = _("must be a date and time with its time zone")
    note = body.get("note") or ""
    if errors:
        return _json_error(400, _("The audit was not stored."), errors)
    try:
        audit, created = audit_submit(
            organization=organization,
            unit=unit,
            auditor=request.user,
            kind="supervisor",
            observed_at=observed_at,  # type: ignore[arg-type]
            answers=body.get("answers"),  # type: ignore[arg-type]
            checklist_version=None,
            staff_member=staff,
            service=service,
            assignment=assignment,
            submission_id=body.get("submission_id"),
            note=note,
            encounter=body.get("encounter") or "",
        )
    except AuditError as exc:
        return _json_error(400, _("The audit was not stored."), exc.errors)
    return JsonResponse(
        {"created": created, "submission_id": str(audit.submission_id)},
        status=201 if created else 200,
    )


@require_GET
def audit_service_worker(request: HttpRequest) -> HttpResponse:
    """The offline form's service worker, served from ``/app/audit/`` so that its scope is the
    audit pages: it keeps the form pages and their static files for a reload offline; the page's
    script (``prima/audit-offline.js``) queues audits in IndexedDB and sends them to ``kirim/``."""
    response = render(
        request,
        "audits/sw.js",
        {"scope": json.dumps(reverse("audits:assignments").removesuffix("tugas/"))},
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


# -- assignments -------------------------------------------------------------------------------
@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    shopper = is_mystery_shopper_only(request.user)
    return render(
        request,
        "audits/assignments.html",
        {
            "rows": assignments_of(request.user),
            "shopper": shopper,
            "can_audit": not shopper and memberships_of(request.user, AUDITOR_ROLES).exists(),
            "saved": request.GET.get("saved") == "1",
            "crumbs": _crumbs(),
        },
    )


# -- an audit's page -------------------------------------------------------------------------------
def _visible_audit(user: Any, audit_id: int) -> Audit:
    audit = Audit.objects.filter(pk=audit_id).select_related("organization").first()
    if audit is None:
        raise Http404("audit")
    found = audits_visible_to(user, audit.organization).filter(pk=audit_id).first()
    if found is None:
        raise Http404("audit")
    return found


def _action_form(audit: Audit, user: Any, data: Any = None) -> ActionForm | None:
    parsed = audit.checklist_version.parsed
    lang = normalize_language(get_language())
    lines = [(line_id, parsed.line(line_id).text[lang]) for line_id in act.failed_lines(audit)]
    if act.audit_failed(audit):
        lines.insert(0, ("", _("The audit as a whole")))
    if not lines:
        return None
    return ActionForm(data, lines=lines, owners=act.owner_choices(audit.unit, user))


def _detail_context(audit: Audit) -> dict[str, Any]:
    """What the audit's page and its PDF show (the same numbers)."""
    lang = normalize_language(get_language())
    parsed = audit.checklist_version.parsed
    scores = audit_scores(audit)
    answers = {a.line_id: a.answer for a in audit.answers.all()}
    groups = [
        (
            parsed.a_texts.get(a, {}).get(lang, a),
            scores.per_a.get(a),
            [(line, line.text[lang], answer_label(answers.get(line.id, ""))) for line in lines],
        )
        for a, lines in parsed.groups().items()
    ]
    critical = [parsed.line(i).text[lang] for i in audit.critical_failures if i in parsed.line_ids]
    return {
        "audit": audit,
        "title": parsed.title[lang],
        "groups": groups,
        "critical": critical,
        # in the organization's time zone, e.g. "2026-07-01 09:30 WIB" (the page and the PDF)
        "observed_local": audit.observed_at.astimezone(zone_of(audit.organization)).strftime(
            "%Y-%m-%d %H:%M %Z"
        ),
        "audit_actions": audit.actions.select_related("owner").order_by("due_date", "pk"),
    }


def _detail(
    request: HttpRequest, audit: Audit, form: ActionForm | None, status: int = 200
) -> HttpResponse:
    handler = act.may_handle(request.user, audit.unit)
    pdf = reverse("audits:pdf", args=[audit.pk])
    return render(
        request,
        "audits/detail.html",
        {
            **_detail_context(audit),
            "actions": [(_("Download PDF"), pdf)],
            "form": form if handler else None,
            "saved": request.GET.get("saved") == "1",
            "action_created": request.GET.get("action") == "created",
            "crumbs": _crumbs((str(audit.unit), reverse("audits:detail", args=[audit.pk]))),
        },
        status=status,
    )


@login_required
def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request.user, audit_id)
    return _detail(request, audit, _action_form(audit, request.user))


@login_required
@require_GET
def audit_pdf(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The audit's page as an A4 PDF (WeasyPrint): the same access as the page (a mystery
    shopper never reaches it: the gate and :func:`audits_visible_to`)."""
    audit = _visible_audit(request.user, audit_id)
    html = render_to_string("audits/audit_pdf.html", _detail_context(audit), request=request)
    return pdf_attachment(html, f"audit-{audit.pk}.pdf")


@login_required
@require_POST
def action_create(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request.user, audit_id)
    if not act.may_handle(request.user, audit.unit):
        raise Http404("audit")
    form = _action_form(audit, request.user, request.POST)
    if form is None:
        return _detail(request, audit, None, status=400)
    if form.is_valid():
        owner = get_user_model().objects.filter(pk=form.cleaned_data["owner"]).first()
        try:
            act.action_create(
                audit=audit,
                user=request.user,
                owner=owner,
                description=form.cleaned_data["description"],
                working_days=form.cleaned_data["working_days"],
                line_id=form.cleaned_data["line_id"],
            )
        except AuditError as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            return redirect(reverse("audits:detail", args=[audit.pk]) + "?action=created")
    return _detail(request, audit, form, status=400)


# -- corrective actions ------------------------------------------------------------------------
def _visible_actions(user: Any) -> Any:
    """Actions the user owns, and those of the units the user may see results of."""
    if not user.is_authenticated:
        return CorrectiveAction.objects.none()
    q = Q(owner_id=user.pk)
    for organization in {m.organization for m in memberships_of(user, ROLES_THAT_SEE_RESULTS)}:
        scope = unit_scope_q(user, organization, field="audit__unit")
        if scope is not None:
            q |= Q(scope, organization=organization)
    return CorrectiveAction.objects.filter(q).select_related(
        "organization", "audit__unit", "audit__checklist_version", "owner", "reaudit"
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    qs = _visible_actions(request.user)
    status = request.GET.get("status", "")
    if status in {"open", "done", "verified"}:
        qs = qs.filter(status=status)
    now = timezone.now()
    rows = [
        (a, a.status == "open" and a.due_date < local_date(a.organization, now))
        for a in qs.order_by("due_date", "pk")[:200]
    ]
    return render(
        request,
        "audits/actions.html",
        {
            "rows": rows,
            "status": status,
            "crumbs": _crumbs((_("Corrective actions"), request.path)),
        },
    )


@login_required
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = _visible_actions(request.user).filter(pk=action_id).first()
    if action is None:
        raise Http404("action")
    handler = act.may_handle(request.user, action.audit.unit)
    reaudits = (
        [(a.pk, f"{a.observed_at:%Y-%m-%d} · {a.unit}") for a in act.reaudit_choices(action)]
        if handler
        else []
    )
    may_change = handler or action.owner_id == request.user.pk
    form = ActionStatusForm(
        request.POST if request.method == "POST" else None,
        reaudits=reaudits,
        initial={"status": action.status, "reaudit": action.reaudit_id},
    )
    status_code = 200
    if request.method == "POST":
        if not may_change:
            raise Http404("action")
        status_code = 400
        if form.is_valid():
            reaudit = None
            if form.cleaned_data["reaudit"] is not None:
                reaudit = Audit.objects.filter(pk=form.cleaned_data["reaudit"]).first()
            try:
                act.action_update(
                    action, user=request.user, status=form.cleaned_data["status"], reaudit=reaudit
                )
            except AuditError as exc:
                for key, message in exc.errors.items():
                    form.add_error(key if key in form.fields else None, message)
            else:
                return redirect(reverse("audits:action", args=[action.pk]) + "?saved=1")
    lang = normalize_language(get_language())
    line_text = ""
    if action.line_id:
        try:
            line_text = action.audit.checklist_version.parsed.line(action.line_id).text[lang]
        except KeyError:
            line_text = action.line_id
    audit_visible = (
        audits_visible_to(request.user, action.organization).filter(pk=action.audit_id).exists()
    )
    return render(
        request,
        "audits/action.html",
        {
            "action": action,
            "line_text": line_text,
            "form": form if may_change else None,
            "handler": handler,
            "audit_visible": audit_visible,
            "overdue": action.status == "open"
            and action.due_date < local_date(action.organization, timezone.now()),
            "saved": request.GET.get("saved") == "1",
            "crumbs": _crumbs(
                (_("Corrective actions"), reverse("audits:actions")), (_("Action"), request.path)
            ),
        },
        status=status_code,
    )
