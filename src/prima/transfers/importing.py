"""Import of paper surveys: a CSV or XLSX file of responses into a survey, all or nothing.

The file has the layout of ``prima export`` (:func:`prima.transfers.export.export_columns`), so an
export can be imported again: into the same survey nothing is stored twice (rows are skipped by
``submission_id``), into another survey it gives the same numbers. Columns, by header name:

- required: the answer keys of the survey's instrument (``U1``..``U9``, ``X.harapan`` /
  ``X.kinerja``, ``csat`` / ``nps`` / ``kembali``);
- optional: ``unit`` (id) or ``unit_code`` or ``unit_name`` (not needed when the survey has one
  unit); ``service`` (id) or ``service_name``; ``staff`` (id) or ``staff_name``;
  ``submitted_at`` (a date, or a date and time, in the site's time zone unless the text carries
  an offset; default: the time of the import); ``submission_id`` (a UUID: a row whose id the
  survey already has is skipped as a duplicate, so importing a file twice stores it once);
  ``profile.<field>``; ``suggestion``; ``flag`` and ``flag_detail`` (rows an export marks as
  suspect stay left out of the indices);
- ignored: ``id`` and ``channel`` of an export (imported responses have channel ``paper``) and
  any other column (reported as a notice).

Every row passes the rules of a web or API submission
(:func:`prima.instruments.questions.clean_answers` and
:class:`prima.surveys.services.ResponseChecks`), with these differences, because a paper form is
entered by staff after the fact: a blank answer is allowed (not answered, as in the analytics;
counted as a warning) unless every answer of the row is blank; the survey may be closed; no
single-use token is needed; no abuse controls apply. A manager whose role covers part of the
organization imports only rows of units in that part (``unit_paths``).

Every problem is collected, not only the first: the row as the spreadsheet shows it (the header
is row 1), the column and a message in the language asked for (gettext); the first
:data:`MAX_LISTED_ERRORS` are listed with the total. One problem and nothing is stored.
:func:`import_commit` stores the checked rows in one transaction with ``bulk_create``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from prima.i18n import gettext_noop, normalize_language
from prima.instruments.questions import Question, clean_answers
from prima.messages import message
from prima.organizations.models import Service, StaffMember, Unit
from prima.storable_text import displayable, unstorable_character
from prima.surveys.anonymity import anonymous_rows, stored_id
from prima.surveys.choices import Channel, ResponseFlag
from prima.surveys.models import Response, Survey
from prima.surveys.profile import profile_fields
from prima.surveys.services import SUBMIT_ERRORS, ResponseChecks
from prima.tabular import DEFAULT_LIMITS, InputError, Limits, read_table
from prima.tabular.xlsx_reader import BadCell
from prima.transfers.export import FORMULA_STARTS, export_columns

MAX_LISTED_ERRORS = 200
PREVIEW_ROWS = 20
BATCH_SIZE = 2000
FUTURE_TOLERANCE = timedelta(days=1)  # a clock or time zone slightly off is not an error

UNIT_COLUMNS = ("unit", "unit_code", "unit_name")
IGNORED_COLUMNS = ("id", "channel")
FLAG_VALUES = tuple(ResponseFlag.values)

responses_imported = Signal()
"""Sent inside the import's transaction after its rows are stored, with ``survey`` and
``responses`` (the new :class:`Response` objects). ``bulk_create`` sends no ``post_save``:
anything kept up to date per response (e.g. per-period rollups) listens here."""

# Messages are English msgids of the gettext catalogue (Bahasa Indonesia from prima/locale),
# shown in the language :func:`import_read` is given (by default the active one).
MESSAGES: dict[str, str] = {
    "too_many_rows": gettext_noop(
        "the file has more than %(max)s rows; a web import takes at most %(max)s rows "
        "(use the command prima import responses for larger files)"
    ),
    "unit_id": gettext_noop(
        'value "%(value)s" is not a unit id (a number); for a unit code or name use the '
        "column unit_code or unit_name"
    ),
    "unit_unknown": gettext_noop('unit "%(value)s" is not part of this survey'),
    "unit_missing": gettext_noop("no unit given (column unit, unit_code or unit_name)"),
    "ambiguous": gettext_noop('more than one has the name "%(value)s"; use its id column'),
    "id_number": gettext_noop('value "%(value)s" is not an id (a number)'),
    "date": gettext_noop(
        'date "%(value)s" not recognised (e.g. 2026-03-31, 2026-03-31 10:30, 31/03/2026)'
    ),
    "future": gettext_noop('date "%(value)s" lies in the future'),
    "uuid_repeated": gettext_noop("the same submission_id is already on row %(row)s"),
    "no_answers": gettext_noop("every answer is blank"),
    "flag": gettext_noop('unknown flag "%(value)s" (known: %(values)s)'),
    "value": gettext_noop('%(text)s (value "%(value)s")'),
    "unstorable": gettext_noop(
        "the text holds the character %(char)s, which cannot be stored or shown"
    ),
    "options": gettext_noop("%(text)s (choices: %(options)s)"),
    "row": gettext_noop("row %(row)s"),
    "column": gettext_noop("column %(column)s"),
}


def _m(key: str, lang: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its ``%(placeholders)s`` filled in."""
    with translation.override(lang):
        text = gettext(MESSAGES[key])
    return text % params if params else text


