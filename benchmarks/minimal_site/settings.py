"""Settings of the minimal site: no middleware, one app, and the database set up exactly as
Prima's settings do (``prima.config.settings``): ``DATABASE_URL`` (PostgreSQL, persistent
connections of 60 s), else SQLite in ``MINIMAL_DATA_DIR`` in WAL mode with the same PRAGMAs,
``IMMEDIATE`` transactions and persistent connections of 60 s, as Prima
(``MINIMAL_SQLITE_CONN_MAX_AGE`` overrides it for diagnostics)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

DATA_DIR = Path(os.environ.get("MINIMAL_DATA_DIR", "minimal-data")).resolve()
SECRET_KEY = "minimal-site-benchmark-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["minimal_site.inserts"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "minimal_site.urls"
WSGI_APPLICATION = "minimal_site.wsgi.application"
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
USE_I18N = False

_sqlite_default = f"sqlite:///{DATA_DIR / 'minimal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _sqlite_default, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # the same persistent connections as Prima (CONN_MAX_AGE 60); MINIMAL_SQLITE_CONN_MAX_AGE overrides
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("MINIMAL_SQLITE_CONN_MAX_AGE", "60"))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
