"""The agreement's two PDF, read back: the summary (code, title, partner, dates, fields,
secrecy) and, once the data are deleted at the end date, the deletion certificate."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from quartiers.web.partners import services

pytestmark = pytest.mark.django_db
POSTS = (Path(__file__).parent / "fixtures" / "postes_fichier_essai.csv").read_bytes()


def _text(response) -> tuple[str, str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader.metadata.title, " ".join(" ".join(
        (page.extract_text() or "").split()) for page in reader.pages)


def test_the_summary_says_what_was_signed(client, agreement, member):
    client.force_login(member)
    title, text = _text(client.get(f"/tiers-de-confiance/conventions/{agreement.code}/resume.pdf"))
    assert title == f"Résumé de la convention — {agreement.code}"
    for expected in (agreement.code, agreement.title, agreement.partner.name,
                     agreement.starts_on.strftime("%Y"), "Signataires", "Fonction d'essai",
                     "code_tiers", "Seuil de fréquence", "moins de 11 unités",
                     "Fin de conservation"):
        assert expected in text, expected


def test_the_certificate_follows_the_deletion(client, agreement, member):
    services.deposit(agreement, member, "postes_fichier_essai.csv", POSTS)
    client.force_login(member)
    url = f"/tiers-de-confiance/conventions/{agreement.code}/certificat-suppression.pdf"
    assert client.get(url).status_code == 404  # not deleted yet
    [certificate] = services.delete_expired(agreement.ends_on)
    title, text = _text(client.get(url))
    assert title == f"Certificat de suppression des données — {agreement.code}"
    for expected in (agreement.code, agreement.partner.name, "lignes effacées",
                     certificate.journal_hash[:20]):
        assert expected in text, expected
