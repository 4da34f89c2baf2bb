"""Evidence photos of audits (issue 13, point 2; prima.evidence), through the whole HTTP stack:
checked by their content (JPEG, PNG, WebP; size, count, pixels before decoding, damaged files),
re-encoded without metadata (the GPS tags kept only with the organization's setting), stored
once per submission, served only to those who may see the audit, deleted with their files.
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import struct
import tracemalloc
import uuid
import zlib
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import ExifTags, Image

from prima.audit_checklists import load_checklist
from prima.audits import planning
from prima.audits.models import Audit
from prima.evidence.models import EvidencePhoto, EvidenceSettings
from prima.evidence.services import photo_path, settings_set
from prima.organizations import services as org
from prima.organizations.choices import Role

pytestmark = pytest.mark.django_db

A6 = load_checklist("a6")
PASSING = {line.id: "yes" if line.answer == "yes_no" else 4 for line in A6.lines}
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "S",
    ExifTags.GPS.GPSLatitude: (6.0, 10.0, 30.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (106.0, 49.0, 1.0),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> SimpleNamespace:
    w = SimpleNamespace()
    w.alpha = org.organization_create(name="Dinas Alpha", slug="alpha", kind="government")
    w.root = org.unit_create(organization=w.alpha, name="Dinas")
    w.upt1 = org.unit_create(organization=w.alpha, name="UPT Satu", parent=w.root)
    w.upt2 = org.unit_create(organization=w.alpha, name="UPT Dua", parent=w.root)
    w.spv = org.user_create(username="spv1")
    org.membership_grant(user=w.spv, organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt1)
    w.viewer = org.user_create(username="viewer1")
    org.membership_grant(user=w.viewer, organization=w.alpha, role=Role.VIEWER, unit=w.upt1)
    w.other_spv = org.user_create(username="spv2")
    org.membership_grant(user=w.other_spv, organization=w.alpha, role=Role.SUPERVISOR, unit=w.upt2)
    w.admin = org.user_create(username="admin-alpha")
    org.membership_grant(user=w.admin, organization=w.alpha, role=Role.ADMIN)
    w.beta = org.organization_create(name="Toko Beta", slug="beta", kind="commercial")
    w.owner = org.user_create(username="owner-beta")
    org.membership_grant(user=w.owner, organization=w.beta, role=Role.ADMIN)
    w.mia = planning.mystery_shopper_create(
        organization=w.alpha, username="mia", password="pw-mia-2026"
    ).user
    plan = planning.plan_create(organization=w.alpha, unit=w.upt1, period="2026-07", target=4)
    w.mia_task = planning.assignment_create(plan=plan, auditor=w.mia, count=2)
    return w


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


# -- images ---------------------------------------------------------------------------------------
def jpeg_with_gps(size: tuple[int, int] = (40, 20)) -> bytes:
    """A JPEG that carries GPS tags, a camera make and the orientation "turn 90° clockwise"."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "KameraRahasia"
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (30, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "blue").save(out, fmt)
    return out.getvalue()


