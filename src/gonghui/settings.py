"""Gonghui settings: every value that differs between machines comes from the environment.

Environment variables (all optional for the demo):

- ``DATABASE_URL``      default ``sqlite:///<data dir>/gonghui.sqlite3`` (WAL mode); e.g.
                        ``postgres://user:pass@host:5432/gonghui`` in production.
- ``SECRET_KEY``        required in production; for the demo a random key is generated once and kept in
                        ``<data dir>/secret_key`` (mode 0600).
- ``DEBUG``             ``1``/``true`` to show Django's debug pages (never in production). Default off.
- ``ALLOWED_HOSTS``     comma-separated; default ``127.0.0.1,localhost``.
- ``GONGHUI_PRODUCTION`` ``1`` turns on production mode: DEBUG is forced off, SECRET_KEY must be set, HTTPS
                        only (HSTS, secure cookies, SSL redirect). ``python -m gonghui check --deploy`` passes
                        in this mode.
- ``GONGHUI_DATA_DIR``  where the SQLite file, the demo secret key and uploaded files live; default
                        ``<project root>/data``.
- ``MEDIA_ROOT``        uploaded files; default ``<data dir>/media``.
- ``GONGHUI_AUDIT_KEY``  the audit chain's key (32 bytes, base64; required in production), kept apart from the
                        database, its backups and ``GONGHUI_PII_KEY``; the demo makes ``data/audit_key``.
- ``GONGHUI_AUDIT_ANCHORS`` the append-only file the audit chain's head is anchored in (default
                        ``data/audit-anchors.log``; in production on storage the database's owner cannot rewrite).
- ``GONGHUI_ATTACHMENT_MAX_MB`` the largest attachment accepted (default 10).
- ``GONGHUI_ATTACHMENT_MAX_PIXELS`` the most pixels an uploaded image may have (default 60 million).
- ``GONGHUI_S3_BUCKET``  keep attachments in S3-compatible object storage (``pip install .[s3]``; also
                        ``GONGHUI_S3_ENDPOINT``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``); default a folder.
- ``STATIC_ROOT``       where ``collectstatic`` writes; default ``<project root>/staticfiles``.
- ``CONN_MAX_AGE``      seconds a database connection is reused (default 60; persistent connections matter:
                        see DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("GONGHUI_PRODUCTION")
PLATFORM_NAME = os.environ.get("GONGHUI_PLATFORM_NAME", "晋江市总工会职工服务平台")
DATA_DIR = Path(os.environ.get("GONGHUI_DATA_DIR") or PROJECT_DIR / "data")


def _demo_secret_key() -> str:
    """Read, or create once, the demo's secret key file (mode 0600). Never used in production."""
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("GONGHUI_PRODUCTION=1 requires the SECRET_KEY environment variable.")
    SECRET_KEY = _demo_secret_key()

DEBUG = False if PRODUCTION else env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.registry",
    "gonghui.cases",
    "gonghui.errands",
    "gonghui.payments",
    "gonghui.notices",
    "gonghui.aid",
    "gonghui.scheduling",
    "gonghui.mutual_aid",
    "gonghui.legal",
    "gonghui.assistance",
    "gonghui.model_workers",
    "gonghui.petitions",
    "gonghui.counselling",
    "gonghui.health",
    "gonghui.desk",
    "gonghui.portal",
    "gonghui.dash",
    "gonghui.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.core.context.ContextMiddleware",
    "gonghui.accounts.security.SessionLifetimeMiddleware",
    "gonghui.accounts.security.PasswordChangeRequiredMiddleware",
    "gonghui.accounts.second_factor.SecondFactorMiddleware",
    "gonghui.accounts.security.DeskAccessMiddleware",
    "csp.middleware.CSPMiddleware",
    "gonghui.core.middleware.PrivateResponseMiddleware",
    "gonghui.core.middleware.IncidentMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"
