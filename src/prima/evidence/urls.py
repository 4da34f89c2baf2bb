"""``/app/bukti/``: an audit's evidence photos (issue 13, point 2)."""

from django.urls import path

from prima.evidence import views

app_name = "evidence"
urlpatterns = [
    path("<int:photo_id>/", views.photo_file, name="photo"),
    path("<int:photo_id>/kecil/", views.photo_thumb, name="thumb"),
    path("<int:photo_id>/hapus/", views.photo_remove, name="delete"),
    path("audit/<int:audit_id>/", views.photos_add, name="add"),
]
