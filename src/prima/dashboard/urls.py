from django.urls import path, re_path

from prima.collection import poster_views
from prima.dashboard import views
from prima.reports import views as report_views
from prima.transfers import export_views, import_views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<str:code>/", views.survey_results_page, name="results"),
    # a manager corrects the labels of a suggestion (prima.remark_labels, issue 14)
    path(
        "surveys/<str:code>/saran/<int:response_id>/label/",
        views.remark_label_correct,
        name="remark_label",
    ),
    # import of paper surveys (prima.transfers.import_views): upload, preview, confirm; templates
    path("surveys/<str:code>/import/", import_views.import_page, name="import"),
    re_path(
        r"^surveys/(?P<code>[^/]+)/import/template\.(?P<fmt>csv|xlsx)$",
        import_views.import_template,
        name="import_template",
    ),
    # exports in the background (prima.transfers.export_views): the form and recent jobs, a job's
    # progress (polled with htmx) and its file
    path("surveys/<str:code>/ekspor/", export_views.export_page, name="export"),
    path(
        "surveys/<str:code>/ekspor/<int:job_id>/",
        export_views.export_job_page,
        name="export_job",
    ),
    path(
        "surveys/<str:code>/ekspor/<int:job_id>/unduh/",
        export_views.export_download,
        name="export_download",
    ),
    # the official SKM report of the selected unit and period: ?unit=<id>&period=2026-S1
    re_path(
        r"^surveys/(?P<code>[^/]+)/laporan-skm\.(?P<fmt>pdf|xlsx)$",
        report_views.skm_report_download,
        name="skm_report",
    ),
    # QR codes and posters (prima.collection.poster_views): /app/surveys/<code>/qr/<unit>.svg|png,
    # /app/surveys/<code>/poster/<unit>-a4.pdf|-a5.pdf and poster/semua-a4.pdf (all units)
    path("surveys/<str:code>/qr/<int:unit_id>.svg", poster_views.qr_svg, name="qr_svg"),
    path("surveys/<str:code>/qr/<int:unit_id>.png", poster_views.qr_png, name="qr_png"),
    re_path(
        r"^surveys/(?P<code>[^/]+)/poster/(?P<unit_id>[0-9]+)-(?P<size>a4|a5)\.pdf$",
        poster_views.poster,
        name="poster",
    ),
    re_path(
        r"^surveys/(?P<code>[^/]+)/poster/semua-(?P<size>a4|a5)\.pdf$",
        poster_views.posters_all,
        name="posters_all",
    ),
]
