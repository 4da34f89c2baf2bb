"""Alerts (issue 5, item 2): a unit's index below its threshold or significantly down on the
previous period notifies the unit's managers and the organization's admins, by email and in
the app; ``prima alerts check`` and every import evaluate the rules.

The answers are built so that the numbers are known: every respondent gives the same answer to
every item, so a respondent's score is that answer and the indices follow by hand.
"""

from __future__ import annotations

import csv
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from prima.alerts import services as alert_services
from prima.alerts.models import Alert, AlertKind, AlertRule, Notification
from prima.alerts.services import (
    NOTE_NO_RESPONDENT_SCORE,
    default_periods,
    evaluate_alerts,
    recipients,
    rule_for,
)
from prima.insights.periods import parse_period, previous_period
from prima.insights.results import survey_results
from prima.organizations import services as org
from prima.organizations.choices import Role
from prima.surveys import services as srv
from prima.surveys.models import Instrument, Survey
from prima.transfers.importing import import_commit, import_read
from tests.web.personas import World


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.BASE_URL = "https://prima.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(world: World) -> World:
    """Emails for the personas, and dewi: manager of UPT Alpha Dua only."""
    for name in ("alice", "bob", "victor", "charlie"):
        user = world.users[name]
        user.email = f"{name}@example.org"
        user.save()
    dewi = org.user_create(username="dewi", password="x-Passw0rd-9", email="dewi@example.org")
    org.membership_grant(user=dewi, organization=world.alpha, role=Role.MANAGER, unit=world.upt2)
    world.users["dewi"] = dewi
    return world


@pytest.fixture
def check(django_capture_on_commit_callbacks):
    """``evaluate_alerts``, running what it defers to the commit (sending the emails): the
    test's transaction never commits."""

    def run(target: Any, periods: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return evaluate_alerts(target, periods)

    return run


def import_rows(survey: Survey, rows: list[dict[str, Any]], path: Path) -> None:
    """Store rows through the import (the path every paper form takes)."""
    keys = [q.key for q in survey.instrument_version.questions]
    columns = ["submission_id", "submitted_at", "unit", *keys]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    report = import_read(survey, path)
    assert report.ok, report.messages()
    import_commit(report)


def skm_rows(unit_id: int, day: str, answers: list[int]) -> list[dict[str, Any]]:
    """One respondent per answer, giving that answer to all nine unsur."""
    return [
        {
            "submission_id": str(uuid.uuid4()),
            "submitted_at": day,
            "unit": unit_id,
            **{f"U{i}": a for i in range(1, 10)},
        }
        for a in answers
    ]


def a6_rows(survey: Survey, unit_id: int, day: str, gaps: list[int]) -> list[dict[str, Any]]:
    """One respondent per gap: expectation 4 and performance 4 + gap on every item."""
    keys = [q.key for q in survey.instrument_version.questions]
    rows = []
    for g in gaps:
        row: dict[str, Any] = {
            "submission_id": str(uuid.uuid4()),
            "submitted_at": day,
            "unit": unit_id,
        }
        for k in keys:
            row[k] = 4 if k.endswith(".harapan") else 4 + g
        rows.append(row)
    return rows


def alerts(**filters: Any) -> set[tuple[str | None, str, str, str]]:
    return {
        (a.unit.name if a.unit else None, a.period, a.kind, a.metric)
        for a in Alert.objects.filter(**filters)
    }


# -- periods and rules -------------------------------------------------------------------------
def test_previous_period_has_the_same_length():
    cases = {
        "2026-07": "2026-06",
        "2026-01": "2025-12",
        "2026-Q1": "2025-Q4",
        "2026-Q3": "2026-Q2",
        "2026-S1": "2025-S2",
        "2026-S2": "2026-S1",
        "2026": "2025",
    }
    for label, before in cases.items():
        assert previous_period(parse_period(label)).label == before
    # one implementation: the alerts compare with the periods the dashboard's change card uses
    assert alert_services.previous_period is previous_period


def test_default_periods_are_the_current_and_last_month_and_quarter():
    labels = [p.label for p in default_periods(date(2026, 4, 15))]
    assert labels == ["2026-04", "2026-03", "2026-Q2", "2026-Q1"]


def test_defaults_then_organization_rule_then_survey_rule(world):
    rule = rule_for(world.skm)
    assert rule.pk is None
    assert rule.ikm_threshold == Decimal("76.61")
    assert rule.min_responses == 30
    general = AlertRule.objects.create(organization=world.alpha, ikm_threshold=80)
    assert rule_for(world.skm).pk == general.pk
    own = AlertRule.objects.create(organization=world.alpha, survey=world.skm, ikm_threshold=70)
    assert rule_for(world.skm).pk == own.pk
    assert rule_for(world.a6).pk == general.pk
    assert rule_for(world.quick).pk is None  # another tenant's rules never apply


# -- threshold ----------------------------------------------------------------------------------
def test_ikm_below_mutu_b_alerts_the_unit_and_only_its_recipients(check, people, tmp_path):
    world = people
    # UPT Dua: answers 2, 2, 3 (x 10): respondent scores 50, 50, 75 -> IKM 58,33 (mutu D)
    # UPT Satu: all 4 -> 100 ; the whole organization: (30 x 58,33 + 30 x 100) / 60 = 79,17 (B)
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    import_rows(world.skm, skm_rows(world.upt1.pk, "2025-03-11", [4] * 30), tmp_path / "b.csv")
    upt2 = survey_results(world.skm, unit=world.upt2, period=parse_period("2025-03"))
    assert upt2["ikm"]["ikm_converted"] == pytest.approx(175 / 3)
    assert upt2["ikm"]["grade"] == "D"

    result = check(world.skm, parse_period("2025-03"))
    assert alerts() == {("UPT Alpha Dua", "2025-03", "threshold", "ikm")}
    assert [a.pk for a in result.created] == list(Alert.objects.values_list("pk", flat=True))
    alert = Alert.objects.get()
    assert alert.value == pytest.approx(175 / 3)
    assert alert.responses == 30
    # admin of the organization and the manager of UPT Dua; not bob (UPT Satu), not the viewer
    assert {n.user.username for n in Notification.objects.all()} == {"alice", "dewi"}
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "dewi@example.org"]
    assert [u.username for u in recipients(world.alpha, world.upt2)] == ["alice", "dewi"]
    assert [u.username for u in recipients(world.alpha, world.loket1)] == ["alice", "bob"]
    assert [u.username for u in recipients(world.alpha, None)] == ["alice"]


