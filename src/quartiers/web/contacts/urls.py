from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("contacts/renouvellement/<str:token>/", views.renewal, name="renewal"),
]
