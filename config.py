"""Configuration from environment variables, with safe defaults (see docs/configuration.md).

`APP_ENV` picks the class: development (default), testing or production. Imports nothing from
the project. Parsers are strict: a malformed value stops start-up instead of being guessed.
"""

from __future__ import annotations

import os
from typing import Any


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


class Config:
    APP_ENV = "development"
    # Development default only: ProductionConfig refuses to start without a real one.
    SECRET_KEY = env_str("SECRET_KEY") or "dev-only-not-secret"
    # Empty means "SQLite file in the instance folder" (resolved by the app factory).
    SQLALCHEMY_DATABASE_URI = env_str("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    # PostgreSQL: seconds to wait for a connection before the page answers 503.
    DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    # Connections kept per worker process (PostgreSQL). A sync gunicorn worker answers one
    # request at a time; its background threads (for-sale snapshot, scan-count flush, search
    # rebuild) need at most a few more, briefly. Workers × (size + overflow) must stay under
    # the server's max_connections (docs/performance.md).
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 2)
    DB_MAX_OVERFLOW = env_int("DB_MAX_OVERFLOW", 4)
    DB_POOL_RECYCLE_SECONDS = env_int("DB_POOL_RECYCLE_SECONDS", 1800)
    SEARCH_INDEX_DIR = env_str("SEARCH_INDEX_DIR")  # empty → <instance>/search-index
    MEDIA_ROOT = env_str("MEDIA_ROOT")  # empty → <instance>/media
    PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    PER_PAGE = env_int("PER_PAGE", 24)
    # Larger than PHOTO_MAX_BYTES, so that a photo slightly too big reaches the form and gets its
    # "file too large (at most N MB)" message; above this, the translated 413 page.
    MAX_CONTENT_LENGTH = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    # "https" behind TLS: absolute URLs use it and every response carries HSTS.
    PREFERRED_URL_SCHEME = env_str("PREFERRED_URL_SCHEME", "http")
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; a long checkout must not lose the form
    STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # empty → Stripe's own; tests use a stand-in
    # Card orders hold stock this long; the Stripe session expires at the same instant (30-1440).
    CARD_RESERVATION_MINUTES = env_int("CARD_RESERVATION_MINUTES", 60)
    # Stripe's minimum charge is about USD 0.50; smaller card orders are refused with a message.
    STRIPE_MIN_CHARGE_VND = env_int("STRIPE_MIN_CHARGE_VND", 13000)
    # Bank transfer by VietQR is offered only when the receiving account is configured.
    BANK_BIN = env_str("BANK_BIN")  # six-digit NAPAS bank id, e.g. 970436
    BANK_ACCOUNT_NO = env_str("BANK_ACCOUNT_NO")
    BANK_ACCOUNT_NAME = env_str("BANK_ACCOUNT_NAME")
    MAIL_SERVER = env_str("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_FROM = env_str("MAIL_FROM", "shop@ocop.example")
    # Certificate scans live outside MEDIA_ROOT: they are shown only to their producer and admins.
    CERTIFICATE_SCAN_ROOT = env_str("CERTIFICATE_SCAN_ROOT")  # empty → <instance>/certificate-scans
    PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 8 * 1024 * 1024)
    PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000)
    # Largest registry CSV an admin may upload on the import page.
    IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
    LOW_STOCK_THRESHOLD = env_int("LOW_STOCK_THRESHOLD", 5)
    # Kiosks at display points: idle time before the attract screen (a point may override it),
    # how long an unpaid pickup holds shelf stock, and the shelf count reported as low.
    KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 90)
    KIOSK_PICKUP_MINUTES = env_int("KIOSK_PICKUP_MINUTES", 30)
    KIOSK_LOW_SHELF = env_int("KIOSK_LOW_SHELF", 3)
    # Orders only from screens an admin paired with the point (a signed cookie), so nobody on the
    # internet can reserve a point's shelf. Browsing stays open everywhere.
    KIOSK_PAIRING_REQUIRED = env_bool("KIOSK_PAIRING_REQUIRED", False)
    # Rate limits (fixed windows): shared through Redis when REDIS_URL is set, else per process.
    REDIS_URL = env_str("REDIS_URL")
    # Every key this app writes to Redis starts with it (several apps may share one Redis).
    REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "ocop:")
    # Connect and read timeout: Redis down or slow costs a sign-in at most this, once.
    REDIS_TIMEOUT_MS = env_int("REDIS_TIMEOUT_MS", 50)
    RATE_LIMIT_WINDOW_SECONDS = env_int("RATE_LIMIT_WINDOW_SECONDS", 300)
    LOGIN_ATTEMPTS_PER_WINDOW = env_int("LOGIN_ATTEMPTS_PER_WINDOW", 10)
    PASSWORD_RESETS_PER_WINDOW = env_int("PASSWORD_RESETS_PER_WINDOW", 5)
    LOAD_DEMO_CATALOG = env_bool("LOAD_DEMO_CATALOG", True)
    # Rendered catalog fragments kept per worker process (0 turns the cache off).
    FRAGMENT_CACHE_ENTRIES = env_int("FRAGMENT_CACHE_ENTRIES", 512)
    # Rendered product cards per worker (~1.3 KB each): listings, provinces and home share them.
    CARD_CACHE_ENTRIES = env_int("CARD_CACHE_ENTRIES", 4096)
    # Logs: "json" (one object per line, with the request id), "text", or empty to leave
    # logging as the server set it up (docs/deploy.md).
    LOG_FORMAT = env_str("LOG_FORMAT")
    LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
    # Each server's search index follows the database every this many seconds (0 = off).
    SEARCH_FOLLOW_SECONDS = env_float("SEARCH_FOLLOW_SECONDS", 1.0)
    # /readyz answers 503 when the index is further behind the database than this.
    READYZ_MAX_INDEX_LAG_SECONDS = env_int("READYZ_MAX_INDEX_LAG_SECONDS", 60)
    # Prometheus /metrics (off by default); with a token, scrapes send "Bearer <token>".
    METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
    METRICS_TOKEN = env_str("METRICS_TOKEN")
    # Proxies in front of the app that set X-Forwarded-For/-Proto (nginx: 1; a load balancer
    # before nginx: 2). 0 trusts none: the client address is the socket's.
    TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
    # Seconds a browser or CDN may reuse an anonymous catalog page without asking (0: store it
    # but revalidate every time, answered 304 while the catalog is unchanged; never stale).
    HTTP_CACHE_MAX_AGE = env_int("HTTP_CACHE_MAX_AGE", 0)
    # The for-sale snapshot (search facets, listings): loaded in the background when a worker
    # starts, patched per catalog change, fully reloaded in the background this often.
    SNAPSHOT_IN_BACKGROUND = env_bool("SNAPSHOT_IN_BACKGROUND", True)
    SNAPSHOT_FULL_RELOAD_SECONDS = env_int("SNAPSHOT_FULL_RELOAD_SECONDS", 600)
    # A background thread warms the search index's score maps when a worker starts and when a
    # new index generation appears (docs/performance.md); no request waits for it.
    SEARCH_WARM_UP = env_bool("SEARCH_WARM_UP", True)
    # Origin scan counts are buffered per process and written in batches this often, or when
    # this many views wait (0 seconds: each view written in its request).
    SCAN_FLUSH_SECONDS = env_int("SCAN_FLUSH_SECONDS", 2)
    SCAN_FLUSH_THRESHOLD = env_int("SCAN_FLUSH_THRESHOLD", 500)
    # Settlement (docs/settlement.md): platform fee in basis points of a part's goods value
    # (500 = 5 %), days after delivery before money may be paid out, smallest payout.
    PLATFORM_FEE_BASIS_POINTS = env_int("PLATFORM_FEE_BASIS_POINTS", 500)
    SETTLEMENT_HOLD_DAYS = env_int("SETTLEMENT_HOLD_DAYS", 7)
    PAYOUT_MINIMUM_VND = env_int("PAYOUT_MINIMUM_VND", 100_000)
    # VAT rate on e-invoice data: a percentage ("5", "8", "10") or "KCT" (not subject to VAT).
    EINVOICE_VAT_RATE = env_str("EINVOICE_VAT_RATE", "5")


