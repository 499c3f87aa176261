"""Django settings, all taken from the one configuration object (quartiers.config).

SQLite by default, PostgreSQL through DATABASE_URL in production.
"""

from __future__ import annotations

import dj_database_url

from quartiers.config import current

QUARTIERS = current()

DEBUG = QUARTIERS.debug
SECRET_KEY = QUARTIERS.secret_key
ALLOWED_HOSTS = list(QUARTIERS.allowed_hosts)
if QUARTIERS.site_url.startswith("https://"):
    # served behind a proxy that ends TLS (gunicorn listens on 127.0.0.1): forms posted from the
    # public address are trusted, and the cookies never travel in clear
    CSRF_TRUSTED_ORIGINS = [QUARTIERS.site_url]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    # what every app shares, first so that its templates (base, errors) win
    "quartiers.web.core",
    # the observatory, read-only over the warehouse
    "quartiers.web.territories",
    "quartiers.web.api",
    "quartiers.web.locator",
    "quartiers.web.analyses",
    # the resource centre: accounts, site pages, programme, library
    "quartiers.web.accounts",
    "quartiers.web.site",
    "quartiers.web.programme",
    "quartiers.web.library",
    # the centre's daily work: events, networks and contacts, letters, press watch, and what
    # they share: outgoing mail (with its outbox) and scheduled tasks
    "quartiers.web.contacts",
    "quartiers.web.events",
    "quartiers.web.newsletters",
    "quartiers.web.presswatch",
    "quartiers.web.mail",
    "quartiers.web.schedule",
    "quartiers.web.partners",
    # contrats de ville: registry and documents, evaluation frameworks and reports, the Labo
    "quartiers.web.contracts",
    "quartiers.web.evaluation",
    "quartiers.web.labo",
    # content system and staff back office
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "quartiers.web.accounts.apps.WagtailUsersConfig",  # wagtail.users with our account forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # background jobs (Django's tasks API, database backend)
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
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
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "quartiers.web.core.middleware.StoreErrorsMiddleware",
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
        "wagtail.contrib.settings.context_processors.settings",
        "quartiers.web.core.context_processors.maps",
    ]},
}]
DATABASES = {"default": dj_database_url.parse(QUARTIERS.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # readers never wait for the worker's short write transactions (it polls once a second)
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL",
                                       "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Accounts: people log in with their e-mail address (accounts.User)
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:space"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail: every message is stored in the outbox (the mail app), then sent by a background task
# to the SMTP server of EMAIL_URL; without EMAIL_URL (EMAIL_HOST empty) messages are held there
EMAIL_BACKEND = "quartiers.web.mail.backend.OutboxBackend"
EMAIL_HOST = QUARTIERS.email_host
EMAIL_PORT = QUARTIERS.email_port
EMAIL_HOST_USER = QUARTIERS.email_user
EMAIL_HOST_PASSWORD = QUARTIERS.email_password
EMAIL_USE_TLS = QUARTIERS.email_tls
EMAIL_USE_SSL = QUARTIERS.email_ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = SERVER_EMAIL = QUARTIERS.email_from

# « pages »: rendered pages of the current build, on disk so that every worker shares them
# (see core/build_cache.py); « default » counts geocoded addresses per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
              "LOCATION": str(QUARTIERS.cache_pages),
              "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 5000}},
}
STATIC_URL = "/static/"
STATIC_ROOT = QUARTIERS.var_dir / "static"
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/medias/"
MEDIA_ROOT = QUARTIERS.media_dir
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # a POST of 100,000 points to locate ≈ 6 MB
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background jobs: the database backend, run by `quartiers worker` (or inside `quartiers serve`)
TASKS = {"default": {"BACKEND": {
    "base": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[QUARTIERS.tasks_backend]}}

# Wagtail: the content system and the staff back office at /gestion/
WAGTAIL_SITE_NAME = "Quartiers"
WAGTAILADMIN_BASE_URL = QUARTIERS.site_url
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES = [("fr", "Français")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "csv", "txt"]
WAGTAILDOCS_DOCUMENT_MODEL = "library.ResourceDocument"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # one reset, ours (sent by the worker, links on QUARTIERS_URL)
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Blocks other apps add to the territories' profiles (core/sections.py)
QUARTIERS_PROFILE_SECTIONS = ["quartiers.web.analyses.sections.territory_analyses",
                              "quartiers.web.library.sections.territory_resources",
                              "quartiers.web.presswatch.sections.territory_press"]

# What `quartiers init` loads, in this order, after the migrations (each idempotent, returning
# a French line for the report): roles, the site's pages, the programmes, the first resources.
QUARTIERS_BUNDLED_CONTENT = [
    "quartiers.web.accounts.services.ensure_roles",
    "quartiers.web.site.services.load_bundled",
    "quartiers.web.programme.services.load_bundled",
    "quartiers.web.library.services.load_bundled",
    "quartiers.web.contacts.services.load_bundled",
    "quartiers.web.events.services.load_bundled",
    "quartiers.web.newsletters.services.load_bundled",
    "quartiers.web.contracts.services.load_bundled",
]
