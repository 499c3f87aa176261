"""The site's pages in the content system: the home page in place of Wagtail's « Welcome »,
the legal pages at their addresses, editable by the staff; the centre's identity and
introduction shown by the observatory's pages."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles
from quartiers.web.core.content import changed_stamp
from quartiers.web.site.models import CentreIdentity, HomePage, LegalPage
from quartiers.web.site.services import load_bundled

from ..accounts.factories import UserFactory
from .factories import LegalPageFactory

pytestmark = pytest.mark.django_db

LEGAL = {"/mentions-legales/": "Mentions légales",
         "/donnees-personnelles/": "Données personnelles",
         "/accessibilite/": "Déclaration d'accessibilité"}


def test_the_home_page_replaces_wagtails_welcome_page_once(settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(site_url="https://centre.exemple.test")
    assert Page.objects.filter(slug="home", depth=2).exists()  # Wagtail's « Welcome »
    assert load_bundled() == ("Site : créés : page d'accueil, Mentions légales, Données "
                              "personnelles, Déclaration d'accessibilité.")
    assert load_bundled() == "Site : page d'accueil et pages légales déjà en place."
    [home] = HomePage.objects.all()
    assert not Page.objects.filter(slug="home", depth=2).exists()
    [site] = Site.objects.all()
    assert (site.hostname, site.port, site.root_page_id, site.is_default_site) == (
        "centre.exemple.test", 443, home.pk, True)
    assert sorted(page.url for page in LegalPage.objects.live()) == sorted(LEGAL)
    assert all(page.live and page.latest_revision for page in LegalPage.objects.all())


def test_loading_again_keeps_what_the_staff_edited():
    load_bundled()
    notice = LegalPage.objects.get(slug="mentions-legales")
    notice.body = "<p>Texte du centre.</p>"
    notice.save_revision().publish()
    LegalPage.objects.get(slug="accessibilite").delete()  # and brings back a missing page
    assert load_bundled() == "Site : créé : Déclaration d'accessibilité."
    assert LegalPage.objects.get(slug="mentions-legales").body == "<p>Texte du centre.</p>"


@pytest.mark.parametrize("path", LEGAL)
def test_legal_pages_tell_what_is_to_be_filled_in_at_installation(client, path):
    load_bundled()
    page = client.get(path)
    assert page.status_code == 200
    assert f"<h1>{LEGAL[path]}</h1>".replace("'", "&#x27;") in page.text
    assert "Mise à jour le 30 novembre 2026" in page.text
    assert "Coordonnées du centre" in page.text
    assert page.text.count("à renseigner à l&#x27;installation") >= 6  # nothing invented


def test_the_accessibility_statement_moved_into_the_content_system(client, settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(site_url="https://centre.exemple.test")
    load_bundled()
    page = client.get("/accessibilite/").text
    assert "Ce site est <b>non conforme</b>" in page
    assert "au site <b>centre.exemple.test</b>" in page
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in page
    assert 'href="/accessibilite/">Accessibilité : non conforme</a>' in page  # every footer


def test_the_personal_data_page_says_what_this_installation_does(client, settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(jobs_kept_days=3, geocoder="non",
                                                         basemap_tiles="")
    load_bundled()
    page = client.get("/donnees-personnelles/").text
    assert "effacés au plus tard 3 jours après le dépôt" in page
    assert "Les adresses ne sont transmises à aucun service extérieur" in page
    assert "aucun service tiers ne reçoit l'adresse IP" in page
    assert "mot de passe (sous forme d'empreinte, jamais en clair)" in page


def test_the_personal_data_page_names_the_services_addresses_are_sent_to(client, settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(
        geocoder="", basemap_tiles="https://tuiles.exemple.test/{z}/{x}/{y}.png")
    load_bundled()
    page = client.get("/donnees-personnelles/").text
    assert "Géoplateforme de l'IGN (data.geopf.fr)" in page
    assert "chargé depuis tuiles.exemple.test" in page


def test_the_centres_identity_fills_the_footer_and_the_legal_pages(client, pages_cache_dir):
    load_bundled()
    footer_before = client.get("/mentions-legales/").text.split("<footer")[1]
    assert "mailto:" not in footer_before
    stamp = changed_stamp()
    identity = CentreIdentity.load()
    identity.name, identity.email = "Centre d'essai", "contact@centre.exemple.test"
    identity.publisher = "Directrice d'essai"
    identity.save()
    assert changed_stamp() != stamp  # the observatory's kept pages show the new footer
    page = client.get("/mentions-legales/").text
    footer = page.split("<footer")[1]
    assert "Centre d&#x27;essai" in footer
    assert 'href="mailto:contact@centre.exemple.test"' in footer
    identity_box = page.split("Coordonnées du centre")[1].split("</section>")[0]
    assert "Directrice d&#x27;essai" in identity_box
    assert identity_box.count("à renseigner à l&#x27;installation") == 3  # address, phone, host


def test_the_centres_introduction_shows_once_published():
    load_bundled()
    home = HomePage.objects.get()
    intro = Template("{% load site_tags %}{% centre_intro %}")
    shown = intro.render(Context())
    assert "<h2>Le centre de ressources</h2>" in shown
    assert 'href="/programme/">programme d\'actions</a>' in shown
    home.intro = "<p>Brouillon pas encore publié.</p>"
    home.save_revision()
    assert "Brouillon" not in intro.render(Context())
    home.save_revision().publish()
    assert "Brouillon pas encore publié." in intro.render(Context())


def test_no_introduction_before_the_site_is_loaded():
    assert Template("{% load site_tags %}{% centre_intro %}").render(Context()).strip() == ""


def test_the_observatory_home_stays_at_the_root(client):
    load_bundled()
    page = client.get("/").text
    assert "Les quartiers prioritaires de la politique de la ville" in page


def test_staff_edit_a_legal_page_in_the_back_office_and_scripts_are_dropped(client):
    ensure_roles()
    load_bundled()
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = LegalPage.objects.get(slug="mentions-legales")
    body = {"blocks": [
        {"key": "a1", "text": "Texte du centre <script>alert(1)</script>", "type": "unstyled",
         "depth": 0, "inlineStyleRanges": [], "entityRanges": []},
        {"key": "a2", "text": "un lien piégé", "type": "unstyled", "depth": 0,
         "inlineStyleRanges": [], "entityRanges": [{"offset": 0, "length": 13, "key": 0}]}],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE",
                            "data": {"url": "javascript:alert(1)"}}}}
    response = client.post(f"/gestion/pages/{page.pk}/edit/", nested_form_data({
        "title": "Mentions légales", "slug": "mentions-legales", "last_updated": "2026-12-01",
        "body": json.dumps(body), "comments": inline_formset([]),
        "action-publish": "action-publish"}))
    assert response.status_code == 302
    shown = client.get("/mentions-legales/").text
    assert "Texte du centre &lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<script>alert(1)" not in shown and "javascript:" not in shown
    assert "Mise à jour le 1 décembre 2026" in shown


def test_a_legal_page_lives_only_under_the_home_page():
    assert LegalPage.parent_page_types == ["site.HomePage"]
    page = LegalPageFactory()
    assert page.get_parent().specific_class is HomePage
    # one home page: where it could be made (under the tree's root), not a second time
    assert HomePage.can_create_at(Page.get_first_root_node()) is False
    assert not LegalPage.can_create_at(Page.get_first_root_node())


def test_the_header_groups_the_navigation_and_marks_the_current_page(client):
    page = client.get("/indicateurs/").text
    nav = page.split('<nav class="main-nav" aria-label="Menu principal">')[1].split("</nav>")[0]
    assert nav.index("Observatoire") < nav.index("Localiser") < nav.index(
        "Centre de ressources") < nav.index("Programme")
    assert '<a href="/indicateurs/" aria-current="page">Indicateurs</a>' in nav
    assert nav.count("aria-current") == 1
    assert 'action="/recherche/"' in page  # the search stays in the header
