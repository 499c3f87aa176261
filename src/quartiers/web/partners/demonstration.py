"""The trusted third party's path shown on real public data: the adultes-relais and FONJEP posts
the ANCT publishes per employer and contrat de ville (Licence Ouverte 2.0) go through the same
agreement → deposit → secrecy → audit → review → release as a partner's confidential file would;
the amounts per employer are what the dominance rule protects. Run again, it adds nothing twice."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from quartiers.engine.partners.schemas import SCHEMAS

from ..accounts.models import PartnerOrganisation
from . import services
from .models import Agreement, AgreementTerritory, Deposit, JournalEntry, Output, Signatory

ANCT = "Agence nationale de la cohésion des territoires (ANCT)"
SCHEMA = "postes_subventionnes"
RECIPE = "postes"
FILES = (("adultes_relais_2020_2023_reg52_53.csv.gz", "adultes-relais"),
         ("postes_fonjep_2020_2023_reg52_53.csv.gz", "FONJEP"))
"""The bundled files (data/politique_ville/) and the ``dispositif`` each one's rows belong to."""
REGIONS = ("52", "53")
ENDS_ON = date(2030, 12, 31)
"""The end of the contrats de ville 2024-2030."""


def run(staff, data_dir: Path) -> list[str]:
    """Create what is missing, deposit the files not yet deposited, compute the output when
    something new came in; what was done, in French. The release is left to the staff."""
    if not services.is_centre_staff(staff):
        raise services.NotAllowed("Seule l'équipe du centre peut lancer la démonstration.")
    paths = [(data_dir / "politique_ville" / name, value) for name, value in FILES]
    if missing := [str(path) for path, _ in paths if not path.is_file()]:
        raise services.Refused(f"Fichiers de la démonstration introuvables : {', '.join(missing)}.")
    agreement, lines = _agreement(staff)
    new = 0
    for path, value in paths:
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if agreement.deposits.filter(sha256=digest, status=Deposit.Status.ACCEPTED,
                                     deleted_at__isnull=True).exists():
            lines.append(f"{path.name} : déjà déposé.")
            continue
        made = services.deposit(agreement, staff, path.name, content, fixed={"dispositif": value})
        if made.status != Deposit.Status.ACCEPTED:
            raise services.Refused(f"{path.name} refusé : " + " ; ".join(
                error["message"] for error in made.report["errors"]))
        new += 1
        lines.append(f"{path.name} : déposé ({made.rows} lignes, dispositif « {value} »).")
    output = agreement.outputs.filter(recipe=RECIPE).exclude(status__in=(
        Output.Status.FAILED, Output.Status.REFUSED, Output.Status.WITHDRAWN)).first()
    if output is None or new:
        output = services.request_output(agreement, RECIPE, staff, background=False)
    lines.append(describe(output))
    return lines


def _agreement(staff) -> tuple[Agreement, list[str]]:
    partner, created = PartnerOrganisation.objects.get_or_create(
        name=ANCT, defaults={"kind": PartnerOrganisation.Kind.STATE})
    lines = [f"Organisme partenaire {'créé' if created else 'déjà présent'} : {ANCT}."]
    agreement = Agreement.objects.filter(partner=partner, schema=SCHEMA,
                                         status=Agreement.Status.ACTIVE).first()
    if agreement:
        return agreement, [*lines, f"Convention {agreement.code} déjà en vigueur."]
    with transaction.atomic():
        agreement = Agreement.objects.create(
            title="Postes d'adultes-relais et FONJEP par contrat de ville (données publiques)",
            partner=partner, legal_basis=Agreement.LegalBasis.PUBLIC_DATA,
            purpose=("Montrer le circuit du tiers de confiance sur des données publiques : les "
                     "montants versés par l'État aux employeurs d'adultes-relais et de postes "
                     "FONJEP, par contrat de ville, publiés sous Licence Ouverte 2.0, sont "
                     "agrégés puis soumis au secret statistique (un employeur qui porte presque "
                     "tout le montant d'un contrat de ville ne doit pas être dévoilé)."),
            schema=SCHEMA, allowed_fields=list(SCHEMAS[SCHEMA].names), recipes=[RECIPE],
            starts_on=timezone.localdate(), ends_on=ENDS_ON, created_by=staff)
        for code in REGIONS:
            AgreementTerritory.objects.create(agreement=agreement, level="region", code=code)
        Signatory.objects.create(agreement=agreement, side=Signatory.Side.PARTNER,
                                 name="Licence Ouverte 2.0 (Etalab)",
                                 function="données publiées par l'ANCT, sans signature")
        Signatory.objects.create(agreement=agreement, side=Signatory.Side.CENTRE,
                                 name=str(staff), function="équipe du centre",
                                 signed_on=timezone.localdate())
        services.log(staff, JournalEntry.Action.AGREEMENT, agreement.code, agreement.code,
                     {"création": "démonstration", "base légale": agreement.legal_basis})
        services.activate(agreement, staff)
    return agreement, [*lines, f"Convention {agreement.code} créée et mise en vigueur."]


def describe(output: Output) -> str:
    """One line on an output: its number, status and what to do next."""
    line = (f"Sortie n° {output.pk} ({output.agreement.code}, recette « {output.recipe} ») : "
            f"{output.get_status_display()}")
    if output.status == Output.Status.FAILED:
        return f"{line}. {output.error}"
    if output.status == Output.Status.TO_REVIEW:
        audit = "audit du secret concluant" if output.audit_ok else "audit du secret NON concluant"
        return (f"{line}, {audit}. Publication par l'équipe : quartiers tiers publier {output.pk} "
                "--par COURRIEL")
    return line + "."
