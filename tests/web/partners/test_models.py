"""Agreements' codes, checks before activation, and the secrecy rules they give the engine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from quartiers.engine.secrecy.rules import Rules
from quartiers.web.partners.models import Signatory

from .factories import AgreementFactory


@pytest.mark.django_db
def test_codes_are_numbered_per_year():
    first, second = AgreementFactory(), AgreementFactory()
    year = first.created_at.year
    assert (first.code, second.code) == (f"TC-{year}-001", f"TC-{year}-002")
    older = AgreementFactory(created_at=first.created_at.replace(year=2025))
    assert older.code == "TC-2025-001"
    second.title = "Renommée"
    second.save()
    assert second.code == f"TC-{year}-002"


@pytest.mark.django_db
def test_rules_come_from_the_agreement():
    agreement = AgreementFactory(threshold=5, dominance_n=2, dominance_k=90, p_percent=15)
    assert agreement.rules() == Rules(threshold=5, dominance_n=2, dominance_k=90.0, p_percent=15.0,
                                      protection_percent=10.0)
    assert AgreementFactory().rules() == Rules()


@pytest.mark.django_db
def test_fields_recipes_and_dates_are_checked_in_french():
    agreement = AgreementFactory(allowed_fields=["montant", "salaire"], recipes=["postes", "c2s"],
                                 starts_on=date(2026, 3, 1), ends_on=date(2026, 2, 1))
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    messages = error.value.message_dict
    assert "salaire" in messages["allowed_fields"][0]
    assert "c2s" in messages["recipes"][0] and "postes" not in messages["recipes"][0]
    assert "doit suivre" in messages["ends_on"][0]

    missing = AgreementFactory(allowed_fields=["montant", "annee"])
    with pytest.raises(ValidationError, match="obligatoires du schéma non autorisés : id_poste"):
        missing.full_clean()


@pytest.mark.django_db
def test_activation_needs_a_signatory_on_each_side_and_a_future_end():
    agreement = AgreementFactory()
    problems = agreement.activation_problems()
    assert problems == ["Il manque un signataire côté partenaire.",
                        "Il manque un signataire côté centre de ressources."]
    Signatory.objects.create(agreement=agreement, side="partenaire", name="A", function="B")
    Signatory.objects.create(agreement=agreement, side="centre", name="C", function="D")
    assert agreement.activation_problems() == []
    agreement.ends_on = agreement.starts_on + timedelta(days=1)
    assert "La fin de conservation est déjà passée." in agreement.activation_problems()


@pytest.mark.django_db
def test_what_was_signed_no_longer_changes_once_in_force(agreement):
    """Another partner would see the data, a lower threshold would loosen stored data's secrecy."""
    from quartiers.web.accounts.models import PartnerOrganisation

    other = PartnerOrganisation.objects.create(name="Autre organisme d'essai", kind="bailleur")
    agreement.partner, agreement.threshold = other, 5
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert {"partner", "threshold"} <= set(refused.value.message_dict)
    agreement.refresh_from_db()
    agreement.ends_on += timedelta(days=365)  # the retention date may still move
    agreement.full_clean()


@pytest.mark.django_db
def test_secrecy_parameters_cannot_be_switched_off():
    with pytest.raises(ValidationError) as refused:
        AgreementFactory(threshold=1, protection_percent=0).full_clean()
    assert {"threshold", "protection_percent"} <= set(refused.value.message_dict)
