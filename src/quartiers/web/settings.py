"""Django settings: SQLite by default, PostgreSQL through DATABASE_URL in production."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from quartiers.paths import ROOT, WAREHOUSE

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "quartiers-local-only-not-a-secret")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "quartiers.web.territories",
    "quartiers.web.api",
    "quartiers.web.locator",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quartiers.web.territories.middleware.StoreErrorsMiddleware",
]
ROOT_URLCONF = "quartiers.web.urls"
WSGI_APPLICATION = "quartiers.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "quartiers.web.territories.context_processors.maps",
    ]},
}]
DATABASES = {"default": dj_database_url.config(
    default=f"sqlite:///{ROOT / 'var' / 'quartiers.sqlite3'}", conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# « pages »: rendered pages of the current build, on disk so that every worker shares them
# (see territories/build_cache.py); « default » counts geocoded addresses per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
              "LOCATION": os.environ.get("QUARTIERS_CACHE_PAGES", str(ROOT / "var" / "cache" / "pages")),
              "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 5000}},
}
STATIC_URL = "/static/"
STATIC_ROOT = ROOT / "var" / "static"
WHITENOISE_USE_FINDERS = True
# read here, not only in quartiers.paths: `quartiers serve --warehouse` sets it after that import
QUARTIERS_WAREHOUSE = Path(os.environ.get("QUARTIERS_WAREHOUSE", WAREHOUSE))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # a POST of 100,000 points to locate ≈ 6 MB
QUARTIERS_JOBS_DIR = ROOT / "var" / "jobs"  # uploaded files being located, and their results
# Enriched files hold personal data: deleted after a week (checked at each upload and page view)
QUARTIERS_JOBS_KEPT_DAYS = float(os.environ.get("QUARTIERS_JOBS_KEPT_DAYS", "7"))
# Service geocoding files of addresses: empty = the national service, « non » = never send any.
QUARTIERS_GEOCODEUR = os.environ.get("QUARTIERS_GEOCODEUR", "")
QUARTIERS_GEOCODAGE_PAR_MINUTE = int(os.environ.get("QUARTIERS_GEOCODAGE_PAR_MINUTE", "60"))
# An online raster basemap under the maps (a tile URL with {z}/{x}/{y}, and its attribution):
# off by default, the maps then draw their own basemap from the bundled data, with no request
# leaving the platform.
QUARTIERS_FOND_DE_CARTE = os.environ.get("QUARTIERS_FOND_DE_CARTE", "")
QUARTIERS_FOND_DE_CARTE_ATTRIBUTION = os.environ.get("QUARTIERS_FOND_DE_CARTE_ATTRIBUTION", "")
