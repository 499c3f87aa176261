"""What the contracts hold about a person: the documents they uploaded and the QPV lists they
confirmed, through their account (same address). Erasure keeps the documents and lists (public
acts and the contracts' work) and forgets who did it."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import ConfirmedPerimeter, ContractDocument


def _accounts(person):
    email = (person.email or "").strip()
    return get_user_model().objects.filter(email__iexact=email) if email else \
        get_user_model().objects.none()


def export_person(person) -> dict:
    accounts = _accounts(person)
    return {
        "documents de contrats de ville déposés": [
            {"contrat": d.contract, "titre": d.title, "déposé le": d.uploaded_at.isoformat()}
            for d in ContractDocument.objects.filter(uploaded_by__in=accounts)],
        "listes de QPV confirmées": [
            {"contrat": p.contract, "confirmée le": p.confirmed_at.isoformat()}
            for p in ConfirmedPerimeter.objects.filter(confirmed_by__in=accounts)],
    }


def erase_person(person) -> None:
    accounts = _accounts(person)
    ContractDocument.objects.filter(uploaded_by__in=accounts).update(uploaded_by=None)
    ConfirmedPerimeter.objects.filter(confirmed_by__in=accounts).update(confirmed_by=None)
