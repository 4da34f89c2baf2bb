from django.urls import path

from prima.collection import views as public_views

app_name = "collection"
urlpatterns = [
    path("<str:code>/", public_views.survey_page, name="page"),
    path("<str:code>/terima-kasih/", public_views.thanks_page, name="thanks"),
]
