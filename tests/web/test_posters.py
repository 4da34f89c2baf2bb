"""QR codes and posters: the PDFs render (pdftoppm), their QR codes decode (zbarimg) to exactly
the signed URL for the survey and unit (channel "qr"), that URL opens the survey for the unit,
and only people who may see a unit can download its QR code or poster.

Needs Debian's poppler-utils and zbar-tools (scripts/chromium-for-tests.sh installs them).
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from PIL import Image

from prima.collection import posters, qr
from prima.organizations import services as org
from prima.organizations.choices import Role
from prima.surveys.context import context_read
from prima.surveys.models import Response
from tests.web.personas import skm_answers

TOOLS = ("pdftoppm", "pdftotext", "zbarimg")
FROZEN_TIME = 1_767_225_600  # the signature carries a timestamp: freeze it to compare URLs


@pytest.fixture(autouse=True)
def _tools_and_time(monkeypatch):
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: apt-get install poppler-utils zbar-tools "
            "(scripts/chromium-for-tests.sh does it)"
        )
    frozen = signing.b62_encode(FROZEN_TIME)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: frozen)


# -- helpers -----------------------------------------------------------------------------------
def pdf_pages(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[Path]:
    """The PDF's pages as PNG files (pdftoppm)."""
    assert pdf.startswith(b"%PDF-")
    src = tmp_path / f"{uuid.uuid4().hex}.pdf"
    src.write_bytes(pdf)
    prefix = tmp_path / src.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", src, prefix], check=True, timeout=60)
    return sorted(tmp_path.glob(f"{src.stem}-*.png"))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / f"{uuid.uuid4().hex}.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", src, "-"], check=True, capture_output=True, timeout=60
    )
    return out.stdout.decode()


def decode(image: bytes | Path, tmp_path: Path) -> list[str]:
    """The QR codes in a PNG image (zbarimg)."""
    if isinstance(image, bytes):
        path = tmp_path / f"{uuid.uuid4().hex}.png"
        path.write_bytes(image)
    else:
        path = image
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path],
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 0, f"no QR code found in {path.name}"
    return out.stdout.decode().splitlines()


def svg_to_png(svg: bytes, tmp_path: Path) -> Path:
    """Draw an SVG file through WeasyPrint (zbarimg reads only bitmaps)."""
    from weasyprint import HTML

    data = base64.b64encode(svg).decode()
    html = f'<img src="data:image/svg+xml;base64,{data}" style="width:90mm">'
    [page] = pdf_pages(HTML(string=html).write_pdf(), tmp_path)
    return page


def read_signed(url: str, survey_code: str):
    parts = urlsplit(url)
    assert parts.path == f"/s/{survey_code}/"
    [token] = parse_qs(parts.query)["c"]
    return context_read(token, survey_code=survey_code)


def split_codes(urls: list[str]) -> tuple[str, str]:
    """A poster's two QR codes: the survey's (with its signed context) and the small one of the
    complaint form (issue 11)."""
    survey = [u for u in urls if "/s/" in u]
    complaint = [u for u in urls if "/pengaduan/" in u]
    assert (len(survey), len(complaint), len(urls)) == (1, 1, 2), urls
    return survey[0], complaint[0]


def poster_url(world, unit, size="a4"):
    return f"/app/surveys/{world.skm.code}/poster/{unit.pk}-{size}.pdf"


# -- URLs and images ---------------------------------------------------------------------------
def test_qr_url_carries_a_signed_qr_context(world):
    target = qr.QrTarget(world.skm, world.loket1, world.service1, world.staff1)
    url = qr.qr_url(target, "https://prima.example.go.id/")
    assert url.startswith(f"https://prima.example.go.id/s/{world.skm.code}/?c=")
    ctx = read_signed(url, world.skm.code)
    assert (ctx.survey, ctx.unit, ctx.service, ctx.staff, ctx.channel) == (
        world.skm.code,
        world.loket1.pk,
        world.service1.pk,
        world.staff1.pk,
        "qr",
    )
    assert qr.survey_short_url(world.skm, "https://prima.example.go.id") == (
        f"https://prima.example.go.id/s/{world.skm.code}/"
    )


