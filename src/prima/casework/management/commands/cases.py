"""``prima cases check [--now INSTANT] [--organization SLUG]``: reminders, breaches and escalation
of open cases (:mod:`prima.casework.checks`).

Run it from a cron job or a systemd timer, e.g. every hour::

    20 * * * *  prima cases check

Each reminder, breach and escalation level is sent once (``CaseNotice``), so it may run as often
as wanted; ``--now`` replays a check at another instant (tests, a missed night). Its output is in
the default language (``LANGUAGE_CODE``, Bahasa Indonesia), numbers as that language writes
them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from prima.casework.checks import cases_check
from prima.formats import number
from prima.organizations.models import Organization


def _count(n: int) -> str:
    return number(n, 0, get_language())


class Command(BaseCommand):
    help = (
        "Cases. 'check': remind owners one working day before a due date, tell the unit's "
        "managers of a breach and escalate a late resolution to the managers above the unit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        check = verbs.add_parser(
            "check",
            help="send the due reminders, breach notices and escalations (e-mail and in the app)",
            description="Send each reminder, breach notice and escalation once.",
        )
        check.add_argument(
            "--now",
            metavar="INSTANT",
            help="check as at this instant, ISO 8601 (2026-12-21T08:00+07:00); default: now",
        )
        check.add_argument("--organization", metavar="SLUG", help="one organization (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self.check_cases(options)

    def check_cases(self, options: dict[str, Any]) -> None:
        now = None
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"].strip())
            except ValueError:
                raise CommandError(
                    _("--now: %(value)s is not an ISO 8601 instant (2026-12-21T08:00+07:00)")
                    % {"value": options["now"]}
                ) from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        organizations = None
        if options["organization"]:
            found = Organization.objects.filter(slug=options["organization"]).first()
            if found is None:
                raise CommandError(
                    _('organization "%(slug)s" not found') % {"slug": options["organization"]}
                )
            organizations = [found]
        result = cases_check(now=now, organizations=organizations)
        for notice in result.notices:
            self.stdout.write(
                _("notice: %(code)s %(kind)s (due %(due)s%(level)s)")
                % {
                    "code": notice.case.tracking_code,
                    "kind": notice.get_kind_display(),
                    "due": notice.due.isoformat(),
                    "level": (_(", level %(level)s") % {"level": notice.level})
                    if notice.level
                    else "",
                }
            )
        parts = [
            ngettext("%(count)s reminder", "%(count)s reminders", result.reminders)
            % {"count": _count(result.reminders)},
            ngettext("%(count)s breach", "%(count)s breaches", result.breaches)
            % {"count": _count(result.breaches)},
            ngettext("%(count)s escalation", "%(count)s escalations", result.escalations)
            % {"count": _count(result.escalations)},
            ngettext("%(count)s notification", "%(count)s notifications", result.notifications)
            % {"count": _count(result.notifications)},
            ngettext("%(count)s open case checked", "%(count)s open cases checked", result.cases)
            % {"count": _count(result.cases)},
        ]
        self.stdout.write("; ".join(parts))
