"""The suggestions of the dashboard with their labels (issue 14, point 3): filters by unsur, A of
A6 and sentiment, the labels shown beside each suggestion (a correction marked as such), and
the counts per unsur and sentiment beside the previous period's, through the whole HTTP stack."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prima.remark_labels import services as labels
from prima.remark_labels.models import RemarkLabel
from prima.surveys.models import Response
from tests.web.personas import skm_answers, submit

WIB = ZoneInfo("Asia/Jakarta")


def url(world, query: str) -> str:
    return f"/app/surveys/{world.skm.code}/?section=suggestions&{query}"


def remark(world, text: str, when: datetime):
    response = submit(world.skm, skm_answers(), unit=world.upt1, suggestion=text)
    Response.objects.filter(pk=response.pk).update(submitted_at=when)
    return response


def seeded(world):
    july, april = datetime(2026, 7, 10, 9, tzinfo=WIB), datetime(2026, 4, 10, 9, tzinfo=WIB)
    rude = remark(world, "Petugasnya tidak ramah dan jutek", july)
    dirty = remark(world, "Toiletnya kotor sekali", july)
    fast = remark(world, "Antreannya tidak lama, pelayanan cepat", july)
    remark(world, "Toilet bau dan kotor", april)
    remark(world, "WC kotor, tidak ada air", april)
    labels.label_pending()
    return rude, dirty, fast


def test_suggestions_are_filtered_by_their_labels(world):
    rude, dirty, _fast = seeded(world)
    client = world.client("alice")
    negative = client.get(url(world, "period=2026-Q3&sentiment=negatif"))
    items = {i["suggestion"] for i in negative.context["board"].suggestions.items}
    assert items == {rude.suggestion, dirty.suggestion}
    facilities = client.get(url(world, "period=2026-Q3&unsur=U8")).context["board"]
    assert [i["suggestion"] for i in facilities.suggestions.items] == [dirty.suggestion]
    conduct = client.get(url(world, "period=2026-Q3&a6=attitude")).context["board"]
    assert [i["suggestion"] for i in conduct.suggestions.items] == [rude.suggestion]
    html = client.get(url(world, "period=2026-Q3&unsur=U8")).content.decode()
    assert '<option value="U8" selected>' in html  # the form shows the chosen filter
    assert 'name="unsur"' in html
    assert 'name="sentiment"' in html
    # an unknown value is ignored, never an error
    assert client.get(url(world, "unsur=U99&sentiment=%3Cx%3E")).status_code == 200


def test_each_suggestion_shows_its_labels_and_a_correction(world):
    rude, _dirty, _fast = seeded(world)
    label = RemarkLabel.objects.get(response=rude)
    labels.label_correct(label, user=None, unsur="U7", a6="attitude", sentiment="negatif")
    html = world.client("alice").get(url(world, "period=2026-Q3")).content.decode()
    assert "corrected by a manager" in html or "dikoreksi oleh pengelola" in html
    en = world.client("alice")
    en.cookies["django_language"] = "en"
    page = en.get(url(world, "period=2026-Q3&lang=en")).content.decode()
    assert "U7 Staff conduct" in page


def test_counts_per_unsur_against_the_previous_period(world):
    seeded(world)
    table = world.client("alice").get(url(world, "period=2026-Q3")).context["board"].remark_table
    assert table.compared
    rows = {r.key: r for r in table.rows}
    assert rows["U8"].negatif == 1
    assert rows["U8"].negatif_before == 2  # the quarter before: two remarks on the toilets
    assert table.most_criticised is not None
    assert table.unlabelled == 0
    # a new suggestion not labelled yet is counted apart until the task worker labels it
    remark(world, "Parkir sempit", datetime(2026, 7, 11, 9, tzinfo=WIB))
    html = world.client("alice").get(url(world, "period=2026-Q3")).content.decode()
    assert 'id="remark-unlabelled"' in html
    assert 'id="remark-unsur-table"' in html


def test_a_manager_corrects_a_suggestion_s_labels(world):
    _rude, dirty, _fast = seeded(world)
    target = f"/app/surveys/{world.skm.code}/saran/{dirty.pk}/label/"
    fix = {"unsur": "U8", "a6": "none", "sentiment": "negatif", "back": "?period=2026-Q3"}
    # a viewer, another tenant's admin and a stranger reach nothing
    for persona in ("victor", "charlie", "mallory"):
        assert world.client(persona).post(target, fix).status_code == 404, persona
    assert world.client(None).post(target, fix).status_code == 302  # to the sign-in page
    label = RemarkLabel.objects.get(response=dirty)
    assert not label.corrected
    # bob manages UPT Alpha Satu, where the suggestion was left
    bob = world.client("bob")
    done = bob.post(target, {**fix, "unsur": "U2", "sentiment": "netral"})
    assert done.status_code == 302
    assert done["Location"].endswith(f"?period=2026-Q3&corrected={dirty.pk}#saran")
    label.refresh_from_db()
    assert (label.unsur, label.a6, label.sentiment, label.corrected) == ("U2", "", "netral", True)
    assert label.corrected_by == world.users["bob"]
    assert label.machine["unsur"] == "U8"  # the model's labels are kept
    page = bob.get(url(world, "period=2026-Q3")).content.decode()
    assert "dikoreksi oleh pengelola" in page
    assert "Koreksi label" in page or "Correct the labels" in page
    # a label that does not exist is refused by name and changes nothing; a foreign 'back' is
    # not followed
    bad = bob.post(target, {"unsur": "U42", "sentiment": "marah"})
    assert bad.status_code == 400
    assert "unsur" in bad.content.decode()
    assert "sentiment" in bad.content.decode()
    elsewhere = bob.post(target, {**fix, "back": "//evil.example"})
    assert elsewhere["Location"].endswith(f"?section=suggestions&corrected={dirty.pk}#saran")
    labels.label_correct(label, user=None, unsur="U2", a6="", sentiment="netral")
    label.refresh_from_db()
    assert (label.unsur, label.sentiment) == ("U2", "netral")
    # GET is not a way to change anything
    assert bob.get(target).status_code == 405
    # the viewer sees the labels but no correction form
    assert "fix-" not in world.client("victor").get(url(world, "period=2026-Q3")).content.decode()