def test_a_higher_threshold_also_alerts_the_organization(check, people, tmp_path):
    world = people
    AlertRule.objects.create(organization=world.alpha, survey=world.skm, ikm_threshold=80)
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    import_rows(world.skm, skm_rows(world.upt1.pk, "2025-03-11", [4] * 30), tmp_path / "b.csv")
    check(world.alpha, parse_period("2025-03"))
    # 79,17 < 80: Dinas Alpha Pusat (the parent of both UPT, the organization's only top unit);
    # the whole organization holds the same responses: not a second alert (issue 10)
    assert alerts() == {
        ("Dinas Alpha Pusat", "2025-03", "threshold", "ikm"),
        ("UPT Alpha Dua", "2025-03", "threshold", "ikm"),
    }
    whole = Alert.objects.get(unit=world.dinas)
    assert {n.user.username for n in whole.notifications.all()} == {"alice"}


def test_small_groups_and_inactive_rules_raise_nothing(check, people, tmp_path):
    world = people
    import_rows(world.skm, skm_rows(world.upt2.pk, "2025-03-10", [1] * 29), tmp_path / "a.csv")
    check(world.skm, parse_period("2025-03"))
    assert not Alert.objects.exists()  # 29 < 30 respondents
    rule = AlertRule.objects.create(organization=world.alpha, min_responses=10, active=False)
    check(world.skm, parse_period("2025-03"))
    assert not Alert.objects.exists()
    rule.active = True
    rule.save()
    check(world.skm, parse_period("2025-03"))
    # UPT Dua only: its parent and the organization hold the same (its) responses
    assert alerts() == {("UPT Alpha Dua", "2025-03", "threshold", "ikm")}


