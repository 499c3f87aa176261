"""The programme's public pages and its place in the staff back office."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from quartiers.web.programme.models import Action, ActionTerritory
from quartiers.web.programme.services import import_programme

from .factories import ActionFactory, ProgrammeFactory, PublicFactory, ThemeFactory


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_index_lists_the_years_and_their_comparison(client, bundled):
    page = _text(client.get(reverse("programme:index")))
    assert 'href="/programme/2026/"' in page and 'href="/programme/2024/"' in page
    assert 'href="/programme/comparer/2024/2026/"' in page


@pytest.mark.django_db
def test_programme_page_by_pole_axis_and_action(client, bundled):
    page = _text(client.get(reverse("programme:year", args=[2024])))
    for pole in ("Politique de la ville", "Cohésion sociale", "Transitions | Économie",
                 "Data et Quartiers", "Veille et Communication"):
        assert f">{pole}</h2>" in page
    assert "<h3>La santé</h3>" in page
    assert "<h3>Politique de la ville</h3>" not in page  # the axis named as its pôle
    laval = Action.objects.get(axis__pole__programme__year=2024, source_line=65)
    assert f'href="/programme/2024/actions/{laval.id}/"' in page
    assert "<dd>13 juin 2024</dd>" in page and "<dd>Laval</dd>" in page
    total = Action.objects.filter(axis__pole__programme__year=2024).count()
    assert f"{total} actions." in page
    assert '<label for="id_theme">Thème</label>' in page


@pytest.mark.django_db
def test_filters_by_theme_public_and_format(client, bundled):
    url = reverse("programme:year", args=[2024])
    page = _text(client.get(url, {"theme": "sante"}))
    santé = Action.objects.filter(axis__pole__programme__year=2024, themes__slug="sante")
    assert f"{santé.count()} actions sur" in page
    assert "Journée de qualification" in page and "Forum inter-régional" not in page
    page = _text(client.get(url, {"public": "formateurs-vrl", "format": "journee"}))
    assert "1 action sur" in page and "Journée régionale de rencontre des formateurs" in page
    assert '<option value="formateurs-vrl" selected>' in page
    page = _text(client.get(url, {"theme": "ville-la-nuit"}))  # not a theme of 2024
    assert "Un filtre n'est pas valable" in page


@pytest.mark.django_db
def test_action_page_links_its_territories(client, bundled):
    action = Action.objects.get(axis__pole__programme__year=2024, source_line=166)
    ActionTerritory.objects.create(action=action, level="commune", code="35238")
    page = _text(client.get(action.get_absolute_url()))
    assert "<h1>Forum inter-régional sur l&#x27;interculturalité</h1>" in page
    assert '<a href="/territoires/commune/35238/">Rennes</a>' in page
    assert "4 juillet 2024" in page and "Ligne 166 du document « programme-2024.txt »" in page
    assert client.get(reverse("programme:action", args=[2026, action.id])).status_code == 404


@pytest.mark.django_db
def test_pdf_is_a4_and_reads_back(client, bundled):
    response = client.get(reverse("programme:pdf", args=[2024]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in ("Programme d'actions 2024", "Cohésion sociale", "Veille et Communication",
                     "Journée Bien vivre ensemble", "13 février 2024", "Nantes"):
        assert expected in text, expected
    assert reader.metadata.title == "Programme d'actions 2024"


@pytest.mark.django_db
def test_comparison_shows_what_2026_adds_with_the_lines(client, bundled):
    page = _text(client.get(reverse("programme:compare", args=[2024, 2026])))
    appearing = page.split('id="apparaissent"')[1].split('id="continuent"')[0]
    for theme in ("La ville la nuit", "Études sur le vote", "Formation des élu·es",
                  "Plaidoyer 2027"):
        assert f"<h3>{theme}</h3>" in appearing
    assert "ligne 14 du document" in appearing
    continuing = page.split('id="continuent"')[1].split('id="disparaissent"')[0]
    for theme in ("Santé", "Laïcité", "Évaluation des contrats de ville"):
        assert f"<h3>{theme}</h3>" in continuing
    disappearing = page.split('id="disparaissent"')[1]
    assert "<h3>Lien à la recherche</h3>" in disappearing
    assert client.get(reverse("programme:compare", args=[2024, 2024])).status_code == 404


@pytest.mark.django_db
def test_a_theme_given_by_hand_counts_in_the_comparison(client):
    theme = ThemeFactory(keywords="")
    before, after = ProgrammeFactory(), ProgrammeFactory()
    ActionFactory(axis__pole__programme=after, themes=[theme])
    page = _text(client.get(reverse("programme:compare", args=[before.year, after.year])))
    assert f"<h3>{theme.name}</h3>" in page and "thème attribué à l'action" in page


@pytest.mark.django_db
def test_imported_markup_is_shown_as_text(client, tmp_path):
    path = tmp_path / "programme.txt"
    path.write_text("Pôle Essai <script>alert('pôle')</script>\n\nModalités :\n\n"
                    "- **[3 mars 2031, à Rennes]** Journée <script>alert('x')</script> d'essai\n",
                    encoding="utf-8")
    import_programme(path, 2031)
    action = Action.objects.get(axis__pole__programme__year=2031)
    for url in (reverse("programme:year", args=[2031]), action.get_absolute_url()):
        page = _text(client.get(url))
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    pdf = client.get(reverse("programme:pdf", args=[2031])).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "<script>alert('x')</script>" in text  # inert characters, as written


@pytest.mark.django_db
def test_public_pages_need_no_account(client, bundled):
    for url in (reverse("programme:index"), reverse("programme:year", args=[2026]),
                reverse("programme:compare", args=[2024, 2026])):
        assert client.get(url).status_code == 200
    assert client.get(reverse("programme:year", args=[1999])).status_code == 404


@pytest.mark.django_db
def test_back_office_listing_is_for_staff_only(client, django_user_model, bundled):
    listing = reverse("wagtailsnippets_programme_programme:list")
    response = client.get(listing)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    admin = django_user_model.objects.create_superuser(email="admin@exemple.test",
                                                       password="mot-de-passe-solide-42")
    client.force_login(admin)
    page = _text(client.get(listing))
    assert "Programme d&#x27;actions 2024" in page and "Programme d&#x27;actions 2026" in page
    actions = _text(client.get(reverse("wagtailsnippets_programme_action:list"),
                               {"q": "Laval"}))
    assert "Rencontre inter-régionale de la politique de la ville" in actions
    edit = client.get(reverse("wagtailsnippets_programme_action:edit", args=[
        Action.objects.get(source_line=65, axis__pole__programme__year=2024).pk]))
    assert edit.status_code == 200


@pytest.mark.django_db
def test_staff_edit_refuses_an_unknown_territory(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="admin@exemple.test",
                                                       password="mot-de-passe-solide-42")
    client.force_login(admin)
    action = ActionFactory(publics=[PublicFactory()])
    url = reverse("wagtailsnippets_programme_action:edit", args=[action.pk])
    form = {"axis": action.axis_id, "title": action.title, "format": "autre", "order": 0,
            "territories-TOTAL_FORMS": 1, "territories-INITIAL_FORMS": 0,
            "territories-MIN_NUM_FORMS": 0, "territories-MAX_NUM_FORMS": 1000,
            "territories-0-level": "commune", "territories-0-code": "35999",
            "territories-0-ORDER": 1, "territories-0-DELETE": ""}
    page = _text(client.post(url, form))
    assert "code inconnu pour le niveau « Commune » : « 35999 » ; peut-être :" in page
    assert not ActionTerritory.objects.exists()
    form["territories-0-code"] = "35238"
    assert client.post(url, form).status_code == 302
    assert ActionTerritory.objects.get().code == "35238"
    assert action.revisions.count() == 1  # the edit is kept in the history
