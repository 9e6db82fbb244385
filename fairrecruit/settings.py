"""Django settings. Every setting read from the environment is documented in README.md (Configuration)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = os.environ.get("FAIRRECRUIT_DEBUG", "0") == "1"
# Set FAIRRECRUIT_SECRET_KEY in production; the default only suits a local demo.
SECRET_KEY = os.environ.get("FAIRRECRUIT_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = [
    h for h in os.environ.get("FAIRRECRUIT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "fairrecruit.core",
    "fairrecruit.standards",
    "fairrecruit.registry",
    "fairrecruit.reviews",
    "fairrecruit.evidence",
    "fairrecruit.grievances",
    "fairrecruit.certification",
    "fairrecruit.enforcement",
    "fairrecruit.contracts",
    "fairrecruit.supplychain",
    "fairrecruit.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers gzip-compressed for clients that accept it (a worker page of 30-55 KB becomes 5-8 KB
    # on a slow connection). Django's GZipMiddleware pads its output against BREACH (since 4.2); static files
    # are served above it by WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fairrecruit.core.middleware.RequestContextMiddleware",
    "fairrecruit.core.middleware.BusyDatabaseMiddleware",
    "fairrecruit.core.middleware.NulInputMiddleware",
]

ROOT_URLCONF = "fairrecruit.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ]
        },
    }
]
WSGI_APPLICATION = "fairrecruit.wsgi.application"

# FAIRRECRUIT_DATABASE_URL: e.g. postgres://user:pass@127.0.0.1:5432/fairrecruit. Default: SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("FAIRRECRUIT_DATABASE_URL") or f"sqlite:///{BASE_DIR / 'fairrecruit.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: take the write lock when a transaction starts (no lock-upgrade deadlock that fails at
    # once with "database is locked") and wait up to 20 s for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
# The cache holds the rate-limit and burst counters, so every web process must see the same one.
# FAIRRECRUIT_CACHE=database (default): a table in the database (created by core's migration 0002), shared by all
# processes with no server to run; counters are incremented under a row lock, keeping their expiry
# (fairrecruit/core/cache.py). FAIRRECRUIT_CACHE=memory: one process's memory (a single-process deployment only).
_CACHE = os.environ.get("FAIRRECRUIT_CACHE", "database")
if _CACHE not in ("database", "memory"):
    raise ImproperlyConfigured(f"FAIRRECRUIT_CACHE must be 'database' or 'memory', not {_CACHE!r}")
CACHE_TABLE = "fairrecruit_cache"
CACHES = {
    "default": {"BACKEND": "fairrecruit.core.cache.AtomicDatabaseCache", "LOCATION": CACHE_TABLE}
    if _CACHE == "database"
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/work/"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ne", "नेपाली"),
    ("bn", "বাংলা"),
    ("hi", "हिन्दी"),
    ("fil", "Filipino"),
    ("id", "Bahasa Indonesia"),
    ("vi", "Tiếng Việt"),
    ("my", "မြန်မာ"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LOCALE_PATHS = [BASE_DIR / "fairrecruit" / "locale"]
# Separators and grouping from CLDR for the languages Django leaves ungrouped (core/formats/__init__.py).
FORMAT_MODULE_PATH = ["fairrecruit.core.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it browsers send "Origin: null" on form posts and Django refuses them (CSRF).
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FAIRRECRUIT_LOG_LEVEL", "WARNING")},
}

# E-mail (escalation notices to case handlers). Default: printed to the console, so the demo needs no mail server.
# Production: FAIRRECRUIT_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with Django's EMAIL_HOST etc.
EMAIL_BACKEND = os.environ.get("FAIRRECRUIT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("FAIRRECRUIT_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("FAIRRECRUIT_EMAIL_FROM", "FairRecruit <noreply@localhost>")
