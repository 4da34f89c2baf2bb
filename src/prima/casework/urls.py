"""``/app/kasus/``: the staff's case pages (mounted in prima.config.urls)."""

from django.urls import path

from prima.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("baru/", views.case_intake, name="intake"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/status/", views.case_status, name="status"),
    path("<int:case_id>/pemilik/", views.case_assign_view, name="assign"),
    path("<int:case_id>/kategori/", views.case_category, name="category"),
    path("<int:case_id>/catatan/", views.case_note_view, name="note"),
]
