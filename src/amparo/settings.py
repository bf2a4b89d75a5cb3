"""Amparo's one settings file. Everything that varies comes from the environment.

AMPARO_DATA_DIR       where the embedded database, keys and uploads live (default: per-user data dir)
AMPARO_DATABASE_URL   postgresql://user:pass@host:port/name for multi-user deployments (default: SQLite)
AMPARO_SECRET_KEY     Django's signing key (default: generated once into the data directory)
AMPARO_DEBUG          "True" or "False" (default False)
AMPARO_ALLOWED_HOSTS  comma-separated host names (default: localhost names only)
AMPARO_SUPPRESSION_THRESHOLD  smallest count shown to roles without identity access (default 5)
AMPARO_HTTPS          "True" behind an HTTPS reverse proxy: secure cookies, HSTS, redirect (default False)
AMPARO_BEHIND_PROXY   "True" when `amparo serve` sits behind a reverse proxy whose forwarding headers it trusts
                      (default: AMPARO_HTTPS)
AMPARO_PROXY_ADDRESS  the address that proxy connects from (default 127.0.0.1: on the same machine)
AMPARO_PROXY_COUNT    proxies in a row in front of Amparo, the last one at AMPARO_PROXY_ADDRESS (default 1)
AMPARO_DATABASE_CONN_MAX_AGE  seconds a PostgreSQL connection is kept for reuse (default 60; 0 closes it per request)
AMPARO_BACKUP_KEY_FILE  the key `amparo backup` and `amparo restore` use; outside the data directory (docs/backup.md)
AMPARO_RELEASE_EPSILON_PER_YEAR  privacy budget all releases of one year may spend together (default 10)
AMPARO_IMPORT_MAX_FILE_MB, _MAX_UNCOMPRESSED_MB, _MAX_CELLS, _MAX_COLUMNS, _MAX_CELL_CHARACTERS, _MAX_NESTING,
_MAX_PERPETRATORS, _MAX_EVENTS, _READER_MEMORY_MB, _READER_SECONDS   what an import reads (defaults below)
AMPARO_SPARK_MASTER   Spark master URL `amparo link --engine spark` runs on (default local[2]; docs/linkage.md)
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from amparo.core.datadir import data_dir, secret_from_file

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be 'True' or 'False', not {value!r}")
    return value == "True"


def env_int(name: str, default: int, minimum: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def env_address(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an IP address such as 127.0.0.1, not {value!r}") from None


def env_float(name: str, default: float, above: float) -> float:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is None or not above < number < float("inf"):
        raise ImproperlyConfigured(f"{name} must be a number greater than {above}, not {value!r}")
    return number


DATA_DIR = data_dir()
DEBUG = env_bool("AMPARO_DEBUG", False)
SECRET_KEY = os.environ.get("AMPARO_SECRET_KEY") or secret_from_file(DATA_DIR / "secret_key")
ALLOWED_HOSTS = [h for h in os.environ.get("AMPARO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]


def _database(url: str | None) -> dict:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "amparo.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while an import writes; statistics read the file through a
                # memory map and a 64 MiB page cache per connection instead of SQLite's 2 MiB default.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-65536; PRAGMA mmap_size=2147483648; PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"AMPARO_DATABASE_URL must be a postgresql:// URL, not {parsed.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/"),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": parsed.port or "",
        # One connection per server thread, kept between requests (checked before reuse) instead of one per request.
        "CONN_MAX_AGE": env_int("AMPARO_DATABASE_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": _database(os.environ.get("AMPARO_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The key that seals backup archives, kept apart from the data directory (amparo.core.backup refuses one inside it).
BACKUP_KEY_FILE = os.environ.get("AMPARO_BACKUP_KEY_FILE") or None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # django-ninja: the API's schema and its documentation page, served from its own static files
    "amparo.accounts",
    "amparo.audit",
    "amparo.registry",
    "amparo.synth",
    "amparo.stats",
    "amparo.web",
    "amparo.reports",
    "amparo.casework",
    "amparo.exchange",
    "amparo.release",
    "amparo.linkage",
    "amparo.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # before WhiteNoise: static files too
    "amparo.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "amparo.accounts.sessions.SessionRefreshMiddleware",  # after SessionMiddleware: it runs first on the way out
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "amparo.core.security.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "amparo.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "amparo.urls"
WSGI_APPLICATION = "amparo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amparo.web.context.synthetic_data_notice",
                "amparo.web.navigation.main_navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials before checking them
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# An administrator's one-time link to set a password (accounts.services.password_setting_path) lasts a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # `amparo collectstatic` fills it; until then files come from the apps
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploads in memory, never spooled in clear to the temporary directory (amparo.exchange.uploads).
FILE_UPLOAD_HANDLERS = ["amparo.exchange.uploads.InMemoryUpload"]

# Safe defaults: sessions end with the browser and after 30 idle minutes (pushed back at most once a minute by
# amparo.accounts.sessions, so that reading a page writes nothing).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
HTTPS = env_bool("AMPARO_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS  # inert until the domain's owner submits it to the preload list (docs/security.md)
# Forwarding headers are trusted in one place, waitress (`amparo serve`): from the proxy at PROXY_ADDRESS only,
# X-Forwarded-Proto becomes the request's scheme and X-Forwarded-For its REMOTE_ADDR; from anyone else, and
# whenever BEHIND_PROXY is False, they are removed before Django sees the request.
BEHIND_PROXY = env_bool("AMPARO_BEHIND_PROXY", HTTPS)
PROXY_ADDRESS = env_address("AMPARO_PROXY_ADDRESS", "127.0.0.1")
PROXY_COUNT = env_int("AMPARO_PROXY_COUNT", 1, minimum=1)

# Login throttling (django-axes): five failures for one user name from one address
# lock that pair for 15 minutes; an office behind one address is not locked out whole.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "amparo.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "amparo.audit.services.client_address"

# Second factor (django-otp): TOTP, required for administrators (amparo.accounts.middleware).
OTP_TOTP_ISSUER = "Amparo"

# Published statistics hide counts from 1 to this threshold minus one (with secondary suppression).
STATS_SUPPRESSION_THRESHOLD = env_int("AMPARO_SUPPRESSION_THRESHOLD", 5, minimum=2)
# Epsilon all releases of one year may spend together: each release's tables and synthetic data add to it
# (docs/publication.md says why 10).
RELEASE_EPSILON_PER_YEAR = env_float("AMPARO_RELEASE_EPSILON_PER_YEAR", 10.0, above=0.0)

# What an import reads of a file (amparo.exchange.domain.limits): a file past a limit is refused, naming it.
IMPORT_MAX_FILE_MB = env_int("AMPARO_IMPORT_MAX_FILE_MB", 500, minimum=1)
IMPORT_MAX_UNCOMPRESSED_MB = env_int("AMPARO_IMPORT_MAX_UNCOMPRESSED_MB", 1024, minimum=1)  # an XLSX unzipped
IMPORT_MAX_CELLS = env_int("AMPARO_IMPORT_MAX_CELLS", 50_000_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("AMPARO_IMPORT_MAX_COLUMNS", 1000, minimum=1)
IMPORT_MAX_CELL_CHARACTERS = env_int("AMPARO_IMPORT_MAX_CELL_CHARACTERS", 32767, minimum=1)  # as in Excel
IMPORT_MAX_NESTING = env_int("AMPARO_IMPORT_MAX_NESTING", 32, minimum=1)  # of JSON lists and objects
IMPORT_MAX_PERPETRATORS = env_int("AMPARO_IMPORT_MAX_PERPETRATORS", 100, minimum=1)  # of one case
IMPORT_MAX_EVENTS = env_int("AMPARO_IMPORT_MAX_EVENTS", 100, minimum=1)  # of one case
# A file is parsed in a process of its own (amparo.exchange.reading), with this much address space and time.
IMPORT_READER_MEMORY_MB = env_int("AMPARO_IMPORT_READER_MEMORY_MB", 4096, minimum=1024)
IMPORT_READER_SECONDS = env_int("AMPARO_IMPORT_READER_SECONDS", 600, minimum=1)

LINKAGE_SPARK_MASTER = os.environ.get("AMPARO_SPARK_MASTER") or "local[2]"

# Calls a minute one API client (or signed-in person) may make; past it, 429 with Retry-After.
API_RATE_PER_MINUTE = env_int("AMPARO_API_RATE_PER_MINUTE", 600, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
