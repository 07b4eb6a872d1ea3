"""Settings for mutuals, read from the environment.

Every setting an operator may change is an environment variable documented in README.md.
Nothing here fetches anything over the network.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("MUTUALS_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The secret key from the environment, or one generated once and kept in the data dir.

    A self-hosted instance must not ship a shared, public key; generating it on first start
    keeps `make demo` a single command while sessions survive restarts.
    """
    if key := os.environ.get("MUTUALS_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


# The graph engine's compiled kernels (numba, `cache=True`) are cached in the data directory:
# the first graph answer after a fresh install compiles them (about 30 s on 2 busy cores),
# later starts load them. numba reads this when first imported, at the first graph query; the
# default (beside the installed source) may not be writable by the server's user.
os.environ.setdefault("NUMBA_CACHE_DIR", str(DATA_DIR / "numba-cache"))

DEBUG = env_bool("MUTUALS_DEBUG", default=False)
SECRET_KEY = _secret_key()
# `mutuals check --deploy` warns then (mutuals.W001): servers on several hosts need one key.
MUTUALS_SECRET_KEY_GENERATED = not os.environ.get("MUTUALS_SECRET_KEY")
ALLOWED_HOSTS = env_list("MUTUALS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("MUTUALS_CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.environ.get("MUTUALS_SITE_NAME", "mutuals")
# Where members reach the site: links in e-mails sent from the worker, which has no request.
SITE_URL = os.environ.get("MUTUALS_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "mutuals.core",
    "mutuals.accounts",
    "mutuals.connections",
    "mutuals.engagement",
    "mutuals.messaging",
    "mutuals.insights",
    "mutuals.introductions",
    "mutuals.imports",
    "mutuals.events",
    "mutuals.feed",
    "mutuals.mentorship",
    "mutuals.rights",
    "mutuals.moderation",
    "mutuals.search",
    "mutuals.api",
    "mutuals.site",
]

MIDDLEWARE = [
    # The request id, the access log line and the metrics; outermost, so it times the rest.
    "mutuals.core.telemetry.RequestTelemetryMiddleware",
    # Outermost but for telemetry, so it sees every answer under /api/, whichever layer made it.
    "mutuals.api.middleware.ApiErrorEnvelopeMiddleware",
    # Where this request's reads go (a replica, or the primary after a write); before the
    # session's middleware, whose save counts as a write.
    "mutuals.core.replicas.ReadReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # NotFound / NotAllowed a page view lets go → the 404 / 403 page (not under /api/).
    "mutuals.core.error_pages.ErrorPageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mutuals.accounts.middleware.MemberTimeZoneMiddleware",
    # A new code of conduct is shown, to accept, on a member's next page visit.
    "mutuals.accounts.middleware.ConductInterstitialMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mutuals" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mutuals.core.context_processors.site",
                "mutuals.messaging.context_processors.unread_messages",
                "mutuals.engagement.context_processors.unread_notifications",
            ],
        },
    },
]


def prepared_statement_options(enabled: bool) -> dict[str, object]:
    """PostgreSQL connection options for prepared statements (issue 20), or none.

    With server-side binding psycopg sends a statement and its parameters apart, and from a
    statement's fifth run on a connection it prepares it: PostgreSQL then reuses the parse
    and, for statements whose plan does not depend on the values, the plan. Most of the
    API's statements are small lookups by key repeated on every request (the token, the
    member, their topics), for which parsing and planning were most of PostgreSQL's work:
    `GET /api/me` 444 → 516 req/s on two cores, a member's first feed page at 100,000
    members 18 → 13 ms (docs/benchmarks.md, "Prepared statements").
    A statement is prepared per connection, so a pooler between the servers and PostgreSQL
    must keep them (PgBouncer ≥ 1.21 with `max_prepared_statements`); behind one that does
    not, MUTUALS_DB_PREPARED_STATEMENTS=0 binds on the client as Django does by default."""
    if not enabled:
        return {}
    return {"server_side_binding": True, "prepare_threshold": PREPARE_AFTER_RUNS}


