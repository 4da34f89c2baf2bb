"""The public results page (issue 5, item 4): ``/hasil/<slug>/`` and its widget ``embed/``.

Only published survey periods are shown; every number equals
:func:`prima.insights.results.survey_results` (formatted half-up with the decimal comma); no
personal data (suggestions, staff, contacts, profile) appears; the widget may be framed, the
page may not. The responses made here are dated in 2025, so the world's own responses
(submitted "now") never fall in the periods under test.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from prima.insights.models import FollowUpAction, FollowUpStatus, PublishedResult
from prima.insights.periods import parse_period
from prima.insights.publication import (
    SMALL_GROUP,
    PublicationError,
    result_publish,
    result_unpublish,
)
from prima.insights.results import survey_results
from prima.metrics.rounding import format_number
from prima.organizations import services as org
from prima.organizations.choices import OrganizationKind, Role
from prima.surveys import services as srv
from prima.surveys.models import Instrument
from tests.web.personas import (
    ALPHA_CONTACT,
    ALPHA_SUGGESTION,
    World,
    add_alpha_private_data,
    skm_answers,
    submit,
)

PAGE = "/hasil/alpha/"
EMBED = "/hasil/alpha/embed/"
PUBLISHED = "2025-S1"
UNPUBLISHED = "2025-S2"
SUGGESTION_S1 = "Saran rahasia semester satu q8v2"
PLAN_ACTION = "Menambah loket pada jam sibuk 4k9d"
PLAN_OWNER = "Kepala Seksi Pelayanan"


def at(year: int, month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 30))


@pytest.fixture
def data(world: World) -> World:
    """Responses in 2025-S1 (to publish) and 2025-S2 (never published), with personal data."""
    private = {"suggestion": SUGGESTION_S1, "contact": ALPHA_CONTACT, "consent": True}
    profile = {"age": 41, "sex": "P", "education": "d4s1", "occupation": "wirausaha"}
    s1 = [
        (world.upt1, skm_answers(U1=4, U2=4), {"service_id": world.service1.pk, **private}),
        (world.loket1, skm_answers(U3=2), {"staff_id": world.staff1.pk, "profile": profile}),
        (world.upt1, skm_answers(U7=4, U8=4, U9=4), {"service_id": world.service1.pk}),
        (world.upt2, skm_answers(U1=2, U4=4), {}),
    ]
    # five of each: groups of five or more respondents show their numbers (PRIVATE_GROUP)
    for i, (unit, answers, extra) in enumerate(s1 * 5):
        submit(world.skm, answers, unit=unit, submitted_at=at(2025, 1 + i % 6), **extra)
    low = {f"U{i}": 1 for i in range(1, 10)}
    submit(world.skm, {**low, "U1": 2}, unit=world.upt2, submitted_at=at(2025, 8))
    submit(world.skm, {**low, "U5": 2, "U6": 2}, unit=world.upt2, submitted_at=at(2025, 9))
    FollowUpAction.objects.create(
        organization=world.alpha,
        survey=world.skm,
        period=PUBLISHED,
        unit=world.upt1,
        element="waktu",
        problem="Antrean panjang",
        action=PLAN_ACTION,
        owner=PLAN_OWNER,
        deadline=date(2025, 9, 30),
        status=FollowUpStatus.IN_PROGRESS,
    )
    FollowUpAction.objects.create(
        organization=world.alpha,
        survey=world.skm,
        period=UNPUBLISHED,
        element="waktu",
        problem="x",
        action="Rencana periode tak terbit 7z7z",
        owner="Sekretaris",
        deadline=date(2026, 3, 31),
    )
    return world


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def ikm_text(results: dict, lang: str = "id") -> str:
    return format_number(results["ikm"]["ikm_converted"], 2, lang)


def summary(name: str, results: dict) -> str:
    """The line of a unit or service: name, IKM, mutu and respondents."""
    ikm = results["ikm"]
    return (
        f'<span class="group-name">{name}</span> <span class="group-sum">IKM {ikm_text(results)}'
        f" · Mutu {ikm['grade']} · {ikm['n']} responden</span>"
    )


def nrr_rows(page: str, table_id: str) -> list[tuple[str, str, str, str]]:
    """``(unsur, NRR, converted, mutu)`` rows of the NRR table with the caption ``table_id``."""
    start = page.index(f'<caption id="{table_id}">')
    table = page[start : page.index("</table>", start)]
    return re.findall(
        r'<tr><th scope="row">([^<]*)</th><td class="ui-num">([^<]*)</td>'
        r'<td class="ui-num">([^<]*)</td><td>([^<]*)</td></tr>',
        table,
    )


def expected_rows(results: dict, names: list[str]) -> list[tuple[str, str, str, str]]:
    return [
        (
            name,
            format_number(e["nrr"], 3, "id"),
            format_number(e["nrr_converted"], 2, "id"),
            e["grade"],
        )
        for name, e in zip(names, results["ikm"]["elements"].values(), strict=True)
    ]


UNSUR = [
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Sarana dan Prasarana",
    "Penanganan Pengaduan, Saran dan Masukan",
]


def unsur_names(world: World) -> list[str]:
    raw = world.skm.instrument_version.parsed.raw["items"]
    return [html_lib.escape(item["name"]["id"]) for item in raw]


# -- nothing is public until published --------------------------------------------------------
def test_nothing_is_public_until_published(data, client):
    page = get(client, PAGE)
    assert "Belum ada hasil survei yang diterbitkan" in page
    for label in (PUBLISHED, UNPUBLISHED):
        results = survey_results(data.skm, period=parse_period(label))
        assert ikm_text(results) not in page
    assert data.upt1.name not in page
    assert "Belum ada hasil" in get(client, EMBED)
    get(client, "/hasil/tidak-ada/", 404)
    get(client, "/hasil/tidak-ada/embed/", 404)
    assert client.post(PAGE).status_code == 405


def test_published_numbers_equal_survey_results(data, client):
    result_publish(survey=data.skm, period=PUBLISHED, user=data.users["alice"])
    page = get(client, PAGE)
    period = parse_period(PUBLISHED)
    names = unsur_names(data)
    overall = survey_results(data.skm, period=period)
    assert overall["ikm"]["n"] == 20
    assert f'<span class="ui-figure__value">{ikm_text(overall)}</span>' in page
    # the mutu badge: the grade and its kinerja
    assert f'<span class="ui-badge__grade">{overall["ikm"]["grade"]}</span>' in page
    assert f"<span>{overall['ikm']['performance']}</span>" in page
    assert '<span class="ui-figure__value">20</span>' in page
    assert "Semester I Tahun 2025" in page
    assert nrr_rows(page, "periode-1-all-nrr") == expected_rows(overall, names)
    for unit in (data.upt1, data.upt2):  # the survey's units, each with its subtree
        results = survey_results(data.skm, unit=unit, period=period)
        assert summary(unit.name, results) in page
        assert nrr_rows(page, f"periode-1-u{unit.pk}-nrr") == expected_rows(results, names)
    results = survey_results(data.skm, service=data.service1, period=period)
    assert results["ikm"]["n"] == 10
    assert summary(f"{data.service1.name} ({data.upt1.name})", results) in page
    assert nrr_rows(page, f"periode-1-s{data.service1.pk}-nrr") == expected_rows(results, names)
    # the follow-up plan of the period: action, owner, deadline, status, unit and unsur
    assert PLAN_ACTION in page
    assert PLAN_OWNER in page
    assert "30 September 2025" in page
    assert "Sedang berjalan" in page
    assert "Waktu Penyelesaian" in page
    # small groups are shown with the rule
    assert f"Kurang dari {SMALL_GROUP} responden" in page
    embed = get(client, EMBED)
    assert f'<span class="ui-figure__value">{ikm_text(overall)}</span>' in embed


def test_unpublished_period_never_shows(data, client):
    s1 = survey_results(data.skm, period=parse_period(PUBLISHED))
    s2 = survey_results(data.skm, period=parse_period(UNPUBLISHED))
    s2_text = ikm_text(s2)
    assert s2["ikm"]["n"] == 2
    assert s2_text != ikm_text(s1)
    result_publish(survey=data.skm, period=PUBLISHED)
    for url in (PAGE, EMBED, PAGE + "?lang=en"):
        page = get(client, url)
        assert s2_text not in page
        assert ikm_text(s2, "en") not in page
        assert "Rencana periode tak terbit 7z7z" not in page
        assert "Semester II" not in page
    # unpublishing takes it off at once (the cache key changes with the publications)
    assert ikm_text(s1) in get(client, PAGE)
    assert result_unpublish(survey=data.skm, period=PUBLISHED) is True
    assert result_unpublish(survey=data.skm, period=PUBLISHED) is False
    for url in (PAGE, EMBED):
        page = get(client, url)
        assert ikm_text(s1) not in page
        assert PLAN_ACTION not in page


def test_no_personal_data(data, client):
    markers = add_alpha_private_data(data)  # a response "now" with a suggestion and contacts
    result_publish(survey=data.skm, period=PUBLISHED)
    result_publish(survey=data.skm, period=str(timezone.localdate().year))
    for url in (PAGE, EMBED, PAGE + "?lang=en"):
        page = get(client, url)
        for secret in (
            SUGGESTION_S1,
            ALPHA_SUGGESTION,
            *ALPHA_CONTACT.values(),
            data.staff1.name,
            "Wirausaha",
            "D4/S1",
            "alice",
        ):
            assert secret not in page, (url, secret)
    assert markers.private  # the planted data exists
    assert data.skm.responses.filter(suggestion=SUGGESTION_S1).exists()


def test_english_page(data, client):
    result_publish(survey=data.skm, period=PUBLISHED)
    page = get(client, PAGE + "?lang=en")
    overall = survey_results(data.skm, period=parse_period(PUBLISHED))
    assert '<html lang="en">' in page
    assert "Public Satisfaction Survey Results" in page
    assert "Semester I 2025" in page
    assert f'<span class="ui-figure__value">{ikm_text(overall, "en")}</span>' in page
    assert "In progress" in page
    assert "Requirements" in page  # the unsur's English name
    assert 'href="?lang=id"' in page
    assert "Hasil Survei Kepuasan Masyarakat</h1>" in get(client, PAGE)
    assert "Public Satisfaction" in get(client, EMBED + "?lang=en")


def test_cached_and_refreshed_on_publish(data, client):
    result_publish(survey=data.skm, period=PUBLISHED)
    response = client.get(PAGE)
    assert "max-age=60" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    before = survey_results(data.skm, period=parse_period(PUBLISHED))
    submit(data.skm, skm_answers(U1=1, U2=1, U3=1), unit=data.upt2, submitted_at=at(2025, 6))
    after = survey_results(data.skm, period=parse_period(PUBLISHED))
    assert ikm_text(after) != ikm_text(before)
    page = get(client, PAGE)  # served from the cache for a minute
    assert ikm_text(before) in page
    assert ikm_text(after) not in page
    result_publish(survey=data.skm, period=PUBLISHED, note="Diperbarui")  # publishing again
    page = get(client, PAGE)
    assert ikm_text(after) in page
    assert "Diperbarui" in page


# -- embedding ---------------------------------------------------------------------------------
def test_embed_may_be_framed_the_page_may_not(data, client):
    result_publish(survey=data.skm, period=PUBLISHED)
    embed = client.get(EMBED)
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    policy = dict(d.strip().split(" ", 1) for d in embed["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == policy["style-src"] == "'self'"  # the site's policy stays
    page = client.get(PAGE)
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors *" not in page.get("Content-Security-Policy", "")
    snippet = (
        "&lt;iframe src=&quot;http://testserver/hasil/alpha/embed/&quot; "
        "title=&quot;Hasil Survei Kepuasan Masyarakat · Dinas Alpha&quot;"
    )
    assert snippet in page.content.decode()
    assert 'href="http://testserver/hasil/alpha/"' in embed.content.decode()
    for response in (page, embed):  # a second request comes from the cache with the headers
        again = client.get(response.wsgi_request.path)
        assert again.get("X-Frame-Options") == response.get("X-Frame-Options")
        assert again.get("Content-Security-Policy") == response.get("Content-Security-Policy")


# -- escaping and tenants ----------------------------------------------------------------------
EVIL = '<script>alert("x")</script> & <b>'


def test_names_with_html_are_escaped(world, client):
    evil = org.organization_create(
        name=f"Dinas {EVIL}", slug="jahat", kind=OrganizationKind.GOVERNMENT
    )
    unit = org.unit_create(organization=evil, name=f"Unit {EVIL}", code="J1")
    service = org.service_create(unit=unit, name=f"Layanan {EVIL}")
    survey = srv.survey_create(
        organization=evil,
        title=f"SKM {EVIL}",
        instrument=Instrument.objects.get(key="skm2017"),
        units=[unit],
    )
    submit(survey, skm_answers(), unit=unit, service_id=service.pk, submitted_at=at(2025, 2))
    FollowUpAction.objects.create(
        organization=evil,
        survey=survey,
        period="2025",
        element="biaya",
        problem="p",
        action=f"Aksi {EVIL}",
        owner=f"Pemilik {EVIL}",
        deadline=date(2025, 12, 1),
    )
    result_publish(survey=survey, period="2025", note=f"Catatan {EVIL}")
    for url in ("/hasil/jahat/", "/hasil/jahat/embed/"):
        page = get(client, url)
        assert "<script>" not in page
        assert "<b>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    page = get(client, "/hasil/jahat/")
    for text in ("Unit", "Layanan", "Aksi", "Pemilik", "Catatan", "SKM"):
        assert f"{text} &lt;script&gt;" in page, text
    # the snippet names the organization escaped once for HTML and once more for the page
    assert "Dinas &amp;lt;script&amp;gt;" in page


def test_other_organizations_data_is_absent(data, client):
    result_publish(survey=data.skm, period=PUBLISHED)
    beta = get(client, "/hasil/beta/")
    assert "Belum ada hasil survei" in beta
    s1 = survey_results(data.skm, period=parse_period(PUBLISHED))
    for secret in (data.alpha.name, data.skm.title, data.upt1.name, PLAN_ACTION, ikm_text(s1)):
        assert secret not in beta
    assert data.bank_unit.name not in get(client, PAGE)
    # a publication belongs to the survey's organization only
    assert PublishedResult.objects.get().organization == data.alpha


# -- publishing --------------------------------------------------------------------------------
def test_publish_rules(data):
    with pytest.raises(PublicationError, match="Periode tidak valid"):
        result_publish(survey=data.skm, period="2025-13")
    with pytest.raises(PublicationError, match="SKM"):
        result_publish(survey=data.a6, period="2025")
    first = result_publish(survey=data.skm, period="2025-s1", note=" a ")
    assert (first.period, first.note) == ("2025-S1", "a")
    again = result_publish(survey=data.skm, period="2025-S1", note="b")
    assert again.pk == first.pk
    assert again.note == "b"
    assert PublishedResult.objects.count() == 1
    assert result_unpublish(survey=data.skm, period="nonsense") is False


def test_manage_publishes_and_unpublishes(data, client):
    alice = data.client("alice")
    add = "/manage/insights/publishedresult/add/"
    r = alice.get(add)
    assert r.status_code == 200
    options = set(re.findall(r'<option value="(\d+)"', r.content.decode()))
    assert str(data.skm.pk) in options
    assert str(data.a6.pk) not in options
    r = alice.post(
        add,
        {"organization": data.alpha.pk, "survey": data.skm.pk, "period": "2025-13", "note": ""},
    )
    assert r.status_code == 200
    assert "Periode tidak valid" in r.content.decode()
    r = alice.post(
        add,
        {"organization": data.alpha.pk, "survey": data.skm.pk, "period": "2025-s1", "note": "N"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    row = PublishedResult.objects.get()
    assert (row.period, row.published_by, row.note) == ("2025-S1", data.users["alice"], "N")
    s1 = survey_results(data.skm, period=parse_period(PUBLISHED))
    assert ikm_text(s1) in get(client, PAGE)
    listing = alice.get("/manage/insights/publishedresult/").content.decode()
    assert "&lt;iframe src=&quot;http://testserver/hasil/alpha/embed/&quot;" in listing
    change = alice.get(f"/manage/insights/publishedresult/{row.pk}/change/").content.decode()
    assert "http://testserver/hasil/alpha/embed/" in change
    # another tenant's admin and a manager cannot reach it
    for name in ("charlie", "bob"):
        r = data.client(name).get(f"/manage/insights/publishedresult/{row.pk}/change/")
        assert r.status_code == 302
    r = alice.post(f"/manage/insights/publishedresult/{row.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not PublishedResult.objects.exists()
    assert ikm_text(s1) not in get(client, PAGE)


def test_viewer_role_does_not_publish(data):
    org.membership_grant(user=data.users["mallory"], organization=data.alpha, role=Role.VIEWER)
    r = data.client("mallory").post(
        "/manage/insights/publishedresult/add/",
        {"organization": data.alpha.pk, "survey": data.skm.pk, "period": "2025"},
    )
    assert r.status_code == 302
    assert r["Location"].startswith("/manage/login/")
    assert not PublishedResult.objects.exists()


def test_a_group_of_fewer_than_five_shows_only_its_count(data, client):
    """One or two respondents' IKM or NRR would disclose how they answered."""
    from prima.insights.publication import PRIVATE_GROUP
    from prima.organizations import services as org

    few = org.service_create(unit=data.upt2, name="Layanan Sepi")
    for month in (2, 3):
        submit(
            data.skm,
            skm_answers(U1=1, U2=1),
            unit=data.upt2,
            service_id=few.pk,
            submitted_at=at(2025, month),
        )
    result_publish(survey=data.skm, period=PUBLISHED)
    page = get(client, PAGE)
    assert PRIVATE_GROUP == 5
    assert "Layanan Sepi" in page
    assert f'id="periode-1-s{few.pk}-nrr"' not in page  # no NRR table
    assert "nilainya tidak ditampilkan agar jawaban mereka tetap rahasia" in page
    # the bigger groups keep their numbers
    assert f'id="periode-1-s{data.service1.pk}-nrr"' in page
    english = get(client, PAGE + "?lang=en")
    assert "so that their answers stay private" in english


