"""Rules that live on the models: territories checked against the referential, dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from quartiers.web.programme.models import ActionTerritory

from .factories import ActionFactory


@pytest.mark.django_db
def test_a_known_territory_is_accepted_and_named():
    territory = ActionTerritory(action=ActionFactory(), level="qpv", code=" qn03504m ")
    territory.full_clean()
    assert territory.code == "QN03504M" and territory.name == "Maurepas"


@pytest.mark.django_db
def test_an_unknown_territory_code_is_refused_with_suggestions():
    territory = ActionTerritory(action=ActionFactory(), level="qpv", code="QN03504X")
    with pytest.raises(ValidationError) as refusal:
        territory.full_clean()
    message = refusal.value.message_dict["code"][0]
    assert message.startswith("code inconnu pour le niveau « Quartier prioritaire (QPV 2024) » : "
                              "« QN03504X » ; peut-être : Maurepas (QN03504M), ")


@pytest.mark.django_db
def test_dates_are_told_with_their_precision():
    action = ActionFactory(date_start=date(2024, 5, 1), date_precision="mois")
    assert action.dates == "mai 2024"
    action.date_precision, action.date_end = "jour", date(2024, 5, 2)
    assert action.dates == "du 1er mai 2024 au 2 mai 2024"
    action.date_end = date(2024, 4, 30)
    with pytest.raises(ValidationError, match="La date de fin précède la date de début"):
        action.full_clean()


@pytest.mark.django_db
def test_a_date_without_precision_is_a_day():
    action = ActionFactory.build(axis=ActionFactory().axis, date_start=date(2024, 6, 13))
    action.full_clean()
    assert action.date_precision == "jour" and action.dates == "13 juin 2024"
