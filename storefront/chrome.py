"""The page chrome (header, navigation, footer) rendered once per locale, not once per page.

The chrome is the same on every page for a visitor who is not signed in: about 40 translated
strings and URLs, ~half the rendering time of a cached product page. `chrome(part)` renders
`templates/chrome/_<part>.html` once per (part, locale, URL root, arguments) and keeps it for
the life of the worker process (a deploy starts new processes; translations and templates do
not change under a running one). What varies per request stays out of the cache:
- a `search_query` argument is rendered as a placeholder and the escaped query put in after;
- a signed-in user's parts are rendered every time (`per_visitor=True`).
"""

from __future__ import annotations

from threading import Lock

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup, escape

from .i18n import current_locale

# A private-use character pair that neither Jinja nor URL building changes.
_QUERY_PLACEHOLDER = "\ue000search-query\ue000"
_MAX_ENTRIES = 256  # parts × locales × cart counts; bounded so odd arguments cannot grow it
_EXTENSION_KEY = "page_chrome"


def chrome(
    part: str, *, per_visitor: bool = False, search_query: str | None = None, **args
) -> Markup:
    """The rendered chrome `part`, from the per-process cache when it can be shared."""
    if per_visitor and current_user.is_authenticated:
        return Markup(  # noqa: S704 - our own autoescaped template
            render_template(f"chrome/_{part}.html", search_query=search_query or "", **args)
        )
    cache, lock = current_app.extensions[_EXTENSION_KEY]
    key = (
        part,
        current_locale(),
        request.script_root,
        search_query is not None,
        *sorted(args.items()),
    )
    html = cache.get(key)
    if html is None:
        placeholder = _QUERY_PLACEHOLDER if search_query is not None else ""
        html = render_template(f"chrome/_{part}.html", search_query=placeholder, **args)
        if not current_app.jinja_env.auto_reload:  # templates edited under a dev server
            with lock:
                if len(cache) >= _MAX_ENTRIES:
                    cache.clear()
                cache[key] = html
    if search_query:
        html = html.replace(_QUERY_PLACEHOLDER, str(escape(search_query)))
    elif search_query is not None:
        html = html.replace(_QUERY_PLACEHOLDER, "")
    return Markup(html)  # noqa: S704 - our own autoescaped template, query escaped above


def init_chrome(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = ({}, Lock())
    app.jinja_env.globals["chrome"] = chrome
