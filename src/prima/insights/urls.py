from django.urls import path

from prima.insights import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<str:code>/", views.survey_results_page, name="results"),
]
