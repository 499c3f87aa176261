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
    email_port: int
    email_user: str
    email_password: str
    email_tls: bool
    email_from: str
    media_dir: Path
    max_upload_mb: int
    tasks_backend: str
    """« base » (the database, run by ``quartiers worker``) or « immediate » (in the request)."""

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
            email_host=env.get("QUARTIERS_SMTP_HOTE", "localhost"),
            email_port=int(env.get("QUARTIERS_SMTP_PORT", "25")),
            email_user=env.get("QUARTIERS_SMTP_UTILISATEUR", ""),
            email_password=env.get("QUARTIERS_SMTP_MOT_DE_PASSE", ""),
            email_tls=env.get("QUARTIERS_SMTP_TLS", "") == "1",
            email_from=env.get("QUARTIERS_COURRIEL_EXPEDITEUR",
                               "Quartiers <ne-pas-repondre@localhost>"),
            media_dir=Path(env.get("QUARTIERS_MEDIAS", var / "media")),
            max_upload_mb=int(env.get("QUARTIERS_TELEVERSEMENT_MAX_MO", "50")),
            tasks_backend=env.get("QUARTIERS_TACHES", "base"),
        )

    def with_options(self, **values) -> Config:
        return dataclasses.replace(self, **values)


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
