"""The public complaint pages through the HTTP stack (issue 11): the form per organization and
per unit, errors at their fields, anonymous complaints, the abuse controls, the receipt, the
tracking page (read by the complainant, another complainant and an anonymous visitor: no
contact, owner or internal note), the rating once and reopening, in Indonesian and English."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from prima.abuse.controls import form_stamp
from prima.cases import services as cs
from prima.cases.models import Case, CaseRating, CaseStatus
from tests.web.test_cases_core import Clock, wib

CONTACT = {"name": "Dewi Pelapor 5k1x", "email": "dewi.5k1x@contoh.id", "phone": "0813-1111-2222"}
INTERNAL = "Catatan internal petugas 8u3n"
PRIVATE_STATUS_NOTE = "Catatan status tidak publik 2b7y"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def form_data(**extra):
    sid = str(uuid.uuid4())
    data = {
        "submission_id": sid,
        "shown": form_stamp(sid),
        "lang": "id",
        "text": "Petugas meminta biaya tambahan di luar tarif resmi.",
        "identity": "named",
        "name": CONTACT["name"],
        "email": CONTACT["email"],
        "phone": CONTACT["phone"],
        "consent": "on",
        "category": "U4",
    }
    data.update(extra)
    return data


def field_error(html: str, field: str) -> str | None:
    """The error shown at a field (``id_<field>_error``), None when there is none."""
    match = re.search(rf'id="id_{field}_error">(.*?)</span>', html, re.S)
    return match[1].strip() if match else None


def test_the_form_offers_the_units_of_open_surveys(world):
    r = Client().get("/pengaduan/alpha/")
    assert r.status_code == 200
    html = r.content.decode()
    assert r["Content-Language"] == "id"
    assert "Sampaikan pengaduan" in html
    assert world.upt1.name in html
    assert world.upt2.name in html
    for private in (world.loket1.name, world.dinas.name):
        assert private not in html
    assert 'name="website"' in html  # the honeypot
    assert 'name="csrfmiddlewaretoken"' in html
    r = Client().get(f"/pengaduan/alpha/?unit={world.upt2.pk}")
    html = r.content.decode()
    assert '<select name="unit"' not in html
    assert world.upt2.name in html
    # a unit that is not public is not fixed (nor named)
    html = Client().get(f"/pengaduan/alpha/?unit={world.loket1.pk}").content.decode()
    assert world.loket1.name not in html
    assert '<select name="unit"' in html
    assert Client().get("/pengaduan/tidak-ada/").status_code == 404
    assert (
        Client().get("/pengaduan/alpha/?lang=en").content.decode().count("Submit a complaint") >= 1
    )


def test_sending_a_complaint_gives_a_receipt(world, clock):
    clock.set(wib("2026-12-18 10:00"))
    client = Client()
    r = client.post(f"/pengaduan/alpha/?unit={world.upt1.pk}&lang=id", form_data())
    assert r.status_code == 302
    case = Case.objects.get()
    assert r["Location"] == f"/pengaduan/lacak/{case.tracking_code}/tanda-terima/?lang=id"
    assert (case.unit, case.contact_name, case.contact_email, case.consent) == (
        world.upt1,
        CONTACT["name"],
        CONTACT["email"],
        True,
    )
    assert (case.category.key, case.channel, case.language, case.flagged) == (
        "U4",
        "web",
        "id",
        False,
    )
    receipt = client.get(r["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert f'id="tracking-code">{case.tracking_code}<' in html
    assert "23 Desember 2026" in html
    assert "29 Desember 2026" in html
    assert "18 Desember 2026, 10.00 WIB" in html
    assert f"/pengaduan/lacak/{case.tracking_code}/" in html
    for secret in CONTACT.values():
        assert secret not in html
    assert case.text not in html


def test_the_same_form_sent_twice_stores_one_case(world):
    data = form_data()
    url = f"/pengaduan/alpha/?unit={world.upt1.pk}"
    first = Client().post(url, data)
    second = Client().post(url, data)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1


def test_errors_are_shown_at_their_fields(world):
    r = Client().post(
        "/pengaduan/alpha/",
        form_data(text="", name="", email="", phone="", consent="", category="zzz"),
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert field_error(html, "unit") == "pilih unit layanan"
    assert field_error(html, "text") == "wajib diisi"
    assert field_error(html, "name")
    assert field_error(html, "email")
    assert field_error(html, "consent")
    assert field_error(html, "category")  # not a choice of the form, and unknown
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html
    assert "#id_text" in html
    assert Case.objects.count() == 0
    r = Client().post(f"/pengaduan/alpha/?unit={world.upt1.pk}", form_data(text="ada\x00nul"))
    assert r.status_code == 400
    assert "U+0000" in field_error(r.content.decode(), "text")
    r = Client().post(
        f"/pengaduan/alpha/?unit={world.upt1.pk}&lang=en", form_data(email="x@", lang="en")
    )
    assert field_error(r.content.decode(), "email") == "enter a valid e-mail address"
    long = Client().post(f"/pengaduan/alpha/?unit={world.upt1.pk}", form_data(text="x" * 5001))
    assert "5000" in field_error(long.content.decode(), "text")
    # what was typed stays in the form
    assert "x" * 5001 in long.content.decode()


def test_an_anonymous_complaint_keeps_no_contact(world):
    r = Client().post(
        f"/pengaduan/alpha/?unit={world.upt1.pk}", form_data(identity="anonymous", consent="")
    )
    assert r.status_code == 302
    case = Case.objects.get()
    assert (case.anonymous, case.contact_name, case.contact_email, case.contact_phone) == (
        True,
        "",
        "",
        "",
    )


def test_the_honeypot_and_a_missing_stamp_flag_never_drop(world, settings):
    settings.PRIMA_MIN_SECONDS = 3
    url = f"/pengaduan/alpha/?unit={world.upt1.pk}"
    assert Client().post(url, form_data(website="http://spam.example")).status_code == 302
    assert Client().post(url, form_data(shown="dipalsukan")).status_code == 302
    flags = list(Case.objects.order_by("pk").values_list("flagged", "flag_reason"))
    assert flags[0][0]
    assert "honeypot" in flags[0][1]
    assert flags[1][0]
    assert "too_fast" in flags[1][1]


def _handled_case(world):
    case, _ = cs.case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text="Teks pengaduan rahasia 6f4h",
        channel="web",
        contact=CONTACT,
        consent=True,
    )
    cs.case_assign(case, owner=world.users["alice"], user=world.users["alice"])
    cs.case_transition(case, status="diverifikasi", note="Pengaduan Anda kami verifikasi.")
    cs.case_note(case, note=INTERNAL, user=world.users["alice"])
    cs.case_transition(case, status="diproses", note=PRIVATE_STATUS_NOTE, public_note=False)
    return case


@pytest.mark.parametrize("reader", ["complainant", "another complainant", "anonymous visitor"])
def test_the_tracking_page_leaks_nothing(world, reader):
    case = _handled_case(world)
    client = Client()
    if reader == "another complainant":  # has filed a complaint of their own in this browser
        client.post(f"/pengaduan/alpha/?unit={world.upt2.pk}", form_data(name="Orang Lain"))
        assert Case.objects.count() == 2
    r = client.get(f"/pengaduan/lacak/{case.tracking_code}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Pengaduan Anda kami verifikasi." in html
    assert "Diproses" in html
    for secret in (*CONTACT.values(), INTERNAL, PRIVATE_STATUS_NOTE, "alice", case.text):
        assert secret not in html, secret
    assert 'name="score"' not in html  # no rating before selesai


def test_lookup_form(world):
    case = _handled_case(world)
    r = Client().get("/pengaduan/lacak/")
    assert r.status_code == 200
    assert 'name="kode"' in r.content.decode()
    loose = case.tracking_code.lower().replace("-", " ")
    r = Client().get("/pengaduan/lacak/", {"kode": loose, "lang": "en"})
    assert r.status_code == 302
    assert r["Location"] == f"/pengaduan/lacak/{case.tracking_code}/?lang=en"
    r = Client().get("/pengaduan/lacak/", {"kode": "ABCD-EFGH-JK"})
    assert r.status_code == 404
    assert field_error(r.content.decode(), "kode")
    r = Client().get("/pengaduan/lacak/", {"kode": "salah"})
    assert r.status_code == 400
    assert "K7MX-Q4PA-9R" in field_error(r.content.decode(), "kode")
    assert Client().get("/pengaduan/lacak/", {"kode": ""}).status_code == 400
    assert Client().get("/pengaduan/lacak/ABCD-EFGH-JK/").status_code == 404
    r = Client().get(f"/pengaduan/lacak/{case.tracking_code.lower()}/")
    assert r.status_code == 302  # typed loosely: to the code as printed


def test_rating_once_when_resolved_and_reopening(world, clock):
    clock.set(wib("2026-07-01 09:00"))
    case = _handled_case(world)
    client = Client()
    track = f"/pengaduan/lacak/{case.tracking_code}/"
    r = client.post(track + "nilai/", {"score": "5", "lang": "id"})
    assert r.status_code == 409
    assert "selesai" in r.content.decode()
    clock.set(wib("2026-07-03 09:00"))
    cs.case_transition(case, status="selesai", note="Biaya tambahan dikembalikan.")
    html = client.get(track).content.decode()
    assert 'name="score"' in html
    assert 'name="note"' in html
    assert "17 Juli 2026, 09.00 WIB" in html  # reopen until: 14 days after the resolution
    r = client.post(track + "nilai/", {"score": "9", "comment": "", "lang": "id"})
    assert r.status_code == 400
    assert field_error(r.content.decode(), "score")
    r = client.post(track + "nilai/", {"score": "4", "comment": "Cukup cepat", "lang": "id"})
    assert (r.status_code, r["Location"]) == (302, track + "?lang=id")
    assert CaseRating.objects.get(case=case).score == 4
    html = client.get(track).content.decode()
    assert 'name="score"' not in html
    assert "Cukup cepat" in html
    assert client.post(track + "nilai/", {"score": "5"}).status_code == 409
    assert CaseRating.objects.count() == 1
    r = client.post(track + "buka-kembali/", {"note": "Belum dikembalikan semua.", "lang": "id"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    # a second resolution after the period: no reopening offered, and refused
    cs.case_transition(case, status="selesai")
    clock.set(timezone.now() + timedelta(days=15))
    html = client.get(track).content.decode()
    assert 'name="note"' not in html
    assert client.post(track + "buka-kembali/", {}).status_code == 409
    assert client.get(track + "nilai/").status_code == 405


def test_pages_in_english(world):
    case = _handled_case(world)
    html = Client().get(f"/pengaduan/lacak/{case.tracking_code}/?lang=en").content.decode()
    assert '<html lang="en">' in html
    assert "History" in html
    assert "In progress" in html


def test_the_thank_you_page_and_the_public_results_link_to_the_form(world):
    html = Client().get(f"/s/{world.a6.code}/terima-kasih/?lang=en").content.decode()
    # the A6 survey has one unit: the link fixes it
    assert f'href="/pengaduan/alpha/?unit={world.upt1.pk}&amp;lang=en"' in html
    assert "Submit a complaint" in html or "Not satisfied?" in html
    html = Client().get(f"/s/{world.skm.code}/terima-kasih/").content.decode()
    assert 'href="/pengaduan/alpha/?lang=id"' in html
    html = Client().get("/hasil/alpha/").content.decode()
    assert 'href="/pengaduan/alpha/?lang=id"' in html
    assert "Sampaikan pengaduan tentang layanan kami" in html
