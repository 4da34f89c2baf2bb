"""The cases core (prima.cases.services and selectors): intake, due dates, transitions, the
first response and the resolution, reopening, rating, the history, the signal, and every measure
of point 6 checked by hand on a small fixture (issue 11).

Dinas Alpha is a government organization in WIB (the installation's zone); Bank Beta is
commercial. Times are set with a clock fixture (``django.utils.timezone.now``).
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prima.cases import services as cs
from prima.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseEventKind,
    CaseRating,
    CaseSettings,
    CaseStatus,
)
from prima.cases.selectors import (
    can_see_contact,
    case_measures,
    cases_for_user,
    public_events,
    public_units,
)
from prima.cases.signals import case_changed
from prima.organizations import services as org
from prima.organizations.choices import Role

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


def wib(text: str) -> datetime:
    """``"2026-07-01 09:00"`` in WIB."""
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


class Clock:
    """Sets ``django.utils.timezone.now`` (what the services, models and checks read)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, instant: datetime) -> datetime:
        self.monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def receive(world, at: datetime | None = None, **extra):
    values = {
        "organization": world.alpha,
        "unit": world.upt1,
        "text": "Antrean terlalu lama di loket pendaftaran.",
        "channel": "web",
        "received_at": at,
    }
    values.update(extra)
    case, created = cs.case_receive(**values)
    assert created
    return case


