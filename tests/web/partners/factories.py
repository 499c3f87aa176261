"""Agreements, signatories and partner members made for the tests (no real agreement, no real
person); the posts schema by default, under a public task as if its data were confidential."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from quartiers.web.accounts.models import Role
from quartiers.web.partners.models import Agreement, Signatory

from ..accounts.factories import PartnerOrganisationFactory, UserFactory

POSTS_FIELDS = ["id_poste", "code_tiers", "raison_sociale", "annee", "montant", "code_cv",
                "insee_dep", "insee_reg", "dispositif"]


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft agreement; ``AgreementFactory(signed=True)`` adds a signatory on each side."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Convention d'essai {n}")
    partner = factory.SubFactory(PartnerOrganisationFactory)
    legal_basis = Agreement.LegalBasis.PUBLIC_TASK
    purpose = "Essai : les montants des postes subventionnés par contrat de ville."
    schema = "postes_subventionnes"
    allowed_fields = factory.LazyFunction(lambda: list(POSTS_FIELDS))
    recipes = factory.LazyFunction(lambda: ["postes"])
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))

    @factory.post_generation
    def signed(agreement, create, signed, **_):
        if signed:
            for side in Signatory.Side:
                Signatory.objects.create(agreement=agreement, side=side, name=f"Signataire {side}",
                                         function="Fonction d'essai",
                                         signed_on=agreement.starts_on)


def partner_member(organisation, **kwargs):
    """A member of ``organisation`` (the roles' groups must exist: ``ensure_roles``)."""
    return UserFactory(partner_organisation=organisation, roles=[Role.PARTNER_MEMBER], **kwargs)