# psycopg's own default: a statement run once or twice (a migration, a report) is not kept.
PREPARE_AFTER_RUNS = 5
_PREPARED_STATEMENTS = prepared_statement_options(env_bool("MUTUALS_DB_PREPARED_STATEMENTS", True))

# Django's PostgreSQL backend with a health check that costs no round trip when the
# connection is quiet (mutuals/core/postgresql/base.py).
POSTGRESQL_ENGINE = "mutuals.core.postgresql"

# Database: DATABASE_URL selects it; the default is an embedded SQLite file in the data dir.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'mutuals.sqlite3'}"),
        conn_max_age=int(os.environ.get("MUTUALS_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A primary that does not answer fails a request (and /readyz) within seconds instead of
    # the operating system's TCP timeout; `?connect_timeout=N` in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
    # No JIT compilation: PostgreSQL compiles any statement its planner costs above
    # jit_above_cost, and a search's statement over a million rows is costed there although
    # it reads a few hundred: compiling took 100 ms–2 s of a 10 ms search (docs/benchmarks.md
    # "Search"). `?options=…` in DATABASE_URL overrides it.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    DATABASES["default"]["OPTIONS"].update(_PREPARED_STATEMENTS)
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
    # write lock up front so concurrent writers wait (busy timeout) instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if not str(DATABASES["default"]["NAME"]).startswith(":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

# Read replicas (docs/scaling.md, "Several servers"): PostgreSQL streaming replicas, as
# comma-separated URLs, become the aliases replica_1, replica_2, …; mutuals.core.replicas
# sends the reads that can tolerate a little lag to one of them and pins a member who has just
# written to the primary for MUTUALS_READ_YOUR_WRITES_SECONDS. A replica that does not answer
# within connect_timeout, or lags by more than MUTUALS_REPLICA_MAX_LAG_SECONDS, is skipped.
MUTUALS_READ_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    _replica = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    _replica["OPTIONS"].setdefault("options", "-c jit=off")  # as the primary's, above
    _replica["OPTIONS"].update(_PREPARED_STATEMENTS)  # as the primary's
    _replica["ENGINE"] = POSTGRESQL_ENGINE
    DATABASES[f"replica_{_number}"] = _replica
    MUTUALS_READ_REPLICAS.append(f"replica_{_number}")
MUTUALS_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("MUTUALS_REPLICA_MAX_LAG_SECONDS", "5"))
MUTUALS_READ_YOUR_WRITES_SECONDS = int(os.environ.get("MUTUALS_READ_YOUR_WRITES_SECONDS", "15"))
DATABASE_ROUTERS = ["mutuals.core.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cache: rate limits (sign-in, tokens, event check-in codes) count here, so it must be one
# every server process shares, or each of `mutuals serve`'s workers would allow the full
# limit. Redis when REDIS_URL is set; else a table in the database (`mutuals migrate` creates
# it), with increments made atomic (mutuals.core.cache).
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "mutuals.core.cache.DatabaseCache", "LOCATION": "mutuals_cache"}
    }

# The graph snapshot: one builder (`mutuals graph`, or the thread in `mutuals worker`) publishes
# it here; every server process on the host maps it (docs/scaling.md). Requests never build.
GRAPH_DIR = Path(os.environ.get("MUTUALS_GRAPH_DIR", DATA_DIR / "graph"))
GRAPH_BUILD_ON_READ = False
# MUTUALS_GRAPH_REQUIRED=1: /readyz is not ready while no graph snapshot is published.
GRAPH_REQUIRED = os.environ.get("MUTUALS_GRAPH_REQUIRED", "0") == "1"
# Whether `mutuals worker` runs the builder in a thread (off when `mutuals graph` runs on its own).
GRAPH_BUILDER_IN_WORKER = os.environ.get("MUTUALS_GRAPH_BUILDER_IN_WORKER", "1") == "1"

