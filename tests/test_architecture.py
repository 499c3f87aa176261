"""The layout's rules, checked on the source: the engine never imports Django, no web app imports
another app's views, and only the configuration module reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "quartiers"
WEB_APPS = sorted(p.name for p in (PACKAGE / "web").iterdir()
                  if p.is_dir() and (p / "apps.py").exists())


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(path: Path, tree: ast.AST) -> set[str]:
    """Absolute dotted names this module imports (relative imports resolved)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_web_apps_are_those_of_the_layout():
    assert {"core", "territories", "api", "locator", "accounts", "site", "programme",
            "library"} <= set(WEB_APPS)


def test_the_engine_never_imports_django():
    for path, tree in _modules(PACKAGE / "engine"):
        assert not any(name.split(".")[0] in ("django", "wagtail") for name in
                       _imported(path, tree)), f"{path} imports Django"


@pytest.mark.parametrize("app", WEB_APPS)
def test_no_app_imports_another_apps_views(app):
    for path, tree in _modules(PACKAGE / "web" / app):
        for name in _imported(path, tree):
            parts = name.split(".")
            if parts[:2] == ["quartiers", "web"] and len(parts) > 3 and parts[2] != app:
                assert parts[3] != "views", f"{path} imports {name}"


def test_only_the_configuration_reads_the_environment():
    readers = []
    for path, tree in _modules(PACKAGE):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                    and isinstance(node.value, ast.Name) and node.value.id == "os"):
                readers.append(path.relative_to(PACKAGE).as_posix())
    # the CLI and the WSGI module only name the settings module Django must load
    assert all(r in ("config.py", "web/wsgi.py") or r.startswith("cli") for r in readers), readers
