"""The public results pages: ``/hasil/<organization slug>/`` and its widget ``embed/``."""

from django.urls import path

from prima.insights import public_views

app_name = "public_results"
urlpatterns = [
    path("<slug:slug>/", public_views.results_page, name="page"),
    path("<slug:slug>/embed/", public_views.results_embed, name="embed"),
]
