"""gunicorn's access log without the signed links' tokens: a token in a path lets whoever reads
it cancel a registration, change someone's letters, erase a contact or choose a password."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

TOKEN_PATHS = re.compile(
    r"^(/agenda/inscription/|/agenda/place/|/lettres/confirmation/|/lettres/preferences/"
    r"|/lettres/desabonnement/|/contacts/renouvellement/|/comptes/mot-de-passe/nouveau/)"
    r"(?!termine/)[^?]+")


def masked(path: str) -> str:
    """The path with what follows a signed link's prefix replaced by « … »."""
    return TOKEN_PATHS.sub(r"\1…", path)


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = masked(atoms["U"])
        return atoms
