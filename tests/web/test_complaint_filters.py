"""The dashboard's complaint measures follow every filter of the dashboard (issue 11, point 6):
unit subtree, period (named or a from/to range, in the organization's time zone), service and
staff member; GET /api/v1/cases/metrics takes the same ``service`` and ``staff``; the card's
link to ``/app/kasus/`` carries all of them and the list shows exactly the cases counted in
"received". Hand-checked on the fixture of ``complaint_fixture.py`` with, in addition:

====  ========  ==========  =========  ===============================================
case  unit      service     staff      status on Fri 28 Aug (see complaint_fixture.py)
====  ========  ==========  =========  ===============================================
A     UPT 1     Pendaftaran Siti       selesai on time, rated 5
B     UPT 1     Pendaftaran -          selesai late (a breach), rated 4
C     Loket 1   -           Siti       selesai on time, rated 4
F     UPT 1     Pendaftaran -          open, not late
G     UPT 1     Pendaftaran -          open since 31 July (outside 2026-08)
D, E  UPT 2     -           -          (no service, no staff member)
====  ========  ==========  =========  ===============================================

By hand, 2026-08: service Pendaftaran: A, B, F: received 3, resolved 2, open 1, on time 1 of
2 (50.0 %), breaches 1 (B), satisfaction (5 + 4) / 2 = 4.50 (n 2). Staff member Siti: A, C:
received 2, resolved 2, open 0, on time 2 of 2 (100.0 %), breaches 0, satisfaction 4.50 (n 2).
Both: A only. Pendaftaran without a period: A, B, F, G (4), open 2. The range 13-21 August
with Pendaftaran: B (13th), A (14th): 2.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from prima.cases.models import Case
from prima.organizations import services as org
from tests.web.complaint_fixture import Clock, build_august, wib


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def august(world, clock):
    cases = build_august(world, clock)
    s1, siti = world.service1, world.staff1
    Case.objects.filter(pk__in=[cases[k].pk for k in "abfg"]).update(service=s1)
    Case.objects.filter(pk__in=[cases[k].pk for k in "ac"]).update(staff=siti)
    return cases


def figure(html: str, value_id: str) -> str:
    match = re.search(rf'id="{value_id}"[^>]*>([^<]*)<', html)
    assert match, value_id
    return match.group(1).strip()


FIGURES = ("c-received", "c-resolved", "c-open", "c-on-time", "c-breaches", "c-satisfaction")


def section(world, who, query):
    r = world.client(who).get(f"/app/surveys/{world.skm.code}/?section=complaints&{query}")
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def figures(html):
    if 'id="c-received"' not in html:
        return {"c-received": "0"}
    return {k: figure(html, k) for k in FIGURES}


def section_link(html):
    """The section's link to the case list (the button under the measures)."""
    part = html.split('id="complaints"')[1]
    links = re.findall(r'href="(/app/kasus/\?[^"]*|/app/kasus/)"', part)
    assert links, "no link to the case list"
    return unescape(links[-1])


def listed(world, who, url):
    r = world.client(who).get(url)
    assert r.status_code == 200, (url, r.status_code)
    return set(re.findall(r'class="case-item__code"[^>]*>([^<]+)<', r.content.decode()))


def codes(august, keys):
    return {august[k].tracking_code for k in keys}