# -- tracking codes ----------------------------------------------------------------------------
def test_tracking_codes_are_short_printable_and_unguessable():
    codes = {cs.tracking_code_new() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", code)
        assert not set(code) & set("01OIL")
    assert len(cs.TRACKING_ALPHABET) == 31
    assert round(math.log2(31) * 10, 1) == 49.5  # the entropy the docstring states
    assert cs.tracking_code_normalise("k7mx q4pa 9r") == "K7MX-Q4PA-9R"
    assert cs.tracking_code_normalise("K7MX-Q4PA-9O") is None  # O is not in the alphabet
    assert cs.tracking_code_normalise("K7MX") is None
    assert cs.tracking_code_normalise("\x00" * 20) is None


def test_a_taken_tracking_code_draws_again(world, monkeypatch):
    first = receive(world)
    drawn = iter([first.tracking_code, "ABCD-EFGH-JK"])
    monkeypatch.setattr(cs, "tracking_code_new", lambda: next(drawn))
    second = receive(world)
    assert second.tracking_code == "ABCD-EFGH-JK"


# -- intake and due dates ------------------------------------------------------------------------
def test_due_dates_follow_the_example_of_complaints_md(world, clock):
    """Received Friday 18 Dec 2026 in WIB, 5 working days: a government office skips 24 Dec
    (cuti bersama) and 25 Dec (Christmas): due 29 Dec; a bank works on 24 Dec: due 28 Dec.
    First response (3): 21, 22, 23 Dec for both."""
    clock.set(wib("2026-12-18 10:00"))
    gov = receive(world)
    assert (gov.first_response_due, gov.resolution_due) == (date(2026, 12, 23), date(2026, 12, 29))
    bank = receive(world, organization=world.beta, unit=world.bank_unit)
    assert (bank.first_response_due, bank.resolution_due) == (
        date(2026, 12, 23),
        date(2026, 12, 28),
    )
    assert gov.status == CaseStatus.NEW
    assert gov.received_at == wib("2026-12-18 10:00")


def test_due_dates_use_the_organizations_settings_and_tier(world, clock):
    clock.set(wib("2026-07-01 09:00"))  # July 2026: no holiday
    CaseSettings.objects.create(
        organization=world.alpha, first_response_days=2, ordinary_days=4, dispute_days=10
    )
    case = receive(world)
    assert case.first_response_due == date(2026, 7, 3)  # Thu 2, Fri 3
    assert case.resolution_due == date(2026, 7, 7)  # 2, 3, 6, 7
    dispute = receive(world, tier="sengketa")
    assert dispute.resolution_due == date(2026, 7, 15)  # 2, 3, 6-10, 13-15
    # 60 (default): 2 and 3 Jul, then 12 weeks of 5 from 6 Jul less Independence Day (Mon 17
    # Aug) and the Prophet's Birthday (Tue 25 Aug): the 60th is Fri 25 Sep
    field = receive(world, tier="lapangan")
    assert field.resolution_due == date(2026, 9, 25)


def test_receipt_just_before_and_after_midnight_in_the_organizations_zone(world, clock):
    """16:59:59Z is 23:59:59 WIB (Friday 3 Jul), 17:00:00Z is Saturday in WIB."""
    clock.set(datetime(2026, 7, 6, 12, tzinfo=WIB))
    before = receive(world, at=datetime(2026, 7, 3, 16, 59, 59, tzinfo=ZoneInfo("UTC")))
    after = receive(world, at=datetime(2026, 7, 3, 17, 0, 0, tzinfo=ZoneInfo("UTC")))
    assert before.first_response_due == date(2026, 7, 8)  # Mon 6, Tue 7, Wed 8
    assert after.first_response_due == date(2026, 7, 8)  # Sat 4 not counted: the same
    world.alpha.time_zone = "Asia/Makassar"
    world.alpha.save()
    # 15:59:59Z is 23:59:59 WITA on Thursday 2 Jul; 16:00Z is Friday 3 Jul
    thursday = receive(world, at=datetime(2026, 7, 2, 15, 59, 59, tzinfo=ZoneInfo("UTC")))
    friday = receive(world, at=datetime(2026, 7, 2, 16, 0, 0, tzinfo=ZoneInfo("UTC")))
    assert thursday.first_response_due == date(2026, 7, 7)  # 3, 6, 7
    assert friday.first_response_due == date(2026, 7, 8)  # 6, 7, 8


def test_a_closed_day_applies_to_cases_received_afterwards(world, clock):
    from prima.organizations.calendar import calendar_day_set

    clock.set(wib("2026-07-01 09:00"))
    earlier = receive(world)
    calendar_day_set(world.alpha, date(2026, 7, 2), working=False, name="HUT Kota")
    later = receive(world)
    assert earlier.first_response_due == date(2026, 7, 6)  # 2, 3, 6: fixed on receipt
    assert later.first_response_due == date(2026, 7, 7)  # 3, 6, 7
    earlier.refresh_from_db()
    assert earlier.first_response_due == date(2026, 7, 6)


def test_the_same_submission_id_stores_one_case(world):
    sid = uuid.uuid4()
    case, created = cs.case_receive(
        organization=world.alpha, unit=world.upt1, text="Satu", channel="web", submission_id=sid
    )
    again, created_again = cs.case_receive(
        organization=world.alpha, unit=world.upt2, text="Dua", channel="web", submission_id=str(sid)
    )
    assert created
    assert not created_again
    assert again.pk == case.pk
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case).count() == 1
    # the same id at another organization is another case
    other, created_other = cs.case_receive(
        organization=world.beta,
        unit=world.bank_unit,
        text="Tiga",
        channel="web",
        submission_id=sid,
    )
    assert created_other
    assert other.pk != case.pk


