"""Keep rollups exact when responses arrive in bulk or are deleted: an import or ``prima seed``
folds its responses inside its own transaction, so they land in the rollups together or not at
all; a deletion takes its responses out of the rollups in the deleting transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from prima.insights import rollups
from prima.surveys.services import responses_deleting
from prima.transfers.importing import responses_imported


@receiver(responses_imported, dispatch_uid="prima.insights.rollups.fold_imported")
def fold_imported(sender: Any, survey: Any, **kwargs: Any) -> None:
    rollups.fold(survey)


@receiver(responses_deleting, dispatch_uid="prima.insights.rollups.forget_deleted")
def forget_deleted(sender: Any, survey: Any, pks: list[int], **kwargs: Any) -> None:
    rollups.forget(survey, pks)
