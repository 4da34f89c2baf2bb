"""``/app/audit/``: assignments, the audit form, an audit's scores, corrective actions."""

from django.urls import path

from prima.audits import views

app_name = "audits"
urlpatterns = [
    path("tugas/", views.assignments, name="assignments"),
    path("tugas/<int:assignment_id>/", views.assignment_form, name="assignment"),
    path("kirim/", views.audit_submit_json, name="submit"),
    path("sw.js", views.audit_service_worker, name="sw"),
    path("baru/", views.audit_new, name="new"),
    path("<int:audit_id>/", views.audit_detail, name="detail"),
    path("<int:audit_id>/pdf/", views.audit_pdf, name="pdf"),
    path("<int:audit_id>/tindakan/", views.action_create, name="action_create"),
    path("tindakan/", views.action_list, name="actions"),
    path("tindakan/<int:action_id>/", views.action_detail, name="action"),
]
