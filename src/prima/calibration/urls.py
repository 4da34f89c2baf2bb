"""``/app/kalibrasi/``: the auditors' agreement (calibration) and one encounter's answers."""

from django.urls import path

from prima.calibration import views

app_name = "calibration"
urlpatterns = [
    path("", views.calibration_list, name="list"),
    path("<str:slug>/<str:encounter>/", views.encounter_page, name="encounter"),
]