def test_the_section_follows_service_staff_and_period_like_the_hand_counts_and_the_api(
    world, august
):
    s1, siti = world.service1.pk, world.staff1.pk
    expected = {
        f"period=2026-08&service={s1}": {
            "c-received": "3",
            "c-resolved": "2",
            "c-open": "1",
            "c-on-time": "50,0%",
            "c-breaches": "1",
            "c-satisfaction": "4,50",
        },
        f"period=2026-08&staff={siti}": {
            "c-received": "2",
            "c-resolved": "2",
            "c-open": "0",
            "c-on-time": "100,0%",
            "c-breaches": "0",
            "c-satisfaction": "4,50",
        },
    }
    for query, values in expected.items():
        html = section(world, "alice", query)
        assert figures(html) == values, query
        api = world.api("alice").get(f"/api/v1/cases/metrics?{query}")
        assert api.status_code == 200, api.content
        m = api.json()
        shown = (m["received"], m["resolved"], m["open"], m["breaches"], m["satisfaction"]["n"])
        wanted = [int(values[k]) for k in ("c-received", "c-resolved", "c-open", "c-breaches")]
        assert shown == (*wanted, 2)
        assert round(m["satisfaction"]["mean"], 2) == 4.5
    html = section(world, "alice", f"period=2026-08&service={s1}")
    assert "Hanya kasus yang dicatat dengan layanan Pendaftaran." in html
    html = section(world, "alice", f"period=2026-08&staff={siti}")
    assert "Hanya kasus yang dicatat dengan petugas Siti Petugas." in html
    # both, no period, a range
    assert (
        figure(section(world, "alice", f"period=2026-08&service={s1}&staff={siti}"), "c-received")
        == "1"
    )
    html = section(world, "alice", f"service={s1}")
    assert (figure(html, "c-received"), figure(html, "c-open")) == ("4", "2")
    html = section(world, "alice", f"from=2026-08-13&to=2026-08-21&service={s1}")
    assert figure(html, "c-received") == "2"
    api = world.api("alice").get(f"/api/v1/cases/metrics?period=2026-08&service={s1}&staff={siti}")
    assert (api.json()["received"], api.json()["service"], api.json()["staff"]) == (1, s1, siti)
    # the child units' rows follow the service too: UPT Alpha Dua has no case of it
    html = section(world, "alice", f"period=2026-08&service={s1}")
    row = html.split(f'id="complaints-unit-{world.upt2.pk}"')[1].split("</tr>")[0]
    assert re.sub(r"<[^>]+>", " ", row).split()[1:5] == ["UPT", "Alpha", "Dua", "0"]
    # the headline card: open F only, and it says which filters apply
    r = world.client("alice").get(f"/app/surveys/{world.skm.code}/?period=2026-08&service={s1}")
    html = r.content.decode()
    assert figure(html, "open-cases") == "1"
    assert "layanan Pendaftaran" in html


def test_the_link_round_trip_lists_exactly_the_cases_received(world, august):
    s1, siti, upt1 = world.service1.pk, world.staff1.pk, world.upt1.pk
    hand = {
        "period=2026-08": "abcdef",
        f"period=2026-08&service={s1}": "abf",
        f"period=2026-08&staff={siti}": "ac",
        f"period=2026-08&service={s1}&staff={siti}": "a",
        f"service={s1}": "abfg",
        "from=2026-08-13&to=2026-08-21": "abd",
        f"from=2026-08-13&to=2026-08-21&service={s1}": "ab",
        f"unit={upt1}&period=2026-08": "abcf",
        f"unit={upt1}&period=2026-08&staff={siti}": "ac",
        "period=2026-05": "",
    }
    for query, keys in hand.items():
        html = section(world, "alice", query)
        received = int(figures(html)["c-received"])
        link = section_link(html)
        for part in query.split("&"):
            assert part in link, (query, link)
        assert listed(world, "alice", link) == codes(august, keys), query
        assert received == len(keys), query
    # a unit manager: the same within the subtree
    html = section(world, "bob", f"period=2026-08&service={s1}")
    assert figure(html, "c-received") == "3"
    assert listed(world, "bob", section_link(html)) == codes(august, "abf")
    # the headline card's link too (open cases of the selection)
    r = world.client("alice").get(
        f"/app/surveys/{world.skm.code}/?from=2026-08-13&to=2026-08-31&service={s1}"
    )
    html = r.content.decode()
    link = unescape(re.search(r'href="([^"]*)" id="cases-link"', html).group(1))
    assert listed(world, "alice", link) == codes(august, "f")
    assert figure(html, "open-cases") == "1"


def test_the_range_is_in_the_organizations_time_zone_and_validated(world, august, clock):
    from prima.cases import services as cs

    # Saturday 22 August 03:00 WIB is still Friday 21 August in UTC: outside "to 21 August"
    clock.set(wib("2026-08-22 03:00"))
    late_night, _ = cs.case_receive(
        organization=world.alpha, unit=world.upt2, text="x", channel="web", anonymous=True
    )
    in_range = listed(world, "alice", "/app/kasus/?from=2026-08-13&to=2026-08-21")
    assert in_range == codes(august, "abd")
    assert late_night.tracking_code in listed(
        world, "alice", "/app/kasus/?from=2026-08-22&to=2026-08-22"
    )
    html = section(world, "alice", "from=2026-08-13&to=2026-08-21")
    assert figure(html, "c-received") == "3"
    # a bad date or an end before the start: a clear error at the field, the range left out
    r = world.client("alice").get("/app/kasus/?from=21-08-2026")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Tulis tanggal sebagai TTTT-BB-HH, misalnya 2026-08-31." in html
    assert 'aria-invalid="true"' in html
    r = world.client("alice").get("/app/kasus/?from=2026-08-21&to=2026-08-13")
    html = r.content.decode()
    assert "Tanggal akhir 2026-08-13 sebelum tanggal awal." in html
    assert len(listed(world, "alice", "/app/kasus/?from=2026-08-21&to=2026-08-13")) == 8  # all
    r = world.client("alice").get("/app/kasus/?from=21-08-2026&lang=en")
    assert "Write a date as YYYY-MM-DD" in r.content.decode()


