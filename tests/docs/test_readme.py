"""The documentation says what the code does: commands, CI, data sources, API paths."""

from __future__ import annotations

import re
from pathlib import Path

from quartiers.cli import main
from quartiers.engine.indicators.catalogue import INDICATORS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci/run").read_text()
    assert "make test" in ci
    assert "make run " in README and "make test " in README


def test_every_cli_command_in_the_readme_exists(capsys):
    for line in re.findall(r"^\.venv/bin/quartiers ([\w-]+(?: [\w-]+)?)", README, re.M):
        command = line.split()
        args = command if command[0] == "data" else command[:1]
        try:
            main([*args, "--help"])
        except SystemExit as exit_:
            assert exit_.code == 0, line
    capsys.readouterr()


def test_indicator_count_is_the_catalogue_s():
    assert f"{len(INDICATORS)} indicateurs" in README


def test_no_placeholder_left():
    assert "A_COMPLETER" not in README
