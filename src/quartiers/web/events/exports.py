"""An event's registrations as a spreadsheet for the team (CSV for any tool, XLSX for Excel)."""

from __future__ import annotations

import csv
import io

from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from .models import EventPage, Registration

HEADER = ["Nom", "Prénom", "Adresse électronique", "Organisme", "Fonction", "Statut",
          "Inscrite le", "Présence", "Besoins d'accessibilité", "Régime alimentaire",
          "Par le cycle"]


def rows(event: EventPage) -> list[list[str]]:
    def when(moment):
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""

    return [[r.person.last_name if r.person else "Personne effacée",
             r.person.first_name if r.person else "", r.email, r.organisation, r.function,
             r.get_status_display(), when(r.created_at),
             "présent·e" if r.attended_at else "", r.accessibility_needs, r.diet,
             r.cycle.title if r.cycle else ""]
            for r in Registration.listed(event)]


def registrations_file(event: EventPage, extension: str) -> tuple[bytes, str]:
    if extension == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")  # French spreadsheets split on semicolons
        writer.writerows([HEADER, *rows(event)])
        return ("\ufeff" + out.getvalue()).encode(), "text/csv; charset=utf-8"
    if extension == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "Inscriptions"
        for row in [HEADER, *rows(event)]:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), ("application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet")
    raise Http404("Formats d'export : csv ou xlsx.")
