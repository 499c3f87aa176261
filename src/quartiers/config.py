"""The platform's configuration: the environment read once, at start-up, into a frozen object.

Every part (Django settings, the command line, the engine's geocoder) receives this object or a
value from it; nothing else reads ``os.environ``. The CLI may replace values from its options
(``quartiers --warehouse X serve``) with ``use()`` before Django starts, so that the web process
and its workers see the same configuration.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Config:
    data_dir: Path
    warehouse: Path
    var_dir: Path
    cache_pages: Path
    debug: bool
    secret_key: str
    allowed_hosts: tuple[str, ...]
    database_url: str
    jobs_dir: Path
    """Uploaded files being located, and their results (personal data: deleted after a while)."""
    jobs_kept_days: float
    imports_dir: Path
    """Files users loaded for the analyses (polling stations, LCZ layers), read by the build."""
    geocoder: str
    """« non » = never send addresses anywhere; empty = the national address service."""
    geocoding_per_minute: int
    basemap_tiles: str
    basemap_attribution: str
    site_url: str
    """The address mails link to (password reset…), without trailing slash."""
    email_host: str
    """The SMTP server of ``EMAIL_URL``; empty: none, messages are held in the outbox."""
    email_port: int
    email_user: str
    email_password: str
    email_tls: bool
    """STARTTLS after connecting (``smtp+tls://``)."""
    email_ssl: bool
    """TLS from the first byte (``smtps://``)."""
    email_from: str
    media_dir: Path
    max_upload_mb: int
    tasks_backend: str
    """« base » (the database, run by ``quartiers worker``) or « immediate » (in the request)."""
    partners_store: Path
    """The trusted third party's per-agreement stores (encrypted DuckDB files), nothing else."""
    partners_keys: Path
    """The agreements' keys (pseudonymisation and store encryption), kept apart from the stores:
    in production, on another volume readable only by the platform's account."""

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> Config:
        root = Path(env.get("QUARTIERS_HOME", PROJECT_ROOT))
        var = Path(env.get("QUARTIERS_VAR", root / "var"))
        return cls(
            data_dir=Path(env.get("QUARTIERS_DATA", root / "data")),
            warehouse=Path(env.get("QUARTIERS_WAREHOUSE", var / "warehouse.duckdb")),
            var_dir=var,
            cache_pages=Path(env.get("QUARTIERS_CACHE_PAGES", var / "cache" / "pages")),
            debug=env.get("DJANGO_DEBUG", "") == "1",
            secret_key=env.get("DJANGO_SECRET_KEY", "quartiers-local-only-not-a-secret"),
            allowed_hosts=tuple(env.get("DJANGO_ALLOWED_HOSTS",
                                        "127.0.0.1,localhost,testserver").split(",")),
            database_url=env.get("DATABASE_URL", f"sqlite:///{var / 'quartiers.sqlite3'}"),
            jobs_dir=Path(env.get("QUARTIERS_TRAVAUX", var / "jobs")),
            jobs_kept_days=float(env.get("QUARTIERS_JOBS_KEPT_DAYS", "7")),
            imports_dir=Path(env.get("QUARTIERS_IMPORTS", var / "imports")),
            geocoder=env.get("QUARTIERS_GEOCODEUR", "").strip(),
            geocoding_per_minute=int(env.get("QUARTIERS_GEOCODAGE_PAR_MINUTE", "60")),
            basemap_tiles=env.get("QUARTIERS_FOND_DE_CARTE", ""),
            basemap_attribution=env.get("QUARTIERS_FOND_DE_CARTE_ATTRIBUTION", ""),
            site_url=env.get("QUARTIERS_URL", "http://127.0.0.1:8000").rstrip("/"),
            **email_server(env.get("EMAIL_URL", "")),
            email_from=env.get("QUARTIERS_COURRIEL_EXPEDITEUR",
                               "Quartiers <ne-pas-repondre@localhost>"),
            media_dir=Path(env.get("QUARTIERS_MEDIAS", var / "media")),
            max_upload_mb=int(env.get("QUARTIERS_TELEVERSEMENT_MAX_MO", "50")),
            tasks_backend=env.get("QUARTIERS_TACHES", "base"),
            partners_store=Path(env.get("QUARTIERS_TIERS_DONNEES", var / "tiers" / "donnees")),
            partners_keys=Path(env.get("QUARTIERS_TIERS_CLES", var / "tiers-cles")),
        )

    def with_options(self, **values) -> Config:
        return dataclasses.replace(self, **values)


class ConfigurationError(ValueError):
    """A value of the environment that cannot be used; the message names it, in French."""


EMAIL_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False),
                 "smtps": (465, False, True)}
"""Scheme: default port, STARTTLS, implicit TLS."""


def email_server(url: str) -> dict:
    """``EMAIL_URL`` (``smtp+tls://utilisateur:mot-de-passe@serveur:587``) as the ``email_*``
    fields, user and password URL-decoded; empty: no server. Never repeats the URL in an
    error: it may hold a password."""
    url = url.strip()
    if not url:
        return {"email_host": "", "email_port": 0, "email_user": "", "email_password": "",
                "email_tls": False, "email_ssl": False}
    expected = ("attendu smtp://serveur:port, smtp+tls://… (STARTTLS) ou smtps://… (TLS "
                "implicite), par exemple smtp+tls://utilisateur:mot-de-passe@smtp.exemple.fr:587")
    parts = urlsplit(url)
    if parts.scheme.lower() not in EMAIL_SCHEMES:
        scheme = f"le schéma « {parts.scheme} »" if parts.scheme else "aucun schéma"
        raise ConfigurationError(f"EMAIL_URL : {scheme} n'est pas reconnu ; {expected}")
    default_port, tls, ssl = EMAIL_SCHEMES[parts.scheme.lower()]
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ConfigurationError(
            "EMAIL_URL : rien n'est attendu après le port ; si le mot de passe contient / ? # "
            "ou @, écrivez-les %2F %3F %23 et %40")
    try:
        port = parts.port or default_port
    except ValueError:
        raise ConfigurationError("EMAIL_URL : le port doit être un nombre entre 1 et 65535 ; "
                                 + expected) from None
    if not parts.hostname:
        raise ConfigurationError(f"EMAIL_URL : aucun serveur indiqué ; {expected}")
    return {"email_host": parts.hostname, "email_port": port,
            "email_user": unquote(parts.username or ""),
            "email_password": unquote(parts.password or ""), "email_tls": tls, "email_ssl": ssl}


_current: Config | None = None


def current() -> Config:
    """The process's configuration: read from the environment at the first call."""
    global _current
    if _current is None:
        _current = Config.from_environment()
    return _current


def use(config: Config) -> None:
    """Make ``config`` the process's configuration (the CLI, after reading its options)."""
    global _current
    _current = config
