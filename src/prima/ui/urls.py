from django.urls import path

from prima.ui import views

app_name = "ui"
urlpatterns = [path("", views.component_page, name="components")]
