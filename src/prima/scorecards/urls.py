from django.urls import path

from prima.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.triple_win_page, name="triple_win"),
    path("pdf/", views.triple_win_pdf, name="triple_win_pdf"),
]
