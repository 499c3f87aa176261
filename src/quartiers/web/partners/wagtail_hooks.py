from django.urls import path
from wagtail import hooks

from .viewsets import AgreementActivateView, PartnersViewSetGroup


@hooks.register("register_admin_viewset")
def register_partners_viewsets():
    return PartnersViewSetGroup()


@hooks.register("register_admin_urls")
def register_partners_urls():
    return [path("tiers-de-confiance/conventions/<int:pk>/activer/",
                 AgreementActivateView.as_view(), name="partner_agreement_activate")]
