"""The measures of complaint handling (issue 11, point 6) where people read them: the dashboard's
card and its "Pengaduan" section, the API, the SKM report (PDF and XLSX) and the public results
page, all checked by hand on the fixture of ``complaint_fixture.py`` (a weekend and two
holidays), and access: who sees the card, another organization's cases never counted."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from django.utils import timezone

from prima.cases.selectors import case_measures
from tests.web.complaint_fixture import T_975_2, Clock, build_august


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def august(world, clock):
    return build_august(world, clock)


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figure(html: str, value_id: str) -> str:
    match = re.search(rf'id="{value_id}"[^>]*>([^<]*)<', html)
    assert match, value_id
    return match.group(1).strip()


# -- the measures, by hand ---------------------------------------------------------------------
def test_the_fixture_measures_by_hand(world, august):
    for case in august.values():
        case.refresh_from_db()
    a, b, c, d, e = (august[k] for k in "abcde")
    assert (a.first_response_days, a.resolution_days, a.resolved_on_time) == (1, 5, True)
    assert (b.first_response_days, b.resolution_days, b.resolved_on_time) == (3, 7, False)
    assert (c.first_response_days, c.resolution_days, c.resolved_on_time) == (0, 4, True)
    assert (d.first_response_due, d.resolution_due) == (date(2026, 8, 27), date(2026, 8, 31))
    assert e.first_response_days == 1
    m = case_measures(
        world.users["alice"], world.alpha, start=date(2026, 8, 1), end=date(2026, 9, 1)
    )
    assert (m.received, m.resolved, m.rejected, m.open) == (6, 3, 1, 2)
    assert (m.first_response.n, m.first_response.median, m.first_response.p90) == (5, 1.0, 2.2)
    assert (m.resolution.n, m.resolution.median, m.resolution.p90) == (3, 5.0, 6.6)
    assert (m.resolved_on_time, m.on_time_share) == (2, 2 / 3)
    assert (m.first_response_late, m.resolution_late, m.breaches) == (1, 1, 2)
    s = m.satisfaction
    assert (s.n, s.mean) == (3, pytest.approx(13 / 3))
    half = T_975_2 * math.sqrt(1 / 3) / math.sqrt(3)
    assert (s.ci_low, s.ci_high) == (pytest.approx(13 / 3 - half), pytest.approx(13 / 3 + half))
    assert (round(s.ci_low, 2), round(s.ci_high, 2)) == (2.90, 5.77)


def test_the_api_gives_the_same_measures(world, august):
    r = world.api("alice").get("/api/v1/cases/metrics?period=2026-08")
    assert r.status_code == 200, r.content
    m = r.json()
    assert (m["received"], m["resolved"], m["rejected"], m["open"]) == (6, 3, 1, 2)
    assert m["first_response"] == {"n": 5, "median": 1.0, "p90": 2.2}
    assert m["resolution"] == {"n": 3, "median": 5.0, "p90": 6.6}
    assert (m["on_time_share"], m["breaches"]) == (pytest.approx(2 / 3), 2)
    assert m["satisfaction"]["n"] == 3
    assert round(m["satisfaction"]["mean"], 2) == 4.33


# -- the dashboard -----------------------------------------------------------------------------
def dashboard(world, who, query=""):
    r = world.client(who).get(f"/app/surveys/{world.skm.code}/{query}")
    assert r.status_code == 200
    return r.content.decode()


def test_the_card_counts_open_and_late_cases_and_links_to_the_list(world, august):
    html = dashboard(world, "alice", "?period=2026-08")
    assert figure(html, "open-cases") == "2"  # D, F
    assert figure(html, "late-cases").startswith("1 ")  # D: no first response by the 27th
    assert 'href="/app/kasus/?period=2026-08&amp;status=open"' in html
    assert 'href="/app/kasus/?period=2026-08&amp;status=open&amp;timeliness=late"' in html
    # the list it links to shows the same cases
    listing = world.client("alice").get("/app/kasus/?period=2026-08&status=open&timeliness=late")
    assert listing.status_code == 200
    assert august["d"].tracking_code in listing.content.decode()
    assert august["f"].tracking_code not in listing.content.decode()
    # without a period: every case open now (G of July too)
    html = dashboard(world, "alice")
    assert figure(html, "open-cases") == "3"
    assert figure(html, "late-cases").startswith("2 ")
    # a unit's subtree: UPT Alpha Satu has F (and G) open, none of them late in August
    html = dashboard(world, "alice", f"?period=2026-08&unit={world.upt1.pk}")
    assert (figure(html, "open-cases"), figure(html, "late-cases")[:2]) == ("1", "0 ")
    assert f'href="/app/kasus/?unit={world.upt1.pk}&amp;period=2026-08&amp;status=open"' in html
    # a from/to range counts the cases received in it, and the case list follows it (issue 11)
    html = dashboard(world, "alice", "?from=2026-08-13&to=2026-08-21")
    assert (figure(html, "open-cases"), figure(html, "late-cases")[:2]) == ("1", "1 ")  # D
    assert 'href="/app/kasus/?from=2026-08-13&amp;to=2026-08-21&amp;status=open"' in html
    listing = world.client("alice").get("/app/kasus/?from=2026-08-13&to=2026-08-21&status=open")
    assert august["d"].tracking_code in listing.content.decode()
    assert "daftar kasus menampilkan semua periode" not in html


def test_the_card_is_for_those_who_may_see_cases_and_only_when_complaints_exist(
    world, clock, monkeypatch
):
    html = dashboard(world, "alice")
    assert 'id="cases-card"' not in html  # no case yet: no card, no section
    assert "section=complaints" not in html
    build_august(world, clock)
    # bob, manager of UPT Alpha Satu: its subtree only (F, G open; G late)
    html = dashboard(world, "bob")
    assert (figure(html, "open-cases"), figure(html, "late-cases")[:2]) == ("2", "1 ")
    assert 'id="cases-card"' in dashboard(world, "victor")  # viewers may see cases
    # a role that may see results but not cases (the case pages' rule decides)
    from prima.casework import access
    from prima.organizations.choices import Role

    monkeypatch.setattr(access, "SEE_ROLES", (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR))
    html = dashboard(world, "victor")
    assert 'id="cases-card"' not in html
    assert "section=complaints" not in html
    html = dashboard(world, "victor", "?section=complaints")  # not offered: the first section
    assert 'id="complaints"' not in html


def test_another_organizations_cases_are_never_counted(world, clock):
    from prima.cases import services as cs
    from tests.web.complaint_fixture import wib

    clock.set(wib("2026-08-10 09:00"))
    cs.case_receive(
        organization=world.beta, unit=world.bank_unit, text="x", channel="web", anonymous=True
    )
    assert 'id="cases-card"' not in dashboard(world, "alice")  # Dinas Alpha has none
    r = world.client("charlie").get(f"/app/surveys/{world.quick.code}/")
    assert figure(r.content.decode(), "open-cases") == "1"


def test_the_section_shows_the_measures_and_a_row_per_child_unit(world, august):
    html = dashboard(world, "alice", "?period=2026-08&section=complaints")
    assert 'id="tab-complaints"' in html
    assert 'aria-current="page">Pengaduan<' in html
    values = {
        k: figure(html, k)
        for k in (
            "c-received",
            "c-resolved",
            "c-open",
            "c-first-median",
            "c-resolution-median",
            "c-on-time",
            "c-breaches",
            "c-satisfaction",
        )
    }
    assert values == {
        "c-received": "6",
        "c-resolved": "3",
        "c-open": "2",
        "c-first-median": "1,0",
        "c-resolution-median": "5,0",
        "c-on-time": "66,7%",
        "c-breaches": "2",
        "c-satisfaction": "4,33",
    }
    text = text_of(html)
    assert "persentil ke-90 2,2; n = 5" in text
    assert "persentil ke-90 6,6; n = 3" in text
    assert "IK 95% 2,90 – 5,77" in text
    row = text_of(html.split(f'id="complaints-unit-{world.upt1.pk}"')[1].split("</tr>")[0])
    assert row.strip() == "> UPT Alpha Satu 4 3 1 1,0 5,0 66,7% 1 4,33 (3)"
    row = text_of(html.split(f'id="complaints-unit-{world.upt2.pk}"')[1].split("</tr>")[0])
    assert row.strip() == "> UPT Alpha Dua 2 0 1 1,0 - - 1 - (0)"
    assert "Antrean" not in html  # counts and measures, never the complaint texts
    # English
    html = dashboard(world, "alice", "?period=2026-08&section=complaints&lang=en")
    assert figure(html, "c-on-time") == "66.7%"


def test_the_section_of_a_unit_manager_and_the_empty_state(world, august):
    html = dashboard(world, "bob", "?period=2026-08&section=complaints")
    assert figure(html, "c-received") == "4"  # UPT Alpha Satu with Loket Satu: A, B, C, F
    assert f'id="complaints-unit-{world.loket1.pk}"' in html
    html = dashboard(world, "alice", "?period=2026-05&section=complaints")
    assert "Belum ada pengaduan yang diterima untuk pilihan ini" in html
    assert 'id="c-received"' not in html


# -- the SKM report ----------------------------------------------------------------------------
def report(world, who, fmt, **query):
    from tests.web.test_report import report_url

    r = world.client(who).get(report_url(world, fmt, **query))
    assert r.status_code == 200, r.content[:300]
    return r.content


def test_the_report_pdf_has_the_complaint_handling_section(world, august, tmp_path):
    from tests.web.test_report import pdf_text

    text = pdf_text(report(world, "alice", "pdf", period="2026-08"), tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert "VII. PENANGANAN PENGADUAN" in flat
    assert "Bukti untuk unsur 9" in flat
    for row in (
        "Pengaduan diterima 6",
        "Selesai 3",
        "Ditolak 1",
        "Masih terbuka 2",
        "median / persentil ke-90 (n) 1,0 / 2,2 (5)",
        "median / persentil ke-90 (n) 5,0 / 6,6 (3)",
        "Selesai tepat waktu 66,7% (2 dari 3)",
        "Kasus yang melewati tenggat 2",
        "rata-rata, IK 95% (n) 4,33, 2,90 – 5,77 (3)",
    ):
        assert row in flat, row
    assert "Antrean" not in flat  # no complaint text
    assert "SUM(A1)" not in flat
    # the unit's report: UPT Alpha Satu with Loket Satu (A, B, C, F)
    flat = re.sub(
        r"\s+",
        " ",
        pdf_text(report(world, "bob", "pdf", unit=world.upt1.pk, period="2026-08"), tmp_path),
    )
    assert "Pengaduan diterima 4" in flat
    # a period without complaints: one sentence
    flat = re.sub(r"\s+", " ", pdf_text(report(world, "alice", "pdf", period="2026-05"), tmp_path))
    assert "Tidak ada pengaduan yang diterima pada periode ini." in flat
    assert "Pengaduan diterima" not in flat


def test_the_report_xlsx_has_the_measures_as_numbers(world, august):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(report(world, "alice", "xlsx", period="2026-08")))
    rows = [r for r in book["Ringkasan"].iter_rows(values_only=True) if r]
    start = rows.index(("Penanganan pengaduan", None))
    block = {r[0]: r[1] for r in rows[start + 1 :]}
    assert block["Pengaduan diterima"] == 6
    assert (block["Selesai"], block["Ditolak"], block["Masih terbuka"]) == (3, 1, 2)
    assert block["Tanggapan pertama, hari kerja: median"] == 1.0
    assert block["Tanggapan pertama, hari kerja: persentil ke-90"] == 2.2
    assert block["Penyelesaian, hari kerja: persentil ke-90"] == 6.6
    assert block["Persentase selesai tepat waktu"] == pytest.approx(2 / 3)
    assert block["Kasus yang melewati tenggat"] == 2
    assert round(block["Kepuasan atas penanganan (1-5): rata-rata"], 2) == 4.33
    assert round(block["Kepuasan: batas bawah IK 95%"], 2) == 2.90
    assert block["Kepuasan: jumlah penilaian"] == 3
    cells = [c for row in book["Ringkasan"].iter_rows() for c in row]
    [share] = [c for c in cells if c.value == block["Persentase selesai tepat waktu"]]
    assert share.number_format == "0.0%"
    every = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert "SUM(A1)" not in every
    book = openpyxl.load_workbook(io.BytesIO(report(world, "alice", "xlsx", period="2026-05")))
    rows = [r for r in book["Ringkasan"].iter_rows(values_only=True) if r]
    assert ("Tidak ada pengaduan yang diterima pada periode ini.",) in [r[:1] for r in rows]


# -- the public results page -------------------------------------------------------------------
def public(world, path="", lang=""):
    r = world.client(None).get(f"/hasil/{world.alpha.slug}/{path}{lang}")
    assert r.status_code == 200
    return r.content.decode()


def test_the_public_page_shows_received_resolved_and_on_time_per_published_period(
    world, august, clock
):
    from prima.cases import services as cs
    from prima.insights.publication import result_publish

    result_publish(survey=world.skm, period="2026")
    result_publish(survey=world.skm, period="2026-08")
    html = public(world)
    # the periods, most recent first: 2026-08 is periode-1, the year periode-2
    assert figure(html, "periode-1-c-received") == "6"
    assert figure(html, "periode-1-c-resolved") == "3"
    assert figure(html, "periode-1-c-on-time") == "66,7%"
    assert 'id="periode-1-c-units"' not in html  # no unit had respondents in August
    assert figure(html, "periode-2-c-received") == "7"  # G of 31 July too
    assert figure(html, "periode-2-c-on-time") == "66,7%"
    # per unit shown: UPT Alpha Satu (A, B, C, F, G: 5), UPT Alpha Dua (D, E: fewer than 5)
    row = text_of(html.split(f'id="periode-2-c{world.upt1.pk}"')[1].split("</tr>")[0])
    assert row.strip() == "> UPT Alpha Satu 5 3 66,7%"
    row = text_of(html.split(f'id="periode-2-c{world.upt2.pk}"')[1].split("</tr>")[0])
    assert row.strip() == "> UPT Alpha Dua 2 - -"
    assert "Antrean" not in html  # no complaint text
    assert "SUM(A1)" not in html
    assert "Bukan kewenangan" not in html
    assert "2026-07" not in html  # an unpublished period shows nothing
    english = public(world, lang="?lang=en")
    assert figure(english, "periode-1-c-on-time") == "66.7%"
    # the embed
    embed = public(world, "embed/")
    assert "Pengaduan: 6 diterima, 3 selesai, 66,7% tepat waktu" in text_of(embed)
    # cached like the rest of the page: a new complaint shows when the cache renews
    clock.set(timezone.now())
    cs.case_receive(
        organization=world.alpha, unit=world.upt1, text="x", channel="web", anonymous=True
    )
    assert figure(public(world), "periode-1-c-received") == "6"


def test_a_period_with_few_complaints_shows_only_their_count(world, clock):
    from prima.cases import services as cs
    from prima.insights.publication import result_publish
    from tests.web.complaint_fixture import wib

    assert "c-received" not in public(world)  # no complaint at all: nothing about them
    result_publish(survey=world.skm, period="2026-08")
    clock.set(wib("2026-08-10 09:00"))
    case, _ = cs.case_receive(
        organization=world.alpha, unit=world.upt1, text="x", channel="web", anonymous=True
    )
    cs.case_transition(case, status="ditolak", note="Bukan kewenangan kami.")
    html = public(world)
    assert figure(html, "periode-1-c-received") == "1"
    assert 'id="periode-1-c-resolved"' not in html
    assert 'id="periode-1-c-on-time"' not in html
    assert "Kurang dari 5 pengaduan: hanya jumlahnya yang ditampilkan." in text_of(html)


def test_the_section_is_not_found_outside_ones_reach(world, august):
    url = f"/app/surveys/{world.skm.code}/?period=2026-08&section=complaints"
    for who in ("charlie", "mallory"):  # another tenant, no membership
        assert world.client(who).get(url).status_code == 404
    r = world.client(None).get(url)
    assert r.status_code == 302
    assert "/accounts/login/" in r["Location"]
    # bob (UPT Alpha Satu) cannot ask for UPT Alpha Dua's subtree
    assert world.client("bob").get(f"{url}&unit={world.upt2.pk}").status_code == 404
    # charlie's own dashboard never counts Dinas Alpha's cases (Bank Beta: H only)
    r = world.client("charlie").get(f"/app/surveys/{world.quick.code}/?section=complaints")
    html = r.content.decode()
    assert figure(html, "open-cases") == "1"
    assert figure(html, "c-received") == "1"


# -- the card's counts: a Hypothesis property --------------------------------------------------
def _card_rows():
    from hypothesis import strategies as st

    from prima.cases.models import CaseStatus

    today = date(2026, 7, 15)
    due = st.integers(-4, 4).map(lambda d: date.fromordinal(today.toordinal() + d))
    return st.lists(
        st.fixed_dictionaries(
            {
                "status": st.sampled_from(CaseStatus.values),
                "answered": st.booleans(),
                "first_response_due": due,
                "resolution_due": due,
                "unit": st.sampled_from(["upt1", "upt2", "loket1"]),
                "month": st.sampled_from([6, 7]),  # received in June or in July
            }
        ),
        max_size=25,
    )


def test_the_card_counts_are_the_case_pages_lateness(world):
    """For any set of cases: the card's open count is the open cases of the selection, and its
    late count the open cases that the case pages (prima.casework.deadlines) mark late."""
    import uuid
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hypothesis import HealthCheck, given, settings

    from prima.cases.models import OPEN_STATUSES, Case
    from prima.casework.deadlines import Clock as DueClock
    from prima.dashboard.complaints import open_and_late
    from prima.insights.periods import parse_period

    wib = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 7, 15, 15, 0, tzinfo=wib)
    alice = world.users["alice"]

    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(rows=_card_rows())
    def check(rows):
        Case.objects.all().delete()
        for r in rows:
            received = datetime(2026, r["month"], 1, 9, tzinfo=wib)
            Case.objects.create(
                organization=world.alpha,
                unit=getattr(world, r["unit"]),
                tracking_code=uuid.uuid4().hex[:12],
                text="x",
                status=r["status"],
                received_at=received,
                first_response_due=r["first_response_due"],
                resolution_due=r["resolution_due"],
                first_response_at=received if r["answered"] else None,
            )
        due_clock = DueClock(now)
        for unit in (None, world.upt1):
            for period in (None, parse_period("2026-07")):
                counts = open_and_late(alice, world.alpha, unit, period, now=now)
                if not rows:
                    assert counts is None  # no case: no card
                    continue
                qs = Case.objects.select_related("organization")
                if unit is not None:
                    qs = qs.filter(unit__path__startswith=unit.path)
                if period is not None:
                    qs = qs.filter(received_at__gte=datetime(2026, 7, 1, tzinfo=wib))
                opened = [c for c in qs if c.status in OPEN_STATUSES]
                late = [c for c in opened if any(s.late for s in due_clock.states(c))]
                assert (counts.open, counts.late) == (len(opened), len(late))

    check()