ASGI_APPLICATION = "gonghui.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DEFAULT_SQLITE = DATA_DIR / "gonghui.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] not in ("", ":memory:"):
        try:
            Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # the connection will fail and say so (/healthz answers 503)
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write lock at BEGIN
    # so two writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 0 if _db["NAME"] in ("", ":memory:") else _db["CONN_MAX_AGE"]
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs and cache -----------------------------------------------------------------------
# Jobs are rows in the database, run by `python -m gonghui db_worker` (`serve` starts one beside
# gunicorn). GONGHUI_TASKS=immediate runs them in the calling process (the unit tests do).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("GONGHUI_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# Progress of long jobs is shared between the worker and the web processes through the cache: a file
# cache on one machine; point CACHE_URL-style settings at Redis when several app servers share the work.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "TIMEOUT": 3600,
    }
}
# API rate limits count every request: a file-cache write per request (a rename) cost more than the whole
# answer (make bench). Without Redis they count in each server process's memory, so with N gunicorn
# workers a token may make up to N times its allowance; several app servers set REDIS_URL and share one
# exact count.
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": os.environ["REDIS_URL"]}
    CACHES["ratelimit"] = CACHES["default"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gonghui.accounts.security.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "gonghui.accounts.security.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username before the password is checked
    "gonghui.accounts.backends.RoleBackend",  # permissions of the user's roles (where: orgs.scoping)
]
LOGIN_URL = "desk:login"
LOGIN_URL_PATH = "/desk/login/"
LOGIN_REDIRECT_URL = "desk:start"  # staff land on their queue (desk.views.start)
LOGOUT_REDIRECT_URL = "desk:login"
# Idle sessions end after 30 minutes (the cookie's age is renewed on every request); any session after
# 12 hours (accounts.security.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Lockout by username (django-axes): 5 failures, 30 minutes. The IP throttle reads the failure log.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for 'ip_address' among the lockout parameters. Locking an address after 5 failures would
# lock out a whole service centre behind one NAT; instead accounts.security.ip_throttled refuses an address
# after 30 failures in 10 minutes, read from axes' own failure log.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "gonghui.accounts.security.lockout_response"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "code", "token"]

# Second factor (django-otp, TOTP with static recovery codes)
OTP_TOTP_ISSUER = "工会服务数据平台"

# Content-Security-Policy: every script and style comes from this site (no CDN, no inline script)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # htmx and Bootstrap set style attributes
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or PROJECT_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # attachments of cases: ciphertext only (cases.attachments), in a folder or an object store
    "attachments": (
        {"BACKEND": "storages.backends.s3.S3Storage",
         "OPTIONS": {"bucket_name": os.environ["GONGHUI_S3_BUCKET"],
                     "endpoint_url": os.environ.get("GONGHUI_S3_ENDPOINT") or None,
                     "location": "attachments", "default_acl": "private", "file_overwrite": False}}
        if os.environ.get("GONGHUI_S3_BUCKET")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"location": str(MEDIA_ROOT / "attachments")}}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Separation of duties for payments: the officer who gathered a batch may not approve it, unless this is
# allowed (a centre with one finance officer; the demo has one). On by default outside production only.
PAYMENT_ONE_PERSON_MAY_GATHER_AND_APPROVE = os.environ.get(
    "GONGHUI_PAYMENT_ONE_PERSON", "0" if PRODUCTION else "1") == "1"
# Legal aid's means test: the monthly household income per person at or below which hardship is shown.
# Example figure: Fujian's first-band monthly minimum wage (2,030 yuan, 2022); the federation sets its own.
LEGAL_AID_INCOME_LIMIT = os.environ.get("GONGHUI_LEGAL_AID_INCOME_LIMIT", "2030")
ATTACHMENT_MAX_BYTES = int(float(os.environ.get("GONGHUI_ATTACHMENT_MAX_MB", "10")) * 1024 * 1024)
# An image's pixels are checked from its header before it is decoded (a decompression bomb is refused):
# 60 million is generous for phones (a 48-megapixel photo is 8064 × 6048).
ATTACHMENT_MAX_PIXELS = int(os.environ.get("GONGHUI_ATTACHMENT_MAX_PIXELS", "60000000"))

# Outside production whitenoise serves straight from the apps' static folders, so the demo and the tests
# need no collectstatic step; production serves the hashed, compressed files collectstatic wrote.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS += [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    # /healthz is probed over plain HTTP by load balancers inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django.request logs every 403 and 404 as a warning with a traceback, which buried the real incidents:
    # its errors (500s) stay; ordinary refusals are one INFO line of gonghui.refused (core.middleware)
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                "django.request": {"level": "ERROR"}},
}
