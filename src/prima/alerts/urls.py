from django.urls import path

from prima.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/baca/", views.notification_read, name="read"),
    path("baca-semua/", views.notification_read_all, name="read_all"),
]
