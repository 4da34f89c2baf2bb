"""``prima alerts check [--survey CODE] [--period PERIOD]``: raise and notify new alerts.

Run it from a cron job or a systemd timer, e.g. every hour::

    15 * * * *  prima alerts check

Without ``--period`` it checks the current and the last closed month and quarter (the first
check on an install: only the current and the last month). Running it again raises nothing
twice: an alert exists once per survey, unit, period and kind. Its output is in the default
language (``LANGUAGE_CODE``, Bahasa Indonesia), numbers as that language writes them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prima.alerts.services import alert_where, evaluate_alerts, evaluate_all, fmt_value
from prima.insights.periods import parse_period
from prima.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Alerts. 'check': evaluate the alert rules (index below a threshold, significant drop "
        "from the previous period) for every unit and notify the managers of new alerts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        check = verbs.add_parser(
            "check",
            help="evaluate the alert rules and notify (email and in the app)",
            description="Evaluate the alert rules; only new alerts notify.",
        )
        check.add_argument("--survey", metavar="CODE", help="one survey (default: all)")
        check.add_argument(
            "--period",
            metavar="PERIOD",
            action="append",
            help="2026, 2026-S1, 2026-Q3 or 2026-07; repeatable (default: the current and the "
            "last closed month and quarter)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        periods = None
        if options["period"]:
            try:
                periods = [parse_period(p) for p in options["period"]]
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        if options["survey"]:
            survey = Survey.objects.filter(code=options["survey"]).first()
            if survey is None:
                raise CommandError(_('survey "%(code)s" not found') % {"code": options["survey"]})
            result = evaluate_alerts(survey, periods)
        else:
            result = evaluate_all(periods)
        for alert in result.created:
            self.stdout.write(
                _("alert: %(survey)s %(where)s %(period)s %(kind)s (%(metric)s %(value)s)")
                % {
                    "survey": alert.survey.code,
                    "where": alert_where(alert),
                    "period": alert.period,
                    "kind": alert.get_kind_display(),
                    "metric": alert.metric,
                    "value": fmt_value(alert.metric, alert.value),
                }
            )
        for note in result.notes:
            self.stdout.write(_("note: %(note)s") % {"note": note})
        created = ngettext("%(count)s new alert", "%(count)s new alerts", len(result.created)) % {
            "count": fmt_value("count", len(result.created))
        }
        checked = ngettext(
            "%(count)s unit-period checked", "%(count)s unit-periods checked", result.checked
        ) % {"count": fmt_value("count", result.checked)}
        self.stdout.write(f"{created}; {checked}")