def _more(n: int, lang: str) -> str:
    with translation.override(lang):
        return ngettext("... and %(n)s more problem", "... and %(n)s more problems", n) % {
            "n": number_format(n, force_grouping=True)
        }


def _submit_error(key: str, lang: str) -> str:
    """A message of a web submission (:data:`prima.surveys.services.SUBMIT_ERRORS`)."""
    with translation.override(lang):
        return gettext(SUBMIT_ERRORS[key])


@dataclass(frozen=True)
class Problem:
    """One problem of the file: where (row as a spreadsheet shows it, column) and what."""

    row: int | None
    column: str | None
    message: str

    def render(self, source: str, lang: str = "id") -> str:
        where = [source] if source else []
        if self.row is not None:
            where.append(_m("row", lang, row=self.row))
        if self.column is not None:
            where.append(_m("column", lang, column=self.column))
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class Row:
    """A checked row, ready to store."""

    row: int
    submission_id: uuid.UUID
    unit: Unit
    service: Service | None
    staff: StaffMember | None
    submitted_at: datetime
    answers: dict[str, int]
    profile: dict[str, Any]
    suggestion: str
    flag: str
    flag_detail: str


@dataclass
class ImportReport:
    """What an import found: rows to store, duplicates to skip, problems, warnings, a preview."""

    survey: Survey
    source: str
    lang: str = "id"
    rows_read: int = 0
    rows: list[Row] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # rows skipped: id already stored
    problems: list[Problem] = field(default_factory=list)  # the first MAX_LISTED_ERRORS
    problem_count: int = 0
    rows_with_problems: int = 0
    blank_answers: int = 0  # answer cells left blank (allowed: not answered)
    rows_with_blanks: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    preview_columns: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    stored: int = 0  # after import_commit
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def more_problems(self) -> int:
        """Problems found but not listed."""
        return self.problem_count - len(self.problems)

    def add(self, row: int | None, column: str | None, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_ERRORS:
            self.problems.append(Problem(row, column, text))

    def messages(self) -> list[str]:
        """Every listed problem as ``berkas, baris N, kolom X: pesan``, then how many more."""
        out = [p.render(self.source, self.lang) for p in self.problems]
        if self.more_problems:
            out.append(_more(self.more_problems, self.lang))
        return out


# -- reading cells -------------------------------------------------------------------------------
def _text(cell: Any) -> str:
    """A cell as the text a person typed (a number from an XLSX without a trailing ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell)


def _shown(cell: Any) -> str:
    """A cell as the preview shows it (characters that cannot be shown replaced)."""
    return displayable(cell.value if isinstance(cell, BadCell) else _text(cell))


def _typed(cell: Any) -> str:
    """Text as typed: an export's formula guard (a leading ``'``) is taken off again, as a
    spreadsheet does when it reads the cell."""
    text = _text(cell)
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _whole(cell: Any) -> int | None:
    """An id: an int, a whole float (XLSX) or ASCII digits; None when it is not one."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str):
        text = cell.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
)