def test_ikm_drop_waits_for_the_respondent_score(check, people, tmp_path):
    world = people
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-02-10", [4, 4, 3] * 10), tmp_path / "a.csv"
    )
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "b.csv"
    )
    result = check(world.skm, parse_period("2025-03"))
    ikm = survey_results(world.skm, unit=world.upt2, period=parse_period("2025-03"))["ikm"]
    if ikm.get("respondent_score"):  # survey_results reports it: 91,67 -> 58,33, a clear drop
        assert ("UPT Alpha Dua", "2025-03", "drop", "ikm") in alerts()
        # scores 100, 100, 75 -> 50, 50, 75 (x 10): means 91,67 -> 58,33, SD 11,99 in both;
        # SE = sqrt(2 x 143,68 / 30) = 3,095 ; t = -33,33 / 3,095 = -10,77
        drop = Alert.objects.get(unit=world.upt2, kind=AlertKind.DROP)
        assert drop.detail["difference"] == pytest.approx(-100 / 3)
        assert drop.detail["statistic"] == pytest.approx(-10.77, abs=0.01)
        assert drop.previous_value == pytest.approx(275 / 3)
    else:
        assert NOTE_NO_RESPONDENT_SCORE in result.notes
        assert alerts(kind=AlertKind.DROP) == set()
    assert ("UPT Alpha Dua", "2025-03", "threshold", "ikm") in alerts()


def test_gap_interval_below_zero_alerts(check, people, tmp_path):
    world = people
    # gaps 0, -1 (x 20): mean -0,5, SD 0,506, 95% interval about -0,66 .. -0,34
    import_rows(
        world.a6, a6_rows(world.a6, world.upt1.pk, "2025-06-10", [0, -1] * 20), tmp_path / "a.csv"
    )
    check(world.a6, parse_period("2025-06"))
    assert ("UPT Alpha Satu", "2025-06", "threshold", "gap") in alerts()
    assert {n.user.username for n in Notification.objects.filter(alert__unit=world.upt1)} == {
        "alice",
        "bob",
    }


# -- significant drop ---------------------------------------------------------------------------
def test_a_significant_drop_alerts_and_a_small_change_does_not(check, people, tmp_path):
    world = people
    a6 = world.a6
    # May: gaps 0, 1 (x 20): mean 0,5, SD 0,5064 ; June: 0, 0, 0, 1 (x 10): mean 0,25, SD 0,4385
    # Welch: SE = sqrt(0,25641/40 + 0,19231/40) = 0,10589 ; t = -2,361 ; df = 76,5 ; p = 0,021
    # both intervals lie above 0: no threshold alert, only the drop
    import_rows(a6, a6_rows(a6, world.upt1.pk, "2025-05-12", [0, 1] * 20), tmp_path / "a.csv")
    import_rows(a6, a6_rows(a6, world.upt1.pk, "2025-06-12", [0, 0, 0, 1] * 10), tmp_path / "b.csv")
    # July vs June: 0, 0, 0, 1 (x 10) then 0, 0, 1, 0, 0, 0, 1, 0, 0, 1 (x 4): 0,25 -> 0,30, a rise
    # August vs July: 0,30 -> 0,275: a small drop, not significant
    import_rows(
        a6,
        a6_rows(a6, world.upt1.pk, "2025-07-12", [0, 0, 1, 0, 0, 0, 1, 0, 0, 1] * 4),
        tmp_path / "c.csv",
    )
    import_rows(
        a6, a6_rows(a6, world.upt1.pk, "2025-08-12", [1] * 11 + [0] * 29), tmp_path / "d.csv"
    )
    check(a6, [parse_period(p) for p in ("2025-06", "2025-07", "2025-08")])
    # UPT Satu only: Dinas Alpha Pusat and the organization hold the same responses
    assert alerts() == {("UPT Alpha Satu", "2025-06", "drop", "gap")}
    drop = Alert.objects.get(unit=world.upt1)
    assert drop.previous_period == "2025-05"
    assert (drop.previous_value, drop.value) == (pytest.approx(0.5), pytest.approx(0.25))
    assert drop.detail["test"] == "welch"
    assert drop.detail["statistic"] == pytest.approx(-2.3609, abs=1e-3)
    assert drop.detail["p_value"] == pytest.approx(0.0208, abs=1e-3)
    assert drop.detail["ci_high"] < 0


