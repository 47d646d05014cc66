"""Locale choice (visible switch, remembered; Accept-Language as first guess) and formatting filters."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, refresh

from core.money import format_vnd

LOCALE_SESSION_KEY = "lang"
# Command-line tools speak English: their readers are operators, their source strings English.
COMMAND_LINE_LOCALE = "en"
# A page whose URL names its language (the kiosk: /kiosk/<point>/<lang>/) sets it for the request.
FORCED_LOCALE_KEY = "forced_locale"


def force_request_locale(locale: str) -> None:
    """Render this request in `locale`, whatever the session or Accept-Language say."""
    setattr(g, FORCED_LOCALE_KEY, locale)
    refresh()


def select_locale() -> str:
    """The user's chosen language, else the best match of Accept-Language, else Vietnamese."""
    forced = g.get(FORCED_LOCALE_KEY)
    if forced:
        return forced
    languages = current_app.config["LANGUAGES"]
    chosen = session.get(LOCALE_SESSION_KEY)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_locale() -> str:
    return str(get_locale() or "vi")


def vnd_filter(amount: int) -> str:
    return format_vnd(amount, current_locale())


def local_date_filter(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        from flask_babel import format_datetime

        return format_datetime(value, fmt)
    # A calendar date is not shifted between time zones.
    return format_date(value, format=fmt, locale=current_locale())


def init_i18n(app: Flask) -> None:
    # Flask-Babel caches the locale on the app context, which tests (and CLI code issuing
    # requests) keep across requests; start every request with a fresh choice.
    app.before_request(refresh)
    app.jinja_env.filters["vnd"] = vnd_filter
    app.jinja_env.filters["local_date"] = local_date_filter
    app.jinja_env.globals["current_locale"] = current_locale
