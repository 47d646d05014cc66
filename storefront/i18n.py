"""Locale choice (visible switch, remembered; Accept-Language as first guess) and formatting filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_translations, refresh
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

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
    """The request's locale code ("vi", "en", …); templates ask ~100 times a page."""
    return _per_request_locale("ocop_locale_name", lambda: str(get_locale() or "vi"))


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


def _per_request_locale(memo_name: str, compute):
    """`compute()` memoised on Flask-Babel's per-request namespace beside the Locale object it
    was computed for. Flask-Babel resolves domain, locale and catalog on every call (~20 µs);
    `force_locale` and `refresh` replace or drop that Locale, which makes the memo miss."""
    namespace = g.get("_flask_babel") if g else None
    if namespace is not None:
        memo = getattr(namespace, memo_name, None)
        if memo is not None and memo[0] is getattr(namespace, "babel_locale", None):
            return memo[1]
    value = compute()  # sets the namespace's Locale when it is the first call
    namespace = g.get("_flask_babel") if g else None
    locale = getattr(namespace, "babel_locale", None) if namespace is not None else None
    if locale is not None:
        setattr(namespace, memo_name, (locale, value))
    return value


def request_translations():
    """The translations of the current locale, memoised per request (see above)."""
    return _per_request_locale("ocop_translations", get_translations)


def _make_gettext(translations_of: Callable[[], Any]) -> Callable[..., str]:
    """Jinja's newstyle `gettext` (autoescape → Markup, always %-formatted) in one call
    instead of three."""

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        translated = translations_of().ugettext(string)
        if eval_ctx.autoescape:
            translated = Markup(translated)  # noqa: S704 - escaped by % below, as Jinja's own
        return translated % variables

    return gettext


def _make_ngettext(translations_of: Callable[[], Any]) -> Callable[..., str]:
    """Jinja's newstyle `ngettext` (see `_make_gettext`)."""

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        translated = translations_of().ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            translated = Markup(translated)  # noqa: S704 - escaped by % below, as Jinja's own
        return translated % variables

    return ngettext


def _translations_of_this_render() -> dict[str, Any]:
    """Context processor: translation callables bound to this render's translations and
    locale. A page calls `_()` and `current_locale()` ~40 times; each global call looks the
    request's memo up through Flask's context proxies (~5 µs), a bound one does not. A render
    never changes locale (`force_locale` wraps whole renders). Macros imported without
    context use the globals, which give the same answers."""
    translations = request_translations()
    locale = current_locale()
    gettext = _make_gettext(lambda: translations)
    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": _make_ngettext(lambda: translations),
        "current_locale": lambda: locale,
    }


def init_i18n(app: Flask) -> None:
    # Templates translate through the memo (same callables as Flask-Babel installs).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    # `_`, `gettext` and `ngettext` are called ~40 times a page (see `_make_gettext` and
    # `_translations_of_this_render`).
    template_gettext = _make_gettext(request_translations)
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
    app.jinja_env.globals["ngettext"] = _make_ngettext(request_translations)
    app.context_processor(_translations_of_this_render)
    # Flask-Babel caches the locale on the app context, which tests (and CLI code issuing
    # requests) keep across requests; start every request with a fresh choice.
    app.before_request(refresh)
    app.jinja_env.filters["vnd"] = vnd_filter
    app.jinja_env.filters["local_date"] = local_date_filter
    app.jinja_env.globals["current_locale"] = current_locale
