"""Territories referenced by the Django apps as (level, code), checked against the warehouse's
referential (the warehouse is not in the Django database: no foreign key can do it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from quartiers.engine.levels import LEVELS
from quartiers.engine.warehouse.store import NotFound, WarehouseMissing

from .warehouse import get_store


def level_choices(levels: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(level, LEVELS[level].label) for level in levels]


def checked_territory(level: str, code: str) -> dict:
    """The territory of the referential; a French ValidationError on ``code`` naming the close
    matches when it is unknown, or saying why it cannot be checked."""
    try:
        return get_store().territory(level, code)
    except NotFound as error:
        raise ValidationError({"code": unknown_code_message(level, code, error.suggestions)}) \
            from error
    except WarehouseMissing as error:
        raise ValidationError({"code": (
            "Le référentiel des territoires n'est pas construit (quartiers build) : le code "
            f"« {code} » ne peut pas être vérifié.")}) from error


def unknown_code_message(level: str, code: str, suggestions: list[dict]) -> str:
    message = f"code inconnu pour le niveau « {LEVELS[level].label} » : « {code} »"
    if not suggestions:
        return message + "."
    close = ", ".join(f"{s['nom']} ({'' if s['niveau'] == level else LEVELS[s['niveau']].label + ' '}"
                      f"{s['code']})" for s in suggestions)
    return f"{message} ; peut-être : {close}."


def territory_name(level: str, code: str) -> str:
    """A territory's name from the referential; its code when the referential no longer has it
    (a later geography) or is not built."""
    try:
        return get_store().territory(level, code)["name"]
    except (NotFound, WarehouseMissing):
        return code
