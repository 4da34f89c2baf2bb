from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import include, path, re_path

from prima.collection.admin import old_admin_url
from prima.config.api import api
from prima.config.favicon import favicon
from prima.organizations.manage_site import manage_site
from prima.organizations.views import DemoLoginView

urlpatterns = [
    path("", lambda request: redirect("backoffice:home"), name="root"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("design/", include("prima.ui.urls")),
    path("accounts/login/", DemoLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("app/pemberitahuan/", include("prima.alerts.urls")),
    path("app/kasus/", include("prima.casework.urls")),
    path("app/kartu-skor/", include("prima.scorecards.urls")),
    path("app/surveys/<str:code>/undangan/", include("prima.invitations.urls")),
    path("app/audit/", include("prima.audits.urls")),
    path("app/bukti/", include("prima.evidence.urls")),
    path("app/kartu-staf/", include("prima.staffcards.urls")),
    path("app/kalibrasi/", include("prima.calibration.urls")),
    path("app/", include("prima.dashboard.urls")),
    path("s/", include("prima.collection.urls")),
    path("hasil/", include("prima.insights.public_urls")),
    path("pengaduan/", include("prima.complaints.urls")),
    path("kiosk/", include("prima.collection.kiosk_urls")),
    path("api/", api.urls),
    # kiosk devices were managed under /manage/surveys/ before prima.collection (ADR 0004)
    re_path(r"manage/surveys/kioskdevice/(?P<rest>.*)$", old_admin_url),
    path("manage/", manage_site.urls),
    path("admin/", admin.site.urls),
]

# styled, translated error pages (prima.ui.errors): in the request's language, Indonesian by default
handler400 = "prima.ui.errors.bad_request"
handler403 = "prima.ui.errors.permission_denied"
handler404 = "prima.ui.errors.page_not_found"
handler500 = "prima.ui.errors.server_error"
