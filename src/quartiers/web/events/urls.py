from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("agenda.ics", views.agenda_ics, name="feed"),
    path("agenda/evenement-<int:pk>.ics", views.event_ics, name="event_ics"),
    path("agenda/inscription/<str:token>/", views.registration_page, name="registration"),
    path("agenda/place/<str:token>/", views.offer_page, name="offer"),
    path("agenda/cycles/<slug:slug>/", views.cycle_page, name="cycle"),
    path("agenda/equipe/<int:pk>/", views.registrations, name="registrations"),
    path("agenda/equipe/<int:pk>/pointage/", views.check_in, name="check_in"),
    path("agenda/equipe/<int:pk>/pointage/<int:registration_id>/", views.toggle_presence,
         name="presence"),
    path("agenda/equipe/<int:pk>/emargement.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path("agenda/equipe/<int:pk>/attestations.pdf", views.certificates, name="certificates"),
    path("agenda/equipe/<int:pk>/inscriptions.<str:extension>", views.export, name="export"),
]
