"""What every kiosk screen needs: the point and language of the URL, the visitor's kiosk state
(basket token, last pickup) under one session key, product texts with their fallback language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, g, request, session, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from catalog.models import Product
from core.richtext import render_story
from orders.kiosk.errors import UnknownPoint
from orders.kiosk.models import DisplayPoint
from orders.kiosk.points import active_point

from ..common.qr import qr_matrix, qr_svg_path
from ..i18n import force_request_locale

SESSION_KEY = "kiosk"
# A screen paired with its point: a signed cookie that the idle reset never touches.
DEVICE_COOKIE = "kiosk_device"
DEVICE_SALT = "kiosk-device"
DEVICE_COOKIE_DAYS = 5 * 365
# Each language named in itself: a visitor looks for the name they can read.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어", "zh_Hans": "简体中文"}
HTML_LANG = {"zh_Hans": "zh-Hans"}


def point() -> DisplayPoint:
    return g.kiosk_point


def lang() -> str:
    return g.kiosk_lang


def load_point_and_language(code: str, language: str | None) -> None:
    """Resolve the URL's point (404 when unknown or inactive) and language (404 when the point
    does not offer it), and render the request in that language."""
    try:
        g.kiosk_point = active_point(code)
    except UnknownPoint:
        abort(404)
    if language is not None:
        if language not in g.kiosk_point.language_list:
            abort(404)
        g.kiosk_lang = language
        force_request_locale(language)


def _device_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def device_cookie_value(point_code: str) -> str:
    return _device_signer().dumps(point_code)


def may_order_here() -> bool:
    """Ordering is open, or this browser is a screen paired with the URL's point."""
    if not current_app.config.get("KIOSK_PAIRING_REQUIRED"):
        return True
    raw = request.cookies.get(DEVICE_COOKIE, "")
    try:
        return bool(raw) and _device_signer().loads(raw) == point().code
    except BadSignature:
        return False


def idle_seconds() -> int:
    return point().idle_seconds or int(current_app.config["KIOSK_IDLE_SECONDS"])


def visitor_state() -> dict[str, Any]:
    """This kiosk's state for the current visitor: {"basket": token, "pickup": id, ...}."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("point") != point().code:
        state = {"point": point().code}
    return state


def save_visitor_state(state: dict[str, Any]) -> None:
    session[SESSION_KEY] = state


def forget_visitor() -> dict[str, Any]:
    """Drop everything of the last visitor; returns what was there (to empty its basket)."""
    state = session.pop(SESSION_KEY, None)
    return state if isinstance(state, dict) else {}


@dataclass(frozen=True)
class ProductText:
    name: str
    story: str
    fallback: str | None  # the language shown instead of the visitor's, or None


def product_text(product: Product, language: str) -> ProductText:
    """Vietnamese texts for vi; English ones otherwise — falling back (and saying so) to English
    for languages the catalog has no texts in, and to Vietnamese where no English exists."""
    if language == "vi":
        return ProductText(product.name, product.story, None)
    if product.name_en:
        fallback = None if language == "en" else "en"
        return ProductText(product.name_en, product.story_en or product.story, fallback)
    return ProductText(product.name, product.story, "vi")


def language_links() -> list[dict[str, Any]]:
    """The same screen in every language the point offers (one touch from every screen)."""
    endpoint = request.endpoint or "kiosk.home"
    args = dict(request.view_args or {})
    query = {k: v for k, v in request.args.items() if k != "chose"}
    links = []
    for code in point().language_list:
        args["lang"] = code
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "html_lang": HTML_LANG.get(code, code),
                "url": url_for(endpoint, **args, **query, chose=1),
                "current": code == lang(),
            }
        )
    return links


_LINK_TAG = re.compile(r"</?a\b[^>]*>", re.IGNORECASE)


def kiosk_story(text: str) -> Markup:
    """The producer's story, sanitised as on the shop, with its links removed: the kiosk never
    leaves its own pages."""
    return Markup(_LINK_TAG.sub("", render_story(text)))  # noqa: S704 - sanitised by nh3


def qr_markup(data: str) -> Markup:
    """The QR of `data` as inline SVG (decorative to assistive tech: the figure is labelled)."""
    matrix = qr_matrix(data)
    size = len(matrix)
    return Markup(  # noqa: S704 - numbers and path data only
        f'<svg viewBox="0 0 {size} {size}" shape-rendering="crispEdges" aria-hidden="true" '
        f'focusable="false"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{qr_svg_path(matrix)}"/></svg>'
    )