def noise_jpeg(side: int) -> bytes:
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(w: SimpleNamespace, photos: list[Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_id": str(uuid.uuid4()),
        "observed_at": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "note": "",
        "unit": w.upt1.pk,
        **{f"line_{k}": str(v) for k, v in PASSING.items()},
        "photos": photos,
    }
    data.update(extra)
    return data


def post_audit(w: SimpleNamespace, photos: list[Any], **extra: Any) -> Any:
    return client(w.spv).post(
        f"/app/audit/baru/?unit={w.upt1.pk}&lang=en", form_data(w, photos, **extra)
    )


def stored(photo: EvidencePhoto) -> Image.Image:
    return Image.open(photo_path(photo))


# -- storing ----------------------------------------------------------------------------------
def test_a_jpeg_is_stored_upright_without_any_metadata(w):
    r = post_audit(w, [upload("IMG_0001 <b>.jpg", jpeg_with_gps())])
    assert r.status_code == 302, r.content.decode()[:3000]
    audit = Audit.objects.get()
    photo = EvidencePhoto.objects.get()
    assert (photo.audit, photo.organization, photo.content_type) == (audit, w.alpha, "image/jpeg")
    assert photo.label == "IMG_0001 <b>.jpg"
    path = photo_path(photo)
    assert path.parent.name == str(w.alpha.pk)
    assert path.parent.parent.name == "evidence"
    assert "IMG" not in path.name
    assert path.suffix == ".jpg"
    image = stored(photo)
    assert image.format == "JPEG"
    assert image.size == (20, 40) == (photo.width, photo.height)  # the orientation applied
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert len(exif) == 0
    assert b"KameraRahasia" not in path.read_bytes()
    assert not photo.location_kept
    # the audit's page shows the thumbnail with its size and an alt text, the label escaped
    page = client(w.spv).get(f"/app/audit/{audit.pk}/?lang=en").content.decode()
    assert f'src="/app/bukti/{photo.pk}/kecil/"' in page
    assert f'width="{photo.thumb_width}" height="{photo.thumb_height}"' in page
    assert 'alt="Evidence photo 1: IMG_0001 &lt;b&gt;.jpg"' in page
    assert "<b>.jpg" not in page


def test_with_the_organizations_setting_the_gps_tags_and_only_they_are_kept(w):
    settings_set(organization=w.alpha, keep_location=True)
    assert post_audit(w, [upload("a.jpg", jpeg_with_gps())]).status_code == 302
    photo = EvidencePhoto.objects.get()
    exif = stored(photo).getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "S"
    assert tuple(float(x) for x in gps[ExifTags.GPS.GPSLatitude]) == (6.0, 10.0, 30.5)
    assert ExifTags.Base.Make not in exif
    assert ExifTags.Base.Orientation not in exif
    assert photo.location_kept
    # another organization keeps nothing
    assert not EvidenceSettings.objects.filter(organization=w.beta).exists()


def test_png_and_webp_are_accepted_by_their_content(w):
    photos = [
        upload("screen.png", image_bytes("PNG", mode="RGBA"), "application/octet-stream"),
        upload("foto.webp", image_bytes("WEBP"), "image/webp"),
        upload("named-wrongly.png", image_bytes("JPEG"), "image/png"),
    ]
    assert post_audit(w, photos).status_code == 302
    kinds = [(p.label, p.content_type, stored(p).format) for p in EvidencePhoto.objects.all()]
    assert kinds == [
        ("screen.png", "image/png", "PNG"),
        ("foto.webp", "image/webp", "WEBP"),
        ("named-wrongly.png", "image/jpeg", "JPEG"),
    ]


def refusal(r: Any) -> str:
    assert r.status_code == 400
    assert not Audit.objects.exists()
    assert not EvidencePhoto.objects.exists()
    return r.content.decode()


def test_a_text_file_named_jpg_is_refused_naming_the_file(w):
    html = refusal(post_audit(w, [upload("bukti.jpg", b"just some text, not an image\n" * 20)]))
    assert "bukti.jpg: not a JPEG, PNG or WebP image" in html
    # an SVG (an image to a browser, a script carrier) and a GIF are no evidence photos either
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = refusal(post_audit(w, [upload("x.jpg", svg), upload("y.gif", image_bytes("GIF"))]))
    assert "x.jpg: not a JPEG, PNG or WebP image" in html
    assert "y.gif: not a JPEG, PNG or WebP image" in html


def test_a_decompression_bomb_is_refused_before_it_is_decoded(w):
    bomb = png_bomb()
    assert len(bomb) < 100
    tracemalloc.start()
    try:
        html = refusal(post_audit(w, [upload("bom.png", bomb, "image/png")]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "bom.png: more than 40 million pixels" in html
    assert peak < 20 * 1024 * 1024  # 10^10 pixels would need 30 GB
    # under Pillow's own bomb limit but over Prima's
    assert "more than 40 million pixels" in refusal(
        post_audit(w, [upload("b2.png", png_bomb(8000, 6000), "image/png")])
    )


def test_a_truncated_image_is_refused(w):
    # WeasyPrint (the PDFs) makes Pillow load truncated files for the whole process on import
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    whole = noise_jpeg(64)
    html = refusal(post_audit(w, [upload("potong.jpg", whole[: len(whole) // 2])]))
    assert "potong.jpg: the image is damaged or incomplete" in html
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as it was


def test_a_polyglot_loses_its_other_half(w):
    payload = b"PK\x03\x04" + b"rahasia-zip-isi" * 10
    assert post_audit(w, [upload("poly.jpg", image_bytes("JPEG") + payload)]).status_code == 302
    data = photo_path(EvidencePhoto.objects.get()).read_bytes()
    assert b"rahasia-zip-isi" not in data
    assert b"PK\x03\x04" not in data


def test_an_oversize_photo_is_refused_while_it_arrives(w, settings):
    settings.PRIMA_EVIDENCE_MAX_BYTES = 50_000
    big = noise_jpeg(300)
    assert len(big) > 50_000
    html = refusal(
        post_audit(w, [upload("kecil.jpg", image_bytes("JPEG")), upload("besar.jpg", big)])
    )
    assert "besar.jpg: larger than 48 KB" in html
    assert "kecil.jpg" not in html.split("besar.jpg")[0].split("ui-field__error")[-1]


def test_too_many_photos_are_refused(w):
    photos = [upload(f"f{i}.jpg", image_bytes("JPEG")) for i in range(6)]
    html = refusal(post_audit(w, photos))
    assert "f5.jpg: at most 5 photos per audit" in html
    five = [upload(f"f{i}.jpg", image_bytes("JPEG")) for i in range(5)]
    assert post_audit(w, five).status_code == 302
    assert EvidencePhoto.objects.count() == 5


def test_a_retried_submission_stores_its_photos_once(w):
    data = form_data(w, [upload("a.jpg", image_bytes("JPEG"))])
    spv = client(w.spv)
    assert spv.post(f"/app/audit/baru/?unit={w.upt1.pk}", data).status_code == 302
    data["photos"] = [upload("a.jpg", image_bytes("JPEG"))]
    assert spv.post(f"/app/audit/baru/?unit={w.upt1.pk}", data).status_code == 302
    assert Audit.objects.count() == 1
    assert EvidencePhoto.objects.count() == 1
    assert len(list((Path(photo_path(EvidencePhoto.objects.get()).parent)).iterdir())) == 2


# -- serving, adding, deleting --------------------------------------------------------------
def test_photos_are_served_only_to_those_who_may_see_the_audit(w):
    assert post_audit(w, [upload("a.png", image_bytes("PNG"), "image/png")]).status_code == 302
    photo = EvidencePhoto.objects.get()
    url, thumb = f"/app/bukti/{photo.pk}/", f"/app/bukti/{photo.pk}/kecil/"
    for user in (w.spv, w.viewer, w.admin):
        r = client(user).get(url)
        assert r.status_code == 200
        assert r["Content-Type"] == "image/png"
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Content-Disposition"].startswith("inline")
        assert "private" in r["Cache-Control"]
        assert b"".join(r.streaming_content) == photo_path(photo).read_bytes()
        t = client(user).get(thumb)
        assert (t.status_code, t["Content-Type"]) == (200, "image/jpeg")
    for user in (w.other_spv, w.owner):  # another unit's supervisor, another organization
        assert client(user).get(url).status_code == 404
        assert client(user).get(thumb).status_code == 404
    assert client(w.mia).get(url).status_code == 403  # a mystery shopper: the gate
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert client(w.spv).get("/app/bukti/987654/").status_code == 404


def test_a_mystery_shoppers_audit_takes_photos_that_the_shopper_never_sees(w):
    mia = client(w.mia)
    data = form_data(w, [upload("m.jpg", jpeg_with_gps())])
    r = mia.post(f"/app/audit/tugas/{w.mia_task.pk}/", data)
    assert r.status_code == 302
    assert r["Location"] == "/app/audit/tugas/?saved=1"
    photo = EvidencePhoto.objects.get()
    assert photo.audit.kind == "mystery"
    assert mia.get(f"/app/bukti/{photo.pk}/").status_code == 403
    assert client(w.spv).get(f"/app/bukti/{photo.pk}/").status_code == 200


def test_a_supervisor_adds_and_deletes_photos_and_the_files_go(
    w, django_capture_on_commit_callbacks
):
    assert post_audit(w, []).status_code == 302
    audit = Audit.objects.get()
    spv = client(w.spv)
    add = f"/app/bukti/audit/{audit.pk}/"
    r = spv.post(add, {"photos": [upload("later.jpg", image_bytes("JPEG"))]})
    assert r.status_code == 302
    assert r["Location"].endswith("?foto=ditambah#evidence")
    photo = EvidencePhoto.objects.get()
    files = [photo_path(photo), photo_path(photo, thumb=True)]
    assert all(p.exists() for p in files)
    # a viewer sees the photo but may neither add nor delete; nor may another unit's supervisor
    for user in (w.viewer, w.other_spv, w.owner):
        c = client(user)
        assert c.post(add, {"photos": [upload("x.jpg", image_bytes("JPEG"))]}).status_code == 404
        assert c.post(f"/app/bukti/{photo.pk}/hapus/", {"photo": photo.pk}).status_code == 404
    assert EvidencePhoto.objects.count() == 1
    # up to the limit, counting those the audit holds
    five = [upload(f"g{i}.jpg", image_bytes("JPEG")) for i in range(5)]
    r = spv.post(add + "?lang=en", {"photos": five})
    assert r.status_code == 400
    assert "at most 5 photos per audit" in r.content.decode()
    assert EvidencePhoto.objects.count() == 1
    assert spv.post(f"/app/bukti/{photo.pk}/hapus/").status_code == 400  # the form names it
    page = spv.get(f"/app/audit/{audit.pk}/").content.decode()
    assert f'<input type="hidden" name="photo" value="{photo.pk}">' in page
    assert 'name="csrfmiddlewaretoken" value=""' not in page
    with django_capture_on_commit_callbacks(execute=True):
        r = spv.post(f"/app/bukti/{photo.pk}/hapus/", {"photo": str(photo.pk)})
    assert r.status_code == 302
    assert r["Location"].endswith("?foto=dihapus#evidence")
    assert not EvidencePhoto.objects.exists()
    assert not any(p.exists() for p in files)
    assert spv.get(f"/app/bukti/{photo.pk}/").status_code == 404
    # deleting the audit takes its photos' files too
    spv.post(add, {"photos": [upload("again.jpg", image_bytes("JPEG"))]})
    photo = EvidencePhoto.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        audit.delete()
    assert not photo_path(photo).exists()


def test_the_audit_form_asks_for_photos_from_the_camera(w):
    html = client(w.spv).get(f"/app/audit/baru/?unit={w.upt1.pk}&lang=en").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photos"' in html
    assert 'capture="environment" multiple' in html
    assert "Photos can only be uploaded while online" in html


def test_an_admin_sets_keep_location_in_manage(w):
    admin = client(w.admin)
    assert admin.get("/manage/evidence/evidencesettings/add/").status_code == 200
    r = admin.post(
        "/manage/evidence/evidencesettings/add/",
        {"organization": w.alpha.pk, "keep_location": "on", "_save": "Save"},
    )
    assert r.status_code == 302
    assert EvidenceSettings.objects.get(organization=w.alpha).keep_location
    # another organization's admin sees no row of it and cannot set it for Dinas Alpha
    owner = client(w.owner)
    assert "Dinas Alpha" not in owner.get("/manage/evidence/evidencesettings/").content.decode()
    r = owner.post(
        "/manage/evidence/evidencesettings/add/",
        {"organization": w.alpha.pk, "keep_location": "", "_save": "Save"},
    )
    assert r.status_code == 200  # the form refuses the choice
    assert EvidenceSettings.objects.get(organization=w.alpha).keep_location
