"""Who may change a contrat de ville's documents, perimeter and framework: the centre's staff,
and the *chef·fe·s de projet* attached to the territory that signed it (its EPCI, or its
commune for a single-commune contract; an EPCI's project lead also for a contract one of its
communes signed). Everyone else reads what is public."""

from __future__ import annotations

from ..accounts.models import Role
from ..accounts.services import is_centre_staff


def can_edit_contract(user, contract: dict) -> bool:
    """``contract`` is the warehouse's row (``Warehouse.contrat``)."""
    if is_centre_staff(user):
        return True
    if not (user and user.is_authenticated and Role.PROJECT_LEAD in user.roles):
        return False
    assigned = set(user.territory_assignments.values_list("level", "code"))
    signatory = (contract["signatory_level"], contract["signatory_code"])
    return signatory in assigned or (contract.get("epci") and ("epci", contract["epci"]) in assigned)
