"""The staff's case pages under ``/app/kasus/``: the list with its filters, the staff intake, a
case's page and its actions (status, owner, category, notes). Thin: the reads are in
:mod:`prima.casework.selectors`, the writes are :mod:`prima.cases.services`; every page and
action checks access through :mod:`prima.casework.access` (another organization's case, or one
outside the user's units: 404; a case the user sees but may not handle: 403 on its actions).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prima.cases.models import CaseStatus
from prima.casework import access, selectors
from prima.casework.deadlines import Clock
from prima.casework.forms import (
    REPLY,
    AssignForm,
    CategoryForm,
    FilterForm,
    IntakeForm,
    NoteForm,
    RejectForm,
    TransitionForm,
    category_choices,
    label_of,
)
from prima.casework.mail import tracking_url
from prima.casework.texts import whatsapp_link
from prima.organizations.calendar import local_date
from prima.organizations.unit_labels import path_label, path_labels
from prima.remark_labels.selectors import suggested_category_key

# form fields of each action, and the service's error keys on them
CONTACT_FIELDS = {
    "contact.name": "contact_name",
    "contact.email": "contact_email",
    "contact.phone": "contact_phone",
    "contact": "anonymous",
    "received_at": "received_on",
}


def _crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Cases"), reverse("casework:list")), *extra]


# -- the list ----------------------------------------------------------------------------------
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    choices = selectors.list_choices(request.user)
    units = {u.pk: u for u in choices.units}
    form = FilterForm(
        request.GET,
        organizations=choices.organizations,
        units=[(u.pk, choices.unit_labels[u.pk]) for u in choices.units],
        categories=choices.categories,
        owners=choices.owners,
        services=choices.services,
        staff=choices.staff,
    )
    for name, reachable in (
        ("unit", units),
        ("service", {pk for pk, _label in choices.services}),
        ("staff", {pk for pk, _label in choices.staff}),
    ):
        value = request.GET.get(name, "").strip()
        if value and (not (value.isascii() and value.isdigit()) or int(value) not in reachable):
            # a unit, service or staff member out of reach (or another organization's) is not
            # found, as on the dashboard
            raise Http404(name)
    filters = form.valid_data()
    clock = Clock()
    qs = selectors.filtered_cases(request.user, filters, units, clock).select_related(
        "organization", "unit", "category", "owner"
    )
    page = Paginator(qs, selectors.PER_PAGE).get_page(request.GET.get("page"))
    cases = clock.annotate(list(page.object_list))
    labels = path_labels([c.unit for c in cases])
    for case in cases:
        case.unit_label = labels[case.unit_id]  # type: ignore[attr-defined]
        case.category_label = label_of(case.category) if case.category else ""  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "cases": cases,
        "filtered": any(filters.get(k) for k in filters),
        "can_intake": access.intake_organizations(request.user).exists(),
        "multiple_orgs": len(choices.organizations) > 1,
        "section": "casework",
    }
    template = (
        "casework/_results.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "case-results"
        else "casework/list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# -- the staff intake --------------------------------------------------------------------------
def _intake_choices(
    request: HttpRequest,
) -> tuple[dict[int, Any], dict[int, str], dict[int, list[tuple[str, str]]]]:
    units: dict[int, Any] = {}
    organizations = list(access.intake_organizations(request.user))
    categories = {}
    for organization in organizations:
        categories[organization.pk] = category_choices(organization)
        for unit in access.intake_units(request.user, organization):
            units[unit.pk] = unit
    labels = path_labels(units.values())
    if len(organizations) > 1:
        names = {o.pk: o.name for o in organizations}
        labels = {pk: f"{names[u.organization_id]} · {labels[pk]}" for pk, u in units.items()}
    units = dict(sorted(units.items(), key=lambda kv: labels[kv[0]].lower()))
    return units, labels, categories


@login_required
def case_intake(request: HttpRequest) -> HttpResponse:
    """A complaint received by letter, telephone, in person, e-mail or social media."""
    from prima.cases.services import CaseError, case_receive

    units, labels, categories = _intake_choices(request)
    if not units:
        raise PermissionDenied  # the user handles no unit: nothing to register
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, units=units, unit_labels=labels, categories=categories)
        if form.is_valid():
            data = form.cleaned_data
            unit = data["unit"]
            contact = {
                k: v
                for k, v in (
                    ("name", data["contact_name"]),
                    ("email", data["contact_email"]),
                    ("phone", data["contact_phone"]),
                )
                if v
            }
            try:
                case, _created = case_receive(
                    organization=unit.organization,
                    unit=unit,
                    text=data["text"],
                    channel=data["channel"],
                    received_at=data["received_at"],
                    submission_id=data["submission_id"],
                    category=data.get("category") or None,
                    tier=data["tier"],
                    anonymous=data["anonymous"],
                    contact=contact or None,
                    consent=data["consent"],
                    user=request.user,
                    language=data["language"],
                )
            except CaseError as exc:
                for key, message in exc.errors.items():
                    field = CONTACT_FIELDS.get(key, key)
                    form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("casework:detail", case_id=case.pk)
        status = 400
    else:
        initial: dict[str, Any] = {}
        if len(units) == 1:
            initial["unit"] = next(iter(units))
        first = next(iter(units.values()))
        from django.utils import timezone

        initial["received_on"] = local_date(first.organization, timezone.now())
        form = IntakeForm(units=units, unit_labels=labels, categories=categories, initial=initial)
    context = {
        "form": form,
        "crumbs": _crumbs((_("Register a complaint"), "")),
        "section": "casework",
    }
    return render(request, "casework/intake.html", context, status=status)


# -- a case ------------------------------------------------------------------------------------
def _case_context(request: HttpRequest, case: Any, **forms: Any) -> dict[str, Any]:
    from prima.cases.services import TRANSITIONS, reopen_open

    handler = access.can_handle(request.user, case)
    clock = Clock()
    first, resolution = clock.states(case)
    categories = category_choices(case.organization, case.category) if handler else []
    suggested = suggested_category_key(case) if handler else None
    offered = dict(categories)
    if suggested not in offered:
        suggested = None  # a category the organization switched off, or no label yet
    candidates = (
        [(u.pk, access.display_name(u)) for u in access.owner_candidates(case, request.user)]
        if handler
        else []
    )
    moves = [s for s in TRANSITIONS.get(case.status, ()) if s != CaseStatus.REJECTED]
    url = tracking_url(case)
    return {
        "case": case,
        "handler": handler,
        "see_contact": handler,
        "unit_label": path_label(case.unit),
        "category_label": label_of(case.category) if case.category else "",
        "first": first,
        "resolution": resolution,
        "today": clock.today(case.organization),
        "zone": case.organization.zone_name,
        "history": selectors.history(case, handler=handler),
        "rating": getattr(case, "rating", None) if _has_rating(case) else None,
        "moves": [(s, CaseStatus(s).label) for s in moves],
        "can_reject": CaseStatus.REJECTED in TRANSITIONS.get(case.status, ()),
        "can_reopen": handler and reopen_open(case),
        "tracking_url": url,
        "whatsapp": whatsapp_link(case, url) if handler and case.contact_phone else None,
        "response_url": _response_url(request, case),
        "transition_form": forms.get("transition") or TransitionForm(),
        "reject_form": forms.get("reject") or RejectForm(initial={"status": CaseStatus.REJECTED}),
        "note_form": forms.get("note") or NoteForm(),
        "assign_form": forms.get("assign")
        or AssignForm(candidates=candidates, initial={"owner": case.owner_id}),
        "category_form": forms.get("category")
        or CategoryForm(
            categories=categories,
            initial={"category": case.category.key if case.category else (suggested or "")},
        ),
        "suggested_category": offered.get(suggested, "") if suggested else "",
        "crumbs": _crumbs((case.tracking_code, "")),
        "section": "casework",
    }


def _response_url(request: HttpRequest, case: Any) -> str:
    """The follow-up's survey response in ``/manage/``, for an admin of the case's
    organization (who alone may open it there); empty for everyone else."""
    from prima.organizations.manage_site import admin_organizations

    if not case.response_id:
        return ""
    if not admin_organizations(request).filter(pk=case.organization_id).exists():
        return ""
    return reverse("manage:surveys_response_change", args=[case.response_id])


def _has_rating(case: Any) -> bool:
    from prima.cases.models import CaseRating

    return CaseRating.objects.filter(case=case).exists()


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access.case_get_for_user(request.user, case_id)
    return render(request, "casework/detail.html", _case_context(request, case))


def _handled_case(request: HttpRequest, case_id: int) -> Any:
    """The case for an action: 404 out of reach, 403 when seen but not handled."""
    case = access.case_get_for_user(request.user, case_id)
    if not access.can_handle(request.user, case):
        raise PermissionDenied
    return case


def _again(request: HttpRequest, case: Any, **forms: Any) -> HttpResponse:
    """The case page with a form's errors at its fields (400)."""
    case = access.case_get_for_user(request.user, case.pk)
    return render(
        request, "casework/detail.html", _case_context(request, case, **forms), status=400
    )


