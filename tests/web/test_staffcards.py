"""Fair staff scorecards (issue 13, point 5): ratings raw and shrunk, the ranking's fairness,
who may see a scorecard, coaching notes, the PDF.

Loket Satu (under UPT Alpha Satu), August 2026, the quick survey's satisfaction (1-5, as
0-100: 1 -> 0, 4 -> 75, 5 -> 100):

- Siti (staff1): 3 ratings of 5 (raw mean 100): too few to rank;
- Bambang: 200 ratings, 150 of 4 and 50 of 5 (raw mean 81,25);
- Citra: 40 ratings, 20 of 3 and 20 of 4 (62,5);
- Dewi: 30 ratings, 10 each of 2, 3 and 4 (50);
- Eko (UPT Alpha Dua): 31 ratings of 4 and 5: outside bob's subtree.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from datetime import UTC, date, datetime

import pytest

from prima.audits.models import CorrectiveAction
from prima.audits.services import audit_record
from prima.insights.periods import parse_period
from prima.metrics.shrinkage import StaffRatings, shrink
from prima.organizations import services as org
from prima.organizations.choices import Role
from prima.organizations.models import StaffMember
from prima.staffcards import selectors
from prima.staffcards.models import CoachingNote
from prima.surveys import services as srv
from prima.surveys.models import Instrument
from tests.web.personas import A6_AUDIT, PASSWORD, build_world

Q3 = parse_period("2026-Q3")
LIST = "/app/kartu-staf/"


def _rate(survey, staff, values):
    for i, v in enumerate(values):
        srv.response_submit(
            survey=survey,
            submission=srv.Submission(
                submission_id=uuid.uuid4(),
                answers={"csat": v, "nps": 8, "kembali": 1},
                unit_id=staff.unit_id,
                staff_id=staff.pk,
                submitted_at=datetime(2026, 8, 1 + i % 28, 3, 0, tzinfo=UTC),
            ),
        )


@pytest.fixture
def world(db):
    w = build_world()
    quick = srv.survey_create(
        organization=w.alpha,
        title="Cepat Alpha",
        instrument=Instrument.objects.get(key="quick"),
        units=[w.upt1, w.loket1, w.upt2],
    )
    w.bambang = org.staff_create(unit=w.loket1, name="Bambang <b>Loket</b>")
    w.citra = org.staff_create(unit=w.loket1, name="Citra Loket")
    w.dewi = org.staff_create(unit=w.loket1, name="Dewi Loket")
    w.eko = org.staff_create(unit=w.upt2, name="Eko Dua")
    w.ratings = {
        w.staff1.pk: [5] * 3,
        w.bambang.pk: [4] * 150 + [5] * 50,
        w.citra.pk: [3] * 20 + [4] * 20,
        w.dewi.pk: [2] * 10 + [3] * 10 + [4] * 10,
        w.eko.pk: [4] * 16 + [5] * 15,
    }
    for staff in (w.staff1, w.bambang, w.citra, w.dewi, w.eko):
        _rate(quick, staff, w.ratings[staff.pk])
    # sam is Siti's own account (a staff role only); sue supervises Loket Satu
    w.sam = org.user_create(username="sam", password=PASSWORD)
    org.membership_grant(user=w.sam, organization=w.alpha, role=Role.STAFF, unit=w.loket1)
    StaffMember.objects.filter(pk=w.staff1.pk).update(user=w.sam)
    w.sue = org.user_create(username="sue", password=PASSWORD)
    org.membership_grant(user=w.sue, organization=w.alpha, role=Role.SUPERVISOR, unit=w.loket1)
    return w


@pytest.fixture
def as_user(client):
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


def _percent(values):
    return [25.0 * (v - 1) for v in values]


def test_shrunk_means_are_the_metrics_of_the_unit_and_few_ratings_never_rank(world):
    board = selectors.ranking(world.loket1, Q3)
    names = [r.staff.pk for r in board.ranked]
    # by the shrunk mean, best first; Siti (3 perfect ratings) is not ranked at all
    assert names == [world.bambang.pk, world.citra.pk, world.dewi.pk]
    assert all(r.n >= 30 for r in board.ranked)
    assert [r.staff.pk for r in board.too_few] == [world.staff1.pk]
    siti = board.too_few[0]
    assert siti.n == 3
    assert siti.mean == pytest.approx(100.0)
    # the same numbers as prima.metrics.shrinkage on the raw 0-100 ratings of Loket Satu
    unit = shrink(
        [
            StaffRatings.of(str(pk), _percent(world.ratings[pk]))
            for pk in (world.staff1.pk, world.bambang.pk, world.citra.pk, world.dewi.pk)
        ]
    )
    expected = {int(e.key): e for e in unit.staff}
    for r in [*board.ranked, *board.too_few]:
        assert r.shrunk is not None
        assert r.shrunk.shrunk == pytest.approx(expected[r.staff.pk].shrunk)
        assert r.shrunk.ci_low == pytest.approx(expected[r.staff.pk].ci_low)
    bambang = board.ranked[0]
    assert bambang.mean == pytest.approx(81.25)
    # Siti's raw mean is above Bambang's, and still she does not outrank him
    assert siti.mean > bambang.mean


def test_ranking_page_lists_nobody_under_30_ratings(world, as_user):
    response = as_user(world.users["alice"]).get(
        LIST, {"unit": world.dinas.pk, "period": "2026-Q3"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    ranking = html.split('id="ranking-table"')[1].split("</table>")[0]
    few = html.split('id="too-few-table"')[1].split("</table>")[0]
    assert "Siti Petugas" not in ranking
    assert "Siti Petugas" in few
    assert "Bambang &lt;b&gt;Loket&lt;/b&gt;" in ranking  # names escaped
    assert "Eko Dua" in ranking  # shrunk toward UPT Alpha Dua's own mean
    rows = re.findall(r"<tr><td class=\"ui-num\">\d+</td>.*?</tr>", ranking)
    counts = [int(re.findall(r'<td class="ui-num">([\d.]+)</td>', row)[1]) for row in rows]
    assert sorted(counts) == [30, 31, 40, 200]  # nobody under 30 ratings
    # bob's subtree (UPT Alpha Satu): Eko of UPT Alpha Dua is out of his reach
    bob = as_user(world.users["bob"]).get(LIST, {"period": "2026-Q3"})
    assert bob.status_code == 200
    assert "Eko Dua" not in bob.content.decode()
    assert as_user(world.users["bob"]).get(LIST, {"unit": world.upt2.pk}).status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "sue", "sam"])
def test_own_staff_and_supervisors_see_the_scorecard(world, as_user, who):
    user = getattr(world, who, None) or world.users[who]
    response = as_user(user).get(f"{LIST}{world.staff1.pk}/", {"period": "2026-Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Siti Petugas" in html
    assert "100,0" in html


@pytest.mark.parametrize("who", ["victor", "charlie", "mallory", "sam-other", "bob-upt2"])
def test_nobody_else_sees_a_scorecard(world, as_user, who):
    target = world.staff1
    if who == "sam-other":  # a staff member opening a colleague's scorecard
        user, target = world.sam, world.bambang
    elif who == "bob-upt2":  # a manager outside the staff member's subtree
        user, target = world.users["bob"], world.eko
    else:  # a viewer, another tenant's admin, an account without any role (a mystery
        user = world.users[who]  # shopper's has none either)
    c = as_user(user)
    assert c.get(f"{LIST}{target.pk}/").status_code == 404
    assert c.get(f"{LIST}{target.pk}/pdf/").status_code == 404
    assert c.post(f"{LIST}{target.pk}/catatan/", {"text": "x"}).status_code == 404
    if who in ("victor", "mallory"):
        assert c.get(LIST).status_code == 404
    if who == "charlie":  # Bank Beta's own list, with nothing of Dinas Alpha
        assert "Siti Petugas" not in c.get(LIST).content.decode()
    assert not CoachingNote.objects.exists()


def test_anonymous_is_sent_to_sign_in(world, as_user):
    response = as_user(None).get(f"{LIST}{world.staff1.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_staff_member_without_a_role_is_sent_to_their_own_card(world, as_user):
    response = as_user(world.sam).get(LIST)
    assert response.status_code == 302
    assert response["Location"].endswith(f"{LIST}{world.staff1.pk}/")


def test_coaching_notes_by_supervisors_reach_the_staff_member(world, as_user):
    sue = as_user(world.sue)
    url = f"{LIST}{world.staff1.pk}/catatan/"
    assert sue.post(url, {"text": "  "}).status_code == 400
    assert sue.post(url, {"text": "x" * 2001}).status_code == 400
    response = sue.post(url, {"text": "Sapa <pelanggan> lebih dulu"})
    assert response.status_code == 302
    assert response["Location"].endswith("?noted=1")
    note = CoachingNote.objects.get()
    assert note.author == world.sue
    assert note.organization == world.alpha
    page = as_user(world.sam).get(f"{LIST}{world.staff1.pk}/").content.decode()
    assert "Sapa &lt;pelanggan&gt; lebih dulu" in page
    assert 'action="/app/kartu-staf/' not in page  # the staff member cannot write one
    assert as_user(world.sam).post(url, {"text": "saya sendiri"}).status_code == 404
    assert CoachingNote.objects.count() == 1


def _audit(world, day, yes=True):
    answers = {
        line.id: ("yes" if yes else "no") if line.answer == "yes_no" else 4
        for line in A6_AUDIT.lines
    }
    return audit_record(
        organization=world.alpha,
        unit=world.loket1,
        auditor=world.users["alice"],
        kind="supervisor",
        observed_at=datetime(2026, 8, day, 3, 0, tzinfo=UTC),
        answers=answers,
        staff_member=world.staff1,
    )


def test_pdf_shows_the_numbers_of_the_page(world, as_user, tmp_path):
    _audit(world, 4)
    failed = _audit(world, 5, yes=False)
    CorrectiveAction.objects.create(
        organization=world.alpha,
        audit=failed,
        description="Pelatihan ulang sapaan",
        owner=world.users["alice"],
        due_date=date(2026, 8, 10),
        created_by=world.users["alice"],
    )
    c = as_user(world.users["alice"])
    page = c.get(f"{LIST}{world.staff1.pk}/", {"period": "2026-Q3", "lang": "id"}).content.decode()
    figures = dict(re.findall(r'id="(rating-\w+|audit-\w+)"[^>]*>\s*([^<]+?)\s*<', page))
    assert figures["rating-n"] == "3"
    assert figures["rating-mean"] == "100,0"
    assert figures["audit-count"] == "2"
    response = c.get(f"{LIST}{world.staff1.pk}/pdf/", {"period": "2026-Q3", "lang": "id"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Siti Petugas" in text
    # it renders (pdftoppm): an A4 page image
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    [image] = sorted(tmp_path.glob("p*.png"))
    assert image.stat().st_size > 1000
    for key in ("rating-n", "rating-mean", "rating-shrunk", "audit-count", "audit-mean"):
        assert figures[key] in text, (key, figures[key])
    actions = "Tindakan perbaikan dari audit ini: 1; 1 terbuka (1 lewat tenggat), 0 terverifikasi."
    assert actions in page
    assert actions in " ".join(text.split())
    assert selectors.corrective_actions(world.staff1, Q3) == {
        "total": 1,
        "open": 1,
        "overdue": 1,
        "verified": 0,
    }
    summary = selectors.audit_summary(world.staff1, Q3)
    assert summary.count == 2
    assert summary.failed >= 1