def test_qr_images_decode_to_the_url(world, tmp_path):
    url = qr.qr_url(qr.QrTarget(world.skm, world.upt1), "http://testserver/")
    assert decode(qr.qr_png(url), tmp_path) == [url]
    svg = qr.qr_svg(url)
    assert svg.lstrip().startswith(b"<?xml")
    assert b"<svg" in svg
    assert decode(svg_to_png(svg, tmp_path), tmp_path) == [url]


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_qr_endpoints(world, tmp_path, kind):
    client = world.client("alice")
    r = client.get(f"/app/surveys/{world.skm.code}/qr/{world.upt2.pk}.{kind}")
    assert r.status_code == 200
    assert r["Content-Type"] == {"svg": "image/svg+xml", "png": "image/png"}[kind]
    assert r["Content-Disposition"].startswith("attachment; filename=")
    expected = qr.qr_url(qr.QrTarget(world.skm, world.upt2), "http://testserver/")
    image = svg_to_png(r.content, tmp_path) if kind == "svg" else r.content
    assert decode(image, tmp_path) == [expected]
    ctx = read_signed(expected, world.skm.code)
    assert (ctx.unit, ctx.channel) == (world.upt2.pk, "qr")


# -- posters ---------------------------------------------------------------------------------
@pytest.mark.parametrize("size", ["a4", "a5"])
def test_poster_renders_one_page_whose_qr_opens_the_survey_for_the_unit(world, tmp_path, size):
    client = world.client("alice")
    r = client.get(poster_url(world, world.upt1, size))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    [page] = pdf_pages(r.content, tmp_path)
    url, complaint = split_codes(decode(page, tmp_path))
    assert url == qr.qr_url(qr.QrTarget(world.skm, world.upt1), "http://testserver/")
    assert complaint == f"http://testserver/pengaduan/alpha/?unit={world.upt1.pk}"
    form = world.client(None).get(complaint.removeprefix("http://testserver"))
    assert form.status_code == 200
    assert "UPT Alpha Satu" in form.content.decode()  # the form for the poster's unit
    ctx = read_signed(url, world.skm.code)
    assert (ctx.survey, ctx.unit, ctx.channel) == (world.skm.code, world.upt1.pk, "qr")

    text = pdf_text(r.content, tmp_path)
    for words in ("DINAS ALPHA", "UPT Alpha Satu", "Bagaimana pelayanan", "Pindai kode QR"):
        assert words in text
    assert f"/s/{world.skm.code}/" in text  # the short URL, for people who type it
    assert "Ada pengaduan tentang layanan kami?" in text  # the complaint form, printed too
    assert f"testserver/pengaduan/alpha/?unit={world.upt1.pk}" in text
    width_mm = {"a4": 210, "a5": 148}[size]
    with Image.open(page) as im:  # 150 dpi
        assert abs(im.width / 150 * 25.4 - width_mm) < 2

    # a respondent who scans it gets the survey for that unit, and the answer counts as QR
    parts = urlsplit(url)
    visitor = world.client(None)
    page_r = visitor.get(f"{parts.path}?{parts.query}")
    assert page_r.status_code == 200
    assert page_r.context["survey"] == world.skm
    assert page_r.context["place"].needs_unit is False
    assert page_r.context["context_error"] is False
    token = parse_qs(parts.query)["c"][0]
    assert f'name="c" value="{token}"' in page_r.content.decode()  # the context is kept
    sid = uuid.uuid4()
    post = visitor.post(
        f"{parts.path}?lang=id", {"c": token, "submission_id": str(sid), **skm_answers()}
    )
    assert post.status_code == 302, post.context and post.context["errors"]
    stored = Response.objects.get(survey=world.skm, submission_id=sid)
    assert (stored.unit_id, stored.channel) == (world.upt1.pk, "qr")


def test_poster_for_a_counter_service_and_staff_member(world, tmp_path):
    r = world.client("alice").get(
        poster_url(world, world.loket1),
        {"service": world.service1.pk, "staff": world.staff1.pk},
    )
    assert r.status_code == 200
    [page] = pdf_pages(r.content, tmp_path)
    url, complaint = split_codes(decode(page, tmp_path))
    # Loket Satu is no unit of an open survey: the form of the unit above it (UPT Alpha Satu)
    assert complaint == f"http://testserver/pengaduan/alpha/?unit={world.upt1.pk}"
    ctx = read_signed(url, world.skm.code)
    assert (ctx.unit, ctx.service, ctx.staff, ctx.channel) == (
        world.loket1.pk,
        world.service1.pk,
        world.staff1.pk,
        "qr",
    )
    text = pdf_text(r.content, tmp_path)
    assert "Loket Satu" in text
    assert "Pendaftaran" in text
    assert "Siti Petugas" in text