def test_nps_threshold_and_drop(check, people, tmp_path):
    world = people
    quick = srv.survey_create(
        organization=world.alpha,
        title="Cepat Alpha",
        instrument=Instrument.objects.get(key="quick"),
        units=[world.upt1, world.upt2],
    )

    def rows(day: str, scores: list[int]) -> list[dict[str, Any]]:
        return [
            {
                "submission_id": str(uuid.uuid4()),
                "submitted_at": day,
                "unit": world.upt2.pk,
                "csat": 4,
                "nps": s,
                "kembali": 1,
            }
            for s in scores
        ]

    # Q1: 30 promoters, 5 passives, 5 detractors: NPS 62,5 ; Q2: 10, 10, 20: NPS -25
    import_rows(quick, rows("2025-02-01", [10] * 30 + [8] * 5 + [3] * 5), tmp_path / "a.csv")
    import_rows(quick, rows("2025-05-01", [10] * 10 + [8] * 10 + [3] * 20), tmp_path / "b.csv")
    check(quick, parse_period("2025-Q2"))
    assert alerts(unit=world.upt2) == {
        ("UPT Alpha Dua", "2025-Q2", "threshold", "nps"),
        ("UPT Alpha Dua", "2025-Q2", "drop", "nps"),
    }
    drop = Alert.objects.get(unit=world.upt2, kind=AlertKind.DROP)
    assert (drop.previous_value, drop.value) == (62.5, -25.0)
    assert drop.detail["test"] == "nps-adjusted-wald"
    assert drop.detail["difference"] == -87.5


