"""The mid-term report, PDF and ODT, read back: real figures of the warehouse, the team's
text, the vintage used, the sources."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from quartiers.engine.profiles import build_profile
from quartiers.engine.reports import format_number
from quartiers.web.evaluation.models import Framework, NarrativeSection

from .conftest import RENNES

pytestmark = pytest.mark.django_db
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@pytest.fixture
def framework(client, staff):
    client.force_login(staff)
    client.post(f"/contrats/{RENNES}/cadre/creer/", {"title": "Cadre de Rennes", "start": "modele"})
    made = Framework.objects.get()
    NarrativeSection.objects.create(framework=made, section="synthese",
                                    text="Texte de synthèse écrit pour ce test.")
    client.logout()
    return made


def _poverty(store) -> str:
    value = store.values("qpv_epci", "243500139", "taux_pauvrete")[-1]
    return format_number(value.value, 1, "%")


def test_pdf_report(client, framework, store):
    response = client.get(f"/contrats/{RENNES}/rapport-mi-parcours.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    assert "Rapport à mi-parcours" in flat and RENNES in flat
    assert _poverty(store).replace("\xa0", " ") in flat
    assert "Valeur de référence (millésime" in flat
    assert "Texte de synthèse écrit pour ce test." in flat
    assert "Sources" in flat and "Licence Ouverte" in flat
    assert reader.trailer["/Root"].get("/MarkInfo")  # tagged PDF
    profile = build_profile(store, "epci", "243500139")
    assert profile.qpv_comparison is not None


def test_odt_report(client, framework, store):
    response = client.get(f"/contrats/{RENNES}/rapport-mi-parcours.odt")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    root = ElementTree.fromstring(archive.read("content.xml"))
    headings = ["".join(h.itertext()) for h in root.iter(f"{TEXT}h")]
    assert "Le cadre d'évaluation" in headings and "Synthèse" in headings
    paragraphs = ["".join(p.itertext()) for p in root.iter(f"{TEXT}p")]
    assert any(_poverty(store) in p for p in paragraphs)
    assert "Texte de synthèse écrit pour ce test." in paragraphs


def test_report_without_framework_says_so(client, roles):
    response = client.get(f"/contrats/{RENNES}/rapport-mi-parcours.odt")
    content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
    assert "pas encore de cadre d&apos;évaluation" in content or \
        "pas encore de cadre d'évaluation" in content
