"""Acceptance (issue 5): the dashboard's IKM, NRR, gaps and NPS for a survey and period equal
``prima analyze`` on ``prima export`` of the same responses, on the demo data and again after
responses were flagged (the export's ``flag`` column keeps them out of ``prima analyze``).

The dashboard and the results endpoint read the same :func:`survey_results`; the test reads the
numbers through the HTTP stack (the results endpoint and the dashboard page).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from prima.insights.periods import parse_period, period_bounds
from prima.insights.results import responses_in_scope
from prima.organizations import services as org
from prima.organizations.choices import Role
from prima.organizations.models import Organization
from prima.surveys.models import Response
from prima.transfers.export import export_to_path
from tests.web.test_commands import _analyze, _survey, demo  # noqa: F401  (demo: fixture)

PERIOD = "2026-Q2"  # the demo (fixed at 2026-09-17) covers April to September


def _export_scope(survey, label):
    start, end = period_bounds(parse_period(label))
    return Response.objects.filter(survey=survey, submitted_at__gte=start, submitted_at__lt=end)


def _export(survey, path, label):
    export_to_path(survey, path, fmt="csv", responses=_export_scope(survey, label))
    return path


def _api(survey, user) -> Client:
    token = org.token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def admin_of(demo, db):  # noqa: F811
    from django.contrib.auth import get_user_model

    def make(survey):
        user = get_user_model().objects.create_user(f"cek-{survey.code}", password="x-9-y-8-z")
        org.membership_grant(
            user=user,
            organization=Organization.objects.get(pk=survey.organization_id),
            role=Role.ADMIN,
        )
        return user

    return make


def _compare(capsys, tmp_path, survey, user, methods, label=PERIOD):
    response = _api(survey, user).get(f"/api/v1/surveys/{survey.code}/results?period={label}")
    assert response.status_code == 200
    results = response.json()
    path = _export(survey, tmp_path / f"{survey.code}-{label}.csv", label)
    left_out = _export_scope(survey, label).filter(flag__gt="", flag_included=False).count()
    for method, extra in methods:
        cli = _analyze(capsys, method, str(path), *extra)
        # the command line adds one note when it leaves rows out by their flag column
        flag_notes = [n for n in cli["notes"] if "flagged as suspect" in n]
        assert flag_notes == (
            [
                f"{left_out} rows flagged as suspect (column flag) left out; --include-flagged counts them"
            ]
            if left_out
            else []
        )
        cli["notes"] = [n for n in cli["notes"] if n not in flag_notes]
        assert cli == results[method], method
    return results


@pytest.mark.django_db
def test_dashboard_numbers_equal_analyze_on_export(demo, admin_of, tmp_path, capsys):  # noqa: F811
    skm = _survey("skm2017")
    user = admin_of(skm)
    results = _compare(capsys, tmp_path, skm, user, [("ikm", [])])
    assert results["responses"] > 30
    client = Client()
    client.force_login(type(user).objects.get(username=f"cek-{skm.code}"))
    page = client.get(f"/app/surveys/{skm.code}/?period={PERIOD}")
    assert page.status_code == 200
    converted = f"{results['ikm']['ikm_converted']:.2f}".replace(".", ",")
    assert converted in page.content.decode()
    a6 = _survey("a6")
    _compare(
        capsys,
        tmp_path,
        a6,
        admin_of(a6),
        [("gap", ["--instrument", "a6"]), ("ipa", ["--instrument", "a6"])],
    )
    quick = _survey("quick")
    _compare(capsys, tmp_path, quick, admin_of(quick), [("nps", [])], label="2026")


@pytest.mark.django_db
def test_dashboard_numbers_equal_analyze_after_flagging(demo, admin_of, tmp_path, capsys):  # noqa: F811
    skm = _survey("skm2017")
    user = admin_of(skm)
    before = _compare(capsys, tmp_path, skm, user, [("ikm", [])])
    period = parse_period(PERIOD)
    in_period = list(
        responses_in_scope(skm, period=period).order_by("pk").values_list("pk", flat=True)
    )
    flagged = in_period[::4]
    Response.objects.filter(pk__in=flagged).update(flag="too_fast", flag_detail="3 s")
    after = _compare(capsys, tmp_path, skm, user, [("ikm", [])])
    assert after["responses"] == before["responses"] - len(flagged)
    assert after["ikm"] != before["ikm"]
    # an admin includes some of them again after review
    from prima.surveys import services as srv

    srv.response_include_flagged(
        responses=Response.objects.filter(pk__in=flagged[:3]), include=True
    )
    again = _compare(capsys, tmp_path, skm, user, [("ikm", [])])
    assert again["responses"] == after["responses"] + 3
    call_command("rollups", "check", "--survey", skm.code, stdout=io.StringIO())