# -- idempotency, command, import ---------------------------------------------------------------
def test_evaluating_again_raises_and_sends_nothing_twice(
    check, people, tmp_path, capsys, django_capture_on_commit_callbacks
):
    world = people
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("alerts", "check", "--survey", world.skm.code, "--period", "2025-03")
    out = capsys.readouterr().out
    # UPT Dua only (Dinas Alpha Pusat above it and the whole organization hold the same
    # responses): notices for alice and dewi; the value as Indonesians write it
    assert "1 peringatan baru" in out
    assert "UPT Alpha Dua 2025-03 di bawah batas (ikm 58,33)" in out
    counts = (Alert.objects.count(), Notification.objects.count(), len(mail.outbox))
    assert counts == (1, 2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("alerts", "check", "--period", "2025-03")
    check(world.alpha, parse_period("2025-03"))
    assert (Alert.objects.count(), Notification.objects.count(), len(mail.outbox)) == counts
    assert "0 peringatan baru" in capsys.readouterr().out


def test_command_rejects_bad_input(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="period"):
        call_command("alerts", "check", "--period", "2025-13")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("alerts", "check", "--survey", "NOPE")


def test_an_import_checks_the_current_periods(people, tmp_path, django_capture_on_commit_callbacks):
    world = people
    today = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        import_rows(world.skm, skm_rows(world.upt2.pk, today, [1, 2] * 15), tmp_path / "a.csv")
    month = default_periods()[0].label
    assert ("UPT Alpha Dua", month, "threshold", "ikm") in alerts()
    assert mail.outbox


# -- email and the in-app notifications ---------------------------------------------------------
def test_email_names_the_unit_the_number_the_rule_and_links_the_results(check, people, tmp_path):
    world = people
    world.upt2.name = 'UPT Dua <b>"&'
    world.upt2.save()
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    check(world.skm, parse_period("2025-03"))
    message = next(m for m in mail.outbox if m.to == ["dewi@example.org"])
    assert "\n" not in message.subject
    assert message.subject.startswith("[Prima] Peringatan: IKM UPT Dua")
    assert "58,33" in message.subject
    body = message.body
    url = f"https://prima.example/app/surveys/{world.skm.code}/?unit={world.upt2.pk}&period=2025-03"
    assert "Yth. dewi" in body
    assert 'UPT Dua <b>"&' in body  # plain text: as typed
    assert "58,33 (mutu D), dari 30 responden" in body
    assert "IKM konversi (dibulatkan 2 desimal) di bawah 76,61 (mutu di bawah B)" in body
    assert url in body
    html = message.alternatives[0][0]
    assert "UPT Dua &lt;b&gt;&quot;&amp;" in html
    assert "UPT Dua <b>" not in html
    assert f'href="{url.replace("&", "&amp;")}"' in html


def test_notifications_page_shows_only_the_users_own(check, people, tmp_path):
    world = people
    world.upt2.name = "UPT Dua <script>x</script>"
    world.upt2.save()
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    import_rows(
        world.a6, a6_rows(world.a6, world.upt1.pk, "2025-03-10", [0, -1] * 20), tmp_path / "b.csv"
    )
    check(world.alpha, parse_period("2025-03"))
    bob_notes = Notification.objects.filter(user=world.users["bob"])
    alice_note = Notification.objects.filter(
        user=world.users["alice"], alert__unit=world.upt2
    ).get()
    assert bob_notes.count() == 1  # UPT Satu's gap only

    bob = world.client("bob")
    page = bob.get("/app/pemberitahuan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "UPT Alpha Satu" in html
    assert "UPT Dua" not in html  # alice's and dewi's notice, not bob's
    assert re.search(r'class="ui-count">1<', html)  # the header's unread count

    # another user's notification: 404, and it stays unread
    assert bob.post(f"/app/pemberitahuan/{alice_note.pk}/baca/").status_code == 404
    alice_note.refresh_from_db()
    assert alice_note.read_at is None
    assert bob.get(f"/app/pemberitahuan/{alice_note.pk}/baca/").status_code == 405
    # bob marks his own
    mine = bob_notes.get()
    assert bob.post(f"/app/pemberitahuan/{mine.pk}/baca/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'class="ui-count"' not in bob.get("/app/pemberitahuan/").content.decode()

    # alice sees hers, escaped; "mark all" touches only hers
    alice = world.client("alice")
    html = alice.get("/app/pemberitahuan/").content.decode()
    assert "UPT Dua &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html
    assert alice.post("/app/pemberitahuan/baca-semua/").status_code == 302
    assert not Notification.objects.filter(user=world.users["alice"], read_at=None).exists()
    assert Notification.objects.filter(user=world.users["dewi"], read_at=None).exists()

    # outsiders: nothing of Dinas Alpha
    for name in ("charlie", "mallory", "victor"):
        html = world.client(name).get("/app/pemberitahuan/").content.decode()
        assert "Belum ada pemberitahuan" in html
        assert "UPT" not in html
    assert world.client(None).get("/app/pemberitahuan/").status_code == 302


def test_notifications_of_a_former_member_are_hidden(check, people, tmp_path):
    world = people
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    check(world.skm, parse_period("2025-03"))
    note = Notification.objects.get(user=world.users["dewi"])
    world.users["dewi"].memberships.all().delete()
    dewi = world.client("dewi")
    assert "Belum ada pemberitahuan" in dewi.get("/app/pemberitahuan/").content.decode()
    assert dewi.post(f"/app/pemberitahuan/{note.pk}/baca/").status_code == 404


def test_rules_and_alerts_in_manage_are_scoped(check, people, tmp_path):
    world = people
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    check(world.skm, parse_period("2025-03"))
    alert = Alert.objects.get(unit=world.upt2)
    alice = world.client("alice")
    assert alice.get("/manage/alerts/alert/").status_code == 200
    assert alice.get(f"/manage/alerts/alert/{alert.pk}/change/").status_code == 200
    response = alice.post(
        "/manage/alerts/alertrule/add/",
        {
            "organization": world.alpha.pk,
            "survey": world.skm.pk,
            "active": "on",
            "ikm_threshold": "80.00",
            "gap_alert": "on",
            "nps_threshold": "10",
            "drop_alert": "on",
            "min_responses": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = AlertRule.objects.get()
    assert (rule.survey, rule.ikm_threshold) == (world.skm, Decimal("80.00"))
    # another tenant's survey cannot be chosen
    response = alice.post(
        "/manage/alerts/alertrule/add/",
        {
            "organization": world.alpha.pk,
            "survey": world.quick.pk,
            "ikm_threshold": "80",
            "nps_threshold": "0",
            "min_responses": "30",
        },
    )
    assert response.status_code == 200
    assert AlertRule.objects.count() == 1
    charlie = world.client("charlie")
    assert charlie.get(f"/manage/alerts/alert/{alert.pk}/change/").status_code in (302, 404)
    assert charlie.get(f"/manage/alerts/alertrule/{rule.pk}/change/").status_code in (302, 404)
    assert world.client("bob").get("/manage/alerts/alert/").status_code == 302


# -- issue 10: once per problem, with the unit's path, the first run, numbers, the page --------
def test_the_first_check_looks_at_the_current_and_last_month_only(world):
    from prima.alerts.models import AlertCheck
    from prima.alerts.services import check_periods

    first = check_periods(date(2026, 12, 6))
    assert [p.label for p in first] == ["2026-12", "2026-11"]
    assert AlertCheck.objects.get().first_on == date(2026, 12, 6)
    # later the same day: not the quarters that began before the first check's window
    assert [p.label for p in check_periods(date(2026, 12, 6))] == ["2026-12", "2026-11"]
    # in January: the new quarter, never Q4 nor Q3 of the past the install was given
    assert [p.label for p in check_periods(date(2027, 1, 10))] == ["2027-01", "2026-12", "2027-Q1"]
    labels = [p.label for p in check_periods(date(2027, 4, 2))]
    assert labels == ["2027-04", "2027-03", "2027-Q2", "2027-Q1"]


def test_a_first_check_raises_nothing_about_an_older_past(check, people, tmp_path):
    """A new install given last quarter's data is not flooded: the first check without
    periods looks at this month and the last one only."""
    world = people
    today = timezone.localdate()
    old = today.replace(day=1) - timedelta(days=75)  # two or three months back
    import_rows(
        world.skm, skm_rows(world.upt2.pk, old.isoformat(), [1, 2] * 15), tmp_path / "a.csv"
    )
    Alert.objects.all().delete()  # the import's own check (its periods) is not the subject
    from prima.alerts.models import AlertCheck

    AlertCheck.objects.all().delete()
    result = check(world.skm, None)
    assert result.created == []
    assert check(world.skm, parse_period(f"{old:%Y-%m}")).created  # asked for: it is there


def test_the_organization_is_not_alerted_beside_its_only_top_unit(check, people, tmp_path):
    world = people
    AlertRule.objects.create(organization=world.alpha, survey=world.skm, ikm_threshold=80)
    import_rows(
        world.skm, skm_rows(world.upt2.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv"
    )
    import_rows(world.skm, skm_rows(world.upt1.pk, "2025-03-11", [4] * 30), tmp_path / "b.csv")
    check(world.skm, parse_period("2025-03"))
    assert not Alert.objects.filter(unit=None).exists()
    assert Alert.objects.filter(unit=world.dinas).count() == 1


def test_titles_and_the_command_name_the_units_path_and_write_numbers_as_indonesians(
    people, tmp_path, capsys, django_capture_on_commit_callbacks
):
    world = people
    apotek = org.unit_create(organization=world.alpha, name="Apotek", parent=world.upt2)
    org.unit_create(organization=world.alpha, name="Apotek", parent=world.upt1, code="A1")
    import_rows(world.skm, skm_rows(apotek.pk, "2025-03-10", [2, 2, 3] * 10), tmp_path / "a.csv")
    import_rows(
        world.a6, a6_rows(world.a6, world.upt1.pk, "2025-03-10", [0, -1] * 20), tmp_path / "b.csv"
    )
    Alert.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("alerts", "check", "--period", "2025-03")
    out = capsys.readouterr().out
    assert "UPT Alpha Dua › Apotek 2025-03 di bawah batas (ikm 58,33)" in out
    assert "(gap -0,50)" in out  # not "-0.5"
    assert "58.33" not in out
    assert "2 peringatan baru" in out
    note = Notification.objects.get(user=world.users["dewi"])
    assert note.title == "IKM UPT Alpha Dua › Apotek di bawah batas: 58,33 (Mar\xa02025)"
    subject = next(m.subject for m in mail.outbox if m.to == ["dewi@example.org"])
    assert "UPT Alpha Dua › Apotek" in subject
    # the page names the group by its path too, and in English when the user chose English
    alice = world.client("alice")
    assert "UPT Alpha Dua › Apotek" in alice.get("/app/pemberitahuan/").content.decode()
    alice.cookies["django_language"] = "en"
    html = alice.get("/app/pemberitahuan/").content.decode()
    assert "IKM UPT Alpha Dua › Apotek below the threshold: 58.33 (Mar\xa02025)" in html


def test_notifications_are_grouped_by_survey_and_unit_and_paginated(people):
    from prima.alerts.selectors import GROUPS_PER_PAGE, SHOWN_PER_GROUP

    world = people
    units = [
        org.unit_create(organization=world.alpha, name=f"Loket {i:02d}", parent=world.upt1)
        for i in range(GROUPS_PER_PAGE + 3)
    ]
    alice = world.users["alice"]
    for month in range(1, SHOWN_PER_GROUP + 3):  # 7 months of the first unit's alerts
        alert = Alert.objects.create(
            organization=world.alpha,
            survey=world.skm,
            unit=units[0],
            period=f"2025-{month:02d}",
            kind="threshold",
            metric="ikm",
            value=60.0,
        )
        Notification.objects.create(
            user=alice, organization=world.alpha, alert=alert, title="x", url="/app/"
        )
    for unit in units[1:]:
        alert = Alert.objects.create(
            organization=world.alpha,
            survey=world.skm,
            unit=unit,
            period="2025-03",
            kind="threshold",
            metric="ikm",
            value=70.0,
        )
        Notification.objects.create(user=alice, organization=world.alpha, alert=alert, title="x")
    client = world.client("alice")
    first = client.get("/app/pemberitahuan/").content.decode()
    assert first.count('class="ui-card notification-group"') == GROUPS_PER_PAGE
    assert 'rel="next"' in first
    assert "Halaman 1 dari 2" in first
    second = client.get("/app/pemberitahuan/?page=2").content.decode()
    assert second.count('class="ui-card notification-group"') == 3
    # the first unit's group shows its newest few and links to all of them
    assert "UPT Alpha Satu › Loket 00" in first + second
    key = f"{world.skm.pk}-{units[0].pk}"
    page = first if f"?group={key}" in first else second
    assert f'href="?group={key}"' in page
    whole = client.get(f"/app/pemberitahuan/?group={key}").content.decode()
    assert whole.count('class="notification notification--unread"') == SHOWN_PER_GROUP + 2
    assert "(Jan\xa02025)" in whole
    assert "(Jul\xa02025)" in whole
    # another user's group, or nonsense: not found / the grouped list
    assert world.client("bob").get(f"/app/pemberitahuan/?group={key}").status_code == 404
    assert client.get("/app/pemberitahuan/?group=x").status_code == 200
    # marking one read from the group's page returns there
    note = Notification.objects.filter(alert__unit=units[0]).first()
    back = client.post(
        f"/app/pemberitahuan/{note.pk}/baca/", {"next": f"/app/pemberitahuan/?group={key}"}
    )
    assert back["Location"] == f"/app/pemberitahuan/?group={key}"
    evil = client.post(f"/app/pemberitahuan/{note.pk}/baca/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/app/pemberitahuan/"


def test_an_alert_is_stored_once_even_when_checks_race(transactional_db, people):
    """The unique constraints hold (also for the whole organization, whose unit is NULL), and
    two checks raising the same alert at once store one alert and one set of notices."""
    import threading

    from django.db import IntegrityError, connection, transaction

    from prima.alerts.services import Finding, _raise

    world = people
    fields = {
        "organization": world.alpha,
        "survey": world.skm,
        "period": "2025-03",
        "kind": "threshold",
        "metric": "ikm",
        "value": 60.0,
    }
    for unit in (None, world.upt2):
        Alert.objects.create(unit=unit, **fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            Alert.objects.create(unit=unit, **fields)
    Alert.objects.all().delete()

    finding = Finding("threshold", "ikm", 58.33, 30, "rule")
    period = parse_period("2025-04")
    if connection.vendor == "sqlite":  # one writer at a time: the repeat is what can happen
        assert _raise(world.skm, world.upt2, period, finding) is not None
        assert _raise(world.skm, world.upt2, period, finding) is None
    else:
        barrier = threading.Barrier(4)
        made: list[Any] = []
        errors: list[str] = []

        def worker() -> None:
            try:
                barrier.wait(timeout=10)
                made.append(_raise(world.skm, world.upt2, period, finding))
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert errors == []
        assert len([a for a in made if a is not None]) == 1
    assert Alert.objects.filter(period="2025-04").count() == 1
    assert Notification.objects.filter(alert__period="2025-04").count() == 2  # alice, dewi