def test_bulk_poster_has_one_page_per_unit(world, tmp_path):
    r = world.client("alice").get(f"/app/surveys/{world.skm.code}/poster/semua-a4.pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    pages = pdf_pages(r.content, tmp_path, dpi=120)
    units = [world.upt1, world.upt2]  # the survey's units, in tree order
    assert len(pages) == len(units)
    for page, unit in zip(pages, units, strict=True):
        url, complaint = split_codes(decode(page, tmp_path))
        assert url == qr.qr_url(qr.QrTarget(world.skm, unit), "http://testserver/")
        assert complaint == f"http://testserver/pengaduan/alpha/?unit={unit.pk}"
        assert read_signed(url, world.skm.code).unit == unit.pk
    # bob sees only his subtree: one page, for UPT Alpha Satu
    r = world.client("bob").get(f"/app/surveys/{world.skm.code}/poster/semua-a5.pdf")
    assert r.status_code == 200
    [page] = pdf_pages(r.content, tmp_path, dpi=120)
    url, _complaint = split_codes(decode(page, tmp_path))
    assert read_signed(url, world.skm.code).unit == world.upt1.pk


def test_long_names_still_fit_one_page_each(world, tmp_path):
    long_unit = org.unit_create(
        organization=world.alpha,
        # as long as the database allows (200 characters; PostgreSQL enforces it)
        name=(
            "Unit Pelaksana Teknis Daerah Pelayanan Terpadu Satu Pintu Kecamatan Sukamaju "
            "Barat Kabupaten Sukamaju Provinsi Jawa Barat " * 2
        )[:200],
        parent=world.upt2,
    )
    service = org.service_create(
        unit=long_unit,
        name=("Perizinan Berusaha Berbasis Risiko untuk Usaha Mikro dan Kecil " * 4)[:200],
    )
    staff = org.staff_create(
        unit=long_unit, name=("Raden Mas Bambang Sutrisno Adiningrat, S.H. " * 5)[:200]
    )
    targets = [
        qr.QrTarget(world.skm, world.upt1),
        qr.QrTarget(world.skm, long_unit, service, staff),
        qr.QrTarget(world.skm, world.upt2),
    ]
    pdf = posters.poster_pdf(targets, size="a5", base_url="http://testserver/")
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) == 3
    url, complaint = split_codes(decode(pages[1], tmp_path))
    assert read_signed(url, world.skm.code).unit == long_unit.pk
    assert complaint == f"http://testserver/pengaduan/alpha/?unit={world.upt2.pk}"


def test_names_are_escaped_in_the_poster(world, tmp_path):
    evil = org.unit_create(
        organization=world.alpha,
        name='Loket <b>Dua</b> & "Co" <img src="file:///etc/passwd">',
        parent=world.upt2,
    )
    world.alpha.name = "Dinas <i>Alpha</i>"
    world.alpha.save()
    html = posters.poster_html([posters.poster_build(qr.QrTarget(world.skm, evil), "http://x/")])
    assert "<b>Dua</b>" not in html
    assert "&lt;b&gt;Dua&lt;/b&gt;" in html
    assert "<img" not in html
    assert "<i>Alpha" not in html
    r = world.client("alice").get(poster_url(world, evil))
    assert r.status_code == 200
    text = pdf_text(r.content, tmp_path)
    assert "Loket <b>Dua</b> &" in text  # shown as typed, not interpreted
    assert "DINAS <I>ALPHA</I>" in text  # (the organization line is set in capitals)
    [page] = pdf_pages(r.content, tmp_path)
    url, _complaint = split_codes(decode(page, tmp_path))
    assert read_signed(url, world.skm.code).unit == evil.pk


# -- who may download what -----------------------------------------------------------------------
def _urls(world, unit):
    code = world.skm.code
    return [
        f"/app/surveys/{code}/qr/{unit.pk}.svg",
        f"/app/surveys/{code}/qr/{unit.pk}.png",
        f"/app/surveys/{code}/poster/{unit.pk}-a4.pdf",
        f"/app/surveys/{code}/poster/{unit.pk}-a5.pdf",
    ]


