from django.urls import path

from prima.invitations import views

app_name = "invitations"
urlpatterns = [
    path("", views.invitations_page, name="page"),
    path("buat/", views.invitations_make, name="make"),
    path("aturan/", views.invitations_policy, name="policy"),
]
