"""Kiosk pages: ``/kiosk/`` (the app shell), its service worker and manifest, and pairing."""

from django.urls import path

from prima.collection import kiosk_views

app_name = "kiosk"
urlpatterns = [
    path("", kiosk_views.kiosk_shell, name="shell"),
    path("sw.js", kiosk_views.kiosk_service_worker, name="sw"),
    path("manifest.webmanifest", kiosk_views.kiosk_manifest, name="manifest"),
    path("pair/<str:pairing_code>/", kiosk_views.kiosk_pair_page, name="pair"),
]
