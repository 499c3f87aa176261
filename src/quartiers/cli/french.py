"""How the command line speaks to its user: in French, mistakes included (argparse's own words,
the system's errors), with exit status 1 for what the user can put right."""

from __future__ import annotations

import argparse
import errno
import re
import sys

from rich.console import Console

console = Console(stderr=True)
OS_ERRORS = {errno.ENOENT: "fichier ou dossier introuvable", errno.EACCES: "permission refusée",
             errno.EPERM: "opération non permise", errno.EISDIR: "c'est un dossier",
             errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
             errno.ENOSPC: "plus de place sur le disque",
             errno.EROFS: "système de fichiers en lecture seule"}


class UserError(Exception):
    """A mistake the user can put right (a path, a value): said in French, exit status 1."""


def say(text: str, style: str | None = None) -> None:
    """Print text as it is: a file name such as « [2024] f.csv » is not rich markup, and a line
    is not cut at 80 columns when the output is a file or a pipe (logs, CI)."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def why(error: OSError) -> str:
    return OS_ERRORS.get(error.errno, error.strerror or str(error))


def positive_number(expected: str, most: float):
    """An argparse ``type``: a number written the French way or not (« 0,5 », « 0.5 »), above 0
    and at most ``most``; its message names what was ``expected`` and is shown as written."""

    def parse(text: str) -> float:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = float("nan")
        if not 0 < number <= most:
            raise argparse.ArgumentTypeError(f"{expected}, plus de 0 et au plus {most:.0f}, et "
                                             f"non « {text} »")
        return number

    return parse


class FrenchParser(argparse.ArgumentParser):
    """argparse writes its own words in English: those a user sees, in French (its help
    headings, and the messages of a mistyped command line)."""

    WORDS = (("usage: ", "utilisation : "), ("positional arguments:", "arguments :"),
             ("options:", "options :"), ("show this help message and exit",
                                         "afficher cette aide et quitter"))
    MESSAGES = ((r"the following arguments are required: (.*)", r"arguments requis : \1"),
                (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
                 r"\1 : choix inconnu \2 (possibles : \3)"),
                (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
                (r"argument (\S+): expected one argument", r"\1 attend une valeur"),
                (r"argument (\S+): invalid (\w+) value: (.*)", r"\1 : valeur invalide \3"),
                (r"argument (\S+): (.*)", r"\1 : \2"))

    def format_help(self) -> str:
        return self._french(super().format_help())

    def format_usage(self) -> str:
        return self._french(super().format_usage())

    def _french(self, text: str) -> str:
        for english, french in self.WORDS:
            text = text.replace(english, french)
        return text

    def error(self, message: str):
        for pattern, french in self.MESSAGES:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, french, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")
