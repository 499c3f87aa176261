"""Contracts × national priorities: for each contract with public documents, the passages of
those documents that match each priority, and whether it carries data clauses."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import Count, Q

from ..core.warehouse import get_store
from .models import ContractDocument, Extraction, Priority, PriorityMatch

DATA_CLAUSES = "clauses-data"
NEWEST = "2024-2030"


@dataclass(frozen=True)
class Row:
    contract: dict
    documents: int
    indexed: int  # documents whose text is searched
    counts: list[int]  # passages per priority, in the priorities' order
    data_clauses: bool | None  # None: no document read yet


@dataclass(frozen=True)
class Table:
    priorities: list[Priority]
    rows: list[Row]
    without_documents: int  # contracts of the registry without a public document
    total_contracts: int


def comparison_table(generation: str | None = None) -> Table:
    """Public documents only: the table is public."""
    store = get_store()
    contracts = {(c["generation"], c["code"]): c for c in store.contrats(generation)}
    priorities = list(Priority.objects.all())
    public = ContractDocument.objects.filter(public=True)
    if generation:
        public = public.filter(generation=generation)
    documents = {(row["generation"], row["contract"]): row
                 for row in public.values("generation", "contract").annotate(
                     n=Count("pk"), indexed=Count("pk", filter=Q(extraction=Extraction.EXTRACTED)))
                 .order_by()
                 if (row["generation"], row["contract"]) in contracts}
    counts: dict[tuple, int] = {
        (row["document__generation"], row["document__contract"], row["priority_id"]): row["n"]
        for row in PriorityMatch.objects.filter(document__in=public)
        .values("document__generation", "document__contract", "priority_id")
        .annotate(n=Count("pk")).order_by()}
    data = next((p for p in priorities if p.slug == DATA_CLAUSES), None)
    rows = [Row(contracts[key], documents[key]["n"], documents[key]["indexed"],
                [counts.get((*key, p.pk), 0) for p in priorities],
                bool(data and counts.get((*key, data.pk))) if documents[key]["indexed"] else None)
            for key in sorted(documents, key=lambda k: (k[0] != NEWEST, k[1]))]
    return Table(priorities, rows, len(contracts) - len(rows), len(contracts))


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "contrat", "génération", "documents publics", "documents indexés",
                     *[p.name for p in table.priorities], "porte des clauses data"])
    for row in table.rows:
        clause = {None: "", True: "oui", False: "non"}[row.data_clauses]
        writer.writerow([row.contract["code"], row.contract["name"], row.contract["generation"],
                         row.documents, row.indexed, *row.counts, clause])
    return out.getvalue()
