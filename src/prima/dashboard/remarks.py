"""The labels of the suggestions on the dashboard (issue 14, point 3): the suggestions filtered
by SKM unsur, A of A6 and sentiment (:mod:`prima.remark_labels`), and the counts per unsur and
sentiment of the selection beside those of the previous period of the same length ("which unsur
draws the most criticism this quarter, compared with the last").

Texts not labelled yet (the task worker labels new ones within seconds) are counted apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from prima.cases.services import BUILTIN_BY_KEY
from prima.organizations.access import unit_scope_q
from prima.organizations.choices import Role
from prima.remarks import A6_KEYS, SENTIMENTS, UNSUR_CODES
from prima.surveys.models import Response

NONE = "none"  # the filter value of "no unsur" / "no A"
SENTIMENT_NAMES = {"positif": _("positive"), "negatif": _("negative"), "netral": _("neutral")}


def name_of(key: str) -> str:
    """The name of an unsur ("U8 Facilities") or an A ("Attitude"), from the built-in case
    categories' names, or "general"."""
    if not key or key == NONE:
        return str(_("general"))
    found = BUILTIN_BY_KEY.get(key)
    if found is None:
        return key
    return f"{key} {found.name}" if found.unsur else str(found.name)


def parse(params: Mapping[str, str]) -> tuple[str, str, str]:
    """The label filters of a request: unknown values are ignored (empty)."""
    unsur = params.get("unsur", "").strip()
    a6 = params.get("a6", "").strip()
    sentiment = params.get("sentiment", "").strip()
    return (
        unsur if unsur in (*UNSUR_CODES, NONE) else "",
        a6 if a6 in (*A6_KEYS, NONE) else "",
        sentiment if sentiment in SENTIMENTS else "",
    )


def narrowed(qs: QuerySet[Response], unsur: str, a6: str, sentiment: str) -> QuerySet[Response]:
    """``qs`` with the label filters (a filter leaves out the texts not labelled yet)."""
    for field, value in (("unsur", unsur), ("a6", a6)):
        if value == NONE:
            qs = qs.filter(**{f"remark_label__{field}": ""})
        elif value:
            qs = qs.filter(**{f"remark_label__{field}": value})
    if sentiment:
        qs = qs.filter(remark_label__sentiment=sentiment)
    return qs


@dataclass(frozen=True)
class UnsurRow:
    key: str
    name: str
    n: int
    negatif: int
    positif: int
    netral: int
    negatif_before: int | None  # None without a previous period


@dataclass(frozen=True)
class LabelTable:
    rows: list[UnsurRow]  # U1..U9, then the general remarks; only those with a remark
    unlabelled: int
    compared: bool

    @property
    def most_criticised(self) -> UnsurRow | None:
        """The unsur with the most negative remarks (not the general ones); None if none."""
        rows = [r for r in self.rows if r.key != NONE and r.negatif]
        return max(rows, key=lambda r: (r.negatif, -UNSUR_CODES.index(r.key))) if rows else None


def _counts(qs: QuerySet[Response]) -> tuple[Counter[tuple[str, str]], int]:
    rows = (
        qs.exclude(suggestion="")
        .order_by()
        .values_list("remark_label__unsur", "remark_label__sentiment")
        .annotate(n=Count("pk"))
    )
    out: Counter[tuple[str, str]] = Counter()
    unlabelled = 0
    for unsur, sentiment, n in rows:
        if sentiment is None:
            unlabelled += n
        else:
            out[(unsur or NONE, sentiment)] += n
    return out, unlabelled


def label_table(qs: QuerySet[Response], before: QuerySet[Response] | None) -> LabelTable:
    """Counts per unsur and sentiment of ``qs`` (two grouped reads with ``before``)."""
    now, unlabelled = _counts(qs)
    then = _counts(before)[0] if before is not None else None
    rows = []
    for key in (*UNSUR_CODES, NONE):
        n = sum(now[(key, s)] for s in SENTIMENTS)
        if not n and not (then and then[(key, "negatif")]):
            continue
        rows.append(
            UnsurRow(
                key,
                name_of(key),
                n,
                now[(key, "negatif")],
                now[(key, "positif")],
                now[(key, "netral")],
                None if then is None else then[(key, "negatif")],
            )
        )
    return LabelTable(rows, unlabelled, then is not None)


def choices_of(filters: Any) -> list[tuple[str, str, list[tuple[str, str]], str]]:
    """The three label filters of the suggestions' form: (parameter, label, options as
    (value, name), the value chosen)."""
    return [
        (
            "unsur",
            str(_("SKM unsur")),
            [(k, name_of(k)) for k in UNSUR_CODES] + [(NONE, str(_("general")))],
            filters.unsur,
        ),
        (
            "a6",
            str(_("A of A6")),
            [(k, name_of(k)) for k in A6_KEYS] + [(NONE, str(_("not about conduct")))],
            filters.a6,
        ),
        (
            "sentiment",
            str(_("Sentiment")),
            [(s, str(SENTIMENT_NAMES[s])) for s in SENTIMENTS],
            filters.sentiment,
        ),
    ]


CORRECTING_ROLES = (Role.ADMIN, Role.MANAGER)
"""Who may correct a suggestion's labels: an admin or a manager whose scope holds its unit."""


def may_correct(user: Any, survey: Any) -> Q | None:
    """The filter on responses whose labels ``user`` may correct in ``survey`` (None: none;
    employee surveys never: their suggestions are not listed)."""
    if survey.is_employee:
        return None
    return unit_scope_q(user, survey.organization, roles=CORRECTING_ROLES)
