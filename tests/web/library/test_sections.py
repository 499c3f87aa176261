"""« Ressources sur ce territoire » on the territories' profiles: the territory itself, its
parents and its QPV, each resource saying why it appears."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory

from quartiers.engine.profiles import build_profile
from quartiers.web.core.warehouse import get_store
from quartiers.web.library.models import Kind, ResourceTerritory
from quartiers.web.library.sections import territory_resources

from .factories import ResourcePageFactory

pytestmark = pytest.mark.django_db

MAUREPAS, RENNES = "/territoires/qpv/QN03504M/", "/territoires/commune/35238/"


def block(client, url: str) -> dict[str, str] | None:
    """The resources the profile lists: title → why it appears; None without the block."""
    response = client.get(url)
    assert response.status_code == 200
    section = BeautifulSoup(response.content, "html.parser").find(id="ressources")
    if section is None:
        return None
    assert section.h2.text == "Ressources sur ce territoire"
    return {li.a.text: li.select_one(".tag").text for li in section.find_all("li")}


def test_no_block_without_resources(client):
    assert block(client, MAUREPAS) is None


def test_a_resource_on_a_qpv_shows_on_it_and_on_its_commune(client):
    page = ResourcePageFactory(title="Fiche Maurepas", kind=Kind.EXPERIENCE,
                               territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    assert block(client, MAUREPAS) == {"Fiche Maurepas": "sur ce QPV"}
    assert block(client, RENNES) == {"Fiche Maurepas": "sur le QPV Maurepas"}
    assert block(client, "/territoires/qpv/QN03502M/") is None  # Villejean, in Rennes too
    link = BeautifulSoup(client.get(MAUREPAS).content, "html.parser").select_one(
        "#ressources a")["href"]
    assert link == page.url


def test_a_resource_on_the_commune_and_the_region_shows_on_the_qpv(client):
    ResourcePageFactory(title="Fiche Rennes",
                        territories=[ResourceTerritory(level="commune", code="35238")])
    ResourcePageFactory(title="Fiche Bretagne et Rennes", territories=[
        ResourceTerritory(level="region", code="53"),
        ResourceTerritory(level="commune", code="35238")])
    assert block(client, MAUREPAS) == {
        "Fiche Rennes": "sur la commune Rennes",
        "Fiche Bretagne et Rennes": "sur la commune Rennes ; sur la région Bretagne"}
    assert block(client, RENNES) == {"Fiche Rennes": "sur cette commune",
                                     "Fiche Bretagne et Rennes":
                                         "sur cette commune ; sur la région Bretagne"}


def test_the_block_follows_publication(client):
    """Profiles are cached until the content changes: publishing and unpublishing show."""
    assert block(client, MAUREPAS) is None
    page = ResourcePageFactory(title="Fiche publiée",
                               territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    assert block(client, MAUREPAS) == {"Fiche publiée": "sur ce QPV"}
    page.unpublish()
    assert block(client, MAUREPAS) is None


def test_a_resource_made_private_leaves_the_cached_block(client):
    from wagtail.models import PageViewRestriction

    page = ResourcePageFactory(title="Fiche bientôt privée",
                               territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    assert block(client, MAUREPAS) == {"Fiche bientôt privée": "sur ce QPV"}
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN)
    assert block(client, MAUREPAS) is None
    restriction.delete()
    assert block(client, MAUREPAS) == {"Fiche bientôt privée": "sur ce QPV"}


def test_a_deleted_resource_leaves_the_cached_block(client):
    page = ResourcePageFactory(title="Fiche supprimée",
                               territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    assert block(client, MAUREPAS) == {"Fiche supprimée": "sur ce QPV"}
    page.delete()
    assert block(client, MAUREPAS) is None


def test_a_draft_is_not_listed(client):
    ResourcePageFactory(title="Brouillon", live=False,
                        territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    assert block(client, MAUREPAS) is None


def test_the_block_costs_few_queries(django_assert_max_num_queries):
    for number in range(5):
        ResourcePageFactory(title=f"Fiche {number}", territories=[
            ResourceTerritory(level="qpv", code="QN03504M"),
            ResourceTerritory(level="commune", code="35238")])
    request = RequestFactory().get(RENNES)
    profile = build_profile(get_store(), "commune", "35238")
    with django_assert_max_num_queries(3):  # the tags with their pages; view restrictions; sites
        html = territory_resources(request, profile)
    assert html.count("<li>") == 5
