"""The one public page of contacts: a person asked to renew answers through the signed link
of their e-mail, without an account. It shows nothing about them."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .models import Erasure
from .privacy import erase_everywhere
from .renewal import LinkRefused, keep, person_from

STAY, ERASE = "rester", "effacer"


@never_cache
def renewal(request, token: str):
    try:
        with transaction.atomic():
            person = person_from(token)
            answer = request.POST.get("choix") if request.method == "POST" else None
            if answer == STAY:
                keep(person)
            elif answer == ERASE:
                erase_everywhere(person, reason=Erasure.Reason.RENEWAL_REFUSED)
    except LinkRefused as refused:
        return render(request, "contacts/renewal.html", {"refused": str(refused)},
                      status=refused.status)
    return render(request, "contacts/renewal.html", {"answer": answer, "STAY": STAY,
                                                     "ERASE": ERASE})
