"""The issue's « done when », end to end on real public data: the ANCT's adultes-relais and FONJEP
posts deposited under an agreement, computed, audited and released by the staff, loaded by the
build into a copy of the test warehouse, then read by the public on the profile and in the API
with their provenance — and every step in an intact journal."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from quartiers.engine.partners.published import load_releases
from quartiers.web.core.warehouse import get_store
from quartiers.web.partners import demonstration, services
from quartiers.web.partners.models import JournalEntry, Output

RENNES_METROPOLE = "243500139"


@pytest.fixture
def released_warehouse(settings, staff_user, warehouse_path, tmp_path):
    """The demonstration's output released by the staff, then loaded like ``quartiers build``
    does into a copy of the warehouse the web reads."""
    demonstration.run(staff_user, settings.QUARTIERS.data_dir)
    output = Output.objects.get()
    assert output.audit_ok and output.status == Output.Status.TO_REVIEW
    services.review(output, staff_user, accept=True, comment="Relu : audit concluant.")
    services.release(output, staff_user)
    copy = tmp_path / "entrepot-publie.duckdb"
    shutil.copyfile(warehouse_path, copy)
    con = duckdb.connect(str(copy))
    assert load_releases(con, settings.QUARTIERS.imports_dir) == 1
    con.close()
    settings.QUARTIERS = settings.QUARTIERS.with_options(warehouse=copy)
    settings.CACHES = {**settings.CACHES, "pages": {**settings.CACHES["pages"],
                                                     "LOCATION": str(tmp_path / "pages")}}
    get_store.cache_clear()
    return output


@pytest.mark.django_db
def test_released_posts_reach_the_public_profile_and_api_with_their_provenance(
        client, released_warehouse):
    page = client.get(f"/territoires/epci/{RENNES_METROPOLE}/").content.decode()
    assert "Données partenaires (tiers de confiance)" in page
    assert "Convention TC-" in page and "Agence nationale de la cohésion des territoires" in page
    assert "Postes financés — adultes-relais" in page
    body = json.loads(client.get(f"/api/v1/territoires/epci/{RENNES_METROPOLE}").content)
    [release] = body["donnees_partenaires"]
    assert release["licence"].startswith("Convention TC-") and release["millesime"] == "2020-2023"
    assert {v["niveau"] for v in release["valeurs"]} == {"contrat_de_ville"}
    assert all(v["valeur"] is None for v in release["valeurs"] if v["statut"] == "secret")
    # a département shows its hidden cells as such, never their value
    body = json.loads(client.get("/api/v1/territoires/departement/29").content)
    values = [v for r in body["donnees_partenaires"] for v in r["valeurs"]]
    assert values and all((v["valeur"] is None) == (v["statut"] == "secret") for v in values)


@pytest.mark.django_db
def test_every_step_is_in_an_intact_journal(released_warehouse):
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {JournalEntry.Action.DEPOSIT, JournalEntry.Action.COMPUTATION,
            JournalEntry.Action.REVIEW, JournalEntry.Action.RELEASE} <= actions
    assert services.verify_journal().ok
