"""Per-period rollups (issue 5, item 7): kept exact through inserts, flags, reviews and imports.

The property: after any sequence of submissions, flags, reviews (include / exclude), imports,
folds and reads, ``prima rollups check`` finds no difference from a recomputation of the raw
responses, and every number of :func:`survey_results` equals the analysis of the raw counted
responses (the path that ``prima analyze`` takes on an export).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prima import analysis
from prima.insights import rollups
from prima.insights.models import Rollup
from prima.insights.periods import Period, parse_period
from prima.insights.results import responses_in_scope, survey_results, survey_results_by
from prima.surveys import services as srv
from prima.surveys.models import Instrument, Response, Survey
from prima.tabular import Table
from prima.transfers.importing import import_commit, import_read
from tests.web.test_import import write_rows

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 20, 10, 0)


def raw_results(survey: Survey, **scope) -> dict:
    """The old path: every counted response read and analysed as a table (``prima analyze``)."""
    keys = [q.key for q in survey.instrument_version.questions]
    qs = responses_in_scope(survey, **scope).order_by("pk")
    rows = [[a.get(k) for k in keys] for a in qs.values_list("answers", flat=True)]
    table = Table("raw", keys, len(rows), _rows=rows, _row_numbers=list(range(2, len(rows) + 2)))
    inst = survey.instrument_version.parsed
    out = {"responses": len(rows)}
    for method in ("ikm", "gap", "ipa", "csi", "nps"):
        if method in survey_results_methods(survey):
            report = getattr(analysis, f"report_{method}")
            out[method] = analysis.jsonable(
                report(table) if method == "nps" else report(table, instrument=inst)
            )
    return out


def survey_results_methods(survey: Survey) -> list[str]:
    from prima.summaries import supported_methods

    return supported_methods(survey.instrument_version.parsed)


def assert_agrees(survey: Survey, **scope) -> None:
    got = survey_results(survey, **scope)
    want = raw_results(survey, **scope)
    assert got["responses"] == want["responses"]
    for method, value in want.items():
        if method != "responses":
            assert got[method] == value, method


def answers_for(survey: Survey, rnd: random.Random) -> dict:
    out = {}
    for q in survey.instrument_version.questions:
        if q.required or rnd.random() < 0.85:
            out[q.key] = rnd.randint(q.min, q.max)
    return out


def new_survey(world, key: str) -> Survey:
    return srv.survey_create(
        organization=world.alpha,
        title=f"Rollup {key} {uuid.uuid4().hex[:6]}",
        instrument=Instrument.objects.get(key=key),
        units=[world.upt1, world.upt2],
    )


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["submit", "submit", "submit", "flag", "include", "exclude", "import", "delete"]
        ),
        st.integers(min_value=0, max_value=10_000),
        st.booleans(),  # fold (or read) right after the operation
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS, key=st.sampled_from(["skm2017", "a6", "quick"]))
def test_rollups_stay_exact_through_inserts_flags_reviews_and_imports(world, tmp_path, ops, key):
    survey = new_survey(world, key)
    if key == "quick":
        survey.units.add(world.loket1)
    units = [world.upt1, world.upt2, world.loket1]
    for op, seed, fold_now in ops:
        rnd = random.Random(seed)
        stored = list(Response.objects.filter(survey=survey).values_list("pk", flat=True))
        if op == "submit":
            unit = rnd.choice(units)
            response = srv.response_submit(
                survey=survey,
                submission=srv.Submission(
                    submission_id=uuid.uuid4(),
                    answers=answers_for(survey, rnd),
                    unit_id=unit.pk,
                    service_id=world.service1.pk
                    if unit == world.upt1 and rnd.random() < 0.5
                    else None,
                    staff_id=world.staff1.pk
                    if unit == world.loket1 and rnd.random() < 0.5
                    else None,
                    submitted_at=timezone.make_aware(START + timedelta(days=rnd.randint(0, 80))),
                ),
            )[0]
            if rnd.random() < 0.3:  # an abuse control flagged it on arrival
                Response.objects.filter(pk=response.pk).update(flag="too_fast", flag_detail="t")
        elif op == "flag" and stored:
            Response.objects.filter(pk=rnd.choice(stored)).update(flag="rate_ip")
        elif op in ("include", "exclude") and stored:
            chosen = rnd.sample(stored, min(len(stored), rnd.randint(1, 3)))
            srv.response_include_flagged(
                responses=Response.objects.filter(pk__in=chosen), include=op == "include"
            )
        elif op == "delete" and stored:
            chosen = rnd.sample(stored, min(len(stored), rnd.randint(1, 2)))
            srv.responses_delete(responses=Response.objects.filter(pk__in=chosen))
        elif op == "import":
            rows = []
            for _i in range(rnd.randint(1, 8)):
                rows.append(
                    {
                        "submission_id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                        "submitted_at": f"2026-0{rnd.randint(1, 4)}-{rnd.randint(1, 28):02d}",
                        "unit": rnd.choice(units).pk,
                        **answers_for(survey, rnd),
                    }
                )
            path = write_rows(tmp_path / f"import-{seed}-{len(stored)}.csv", rows)
            report = import_read(survey, path)
            assert report.ok, report.messages
            import_commit(report)
        if fold_now:
            if rnd.random() < 0.5:
                rollups.fold(survey)
            else:  # a read folds what is pending
                survey_results(survey, period=parse_period("2026"))
    assert rollups.check(survey) == []
    assert_agrees(survey)
    assert_agrees(survey, period=parse_period("2026-Q1"))
    assert_agrees(survey, unit=world.upt1)
    assert_agrees(survey, service=world.service1, period=parse_period("2026"))
    assert_agrees(survey, staff=world.staff1)
    assert_agrees(
        survey, period=Period("custom", date(2026, 2, 7), date(2026, 3, 19)), unit=world.upt2
    )


def test_check_command_reports_a_tampered_rollup_and_rebuild_repairs_it(world):
    for i in range(6):
        srv.response_submit(
            survey=world.skm,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers={f"U{j}": 1 + (i + j) % 4 for j in range(1, 10)},
                unit_id=world.upt2.pk,
            ),
        )
    out = StringIO()
    call_command("rollups", "check", "--survey", world.skm.code, stdout=out)
    assert "agree" in out.getvalue()
    row = Rollup.objects.filter(survey=world.skm).order_by("pk").first()
    row.data = [row.data[0] + 1, *row.data[1:]]
    row.save()
    out = StringIO()
    with pytest.raises(CommandError, match="1 rollup buckets differ") as raised:
        call_command("rollups", "check", "--survey", world.skm.code, stdout=out)
    assert raised.value.returncode == 1
    assert row.bucket in out.getvalue()
    out = StringIO()
    call_command("rollups", "rebuild", "--survey", world.skm.code, stdout=out)
    assert "rebuilt" in out.getvalue()
    assert rollups.check(world.skm) == []
    assert_agrees(world.skm)


def test_flagged_responses_leave_and_rejoin_the_numbers(world):
    before = survey_results(world.skm)
    low = [
        srv.response_submit(
            survey=world.skm,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers={f"U{j}": 1 for j in range(1, 10)},
                unit_id=world.upt1.pk,
            ),
        )[0]
        for _ in range(3)
    ]
    with_low = survey_results(world.skm)
    assert with_low["responses"] == before["responses"] + 3
    Response.objects.filter(pk__in=[r.pk for r in low]).update(flag="honeypot")
    assert survey_results(world.skm) == before
    srv.response_include_flagged(
        responses=Response.objects.filter(pk__in=[low[0].pk]), include=True
    )
    assert survey_results(world.skm)["responses"] == before["responses"] + 1
    assert_agrees(world.skm)


def test_results_by_month_and_unit_add_up_to_the_whole(world):
    rnd = random.Random(3)
    for i in range(30):
        srv.response_submit(
            survey=world.skm,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers=answers_for(world.skm, rnd),
                unit_id=rnd.choice([world.upt1, world.upt2, world.loket1]).pk,
                submitted_at=timezone.make_aware(START + timedelta(days=3 * i)),
            ),
        )
    year = parse_period("2026")
    months = survey_results_by(world.skm, "month", period=year)
    assert (
        sum(r["responses"] for r in months.values())
        == survey_results(world.skm, period=year)["responses"]
    )
    for month, result in months.items():
        end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        assert result["ikm"] == survey_results(world.skm, period=Period("m", month, end))["ikm"]
    units = survey_results_by(world.skm, "unit", period=year)
    for unit_id, result in units.items():
        assert (
            result["responses"]
            == responses_in_scope(world.skm, period=year).filter(unit_id=unit_id).count()
        )


def test_deleting_responses_in_manage_takes_them_out_of_the_rollups(world):
    """An admin deletes responses in /manage/ (one, and a selection): the numbers follow."""
    from django.test import Client

    rollups.fold(world.skm)
    admin_user = world.users["alice"]
    client = Client()
    client.force_login(admin_user)
    pks = list(
        Response.objects.filter(survey=world.skm).order_by("pk").values_list("pk", flat=True)
    )
    r = client.post(f"/manage/surveys/response/{pks[0]}/delete/", {"post": "yes"})
    assert r.status_code == 302, r.content[:500]
    assert not Response.objects.filter(pk=pks[0]).exists()
    r = client.post(
        "/manage/surveys/response/",
        {"action": "delete_selected", "_selected_action": [str(pks[1])], "post": "yes"},
    )
    assert r.status_code == 302
    assert not Response.objects.filter(pk=pks[1]).exists()
    assert rollups.check(world.skm) == []
    assert_agrees(world.skm)


def test_another_time_zone_starts_the_rollups_over(world, settings):
    """A response at 23:30 on 31 January in Jakarta is 01:30 on 1 February in Tokyo: its month
    follows PRIMA_TIME_ZONE, and a change of time zone starts the rollups over."""
    at = timezone.make_aware(datetime(2026, 1, 31, 23, 30), timezone.get_current_timezone())
    srv.response_submit(
        survey=world.skm,
        submission=srv.Submission(
            submission_id=uuid.uuid4(),
            answers={f"U{j}": 4 for j in range(1, 10)},
            unit_id=world.upt1.pk,
            submitted_at=at,
        ),
    )
    january = Period("m", date(2026, 1, 1), date(2026, 2, 1))
    assert survey_results(world.skm, period=january)["responses"] == 1
    settings.TIME_ZONE = "Asia/Tokyo"
    assert survey_results(world.skm, period=january)["responses"] == 0
    february = Period("m", date(2026, 2, 1), date(2026, 3, 1))
    assert survey_results(world.skm, period=february)["responses"] == 1
    assert rollups.check(world.skm) == []