def test_intake_names_every_field_that_is_wrong(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    with pytest.raises(cs.CaseError) as exc:
        cs.case_receive(
            organization=world.alpha,
            unit=world.bank_unit,  # another organization's unit
            text="x" * 5001,
            channel="fax",
            tier="kilat",
            received_at=wib("2026-07-02 09:00"),
            category="nope",
            contact={"email": "bukan-surel", "phone": "12"},
            submission_id="not-a-uuid",
        )
    assert set(exc.value.errors) == {"submission_id"}  # checked first (retries)
    with pytest.raises(cs.CaseError) as exc:
        cs.case_receive(
            organization=world.alpha,
            unit=world.bank_unit,
            text="x" * 5001,
            channel="fax",
            tier="kilat",
            received_at=wib("2026-07-02 09:00"),
            category="nope",
            contact={"email": "bukan-surel", "phone": "12"},
        )
    assert set(exc.value.errors) == {
        "text",
        "channel",
        "tier",
        "received_at",
        "unit",
        "category",
        "contact.email",
        "contact.phone",
    }
    assert Case.objects.count() == 0
    for text in ("ok\x00", "ok\udc00", "ok\ufffe"):
        with pytest.raises(cs.CaseError) as exc:
            receive(world, text=text)
        assert "U+" in exc.value.errors["text"]
    with pytest.raises(cs.CaseError) as exc:
        receive(world, contact={"name": "Budi\x00"}, consent=True)
    assert set(exc.value.errors) == {"contact.name"}
    with pytest.raises(cs.CaseError) as exc:
        receive(world, text="   ")
    assert set(exc.value.errors) == {"text"}
    assert receive(world, text="x" * 5000).text == "x" * 5000


def test_public_intake_needs_name_contact_and_consent_unless_anonymous(world):
    def public(**extra):
        return cs.case_receive(
            organization=world.alpha,
            unit=world.upt1,
            text="Petugas tidak ramah.",
            channel="web",
            require_contact=True,
            **extra,
        )

    with pytest.raises(cs.CaseError) as exc:
        public()
    assert set(exc.value.errors) == {"contact.name", "contact.email", "consent"}
    with pytest.raises(cs.CaseError) as exc:
        public(contact={"name": "Budi", "phone": "0812 3456 7890"})
    assert set(exc.value.errors) == {"consent"}
    with pytest.raises(cs.CaseError) as exc:
        public(anonymous=True, contact={"name": "Budi"})
    assert set(exc.value.errors) == {"contact"}
    case, _ = public(anonymous=True)
    assert (case.anonymous, case.contact_name, case.contact_email, case.contact_phone) == (
        True,
        "",
        "",
        "",
    )
    case, _ = public(contact={"name": "Budi", "phone": "0812 3456 7890"}, consent=True)
    assert (case.contact_name, case.contact_phone, case.consent) == (
        "Budi",
        "0812 3456 7890",
        True,
    )


def test_default_categories_are_made_on_first_use(world):
    assert not CaseCategory.objects.filter(organization=world.alpha).exists()
    case = receive(world, category="U3")
    categories = list(CaseCategory.objects.filter(organization=world.alpha))
    assert [c.key for c in categories] == [
        *(f"U{i}" for i in range(1, 10)),
        "ability",
        "attitude",
        "appearance",
        "attention",
        "action",
        "accountability",
        "other",
    ]
    assert case.category.key == "U3"
    assert case.category.unsur == "U3"
    from django.utils import translation

    with translation.override("id"):
        assert cs.category_name(case.category) == "Waktu Penyelesaian"
        assert cs.category_name(categories[9]) == "Kemampuan"
    with translation.override("en"):
        assert cs.category_name(case.category) == "Completion time"
    categories[2].name = "Lama layanan"
    categories[2].save()
    assert cs.category_name(categories[2]) == "Lama layanan"
    categories[0].active = False
    categories[0].save()
    with pytest.raises(cs.CaseError) as exc:
        receive(world, category="U1")
    assert set(exc.value.errors) == {"category"}
    assert CaseCategory.objects.filter(organization=world.alpha).count() == 16  # made once


# -- transitions ---------------------------------------------------------------------------------
def test_status_moves_sets_first_response_and_resolution(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    case = receive(world)
    alice = world.users["alice"]
    clock.set(wib("2026-07-02 10:00"))
    cs.case_transition(case, status="diverifikasi", note="Kami periksa.", user=alice)
    assert case.first_response_at == wib("2026-07-02 10:00")
    assert (case.first_response_days, case.first_response_on_time) == (1, True)
    clock.set(wib("2026-07-03 10:00"))
    cs.case_transition(case, status="diproses", user=alice)
    assert case.first_response_at == wib("2026-07-02 10:00")  # set once
    clock.set(wib("2026-07-09 16:00"))  # Thu: 2, 3, 6, 7, 8, 9 = 6 working days; due 8 Jul
    cs.case_transition(case, status="selesai", note="Loket ditambah.", user=alice)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_at == wib("2026-07-09 16:00")
    assert (case.resolution_days, case.resolved_on_time) == (6, False)
    kinds = list(case.events.values_list("kind", "status_from", "status_to", "actor__username"))
    assert kinds == [
        ("created", "", "baru", None),
        ("status", "baru", "diverifikasi", "alice"),
        ("status", "diverifikasi", "diproses", "alice"),
        ("status", "diproses", "selesai", "alice"),
    ]


def test_first_response_across_a_holiday_and_its_cuti_bersama(world, clock):
    """Received Fri 13 Feb 2026, answered Wed 18 Feb: 16 Feb (cuti bersama) and 17 Feb (Lunar
    New Year) do not count at a government office (1 working day), only 17 Feb at a bank (2)."""
    clock.set(wib("2026-02-13 09:00"))
    gov = receive(world)
    bank = receive(world, organization=world.beta, unit=world.bank_unit)
    clock.set(wib("2026-02-18 09:00"))
    cs.case_transition(gov, status="diverifikasi")
    cs.case_transition(bank, status="diverifikasi")
    assert gov.first_response_days == 1
    assert bank.first_response_days == 2


def test_invalid_transitions_name_both_statuses(world):
    case = receive(world)
    for target in ("selesai", "diproses", "baru", "liburan"):
        with pytest.raises(cs.InvalidTransition) as exc:
            cs.case_transition(case, status=target)
        assert "baru" in str(exc.value)
        assert target in str(exc.value)
        assert exc.value.conflict
    cs.case_transition(case, status="ditolak", note="Bukan kewenangan unit ini.")
    with pytest.raises(cs.InvalidTransition) as exc:
        cs.case_transition(case, status="diproses")
    assert "ditolak" in exc.value.errors["status"]
    assert "diproses" in exc.value.errors["status"]
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_rejection_needs_a_reason(world):
    case = receive(world)
    for note in ("", "   "):
        with pytest.raises(cs.CaseError) as exc:
            cs.case_transition(case, status="ditolak", note=note)
        assert set(exc.value.errors) == {"note"}
        assert not exc.value.conflict
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    cs.case_transition(case, status="ditolak", note="Duplikat pengaduan lain.")
    assert case.status == CaseStatus.REJECTED
    assert case.first_response_at is not None  # the first move out of baru


def test_a_public_reply_is_the_first_response_an_internal_note_is_not(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    case = receive(world)
    clock.set(wib("2026-07-02 09:00"))
    cs.case_note(case, note="Cek CCTV loket 2.", user=world.users["alice"])
    case.refresh_from_db()
    assert case.first_response_at is None
    clock.set(wib("2026-07-07 09:00"))  # 2, 3, 6, 7: one day after the due 6 Jul
    cs.case_reply(case, note="Terima kasih, sedang kami periksa.", user=world.users["alice"])
    case.refresh_from_db()
    assert (case.first_response_days, case.first_response_on_time) == (4, False)
    assert case.status == CaseStatus.NEW


def test_reopening_within_14_days_counts_a_new_resolution_due(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    case = receive(world)
    for status in ("diverifikasi", "diproses", "selesai"):
        cs.case_transition(case, status=status)
    clock.set(wib("2026-07-10 09:00"))  # Fri: due 5 working days later: 13-17 Jul
    cs.case_reopen(case, note="Masih antre lama.")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopened_at == wib("2026-07-10 09:00")
    assert case.resolution_due == date(2026, 7, 17)
    assert (case.resolved_at, case.resolution_days, case.resolved_on_time) == (None, None, None)
    event = case.events.get(kind=CaseEventKind.REOPENED)
    assert (event.status_from, event.status_to, event.public) == ("selesai", "diproses", True)
    clock.set(wib("2026-07-14 09:00"))
    cs.case_transition(case, status="selesai")
    assert (case.resolution_days, case.resolved_on_time) == (2, True)  # 13, 14 from reopening
    clock.set(wib("2026-07-28 09:00"))  # exactly 14 days later: still possible
    assert cs.reopen_open(case)
    clock.set(wib("2026-07-28 09:01"))
    with pytest.raises(cs.CaseError) as exc:
        cs.case_reopen(case)
    assert exc.value.conflict
    assert "14" in exc.value.errors["status"]
    open_case = receive(world)
    with pytest.raises(cs.InvalidTransition):
        cs.case_reopen(open_case)


def test_rating_once_and_only_when_resolved(world):
    case = receive(world)
    with pytest.raises(cs.CaseError) as exc:
        cs.case_rate(case, score=5)
    assert exc.value.conflict
    for status in ("diverifikasi", "diproses", "selesai"):
        cs.case_transition(case, status=status)
    for bad in (0, 6, "5", 4.5, True, None):
        with pytest.raises(cs.CaseError) as exc:
            cs.case_rate(case, score=bad)
        assert set(exc.value.errors) == {"score"}
        assert not exc.value.conflict
    rating = cs.case_rate(case, score=4, comment="Cepat ditangani.")
    assert (rating.score, rating.comment) == (4, "Cepat ditangani.")
    with pytest.raises(cs.CaseError) as exc:
        cs.case_rate(case, score=5)
    assert exc.value.conflict
    assert CaseRating.objects.count() == 1
    assert case.events.filter(kind=CaseEventKind.RATED).count() == 1


def test_assignment_needs_a_role_covering_the_unit(world):
    case = receive(world, unit=world.upt2)
    with pytest.raises(cs.CaseError) as exc:
        cs.case_assign(case, owner=world.users["bob"], user=world.users["alice"])  # UPT Satu only
    assert set(exc.value.errors) == {"owner"}
    with pytest.raises(cs.CaseError):
        cs.case_assign(case, owner=world.users["victor"], user=world.users["alice"])  # viewer
    cs.case_assign(case, owner=world.users["alice"], user=world.users["alice"])
    assert case.owner == world.users["alice"]
    event = case.events.get(kind=CaseEventKind.ASSIGNED)
    assert event.data["owner"] == world.users["alice"].pk


def test_classify_changes_category_and_tier(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    case = receive(world)
    cs.case_classify(case, user=world.users["alice"], category="U7", tier="sengketa")
    case.refresh_from_db()
    assert (case.category.key, case.tier) == ("U7", "sengketa")
    assert case.resolution_due == date(2026, 7, 21)  # 14 working days after 1 Jul
    with pytest.raises(cs.CaseError):
        cs.case_classify(case, user=None, tier="kilat")


def test_the_history_is_append_only(world):
    case = receive(world)
    event = case.events.get()
    event.note = "diubah"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_every_change_sends_case_changed_after_commit(world, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, case, event, kind, **kwargs):
        seen.append((kind, event.kind, case.status))

    case_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            case = receive(world)
        assert seen == []  # nothing before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            cs.case_transition(case, status="diverifikasi")
            cs.case_note(case, note="internal", user=world.users["alice"])
            cs.case_reply(case, note="untuk pelapor", user=world.users["alice"])
            cs.case_assign(case, owner=world.users["alice"], user=None)
            cs.case_classify(case, user=None, tier="sengketa")
            cs.case_transition(case, status="diproses")
            cs.case_transition(case, status="selesai")
            cs.case_rate(case, score=3)
            cs.case_reopen(case)
    finally:
        case_changed.disconnect(receiver)
    assert [k for k, _e, _s in seen] == [
        "created",
        "status_changed",
        "noted",
        "replied",
        "assigned",
        "edited",
        "status_changed",
        "status_changed",
        "rated",
        "status_changed",
    ]
    assert seen[-1][1] == CaseEventKind.REOPENED


# -- what the complainant sees -------------------------------------------------------------------
def test_public_events_hide_internal_notes_and_private_notes(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    case = receive(world)
    clock.set(wib("2026-07-02 09:00"))
    cs.case_transition(case, status="diverifikasi", note="Catatan untuk pelapor")
    cs.case_note(case, note="RAHASIA internal", user=world.users["alice"])
    cs.case_transition(case, status="diproses", note="RAHASIA tak publik", public_note=False)
    cs.case_assign(case, owner=world.users["alice"], user=None)
    events = public_events(case)
    assert [(e.status, e.note) for e in events] == [
        ("baru", ""),
        ("diverifikasi", "Catatan untuk pelapor"),
        ("diproses", ""),
    ]
    assert events[0].at == wib("2026-07-01 09:00")


def test_public_units_are_those_of_open_surveys(world):
    assert list(public_units(world.alpha)) == [world.upt1, world.upt2]
    assert list(public_units(world.beta)) == [world.bank_unit]


# -- access --------------------------------------------------------------------------------------
def test_who_sees_which_cases_and_contacts(world):
    contact = {"name": "Budi", "email": "budi@example.org"}
    in_upt1 = receive(world, contact=contact, consent=True)
    in_upt2 = receive(world, unit=world.upt2, contact=contact, consent=True)
    staff_user = org.user_create(username="sari", password="x-long-password-1")
    org.membership_grant(
        user=staff_user, organization=world.alpha, role=Role.STAFF, unit=world.upt1
    )
    assert set(cases_for_user(world.users["alice"])) == {in_upt1, in_upt2}
    assert set(cases_for_user(world.users["victor"])) == {in_upt1, in_upt2}
    assert set(cases_for_user(world.users["bob"])) == {in_upt1}
    assert set(cases_for_user(staff_user)) == {in_upt1}
    assert set(cases_for_user(world.users["charlie"])) == set()
    assert set(cases_for_user(world.users["mallory"])) == set()
    assert can_see_contact(world.users["alice"], in_upt2)
    assert can_see_contact(world.users["bob"], in_upt1)
    assert not can_see_contact(world.users["bob"], in_upt2)
    assert not can_see_contact(world.users["victor"], in_upt1)
    assert not can_see_contact(staff_user, in_upt1)
    cs.case_assign(in_upt1, owner=staff_user, user=world.users["alice"])
    assert can_see_contact(staff_user, in_upt1)


# -- the measures (point 6), by hand ---------------------------------------------------------------
def build_july(world, clock):
    """The hand-checked fixture of the measures: cases received in July 2026 (no holiday in
    July), today Friday 31 July 2026 15:00 WIB. Working days in the comments."""

    def at(text):
        return clock.set(wib(text))

    def move(case, when, *statuses, note="catatan"):
        at(when)
        for status in statuses:
            cs.case_transition(case, status=status, note=note)

    at("2026-07-01 09:00")
    a = receive(world)  # first response Thu 2 (1, due 6 Jul), resolved Tue 7 (4, due 8 Jul)
    g = receive(world, unit=world.upt2, tier="sengketa")  # 0; resolved Fri 17 (12, due 21 Jul)
    at("2026-07-01 14:00")
    g_first = "2026-07-01 14:00"
    move(g, g_first, "diverifikasi", "diproses")
    move(a, "2026-07-02 09:00", "diverifikasi")
    at("2026-07-02 09:00")
    b = receive(world)  # first response Fri 10 (6, due 7 Jul: late); resolved Mon 13 (7, due 9)
    move(a, "2026-07-03 09:00", "diproses")
    at("2026-07-03 09:00")
    i = receive(world, unit=world.loket1)  # 0; resolved Thu 9 (4, due 10 Jul)
    move(i, "2026-07-03 11:00", "diverifikasi", "diproses")
    at("2026-07-06 09:00")
    c = receive(world)  # rejected the same day: first response 0
    move(c, "2026-07-06 15:00", "ditolak", note="Bukan kewenangan kami.")
    move(a, "2026-07-07 09:00", "selesai")
    move(i, "2026-07-09 09:00", "selesai")
    move(b, "2026-07-10 09:00", "diverifikasi", "diproses")
    at("2026-07-13 09:00")
    d = receive(world)  # first response Wed 15 (2, due 16); open, resolution due 20 Jul: late
    move(b, "2026-07-13 10:00", "selesai")
    move(d, "2026-07-15 09:00", "diverifikasi")
    move(g, "2026-07-17 09:00", "selesai")
    at("2026-07-22 09:00")
    f = receive(world)  # no response: first due 27 Jul, resolution due 29 Jul: both late
    at("2026-07-28 09:00")
    e = receive(world)  # no response: first due 31 Jul (today: not late), resolution due 4 Aug
    at("2026-07-30 09:00")
    cs.case_rate(a, score=5)
    cs.case_rate(b, score=2)
    cs.case_rate(g, score=4)
    at("2026-06-30 09:00")
    h = receive(world)  # June: outside the period
    at("2026-07-31 15:00")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "i": i}


T_975_2 = 4.302652729749464  # Student t, 97.5% quantile, 2 degrees of freedom (tables)


def test_measures_by_hand(world, clock):
    cases = build_july(world, clock)
    a, b, g = cases["a"], cases["b"], cases["g"]
    for case in cases.values():
        case.refresh_from_db()
    assert (a.first_response_days, a.resolution_days, a.resolved_on_time) == (1, 4, True)
    assert (b.first_response_days, b.first_response_on_time) == (6, False)
    assert (b.resolution_days, b.resolved_on_time) == (7, False)
    assert (g.first_response_days, g.resolution_days, g.resolved_on_time) == (0, 12, True)
    assert g.resolution_due == date(2026, 7, 21)
    assert cases["d"].resolution_due == date(2026, 7, 20)
    assert cases["f"].first_response_due == date(2026, 7, 27)
    assert cases["e"].first_response_due == date(2026, 7, 31)

    m = case_measures(
        world.users["alice"], world.alpha, start=date(2026, 7, 1), end=date(2026, 8, 1)
    )
    assert (m.received, m.resolved, m.rejected, m.open) == (8, 4, 1, 3)
    # first response: 0 (c), 0 (g), 0 (i), 1 (a), 2 (d), 6 (b); type 7: h = 5p
    assert m.first_response.n == 6
    assert m.first_response.median == 0.5  # h = 2.5: 0 + 0.5 (1 - 0)
    assert m.first_response.p90 == 4.0  # h = 4.5: 2 + 0.5 (6 - 2)
    # resolution: 4 (a), 4 (i), 7 (b), 12 (g); h = 3p
    assert m.resolution.n == 4
    assert m.resolution.median == 5.5  # h = 1.5: 4 + 0.5 (7 - 4)
    assert m.resolution.p90 == 10.5  # h = 2.7: 7 + 0.7 (12 - 7)
    assert m.resolved_on_time == 3  # a, g, i
    assert m.on_time_share == 0.75
    assert m.first_response_late == 2  # b (answered late), f (none, past due); e due today
    assert m.resolution_late == 3  # b (resolved late), d and f (open past due)
    assert m.breaches == 3  # b, d, f
    # satisfaction: 5, 2, 4: mean 11/3, SD sqrt(7/3), t interval with 2 degrees of freedom
    s = m.satisfaction
    assert s.n == 3
    assert s.mean == pytest.approx(11 / 3)
    assert s.sd == pytest.approx(math.sqrt(7 / 3))
    half = T_975_2 * math.sqrt(7 / 3) / math.sqrt(3)
    assert s.ci_low == pytest.approx(11 / 3 - half, rel=1e-9)
    assert s.ci_high == pytest.approx(11 / 3 + half, rel=1e-9)

    # UPT Alpha Satu's subtree (g is at UPT Dua): a, b, c, d, e, f, i
    m = case_measures(
        world.users["alice"],
        world.alpha,
        unit=world.upt1,
        start=date(2026, 7, 1),
        end=date(2026, 8, 1),
    )
    assert (m.received, m.resolved, m.rejected, m.open) == (7, 3, 1, 3)
    assert m.resolution.median == 4.0  # 4, 4, 7
    assert m.on_time_share == pytest.approx(2 / 3)
    assert m.satisfaction.n == 2
    # bob (manager of UPT Satu) sees the same without naming the unit; all time adds h (June)
    bob = case_measures(world.users["bob"], world.alpha)
    assert bob.received == 8
    assert bob.open == 4  # d, e, f and h (received 30 Jun, never answered)
    # the loket alone: i
    loket = case_measures(world.users["alice"], world.alpha, unit=world.loket1)
    assert (loket.received, loket.resolved, loket.resolution.median) == (1, 1, 4.0)
    # nothing received: no percentile, no share, no mean
    empty = case_measures(
        world.users["alice"], world.alpha, start=date(2025, 1, 1), end=date(2025, 2, 1)
    )
    assert (empty.received, empty.first_response.median, empty.on_time_share) == (0, None, None)
    assert empty.satisfaction.mean is None


def test_measures_cost_three_queries_whatever_the_number_of_cases(world, clock):
    build_july(world, clock)
    with CaptureQueriesContext(connection) as queries:
        case_measures(
            world.users["alice"], world.alpha, start=date(2026, 7, 1), end=date(2026, 8, 1)
        )
    # the user's memberships, then the three totals queries
    assert len(queries) <= 4, [q["sql"] for q in queries]
