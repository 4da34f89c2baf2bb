"""The error of bad input files, naming the file, the row and the column."""

from __future__ import annotations

from typing import Any

from prima.messages import message


class InputError(Exception):
    """Bad input: names what is wrong and where (file, row, column)."""

    def __init__(
        self,
        key: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        **params: Any,
    ) -> None:
        self.key = key
        self.file = file
        self.row = row
        self.column = column
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        where: list[str] = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(message("where_row", lang, row=self.row))
        if self.column is not None:
            where.append(message("where_column", lang, column=self.column))
        text = message(self.key, lang, **self.params)
        return f"{', '.join(where)}: {text}" if where else text


def fmt_number(value: float) -> str:
    """A number as a message shows it: ``4``, ``2.5``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def clip(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` characters (a cell may hold line breaks)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
