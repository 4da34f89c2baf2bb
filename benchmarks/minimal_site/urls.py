from __future__ import annotations

from django.urls import path

from minimal_site.inserts import views

urlpatterns = [
    path("submit/", views.submit),
    path("ready/", views.ready),
]