def test_service_rows_carry_their_unit(data, client):
    """Three Puskesmas may each offer "Imunisasi": each row says whose it is (issue 10)."""
    first = org.service_create(unit=data.upt1, name="Imunisasi")
    second = org.service_create(unit=data.upt2, name="Imunisasi")
    for i in range(5):
        submit(
            data.skm,
            skm_answers(U1=4),
            unit=data.upt1,
            service_id=first.pk,
            submitted_at=at(2025, 2 + i % 3),
        )
        submit(
            data.skm,
            skm_answers(U1=1),
            unit=data.upt2,
            service_id=second.pk,
            submitted_at=at(2025, 2 + i % 3),
        )
    result_publish(survey=data.skm, period=PUBLISHED)
    period = parse_period(PUBLISHED)
    page = get(client, PAGE)
    for service, unit in ((first, data.upt1), (second, data.upt2)):
        results = survey_results(data.skm, service=service, period=period)
        assert summary(f"Imunisasi ({unit.name})", results) in page
    assert '<span class="group-name">Imunisasi</span>' not in page
    english = get(client, PAGE + "?lang=en")
    assert "Imunisasi (UPT Alpha Dua)" in english


# -- language, numbers and empty periods (issue 10) --------------------------------------------
def test_counts_are_grouped_in_the_pages_language(data, client):
    """1.200 responden on the Indonesian page, 1,200 respondents on the English one; no text of
    the other language (the page's texts come from the gettext catalogue)."""
    from prima.demo.seeding import seed_responses

    seed_responses(survey=data.skm, count=1200, seed=5, months=3, today=date(2024, 6, 15))
    result_publish(survey=data.skm, period="2024")
    results = survey_results(data.skm, period=parse_period("2024"))
    assert results["ikm"]["n"] == 1200
    page = get(client, PAGE)
    assert '<span class="ui-figure__value">1.200</span>' in page
    assert f'<span class="ui-figure__value">{ikm_text(results)}</span>' in page
    assert "Tahun 2024" in page
    english = get(client, PAGE + "?lang=en")
    assert '<span class="ui-figure__value">1,200</span>' in english
    assert f'<span class="ui-figure__value">{ikm_text(results, "en")}</span>' in english
    indonesian_only = (
        "Hasil Survei Kepuasan Masyarakat",
        "Per unit layanan",
        "Per jenis layanan",
        "Rencana tindak lanjut",
        "Nilai rata-rata",
        "Pasang di situs Anda",
        "Geser",
        "Diterbitkan",
    )
    for text in indonesian_only:
        assert text in page, text
        assert text not in english, text
    for text in ("Public Satisfaction Survey Results", "Per service unit", "Follow-up plan"):
        assert text not in page, text
        assert text in english, text
    embed = get(client, EMBED + "?lang=en")
    assert '<span class="ui-figure__value">1,200</span>' in embed
    assert '<html lang="en">' in embed


def test_a_published_period_without_respondents_shows_the_empty_state(data, client):
    """No figures, no table and no small-group warning drawn from no data."""
    result_publish(survey=data.skm, period="2023")
    page = get(client, PAGE)
    assert "Belum ada responden pada periode ini." in page
    assert 'id="periode-1-all-nrr"' not in page
    assert "ui-figure__value" not in page
    assert f"Kurang dari {SMALL_GROUP} responden: hasil ini" not in page
    assert "Tidak ada unit dengan responden pada periode ini." in page
    english = get(client, PAGE + "?lang=en")
    assert "No respondents in this period yet." in english
    assert "No unit had respondents in this period." in english
    assert "Belum ada" not in english
    embed = get(client, EMBED)
    assert "Belum ada responden pada periode ini." in embed
    assert "ui-figure__value" not in embed
