from django.urls import path

from . import views

app_name = "newsletters"
urlpatterns = [
    path("lettres/", views.subscribe, name="subscribe"),
    path("lettres/archives/", views.archive, name="archive"),
    path("lettres/confirmation/<str:token>/", views.confirmation, name="confirm"),
    path("lettres/preferences/<str:token>/", views.preferences, name="preferences"),
    path("lettres/desabonnement/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
