"""Back-office pages of invitations (``/app/surveys/<code>/undangan/``): participation per unit,
the choice between invitation-only and the open link, and making invitations from the staff
list or a file (POST ``buat/``: e-mails go to the task worker; the slips' PDF is the answer, its
codes stored nowhere).

Thin views over :mod:`prima.invitations.selectors` and :mod:`~prima.invitations.services`:
another tenant's survey, a customer survey, a role other than admin or manager, or a unit
outside the user's scope answers 404; the policy is changed by organization-wide admins only
(403 for a manager).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prima.invitations.people_file import PeopleFileError, invitees_from_file
from prima.invitations.selectors import (
    invitation_required,
    invitation_survey_for_user,
    may_set_policy,
    participation,
    staff_invitees,
)
from prima.invitations.services import invitation_policy_set, invitations_issue
from prima.invitations.slips import slips_pdf

MAX_UPLOAD = 5 << 20
NOTICES = ("mailed", "policy")


def _lang() -> str:
    return "en" if (translation.get_language() or "id").startswith("en") else "id"


def _page(
    request: HttpRequest, survey: Any, units: list[Any], errors: list[str], status: int = 200
) -> HttpResponse:
    rows = participation(survey, units)
    notice = request.GET.get("done", "")
    count = request.GET.get("n", "")
    context = {
        "survey": survey,
        "units": units,
        "rows": rows,
        "totals": {
            "issued": sum(r.issued for r in rows),
            "delivered": sum(r.delivered for r in rows),
            "answered": sum(r.answered for r in rows),
        },
        "required": invitation_required(survey),
        "may_set_policy": may_set_policy(request.user, survey),
        "notice": notice if notice in NOTICES else "",
        "mailed": int(count) if count.isascii() and count.isdigit() else 0,
        "errors": errors,
        "source": request.POST.get("source", "staff"),
    }
    return render(request, "invitations/page.html", context, status=status)


@login_required
@require_GET
def invitations_page(request: HttpRequest, code: str) -> HttpResponse:
    survey, units = invitation_survey_for_user(request.user, code)
    return _page(request, survey, units, [])


@login_required
@require_POST
def invitations_make(request: HttpRequest, code: str) -> HttpResponse:
    survey, units = invitation_survey_for_user(request.user, code)
    source = request.POST.get("source", "staff")
    if source == "file":
        upload = request.FILES.get("file")
        if upload is None:
            return _page(request, survey, units, [_("Choose a CSV or XLSX file.")], 400)
        if upload.size and upload.size > MAX_UPLOAD:
            return _page(request, survey, units, [_("The file is larger than 5 MB.")], 400)
        name = Path(upload.name or "file.csv").name[:100]
        with tempfile.NamedTemporaryFile(suffix=Path(name).suffix.lower()[:6]) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                invitees = invitees_from_file(Path(tmp.name), name, units, _lang())
            except PeopleFileError as exc:
                return _page(request, survey, units, exc.problems, 400)
    elif source == "staff":
        chosen = request.POST.get("unit", "").strip()
        if chosen:
            picked = [u for u in units if str(u.pk) == chosen]
            if not picked:
                raise Http404("unit")
            root = picked[0].path
            scope = [u for u in units if u.path.startswith(root)]
        else:
            scope = units
        invitees = staff_invitees(survey, scope)
        if not invitees:
            return _page(request, survey, units, [_("No active staff member in these units.")], 400)
    else:
        return _page(request, survey, units, [_("Choose the staff list or a file.")], 400)
    base_url = request.build_absolute_uri("/")
    issued = invitations_issue(survey=survey, invitees=invitees, base_url=base_url)
    if issued.slips:
        body = slips_pdf(survey, issued.slips, base_url)
        response = HttpResponse(body, content_type="application/pdf")
        filename = f"undangan-{slugify(survey.code)}-{len(issued.slips)}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    url = reverse("invitations:page", args=[survey.code])
    return redirect(f"{url}?{urlencode({'done': 'mailed', 'n': issued.mailed})}")


@login_required
@require_POST
def invitations_policy(request: HttpRequest, code: str) -> HttpResponse:
    survey, units = invitation_survey_for_user(request.user, code)
    if not may_set_policy(request.user, survey):
        return _page(
            request, survey, units, [_("Only an admin of the organization decides this.")], 403
        )
    invitation_policy_set(survey=survey, required=request.POST.get("required") == "on")
    url = reverse("invitations:page", args=[survey.code])
    return redirect(f"{url}?done=policy")
