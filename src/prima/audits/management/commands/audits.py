"""``prima audits check [--now INSTANT] [--organization SLUG]``: one notice per overdue
corrective action (:func:`prima.audits.actions.actions_check`).

Run it from cron beside ``prima cases check`` (``25 * * * * prima audits check``); each
overdue action is notified once, however often it runs. Output in the default language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prima.audits.actions import actions_check
from prima.organizations.models import Organization


class Command(BaseCommand):
    help = "Audits. 'check': tell the owner of each overdue corrective action, once."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        check = verbs.add_parser(
            "check",
            help="notify the owners of overdue corrective actions (once each)",
            description="Notify the owner of each overdue corrective action once.",
        )
        check.add_argument(
            "--now",
            metavar="INSTANT",
            help="check as at this instant, ISO 8601 (2026-12-21T08:00+07:00); default: now",
        )
        check.add_argument("--organization", metavar="SLUG", help="one organization (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
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
            result = actions_check(now=now, organizations=organizations)
            n = len(result.notified)
            self.stdout.write(
                ngettext(
                    "%(n)s overdue corrective action notified",
                    "%(n)s overdue corrective actions notified",
                    n,
                )
                % {"n": n}
            )
