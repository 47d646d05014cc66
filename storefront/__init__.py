"""The web layer: the application factory wires config, extensions, blueprints and CLI."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from config import Config, config_for
from core.db import configure_sqlite, db

from .extensions import babel, csrf, login_manager, migrate


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the Flask app. `config` defaults to the class chosen by APP_ENV."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for())
    app.config.update(overrides)
    _resolve_paths(app)
    _warn_about_limits(app)
    _trust_proxies(app)
    app.json.ensure_ascii = False  # Vietnamese stays readable in the JSON API

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    _init_login(app)

    from settlement.einvoice import check_vat_rate
    from settlement.ledger import configure as configure_settlement

    configure_settlement(
        fee_basis_points=app.config["PLATFORM_FEE_BASIS_POINTS"],
        hold_days=app.config["SETTLEMENT_HOLD_DAYS"],
        payout_minimum_vnd=app.config["PAYOUT_MINIMUM_VND"],
    )
    check_vat_rate(app.config["EINVOICE_VAT_RATE"])

    from .i18n import init_i18n, select_locale

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    init_i18n(app)

    from .template_globals import init_template_globals

    init_template_globals(app)

    from .page_cache import init_page_cache

    init_page_cache(app)

    from .chrome import init_chrome

    init_chrome(app)

    from .request_log import init_request_log

    init_request_log(app)

    from .common.input_guard import init_input_guard

    init_input_guard(app)

    from .metrics import init_metrics

    init_metrics(app)

    from .security_headers import init_security_headers

    init_security_headers(app)

    # After the request id is assigned: a 304 answered before the view still carries it.
    from .http_cache import init_http_cache

    init_http_cache(app)

    from .errors import init_errors

    init_errors(app)
    _register_blueprints(app)

    from .rate_limits import init_rate_limits

    init_rate_limits(app)

    from .write_transactions import init_write_transactions

    init_write_transactions(app)

    from .common.search_service import init_search

    init_search(app)

    from .common.index_follower import init_index_follower

    init_index_follower(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _resolve_paths(app: Flask) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "ocop.sqlite3"
        )
    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = os.path.join(app.instance_path, "search-index")
    if not app.config.get("MEDIA_ROOT"):
        app.config["MEDIA_ROOT"] = os.path.join(app.instance_path, "media")
    if not app.config.get("CERTIFICATE_SCAN_ROOT"):
        app.config["CERTIFICATE_SCAN_ROOT"] = os.path.join(app.instance_path, "certificate-scans")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # Heroku-style URLs
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("postgresql"):
        # An unreachable server answers 503 within seconds instead of hanging every worker.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", app.config.get("DATABASE_CONNECT_TIMEOUT", 5))
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}
    if uri.startswith("sqlite"):
        # SQLite: wait for a writer instead of failing with "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    else:
        # A server database: a pool sized for the worker model (config.py, DB_POOL_*).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "pool_size": app.config["DB_POOL_SIZE"],
            "max_overflow": app.config["DB_MAX_OVERFLOW"],
            "pool_recycle": app.config["DB_POOL_RECYCLE_SECONDS"],
        }


def _trust_proxies(app: Flask) -> None:
    """Behind nginx the socket's address is nginx's: take the client's from X-Forwarded-For,
    as set by exactly TRUSTED_PROXY_HOPS proxies (rate limits count per client, not per proxy)."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _warn_about_limits(app: Flask) -> None:
    """A photo slightly too big gets its own message only if the request limit is larger."""
    request_limit = app.config.get("MAX_CONTENT_LENGTH") or 0
    if request_limit and app.config["PHOTO_MAX_BYTES"] >= request_limit:
        app.logger.warning(
            "PHOTO_MAX_BYTES (%s) should be below MAX_UPLOAD_BYTES (%s): photos over the request "
            "limit get the generic 413 page instead of the upload form's message",
            app.config["PHOTO_MAX_BYTES"],
            request_limit,
        )


def _init_login(app: Flask) -> None:
    from accounts.models import User
    from accounts.service import get_user

    login_manager.init_app(app)
    login_manager.login_view = "account.login"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return get_user(int(user_id)) if user_id.isdigit() else None


def _register_blueprints(app: Flask) -> None:
    from .account import bp as account_bp
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .cart import bp as cart_bp
    from .checkout import bp as checkout_bp
    from .kiosk import bp as kiosk_bp
    from .ops import bp as ops_bp
    from .orders import bp as orders_bp
    from .origin import bp as origin_bp
    from .producer import bp as producer_bp
    from .search import bp as search_bp
    from .shop import bp as shop_bp
    from .webhooks import bp as webhooks_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(origin_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    csrf.exempt(api_bp)
    app.register_blueprint(cart_bp)
    app.register_blueprint(checkout_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(producer_bp, url_prefix="/producer")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(kiosk_bp)
    csrf.exempt(webhooks_bp)  # authenticated by the Stripe signature instead
