"""The staff's case pages under ``/app/kasus/`` through the whole HTTP stack (issue 11, points
4 and 7): the list with its filters and pagination, late cases marked in working days, a case's
page (status buttons, the rejection's reason, owner, category, notes, history, due dates, the
complainant's contact and the WhatsApp link only for those who handle it), the staff intake,
and the access rules (another organization: 404; a viewer sees no contact and changes nothing;
a unit-scoped manager sees only the subtree).

The cases are received on Monday 2 November 2026, 10:00 WIB (``tests/web/casework_world.py``):
first response due Thursday 5 November, resolution due Monday 9 November 2026.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from prima.alerts.models import Notification
from prima.cases.models import Case, CaseCategory, CaseEvent, CaseStatus
from prima.cases.services import case_assign, case_rate, case_transition, categories_ensure
from prima.casework.mail import rating_url, tracking_url
from tests.web.casework_world import CONTACT, add_people, at, receive

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.BASE_URL = "https://prima.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def people(world):
    return add_people(world)


@pytest.fixture
def frozen(monkeypatch):
    """The clock of the pages at an instant (``timezone.now``)."""

    def freeze(instant):
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return freeze


def client(world, name, lang="en"):
    c = world.client(name)
    c.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang
    return c


def page(world, name, url, lang="en"):
    r = client(world, name, lang).get(url)
    return r, r.content.decode()


def codes(html):
    return set(re.findall(r'class="case-item__code" href="/app/kasus/(\d+)/"', html))


# -- access ---------------------------------------------------------------------------------------
def test_each_user_sees_the_cases_of_the_units_they_may_see(people):
    upt1 = receive(people)
    loket = receive(people, unit=people.loket1)
    upt2 = receive(people, unit=people.upt2)
    beta = receive(people, organization=people.beta, unit=people.bank_unit)
    expected = {
        "alice": {upt1, loket, upt2},
        "victor": {upt1, loket, upt2},
        "bob": {upt1, loket},
        "dewi": {upt1, loket, upt2},
        "charlie": {beta},
        "sari": set(),  # staff role: only the cases she owns
        "mallory": set(),
    }
    for name, cases in expected.items():
        r, html = page(people, name, "/app/kasus/")
        assert r.status_code == 200, name
        assert codes(html) == {str(c.pk) for c in cases}, name
        for case in {upt1, loket, upt2, beta}:
            status = client(people, name).get(f"/app/kasus/{case.pk}/").status_code
            assert status == (200 if case in cases else 404), (name, case.unit)
    case_assign(upt1, owner=people.users["sari"], user=people.users["bob"])
    assert codes(page(people, "sari", "/app/kasus/")[1]) == {str(upt1.pk)}
    assert client(people, None).get("/app/kasus/").status_code == 302  # sign in first


def test_the_complainants_identity_only_for_those_who_handle_the_case(people):
    case = receive(people)
    url = f"/app/kasus/{case.pk}/"
    for name in ("alice", "bob", "dewi"):
        r, html = page(people, name, url)
        assert CONTACT["name"] in html
        assert CONTACT["email"] in html
        assert CONTACT["phone"] in html
        link = re.search(r'id="whatsapp-link" href="([^"]+)"', html)[1]
        assert link.startswith("https://wa.me/6281277773141?text=")
        text = unquote(link.split("?text=", 1)[1].replace("&amp;", "&"))
        assert case.tracking_code in text
        assert "https://prima.example/" in text
        assert 'id="status-form"' in html
    # the viewer sees the case, never who complained, and no form to change it
    r, html = page(people, "victor", url)
    assert r.status_code == 200
    for secret in CONTACT.values():
        assert secret not in html
    assert "wa.me" not in html
    assert 'id="contact-hidden"' in html
    assert '<form method="post" action="/app/kasus/' not in html
    # a staff member sees it only once she owns it, and then handles it
    assert client(people, "sari").get(url).status_code == 404
    case_assign(case, owner=people.users["sari"], user=people.users["bob"])
    r, html = page(people, "sari", url)
    assert r.status_code == 200
    assert CONTACT["email"] in html
    assert 'id="note-form"' in html


def test_no_whatsapp_link_without_a_telephone_number(people):
    case = receive(people, contact={"name": "Tanpa Telepon", "email": "t@warga.example"})
    html = page(people, "alice", f"/app/kasus/{case.pk}/")[1]
    assert "Tanpa Telepon" in html
    assert "wa.me" not in html
    anonymous = receive(people, contact=None, anonymous=True, consent=False)
    html = page(people, "alice", f"/app/kasus/{anonymous.pk}/")[1]
    assert "Anonymous: no name or contact was left." in html


def test_actions_are_refused_to_viewers_and_outsiders(people):
    case = receive(people)
    posts = {
        "status": {"status": "diverifikasi", "note": "x"},
        "pemilik": {"owner": people.users["bob"].pk},
        "kategori": {"category": ""},
        "catatan": {"note": "x"},
    }
    for name, status in (("victor", 403), ("charlie", 404), ("mallory", 404)):
        for action, data in posts.items():
            r = client(people, name).post(f"/app/kasus/{case.pk}/{action}/", data)
            assert r.status_code == status, (name, action)
    assert client(people, "bob").post(f"/app/kasus/{case.pk}/status/", {}).status_code == 400
    r = client(people, "bob").get(f"/app/kasus/{case.pk}/status/")
    assert r.status_code == 405
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert case.owner is None
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["created"]


# -- the case page ----------------------------------------------------------------------------
def test_status_buttons_follow_the_allowed_transitions(people):
    case = receive(people)
    url = f"/app/kasus/{case.pk}/"
    html = page(people, "bob", url)[1]
    buttons = re.findall(r'name="status" value="([a-z]+)"', html)
    assert buttons == ["diverifikasi", "reply", "ditolak"]  # reply: the message alone
    bob = client(people, "bob")
    r = bob.post(f"{url}status/", {"status": "diverifikasi", "note": "Kami <b>periksa</b>."})
    assert r.status_code == 302
    assert r["Location"] == url
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED
    assert case.first_response_at is not None
    event = CaseEvent.objects.filter(case=case, kind="status").get()
    assert (event.status_from, event.status_to, event.public) == ("baru", "diverifikasi", True)
    assert event.actor == people.users["bob"]
    html = page(people, "bob", url)[1]
    assert "Kami &lt;b&gt;periksa&lt;/b&gt;." in html  # what staff typed, escaped
    assert re.findall(r'name="status" value="([a-z]+)"', html) == ["diproses", "reply", "ditolak"]
    # a move the rules refuse: the error names both statuses, nothing changes
    r = bob.post(f"{url}status/", {"status": "selesai", "note": ""})
    assert r.status_code == 400
    assert "diverifikasi" in r.content.decode()
    assert "selesai" in r.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED


def test_a_rejection_asks_for_its_reason(people):
    case = receive(people)
    bob = client(people, "bob")
    r = bob.post(f"/app/kasus/{case.pk}/status/", {"status": "ditolak", "note": "  "})
    assert r.status_code == 400
    html = r.content.decode()
    field = re.search(r'<div class="ui-field ui-field--invalid">.*?</div>', html, re.S)[0]
    assert 'id="reject_note"' in field
    assert "Give the reason for the rejection." in field
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NEW
    r = bob.post(
        f"/app/kasus/{case.pk}/status/", {"status": "ditolak", "note": "Di luar wewenang."}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    html = page(people, "bob", f"/app/kasus/{case.pk}/")[1]
    assert "Di luar wewenang." in html
    assert 'name="status"' not in html  # nothing left to do with a rejected case


def test_a_message_without_a_change_of_status_and_reopening(people):
    case = receive(people)
    bob = client(people, "bob")
    url = f"/app/kasus/{case.pk}/status/"
    r = bob.post(url, {"status": "reply", "note": ""})
    assert r.status_code == 400
    assert "Write the message to the complainant." in r.content.decode()
    assert (
        bob.post(url, {"status": "reply", "note": "Mohon kirim nomor antrean."}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert case.first_response_at is not None
    for status in ("diverifikasi", "diproses", "selesai"):
        assert bob.post(url, {"status": status, "note": ""}).status_code == 302
    html = page(people, "bob", f"/app/kasus/{case.pk}/")[1]
    assert re.findall(r'name="status" value="([a-z]+)"', html) == ["diproses"]  # reopen
    assert bob.post(url, {"status": "diproses", "note": "Dibuka lagi."}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopened_at is not None


def test_owner_category_and_internal_notes(people, django_capture_on_commit_callbacks):
    case = receive(people)
    url = f"/app/kasus/{case.pk}/"
    users = people.users

    def offered(name):
        html = page(people, name, url)[1]
        owners = re.search(r'<select name="owner".*?</select>', html, re.S)[0]
        return set(re.findall(r'<option value="(\d+)"', owners))

    # roles other than viewer covering UPT Alpha Satu: alice (organization), bob (UPT),
    # dewi (Pusat, above it), sari (staff on the UPT); never victor, charlie or mallory; a
    # unit's manager is offered only the people of the unit's subtree (he does not see those
    # above it)
    assert offered("alice") == {str(users[n].pk) for n in ("alice", "bob", "dewi", "sari")}
    assert offered("bob") == {str(users[n].pk) for n in ("bob", "sari")}
    assert not CaseCategory.objects.exists()  # the built-in ones offered, stored on first use
    bob = client(people, "bob")
    with django_capture_on_commit_callbacks(execute=True):  # the owner's notice: on commit
        assert bob.post(f"{url}pemilik/", {"owner": users["sari"].pk}).status_code == 302
    assert bob.post(f"{url}pemilik/", {"owner": users["victor"].pk}).status_code == 400
    case.refresh_from_db()
    assert case.owner == users["sari"]
    assert Notification.objects.filter(user=users["sari"], url__endswith=url).count() == 1
    assert bob.post(f"{url}pemilik/", {"owner": users["alice"].pk}).status_code == 400
    assert bob.post(f"{url}kategori/", {"category": "U7"}).status_code == 302
    CaseCategory.objects.create(organization=people.beta, key="asing")
    assert bob.post(f"{url}kategori/", {"category": "asing"}).status_code == 400
    case.refresh_from_db()
    assert case.category.key == "U7"
    assert case.category.organization == people.alpha
    assert bob.post(f"{url}catatan/", {"note": "Pelapor <script>x</script>"}).status_code == 302
    assert bob.post(f"{url}catatan/", {"note": "bad \x00 text"}).status_code == 400
    html = page(people, "bob", url)[1]
    assert "Staff conduct" in html  # the category's built-in name
    assert "Pelapor &lt;script&gt;x&lt;/script&gt;" in html
    assert "Owner: sari" in html  # the history says who owns it
    # the viewer reads the history without the internal note's text
    html = page(people, "victor", url)[1]
    assert "Internal note" in html
    assert "Pelapor &lt;script&gt;" not in html


def test_due_dates_with_working_days_left_and_late(people, frozen):
    case = receive(people)
    url = f"/app/kasus/{case.pk}/"
    frozen(at(4))  # Wed 4 Nov: first response Thu 5 (1 left), resolution Mon 9 (3 left)
    html = page(people, "alice", url)[1]
    deadlines = re.search(r'id="case-deadlines".*?</dl>', html, re.S)[0]
    assert "5 November 2026" in deadlines
    assert "9 November 2026" in deadlines
    assert "1 working day left" in deadlines
    assert "3 working days left" in deadlines
    frozen(at(12))  # Thu 12 Nov: both late: 5 (6, 9, 10, 11, 12) and 3 (10, 11, 12) days
    html = page(people, "alice", url)[1]
    deadlines = re.search(r'id="case-deadlines".*?</dl>', html, re.S)[0]
    assert "Late by 5 working days" in deadlines
    assert "Late by 3 working days" in deadlines
    html = page(people, "alice", "/app/kasus/")[1]
    assert "Late by 3 working days" in html
    html = page(people, "alice", url, lang="id")[1]
    assert "Terlambat 3 hari kerja" in html


def test_the_rating_shows_when_given(people):
    case = receive(people)
    for status in ("diverifikasi", "diproses", "selesai"):
        case_transition(case, status=status, note="")
    case_rate(case, score=4, comment="Cepat <i>ditangani</i>.")
    html = page(people, "victor", f"/app/kasus/{case.pk}/")[1]
    rating = re.search(r'id="case-rating".*?</section>', html, re.S)[0]
    assert '<strong class="ui-num">4</strong>' in rating
    assert "Cepat &lt;i&gt;ditangani&lt;/i&gt;." in rating


# -- the list -----------------------------------------------------------------------------------
def test_filters(people, frozen):
    categories_ensure(people.alpha)
    u3 = CaseCategory.objects.get(organization=people.alpha, key="U3")
    assert CaseCategory.objects.filter(organization=people.alpha).count() == 16
    a = receive(people, text="Loket tutup lebih awal", category=u3)
    b = receive(people, unit=people.loket1, text="Petugas tidak ramah", tier="sengketa")
    c = receive(people, unit=people.upt2, text="Biaya tidak sesuai")
    d = receive(people, received_at=at(1, month=12), text="Antrean panjang lagi")
    case_assign(b, owner=people.users["bob"], user=people.users["alice"])
    for status in ("diverifikasi", "diproses", "selesai"):
        case_transition(c, status=status, note="")  # resolved on 6 Dec or so: late
    frozen(at(3, month=12))
    alice = lambda q: codes(page(people, "alice", f"/app/kasus/?{q}")[1])  # noqa: E731
    ids = lambda *cases: {str(x.pk) for x in cases}  # noqa: E731
    assert alice("") == ids(a, b, c, d)
    assert alice(f"unit={people.upt1.pk}") == ids(a, b, d)  # with Loket Satu under it
    assert alice(f"unit={people.loket1.pk}") == ids(b)
    assert alice("status=open") == ids(a, b, d)
    assert alice("status=selesai") == ids(c)
    assert alice(f"category={u3.pk}") == ids(a)
    assert alice("tier=sengketa") == ids(b)
    assert alice("owner=none") == ids(a, c, d)
    assert alice(f"owner={people.users['bob'].pk}") == ids(b)
    assert codes(page(people, "bob", "/app/kasus/?owner=me")[1]) == ids(b)
    assert alice("q=ramah") == ids(b)
    assert alice(f"q={d.tracking_code}") == ids(d)
    assert alice("period=2026-11") == ids(a, b, c)
    assert alice("period=2026-12") == ids(d)
    # on 3 Dec: a and b are past their resolution due (9 and 20 Nov), c was resolved after
    # 9 Nov; d (received 1 Dec) is on time
    assert alice("timeliness=late") == ids(a, b, c)
    assert alice("timeliness=on_time") == ids(d)
    # a bad value is shown at its field and left out of the filter
    r, html = page(people, "alice", "/app/kasus/?period=kemarin")
    assert r.status_code == 200
    assert codes(html) == ids(a, b, c, d)
    assert "Write a period as 2026, 2026-S1, 2026-Q3 or 2026-07." in html
    assert 'aria-invalid="true"' in html
    # a unit out of reach is not found
    assert client(people, "bob").get(f"/app/kasus/?unit={people.upt2.pk}").status_code == 404
    assert client(people, "alice").get(f"/app/kasus/?unit={people.bank_unit.pk}").status_code == 404
    unit_select = re.search(
        r'<select name="unit".*?</select>', page(people, "bob", "/app/kasus/")[1], re.S
    )[0]
    assert set(re.findall(r'<option value="(\d+)"', unit_select)) == {
        str(people.upt1.pk),
        str(people.loket1.pk),
    }


def test_pagination_and_the_htmx_fragment(people):
    for i in range(30):
        receive(people, text=f"Keluhan nomor {i}")
    _r, html = page(people, "alice", "/app/kasus/")
    assert len(codes(html)) == 25
    assert "30 cases" in html
    _r, html = page(people, "alice", "/app/kasus/?page=2")
    assert len(codes(html)) == 5
    fragment = client(people, "alice").get(
        "/app/kasus/?q=nomor+7", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-results"
    )
    body = fragment.content.decode()
    assert body.startswith('<section class="ui-section case-results" id="case-results"')
    assert "<html" not in body
    assert len(codes(body)) == 1
    assert "HX-Request" in fragment["Vary"]


def test_the_navigation_names_cases_for_those_who_may_see_them(people):
    assert 'href="/app/kasus/"' in page(people, "victor", "/app/")[1]
    assert 'href="/app/kasus/"' in page(people, "sari", "/app/pemberitahuan/")[1]
    assert 'href="/app/kasus/"' not in page(people, "mallory", "/app/")[1]
    assert 'aria-current="page">Cases' in page(people, "alice", "/app/kasus/")[1]


# -- the staff intake -----------------------------------------------------------------------
def intake(world, name, **data):
    values = {
        "submission_id": str(uuid.uuid4()),
        "unit": world.upt1.pk,
        "channel": "telepon",
        "received_on": "2026-11-02",
        "received_time": "14:30",
        "text": "Pelapor menelepon: berkas hilang di loket.",
        "tier": "biasa",
        "category": "",
        "contact_name": "Andi Penelepon",
        "contact_email": "",
        "contact_phone": "+62 813 1111 2222",
        "consent": "on",
        "language": "en",
    }
    values.update(data)
    return client(world, name).post("/app/kasus/baru/", values)


def test_staff_register_a_complaint_received_by_telephone(people):
    r = intake(people, "bob")
    assert r.status_code == 302
    case = Case.objects.get()
    assert r["Location"] == f"/app/kasus/{case.pk}/"
    assert case.channel == "telepon"
    assert case.language == "en"
    assert timezone.localtime(case.received_at, case.received_at.tzinfo).isoformat() == (
        "2026-11-02T07:30:00+00:00"
    )  # 14:30 WIB
    assert (case.first_response_due, case.resolution_due) == (date(2026, 11, 5), date(2026, 11, 9))
    assert case.contact_name == "Andi Penelepon"
    assert case.consent
    event = CaseEvent.objects.get(case=case)
    assert event.actor == people.users["bob"]
    # the same form sent twice stores one case
    again = intake(people, "bob", submission_id=str(case.submission_id))
    assert again.status_code == 302
    assert Case.objects.count() == 1


def test_the_intake_shows_each_error_at_its_field(people):
    cases = [
        ({"text": ""}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": "berkas \x00 hilang"}, "text"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"unit": str(people.upt2.pk)}, "unit"),  # outside bob's subtree
        ({"unit": str(people.bank_unit.pk)}, "unit"),
        ({"contact_phone": "telepon saya"}, "contact_phone"),
        ({"contact_email": "bukan-alamat"}, "contact_email"),
        ({"anonymous": "on"}, "anonymous"),
        ({"channel": "survei"}, "channel"),
        ({"category": "bukan-kategori"}, "category"),
    ]
    for data, field in cases:
        r = intake(people, "bob", **data)
        assert r.status_code == 400, data
        html = r.content.decode()
        assert re.search(rf'<span class="ui-field__error" id="id_{field}_error">', html), data
        assert f'aria-describedby="id_{field}' in html or f"id_{field}_error" in html
    assert Case.objects.count() == 0
    assert client(people, "victor").get("/app/kasus/baru/").status_code == 403
    assert client(people, "charlie").get("/app/kasus/baru/").status_code == 200  # Bank Beta's
    charlie = intake(people, "charlie")
    assert charlie.status_code == 400  # UPT Alpha Satu is not one of his units
    assert Case.objects.count() == 0


# -- e-mails in the background ---------------------------------------------------------------
def worker():
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)  # the task worker closes connections
def test_the_complainant_is_written_to_in_their_language(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = receive(
            people,
            contact={"name": 'Rina <b>"Pelapor"</b>', "email": "rina@warga.example"},
            language="en",
        )
    assert mail.outbox == []  # queued for the task worker, never sent in the request
    worker()
    [receipt] = mail.outbox
    assert receipt.to == ["rina@warga.example"]
    assert receipt.subject == f"[Prima] Complaint received: {case.tracking_code}"
    html = receipt.alternatives[0][0]
    assert "Rina &lt;b&gt;&quot;Pelapor&quot;&lt;/b&gt;" in html  # escaped in HTML
    assert 'Rina <b>"Pelapor"</b>' in receipt.body  # as typed in the text part
    track = f"https://prima.example/pengaduan/lacak/{case.tracking_code}/?lang=en"
    assert track in receipt.body
    assert f'href="{track}"' in html
    mail.outbox.clear()
    bob = client(people, "bob", "id")
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("diverifikasi", "diproses", "selesai"):
            note = "Sudah <b>selesai</b>." if status == "selesai" else ""
            assert (
                bob.post(
                    f"/app/kasus/{case.pk}/status/", {"status": status, "note": note}
                ).status_code
                == 302
            )
    assert mail.outbox == []
    worker()
    assert len(mail.outbox) == 3
    last = mail.outbox[-1]
    assert last.subject == f"[Prima] Your complaint {case.tracking_code}: Resolved"
    assert "Sudah &lt;b&gt;selesai&lt;/b&gt;." in last.alternatives[0][0]
    assert "Rate the handling" in last.alternatives[0][0]
    assert rating_url(case) in last.body
    assert rating_url(case) in last.alternatives[0][0]
    assert tracking_url(case) in mail.outbox[0].body
    assert rating_url(case) not in mail.outbox[0].body  # only once it is resolved


@pytest.mark.django_db(transaction=True)  # the task worker closes connections
def test_no_e_mail_to_an_anonymous_complainant_or_one_without_an_address(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anonymous = receive(people, contact=None, anonymous=True, consent=False)
        by_phone = receive(people, contact={"name": "Budi", "phone": "0812 3456 7890"})
        for case in (anonymous, by_phone):
            case_transition(case, status="diverifikasi", note="Diterima.")
    worker()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)  # the task worker closes connections
def test_the_new_owner_is_told_by_e_mail_and_in_the_app(people, django_capture_on_commit_callbacks):
    case = receive(people, contact=None, anonymous=True, consent=False)
    with django_capture_on_commit_callbacks(execute=True):
        r = client(people, "bob").post(
            f"/app/kasus/{case.pk}/pemilik/", {"owner": people.users["sari"].pk}
        )
    assert r.status_code == 302
    worker()
    [message] = mail.outbox
    assert message.to == ["sari@example.org"]
    assert case.tracking_code in message.subject
    assert f"https://prima.example/app/kasus/{case.pk}/" in message.body
    assert Notification.objects.filter(user=people.users["sari"]).count() == 1


@pytest.mark.parametrize("name", ["complainant", "assigned", "notice"])
def test_e_mails_use_only_token_colours(name):
    from pathlib import Path

    from prima.ui.tokens import COLOR

    root = Path(__file__).parents[2] / "src/prima/casework/templates/casework/email"
    colours = set(re.findall(r"#[0-9a-fA-F]{6}", (root / f"{name}.html").read_text()))
    assert colours
    assert colours <= set(COLOR.values())


@pytest.mark.django_db
def test_the_receipt_s_task_commits_and_rolls_back_with_its_case(people):
    """The e-mail task is written inside the case's transaction (``case_recorded``), not after
    its commit: without any commit callback run it is there, and a rolled-back intake leaves
    neither the case nor its task."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    def tasks():
        return DBTaskResult.objects.filter(task_path__endswith="case_event_mail").count()

    case = receive(people, contact={"name": "Rina", "email": "rina@warga.example"})
    assert tasks() == 1  # no on_commit callback ran in this test's transaction
    [task] = DBTaskResult.objects.filter(task_path__endswith="case_event_mail")
    created = case.events.get(kind="created")
    assert task.args_kwargs["args"] == [created.pk, "created"]
    cases = Case.objects.count()

    def failed_request():
        with transaction.atomic():
            receive(people, contact={"name": "Budi", "email": "budi@warga.example"})
            raise RuntimeError("the request failed after the intake")

    with pytest.raises(RuntimeError):
        failed_request()
    assert (Case.objects.count(), tasks()) == (cases, 1)