def test_other_tenants_and_outsiders_get_not_found(world):
    urls = [*_urls(world, world.upt1), f"/app/surveys/{world.skm.code}/poster/semua-a4.pdf"]
    for name in ("charlie", "mallory"):
        client = world.client(name)
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)
    anonymous = world.client(None)
    for url in urls:
        r = anonymous.get(url)
        assert r.status_code == 302, url
        assert "/accounts/login/" in r["Location"], url
    # charlie's own survey works for charlie, and alice cannot reach it nor its unit
    own = f"/app/surveys/{world.quick.code}/qr/{world.bank_unit.pk}.png"
    assert world.client("charlie").get(own).status_code == 200
    assert world.client("alice").get(own).status_code == 404
    # a unit of another tenant through one's own survey code
    alien = f"/app/surveys/{world.skm.code}/qr/{world.bank_unit.pk}.png"
    assert world.client("alice").get(alien).status_code == 404


def test_bob_only_for_units_of_his_subtree(world):
    bob = world.client("bob")
    for url in _urls(world, world.upt1) + _urls(world, world.loket1):
        assert bob.get(url).status_code == 200, url
    for url in _urls(world, world.upt2) + _urls(world, world.dinas):
        assert bob.get(url).status_code == 404, url


def test_unit_outside_the_survey_service_and_staff_checks(world):
    alice = world.client("alice")
    # a6 is for UPT Alpha Satu only: UPT Alpha Dua and Dinas Alpha Pusat are not its units
    for unit in (world.upt2, world.dinas):
        assert alice.get(f"/app/surveys/{world.a6.code}/qr/{unit.pk}.png").status_code == 404
    assert alice.get(f"/app/surveys/{world.a6.code}/qr/{world.loket1.pk}.png").status_code == 200
    base = f"/app/surveys/{world.skm.code}/qr/"
    # the staff member works at Loket Satu: not for UPT Alpha Dua
    assert alice.get(f"{base}{world.upt2.pk}.png", {"staff": world.staff1.pk}).status_code == 404
    assert (
        alice.get(f"{base}{world.upt2.pk}.png", {"service": world.service1.pk}).status_code == 404
    )
    assert alice.get(f"{base}{world.upt1.pk}.png", {"staff": "x"}).status_code == 404
    # another tenant's staff member or service never
    other_staff = org.staff_create(unit=world.bank_unit, name="Teller Beta")
    assert alice.get(f"{base}{world.upt1.pk}.png", {"staff": other_staff.pk}).status_code == 404
    assert alice.get(f"{base}999999.png").status_code == 404
    assert (
        alice.get(f"/app/surveys/{world.skm.code}/poster/{world.upt1.pk}-a3.pdf").status_code == 404
    )


def test_results_page_links_to_the_downloads(world):
    # the dashboard's "Links and QR" tab (its sections load on demand)
    r = world.client("alice").get(f"/app/surveys/{world.skm.code}/?section=links")
    body = r.content.decode()
    for unit in (world.upt1, world.upt2):
        for url in _urls(world, unit):
            assert f'href="{url}"' in body
    assert f'href="/app/surveys/{world.skm.code}/poster/semua-a4.pdf"' in body
    assert "Unduh semua poster (A4)" in body
    body = world.client("bob").get(f"/app/surveys/{world.skm.code}/?section=links")
    body = body.content.decode()
    assert f"/qr/{world.upt1.pk}.svg" in body
    assert f"/qr/{world.upt2.pk}.svg" not in body


def test_poster_units_for_a_scope_below_the_survey_units(world):
    assert qr.qr_units_for_user(world.users["alice"], world.skm) == [world.upt1, world.upt2]
    assert qr.qr_units_for_user(world.users["bob"], world.skm) == [world.upt1]
    counter = org.user_create(username="dewi", password="another-horse-battery-7")
    org.membership_grant(
        user=counter, organization=world.alpha, role=Role.MANAGER, unit=world.loket1
    )
    assert qr.qr_units_for_user(counter, world.skm) == [world.loket1]
    assert qr.qr_units_for_user(world.users["charlie"], world.skm) == []
