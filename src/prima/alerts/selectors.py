"""The notifications page's reads: a user's notifications grouped by survey and unit (what a
unit head scans: which unit of which survey needs attention), newest group first, paginated;
or one group's notifications, paginated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext

from prima.alerts.models import Notification
from prima.alerts.services import alert_title, alert_where

GROUPS_PER_PAGE = 10
SHOWN_PER_GROUP = 5
PER_PAGE = 25


@dataclass
class NotificationGroup:
    key: str  # "<survey id>-<unit id>" ("0" for none): the ``?group=`` of its full list
    survey_title: str
    where: str
    total: int
    unread: int
    latest: datetime
    items: list[Notification] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _group_filter(survey_id: int | None, unit_id: int | None) -> Q:
    if survey_id is None:
        return Q(alert__isnull=True)
    return Q(alert__survey_id=survey_id) & (
        Q(alert__unit__isnull=True) if unit_id is None else Q(alert__unit_id=unit_id)
    )


def parse_group(key: str | None) -> tuple[int | None, int | None] | None:
    """``(survey id, unit id)`` from a ``?group=`` value, or None when it is not one."""
    try:
        survey, unit = (int(part) for part in (key or "").split("-"))
    except ValueError:
        return None
    return (survey or None, unit or None)


def _unalerted() -> tuple[str, str]:
    """(where, title) of the group of notifications without an alert: the notices of cases
    (reminders, breaches, escalations, assignments; prima.casework)."""
    return (
        gettext("Cases"),
        gettext("Complaints: reminders, late cases, escalations and assignments"),
    )


TITLERS: list[Callable[[list[Notification]], None]] = []
"""Functions of the apps that store notifications without an alert (the notices of
prima.casework, stored in the installation's language): each may set ``display_title`` and
``display_body`` of the items it knows, in the active language."""


def _titled(items: list[Notification], where: str | None = None) -> list[Notification]:
    """Each notification's title and body in the active language (rebuilt from its alert, or by
    the app that stored it)."""
    plain = []
    for n in items:
        n.display_title = alert_title(n.alert, where) if n.alert_id else n.title  # type: ignore[attr-defined]
        n.display_body = n.body  # type: ignore[attr-defined]
        if not n.alert_id:
            plain.append(n)
    for titler in TITLERS if plain else ():
        titler(plain)
    return items


def _related(qs: QuerySet[Notification]) -> QuerySet[Notification]:
    return qs.select_related("alert__unit", "alert__organization", "alert__survey")


def notification_groups(qs: QuerySet[Notification], page: Any) -> tuple[Page, list[Any]]:
    """The page ``page`` of groups, each with its counts and newest notifications."""
    rows = (
        qs.values("alert__survey_id", "alert__unit_id")
        .annotate(
            latest=Max("created_at"),
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
        )
        .order_by("-latest", "alert__survey_id", "alert__unit_id")
    )
    groups_page = Paginator(rows, GROUPS_PER_PAGE).get_page(page)
    groups = []
    for row in groups_page.object_list:
        survey_id, unit_id = row["alert__survey_id"], row["alert__unit_id"]
        items = list(_related(qs.filter(_group_filter(survey_id, unit_id)))[:SHOWN_PER_GROUP])
        first = items[0].alert if items and items[0].alert_id else None
        where = alert_where(first) if first is not None else _unalerted()[0]
        groups.append(
            NotificationGroup(
                key=f"{survey_id or 0}-{unit_id or 0}",
                survey_title=first.survey.title if first is not None else _unalerted()[1],
                where=where,
                total=row["total"],
                unread=row["unread"],
                latest=row["latest"],
                items=_titled(items, where if first is not None else None),
            )
        )
    return groups_page, groups


def group_notifications(
    qs: QuerySet[Notification], group: tuple[int | None, int | None], page: Any
) -> tuple[Page, NotificationGroup | None]:
    """One group's notifications, paginated (None when the user has none in it)."""
    one = _related(qs.filter(_group_filter(*group)))
    items_page = Paginator(one, PER_PAGE).get_page(page)
    items = list(items_page.object_list)
    if not items:
        return items_page, None
    first = items[0].alert
    where = alert_where(first) if first is not None else _unalerted()[0]
    info = NotificationGroup(
        key=f"{group[0] or 0}-{group[1] or 0}",
        survey_title=first.survey.title if first is not None else _unalerted()[1],
        where=where,
        total=items_page.paginator.count,
        unread=one.filter(read_at__isnull=True).count(),
        latest=items[0].created_at,
        items=_titled(items, where if first is not None else None),
    )
    return items_page, info
