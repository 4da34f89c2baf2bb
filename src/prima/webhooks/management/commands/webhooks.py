"""``prima webhooks retry [--limit N]``: send every webhook delivery whose attempt is due.

The task worker sends deliveries and their retries by itself (``prima serve`` starts it); this
sweep is the safety net for a delivery whose task was lost (a worker killed mid-attempt holds
it for two minutes, then the sweep takes it), and the sender when ``PRIMA_TASKS=immediate``
(which never sends in the request). Run it from cron or a systemd timer, e.g.::

    */5 * * * *  prima webhooks retry

A delivery is claimed before each attempt, so the sweep and the worker never send the same
attempt twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from prima.formats import number
from prima.webhooks.services import deliveries_retry_due


class Command(BaseCommand):
    help = "Webhooks. 'retry': send every pending webhook delivery whose attempt is due."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        retry = verbs.add_parser(
            "retry",
            help="send the pending deliveries whose attempt is due",
            description="Send every pending webhook delivery whose attempt is due.",
        )
        retry.add_argument(
            "--limit", type=int, default=1000, help="at most this many (default 1000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deliveries_retry_due(limit=max(1, options["limit"]))
        self.stdout.write(
            _(
                "Webhooks: %(delivered)s delivered, %(retry)s to retry later, %(failed)s failed, "
                "%(skipped)s skipped."
            )
            % {k: number(v, 0, get_language()) for k, v in counts.items()}
        )
