"""Labels of suggestions and complaints in the platform (issue 14, point 3): labelled by the task
worker's sweep and never in the request, relabelled by ``prima text relabel`` (idempotent, with
corrections kept), corrections stored as such."""

from __future__ import annotations

import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prima.cases import services as cs
from prima.flood import FLOOD_PER_SECOND, FLOOD_WAIT_SECONDS, FloodGate
from prima.remark_labels import services as labels
from prima.remark_labels.models import LabelCursor, RemarkLabel
from prima.surveys.models import Response

ANSWERS = {f"U{i}": 3 for i in range(1, 10)}


def submit(world, suggestion: str):
    r = world.client(None).post(
        f"/api/v1/public/surveys/{world.skm.code}/responses",
        {
            "submission_id": str(uuid.uuid4()),
            "answers": ANSWERS,
            "unit": world.upt1.pk,
            "suggestion": suggestion,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    return Response.objects.get(pk=r.json()["id"])


def test_a_submission_writes_no_label_and_the_sweep_labels_it(world):
    with CaptureQueriesContext(connection) as ctx:
        rude = submit(world, "Petugasnya tidak ramah dan jutek bgt")
    assert not any("remark_label" in q["sql"] for q in ctx.captured_queries)
    assert not RemarkLabel.objects.filter(response=rude).exists()  # never in the request
    quick = submit(world, "antreannya tidak lama, pelayanan cepat")
    blank = submit(world, "")
    spaces = submit(world, "   ")
    case, _ = cs.case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text="Biaya tidak jelas, diminta bayar lagi.",
        channel="web",
    )
    assert labels.label_pending() == 3
    got = {
        label.response_id or f"case {label.case_id}": (label.unsur, label.a6, label.sentiment)
        for label in RemarkLabel.objects.all()
    }
    assert got[rude.pk][1:] == ("attitude", "negatif")
    assert got[quick.pk][2] == "positif"
    assert blank.pk not in got  # no remark, no label
    assert spaces.suggestion == ""  # the form keeps no blank remark: nothing to label either
    assert spaces.pk not in got
    # a blank text that reaches the labels (a paper import, an old row): netral, no unsur, no A
    Response.objects.filter(pk=spaces.pk).update(suggestion="  \n ")
    assert labels.relabel(survey=world.skm).labelled == 1
    spaced = RemarkLabel.objects.get(response=spaces)
    assert (spaced.unsur, spaced.a6, spaced.sentiment) == ("", "", "netral")
    assert got[f"case {case.pk}"][2] == "negatif"
    label = RemarkLabel.objects.get(response=rude)
    assert label.model_version == labels.model_version()
    assert label.organization_id == world.alpha.pk
    # a second pass finds nothing new; the cursor stands at the newest row
    assert labels.label_pending() == 0
    assert LabelCursor.objects.get(kind="responses").last_id >= spaces.pk


def test_a_text_committed_late_below_the_cursor_is_labelled(world):
    late = submit(world, "Toiletnya kotor sekali")
    labels.label_pending()
    RemarkLabel.objects.filter(response=late).delete()  # as if it committed after the pass
    assert labels.label_pending() == 1
    assert RemarkLabel.objects.get(response=late).unsur == "U8"


def test_the_sweep_waits_while_a_flood_of_texts_arrives(world):
    """Under a flood of submissions and complaints the labels wait (the requests keep the write
    lock and the CPU), at most FLOOD_WAIT_SECONDS; then one pass labels them all."""
    now = [0.0]
    gate = FloodGate(clock=lambda: now[0])
    submit(world, "Pelayanan cepat")
    assert labels.label_pass(gate) == 1  # a first look never waits
    for i in range(int(FLOOD_PER_SECOND) // 2):
        submit(world, f"Antrean lama sekali {i}")
        cs.case_receive(
            organization=world.alpha, unit=world.upt1, text=f"Loket tutup {i}", channel="web"
        )
    now[0] += 1.0
    assert labels.label_pass(gate) is None  # 20 texts in a second, of both kinds
    assert RemarkLabel.objects.count() == 1
    now[0] += FLOOD_WAIT_SECONDS
    submit(world, "Petugas ramah")  # one more in half a minute: the flood has eased
    assert labels.label_pass(gate) == int(FLOOD_PER_SECOND) + 1
    assert RemarkLabel.objects.count() == int(FLOOD_PER_SECOND) + 2


def test_on_sqlite_the_sweep_stores_its_labels_in_small_transactions(world, monkeypatch):
    """On SQLite each transaction holds the only write lock (submissions and complaints wait for
    it): the labels of a pass are stored SQLITE_CHUNK at a time, paused between two; PostgreSQL
    stores them at once. Every text is labelled once."""
    for i in range(2 * labels.SQLITE_CHUNK + 3):
        cs.case_receive(
            organization=world.alpha, unit=world.upt1, text=f"Antrean lama {i}", channel="web"
        )
    stored: list[int] = []
    pauses: list[float] = []
    create = RemarkLabel.objects.bulk_create

    def counting(objs, **kwargs):
        stored.append(len(objs))
        return create(objs, **kwargs)

    monkeypatch.setattr(RemarkLabel.objects, "bulk_create", counting)
    monkeypatch.setattr(labels.time, "sleep", pauses.append)
    assert labels.label_pending() == 2 * labels.SQLITE_CHUNK + 3
    if connection.vendor == "sqlite":
        assert stored == [labels.SQLITE_CHUNK, labels.SQLITE_CHUNK, 3]
        assert pauses == [labels.SQLITE_PAUSE] * 2
    else:
        assert stored == [2 * labels.SQLITE_CHUNK + 3]
        assert pauses == []
    assert RemarkLabel.objects.filter(case__isnull=False).count() == sum(stored)
    assert labels.label_pending() == 0


def test_relabel_is_idempotent_and_keeps_corrections(world, monkeypatch):
    a = submit(world, "Persyaratannya terlalu banyak dan berbelit")
    b = submit(world, "Ruang tunggu panas, AC mati")
    out = StringIO()
    call_command("text", "relabel", "--survey", world.skm.code, stdout=out)
    first = out.getvalue()
    assert RemarkLabel.objects.filter(response__in=[a, b]).count() == 2
    label = RemarkLabel.objects.get(response=a)
    machine = (label.unsur, label.a6, label.sentiment)
    labels.label_correct(label, user=None, unsur="U2", a6="", sentiment="negatif")
    # a new model version: every label but the corrected one is recomputed
    monkeypatch.setattr(labels, "model_version", lambda: "next-version")
    out = StringIO()
    call_command("text", "relabel", "--survey", world.skm.code, stdout=out)
    assert "1" in out.getvalue()  # one corrected by a manager (kept)
    label.refresh_from_db()
    assert (label.unsur, label.a6, label.sentiment) == ("U2", "", "negatif")
    assert label.corrected
    assert label.machine == dict(zip(("unsur", "a6", "sentiment"), machine, strict=True))
    assert RemarkLabel.objects.get(response=b).model_version == "next-version"
    again = StringIO()
    call_command("text", "relabel", "--survey", world.skm.code, stdout=again)
    totals = labels.relabel(survey=world.skm)
    assert (totals.labelled, totals.updated) == (0, 0)  # nothing changes the second time
    assert totals.corrected == 1
    assert first != ""


def test_a_correction_names_a_label_that_does_not_exist(world):
    submit(world, "Pelayanan lambat")
    labels.label_pending()
    label = RemarkLabel.objects.get()
    with pytest.raises(labels.LabelError) as refused:
        labels.label_correct(label, user=None, unsur="U10", a6="kindness", sentiment="marah")
    assert set(refused.value.errors) == {"unsur", "a6", "sentiment"}
    label.refresh_from_db()
    assert not label.corrected


def test_relabel_names_an_unknown_survey(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("text", "relabel", "--survey", "nope", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_worker_s_sweep_runs_until_stopped(world):
    submit(world, "Mohon petugas lebih ramah lagi")
    stop = threading.Event()
    worker = threading.Thread(target=labels.label_loop, args=(stop,), kwargs={"pause": 0.05})
    worker.start()
    try:
        for _ in range(200):
            if RemarkLabel.objects.exists():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()
    label = RemarkLabel.objects.get()
    assert (label.a6, label.sentiment) == ("attitude", "negatif")  # a request is a criticism


def test_a_complaint_gets_a_suggested_category_on_its_page(world):
    """The case page offers the category its labels point to (its A of A6 for a complaint
    about conduct, else its unsur), preselected while the case has none; nothing before the
    task worker labelled it."""
    case, _ = cs.case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text="Petugas loket tidak ramah, jutek dan membentak warga.",
        channel="web",
    )
    alice = world.client("alice")
    before = alice.get(f"/app/kasus/{case.pk}/").content.decode()
    assert 'id="case-suggested-category"' not in before
    labels.label_pending()
    page = alice.get(f"/app/kasus/{case.pk}/").content.decode()
    assert 'id="case-suggested-category"' in page
    assert '<option value="attitude" selected>' in page
    case.category = cs.category_resolve(world.alpha, "U3")
    case.save()
    page = alice.get(f"/app/kasus/{case.pk}/").content.decode()
    assert '<option value="U3" selected>' in page  # the case's own category stays chosen


def test_the_skm_report_groups_its_suggestions_by_unsur(world):
    """Section V of the SKM report lists the suggestions under the unsur they are about, in the
    unsur's order, then the general remarks, then those not labelled yet."""
    from datetime import date

    from prima.insights.periods import parse_period
    from prima.reports.pdf import report_html
    from prima.reports.skm import skm_report

    toilet = submit(world, "Toiletnya kotor sekali")
    fee = submit(world, "Biaya tidak jelas, diminta bayar lagi di loket")
    submit(world, "Toiletnya kotor sekali")  # the same text: listed once with its number
    labels.label_pending()
    late = submit(world, "Parkir sempit dan panas")  # not labelled yet
    period = parse_period(str(toilet.submitted_at.year))
    report = skm_report(world.skm, period=period, today=date(2026, 12, 31))
    sections = [(s.key, [g.text for g in s.groups]) for s in report.suggestions_by_unsur]
    keys = [k for k, _ in sections]
    assert keys.index("U4") < keys.index("U8") < keys.index("belum")
    assert dict(sections)["U8"] == [toilet.suggestion]
    assert dict(sections)["U4"] == [fee.suggestion]
    assert dict(sections)["belum"] == [late.suggestion]
    assert report.suggestions_by_unsur[keys.index("U8")].groups[0].count == 2
    html = report_html(report, chart=False)
    assert 'id="suggestions-U8"' in html
    assert html.index('id="suggestions-U4"') < html.index('id="suggestions-U8"')


def test_a_label_never_dates_a_response_finer_than_the_day(world):
    """A label is made seconds after its response: it keeps the day only (local midnight), so
    that it never gives an employee's anonymous response its time of day back (issue 12)."""
    from prima.surveys.anonymity import local_day_start

    submit(world, "Antrean lama sekali")
    labels.label_pending()
    label = RemarkLabel.objects.get()
    assert label.labelled_at == local_day_start()
    assert labels.relabel().updated == 0


def test_the_corrections_go_to_the_evaluation_script(world, tmp_path):
    """``prima text corrections`` writes the corrected labels in the labelled set's shape, which
    :func:`prima.remarks.load_examples` (the evaluation script's reader) reads back; a text a
    spreadsheet would take for a formula is quoted in the file and read without the quote."""
    from prima import remarks

    plain = submit(world, "Ruang tunggu panas sekali")
    formula = submit(world, "=HYPERLINK(1) petugas jutek")
    submit(world, "Pelayanan cepat")  # not corrected: not written
    labels.label_pending()
    for response, unsur, a6 in ((plain, "U8", ""), (formula, "", "attitude")):
        label = RemarkLabel.objects.get(response=response)
        labels.label_correct(label, user=None, unsur=unsur, a6=a6, sentiment="negatif")
    target = tmp_path / "koreksi.csv"
    err = StringIO()
    call_command("text", "corrections", "--output", str(target), stderr=err)
    assert "2" in err.getvalue()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text,unsur,a6,sentiment"
    assert "'=HYPERLINK(1) petugas jutek,,attitude,negatif" in lines
    examples = remarks.load_examples(target)
    assert [(e.text, e.unsur, e.a6, e.sentiment) for e in examples] == [
        ("Ruang tunggu panas sekali", "U8", None, "negatif"),
        ("=HYPERLINK(1) petugas jutek", None, "attitude", "negatif"),
    ]
    out = StringIO()
    call_command("text", "corrections", stdout=out)
    assert out.getvalue().splitlines() == lines
