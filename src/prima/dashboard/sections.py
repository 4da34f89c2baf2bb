"""The dashboard's detail sections: which exist for a survey's results and which one is shown.

The page shows the headline cards and one section at a time, as tabs; each tab is a plain link
(``?section=<key>`` with the filters, works without JavaScript) that htmx follows in place,
loading only that section's partial (the request's ``HX-Target`` is the sections' container).
A section costs reads only when shown: the trend one read of the monthly rollups, the units
one read per unit, the profile and suggestions a grouped read and a page of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

TARGET = "sections"
"""The id of the element that holds the tabs and the shown section (htmx's target)."""


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise | str
    needs: str = ""  # the key of survey_results the section needs ("" : always there;
    # CASES: shown when complaints exist and the viewer may see them, prima.dashboard.complaints)

    @property
    def template(self) -> str:
        return f"dashboard/sections/{self.key}.html"


SECTIONS = (
    Section("ikm", gettext_lazy("IKM per element"), "ikm"),
    Section("gap", gettext_lazy("Performance vs expectation"), "gap"),
    Section("ipa", gettext_lazy("IPA"), "ipa"),
    Section("csi", gettext_lazy("CSI"), "csi"),
    Section("nps", gettext_lazy("NPS"), "nps"),
    Section("trend", gettext_lazy("Trend")),
    Section("units", gettext_lazy("Units")),
    Section("profile", gettext_lazy("Respondents")),
    Section("suggestions", gettext_lazy("Suggestions")),
    Section("complaints", gettext_lazy("Complaints"), "cases"),
    Section("links", gettext_lazy("Links and QR")),
)
KEYS = tuple(s.key for s in SECTIONS)


CASES = "cases"


def available(results: dict[str, Any], cases: bool = False) -> list[Section]:
    """The sections the results have something for, in order (the complaints' section when
    ``cases``)."""
    return [
        s
        for s in SECTIONS
        if not s.needs or (cases if s.needs == CASES else bool(results.get(s.needs)))
    ]


def choose(sections: list[Section], key: str | None) -> Section:
    """The section ``key`` when it is available, else the first one."""
    for s in sections:
        if s.key == key:
            return s
    return sections[0]
