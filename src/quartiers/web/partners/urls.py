from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.index, name="index"),
    path("conventions/<str:code>/", views.agreement, name="agreement"),
    path("conventions/<str:code>/resume.pdf", views.summary_pdf, name="summary_pdf"),
    path("conventions/<str:code>/certificat-suppression.pdf", views.certificate_pdf,
         name="certificate_pdf"),
    path("conventions/<str:code>/deposer/", views.deposit, name="deposit"),
    path("conventions/<str:code>/calculer/", views.compute, name="compute"),
    path("depots/<uuid:pk>/", views.deposit_report, name="deposit_report"),
    path("resultats/<int:pk>/", views.output, name="output"),
    path("resultats/<int:pk>/examen/", views.review, name="review"),
    path("resultats/<int:pk>/retrait/", views.withdraw, name="withdraw"),
    path("journal/", views.journal, name="journal"),
]
