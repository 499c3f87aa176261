"""Errors every app answers alike."""

from __future__ import annotations


class BadRequest(ValueError):
    """Parameters that cannot be answered, with a French message naming what is possible: a 400
    in the API, a message beside the form on a page."""
