"""An organization's working days (prima.organizations.calendar): local dates in WIB, WITA and
WIT, due dates from instants, closed and opened days, the time zone, and their API.

Dates hand-checked against the 2026 list of national holidays and *cuti bersama* (SKB 3
Menteri; tests/test_workdays.py) and the counting rule of shared/domain/complaints.md.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from prima.organizations import calendar as cal
from prima.organizations.choices import OrganizationKind
from prima.organizations.models import CalendarDay, Organization


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def org_in(zone: str, kind: str = OrganizationKind.COMMERCIAL, slug: str = "") -> Organization:
    return Organization.objects.create(
        name=f"Org {zone}", slug=slug or zone.lower().replace("/", "-"), kind=kind, time_zone=zone
    )


# --- local dates around midnight ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "last_instant_of_day", "first_instant_of_next"),
    [
        # WIB UTC+7: local midnight of 10 Feb 2026 is 9 Feb 17:00Z
        ("Asia/Jakarta", utc(2026, 2, 9, 16, 59, 59), utc(2026, 2, 9, 17, 0, 0)),
        # WITA UTC+8: 9 Feb 16:00Z
        ("Asia/Makassar", utc(2026, 2, 9, 15, 59, 59), utc(2026, 2, 9, 16, 0, 0)),
        # WIT UTC+9: 9 Feb 15:00Z
        ("Asia/Jayapura", utc(2026, 2, 9, 14, 59, 59), utc(2026, 2, 9, 15, 0, 0)),
    ],
)
def test_local_date_changes_at_local_midnight(
    zone: str, last_instant_of_day: datetime, first_instant_of_next: datetime
) -> None:
    org = org_in(zone)
    assert cal.local_date(org, last_instant_of_day) == date(2026, 2, 9)
    assert cal.local_date(org, first_instant_of_next) == date(2026, 2, 10)
    # received Mon 9 Feb, 3 working days: 10, 11, 12 Feb; received Tue 10 Feb: 11, 12, 13 Feb
    assert cal.due_date(org, last_instant_of_day, 3) == date(2026, 2, 12)
    assert cal.due_date(org, first_instant_of_next, 3) == date(2026, 2, 13)


@pytest.mark.django_db
def test_the_same_instant_is_another_day_in_another_zone() -> None:
    instant = utc(2026, 2, 13, 16, 30)  # Fri 23:30 WIB, Sat 00:30 WITA, Sat 01:30 WIT
    wib, wita, wit = org_in("Asia/Jakarta"), org_in("Asia/Makassar"), org_in("Asia/Jayapura")
    assert cal.local_date(wib, instant) == date(2026, 2, 13)
    assert cal.local_date(wita, instant) == date(2026, 2, 14)
    assert cal.local_date(wit, instant) == date(2026, 2, 14)
    # (commercial: 16 Feb, cuti bersama, is a working day) received Friday in WIB or Saturday in
    # WITA: the 1st working day after is Mon 16 Feb; the 2nd skips Imlek (Tue 17 Feb): 18 Feb
    assert cal.due_date(wib, instant, 1) == date(2026, 2, 16)
    assert cal.due_date(wita, instant, 1) == date(2026, 2, 16)
    assert cal.due_date(wib, instant, 2) == date(2026, 2, 18)
    assert cal.due_date(wit, instant, 2) == date(2026, 2, 18)


@pytest.mark.django_db
def test_the_installation_zone_when_the_organization_has_none(settings) -> None:
    org = Organization.objects.create(name="X", slug="x", kind=OrganizationKind.OTHER)
    assert org.zone_name == settings.TIME_ZONE == "Asia/Jakarta"
    assert cal.local_date(org, utc(2026, 2, 9, 17, 0)) == date(2026, 2, 10)
    # a naive instant is read in the installation's zone
    assert cal.local_date(org_in("Asia/Jayapura"), datetime(2026, 2, 9, 23, 30)) == date(
        2026, 2, 10
    )


# --- the organization's calendar -----------------------------------------------------------------


@pytest.mark.django_db
def test_cuti_bersama_for_government_organizations_only() -> None:
    received = utc(2026, 12, 18, 3, 0)  # Friday 18 Dec 2026, 10:00 WIB
    gov = org_in("Asia/Jakarta", OrganizationKind.GOVERNMENT, "gov")
    bank = org_in("Asia/Jakarta", OrganizationKind.COMMERCIAL, "bank")
    hospital = org_in("Asia/Jakarta", OrganizationKind.HEALTH, "rs")
    # complaints.md: 21 22 23 (24 cuti bersama) (25 Christmas) 28 29 -> 29 Dec
    assert cal.due_date(gov, received, 5) == date(2026, 12, 29)
    assert cal.due_date(bank, received, 5) == date(2026, 12, 28)
    assert cal.due_date(hospital, received, 5) == date(2026, 12, 28)


@pytest.mark.django_db
def test_closed_and_opened_days_of_the_organization() -> None:
    org = org_in("Asia/Makassar", OrganizationKind.GOVERNMENT)
    received = utc(2026, 4, 7, 1, 0)  # Tue 7 Apr 2026, 09:00 WITA
    assert cal.due_date(org, received, 3) == date(2026, 4, 10)
    cal.calendar_day_set(org, date(2026, 4, 8), working=False, name="HUT Kota")
    assert cal.due_date(org, received, 3) == date(2026, 4, 13)
    cal.calendar_day_set(org, date(2026, 4, 11), working=True, name="Sabtu pelayanan")
    assert cal.due_date(org, received, 3) == date(2026, 4, 11)
    # setting the day again replaces the decision
    cal.calendar_day_set(org, date(2026, 4, 11), working=False)
    assert CalendarDay.objects.filter(organization=org).count() == 2
    assert cal.due_date(org, received, 3) == date(2026, 4, 13)
    assert cal.calendar_day_reset(org, date(2026, 4, 8)) is True
    assert cal.calendar_day_reset(org, date(2026, 4, 8)) is False
    cal.calendar_day_reset(org, date(2026, 4, 11))
    assert cal.due_date(org, received, 3) == date(2026, 4, 10)


@pytest.mark.django_db
def test_another_organizations_days_do_not_count() -> None:
    a = org_in("Asia/Jakarta", slug="a")
    b = org_in("Asia/Jakarta", slug="b")
    cal.calendar_day_set(a, date(2026, 2, 10), working=False, name="Tutup")
    received = utc(2026, 2, 9, 3, 0)
    assert cal.due_date(a, received, 1) == date(2026, 2, 11)
    assert cal.due_date(b, received, 1) == date(2026, 2, 10)


@pytest.mark.django_db
def test_working_days_between_instants() -> None:
    org = org_in("Asia/Jayapura", OrganizationKind.GOVERNMENT)
    received = utc(2026, 3, 17, 14, 59)  # Tue 17 Mar 23:59 WIT
    # government: 18, 19, 20, 23, 24 Mar off; 25 Mar 08:00 WIT = 24 Mar 23:00Z
    assert cal.working_days_between(org, received, utc(2026, 3, 24, 23, 0)) == 1
    assert cal.working_days_between(org, received, utc(2026, 3, 17, 0, 0)) == 0
    assert cal.working_days_between(org, received, received) == 0
    # one calendar reused
    work = cal.calendar_for(org)
    assert cal.working_days_between(org, received, utc(2026, 3, 27, 1, 0), work) == 3
    assert cal.due_date(org, received, 3, work) == date(2026, 3, 27)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("WIB", "Asia/Jakarta"),
        ("wita", "Asia/Makassar"),
        (" WIT ", "Asia/Jayapura"),
        ("Asia/Makassar", "Asia/Makassar"),
        ("asia/jayapura", "Asia/Jayapura"),
        ("", ""),
    ],
)
def test_time_zone_from_name_or_abbreviation(typed: str, stored: str) -> None:
    org = org_in("Asia/Jakarta")
    cal.organization_set_time_zone(org, typed)
    org.refresh_from_db()
    assert org.time_zone == stored


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Europe/Berlin", "UTC", "WITT", "Asia/Jakarta\x00", "+07:00"])
def test_other_time_zones_are_refused(typed: str) -> None:
    org = org_in("Asia/Makassar")
    with pytest.raises(ValueError, match="WIB, WITA, WIT"):
        cal.organization_set_time_zone(org, typed)
    org.refresh_from_db()
    assert org.time_zone == "Asia/Makassar"


# --- the API (admins only; other members 403, outsiders 404) -------------------------------------

JSON = "application/json"


def put_day(client, slug: str, day: str, body: object):
    return client.put(f"/api/v1/organizations/{slug}/calendar/{day}", body, content_type=JSON)


@pytest.mark.django_db
def test_admin_closes_opens_and_resets_days(world) -> None:
    alice = world.api("alice")
    r = put_day(alice, "alpha", "2026-04-08", {"working": False, "name": "HUT Kota Alpha"})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "date": "2026-04-08",
        "working": False,
        "name": "HUT Kota Alpha",
        "source": "closed",
    }
    r = put_day(alice, "alpha", "2026-05-01", {"working": True})
    assert r.status_code == 200
    assert r.json()["source"] == "opened"
    days = dict(CalendarDay.objects.filter(organization=world.alpha).values_list("date", "working"))
    assert days == {date(2026, 4, 8): False, date(2026, 5, 1): True}
    # Dinas Alpha is a government office: received Tue 7 Apr, 3 working days:
    # (8 closed) 9, 10, 13 Apr
    assert cal.due_date(world.alpha, utc(2026, 4, 7, 3), 3) == date(2026, 4, 13)
    # the same day again: replaced, still one row
    r = put_day(alice, "alpha", "2026-04-08", {"working": True, "name": "Pelayanan"})
    assert r.json()["source"] == "opened"
    assert CalendarDay.objects.filter(organization=world.alpha).count() == 2
    r = alice.delete("/api/v1/organizations/alpha/calendar/2026-04-08")
    assert r.status_code == 204
    assert r.content == b""
    r = alice.delete("/api/v1/organizations/alpha/calendar/2026-04-08")
    assert r.status_code == 204  # already the default: still 204
    assert list(
        CalendarDay.objects.filter(organization=world.alpha).values_list("date", flat=True)
    ) == [date(2026, 5, 1)]
    # by id as well as by slug
    r = put_day(alice, str(world.alpha.pk), "2026-06-02", {"working": False})
    assert r.status_code == 200


@pytest.mark.django_db
def test_calendar_listing_of_a_year(world) -> None:
    alice = world.api("alice")
    put_day(alice, "alpha", "2026-04-08", {"working": False, "name": "HUT Kota Alpha"})
    put_day(alice, "alpha", "2026-04-11", {"working": True, "name": "Sabtu pelayanan"})
    put_day(alice, "alpha", "2026-05-01", {"working": True})
    r = alice.get("/api/v1/organizations/alpha/calendar?year=2026")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["year"] == 2026
    assert body["government"] is True
    assert body["time_zone"] == "Asia/Jakarta"
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-03-19"] == {
        "date": "2026-03-19",
        "working": False,
        "name": "Hari Suci Nyepi",
        "source": "holiday",
    }
    assert days["2026-12-24"]["source"] == "cuti_bersama"
    assert days["2026-04-08"] == {
        "date": "2026-04-08",
        "working": False,
        "name": "HUT Kota Alpha",
        "source": "closed",
    }
    assert days["2026-04-11"]["source"] == "opened"
    assert days["2026-04-11"]["name"] == "Sabtu pelayanan"
    # an opened holiday without a name of its own keeps the holiday's
    assert days["2026-05-01"] == {
        "date": "2026-05-01",
        "working": True,
        "name": "Hari Buruh Internasional",
        "source": "opened",
    }
    assert "2026-03-21" not in days  # Idul Fitri on a Saturday: no weekday lost
    # 13 weekday national holidays + 8 cuti bersama, 1 closed, 1 opened Saturday, and Labour
    # Day (a weekday holiday) now opened
    assert len(body["days"]) == 13 + 8 + 1 + 1
    assert [d["date"] for d in body["days"]] == sorted(days)
    # in English
    r = alice.get("/api/v1/organizations/alpha/calendar?year=2026&lang=en")
    names = {d["date"]: d["name"] for d in r.json()["days"]}
    assert names["2026-03-19"] == "Day of Silence"
    # a commercial organization: no cuti bersama
    r = world.api("charlie").get("/api/v1/organizations/beta/calendar?year=2026")
    assert r.status_code == 200
    assert r.json()["government"] is False
    assert {d["source"] for d in r.json()["days"]} == {"holiday"}
    assert len(r.json()["days"]) == 13


@pytest.mark.django_db
def test_calendar_listing_defaults_to_this_year(world) -> None:
    r = world.api("alice").get("/api/v1/organizations/alpha/calendar")
    assert r.status_code == 200
    assert r.json()["year"] == cal.local_date(world.alpha, datetime.now(UTC)).year


@pytest.mark.django_db
def test_admin_sets_the_time_zone(world) -> None:
    alice = world.api("alice")
    r = alice.patch("/api/v1/organizations/alpha", {"time_zone": "WITA"}, content_type=JSON)
    assert r.status_code == 200, r.content
    assert r.json()["time_zone"] == "Asia/Makassar"
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == "Asia/Makassar"
    r = alice.patch(
        "/api/v1/organizations/alpha", {"time_zone": "Asia/Jayapura"}, content_type=JSON
    )
    assert r.json()["time_zone"] == "Asia/Jayapura"
    # nothing to change: the organization as it is
    r = alice.patch("/api/v1/organizations/alpha", {}, content_type=JSON)
    assert r.status_code == 200
    assert r.json()["time_zone"] == "Asia/Jayapura"
    # empty: back to the installation's zone
    r = alice.patch("/api/v1/organizations/alpha", {"time_zone": ""}, content_type=JSON)
    assert r.json()["time_zone"] == "Asia/Jakarta"
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == ""
    listed = {o["slug"]: o for o in alice.get("/api/v1/organizations").json()}
    assert listed["alpha"]["time_zone"] == "Asia/Jakarta"


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Europe/Berlin", "UTC", "WITT", "Asia/Jakarta\x00", 7, "x" * 41])
def test_a_bad_time_zone_is_a_422_naming_it(world, zone) -> None:
    r = world.api("alice").patch(
        "/api/v1/organizations/alpha", {"time_zone": zone}, content_type=JSON
    )
    assert r.status_code == 422, r.content
    assert set(r.json()["errors"]) == {"time_zone"}
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day", ["2026-02-30", "2026-13-01", "20260408", "2026-4-8", "hari-ini", "2026-04-08T00:00"]
)
def test_a_bad_date_is_a_422_naming_it(world, day) -> None:
    alice = world.api("alice")
    r = put_day(alice, "alpha", day, {"working": False})
    assert r.status_code == 422, (day, r.content)
    assert set(r.json()["errors"]) == {"date"}
    r = alice.delete(f"/api/v1/organizations/alpha/calendar/{day}")
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"date"}
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "working"),
        ({"working": "no"}, "working"),
        ({"working": 0}, "working"),
        ({"working": False, "name": "x" * 201}, "name"),
        ({"working": False, "name": "HUT\x00"}, "name"),
        ({"working": False, "name": "HUT \ud800"}, "name"),
        ({"working": False, "name": 5}, "name"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(world, body, field) -> None:
    r = world.api("alice").put(
        "/api/v1/organizations/alpha/calendar/2026-04-08",
        json.dumps(body),
        content_type=JSON,
    )
    assert r.status_code == 422, r.content
    assert set(r.json()["errors"]) == {field}
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_year_out_of_range_is_a_422_naming_it(world) -> None:
    for year in ("1800", "abc", "99999"):
        r = world.api("alice").get(f"/api/v1/organizations/alpha/calendar?year={year}")
        assert r.status_code == 422
        assert set(r.json()["errors"]) == {"year"}


@pytest.mark.django_db
def test_only_the_organizations_admins(world) -> None:
    """Other members of Dinas Alpha: 403 (they know the organization); other tenants, users
    without a membership: 404; no token: 401. Nothing changes."""
    CalendarDay.objects.create(organization=world.alpha, date=date(2026, 4, 8), working=False)
    before = list(CalendarDay.objects.values_list("organization", "date", "working", "name"))
    for name, status in (
        ("victor", 403),
        ("bob", 403),
        ("charlie", 404),
        ("mallory", 404),
        (None, 401),
    ):
        client = world.api(name)
        requests = [
            client.get("/api/v1/organizations/alpha/calendar?year=2026"),
            put_day(client, "alpha", "2026-04-09", {"working": False, "name": "X"}),
            put_day(client, "alpha", "2026-04-08", {"working": True}),
            client.delete("/api/v1/organizations/alpha/calendar/2026-04-08"),
            client.patch("/api/v1/organizations/alpha", {"time_zone": "WIT"}, content_type=JSON),
        ]
        for r in requests:
            assert r.status_code == status, (name, r.request["REQUEST_METHOD"], r.content)
            assert r.json()["detail"]
            assert "Nyepi" not in r.content.decode()
    assert (
        list(CalendarDay.objects.values_list("organization", "date", "working", "name")) == before
    )
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == ""
    # charlie, admin of Bank Beta, changes his own organization only
    r = put_day(world.api("charlie"), "beta", "2026-04-09", {"working": False})
    assert r.status_code == 200
    assert not CalendarDay.objects.filter(organization=world.alpha, date=date(2026, 4, 9)).exists()


# --- /manage/ --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_manage_lists_the_years_calendar_and_the_admins_days(world, settings) -> None:
    CalendarDay.objects.create(
        organization=world.alpha, date=date(2026, 4, 8), working=False, name="HUT Kota Alpha"
    )
    CalendarDay.objects.create(
        organization=world.beta, date=date(2026, 4, 9), working=False, name="Libur Beta"
    )
    alice = world.client("alice")
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = alice.get("/manage/organizations/calendarday/?date__year=2026")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Days off of Dinas Alpha in 2026" in page
    assert "Day of Silence" in page  # Nyepi, 19 March
    assert "Christmas Joint Holiday" in page  # cuti bersama: Dinas Alpha is a government office
    assert "HUT Kota Alpha" in page
    assert "8 April 2026" in page
    assert "Libur Beta" not in page  # Bank Beta's day
    assert "Bank Beta" not in page
    # in Indonesian (the default)
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = alice.get("/manage/organizations/calendarday/?date__year=2026").content.decode()
    assert "Hari Suci Nyepi" in page
    assert "19 Maret 2026" in page
    # the list itself holds Dinas Alpha's day only
    r = alice.get("/manage/organizations/calendarday/?q=Libur")
    assert "Libur Beta" not in r.content.decode()
    beta_day = CalendarDay.objects.get(organization=world.beta)
    r = alice.get(f"/manage/organizations/calendarday/{beta_day.pk}/change/")
    assert r.status_code in (302, 404)


@pytest.mark.django_db
def test_manage_closes_and_opens_a_day(world) -> None:
    alice = world.client("alice")
    r = alice.get("/manage/organizations/calendarday/add/")
    assert r.status_code == 200
    assert "Bank Beta" not in r.content.decode()
    r = alice.post(
        "/manage/organizations/calendarday/add/",
        {
            "organization": world.alpha.pk,
            "date": "2026-04-08",
            "working": "False",
            "name": " HUT Kota Alpha ",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    day = CalendarDay.objects.get()
    assert (day.organization, day.date, day.working, day.name) == (
        world.alpha,
        date(2026, 4, 8),
        False,
        "HUT Kota Alpha",
    )
    # the same day twice: an error, one row
    r = alice.post(
        "/manage/organizations/calendarday/add/",
        {"organization": world.alpha.pk, "date": "2026-04-08", "working": "True", "name": ""},
    )
    assert r.status_code == 200
    assert CalendarDay.objects.count() == 1
    # opened
    r = alice.post(
        f"/manage/organizations/calendarday/{day.pk}/change/",
        {"organization": world.alpha.pk, "date": "2026-04-08", "working": "True", "name": ""},
    )
    assert r.status_code == 302
    day.refresh_from_db()
    assert day.working is True
    # another tenant's organization is not a choice; an unstorable name is refused at the field
    for body, field in (
        ({"organization": world.beta.pk, "date": "2026-04-09", "working": "False"}, "organization"),
        (
            {
                "organization": world.alpha.pk,
                "date": "2026-04-09",
                "working": "False",
                "name": "HU\x0bT",
            },
            "name",
        ),
        ({"organization": world.alpha.pk, "date": "2026-02-30", "working": "False"}, "date"),
        ({"organization": world.alpha.pk, "date": "2026-04-09"}, "working"),
    ):
        r = alice.post("/manage/organizations/calendarday/add/", body)
        assert r.status_code == 200
        assert field in r.context["adminform"].form.errors, (
            field,
            r.context["adminform"].form.errors,
        )
    assert CalendarDay.objects.count() == 1


@pytest.mark.django_db
def test_manage_sets_the_organizations_time_zone(world) -> None:
    alice = world.client("alice")
    url = f"/manage/organizations/organization/{world.alpha.pk}/change/"
    r = alice.get(url)
    assert r.status_code == 200
    assert "WITA (UTC+8)" in r.content.decode()
    r = alice.post(
        url, {"name": world.alpha.name, "kind": world.alpha.kind, "time_zone": "Asia/Makassar"}
    )
    assert r.status_code == 302
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == "Asia/Makassar"
    r = alice.post(url, {"name": world.alpha.name, "kind": world.alpha.kind, "time_zone": "UTC"})
    assert r.status_code == 200
    assert "time_zone" in r.context["adminform"].form.errors
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == "Asia/Makassar"


@pytest.mark.django_db
def test_manage_calendar_only_for_admins(world) -> None:
    CalendarDay.objects.create(organization=world.alpha, date=date(2026, 4, 8), working=False)
    for name in ("bob", "victor", "charlie", "mallory", None):
        r = world.client(name).get("/manage/organizations/calendarday/")
        if name == "charlie":  # Bank Beta's admin: his own calendar only
            assert r.status_code == 200
            assert "Dinas Alpha" not in r.content.decode()
        else:
            assert r.status_code == 302, name


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\x00", "{", "[1, 2]", '"working"'])
def test_a_body_that_is_not_an_object_is_a_json_4xx(world, raw) -> None:
    alice = world.api("alice")
    for r in (
        alice.put("/api/v1/organizations/alpha/calendar/2026-04-08", raw, content_type=JSON),
        alice.patch("/api/v1/organizations/alpha", raw, content_type=JSON),
    ):
        assert r.status_code in (400, 422), r.content
        assert r.json()["detail"]
    assert not CalendarDay.objects.exists()
    world.alpha.refresh_from_db()
    assert world.alpha.time_zone == ""


# --- a property: the local date is the UTC instant plus the zone's fixed offset ---------------------

OFFSETS = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}  # no daylight saving


@pytest.mark.django_db
def test_due_dates_follow_the_zones_offset() -> None:
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from prima.workdays import indonesian_calendar

    orgs = {zone: org_in(zone, OrganizationKind.GOVERNMENT) for zone in OFFSETS}
    work = indonesian_calendar(government=True)

    @settings(max_examples=300, deadline=None)
    @given(
        zone=st.sampled_from(sorted(OFFSETS)),
        instant=st.datetimes(
            min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
        ),
        n=st.integers(min_value=0, max_value=60),
    )
    def check(zone: str, instant: datetime, n: int) -> None:
        org = orgs[zone]
        local = (instant + timedelta(hours=OFFSETS[zone])).date()
        assert cal.local_date(org, instant) == local
        due = cal.due_date(org, instant, n, work)
        assert due == work.add_working_days(local, n)
        assert cal.working_days_between(org, instant, instant, work) == 0
        if n:
            assert work.is_working(due)
            assert due > local

    check()
