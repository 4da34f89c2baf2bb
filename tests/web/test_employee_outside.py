"""An employee survey's figures outside its dashboard (issue 12, point 3: "everywhere"): an
alert is raised only for a group its release shows (an alert names a value and its n), and its
results are never published on the public results page."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from prima.alerts.models import Alert, AlertRule
from prima.alerts.services import evaluate_alerts
from prima.insights.models import PublishedResult
from prima.insights.periods import parse_period
from prima.insights.publication import PublicationError, publications, result_publish
from prima.surveys import services as srv
from prima.surveys.models import Instrument, InstrumentVersion
from tests.web.personas import build_world

WIB = ZoneInfo("Asia/Jakarta")


def _answers(performance: int) -> dict[str, int]:
    version = Instrument.objects.get(key="internal").latest()
    out = {q.key: (5 if q.key.endswith(".harapan") else performance) for q in version.questions}
    out["enps"] = 3
    return out


@pytest.fixture
def world(db):
    """UPT Alpha Satu's own staff 6, Loket Satu 2 (below k = 5, and so hidden with UPT Alpha
    Satu's own staff by complementary suppression), UPT Alpha Dua 5; everyone far below their
    expectation (performance 2 or 3 against 5) in August 2026."""
    w = build_world()
    w.employee = srv.survey_create(
        organization=w.alpha,
        title="Survei Pegawai Alpha",
        instrument=Instrument.objects.get(key="internal"),
        units=[w.upt1, w.upt2, w.loket1],
    )
    placed = [w.upt1] * 6 + [w.loket1] * 2 + [w.upt2] * 5
    for i, unit in enumerate(placed):
        sub = srv.Submission(
            submission_id=uuid.uuid4(),
            answers=_answers(2 + i % 2),
            unit_id=unit.pk,
            submitted_at=datetime(2026, 8, 10 + i % 3, 10, tzinfo=WIB),
        )
        srv.response_submit(survey=w.employee, submission=sub)
    AlertRule.objects.create(
        organization=w.alpha, survey=w.employee, min_responses=2, gap_alert=True
    )
    return w


def test_alerts_only_for_the_groups_the_release_shows(world):
    evaluate_alerts(world.employee, parse_period("2026-08"))
    alerted = set(Alert.objects.filter(survey=world.employee).values_list("unit__name", flat=True))
    # every group's gap is far below 0; Loket Satu (2 employees) is never named
    assert alerted == {"Dinas Alpha Pusat", "UPT Alpha Satu", "UPT Alpha Dua"}


def test_a_customer_survey_still_alerts_on_any_group(world):
    """The release applies to employee surveys only (the SKM's units are judged as before)."""
    evaluate_alerts(world.skm, parse_period("2026-08"))  # no SKM answers in August: nothing
    assert not Alert.objects.filter(survey=world.skm).exists()


def _employee_ikm_survey(world):
    """An organization's own employee instrument of the IKM kind (admins may add their own
    employee instruments): publishable by its kind, refused by its audience."""
    definition = {**Instrument.objects.get(key="skm2017").latest().definition}
    definition.update(name="ikm-pegawai", audience="internal")
    instrument = Instrument.objects.create(organization=world.alpha, key="ikm-pegawai", title="x")
    InstrumentVersion.objects.create(instrument=instrument, number=1, definition=definition)
    survey = srv.survey_create(
        organization=world.alpha, title="IKM Pegawai", instrument=instrument, units=[world.upt1]
    )
    assert survey.is_employee
    return survey


def test_an_employee_survey_is_never_published(world):
    survey = _employee_ikm_survey(world)
    with translation.override("en"), pytest.raises(PublicationError, match="never published"):
        result_publish(survey=survey, period="2026-08")
    with pytest.raises(PublicationError):  # the built-in one is refused too (not IKM)
        result_publish(survey=world.employee, period="2026-08")
    # rows made behind the service's back are still never shown on the public page
    PublishedResult.objects.bulk_create(
        [
            PublishedResult(
                organization=world.alpha, survey=s, period="2026-08", published_at=timezone.now()
            )
            for s in (survey, world.employee)
        ]
    )
    assert publications(world.alpha) == []
    html = world.client(None).get("/hasil/alpha/").content.decode()
    assert survey.title not in html
    assert world.employee.title not in html


def test_the_dashboard_shows_ipa_for_a_shown_group_only(world):
    """Issue 12, point 4: the same analytics as a paired customer survey, IPA included, for a
    group the release shows; a hidden group shows its band and nothing else."""
    client = world.client("alice")
    url = f"/app/surveys/{world.employee.code}/"
    shown = client.get(url, {"unit": world.upt2.pk, "period": "2026-08", "lang": "en"})
    html = shown.content.decode()
    assert 'id="ipa-h"' in html
    assert 'data-spec="spec-ipa"' in html
    assert 'id="ipa-group-' in html
    assert "KB1" in html.split('id="ipa-table"')[1]  # the items are listed per quadrant
    hidden = client.get(url, {"unit": world.loket1.pk, "period": "2026-08", "lang": "en"})
    text = hidden.content.decode()
    assert 'id="ipa-h"' not in text
    assert "spec-ipa" not in text
