from django.urls import path

from . import views

urlpatterns = [
    path("", views.upload, name="locator"),
    path("<str:job_id>/", views.job, name="locator_job"),
    path("<str:job_id>/resultat", views.result, name="locator_result"),
]