class DevelopmentConfig(Config):
    DEBUG = env_bool("FLASK_DEBUG", False)


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105 - a fixed key for tests only
    WTF_CSRF_ENABLED = False
    PUBLIC_BASE_URL = "https://ocop.test"
    LOAD_DEMO_CATALOG = False
    REDIS_URL = ""  # tests that want Redis pass it explicitly
    SNAPSHOT_IN_BACKGROUND = False  # no threads behind a test's back; loads happen in the caller
    SEARCH_WARM_UP = False  # tests open searchers when they search
    SCAN_FLUSH_SECONDS = 0  # scans written in their request (tests/storefront/test_scan_buffer.py)
    SEARCH_FOLLOW_SECONDS = 0.0  # tests call the follower's tick themselves
    # Concurrency tests run 10–20 threads on one engine (a gunicorn worker runs a few).
    DB_MAX_OVERFLOW = 40


class ProductionConfig(Config):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    LOG_FORMAT = env_str("LOG_FORMAT", "json")

    @classmethod
    def validate(cls) -> None:
        if not env_str("SECRET_KEY"):
            raise ConfigError("SECRET_KEY must be set in production (APP_ENV=production)")
        if not env_str("PUBLIC_BASE_URL"):
            raise ConfigError("PUBLIC_BASE_URL must be set in production")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(app_env: str | None = None) -> type[Config]:
    """The config class for APP_ENV (default development); validates production settings."""
    name = (app_env or env_str("APP_ENV", "development")).lower()
    if name not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, got {name!r}")
    config = CONFIGS[name]
    if config is ProductionConfig:
        ProductionConfig.validate()
    return config
