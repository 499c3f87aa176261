"""The territory profile lists the contrats de ville its territory signed, with their
generation, each linking to the contract's page."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def contrats_section(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = re.search(r'<section id="contrats">.*?</section>', response.content.decode(), re.S)
    assert found, url
    return found.group(0)


def test_epci_lists_both_generations_with_links(client):
    html = contrats_section(client, "/territoires/epci/243500139/")
    assert html.index("CN03501I") < html.index("CV116")  # the current contract first
    assert '<a href="/contrats/CN03501I/">Rennes Métropole</a>' in html
    assert '<a href="/contrats/CV116/">Rennes Métropole</a>' in html
    assert "génération 2024-2030" in html and "génération 2015-2023" in html


def test_commune_lists_its_own_contract(client):
    html = contrats_section(client, "/territoires/commune/59249/")
    assert '<a href="/contrats/CN05910M/">Fourmies</a>' in html


def test_epci_lists_the_contract_of_a_merged_epci(client):
    html = contrats_section(client, "/territoires/epci/200068989/")  # Dinan Agglomération
    assert "/contrats/CV067/" in html
    assert "signataire absent du référentiel actuel : SIREN 200043255" in html


def test_a_code_of_both_generations_links_to_the_older_one_explicitly(client):
    html = contrats_section(client, "/territoires/epci/200050532/")  # CC de Petite-Terre
    assert '/contrats/CV428/"' in html  # 2024-2030: the bare code
    assert '/contrats/CV428/?generation=2015-2023"' in html
