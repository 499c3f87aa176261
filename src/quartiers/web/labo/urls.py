from django.urls import path

from . import views

app_name = "labo"
urlpatterns = [
    path("", views.index, name="index"),
    # the staff's pages, and the applicant's signed link, before a call's slug
    path("equipe/", views.staff_index, name="staff_index"),
    path("equipe/<slug:slug>/", views.staff_call, name="staff_call"),
    path("equipe/candidature/<int:pk>/", views.staff_application, name="staff_application"),
    path("equipe/candidature/<int:pk>/pieces/<int:attachment>/", views.staff_attachment,
         name="staff_attachment"),
    path("equipe/candidature/<int:pk>/feuille-de-route/", views.staff_roadmap,
         name="staff_roadmap"),
    path("candidature/<str:token>/", views.application_page, name="application"),
    path("candidature/<str:token>/pieces/<int:pk>/", views.applicant_attachment,
         name="applicant_attachment"),
    path("<slug:slug>/", views.call_page, name="call"),
    path("<slug:slug>/candidater/", views.apply, name="apply"),
    path("<slug:slug>/<str:territory>/", views.roadmap, name="roadmap"),
]
