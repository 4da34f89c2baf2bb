"""The public complaint pages (``/pengaduan/``; see :mod:`prima.complaints.views`). ``lacak`` is
the tracking part, so an organization whose slug is ``lacak`` has no complaint form here."""

from django.urls import path

from prima.complaints import views

app_name = "complaints"
urlpatterns = [
    path("lacak/", views.lookup_page, name="lookup"),
    path("lacak/<str:tracking_code>/", views.track_page, name="track"),
    path("lacak/<str:tracking_code>/tanda-terima/", views.receipt_page, name="receipt"),
    path("lacak/<str:tracking_code>/nilai/", views.rate_action, name="rate"),
    path("lacak/<str:tracking_code>/buka-kembali/", views.reopen_action, name="reopen"),
    path("<slug:slug>/", views.complaint_page, name="form"),
]
