"""The cases API through the whole HTTP stack (issue 11): the contract's paths, keys and status
codes, duplicates, errors naming their field, scopes and the measures."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from prima.cases import services as cs
from prima.cases.models import Case, CaseEvent, CaseStatus
from tests.web.test_cases_core import Clock, build_july, wib

RECEIPT_KEYS = {"id", "tracking_code", "first_response_due", "resolution_due"}
PUBLIC_KEYS = {
    "tracking_code",
    "status",
    "organization",
    "unit",
    "category",
    "received_at",
    "first_response_due",
    "resolution_due",
    "resolved_at",
    "events",
    "rating",
    "reopen_until",
}
CONTACT = {"name": "Rina Pelapor 8c2d", "email": "rina.8c2d@contoh.id", "phone": "0812-5555-0101"}


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def public_body(world, **extra):
    body = {
        "submission_id": str(uuid.uuid4()),
        "text": "Antrean di loket pendaftaran lebih dari dua jam.",
        "unit": world.upt1.pk,
        "contact": CONTACT,
        "consent": True,
    }
    body.update(extra)
    return body


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def anon(world):
    return world.api(None)


# -- public intake -------------------------------------------------------------------------------
def test_public_intake_answers_201_then_200_for_the_same_submission(world, anon, clock):
    clock.set(wib("2026-12-18 10:00"))
    body = public_body(world, unit=world.upt1.pk, category="U3")
    r = post(anon, "/api/v1/public/organizations/alpha/cases", body)
    assert r.status_code == 201, r.content
    first = r.json()
    assert set(first) == RECEIPT_KEYS
    assert first["first_response_due"] == "2026-12-23"
    assert first["resolution_due"] == "2026-12-29"  # complaints.md's example
    case = Case.objects.get(pk=first["id"])
    assert case.tracking_code == first["tracking_code"]
    assert (case.contact_name, case.consent, case.channel, case.category.key) == (
        CONTACT["name"],
        True,
        "web",
        "U3",
    )
    again = post(anon, "/api/v1/public/organizations/alpha/cases", {**body, "text": "lain"})
    assert again.status_code == 200
    assert again.json() == first
    assert Case.objects.count() == 1


def test_public_intake_errors_name_their_field(world, anon):
    url = "/api/v1/public/organizations/alpha/cases"
    cases = [
        (public_body(world, text=""), 422, {"text"}),
        (public_body(world, text="x" * 5001), 422, {"text"}),
        (public_body(world, text="a\u0000b"), 422, {"text"}),
        (
            public_body(world, contact=None, consent=False),
            422,
            {"contact.name", "contact.email", "consent"},
        ),
        (public_body(world, consent=False), 422, {"consent"}),
        (public_body(world, anonymous=True), 422, {"contact"}),
        (public_body(world, contact={"name": "Budi", "email": "bukan"}), 422, {"contact.email"}),
        (public_body(world, unit=world.loket1.pk), 422, {"unit"}),  # not on a public survey
        (public_body(world, unit=world.bank_unit.pk), 422, {"unit"}),
        (public_body(world, unit=world.upt1.pk, category="zzz"), 422, {"category"}),
        (public_body(world, submission_id="bukan-uuid"), 422, {"submission_id"}),
        ({"text": "tanpa id"}, 422, {"submission_id"}),
    ]
    for body, status, fields in cases:
        r = post(anon, url, body)
        assert r.status_code == status, (body, r.content)
        assert set(r.json()["errors"]) == fields, (body, r.json())
        assert r.json()["detail"]
    assert Case.objects.count() == 0
    # Alpha has two public units: a case must name one
    r = post(anon, url, public_body(world, unit=None))
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"unit"}
    # Bank Beta has one: it is taken
    r = post(
        anon,
        "/api/v1/public/organizations/beta/cases",
        public_body(world, unit=None, anonymous=True, contact=None),
    )
    assert r.status_code == 201
    assert Case.objects.get().unit == world.bank_unit
    assert (
        post(anon, "/api/v1/public/organizations/tidak-ada/cases", public_body(world)).status_code
        == 404
    )


def test_public_intake_is_flagged_over_the_rate_limit_not_dropped(world, anon, settings):
    settings.PRIMA_RATE_LIMITS = True
    settings.PRIMA_RATE_LIMIT_IP = 2
    url = "/api/v1/public/organizations/alpha/cases"
    codes = [post(anon, url, public_body(world, unit=world.upt1.pk)).status_code for _ in range(3)]
    assert codes == [201, 201, 201]
    flags = list(Case.objects.order_by("pk").values_list("flagged", "flag_reason"))
    assert [f for f, _r in flags] == [False, False, True]
    assert "rate_ip" in flags[2][1]


# -- public tracking, rating, reopening ------------------------------------------------------------
def _resolved_case(world, **extra):
    case, _ = cs.case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text="Loket tutup sebelum jamnya.",
        channel="web",
        contact=CONTACT,
        consent=True,
        **extra,
    )
    cs.case_assign(case, owner=world.users["alice"], user=world.users["alice"])
    cs.case_transition(case, status="diverifikasi", note="Kami verifikasi dulu.")
    cs.case_note(case, note="CATATAN INTERNAL 4h7j", user=world.users["alice"])
    cs.case_transition(case, status="diproses", note="RAHASIA 9k2m", public_note=False)
    cs.case_transition(case, status="selesai", note="Jam layanan ditegakkan.")
    return case


def test_public_tracking_shows_status_history_and_dues_never_the_contact(world, anon):
    case = _resolved_case(world, category="U7")
    r = anon.get(f"/api/v1/public/cases/{case.tracking_code}")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == PUBLIC_KEYS
    assert body["status"] == "selesai"
    assert body["unit"] == {"id": world.upt1.pk, "name": world.upt1.name}
    assert body["category"]["key"] == "U7"
    assert body["first_response_due"] == case.first_response_due.isoformat()
    assert body["received_at"].endswith("+07:00")  # in the organization's zone (WIB)
    assert [(e["status"], e["note"]) for e in body["events"]] == [
        ("baru", ""),
        ("diverifikasi", "Kami verifikasi dulu."),
        ("diproses", ""),
        ("selesai", "Jam layanan ditegakkan."),
    ]
    assert body["rating"] is None
    assert body["reopen_until"] is not None
    text = r.content.decode()
    for secret in (*CONTACT.values(), "CATATAN INTERNAL 4h7j", "RAHASIA 9k2m", "alice"):
        assert secret not in text
    # typed in lower case with spaces: the same case
    loose = case.tracking_code.lower().replace("-", " ")
    assert anon.get(f"/api/v1/public/cases/{loose}").json()["tracking_code"] == case.tracking_code
    assert anon.get("/api/v1/public/cases/ABCD-EFGH-JK").status_code == 404
    assert anon.get("/api/v1/public/cases/x").status_code == 404


def test_rating_201_once_409_unless_resolved(world, anon):
    open_case, _ = cs.case_receive(
        organization=world.alpha, unit=world.upt1, text="Belum selesai.", channel="web"
    )
    r = post(anon, f"/api/v1/public/cases/{open_case.tracking_code}/rating", {"score": 5})
    assert r.status_code == 409
    assert "status" in r.json()["errors"]
    case = _resolved_case(world)
    url = f"/api/v1/public/cases/{case.tracking_code}/rating"
    for bad in ({"score": 0}, {"score": 6}, {"score": "lima"}, {}, {"score": 4, "comment": "\x00"}):
        r = post(anon, url, bad)
        assert r.status_code == 422, bad
        assert set(r.json()["errors"]) <= {"score", "comment"}
        assert r.json()["errors"]
    r = post(anon, url, {"score": 4, "comment": "Terima kasih"})
    assert r.status_code == 201
    assert r.json()["score"] == 4
    assert post(anon, url, {"score": 5}).status_code == 409
    body = anon.get(f"/api/v1/public/cases/{case.tracking_code}").json()
    assert (body["rating"]["score"], body["rating"]["comment"]) == (4, "Terima kasih")
    assert post(anon, "/api/v1/public/cases/ABCD-EFGH-JK/rating", {"score": 3}).status_code == 404


def test_reopen_within_14_days(world, anon):
    case = _resolved_case(world)
    r = post(anon, f"/api/v1/public/cases/{case.tracking_code}/reopen", {"note": "Belum beres."})
    assert r.status_code == 200
    assert r.json()["status"] == "diproses"
    r = post(anon, f"/api/v1/public/cases/{case.tracking_code}/reopen", {})
    assert r.status_code == 409
    assert "diproses" in r.json()["detail"]


# -- staff -----------------------------------------------------------------------------------------
def staff_body(world, **extra):
    body = {
        "submission_id": str(uuid.uuid4()),
        "unit": world.upt1.pk,
        "text": "Surat keluhan tentang biaya legalisir.",
        "channel": "surat",
        "received_at": "2026-07-01T09:00:00+07:00",
        "tier": "sengketa",
        "category": "U4",
        "contact": {"name": "Pak Joko", "phone": "0274 555 123"},
    }
    body.update(extra)
    return body


def test_staff_intake(world, clock):
    clock.set(wib("2026-07-06 10:00"))
    alice = world.api("alice")
    body = staff_body(world)
    r = post(alice, "/api/v1/cases", body)
    assert r.status_code == 201, r.content
    assert set(r.json()) == RECEIPT_KEYS
    assert r.json()["first_response_due"] == "2026-07-06"  # 2, 3, 6 after Wed 1 Jul
    assert r.json()["resolution_due"] == "2026-07-21"  # sengketa: 14
    case = Case.objects.get()
    assert (case.channel, case.tier, case.received_at) == (
        "surat",
        "sengketa",
        wib("2026-07-01 09:00"),
    )
    assert case.events.get().actor == world.users["alice"]
    assert post(alice, "/api/v1/cases", body).status_code == 200
    errors = [
        ({"received_at": "2026-07-01T09:00:00"}, "received_at"),  # no offset
        ({"received_at": "2027-01-01T09:00:00+07:00"}, "received_at"),  # future
        ({"channel": "merpati"}, "channel"),
        ({"tier": "kilat"}, "tier"),
        ({"text": ""}, "text"),
        ({"unit": world.bank_unit.pk}, "unit"),
        ({"unit": 987654}, "unit"),
        ({"service": 987654}, "service"),
        ({"received_at": "kemarin"}, "received_at"),
    ]
    for change, field in errors:
        r = post(alice, "/api/v1/cases", staff_body(world, **change))
        assert r.status_code == 422, (change, r.content)
        assert field in r.json()["errors"], (change, r.json())
    assert post(world.api("victor"), "/api/v1/cases", staff_body(world)).status_code == 403
    r = post(world.api("bob"), "/api/v1/cases", staff_body(world, unit=world.upt2.pk))
    assert (r.status_code, list(r.json()["errors"])) == (422, ["unit"])
    assert post(world.api("bob"), "/api/v1/cases", staff_body(world)).status_code == 201
    assert post(world.api("charlie"), "/api/v1/cases", staff_body(world)).status_code == 422
    assert post(world.api(None), "/api/v1/cases", staff_body(world)).status_code == 401
    assert Case.objects.count() == 2


def _two_cases(world):
    one, _ = cs.case_receive(
        organization=world.alpha,
        unit=world.loket1,
        text="Kasus satu",
        channel="telepon",
        contact=CONTACT,
        consent=True,
    )
    two, _ = cs.case_receive(
        organization=world.alpha, unit=world.upt2, text="Kasus dua", channel="email"
    )
    cs.case_transition(two, status="diverifikasi")
    return one, two


def test_list_is_scoped_and_shows_the_contact_only_to_handling_roles(world):
    one, two = _two_cases(world)
    r = world.api("alice").get("/api/v1/cases")
    assert r.status_code == 200
    page = r.json()
    assert page["count"] == 2
    by_id = {i["id"]: i for i in page["items"]}
    assert by_id[one.pk]["contact"] == CONTACT
    assert by_id[two.pk]["contact"] == {"name": "", "email": "", "phone": ""}
    victor = world.api("victor").get("/api/v1/cases").json()
    assert victor["count"] == 2
    assert all(i["contact"] is None for i in victor["items"])
    assert CONTACT["name"] not in json.dumps(victor)
    bob = world.api("bob").get("/api/v1/cases").json()
    assert [i["id"] for i in bob["items"]] == [one.pk]
    assert world.api("charlie").get("/api/v1/cases").json()["count"] == 0
    alice = world.api("alice")
    assert alice.get("/api/v1/cases?status=diverifikasi").json()["count"] == 1
    assert alice.get(f"/api/v1/cases?unit={world.upt1.pk}").json()["count"] == 1
    assert alice.get("/api/v1/cases?organization=alpha&period=2020").json()["count"] == 0
    assert alice.get("/api/v1/cases?limit=1&offset=1").json()["count"] == 2
    assert len(alice.get("/api/v1/cases?limit=1").json()["items"]) == 1
    r = alice.get("/api/v1/cases?status=tutup")
    assert (r.status_code, list(r.json()["errors"])) == (422, ["status"])
    r = alice.get("/api/v1/cases?period=2026-13")
    assert (r.status_code, list(r.json()["errors"])) == (422, ["period"])
    assert world.api("bob").get(f"/api/v1/cases?unit={world.upt2.pk}").status_code == 404
    assert world.api("charlie").get(f"/api/v1/cases?unit={world.upt1.pk}").status_code == 404
    assert world.api("charlie").get("/api/v1/cases?organization=alpha").status_code == 404
    assert world.api(None).get("/api/v1/cases").status_code == 401


def test_detail_and_events(world):
    one, two = _two_cases(world)
    alice = world.api("alice")
    r = alice.get(f"/api/v1/cases/{one.pk}")
    assert r.status_code == 200
    assert r.json()["contact"] == CONTACT
    assert world.api("victor").get(f"/api/v1/cases/{one.pk}").json()["contact"] is None
    for name in ("charlie", "mallory"):
        assert world.api(name).get(f"/api/v1/cases/{one.pk}").status_code == 404
    assert world.api("bob").get(f"/api/v1/cases/{two.pk}").status_code == 404
    assert alice.get("/api/v1/cases/987654").status_code == 404

    url = f"/api/v1/cases/{one.pk}/events"
    r = post(alice, url, {"status": "selesai", "note": ""})
    assert r.status_code == 409
    assert "baru" in r.json()["detail"]
    assert "selesai" in r.json()["detail"]
    r = post(alice, url, {"status": "ditolak", "note": ""})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["note"])
    r = post(alice, url, {"status": "bingung"})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["status"])
    r = post(alice, url, {"note": "Telepon pelapor besok."})
    assert r.status_code == 200
    assert r.json()["events"][-1]["kind"] == "note"
    assert r.json()["events"][-1]["public"] is False
    r = post(alice, url, {"status": "diverifikasi", "note": "Sudah kami terima."})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "diverifikasi"
    assert body["first_response_days"] == 0
    assert body["events"][-1]["actor"] == "alice"
    assert post(world.api("victor"), url, {"status": "diproses"}).status_code == 403
    assert post(world.api("charlie"), url, {"status": "diproses"}).status_code == 404
    assert post(world.api("bob"), url, {"status": "diproses"}).status_code == 200
    assert post(alice, url, {"status": "selesai", "note": "Beres."}).status_code == 200
    r = post(alice, url, {"status": "diproses", "note": "Dibuka lagi oleh petugas."})
    assert r.status_code == 200
    assert r.json()["status"] == "diproses"
    assert r.json()["events"][-1]["kind"] == "reopened"
    assert Case.objects.get(pk=one.pk).status == CaseStatus.IN_PROGRESS
    assert CaseEvent.objects.filter(case=one).count() == 6


def test_metrics_by_hand_through_the_api(world, clock):
    build_july(world, clock)
    alice = world.api("alice")
    r = alice.get("/api/v1/cases/metrics?period=2026-07")
    assert r.status_code == 200, r.content
    m = r.json()
    assert m["organization"] == "alpha"
    assert m["period"] == "2026-07"
    assert m["today"] == "2026-07-31"
    assert (m["received"], m["resolved"], m["rejected"], m["open"]) == (8, 4, 1, 3)
    assert m["first_response"] == {"n": 6, "median": 0.5, "p90": 4.0}
    assert m["resolution"] == {"n": 4, "median": 5.5, "p90": 10.5}
    assert (m["resolved_on_time"], m["on_time_share"]) == (3, 0.75)
    assert (m["first_response_late"], m["resolution_late"], m["breaches"]) == (2, 3, 3)
    assert m["satisfaction"]["n"] == 3
    assert m["satisfaction"]["mean"] == pytest.approx(11 / 3)
    r = alice.get(f"/api/v1/cases/metrics?period=2026-07&unit={world.upt1.pk}")
    assert (r.json()["received"], r.json()["unit"]) == (7, world.upt1.pk)
    assert world.api("bob").get("/api/v1/cases/metrics?period=2026-07").json()["received"] == 7
    assert world.api("victor").get("/api/v1/cases/metrics?period=2026-07").json()["received"] == 8
    assert world.api("bob").get(f"/api/v1/cases/metrics?unit={world.upt2.pk}").status_code == 404
    r = alice.get("/api/v1/cases/metrics?period=Juli")
    assert (r.status_code, list(r.json()["errors"])) == (422, ["period"])
    assert world.api("charlie").get("/api/v1/cases/metrics?organization=alpha").status_code == 404
    assert world.api("charlie").get("/api/v1/cases/metrics").json()["received"] == 0
    assert world.api("mallory").get("/api/v1/cases/metrics").status_code == 422
    assert world.api(None).get("/api/v1/cases/metrics").status_code == 401
    assert date.fromisoformat(m["today"])


def test_the_schema_declares_every_operation(world):
    schema = world.api(None).get("/api/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/public/organizations/{slug}/cases", "post"),
        ("/api/v1/public/cases/{tracking_code}", "get"),
        ("/api/v1/public/cases/{tracking_code}/rating", "post"),
        ("/api/v1/public/cases/{tracking_code}/reopen", "post"),
        ("/api/v1/cases", "post"),
        ("/api/v1/cases", "get"),
        ("/api/v1/cases/metrics", "get"),
        ("/api/v1/cases/{id}", "get"),
        ("/api/v1/cases/{id}/events", "post"),
    ]:
        assert method in paths[path], path
    metrics = schema["components"]["schemas"]["MetricsOut"]["properties"]
    assert all(
        p.get("description")
        for k, p in metrics.items()
        if k not in {"organization", "unit", "period"}
    )
