"""The charts' number and time locale and legible type, as Vega-Lite ``config``.

Vega formats axis ticks and tooltips with d3-format and d3-time-format; their locale objects
(https://github.com/d3/d3-format#formatLocale, https://github.com/d3/d3-time-format#timeFormatLocale)
go in the spec's ``config.locale`` (Vega-Lite 5.x, "Locale" in its config documentation), so an
Indonesian page prints "3,5" and "1.200" on its axes as its tables do, and an English page
"3.5" and "1,200". Labels are at least 11 px (:data:`LABEL_SIZE`) at 1366 px and on a phone.
"""

from __future__ import annotations

from typing import Any

from prima.formats import MONTHS_LONG, MONTHS_SHORT, lang_of

LABEL_SIZE = 12
TITLE_SIZE = 13
FONT = "sans-serif"
"""One generic family: Vega measures text on a canvas with this font to lay out axes and
titles, so the font it measures must be the one the SVG draws (a long stack of system fonts
measured narrower than drawn and clipped the vertical axis title on phones)."""

NUMBER = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}
DAYS = {
    "id": ("Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"),
    "en": ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
}
SHORT_DAYS = {
    "id": ("Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"),
    "en": ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
}


def locale(lang: str | None) -> dict[str, Any]:
    """``{"number": d3 format locale, "time": d3 time format locale}`` of ``lang``."""
    code = lang_of(lang)
    time = {
        "dateTime": "%A, %e %B %Y %X" if code == "id" else "%x, %X",
        "date": "%d/%m/%Y" if code == "id" else "%-m/%-d/%Y",
        "time": "%H.%M.%S" if code == "id" else "%-I:%M:%S %p",
        "periods": ["AM", "PM"],
        "days": list(DAYS[code]),
        "shortDays": list(SHORT_DAYS[code]),
        "months": list(MONTHS_LONG[code]),
        "shortMonths": list(MONTHS_SHORT[code]),
    }
    return {"number": dict(NUMBER[code]), "time": time}


def config(lang: str | None) -> dict[str, Any]:
    """The Vega-Lite ``config`` every chart of a page in ``lang`` carries."""
    return {
        "locale": locale(lang),
        "font": FONT,
        "axis": {
            "labelFontSize": LABEL_SIZE,
            "titleFontSize": LABEL_SIZE,
            "titleFontWeight": "normal",
            "labelLimit": 180,
            "titleColor": "#333333",
            "labelColor": "#333333",
        },
        "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE},
        "title": {"fontSize": TITLE_SIZE, "anchor": "start", "fontWeight": "bold"},
        "text": {"fontSize": 11},
        "view": {"stroke": None},
    }