def parse_when(cell: Any, tz: Any) -> datetime | None:
    """A date or date and time (ISO 8601, or day/month/year as written in Indonesia; an XLSX
    date cell); naive values are in ``tz``. None when it is not one."""
    moment: datetime | None = None
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time.min)
    elif isinstance(cell, str):
        text = cell.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for fmt in DATE_FORMATS:
                try:
                    moment = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if moment is None:
        return None
    if timezone.is_naive(moment):
        try:
            moment = timezone.make_aware(moment, tz)
        except Exception:  # a wall time that does not exist in the zone
            return None
    return moment


def _choice_key(value: str, options: dict[str, dict[str, str]]) -> str:
    """A choice typed as its key or its label, in any case, as the key; else unchanged."""
    folded = value.strip().casefold()
    for key, labels in options.items():
        if folded == key.casefold() or any(
            folded == str(label).strip().casefold() for label in labels.values()
        ):
            return key
    return value


class _Names:
    """Units, services and staff of the survey's organization by code and name (loaded once,
    only when a file uses names)."""

    def __init__(self, survey: Survey, unit_paths: Sequence[str] | None) -> None:
        self.survey = survey
        self.unit_paths = unit_paths
        self._units: dict[str, list[int]] | None = None
        self._codes: dict[str, int] | None = None
        self._services: dict[str, list[tuple[int, str]]] | None = None
        self._staff: dict[str, list[tuple[int, str]]] | None = None

    def _load_units(self) -> None:
        roots = [u.path for u in self.survey.units.all()]
        self._units, self._codes = {}, {}
        rows = Unit.objects.filter(organization_id=self.survey.organization_id).values_list(
            "pk", "name", "code", "path"
        )
        for pk, name, code, path in rows:
            if not any(path.startswith(r) for r in roots):
                continue
            if self.unit_paths is not None and not any(path.startswith(p) for p in self.unit_paths):
                continue
            self._units.setdefault(_fold(name), []).append(pk)
            if code:
                self._codes[_fold(code)] = pk

    def unit_by_code(self, code: str) -> int | None:
        if self._codes is None:
            self._load_units()
        assert self._codes is not None
        return self._codes.get(_fold(code))

    def units_by_name(self, name: str) -> list[int]:
        if self._units is None:
            self._load_units()
        assert self._units is not None
        return self._units.get(_fold(name), [])

    def services_by_name(self, name: str) -> list[tuple[int, str]]:
        if self._services is None:
            self._services = {}
            rows = Service.objects.filter(organization_id=self.survey.organization_id)
            for pk, label, path in rows.values_list("pk", "name", "unit__path"):
                self._services.setdefault(_fold(label), []).append((pk, path))
        return self._services.get(_fold(name), [])

    def staff_by_name(self, name: str) -> list[tuple[int, str]]:
        if self._staff is None:
            self._staff = {}
            rows = StaffMember.objects.filter(organization_id=self.survey.organization_id)
            for pk, label, path in rows.values_list("pk", "name", "unit__path"):
                self._staff.setdefault(_fold(label), []).append((pk, path))
        return self._staff.get(_fold(name), [])


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _near(candidates: list[tuple[int, str]], unit: Unit | None) -> list[tuple[int, str]]:
    """Candidates in a line with the unit (above or below it), when there is more than one."""
    if len(candidates) <= 1 or unit is None:
        return candidates
    return [(pk, p) for pk, p in candidates if unit.path.startswith(p) or p.startswith(unit.path)]


