"""Settings for Coherence, driven by environment variables with safe development defaults.

Locally nothing needs setting: SQLite under var/, DEBUG on, e-mail to the console. In production
set at least DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; a missing or malformed value
stops the process with a message naming the variable rather than running half-configured.

ROOM=true is the profile of a workshop laptop on a room's network (docs/workshop.md): DEBUG off, the
laptop's LAN addresses allowed as hosts, a secret key kept under var/, and plain HTTP with cookies
that are not marked secure, because phones on a room's Wi-Fi reach the laptop by its IP address with
no certificate. The trade-off: anyone on that network can read the traffic, sign-ins included. Use it
on a closed room network, for the workshop, never on the internet.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ROOM = env_bool("ROOM", False)
DEBUG = env_bool("DEBUG", not ROOM)

# Everything the app writes (SQLite database, uploaded evidence, generated reports) lives here,
# never beside the code, and is not served by the web server: files go out through views that
# check permissions.
DATA_DIR = Path(env_str("COHERENCE_DATA_DIR", str(BASE_DIR / "var")))


def room_secret_key() -> str:
    """A workshop laptop keeps its own secret key under var/ (made once), so nobody has to set one."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or (room_secret_key() if ROOM else "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

_LOCAL_HOSTS = "127.0.0.1,localhost,[::1]"
if ROOM:
    from assessments.room import lan_addresses

    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _LOCAL_HOSTS) + lan_addresses()
else:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _LOCAL_HOSTS if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Where phones reach this server in a workshop (e.g. http://192.168.1.20:8000); by default the address
# the facilitator's browser used, or this machine's LAN address when that was localhost.
WORKSHOP_URL = env_str("WORKSHOP_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "axes",
    "coherence",
    "indicators",
    "assessments",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for browsers that accept it (the scoring page is ~600 kB of HTML); Django's
    # middleware pads each response against BREACH. Static files come precompressed from whitenoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "coherence.middleware.SignInRequiredMiddleware",
    # Last, as django-axes asks: it answers locked-out sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coherence.urls"
WSGI_APPLICATION = "coherence.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coherence.sqlite3'}"),
        # Outside development each worker keeps its connection (a new PostgreSQL connection per request
        # costs more than most requests of a workshop room), checked before reuse.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the task worker use the database at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            # WAL with synchronous=NORMAL: a commit is durable once the WAL is checkpointed, never corrupt;
            # every answer of a workshop room is a commit, and a full sync on each one queues them.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )


def cache_from_url(url: str) -> dict:
    """A CACHES entry from CACHE_URL: redis://host:port/db (Redis, through Django's own backend),
    db://table (the database; run `manage.py createcachetable`), file:///path (files, one machine: the
    workshop laptop's default) or locmem:// (one process only)."""
    scheme, _, rest = url.partition("://")
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest or "coherence_cache",
        }
    if scheme == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": rest or str(DATA_DIR / "cache"),
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "coherence"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, db://, file:// or locmem://, not {url!r}"
    )


# Caches that several processes must agree on (framework structure, live results, rendered reports)
# need a shared cache in production: several gunicorn workers each have their own local memory.
CACHE_URL = env_str("CACHE_URL", "locmem://" if DEBUG else f"file://{DATA_DIR / 'cache'}" if ROOM else "")
if not CACHE_URL:
    raise ImproperlyConfigured(
        "CACHE_URL must be set when DEBUG is off (redis://host:6379/0 or db://coherence_cache): "
        "several worker processes must share one cache"
    )
CACHES = {"default": cache_from_url(CACHE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-ins of a user name that is locked out from this address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes): after SIGN_IN_FAILURE_LIMIT wrong passwords, that user name is
# locked from that address for SIGN_IN_LOCK_MINUTES. Never the address alone: a workshop room shares one.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "coherence.views.sign_in_locked"
AXES_CLIENT_IP_CALLABLE = "coherence.middleware.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command
# How many reverse proxies sit in front of the app (each adds an X-Forwarded-For entry); 0 = none.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0 if DEBUG or ROOM else 1)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# No MEDIA_URL on purpose: uploaded evidence is served only through permission-checked views.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Content Security Policy (Django's own): everything from this site only, scripts from files (an inline
# script would need the request's nonce), no eval anywhere (plotly.js is a strict partial bundle).
# Styles allow inline ones: plotly.js positions its charts with style attributes it sets itself.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Limits on what people upload, one named setting each (docs/security.md explains them).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
BUNDLE_MAX_BYTES = env_int("BUNDLE_MAX_BYTES", 200 * 1024 * 1024)
FRAMEWORK_MAX_BYTES = env_int("FRAMEWORK_MAX_BYTES", 5 * 1024 * 1024)
# A framework file may use YAML anchors, but not to expand into more nodes than this (alias bombs).
FRAMEWORK_MAX_NODES = env_int("FRAMEWORK_MAX_NODES", 500_000)
# Zip archives (bundles with evidence files, XLSX workbooks): members, total and per-member size once
# expanded, and how much a member may expand relative to its compressed size.
ARCHIVE_MAX_MEMBERS = env_int("ARCHIVE_MAX_MEMBERS", 5_000)
ARCHIVE_MAX_EXPANDED_BYTES = env_int("ARCHIVE_MAX_EXPANDED_BYTES", 500 * 1024 * 1024)
ARCHIVE_MAX_RATIO = env_int("ARCHIVE_MAX_RATIO", 200)
# An uploaded questionnaire workbook (XLSX), and the rows read from its answer sheets, all sheets together
# (a framework has 60-120 indicators; the cap stops a sheet padded with a million rows).
WORKBOOK_MAX_BYTES = env_int("WORKBOOK_MAX_BYTES", 10 * 1024 * 1024)
WORKBOOK_MAX_ROWS = env_int("WORKBOOK_MAX_ROWS", 2_000)
# Free text in an answer, a consensus rationale or an action.
ANSWER_TEXT_MAX_CHARS = env_int("ANSWER_TEXT_MAX_CHARS", 20_000)
# How often a dashboard whose answers are still coming in refreshes itself.
LIVE_REFRESH_SECONDS = env_int("LIVE_REFRESH_SECONDS", 10)
# Invitations are valid for this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Fictional countries for demo data, on ISO 3166 user-assigned codes, so that no real country
# ever carries invented scores.
COUNTRIES_OVERRIDE = {
    "XA": _("Demoland"),
    "XB": _("Samplestan"),
    "XC": _("Exemplia"),
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# In development e-mail goes to the console, so password resets work on a laptop with no mail
# server; in production it goes to SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ...).
_mail_backend = env_str(
    "EMAIL_BACKEND", f"django.core.mail.backends.{'console' if DEBUG or ROOM else 'smtp'}.EmailBackend"
)
_mail_options = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "coherence@localhost")

# Outside development static files are collected first (scripts/workshop.sh does it for a room laptop), so
# whitenoise serves them with far-future caching, gzip and brotli: phones on a room's Wi-Fi fetch
# plotly.js once, compressed.
WHITENOISE_USE_FINDERS = DEBUG

if not DEBUG and not ROOM:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
elif ROOM:
    # Plain HTTP on the room's network (see the top of this file for the trade-off).
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # PDF rendering libraries narrate every step, and WeasyPrint warns about every SVG style it does
    # not use (plotly's SVG draws correctly without them): keep their errors only.
    "loggers": {
        name: {"level": "ERROR"}
        for name in ("weasyprint", "fontTools", "kaleido", "choreographer", "logistro")
    },
}