# Background work: Django's tasks framework, stored in the database, run by `mutuals worker`.
TASKS = {
    "default": {
        # django-tasks-db's, keeping the id of the request that queued each task (for the logs).
        "BACKEND": "mutuals.core.tasks.RequestTracingBackend",
        "QUEUES": ["default"],
    }
}

# Accounts (django-allauth): e-mail is the login; verification is mandatory by default.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MUTUALS_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "mutuals.accounts.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "mutuals.accounts.adapter.MemberAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: 10 a minute from one address, 5 in 5 minutes for one account.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "

# "Delete my account" (docs/api.md "Leaving"): days between the request and the erasure, during
# which signing in cancels it (`mutuals sweep` erases the accounts whose grace period is over).
ACCOUNT_DELETION_GRACE_DAYS = int(os.environ.get("MUTUALS_ACCOUNT_DELETION_GRACE_DAYS", "14"))

# The account flows as JSON for scripts and other front ends: django-allauth's own headless API
# under /api/auth/ (docs/api.md "Account flows"). Only the "app" client: a script keeps the
# session token it is given (X-Session-Token) instead of cookies and CSRF. The HTML pages stay
# (HEADLESS_ONLY off), and the links in its e-mails lead to those same pages, so one message
# works for a member whichever way they signed up. Rate limits (ACCOUNT_RATE_LIMITS) and
# e-mail verification (ACCOUNT_EMAIL_VERIFICATION) are allauth's, shared by both.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    "account_reset_password": "/accounts/password/reset/",
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_signup": "/accounts/signup/",
}
# Its OpenAPI document at /api/auth/openapi.json (and .yaml); the page at /api/auth/openapi.html
# uses django-ninja's bundled Swagger UI, as /api/docs does, so no CDN at run time.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = "headless/spec/swagger_local.html"
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# E-mail: printed to the console unless an SMTP host is configured (Django 6.1 MAILERS).
EMAIL_HOST = os.environ.get("MUTUALS_EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": int(os.environ.get("MUTUALS_EMAIL_PORT", "587")),
                "username": os.environ.get("MUTUALS_EMAIL_USER", ""),
                "password": os.environ.get("MUTUALS_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("MUTUALS_EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("MUTUALS_FROM_EMAIL", "mutuals <noreply@localhost>")

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("MUTUALS_TIME_ZONE", "UTC")
USE_I18N = True
# The product's English for allauth's account pages ("Sign up", "e-mail"): mutuals/locale.
LOCALE_PATHS = [BASE_DIR / "mutuals" / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Uploaded LinkedIn exports until the worker has imported them (a disk the web process
    # and the worker share).
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "imports"},
    },
}

# Profile photos (README, "Profile photos"; mutuals/accounts/photos.py). Files are named by
# the hash of their content, so every address is served as cacheable for ever.
PHOTO_CACHE_CONTROL = "public, max-age=31536000, immutable"
MUTUALS_MAX_PHOTO_BYTES = int(os.environ.get("MUTUALS_MAX_PHOTO_BYTES", 10 * 1024 * 1024))


def photos_storage(environ: Mapping[str, str]) -> dict[str, object]:
    """Where photos are kept: an S3-compatible bucket when MUTUALS_PHOTOS_S3_BUCKET is set
    (through django-storages; install "mutuals[s3]" for boto3), else under the data directory,
    served by mutuals itself at /photos/."""
    bucket = environ.get("MUTUALS_PHOTOS_S3_BUCKET", "").strip()
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": DATA_DIR / "photos", "base_url": "/photos/"},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # None lets boto3 find them itself (its environment variables, an instance role).
            "endpoint_url": environ.get("MUTUALS_PHOTOS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("MUTUALS_PHOTOS_S3_REGION") or None,
            "access_key": environ.get("MUTUALS_PHOTOS_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("MUTUALS_PHOTOS_S3_SECRET_ACCESS_KEY") or None,
            "location": environ.get("MUTUALS_PHOTOS_S3_PREFIX", "photos"),
            # The public address of the bucket (a CDN or the bucket's own host name).
            "custom_domain": environ.get("MUTUALS_PHOTOS_S3_CUSTOM_DOMAIN") or None,
            # Plain addresses: a signed one changes on every page and defeats the cache.
            "querystring_auth": environ.get("MUTUALS_PHOTOS_S3_SIGNED_URLS", "").strip().lower()
            in {"1", "true", "yes", "on"},
            "default_acl": environ.get("MUTUALS_PHOTOS_S3_ACL") or None,
            "object_parameters": {
                "CacheControl": PHOTO_CACHE_CONTROL,
                "ContentType": "image/jpeg",
            },
            "file_overwrite": True,
        },
    }


STORAGES["photos"] = photos_storage(os.environ)

# Uploads (docs/imports.md, "Limits"): an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE is
# streamed to a temporary file, never held in memory; one larger than
# MUTUALS_MAX_UPLOAD_BYTES is refused by its Content-Length before any of it is read, or as
# soon as that many bytes have arrived. Other request bodies are held to 2.5 MB.
MUTUALS_MAX_UPLOAD_BYTES = int(os.environ.get("MUTUALS_MAX_UPLOAD_BYTES", 256 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "mutuals.imports.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MUTUALS_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind a TLS-terminating proxy (docs/operations.md): trust its X-Forwarded-Proto header only
# when told to, since a client could send that header itself when no proxy overwrites it.
if env_bool("MUTUALS_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("MUTUALS_SSL_REDIRECT", default=False)
# The proxy's and the orchestrator's health checks speak plain HTTP to the server directly.
# So do Prometheus's scrapes of /metrics.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# HSTS: browsers refuse plain HTTP for this long once they have seen the site over HTTPS.
# Off by default (a wrong value locks visitors out); subdomains and preload only on request.
SECURE_HSTS_SECONDS = int(os.environ.get("MUTUALS_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MUTUALS_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("MUTUALS_HSTS_PRELOAD", default=False)

# Content-Security-Policy (Django's own middleware): everything is served from this site
# (HTMX, Swagger UI and the fonts are local), and no inline script or style runs without the
# request's nonce (`{{ csp_nonce }}`); behaviour lives in static files (core/static/js).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs: one JSON object per line on standard error, each with the request id (or
# MUTUALS_LOG_FORMAT=text for people); an access line per request unless MUTUALS_ACCESS_LOG=0
# (docs/operations.md, "Logs"; the filter and formatters are in mutuals.core.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "mutuals.core.logs.RequestIdFilter"},
        # A 500 that a replica's failure caused, in a request answered again from the primary.
        "answered_again": {"()": "mutuals.core.replicas.AnsweredAgainFilter"},
    },
    "formatters": {
        "json": {"()": "mutuals.core.logs.JsonFormatter"},
        "text": {"()": "mutuals.core.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if os.environ.get("MUTUALS_LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MUTUALS_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"filters": ["answered_again"]}},
}
MUTUALS_ACCESS_LOG = env_bool("MUTUALS_ACCESS_LOG", default=True)

# Prometheus metrics at /metrics, for `Authorization: Bearer <this>` only; off (404) when unset
# (docs/operations.md, "Metrics"). `mutuals serve` keeps its processes' metrics in
# MUTUALS_METRICS_DIR (default $MUTUALS_DATA_DIR/metrics/serve-<port>), emptied at each start.
MUTUALS_METRICS_TOKEN = os.environ.get("MUTUALS_METRICS_TOKEN", "")
MUTUALS_METRICS_DIR = os.environ.get("MUTUALS_METRICS_DIR", "")

NINJA_PAGINATION_MAX_LIMIT = 100