# -- the import ----------------------------------------------------------------------------------
def import_read(
    survey: Survey,
    path: str | Path,
    *,
    sheet: str | None = None,
    source: str | None = None,
    lang: str | None = None,
    unit_paths: Sequence[str] | None = None,
    max_rows: int | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Read and check ``path`` for ``survey``; nothing is stored (see :func:`import_commit`).

    ``source`` names the file in messages (default: ``path``); ``lang`` their language
    (default: the active language); ``unit_paths`` limits the rows
    to those units' subtrees (a manager's scope; None: the whole survey); ``max_rows`` caps
    the file's size (the web import).
    """
    lang = normalize_language(lang or translation.get_language())
    name = source or str(path)
    report = ImportReport(survey=survey, source=name, lang=lang)
    limits = DEFAULT_LIMITS if max_rows is None else Limits(max_rows=max_rows)
    try:
        table = read_table(path, sheet=sheet, limits=limits)
    except InputError as exc:
        report.add(exc.row, exc.column, message(exc.key, lang, **exc.params))
        return report
    if table.source != str(path):  # the sheet's name, e.g. "file.xlsx [responses]"
        report.source = name + table.source[len(str(path)) :]
    header = table.header
    version = survey.instrument_version
    qs: list[Question] = version.questions
    keys = [q.key for q in qs]
    pfields = {f["id"]: f for f in profile_fields(version.parsed)}
    known = {
        *keys,
        *UNIT_COLUMNS,
        "service",
        "service_name",
        "staff",
        "staff_name",
        "submitted_at",
        "submission_id",
        "suggestion",
        "flag",
        "flag_detail",
        *(f"profile.{k}" for k in pfields),
    }
    for column in keys:
        if column not in header:
            report.add(1, column, message("missing_column", lang))
    for column in sorted({h for h in header if h and header.count(h) > 1}):
        if column in known:
            report.add(1, column, message("duplicate_column", lang))
    report.ignored_columns = [
        h for h in dict.fromkeys(header) if h and h not in known and h not in IGNORED_COLUMNS
    ]
    if not report.ok:
        return report

    at = {h: header.index(h) for h in known if h in header}
    report.preview_columns = [h for h in header if h in at and header.index(h) == at[h]]
    preview_at = [at[h] for h in report.preview_columns]
    try:  # streamed: the limits stop a file past max_rows (or any other limit) while reading
        rows = list(table.cells())
    except InputError as exc:  # a malformed line, a limit
        if exc.key == "too_many_rows":
            with translation.override(lang):
                shown = number_format(max_rows or 0, force_grouping=True)
            report.add(None, None, _m("too_many_rows", lang, max=shown))
        else:
            report.add(exc.row, exc.column, message(exc.key, lang, **exc.params))
        return report
    report.rows_read = len(rows)

    def cell(row: list[Any], column: str) -> Any:
        j = at.get(column)
        if j is None or j >= len(row):
            return None
        value = row[j]
        return None if _blank(value) or isinstance(value, BadCell) else value

    def unusable(row: list[Any]) -> list[tuple[str, str]]:
        """(column, message) of every cell of a known column that holds no usable value: an
        error value or a formula without a cached value (XLSX), or text with a character that
        cannot be stored or shown."""
        found = []
        for column, j in at.items():
            value = row[j] if j < len(row) else None
            if isinstance(value, BadCell):
                exc = value.error(name, 0, column)
                found.append((column, message(exc.key, lang, **exc.params)))
            elif isinstance(value, str) and (char := unstorable_character(value)) is not None:
                found.append((column, _m("unstorable", lang, char=char)))
        return sorted(found, key=lambda item: at[item[0]])

    # rows whose submission_id the survey already has are skipped, whatever else they hold
    sid_at = at.get("submission_id")
    sids: dict[int, uuid.UUID | None] = {}
    if sid_at is not None:
        for number, row in rows:
            raw = cell(row, "submission_id")
            if raw is None:
                continue
            try:
                sids[number] = uuid.UUID(_text(raw).strip())
            except ValueError:
                sids[number] = None
    existing = _existing_ids(survey, [s for s in sids.values() if s is not None])

    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    latest = now + FUTURE_TOLERANCE
    lenient = [q if not q.required else _optional(q) for q in qs]
    checks = ResponseChecks(survey)
    names = _Names(survey, unit_paths)
    seen: dict[uuid.UUID, int] = {}

    for index, (number, row) in enumerate(rows):
        if index < PREVIEW_ROWS:
            report.preview.append(
                {
                    "row": number,
                    "cells": [_shown(row[j]) if j < len(row) else "" for j in preview_at],
                    "status": "ok",
                }
            )
        before = report.problem_count

        def problem(column: str | None, text: str, *, _number: int = number) -> None:
            report.add(_number, column, text)

        bad_cells = unusable(row)
        if bad_cells:  # nothing else of the row can be trusted
            for column, text in bad_cells:
                problem(column, text)
            report.rows_with_problems += 1
            if index < PREVIEW_ROWS:
                report.preview[-1]["status"] = "error"
            continue
        sid = sids.get(number)
        if sid is not None and sid in existing:
            report.duplicates.append(number)
            if index < PREVIEW_ROWS:
                report.preview[-1]["status"] = "duplicate"
            continue
        if number in sids and sid is None:
            problem("submission_id", _submit_error("submission_id", lang))
        elif sid is not None:
            if sid in seen:
                problem("submission_id", _m("uuid_repeated", lang, row=seen[sid]))
            else:
                seen[sid] = number

        # answers: the rules of a web submission, blanks allowed
        raw_answers = {k: cell(row, k) for k in keys}
        blanks = sum(1 for v in raw_answers.values() if v is None)
        if blanks == len(keys):
            problem(None, _m("no_answers", lang))
        answers, answer_errors = clean_answers(lenient, raw_answers)
        for key, text in answer_errors.messages(lang).items():
            problem(key, _m("value", lang, text=text, value=_clip(_text(raw_answers.get(key)))))

        # unit, service, staff: ids, or a unit's code or name, or a service's or staff's name
        unit, unit_column, unit_failed = _unit(cell, row, checks, names, problem, lang)
        if (
            unit is not None
            and unit_paths is not None
            and not any(unit.path.startswith(p) for p in unit_paths)
        ):
            unit = None  # outside the manager's units: as if not part of the survey
        if unit is None and not unit_failed:
            if unit_column is None:
                problem("unit", _m("unit_missing", lang))
            else:
                value = _clip(_typed(cell(row, unit_column)).strip())
                problem(unit_column, _m("unit_unknown", lang, value=value))
        service = staff = None
        if unit is not None:
            service_id, service_column = _ref(cell, row, "service", names, unit, problem, lang)
            staff_id, staff_column = _ref(cell, row, "staff", names, unit, problem, lang)
            _, service, staff, placement_errors = checks.placement(
                unit.pk, service_id, staff_id, lang
            )
            for key, text in placement_errors.items():
                problem(service_column if key == "service" else staff_column, text)

        # profile, suggestion
        profile_raw: dict[str, Any] = {}
        for key, spec in pfields.items():
            raw = cell(row, f"profile.{key}")
            if raw is None:
                continue
            if spec["type"] == "choice":
                profile_raw[key] = _choice_key(_typed(raw), spec.get("options") or {})
            else:
                whole = _whole(raw)
                profile_raw[key] = whole if whole is not None else _text(raw)
        suggestion_raw = cell(row, "suggestion")
        profile, suggestion, _, extra_errors = checks.extras(
            profile=profile_raw,
            suggestion=_typed(suggestion_raw) if suggestion_raw is not None else "",
            contact=None,
            consent=False,
            lang=lang,
        )
        for key, text in extra_errors.items():
            field_id = key.removeprefix("profile.")
            spec = pfields.get(field_id)
            if spec is not None and spec["type"] == "choice":
                text = _m("options", lang, text=text, options=", ".join(spec["options"]))
            raw = cell(row, key)
            if raw is not None and key != "suggestion":
                text = _m("value", lang, text=text, value=_clip(_text(raw)))
            problem(key, text)

        # when, and an export's flag
        submitted_at = now
        raw_when = cell(row, "submitted_at")
        if raw_when is not None:
            when = parse_when(raw_when, tz)
            if when is None:
                problem("submitted_at", _m("date", lang, value=_clip(_text(raw_when))))
            elif when > latest:
                problem("submitted_at", _m("future", lang, value=_clip(_text(raw_when))))
            else:
                submitted_at = when
        flag = _text(cell(row, "flag")).strip()
        if flag and flag not in FLAG_VALUES:
            problem("flag", _m("flag", lang, value=_clip(flag), values=", ".join(FLAG_VALUES)))
        flag_detail = _typed(cell(row, "flag_detail")).replace("\x00", "").strip()[:300]

        if report.problem_count > before:
            report.rows_with_problems += 1
            if index < PREVIEW_ROWS:
                report.preview[-1]["status"] = "error"
            continue
        if blanks:
            report.blank_answers += blanks
            report.rows_with_blanks += 1
        assert unit is not None
        report.rows.append(
            Row(
                row=number,
                submission_id=sid or uuid.uuid4(),
                unit=unit,
                service=service,
                staff=staff,
                submitted_at=submitted_at,
                answers=answers,
                profile=profile,
                suggestion=suggestion,
                flag=flag,
                flag_detail=flag_detail if flag else "",
            )
        )
    return report


def _optional(q: Question) -> Question:
    return replace(q, required=False)


def _unit(
    cell: Any, row: list[Any], checks: ResponseChecks, names: _Names, problem: Any, lang: str
) -> tuple[Unit | None, str | None, bool]:
    """``(unit, the column that named it, whether a problem was reported already)``; the
    unit is None when the row names none of the survey's units (or names none and the survey
    has more than one)."""
    for column in UNIT_COLUMNS:
        raw = cell(row, column)
        if raw is None:
            continue
        value = _typed(raw).strip()
        if column == "unit":
            unit_id = _whole(raw)
            if unit_id is None:
                problem(column, _m("unit_id", lang, value=_clip(value)))
                return None, column, True
        elif column == "unit_code":
            unit_id = names.unit_by_code(value)
        else:
            found = names.units_by_name(value)
            if len(found) > 1:
                problem(column, _m("ambiguous", lang, value=_clip(value)))
                return None, column, True
            unit_id = found[0] if found else None
        return (checks.unit(unit_id) if unit_id is not None else None), column, False
    return checks.unit(None), None, False


def _ref(
    cell: Any,
    row: list[Any],
    what: str,
    names: _Names,
    unit: Unit,
    problem: Any,
    lang: str,
) -> tuple[int | None, str]:
    """The id of a service or staff member (``what``) from its id column or its name column,
    and the column used. A name that is not there or not unique is reported here (as a web
    submission's unknown id would be) and gives None."""
    raw = cell(row, what)
    if raw is not None:
        ref = _whole(raw)
        if ref is None:
            problem(what, _m("id_number", lang, value=_clip(_text(raw))))
        return ref, what
    column = f"{what}_name"
    raw = cell(row, column)
    if raw is None:
        return None, what
    value = _typed(raw).strip()
    lookup = names.services_by_name if what == "service" else names.staff_by_name
    found = _near(lookup(value), unit)
    if len(found) == 1:
        return found[0][0], column
    if found:
        problem(column, _m("ambiguous", lang, value=_clip(value)))
    else:
        problem(column, _submit_error(what, lang))
    return None, column


def _existing_ids(survey: Survey, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The ids of ``ids`` the survey has stored (an employee survey's under a keyed hash)."""
    stored = {stored_id(survey, i): i for i in ids}
    keys = list(stored)
    out: set[uuid.UUID] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        out.update(
            stored[i]
            for i in Response.objects.filter(survey=survey, submission_id__in=chunk).values_list(
                "submission_id", flat=True
            )
        )
    return out


def import_commit(report: ImportReport) -> int:
    """Store the checked rows of ``report`` in one transaction (all or nothing); returns how
    many. Rows whose ``submission_id`` was stored meanwhile are skipped as duplicates."""
    if not report.ok:
        raise ValueError("the import has problems; nothing may be stored")
    if report.committed:
        return 0
    survey = report.survey
    for attempt in range(2):
        try:
            with transaction.atomic():
                taken = _existing_ids(survey, [r.submission_id for r in report.rows])
                kept = [r for r in report.rows if r.submission_id not in taken]
                objects = [
                    Response(
                        organization_id=survey.organization_id,
                        survey_id=survey.pk,
                        instrument_version_id=survey.instrument_version_id,
                        unit_id=r.unit.pk,
                        service_id=r.service.pk if r.service else None,
                        staff_id=r.staff.pk if r.staff else None,
                        channel=Channel.PAPER,
                        submitted_at=r.submitted_at,
                        submission_id=r.submission_id,
                        answers=r.answers,
                        profile=r.profile,
                        suggestion=r.suggestion,
                        contact={},
                        flag=r.flag,
                        flag_detail=r.flag_detail,
                    )
                    for r in anonymous_rows(survey, kept)
                ]
                Response.objects.bulk_create(objects, batch_size=BATCH_SIZE)
                responses_imported.send(sender=Response, survey=survey, responses=objects)
        except IntegrityError:
            # a submission with one of these ids arrived in between: skip it and try again
            if attempt:
                raise
            continue
        if taken:
            skipped = {r.row for r in report.rows if r.submission_id in taken}
            report.duplicates = sorted({*report.duplicates, *skipped})
        report.stored = len(objects)
        report.committed = True
        return report.stored
    raise AssertionError("unreachable")


def template_columns(survey: Survey) -> list[str]:
    """The header of an import file: exactly the header of ``prima export``."""
    return export_columns(survey)
