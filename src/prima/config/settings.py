"""Django settings, all from the environment.

- ``PRIMA_DATA_DIR`` (default ``./prima-data``): the SQLite database, the generated secret key,
  uploads and exports;
- ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/prima`` (default: SQLite in the data dir);
- ``PRIMA_SECRET_KEY`` (or ``PRIMA_SECRET_KEY_FILE``): required in production; on a laptop one is
  generated once into the data folder;
- ``PRIMA_DEBUG``, ``PRIMA_ALLOWED_HOSTS``, ``PRIMA_BASE_URL``, ``PRIMA_DEMO``, ``PRIMA_PRODUCTION``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from prima.config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("PRIMA_DATA_DIR", "prima-data")).resolve()
PRODUCTION = env_bool("PRIMA_PRODUCTION")
DEMO = env_bool("PRIMA_DEMO")
DEBUG = env_bool("PRIMA_DEBUG")


def _secret_key() -> str:
    key = env("PRIMA_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "PRIMA_SECRET_KEY (or PRIMA_SECRET_KEY_FILE) must be set in production"
        )
    path = DATA_DIR / "secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("PRIMA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("PRIMA_CSRF_TRUSTED_ORIGINS")
BASE_URL = env("PRIMA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "ninja",  # Swagger UI's files for /api/docs, served by the site (no CDN)
    "prima.organizations",
    "prima.surveys",
    "prima.collection",
    "prima.abuse",
    "prima.transfers",
    "prima.demo",
    "prima.insights",
    "prima.dashboard",
    "prima.reports",
    "prima.alerts",
    "prima.cases",
    "prima.complaints",
    "prima.casework",
    "prima.followups",
    "prima.audits",
    "prima.evidence",
    "prima.remark_labels",
    "prima.webhooks",
    "prima.invitations",
    "prima.scorecards",
    "prima.staffcards",
    "prima.calibration",
    "prima.ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # early, so that every error under /api/ (also from the middleware below) leaves as JSON
    "prima.config.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # ?lang=, else the language cookie, else Indonesian (never Accept-Language): prima.ui.language
    "prima.ui.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a mystery shopper's account reaches its own audit assignments only (prima.audits.gate)
    "prima.audits.gate.MysteryShopperGate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # last, so its process_exception is asked first: a database that is down answers 503
    "prima.config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "prima.config.urls"
WSGI_APPLICATION = "prima.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prima.organizations.context.navigation",
                "prima.alerts.context.unread_notifications",
                "prima.casework.context.cases_navigation",
            ]
        },
    }
]

_sqlite_default = f"sqlite:///{DATA_DIR / 'prima.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(env("DATABASE_URL", _sqlite_default), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # persistent connections: reconnecting (and checkpointing the WAL on close) per request
    # cost more than the INSERT itself
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE avoids lock upgrades
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # the planner's cost of a page read out of order: PostgreSQL's default (4.0) models
    # spinning disks; its manual ("Planner Cost Constants") suggests a lower value when the
    # data is cached in RAM or on SSD, as Prima's working set is. With the default the planner
    # reads a whole 100,000-row table rather than a covering index for the complaint measures
    # (issue 11). PRIMA_PG_RANDOM_PAGE_COST= (empty) leaves the server's own setting alone (a
    # pooler that refuses startup options, or a DBA who tuned it).
    _page_cost = env("PRIMA_PG_RANDOM_PAGE_COST", "1.1").strip()
    if _page_cost:
        try:
            _cost = float(_page_cost)
        except ValueError:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"PRIMA_PG_RANDOM_PAGE_COST: a number such as 1.1, not {_page_cost!r}"
            ) from None
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection of the login (django-axes): 5 failures lock the username+IP for 15 minutes
AXES_FAILURE_LIMIT = env_int("PRIMA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("PRIMA_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# prima/static: the site's own CSS and scripts (no app owns them); the data folder's assets:
# files generated once on this machine (the offline Vega bundle, prima.dashboard.charts)
ASSETS_DIR = DATA_DIR / "assets"
ASSETS_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ASSETS_DIR]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise expects the folder; collectstatic fills it in production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# audits' evidence photos (prima.evidence): per photo, per audit, pixels before decoding; the
# first upload handler skips a photo over the size or the count as it arrives
PRIMA_EVIDENCE_MAX_BYTES = env_int("PRIMA_EVIDENCE_MAX_BYTES", 8 * 1024 * 1024)
PRIMA_EVIDENCE_MAX_PHOTOS = env_int("PRIMA_EVIDENCE_MAX_PHOTOS", 5)
PRIMA_EVIDENCE_MAX_PIXELS = env_int("PRIMA_EVIDENCE_MAX_PIXELS", 40_000_000)
FILE_UPLOAD_HANDLERS = [
    "prima.evidence.uploads.EvidenceUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and requests
# only to the site itself, no inline script or style and no eval; nothing may frame a page
# except the public results widget (/hasil/<slug>/embed/ replaces frame-ancestors with *).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the SVG icons inside Swagger UI's CSS
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],  # the kiosk's service worker
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("PRIMA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("PRIMA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("PRIMA_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Background tasks (django-tasks, the backport of Django 6's tasks framework): large exports run
# in the database worker that `prima serve` and `prima demo` start beside the web server
# (`prima db_worker` runs one alone); PRIMA_TASKS=immediate runs them inside the request instead.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env("PRIMA_TASKS", "database").strip().lower() == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
# Webhooks (prima.webhooks): HTTPS to public addresses only; loopback receivers
# (http://127.0.0.1, localhost) only when allowed, by default with PRIMA_DEBUG (development, tests)
PRIMA_WEBHOOKS_ALLOW_LOOPBACK = env_bool("PRIMA_WEBHOOKS_ALLOW_LOOPBACK", DEBUG)
EXPORTS_DIR = DATA_DIR / "exports"  # files of finished export jobs (prima.transfers.export_jobs)
PRIMA_EXPORT_KEEP_DAYS = env_int("PRIMA_EXPORT_KEEP_DAYS", 7)  # then files and jobs are deleted
# the SKM report's XLSX above this many responses is written by a background job
PRIMA_REPORT_XLSX_DIRECT_ROWS = env_int("PRIMA_REPORT_XLSX_DIRECT_ROWS", 20_000)

# E-mail (a complainant's receipt and status changes, reminders, escalations, alerts): SMTP when
# PRIMA_EMAIL_HOST is set; otherwise every message is written as a file in DATA_DIR/outbox (a
# laptop, the demo: nothing is lost, and no task waits for a mail server that is not there)
DEFAULT_FROM_EMAIL = env("PRIMA_EMAIL_FROM", "Prima <prima@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("PRIMA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("PRIMA_EMAIL_HOST")
    EMAIL_USE_SSL = env_bool("PRIMA_EMAIL_SSL", False)  # implicit TLS (port 465)
    EMAIL_USE_TLS = not EMAIL_USE_SSL and env_bool("PRIMA_EMAIL_TLS", True)  # STARTTLS
    EMAIL_PORT = env_int("PRIMA_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
    EMAIL_HOST_USER = env("PRIMA_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("PRIMA_EMAIL_PASSWORD")
    EMAIL_TIMEOUT = env_int("PRIMA_EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")

# Abuse controls (see prima.abuse.controls); PRIMA_RATE_LIMITS=off for load tests
PRIMA_RATE_LIMITS = env("PRIMA_RATE_LIMITS", "on").strip().lower() not in (
    "off",
    "0",
    "false",
    "no",
)
PRIMA_RATE_LIMIT_IP = env_int("PRIMA_RATE_LIMIT_IP", 120)  # submissions per hour per IP
PRIMA_RATE_LIMIT_LINK = env_int("PRIMA_RATE_LIMIT_LINK", 600)  # per hour per signed link
PRIMA_RATE_LIMIT_PAGE = env_int("PRIMA_RATE_LIMIT_PAGE", 2000)  # page views per hour per IP
PRIMA_MIN_SECONDS = float(env("PRIMA_MIN_SECONDS", "5"))  # minimum time to complete a survey
PRIMA_TRUSTED_PROXY_HOPS = env_int("PRIMA_TRUSTED_PROXY_HOPS", 0)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "prima"}
}
if env("PRIMA_CACHE_DIR"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("PRIMA_CACHE_DIR"),
    }
