"""A resource's page: what it shows, its video that loads nothing before a click, rich text
that cannot carry script, and a back office that only the staff reach."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from wagtail.blocks import StructBlockValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from quartiers.web.library.blocks import VideoBlock
from quartiers.web.library.models import Kind, ResourceFile, ResourcePage, ResourceTerritory

from ..programme.factories import PublicFactory, ThemeFactory
from .factories import (
    ResourceDocumentFactory,
    ResourcePageFactory,
    resource_index,
)

pytestmark = pytest.mark.django_db

VIDEO = ("video", {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                   "title": "Rencontre régionale"})


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_resource_page_shows_its_summary_files_and_links_back(client):
    theme, public = ThemeFactory(name="Santé", slug="sante"), PublicFactory(name="Élu·es",
                                                                          slug="elus")
    document = ResourceDocumentFactory(title="Rapport complet")
    page = ResourcePageFactory(
        title="Étude santé", kind=Kind.STUDY, summary="Ce que disent les chiffres.",
        themes=[theme], publics=[public], files=[ResourceFile(document=document)],
        territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    html = soup(client.get(page.url))
    assert html.h1.text == "Étude santé"
    assert "Ce que disent les chiffres." in html.select_one(".summary").text
    file_line = html.select_one(".files li").text
    assert "Rapport complet" in file_line and "PDF" in file_line and "octets" in file_line
    links = {a.text: a["href"] for a in html.select(".about a")}
    assert links == {"Santé": "/ressources/?theme=sante", "Élu·es": "/ressources/?public=elus",
                     "Maurepas": "/territoires/qpv/QN03504M/"}
    assert html.select_one(".meta a")["href"] == "/ressources/?type=etude-data-quartiers"


def test_a_video_loads_nothing_from_its_host_before_a_click(client):
    page = ResourcePageFactory(kind=Kind.VIDEO, body=[VIDEO])
    html = soup(client.get(page.url))
    assert not html.find("iframe")
    assert "youtube" not in " ".join(str(tag) for tag in html.find_all(["script", "img",
                                                                       "link", "iframe"]))
    box = html.select_one("[data-video-player]")
    assert box["data-video-player"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert box.a["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"  # without script
    assert box.button.has_attr("hidden")  # shown by the script
    assert box.button.text == ("Afficher la vidéo (contenu hébergé par YouTube, qui peut "
                               "déposer des cookies)")


def test_an_unknown_video_host_is_refused():
    block = VideoBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"url": "https://exemple.org/film.mp4", "title": "Film"}))
    assert "« https://exemple.org/film.mp4 » n'est pas l'adresse d'une vidéo" in \
        refused.value.block_errors["url"].messages[0]


def contentstate(text: str, link: str) -> str:
    """What Draftail posts: a paragraph whose text and link a hostile editor chose."""
    return json.dumps({"blocks": [{
        "key": "a1b2c", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [],
        "entityRanges": [{"offset": 0, "length": 4, "key": 0}], "data": {}}],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link}}}})


def admin_form(title: str, body: list, territories: list[dict] | None = None) -> dict:
    return nested_form_data({
        "title": title, "slug": slugify(title), "kind": Kind.EXPERIENCE,
        "summary": "<script>alert('résumé')</script>", "date": "", "body": streamfield(body),
        "files": inline_formset([]), "territories": inline_formset(territories or []),
        "comments": inline_formset([]), "action-publish": "publish"})


def add_url() -> str:
    return reverse("wagtailadmin_pages:add", args=("library", "resourcepage",
                                                   resource_index().pk))


def test_script_in_submitted_rich_text_never_reaches_the_page(staff_client, client):
    hostile = "Lien <script>alert(1)</script> <img src=x onerror=alert(2)>"
    response = staff_client.post(add_url(), admin_form("Fiche piégée", [
        ("paragraph", contentstate(hostile, "javascript:alert(3)")),
        ("quote", {"quote": "<script>alert(4)</script>", "source": "<b onmouseover=x()>"}),
        ("video", {**VIDEO[1], "title": '"><script>alert(5)</script>'})]))
    assert response.status_code == 302
    page = ResourcePage.objects.get(title="Fiche piégée")
    assert page.live
    html = soup(client.get(page.url))
    scripts = [tag.get("src") for tag in html.find_all("script")]
    assert all(src and src.startswith("/static/") for src in scripts)  # only the site's own
    for tag in html.find_all(True):
        assert not [name for name in tag.attrs if name.startswith("on")], tag
        assert not tag.get("href", "").lower().startswith("javascript"), tag
    assert "alert(1)" in html.select_one(".body").text  # shown as text, harmless


def test_an_unknown_territory_is_refused_in_the_back_office(staff_client):
    response = staff_client.post(add_url(), admin_form(
        "Fiche mal située", [("paragraph", contentstate("Texte", "https://exemple.org/"))],
        territories=[{"level": "qpv", "code": "QN03504X"}]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "QN03504X" in text and "Maurepas" in text
    assert not ResourcePage.objects.filter(title="Fiche mal située").exists()


@pytest.mark.parametrize("url", ["/gestion/", "/gestion/pages/", "/gestion/documents/"])
def test_the_back_office_is_not_reachable_anonymously(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


def test_the_editor_of_resources_is_refused_without_the_staff_role(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(
        email="public@example.org", password="un mot de passe solide"))
    response = client.get(add_url())
    assert response.status_code == 302  # Wagtail sends those without access back to log in
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert client.post(add_url(), admin_form("Fiche", [])).status_code == 302
    assert not ResourcePage.objects.filter(title="Fiche").exists()


def test_a_draft_is_not_public(client):
    page = ResourcePageFactory(title="Pas encore", live=False)
    assert client.get("/ressources/" + page.slug + "/").status_code == 404
