"""One table: a submission id (unique, like Prima's) and the answers as JSON."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Submission(models.Model):
    submission_id = models.UUIDField(unique=True)
    answers = models.JSONField()
    submitted_at = models.DateTimeField(default=timezone.now)