def test_isolation_of_the_service_and_staff_filters(world, august):
    foreign_service = org.service_create(unit=world.bank_unit, name="Teller")
    foreign_staff = org.staff_create(unit=world.bank_unit, name="Budi Bank")
    upt2_service = org.service_create(unit=world.upt2, name="Perizinan")
    upt2_staff = org.staff_create(unit=world.upt2, name="Dewi")
    skm = f"/app/surveys/{world.skm.code}/"
    # another organization's service or staff member: 404 on the dashboard, the API, the list
    for who in ("alice", "bob"):
        for query in (f"service={foreign_service.pk}", f"staff={foreign_staff.pk}"):
            assert world.client(who).get(f"{skm}?section=complaints&{query}").status_code == 404
            assert world.api(who).get(f"/api/v1/cases/metrics?{query}").status_code == 404
            assert world.api(who).get(f"/api/v1/cases?{query}").status_code == 404
            assert world.client(who).get(f"/app/kasus/?{query}").status_code == 404
    # a manager outside the subtree: UPT Alpha Dua's service and staff member are not found
    for query in (f"service={upt2_service.pk}", f"staff={upt2_staff.pk}"):
        assert world.client("bob").get(f"{skm}?section=complaints&{query}").status_code == 404
        r = world.api("bob").get(f"/api/v1/cases/metrics?{query}")
        assert r.status_code == 404
        assert list(r.json()["errors"]) == [query.split("=")[0]]
        r = world.api("bob").get(f"/api/v1/cases?{query}")
        assert (r.status_code, list(r.json()["errors"])) == (404, [query.split("=")[0]])
        assert world.client("bob").get(f"/app/kasus/?{query}").status_code == 404
        # the admin sees them (no case recorded with them)
        assert world.api("alice").get(f"/api/v1/cases/metrics?{query}").json()["received"] == 0
        assert listed(world, "alice", f"/app/kasus/?{query}") == set()
    assert (
        world.client("bob").get(f"{skm}?section=complaints&unit={world.upt2.pk}").status_code == 404
    )
    # Bank Beta's admin: Dinas Alpha's service is another organization's
    r = world.api("charlie").get(f"/api/v1/cases/metrics?service={world.service1.pk}")
    assert r.status_code == 404
    assert (
        world.client("charlie").get(f"/app/kasus/?service={world.service1.pk}").status_code == 404
    )
    assert world.client("alice").get("/app/kasus/?service=abc").status_code == 404


def test_the_case_list_api_takes_the_same_service_and_staff(world, august):
    """GET /api/v1/cases?service=&staff= lists the cases the measures count (by hand, above):
    Pendaftaran in 2026-08 A, B, F; Siti A, C; both A; Pendaftaran without a period A, B, F, G."""
    s1, siti = world.service1.pk, world.staff1.pk
    alice = world.api("alice")

    def api_codes(query):
        r = alice.get(f"/api/v1/cases?{query}")
        assert r.status_code == 200, r.content
        page = r.json()
        assert page["count"] == len(page["items"])
        return {i["tracking_code"] for i in page["items"]}

    assert api_codes(f"period=2026-08&service={s1}") == codes(august, "abf")
    assert api_codes(f"period=2026-08&staff={siti}") == codes(august, "ac")
    assert api_codes(f"service={s1}&staff={siti}") == codes(august, "a")
    assert api_codes(f"service={s1}") == codes(august, "abfg")
    assert alice.get("/api/v1/cases?service=abc").status_code == 422


def test_a_user_of_two_organizations_gets_the_organization_in_the_link(world, august):
    from prima.organizations.choices import Role

    org.membership_grant(user=world.users["alice"], organization=world.beta, role=Role.VIEWER)
    html = section(world, "alice", "period=2026-08")
    link = section_link(html)
    assert f"organization={world.alpha.pk}" in link
    # Bank Beta's case H of 10 August is not listed: the list shows the card's six
    assert listed(world, "alice", link) == codes(august, "abcdef")
    assert august["h"].tracking_code in listed(world, "alice", "/app/kasus/?period=2026-08")
