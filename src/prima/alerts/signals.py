"""After an import commits, check the alerts of the periods it touched (cheap: at most the
current and last closed month and quarter, and only those holding imported rows)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from prima.transfers.importing import responses_imported


@receiver(responses_imported, dispatch_uid="prima.alerts.after_import")
def _after_import(sender: Any, survey: Any, responses: Any, **kwargs: Any) -> None:
    from prima.alerts.services import after_import

    rows = list(responses)
    # robust: an alert that fails is logged and never undoes or fails the committed import
    transaction.on_commit(lambda: after_import(survey, rows), robust=True)
