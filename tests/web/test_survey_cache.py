"""The per-process reuse of surveys looked up by public code (the submission path)."""

from __future__ import annotations

import pytest

from prima.surveys import selectors
from prima.surveys.choices import SurveyStatus
from prima.surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_a_saved_change_is_seen_at_once_and_another_process_change_within_the_ttl(
    world, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    selectors._public_surveys.clear()
    first = selectors.survey_get_public(world.skm.code)
    assert selectors.survey_get_public(world.skm.code) is first  # reused, no query
    world.skm.status = SurveyStatus.CLOSED
    world.skm.save()  # saved in this process: forgotten at once
    assert selectors.survey_get_public(world.skm.code).status == SurveyStatus.CLOSED
    # a change by another process (no signal here): seen once the reuse time has passed
    Survey.objects.filter(pk=world.skm.pk).update(status=SurveyStatus.OPEN)
    assert selectors.survey_get_public(world.skm.code).status == SurveyStatus.CLOSED
    clock[0] += selectors.SURVEY_TTL + 0.1
    assert selectors.survey_get_public(world.skm.code).status == SurveyStatus.OPEN


def test_an_unknown_code_is_not_remembered(world):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.survey_get_public("tidakada")
    with pytest.raises(Http404):
        selectors.survey_get_public("nul\x00")
