"""The people to invite from a CSV or XLSX file (read by :mod:`prima.tabular`): one row per
person, the column ``unit`` (the unit's code or name) and, optionally, ``name`` and ``email``.
A row with an address gets an e-mail, one without a printed slip.

Every problem names the file, the row (as a spreadsheet shows it: the header is row 1) and the
column, in the page's language; all rows are read before anything is made, and nothing is made
while one row is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from prima import i18n
from prima.i18n import gettext_noop
from prima.invitations.services import Invitee
from prima.messages import message
from prima.organizations.models import Unit
from prima.tabular import InputError, Limits, read_table

MAX_ROWS = 20_000
MAX_ERRORS = 20
COLUMNS = ("unit", "name", "email")
MAX_NAME = 200

TEXTS = {
    "unit_blank": gettext_noop("the unit is empty"),
    "unit_unknown": gettext_noop(
        'no unit "{value}" in this survey that you may invite for (use the unit\'s code or name)'
    ),
    "unit_ambiguous": gettext_noop('several units are named "{value}"; use the unit\'s code'),
    "email_bad": gettext_noop('"{value}" is not an e-mail address'),
    "email_twice": gettext_noop("the address is on row {first} already"),
    "too_long": gettext_noop("too long (at most {max} characters)"),
}


class PeopleFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _where(label: str, row: int, column: str, lang: str, key: str, **params: Any) -> str:
    place = ", ".join(
        (label, message("where_row", lang, row=row), message("where_column", lang, column=column))
    )
    return f"{place}: {i18n.gettext(TEXTS[key], lang).format(**params)}"


class UnitIndex:
    """A unit by its code or its name (case and spacing ignored), among ``units``."""

    def __init__(self, units: list[Unit]) -> None:
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units:
            if unit.code:
                self.by_code.setdefault(unit.code.casefold().strip(), unit)
            self.by_name.setdefault(" ".join(unit.name.casefold().split()), []).append(unit)

    def find(self, value: str) -> tuple[Unit | None, str | None]:
        key = value.casefold()
        if key in self.by_code:
            return self.by_code[key], None
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0], None
        return None, ("unit_ambiguous" if named else "unit_unknown")


def invitees_from_file(path: Path, label: str, units: list[Unit], lang: str) -> list[Invitee]:
    """The invitees of a file, or :class:`PeopleFileError` with every problem found (at most
    ``MAX_ERRORS``)."""
    try:
        table = read_table(path, limits=Limits(max_rows=MAX_ROWS))
        header = [str(h or "").strip().casefold() for h in table.header]
        if "unit" not in header:
            raise InputError("missing_column", file=label, row=1, column="unit")
        index = {name: header.index(name) for name in COLUMNS if name in header}
        units_index = UnitIndex(units)
        problems: list[str] = []
        out: list[Invitee] = []
        seen: dict[str, int] = {}
        for number, row in table.cells():
            cells = {name: _text(row[j]) if j < len(row) else "" for name, j in index.items()}
            if not any(cells.values()):
                continue  # a blank line
            here = len(problems)
            unit = None
            if not cells["unit"]:
                problems.append(_where(label, number, "unit", lang, "unit_blank"))
            else:
                unit, why = units_index.find(cells["unit"])
                if why:
                    problems.append(
                        _where(label, number, "unit", lang, why, value=cells["unit"][:60])
                    )
            email = cells.get("email", "")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    problems.append(
                        _where(label, number, "email", lang, "email_bad", value=email[:60])
                    )
                else:
                    first = seen.setdefault(email.casefold(), number)
                    if first != number:
                        problems.append(
                            _where(label, number, "email", lang, "email_twice", first=first)
                        )
            name = cells.get("name", "")
            if len(name) > MAX_NAME:
                problems.append(_where(label, number, "name", lang, "too_long", max=MAX_NAME))
            if len(problems) >= MAX_ERRORS:
                break
            if len(problems) == here and unit is not None:
                out.append(Invitee(unit=unit, email=email, name=name))
    except InputError as exc:
        exc.file = label
        raise PeopleFileError([exc.render(lang)]) from None
    if problems:
        raise PeopleFileError(problems)
    if not out:
        raise PeopleFileError([f"{label}: {message('no_rows', lang)}"])
    return out
