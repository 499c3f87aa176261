"""The command line of the app events (filled by its app)."""

from __future__ import annotations


def add_commands(commands, config) -> None:
    """No command yet."""
