"""Back-office import of paper surveys: ``/app/surveys/<code>/import/``.

Upload a CSV or XLSX -> preview (the first rows, the counts, every problem with its row and
column) -> confirm, which stores every row or none (:mod:`prima.transfers.importing`). Templates
with the export's header: ``import/template.csv`` and ``import/template.xlsx`` (the XLSX has an
instructions sheet with the columns, the answer scales and the units, services and staff the
user may import for).

Who: organization admins for any unit of the survey; managers (and admins whose role is
limited to a unit) only for rows of the units under theirs. Others who may see the survey
(supervisors, viewers) get 403; anyone else 404, as for every back-office page.

Between preview and confirm the uploaded file waits in ``PRIMA_DATA_DIR/imports/<random>/``;
the confirm form carries a signed token (user, survey, folder; valid for an hour), the file is
checked again at confirm (the data may have changed) and its folder is removed after the
commit. Folders older than a day are removed at the next upload.

The import runs in the request: a clean import of 10,000 rows takes a few seconds (see the
tests), and a web import is capped at ``PRIMA_IMPORT_MAX_ROWS`` rows (default 50,000) and
``PRIMA_IMPORT_MAX_BYTES`` (default 20 MB); larger files go through ``prima import responses``.
The file is read streamed (:mod:`prima.tabular`): the header is checked first, and the row cap
and the reader's size limits stop a file while it is read, so a small file that expands to
millions of rows (an XLSX is compressed) is refused at once with bounded memory.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_noop, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from prima.organizations.access import User, memberships_of
from prima.organizations.choices import Role
from prima.organizations.models import Service, StaffMember, Unit
from prima.surveys.models import Survey
from prima.surveys.profile import profile_fields
from prima.surveys.selectors import survey_get_for_user
from prima.transfers.export import neutralise
from prima.transfers.importing import (
    MAX_LISTED_ERRORS,
    PREVIEW_ROWS,
    import_commit,
    import_read,
    template_columns,
)

IMPORT_ROLES = (Role.ADMIN, Role.MANAGER)
# the salt from before the split (ADR 0004): previews in progress stay valid
SALT = "prima.surveys.import"
TOKEN_MAX_AGE = 3600  # seconds between preview and confirm
STALE_AFTER = 24 * 3600
FOLDER = re.compile(r"[0-9a-f]{32}")


def _max_rows() -> int:
    return int(getattr(settings, "PRIMA_IMPORT_MAX_ROWS", 50_000))


def _max_bytes() -> int:
    return int(getattr(settings, "PRIMA_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def import_scope(user: User, survey: Survey) -> list[str] | None:
    """The unit paths ``user`` may import rows for (None: every unit of the survey).

    Raises PermissionDenied for someone who may see the survey but not import into it.
    """
    memberships = list(
        memberships_of(user, IMPORT_ROLES).filter(organization_id=survey.organization_id)
    )
    if not memberships:
        raise PermissionDenied("import")
    if any(m.unit_id is None for m in memberships):
        return None
    return [m.unit.path for m in memberships if m.unit is not None]


def can_import(user: User, survey: Survey) -> bool:
    try:
        import_scope(user, survey)
    except PermissionDenied:
        return False
    return True


def _survey(request: HttpRequest, code: str) -> tuple[Survey, list[str] | None]:
    survey = survey_get_for_user(request.user, code)  # 404 outside the user's organizations
    return survey, import_scope(request.user, survey)


def _units_in_scope(survey: Survey, scope: list[str] | None) -> list[Unit]:
    roots = [u.path for u in survey.units.all()]
    units = Unit.objects.filter(organization_id=survey.organization_id).order_by("path")
    return [
        u
        for u in units
        if any(u.path.startswith(r) for r in roots)
        and (scope is None or any(u.path.startswith(p) for p in scope))
    ]


# -- the page ------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, code: str) -> HttpResponse:
    survey, scope = _survey(request, code)
    context: dict[str, Any] = {"survey": survey, "stage": "form", "errors": []}
    if request.method == "POST":
        if request.POST.get("action") == "commit":
            return _commit(request, survey, scope, context)
        return _preview(request, survey, scope, context)
    return _render(request, context, survey, scope)


def _render(
    request: HttpRequest,
    context: dict[str, Any],
    survey: Survey,
    scope: list[str] | None,
    status: int = 200,
) -> HttpResponse:
    version = survey.instrument_version
    context.setdefault("report", None)
    context.update(
        {
            "answer_keys": [q.key for q in version.questions],
            "profile_columns": [f"profile.{f['id']}" for f in profile_fields(version.parsed)],
            "units": _units_in_scope(survey, scope),
            "max_rows": _max_rows(),
            "max_megabytes": _max_bytes() // (1024 * 1024),
            "preview_rows": PREVIEW_ROWS,
            "listed_errors": MAX_LISTED_ERRORS,
        }
    )
    return render(request, "transfers/import.html", context, status=status)


def _imports_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _clean_stale() -> None:
    base = _imports_dir()
    if not base.is_dir():
        return
    cutoff = time.time() - STALE_AFTER
    for folder in base.iterdir():
        try:
            if FOLDER.fullmatch(folder.name) and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _preview(
    request: HttpRequest, survey: Survey, scope: list[str] | None, context: dict[str, Any]
) -> HttpResponse:
    upload = request.FILES.get("file")
    sheet = request.POST.get("sheet", "").strip()[:100] or None
    if upload is None:
        context["errors"].append(_("Choose a CSV or XLSX file to import."))
        return _render(request, context, survey, scope, status=400)
    if upload.size is not None and upload.size > _max_bytes():
        context["errors"].append(
            _(
                "The file is too large (at most %(megabytes)s MB); use the command "
                "prima import responses for larger files."
            )
            % {"megabytes": number_format(_max_bytes() // (1024 * 1024), force_grouping=True)}
        )
        return _render(request, context, survey, scope, status=400)
    fallback = _("file")
    name = Path(upload.name or fallback).name.replace("\x00", "")[:120] or fallback
    head = upload.read(4)
    upload.seek(0)
    suffix = ".xlsx" if head == b"PK\x03\x04" else ".csv"
    _clean_stale()
    folder = secrets.token_hex(16)
    target = _imports_dir() / folder
    target.mkdir(parents=True, mode=0o700)
    path = target / f"upload{suffix}"
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    report = import_read(
        survey, path, sheet=sheet, source=name, unit_paths=scope, max_rows=_max_rows()
    )
    if not report.ok or not report.rows:
        shutil.rmtree(target, ignore_errors=True)  # nothing to confirm: nothing to keep
        token = None
    else:
        token = signing.dumps(
            {
                "f": folder,
                "x": suffix,
                "u": request.user.pk,
                "s": survey.code,
                "n": name,
                "sh": sheet,
            },
            salt=SALT,
            compress=True,
        )
    context.update({"stage": "preview", "report": report, "token": token, "file_name": name})
    return _render(request, context, survey, scope)


def _commit(
    request: HttpRequest, survey: Survey, scope: list[str] | None, context: dict[str, Any]
) -> HttpResponse:
    try:
        data = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("u") != request.user.pk
        or data.get("s") != survey.code
        or not FOLDER.fullmatch(str(data.get("f", "")))
        or data.get("x") not in (".csv", ".xlsx")
    ):
        context["errors"].append(
            _("The preview is no longer valid (it expired or was stored). Upload the file again.")
        )
        return _render(request, context, survey, scope, status=400)
    target = _imports_dir() / data["f"]
    path = target / f"upload{data['x']}"
    if not path.is_file():
        context["errors"].append(
            _("This file was stored already or its preview expired. Upload the file again.")
        )
        return _render(request, context, survey, scope, status=400)
    name = str(data.get("n") or _("file"))
    # checked again: units, services or stored responses may have changed since the preview
    report = import_read(
        survey, path, sheet=data.get("sh"), source=name, unit_paths=scope, max_rows=_max_rows()
    )
    if not report.ok:
        shutil.rmtree(target, ignore_errors=True)
        context.update({"stage": "preview", "report": report, "token": None, "file_name": name})
        return _render(request, context, survey, scope, status=400)
    import_commit(report)
    shutil.rmtree(target, ignore_errors=True)
    context.update({"stage": "done", "report": report, "file_name": name})
    return _render(request, context, survey, scope)


# -- templates -----------------------------------------------------------------------------------

COLUMN_HELP = {  # the optional columns but unit (see _roles) and what each holds
    "id": gettext_noop("The response's number from an export; not used by an import."),
    "submission_id": gettext_noop(
        "A UUID per form. When it is filled in, importing the same file again stores "
        "nothing twice (rows whose submission_id exists already are skipped)."
    ),
    "submitted_at": gettext_noop(
        "The day of the answers: 2026-03-31, 2026-03-31 10:30 or 31/03/2026. Blank: the "
        "time of the import."
    ),
    "unit": gettext_noop(
        "The unit's id (see the list of units below). The column unit_code or unit_name "
        "may be used instead."
    ),
    "service": gettext_noop("The service's id; or fill in the column service_name."),
    "staff": gettext_noop("The staff member's id; or fill in the column staff_name."),
    "channel": gettext_noop("Imported responses always have the channel 'paper'."),
    "unit_name": gettext_noop("The unit's name, used when the column unit is blank."),
    "service_name": gettext_noop("The service's name, used when the column service is blank."),
    "staff_name": gettext_noop("The staff member's name, used when the column staff is blank."),
    "suggestion": gettext_noop("The respondent's suggestion, stored as written."),
    "flag": gettext_noop("From an export: a flagged response stays left out of the indices."),
    "flag_detail": gettext_noop("From an export: why the response was flagged."),
    "unit_code": gettext_noop("The unit's code, used when the column unit is blank."),
}


def _role(column: str) -> str:
    if column in ("id", "channel"):
        return pgettext("import column", "ignored")
    if column == "unit":
        return pgettext("import column", "required when the survey has more than one unit")
    return pgettext("import column", "optional")


def _label(labels: dict[str, str], lang: str, default: Any) -> Any:
    return labels.get(lang) or labels.get("id") or default


def _instructions(survey: Survey, scope: list[str] | None) -> list[list[Any]]:
    """The rows of the template's instructions sheet, in the active language."""
    version = survey.instrument_version
    lang = "en" if (get_language() or "").startswith("en") else "id"
    rows: list[list[Any]] = [
        [
            _("Import template for paper responses: %(title)s (%(code)s)")
            % {"title": survey.title, "code": survey.code}
        ],
        [_("Fill in one row per form on the sheet 'responses'. Do not change the header row.")],
        [
            _(
                "Blank answers are allowed (counted as not answered); values outside the scale are refused."
            )
        ],
        [
            _(
                "If one row is wrong, nothing is stored: every problem is reported with its row "
                "and column."
            )
        ],
        [],
        [_("Column"), _("Use"), _("Content")],
    ]
    for q in version.questions:
        options = "; ".join(
            f"{v} = {_label(label, lang, v)}" for v, label in sorted(q.options.items())
        )
        rows.append(
            [
                q.key,
                _("answer %(min)s-%(max)s") % {"min": q.min, "max": q.max},
                f"{_label(q.text, lang, q.key)} ({options})",
            ]
        )
    for f in profile_fields(version.parsed):
        if f["type"] == "choice":
            detail = "; ".join(
                f"{k} = {_label(label, lang, k)}" for k, label in (f.get("options") or {}).items()
            )
        else:
            detail = _("whole number %(min)s-%(max)s") % {
                "min": f.get("min", 0),
                "max": f.get("max", 150),
            }
        rows.append([f"profile.{f['id']}", _("profile, optional"), detail])
    rows += [[c, _role(c), _(text)] for c, text in COLUMN_HELP.items()]
    rows += [[]]
    units = _units_in_scope(survey, scope)
    rows += [[_("Units")], ["unit", "unit_code", "unit_name"]]
    rows += [[u.pk, u.code, u.name] for u in units]
    paths = [u.path for u in units]
    services = Service.objects.filter(organization_id=survey.organization_id).select_related("unit")
    allowed = set(survey.services.values_list("pk", flat=True))
    rows += [[], [_("Services")], ["service", "service_name", "unit_name"]]
    rows += [
        [s.pk, s.name, s.unit.name]
        for s in services
        if (s.pk in allowed if allowed else True)
        and any(s.unit.path.startswith(p) or p.startswith(s.unit.path) for p in paths)
        and (scope is None or any(s.unit.path.startswith(p) for p in scope))
    ]
    staff = StaffMember.objects.filter(organization_id=survey.organization_id).select_related(
        "unit"
    )
    rows += [[], [_("Staff")], ["staff", "staff_name", "unit_name"]]
    rows += [
        [m.pk, m.name, m.unit.name] for m in staff if any(m.unit.path.startswith(p) for p in paths)
    ]
    return [[neutralise(v) for v in row] for row in rows]


@login_required
@require_GET
def import_template(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    survey, scope = _survey(request, code)
    columns = template_columns(survey)
    stem = f"templat-impor-{slugify(survey.code)}"
    if fmt == "csv":
        body = (",".join(columns) + "\n").encode("utf-8")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"{stem}.csv"
    else:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = Workbook()
        sheet = book.active
        sheet.title = "responses"
        sheet.append(columns)
        sheet.freeze_panes = "A2"
        info = book.create_sheet(_("instructions"))
        for row in _instructions(survey, scope):
            info.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
            )
        info.column_dimensions["A"].width = 22
        info.column_dimensions["B"].width = 28
        info.column_dimensions["C"].width = 90
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{stem}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