def _done(case: Any) -> HttpResponse:
    return redirect("casework:detail", case_id=case.pk)


def _service_errors(form: Any, exc: Any) -> None:
    for key, message in exc.errors.items():
        form.add_error(key if key in form.fields else None, message)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    """A change of status with a message to the complainant, a rejection with its reason, a
    reopening, or (``status`` "reply") the message alone."""
    from prima.cases.services import CaseError, case_reopen, case_reply, case_transition

    case = _handled_case(request, case_id)
    reject = request.POST.get("status", "") == CaseStatus.REJECTED
    form = RejectForm(request.POST) if reject else TransitionForm(request.POST)
    key = "reject" if reject else "transition"
    if not form.is_valid():
        return _again(request, case, **{key: form})
    status, note = form.cleaned_data["status"], form.cleaned_data["note"]
    try:
        if status == REPLY:
            case_reply(case, note=note, user=request.user)
        elif case.status == CaseStatus.RESOLVED and status == CaseStatus.IN_PROGRESS:
            case_reopen(case, user=request.user, note=note)
        else:
            case_transition(case, status=status, note=note, user=request.user)
    except CaseError as exc:
        _service_errors(form, exc)
        return _again(request, case, **{key: form})
    return _done(case)


@login_required
@require_POST
def case_assign_view(request: HttpRequest, case_id: int) -> HttpResponse:
    from prima.cases.services import CaseError, case_assign

    case = _handled_case(request, case_id)
    candidates = {u.pk: u for u in access.owner_candidates(case, request.user)}
    form = AssignForm(
        request.POST,
        candidates=[(pk, access.display_name(u)) for pk, u in candidates.items()],
    )
    if not form.is_valid():
        return _again(request, case, assign=form)
    owner_id = form.cleaned_data["owner"]
    if owner_id == case.owner_id:
        return _done(case)  # no change, no history line
    owner = candidates.get(owner_id) if owner_id is not None else None
    if owner_id is not None and owner is None:  # pragma: no cover - the choices refuse it
        owner = get_user_model().objects.filter(pk=owner_id).first()
    try:
        case_assign(case, owner=owner, user=request.user)
    except CaseError as exc:
        _service_errors(form, exc)
        return _again(request, case, assign=form)
    return _done(case)


@login_required
@require_POST
def case_category(request: HttpRequest, case_id: int) -> HttpResponse:
    from prima.cases.services import CaseError, case_classify

    case = _handled_case(request, case_id)
    form = CategoryForm(request.POST, categories=category_choices(case.organization, case.category))
    if not form.is_valid():
        return _again(request, case, category=form)
    chosen = form.cleaned_data["category"] or None
    if chosen == (case.category.key if case.category else None):
        return _done(case)  # no change, no history line
    try:
        case_classify(case, user=request.user, category=chosen)
    except CaseError as exc:
        _service_errors(form, exc)
        return _again(request, case, category=form)
    return _done(case)


@login_required
@require_POST
def case_note_view(request: HttpRequest, case_id: int) -> HttpResponse:
    from prima.cases.services import CaseError, case_note

    case = _handled_case(request, case_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _again(request, case, note=form)
    try:
        case_note(case, note=form.cleaned_data["note"], user=request.user)
    except CaseError as exc:
        _service_errors(form, exc)
        return _again(request, case, note=form)
    return _done(case)
