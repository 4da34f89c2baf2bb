from django.urls import path

from prima.staffcards import views

app_name = "staffcards"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<int:staff_id>/", views.staff_card, name="card"),
    path("<int:staff_id>/pdf/", views.staff_card_pdf, name="card_pdf"),
    path("<int:staff_id>/catatan/", views.coaching_note, name="note"),
]
