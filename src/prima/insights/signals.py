"""Keep rollups exact when responses arrive in bulk: an import or ``prima seed`` folds its
responses inside its own transaction, so they land in the rollups together or not at all."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from prima.insights import rollups
from prima.surveys.importing import responses_imported


@receiver(responses_imported, dispatch_uid="prima.insights.rollups.fold_imported")
def fold_imported(sender: Any, survey: Any, **kwargs: Any) -> None:
    rollups.fold(survey)
