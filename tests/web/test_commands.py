"""The commands of issue 3 section 8: ``prima demo``, ``serve``, ``export responses``, ``token create``.

The key property: ``prima analyze`` on ``prima export`` of a survey gives exactly the numbers of
the results view (:func:`prima.insights.results.survey_results`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from prima.cli.main import main
from prima.config import server
from prima.demo import data as demo_data
from prima.insights.periods import parse_period
from prima.insights.results import survey_results
from prima.instruments.questions import clean_answers
from prima.organizations import services as org
from prima.organizations.access import organizations_of, units_visible_to
from prima.organizations.choices import OrganizationKind, Role
from prima.organizations.models import Membership, Organization, StaffMember, Unit
from prima.surveys import services as srv
from prima.surveys.models import Instrument, InstrumentVersion, Response, Survey
from prima.transfers.export import export_columns, export_to_path, neutralise

PRIMA = Path(sys.executable).with_name("prima")
TODAY = date(2026, 9, 17)  # a fixed day: the in-process demo is the same on every run
PASSWORD = "demo-test-password-1"
# "Survey: <code> <URL>" first (kiosks and scripts read these two fields), then the title
SURVEY_LINE = re.compile(r"^Survey: (\S+) (http://127\.0\.0\.1:(\d+)/s/(\S+)/) (\S.*)$")


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module inside a transaction that is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_data.demo_load(password=PASSWORD, today=TODAY)
        yield result
        transaction.set_rollback(True)


def _survey(key: str) -> Survey:
    return Survey.objects.get(
        organization__slug__in=[demo_data.DINAS_SLUG, demo_data.BANK_SLUG],
        instrument_version__instrument__key=key,
    )


def _analyze(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert main(["analyze", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _password_ok(username: str, password: str) -> bool:
    return get_user_model().objects.get(username=username).check_password(password)


def _subprocess_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "PRIMA_DEMO", "PRIMA_DEMO_PASSWORD", "PRIMA_PRODUCTION")
    }
    env["PRIMA_DATA_DIR"] = str(data_dir)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url}")


def _stop(proc: subprocess.Popen, sig: int) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


# -- the demo data ----------------------------------------------------------------------------
def test_demo_organization_tree_people_and_surveys(demo, db):
    assert demo.created
    dinas = Organization.objects.get(slug=demo_data.DINAS_SLUG)
    bank = Organization.objects.get(slug=demo_data.BANK_SLUG)
    assert (dinas.name, dinas.kind) == ("Dinas Kesehatan Kota Harapan", OrganizationKind.GOVERNMENT)
    assert (bank.name, bank.kind) == ("Bank Sejahtera", OrganizationKind.COMMERCIAL)
    root = Unit.objects.get(organization=dinas, parent=None)
    upts = list(root.children.order_by("name"))
    assert [u.name for u in upts] == [
        "UPT Puskesmas Mekarsari",
        "UPT Puskesmas Sukamaju",
        "UPT Puskesmas Tanjung",
    ]
    for upt in upts:
        counters = {c.name for c in upt.children.all()}
        assert {"Loket Pendaftaran", "Poli Umum", "Apotek"} <= counters
        assert upt.services.count() >= 3
        assert upt.population
    assert StaffMember.objects.filter(organization=dinas).count() == 12
    assert all(len(s.employee_number) == 18 for s in StaffMember.objects.filter(organization=dinas))

    skm, a6, quick = _survey("skm2017"), _survey("a6"), _survey("quick")
    employees = _survey("internal")  # the Dinas's employee survey (issue 12, point 6)
    shop = Survey.objects.get(organization__slug=demo_data.SHOP_SLUG)  # the toko's kiosk survey
    assert [s.code for s in demo.surveys] == [
        skm.code,
        a6.code,
        employees.code,
        quick.code,
        shop.code,
    ]
    assert employees.is_employee
    assert employees.organization == dinas
    assert list(employees.units.all()) == [root]
    assert set(skm.units.all()) == set(upts) == set(a6.units.all())
    assert quick.organization == bank
    assert all(s.is_open() for s in demo.surveys)

    # users: the admin sees the whole Dinas and nothing of the bank; the manager one UPT
    admin = Membership.objects.get(user__username="admin")
    assert (admin.organization, admin.role, admin.unit) == (dinas, Role.ADMIN, None)
    manager = Membership.objects.get(user__username="manajer.sukamaju")
    assert (manager.role, manager.unit.name) == (Role.MANAGER, "UPT Puskesmas Sukamaju")
    assert Membership.objects.get(user__username="pengamat").role == Role.VIEWER
    assert list(organizations_of(admin.user)) == [dinas]
    visible = set(units_visible_to(manager.user, dinas))
    assert visible == set(manager.unit.subtree())
    assert root not in visible
    assert _password_ok("admin", PASSWORD)


def test_demo_responses_are_realistic_and_valid(demo, db):
    # the Dinas's and the bank's (the shop's kiosk ratings: test_demo_shop_...)
    rows = list(
        Response.objects.filter(
            organization__slug__in=[demo_data.DINAS_SLUG, demo_data.BANK_SLUG]
        ).select_related("survey", "unit", "staff__unit")
    )
    versions = {v.pk: v for v in InstrumentVersion.objects.select_related("instrument")}
    assert demo.responses == Response.objects.count()
    assert 2000 <= len(rows) <= 5000  # a few thousand
    first_day = date(2026, 4, 1)
    by_survey: dict[str, list[Response]] = {}
    for r in rows:
        version = versions[r.instrument_version_id]
        assert r.survey.instrument_version_id == version.pk
        by_survey.setdefault(version.instrument.key, []).append(r)
        clean, errors = clean_answers(version.questions, r.answers)
        assert not errors
        assert clean == r.answers
        assert set(r.answers) == {q.key for q in version.questions}
        assert first_day <= r.submitted_at.date() < TODAY
        assert r.channel in ("web", "qr")
        assert r.unit.organization_id == r.organization_id == r.survey.organization_id
        if r.staff is not None:
            assert r.staff.unit.path.startswith(r.unit.path) or r.unit.path.startswith(
                r.staff.unit.path
            )
    assert set(by_survey) == {"skm2017", "a6", "internal", "quick"}
    skm = by_survey["skm2017"]
    assert len(skm) >= 1500
    assert len(by_survey["a6"]) >= 500
    assert {r.submitted_at.month for r in skm} == {4, 5, 6, 7, 8, 9}
    with_profile = [r for r in skm if {"sex", "education", "occupation"} <= set(r.profile)]
    assert len(with_profile) == len(skm)
    assert sum("age" in r.profile for r in skm) > 0.9 * len(skm)
    assert 0.1 * len(skm) < sum(bool(r.suggestion) for r in skm) < 0.35 * len(skm)
    assert 0.1 * len(skm) < sum(r.staff_id is not None for r in skm) < 0.6 * len(skm)
    assert {r.channel for r in skm} == {"web", "qr"}
    assert all(not r.profile for r in by_survey["a6"] + by_survey["quick"])
    # answers spread over the whole scale (not all 3s)
    values = [v for r in skm for v in r.answers.values()]
    assert {values.count(v) > 0.02 * len(values) for v in (2, 3, 4)} == {True}


def test_one_unit_slips_month_by_month(demo, db):
    skm = _survey("skm2017")
    months = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]

    def trend(name: str) -> list[float]:
        unit = Unit.objects.get(name=name)
        out = []
        for month in months:
            result = survey_results(skm, unit=unit, period=parse_period(month))
            assert result["responses"] >= 30
            out.append(result["ikm"]["ikm_converted"])
        return out

    slipping = trend(demo_data.SLIPPING_UNIT)
    assert all(b < a for a, b in itertools.pairwise(slipping)), slipping
    assert slipping[0] - slipping[-1] > 10
    steady = trend("UPT Puskesmas Mekarsari")
    assert max(steady) - min(steady) < 4, steady


def test_demo_employee_survey_is_lowest_in_the_slipping_puskesmas(demo, db):
    """Issue 12, point 6: the Dinas's employee survey (a wave in the last two weeks of each
    quarter) has a few hundred anonymous responses; read through the release (the path of
    ``results/units`` and ``results?unit=``), the slipping Puskesmas has the lowest overall gap
    of the Puskesmas, only its own counters go lower, its eNPS is the lowest and below 0, and
    small units are below k."""
    from prima.insights.release import employee_results, release_of, unit_rows
    from prima.surveys.anonymity import local_day_start

    survey = _survey("internal")
    rows = list(Response.objects.filter(survey=survey))
    assert 250 <= len(rows) <= 500  # a few hundred
    for r in rows:  # stored as response_submit stores an employee response: unit and day only
        assert r.submitted_at == local_day_start(r.submitted_at)
        assert (r.service_id, r.staff_id, r.device_id, r.duration_ms) == (None, None, None, None)
        assert (r.contact, r.profile, r.flag_detail) == ({}, {}, "")
    assert len({r.submission_id for r in rows}) == len(rows)
    days = {local_day_start(r.submitted_at).date() for r in rows}
    assert min(days) >= date(2026, 6, 17)
    assert max(days) <= date(2026, 9, 16)
    assert sum(bool(r.suggestion) for r in rows) >= 20

    dinas = survey.organization
    units = list(Unit.objects.filter(organization=dinas).select_related("parent"))
    tanjung = next(u for u in units if u.name == demo_data.SLIPPING_UNIT)
    upts = [u for u in units if u.parent is not None and u.parent.parent_id is None]
    gaps = {}
    for label in ("2026-Q2", "2026-Q3"):
        period = parse_period(label)
        release = release_of(survey, period)
        assert release.k == 5
        assert 120 <= release.tree.n <= 200
        table = {r["unit"]: r for r in unit_rows(survey, period=period, visible=units)}
        below = [pk for pk, r in table.items() if r["suppressed"] and r["n"] == "<5"]
        assert 2 <= len(below) <= 4, label  # a few small units under the threshold
        shown = {pk: r for pk, r in table.items() if not r["suppressed"]}
        assert len(shown) >= 10, label  # most units are shown
        gap = {pk: r["gap"]["gap"] for pk, r in shown.items()}
        enps = {pk: r["enps"]["nps"] for pk, r in shown.items()}
        lowest = gap[tanjung.pk]
        assert lowest == min(gap[u.pk] for u in upts), label
        for u in units:  # below it: only its own counters
            if u.pk in gap and gap[u.pk] <= lowest:
                assert u.path.startswith(tanjung.path), (label, u.name)
        assert enps[tanjung.pk] == min(enps[u.pk] for u in upts)
        assert enps[tanjung.pk] < 0
        # results?unit= of the same group: the same numbers from the same release
        result = employee_results(
            survey, unit=tanjung, service=None, period=period, visible=units, whole=True
        )
        assert result["suppressed"] is False
        assert result["n"] == shown[tanjung.pk]["n"]
        assert result["gap"]["overall"]["gap"] == pytest.approx(lowest)
        assert result["gap"]["overall"]["verdict"] == "tidak memuaskan"
        hidden = next(u for u in units if u.pk in below)
        small = employee_results(
            survey, unit=hidden, service=None, period=period, visible=units, whole=True
        )
        assert small["suppressed"] is True
        assert small["n"] == "<5"
        assert small["gap"] is None
        gaps[label] = lowest
    assert gaps["2026-Q3"] < gaps["2026-Q2"] < -0.5  # and it slips from wave to wave


def test_demo_scorecard_names_the_employees_of_the_slipping_puskesmas(demo, db):
    """The triple-win scorecard API of the slipping Puskesmas in the demo's last quarter: the
    employee side is losing (gap below 0 beyond chance, lower than the quarter before, eNPS
    below 0); a small unit of it shows its band and nothing else."""
    admin = get_user_model().objects.get(username=demo_data.ADMIN)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {org.token_create(user=admin)}")
    tanjung = Unit.objects.get(name=demo_data.SLIPPING_UNIT)
    url = "/api/v1/scorecards/triple-win"
    r = client.get(url, {"unit": tanjung.pk, "period": "2026-Q3"})
    assert r.status_code == 200, r.content
    card = r.json()
    employee = card["employee"]
    assert employee["survey"] == _survey("internal").code
    assert employee["suppressed"] is False
    assert employee["n"] >= 25
    gap = employee["gap"]
    assert gap["value"] < 0
    assert gap["ci_high"] < 0
    assert gap["below_standard"]
    assert gap["change"] < 0
    assert gap["previous"] > gap["value"]
    assert employee["enps"]["value"] < 0
    assert employee["status"] == "losing"
    assert "employee" in card["verdict"]["losing"]
    assert {"measure": "gap", "reason": "below_standard"} in employee["reasons"]
    gigi = Unit.objects.get(name="Poli Gigi", parent=tanjung)  # 3 employees
    r = client.get(url, {"unit": gigi.pk, "period": "2026-Q3"})
    assert r.status_code == 200, r.content
    hidden = r.json()["employee"]
    assert (hidden["suppressed"], hidden["n"], hidden["gap"], hidden["enps"]) == (
        True,
        "<5",
        None,
        None,
    )


def test_demo_cases_show_the_loop(demo, db):
    """Complaints and follow-ups over the demo's months (issue 11, Demo): every channel, late and
    escalated ones, rated ones, rejected with a reason, reopened, follow-ups of low scores with
    a contact; owners who may handle them; due dates on working days of the calendar with the
    real holidays and the Dinas's anniversary closed."""
    from prima.cases.models import Case, CaseEvent, CaseNotice, CaseRating
    from prima.cases.services import case_settings
    from prima.followups.rules import Thresholds, triggers
    from prima.organizations.calendar import calendar_for, due_date
    from prima.organizations.models import CalendarDay

    dinas = Organization.objects.get(slug=demo_data.DINAS_SLUG)
    bank = Organization.objects.get(slug=demo_data.BANK_SLUG)
    assert demo.cases == Case.objects.count()
    cases = list(Case.objects.filter(organization=dinas).select_related("unit", "owner"))
    assert 150 <= len(cases) <= 400  # a few hundred
    assert {c.channel for c in cases} == {
        "web",
        "surat",
        "telepon",
        "tatap_muka",
        "email",
        "media_sosial",
        "survei",
    }
    upts = Unit.objects.filter(organization=dinas, parent__parent=None, parent__isnull=False)
    for upt in upts:
        assert sum(c.unit.path.startswith(upt.path) for c in cases) >= 20, upt.name
    assert all(c.received_at.date() < TODAY for c in cases)
    assert all(c.received_at.date() >= date(2026, 4, 1) for c in cases)
    assert sum(c.language == "en" for c in cases) >= 2  # a few complaints in English
    assert sum(c.anonymous for c in cases) >= 5
    # statuses: mostly resolved, some open, some rejected with their reason, some reopened
    statuses = {s: sum(c.status == s for c in cases) for s in ("selesai", "ditolak", "diproses")}
    assert statuses["selesai"] > len(cases) / 2
    assert statuses["ditolak"] >= 3
    assert statuses["diproses"] >= 3
    for case in (c for c in cases if c.status == "ditolak"):
        reason = CaseEvent.objects.get(case=case, kind="status", status_to="ditolak").note
        assert len(reason) > 20
    assert sum(c.reopened_at is not None for c in cases) >= 3
    # late: resolved after the due date, or open past it; escalated ones have their notices
    assert sum(c.resolved_on_time is False for c in cases) >= 10
    assert sum(c.resolved_on_time is True for c in cases) > 50
    open_late = [c for c in cases if c.status in ("baru", "diverifikasi", "diproses")]
    assert sum(c.resolution_due < TODAY for c in open_late) >= 3
    notices = CaseNotice.objects.filter(case__organization=dinas)
    assert notices.filter(kind="breach_resolution").count() >= 3
    assert notices.filter(kind="escalated", level=1).count() >= 2
    assert notices.filter(kind="escalated", level=2).exists()
    assert CaseEvent.objects.filter(case__organization=dinas, kind="notice").count() == (
        notices.count()
    )
    # ratings 1-5, many with a comment, only of resolved cases
    ratings = list(CaseRating.objects.filter(case__organization=dinas).select_related("case"))
    assert len(ratings) >= 30
    assert {r.score for r in ratings} == {1, 2, 3, 4, 5}
    assert sum(bool(r.comment) for r in ratings) >= 10
    assert all(r.case.status == "selesai" for r in ratings)
    # owners: the admin everywhere, the Sukamaju manager only for Sukamaju; no viewer
    owners = {c.owner.username for c in cases if c.owner is not None}
    assert owners == {demo_data.ADMIN, demo_data.MANAGER}
    for case in cases:
        if case.owner is not None and case.owner.username == demo_data.MANAGER:
            assert case.unit.path.startswith(Unit.objects.get(name="UPT Puskesmas Sukamaju").path)
    # follow-ups: opened from a response with a contact whose answers call for one
    follow_ups = list(Case.objects.filter(channel="survei").select_related("response"))
    assert len(follow_ups) >= 20
    assert {c.organization_id for c in follow_ups} == {dinas.pk, bank.pk}
    for case in follow_ups:
        response = case.response
        assert response is not None
        assert response.contact.get("name")
        assert case.contact_name == response.contact["name"]
        assert case.unit_id == response.unit_id
        assert triggers(response.instrument_version.parsed, response.answers, Thresholds())
    assert sum(c.category_id is not None for c in follow_ups) > len(follow_ups) / 2
    assert Response.objects.exclude(contact={}).count() > len(follow_ups)  # not every one
    # the calendar: the anniversary closed, the real holidays of 2026, due dates on working days
    closed = CalendarDay.objects.get(organization=dinas)
    assert (closed.working, closed.date.year, closed.date.month) == (False, 2026, 3)
    assert "Hari jadi" in closed.name
    calendar = calendar_for(dinas)
    assert not calendar.is_working(closed.date)
    assert not calendar.is_working(date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert not calendar.is_working(date(2026, 12, 25))
    deadlines = case_settings(dinas)
    for case in Case.objects.all().select_related("organization"):
        calendar = calendar_for(case.organization)
        assert calendar.is_working(case.first_response_due), case
        assert calendar.is_working(case.resolution_due), case
        assert case.first_response_due == due_date(
            case.organization, case.received_at, deadlines.first_response_days
        )
        if case.reopened_at is None:
            assert case.resolution_due == due_date(
                case.organization, case.received_at, deadlines.resolution_days(case.tier)
            )


# -- the audits and the shop (issue 13, point 6) ------------------------------------------------
ANSWER_CODES = {"yes": 11.0, "no": 10.0, "na": float("nan"), "1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0}


def _pairs(slug: str) -> dict[str, list]:
    from prima.audits.models import Audit

    pairs: dict[str, list] = {}
    for audit in (
        Audit.objects.filter(organization__slug=slug)
        .exclude(encounter="")
        .prefetch_related("answers")
        .select_related("auditor", "staff_member", "unit")
    ):
        pairs.setdefault(audit.encounter, []).append(audit)
    return pairs


def _pair_kappa(pairs: dict[str, list]) -> float:
    """Cohen's kappa (unweighted) of the two auditors over every line of every pair: one
    subject per line of an encounter, each answer a category (not applicable: not rated)."""
    import numpy as np

    from prima.metrics.agreement import cohen_kappa

    first, second = [], []
    for audits in pairs.values():
        a, b = ({x.line_id: x.answer for x in audit.answers.all()} for audit in audits)
        assert set(a) == set(b)
        for line in sorted(a):
            first.append(ANSWER_CODES[a[line]])
            second.append(ANSWER_CODES[b[line]])
    result = cohen_kappa(np.array(first), np.array(second))
    assert result.n >= 40
    return result.kappa


def test_demo_shop_rates_four_assistants_at_the_till(demo, db):
    from prima.collection.models import KioskDevice
    from prima.staffcards.selectors import ranking

    shop = Organization.objects.get(slug=demo_data.SHOP_SLUG)
    assert (shop.name, shop.kind) == ("Toko Sinar Jaya", OrganizationKind.COMMERCIAL)
    assert shop in demo.organizations
    root = Unit.objects.get(organization=shop)  # one unit: the shop
    assistants = list(StaffMember.objects.filter(organization=shop, unit=root).order_by("name"))
    assert len(assistants) == 4
    device = KioskDevice.objects.get(organization=shop)
    assert device.unit == root
    assert device.ask_staff
    rows = list(Response.objects.filter(organization=shop))
    assert rows
    assert all(
        r.channel == "kiosk" and r.device_id == device.pk and r.staff_id is not None for r in rows
    )
    assert all(date(2026, 4, 1) <= r.submitted_at.date() < TODAY for r in rows)
    per = {s.name: sum(r.staff_id == s.pk for r in rows) for s in assistants}
    assert min(per.values()) > 0, per
    # the scorecards' ranking for the quarter: three assistants over 30 ratings, the part-timer
    # under it and listed apart; the weaker Dimas ranked last
    board = ranking(root, parse_period("2026-Q3"))
    assert [r.staff.name for r in board.ranked][-1] == "Dimas Saputra"
    assert len(board.ranked) == 3
    assert all(r.n >= 30 for r in board.ranked)
    assert [(r.staff.name, r.n < 30) for r in board.too_few] == [("Rizky Ramadhan", True)]
    # the owner's page shows the same
    client = Client()
    client.force_login(get_user_model().objects.get(username=demo_data.SHOP_OWNER))
    page = client.get("/app/kartu-staf/", {"period": "2026-Q3"})
    assert page.status_code == 200
    html = page.content.decode()
    ranked_html, few_html = html.split('id="too-few-table"')
    ranked_html = ranked_html.split('id="ranking-table"')[1]
    assert all(name in ranked_html for name in ("Siti", "Lina", "Dimas"))
    assert "Rizky" not in ranked_html
    assert "Rizky Ramadhan" in few_html
    assert "Puskesmas" not in html
    assert "Bank" not in html


def test_demo_shop_audits_plans_calibration_and_actions(demo, db):
    from prima.audits.models import (
        ActionStatus,
        Audit,
        AuditAssignment,
        AuditKind,
        AuditPlan,
        CorrectiveAction,
    )

    shop = Organization.objects.get(slug=demo_data.SHOP_SLUG)
    owner = get_user_model().objects.get(username=demo_data.SHOP_OWNER)
    shopper = get_user_model().objects.get(username=demo_data.SHOP_SHOPPER)
    plans = AuditPlan.objects.filter(organization=shop)
    assert sorted(p.period for p in plans) == [f"2026-{m:02d}" for m in range(4, 10)]
    for plan in plans:
        got = {(a.auditor.username, a.kind, a.count) for a in plan.assignments.all()}
        assert got == {
            (demo_data.SHOP_OWNER, AuditKind.SUPERVISOR, 4),
            (demo_data.SHOP_SHOPPER, AuditKind.MYSTERY, 3),
        }
    audits = Audit.objects.filter(organization=shop)
    mystery = audits.filter(kind=AuditKind.MYSTERY, auditor=shopper)
    assert mystery.count() >= 15
    assert all(a.assignment.auditor == shopper for a in mystery)
    # about a third of the mystery shopper's audits are paired with the owner's on the encounter
    pairs = _pairs(demo_data.SHOP_SLUG)
    assert 0.25 <= len(pairs) / mystery.count() <= 0.4
    for audits_of in pairs.values():
        assert sorted((a.kind, a.auditor.username) for a in audits_of) == [
            (AuditKind.MYSTERY, demo_data.SHOP_SHOPPER),
            (AuditKind.SUPERVISOR, demo_data.SHOP_OWNER),
        ]
        assert len({(a.staff_member_id, a.observed_at) for a in audits_of}) == 1
    assert 0.5 <= _pair_kappa(pairs) <= 0.8  # mostly agreeing, not perfectly
    # the weaker assistant: the lowest mean audit score
    means = {}
    for name in ("Siti Rahmawati", "Dimas Saputra", "Lina Marlina"):
        scores = [float(a.score) for a in audits.filter(staff_member__name=name)]
        means[name] = sum(scores) / len(scores)
    assert min(means, key=means.get) == "Dimas Saputra", means
    # corrective actions of failed audits: verified with a re-audit, one overdue
    actions = list(CorrectiveAction.objects.filter(organization=shop).select_related("audit"))
    assert len(actions) >= 5
    assert all(a.owner == owner and a.audit.passed is False for a in actions)
    verified = [a for a in actions if a.status == ActionStatus.VERIFIED]
    assert len(verified) >= 3
    assert all(a.reaudit.observed_at > a.audit.observed_at for a in verified)
    overdue = [a for a in actions if a.status == ActionStatus.OPEN and a.due_date < TODAY]
    assert len(overdue) == 1
    assert AuditAssignment.objects.filter(organization=shop).count() == 2 * plans.count()


def test_demo_puskesmas_audits_tanjung_lowest(demo, db):
    from prima.audits.models import ActionStatus, Audit, AuditVerdict, CorrectiveAction

    dinas = Organization.objects.get(slug=demo_data.DINAS_SLUG)
    audits = list(Audit.objects.filter(organization=dinas).select_related("unit__parent"))
    assert len(audits) >= 50
    by_upt: dict[str, list[float]] = {}
    for audit in audits:
        assert audit.unit.parent is not None  # a counter of a Puskesmas
        by_upt.setdefault(audit.unit.parent.name, []).append(float(audit.score))
    assert len(by_upt) == 3
    means = {name: sum(v) / len(v) for name, v in by_upt.items()}
    assert min(means, key=means.get) == demo_data.SLIPPING_UNIT, means
    critical = [a for a in audits if a.verdict == AuditVerdict.FAILED_CRITICAL]
    assert 3 <= len(critical) <= len(audits) / 4
    actions = CorrectiveAction.objects.filter(organization=dinas)
    assert {a.audit_id for a in actions} >= {a.pk for a in critical}
    assert actions.filter(status=ActionStatus.VERIFIED, reaudit__isnull=False).exists()
    # a few calibration pairs (the Sukamaju manager and the admin on the same encounter)
    pairs = _pairs(demo_data.DINAS_SLUG)
    assert 2 <= len(pairs) <= 5
    for audits_of in pairs.values():
        assert sorted(a.auditor.username for a in audits_of) == [
            demo_data.ADMIN,
            demo_data.MANAGER,
        ]
    assert 0.3 <= _pair_kappa(pairs) <= 0.9


def test_demo_mystery_shopper_sees_only_its_assignments(demo, db):
    from prima.audits.models import Audit, AuditAssignment

    client = Client()
    signed_in = client.post(
        "/accounts/login/", {"username": demo_data.SHOP_SHOPPER, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get("/app/").url == "/app/audit/tugas/"  # sent to its assignments
    shopper = get_user_model().objects.get(username=demo_data.SHOP_SHOPPER)
    own = AuditAssignment.objects.filter(auditor=shopper)
    assert own.count() == 6
    page = client.get("/app/audit/tugas/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Toko Sinar Jaya" in html
    assert "Puskesmas" not in html
    assert client.get(f"/app/audit/tugas/{own.first().pk}/").status_code == 200
    other = AuditAssignment.objects.exclude(auditor=shopper).first()
    assert client.get(f"/app/audit/tugas/{other.pk}/").status_code == 404
    # no result, not even of its own audits
    audit = Audit.objects.filter(auditor=shopper).first()
    for url in (f"/app/audit/{audit.pk}/", "/app/kartu-staf/", "/app/audit/tindakan/"):
        assert client.get(url).status_code == 403, url


def test_demo_load_is_idempotent(demo, db):
    before = (Organization.objects.count(), Unit.objects.count(), Response.objects.count())
    again = demo_data.demo_load(password="another-password-2", today=date(2026, 9, 20))
    assert not again.created
    assert again.responses == demo.responses
    assert [s.code for s in again.surveys] == [s.code for s in demo.surveys]
    assert (Organization.objects.count(), Unit.objects.count(), Response.objects.count()) == before
    assert _password_ok("admin", PASSWORD)  # password unchanged


def test_demo_command_prints_login_and_survey_lines(demo, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    password = (tmp_path / "demo-password").read_text("utf-8").strip()
    assert stat.S_IMODE((tmp_path / "demo-password").stat().st_mode) == 0o600
    assert "Login: http://127.0.0.1:8123/accounts/login/" in text
    assert "Username: admin" in text
    assert f"Password: {password}" in text
    lines = [m for m in map(SURVEY_LINE.match, text.splitlines()) if m]
    assert [m[1] for m in lines] == [s.code for s in demo.surveys]
    assert all(m[3] == "8123" and m[4] == m[1] for m in lines)
    assert [m[5] for m in lines] == [s.title for s in demo.surveys]  # which survey is which
    # one complaint form per organization
    assert [line for line in text.splitlines() if line.startswith("Complaints:")] == [
        "Complaints: http://127.0.0.1:8123/pengaduan/dinkes-kota-harapan/"
        " Dinas Kesehatan Kota Harapan",
        "Complaints: http://127.0.0.1:8123/pengaduan/bank-sejahtera/ Bank Sejahtera",
        "Complaints: http://127.0.0.1:8123/pengaduan/toko-sinar-jaya/ Toko Sinar Jaya",
    ]
    # the shop's owner and mystery shopper are printed with the other accounts
    assert re.search(r"^  \(.*pemilik\.toko.*pembeli\.misterius.*\)$", text, re.M), text
    # a new password file (a fresh data folder) gives the demo users that password
    assert _password_ok("admin", password)
    assert _password_ok("manajer.sukamaju", password)
    assert _password_ok("pembeli.misterius", password)


def test_demo_subprocess_prints_survey_lines_and_is_idempotent(tmp_path):
    data = tmp_path / "data"
    env = _subprocess_env(data)
    started = time.monotonic()
    first = subprocess.run(
        [str(PRIMA), "demo", "--no-serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    lines = [SURVEY_LINE.match(line) for line in first.stdout.splitlines()]
    surveys = [m for m in lines if m]
    # SKM, A6 and the employees' of the Dinas; the bank's; the shop's kiosk survey
    assert len(surveys) == 5, first.stdout
    assert all(m[3] == "8000" for m in surveys)
    assert elapsed < 60
    password = (data / "demo-password").read_text("utf-8").strip()
    assert f"Password: {password}" in first.stdout
    assert stat.S_IMODE((data / "demo-password").stat().st_mode) == 0o600

    def counts() -> tuple[int, ...]:
        with sqlite3.connect(data / "prima.sqlite3") as db:
            return tuple(
                db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in (
                    "organizations_organization",
                    "organizations_unit",
                    "organizations_staffmember",
                    "surveys_survey",
                    "surveys_response",
                    "auth_user",
                )
            )

    before = counts()
    assert 2000 <= before[4] <= 5000
    with sqlite3.connect(data / "prima.sqlite3") as db:
        cases = db.execute("select count(*) from cases_case").fetchone()[0]
        queued = db.execute("select count(*) from django_tasks_database_dbtaskresult").fetchone()
    assert 150 <= cases <= 400
    assert queued[0] == 0  # the demo's cases are history: no e-mail or webhook queued for them
    complaints = [line for line in first.stdout.splitlines() if line.startswith("Complaints:")]
    assert len(complaints) == 3
    second = subprocess.run(
        [str(PRIMA), "demo", "--no-serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert [line for line in second.stdout.splitlines() if line.startswith("Survey:")] == [
        m[0] for m in surveys
    ]
    assert counts() == before
    assert f"Password: {password}" in second.stdout

    # the export of the same data folder, to stdout, and an unknown code
    code = surveys[0][1]
    exported = subprocess.run(
        [str(PRIMA), "export", "responses", "--survey", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    header = exported.stdout.splitlines()[0].split(",")
    assert header[:7] == [
        "id",
        "submission_id",
        "submitted_at",
        "unit",
        "service",
        "staff",
        "channel",
    ]
    assert len(exported.stdout.splitlines()) > 1000
    missing = subprocess.run(
        [str(PRIMA), "export", "responses", "--survey", "tidak-ada"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode != 0
    assert "tidak-ada" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.slow
def test_demo_serves_in_demo_mode(tmp_path):
    """The server that ``prima demo`` starts shows the demo login; Ctrl-C stops it."""
    data = tmp_path / "data"
    port = _free_port()
    proc = subprocess.Popen(
        [str(PRIMA), "demo", "--port", str(port)],
        env=_subprocess_env(data),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/accounts/login/", proc, 90)
        password = (data / "demo-password").read_text("utf-8").strip()
        assert password in page
        assert "admin" in page
        css = _wait_for(f"http://127.0.0.1:{port}/static/prima/ui/components.css", proc)
        assert css
    finally:
        code = _stop(proc, signal.SIGINT)
    output = proc.stdout.read()
    assert re.search(rf"^Survey: \S+ http://127\.0\.0\.1:{port}/s/\S+/ \S", output, re.M), output
    assert code in (0, 1, -signal.SIGINT)  # Django's server exits on Ctrl-C


# -- export round trip ------------------------------------------------------------------------
def test_export_csv_round_trip_ikm(demo, db, tmp_path, capsys):
    survey = _survey("skm2017")
    path = tmp_path / "skm.csv"
    call_command(
        "export", "responses", "--survey", survey.code, "--output", str(path), stdout=io.StringIO()
    )
    expected = survey_results(survey)
    assert _analyze(capsys, "ikm", str(path)) == expected["ikm"]
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == export_columns(survey)
    assert len(rows) - 1 == expected["responses"] == survey.responses.count()
    assert rows[0][:7] == [
        "id",
        "submission_id",
        "submitted_at",
        "unit",
        "service",
        "staff",
        "channel",
    ]
    assert [f"U{i}" for i in range(1, 10)] == [h for h in rows[0] if re.fullmatch(r"U\d+", h)]
    assert {"profile.age", "profile.sex", "profile.education", "profile.occupation"} <= set(rows[0])


def test_export_round_trip_gap_csv_and_xlsx(demo, db, tmp_path, capsys):
    survey = _survey("a6")
    expected = survey_results(survey)
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"a6.{fmt}"
        call_command(
            "export",
            "responses",
            survey=survey.code,
            format=fmt,
            output=str(path),
            stdout=io.StringIO(),
        )
        assert _analyze(capsys, "gap", str(path), "--instrument", "a6") == expected["gap"], fmt
        assert _analyze(capsys, "ipa", str(path), "--instrument", "a6") == expected["ipa"], fmt
    header = [
        c.value for c in next(openpyxl.load_workbook(tmp_path / "a6.xlsx").active.iter_rows())
    ]
    assert "ABL1.harapan" in header
    assert "ACC4.kinerja" in header


def test_export_round_trip_per_unit_and_quick(demo, db, tmp_path, capsys):
    skm = _survey("skm2017")
    unit = Unit.objects.get(name=demo_data.SLIPPING_UNIT)
    path = tmp_path / "tanjung.xlsx"
    scoped = Response.objects.filter(unit__path__startswith=unit.path)
    export_to_path(skm, path, fmt="xlsx", responses=scoped)
    assert _analyze(capsys, "ikm", str(path)) == survey_results(skm, unit=unit)["ikm"]

    quick = _survey("quick")
    out = io.StringIO()
    call_command("export", "responses", survey=quick.code, stdout=out)  # CSV on stdout
    path = tmp_path / "quick.csv"
    path.write_text(out.getvalue(), "utf-8")
    assert out.getvalue().splitlines()[0].split(",")[10:13] == ["csat", "nps", "kembali"]
    assert _analyze(capsys, "nps", str(path)) == survey_results(quick)["nps"]


def test_export_unknown_survey_and_bad_arguments(db):
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("export", "responses", survey="tidak-ada")
    with pytest.raises(CommandError):
        call_command("export", "responses")  # --survey is required
    with pytest.raises(CommandError):
        call_command("export", "surveys", survey="x")


# -- formula injection ------------------------------------------------------------------------
@pytest.fixture
def hostile(db):
    """A small survey whose names and suggestions start like spreadsheet formulas."""
    organization = org.organization_create(name="=Org", slug="hostile", kind=OrganizationKind.OTHER)
    unit = org.unit_create(organization=organization, name='=HYPERLINK("http://x")')
    service = org.service_create(unit=unit, name="+Layanan 62")
    staff = org.staff_create(unit=unit, name="@petugas")
    survey = srv.survey_create(
        organization=organization,
        title="Uji",
        instrument=Instrument.objects.get(key="skm2017"),
        units=[unit],
    )
    texts = ["=1+2", "+62 812 3456", "-5 bintang", "@SUM(A1:A2)", "Baik sekali", ""]
    for i, text in enumerate(texts):
        srv.response_submit(
            survey=survey,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers={f"U{k}": 1 + (i + k) % 4 for k in range(1, 10)},
                service_id=service.pk,
                staff_id=staff.pk,
                suggestion=text,
                profile={"sex": "P", "age": 30},
            ),
        )
    Response.objects.filter(survey=survey, suggestion="Baik sekali").update(suggestion="\tTab")
    return survey


def test_formula_injection_is_neutralised_in_csv_and_xlsx(hostile, tmp_path, capsys):
    assert neutralise("\rx") == "'\rx"
    assert neutralise("x=1") == "x=1"
    assert neutralise(None) is None
    csv_path, xlsx_path = tmp_path / "h.csv", tmp_path / "h.xlsx"
    export_to_path(hostile, csv_path)
    export_to_path(hostile, xlsx_path, fmt="xlsx")
    with csv_path.open(encoding="utf-8", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    sheet = openpyxl.load_workbook(xlsx_path).worksheets[0]
    cells = list(sheet.iter_rows())
    header = [c.value for c in cells[0]]
    xlsx_rows = [dict(zip(header, row, strict=True)) for row in cells[1:]]
    expected_suggestions = ["'=1+2", "'+62 812 3456", "'-5 bintang", "'@SUM(A1:A2)", "'\tTab", ""]
    assert [r["suggestion"] for r in csv_rows] == expected_suggestions
    assert [(c["suggestion"].value or "") for c in xlsx_rows] == expected_suggestions
    for row in csv_rows:
        assert row["unit_name"] == '\'=HYPERLINK("http://x")'
        assert row["service_name"] == "'+Layanan 62"
        assert row["staff_name"] == "'@petugas"
        assert row["profile.sex"] == "P"
        assert row["profile.age"] == "30"
    for row in xlsx_rows:
        for key in ("unit_name", "service_name", "staff_name", "suggestion"):
            assert row[key].data_type in ("s", "n"), key  # text, never a formula ("f")
        assert row["unit_name"].value.startswith("'=")
        assert row["U1"].data_type == "n"
    # the answers are untouched: the analysis still gives the results' numbers
    assert _analyze(capsys, "ikm", str(csv_path)) == survey_results(hostile)["ikm"]
    assert _analyze(capsys, "ikm", str(xlsx_path)) == survey_results(hostile)["ikm"]


# -- tokens -----------------------------------------------------------------------------------
def test_token_create_last_word_authenticates(db):
    organization = org.organization_create(
        name="Dinas Uji", slug="uji", kind=OrganizationKind.GOVERNMENT
    )
    unit = org.unit_create(organization=organization, name="UPT Uji")
    survey = srv.survey_create(
        organization=organization,
        title="SKM",
        instrument=Instrument.objects.get(key="skm2017"),
        units=[unit],
    )
    user = org.user_create(username="budi", password="kata-sandi-panjang-9")
    org.membership_grant(user=user, organization=organization, role=Role.ADMIN)
    out = io.StringIO()
    call_command("token", "create", "--user", "budi", "--name", "kios", stdout=out)
    token = out.getvalue().split()[-1]
    assert token.startswith("prima_")
    r = Client().get("/api/v1/surveys", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    assert [s["code"] for s in r.json()] == [survey.code]
    assert (
        Client().get("/api/v1/surveys", HTTP_AUTHORIZATION="Bearer prima_salah").status_code == 401
    )
    assert user.api_tokens.get().name == "kios"
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("token", "create", user="tidak-ada")


# -- serve ------------------------------------------------------------------------------------
def test_serve_execs_gunicorn(monkeypatch, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    calls = []
    monkeypatch.setattr(server, "exec_server", lambda argv, env: calls.append((argv, env)))
    call_command("serve", "--port", "8181", "--workers", "3", "--host", "0.0.0.0")
    ((argv, env),) = calls
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "prima.config.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8181"
    assert argv[argv.index("--workers") + 1] == "3"
    assert env["DJANGO_SETTINGS_MODULE"] == "prima.config.settings"
    assert (tmp_path / "static" / "prima" / "app.css").exists()  # collected
    assert not server.static_needs_collect()
    call_command("serve")
    assert calls[1][0][calls[1][0].index("--bind") + 1] == "127.0.0.1:8000"
    assert calls[1][0][calls[1][0].index("--workers") + 1] == "2"
    assert server.bind_address("::1", 80) == "[::1]:80"
    with pytest.raises(CommandError):
        call_command("serve", "--workers", "0")


@pytest.mark.slow
def test_serve_runs_gunicorn_until_terminated(tmp_path):
    data = tmp_path / "data"
    port = _free_port()
    proc = subprocess.Popen(
        [str(PRIMA), "serve", "--port", str(port), "--workers", "1", "--migrate"],
        env=_subprocess_env(data),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/accounts/login/", proc, 90)
        assert "password" in page.lower()
        assert "Mode demo" not in page  # no demo login outside demo mode
        assert _wait_for(f"http://127.0.0.1:{port}/static/prima/app.css", proc)
    finally:
        code = _stop(proc, signal.SIGTERM)
    assert code == 0, proc.stdout.read()
    assert (data / "prima.sqlite3").exists()


def test_the_demo_starts_with_the_slipping_puskesmas_alerted(demo, db):
    """``prima demo`` runs the alert check on the demo it loads (the install's first check:
    the current and the last month only): the slipping Puskesmas has its alerts and the admin
    a notification; the organization's alert is not raised beside its only top unit's."""
    from prima.alerts.models import Alert, Notification

    created = demo_data.demo_alerts(today=TODAY)
    skm = _survey("skm2017")
    tanjung = Unit.objects.get(name=demo_data.SLIPPING_UNIT)
    raised = Alert.objects.filter(survey=skm, unit=tanjung, period="2026-08")
    assert {a.kind for a in raised} == {"threshold", "drop"}
    assert Notification.objects.filter(alert__unit=tanjung, user__username="admin").exists()
    title = Notification.objects.filter(alert__in=raised).first().title
    assert title.startswith("IKM UPT Puskesmas Tanjung di bawah batas: ") or "turun" in title
    alerts = Alert.objects.select_related("survey")
    assert {a.period for a in alerts if not a.survey.is_employee} <= {"2026-09", "2026-08"}
    # an employee survey is judged per quarter (docs/disclosure.md): August and September's
    # checks both read 2026-Q3
    assert {a.period for a in alerts if a.survey.is_employee} <= {"2026-Q3"}
    assert not Alert.objects.filter(unit=None, organization__slug=demo_data.DINAS_SLUG).exists()
    assert 0 < created < 25
