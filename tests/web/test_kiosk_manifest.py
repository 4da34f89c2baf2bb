"""The kiosk's web app manifest speaks the tablet's language (the name a tablet installs the
kiosk under; issue 10, point 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

URL = "/kiosk/manifest.webmanifest"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "name", "short", "lang"),
    [
        (None, "Prima · Kios survei", "Prima Kios", "id"),
        ("id", "Prima · Kios survei", "Prima Kios", "id"),
        ("en", "Prima · survey kiosk", "Prima kiosk", "en"),
    ],
)
def test_the_manifest_names_the_kiosk_in_the_devices_language(cookie, name, short, lang) -> None:
    client = Client()
    if cookie:
        client.cookies["django_language"] = cookie
    with translation.override(translation.get_language()):  # the middleware's, put back after
        r = client.get(URL)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/manifest+json")
    manifest = r.json()
    assert (manifest["name"], manifest["short_name"], manifest["lang"]) == (name, short, lang)
