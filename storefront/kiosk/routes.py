"""Visitor screens: attract, home, browse, search, product, basket, order → pickup number.

Every screen asks the one for-sale rule again (through `orders.kiosk.showcase`), so a product
that goes off sale disappears on the next screen change. No screen links outside /kiosk/.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import (
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from catalog.admin_units import province_by_code
from catalog.certificates.states import shown_certificate
from catalog.enums import ProductGroup
from catalog.for_sale import OCOP_STARS
from catalog.products.listing import ProductQuery
from core import clock
from core.db import db
from orders.cart import find_cart, get_or_create_cart, new_cart_token
from orders.errors import EmptyCart, NotForSale, OrdersError, OutOfStock
from orders.kiosk.models import KioskPickup
from orders.kiosk.pickups import (
    add_to_basket,
    basket_of,
    empty_basket,
    place_pickup_order,
    set_basket_quantity,
)
from orders.kiosk.reports import record_language_choice
from orders.kiosk.showcase import ShelfFilters, shelf_facets, shelf_item, shelf_items, top_rated

from ..access import access
from ..common.payments import payment_providers
from ..common.search_service import product_search
from ..common.urls import origin_url
from . import bp
from .screen import (
    HTML_LANG,
    forget_visitor,
    idle_seconds,
    kiosk_story,
    lang,
    language_links,
    load_point_and_language,
    may_order_here,
    point,
    product_text,
    qr_markup,
    save_visitor_state,
    visitor_state,
)

MAX_SEARCH_LENGTH = 60
MAX_QUANTITY_STEP = 20


@bp.url_value_preprocessor
def _pull_point(endpoint: str | None, values: dict | None) -> None:
    if values and "point" in values:
        load_point_and_language(values.pop("point"), values.pop("lang", None))


@bp.url_defaults
def _add_point(endpoint: str, values: dict) -> None:
    url_map = current_app.url_map
    if "kiosk_point" in g and url_map.is_endpoint_expecting(endpoint, "point"):
        values.setdefault("point", g.kiosk_point.code)
    if "kiosk_lang" in g and url_map.is_endpoint_expecting(endpoint, "lang"):
        values.setdefault("lang", g.kiosk_lang)


@bp.before_request
def _count_language_choice() -> None:
    if request.args.get("chose") == "1" and "kiosk_lang" in g:
        record_language_choice(point().id, lang(), clock.today_in_vietnam())
        db.session.commit()


@bp.context_processor
def _screen_context() -> dict:
    if "kiosk_lang" not in g:
        return {}
    return {
        "kiosk_point": point(),
        "kiosk_lang": lang(),
        "kiosk_html_lang": HTML_LANG.get(lang(), lang()),
        "kiosk_languages": language_links(),
        "kiosk_idle_seconds": idle_seconds(),
        "product_text": product_text,
        "kiosk_story": kiosk_story,
        "province_of": province_by_code,
    }


def _screen(template: str, **context) -> Response:
    response = current_app.make_response(render_template(template, **context))
    # Personal screens (basket, pickup) are never stored; catalog screens are cached by the
    # service worker for outages, not by anyone else.
    response.headers["Cache-Control"] = (
        "no-store" if context.get("personal") else "private, max-age=0"
    )
    return response


@bp.get("/<point>/")
@access("public")
def start():
    """The kiosk's own URL: a fresh session on the attract screen in the default language."""
    return redirect(url_for("kiosk.reset"))


@bp.get("/<point>/reset")
@access("public")
def reset():
    """Idle reset, "done" and every fresh start from the attract screen: the last visitor's
    basket is emptied and forgotten. `to`: start browsing in that language, else attract."""
    state = forget_visitor()
    cart = find_cart(token=state.get("basket")) if state.get("basket") else None
    if cart is not None:
        empty_basket(cart)
        db.session.delete(cart)
        db.session.commit()
    start_in = request.args.get("to", "")
    if start_in in point().language_list:
        return redirect(url_for("kiosk.home", lang=start_in))
    return redirect(url_for("kiosk.attract", lang=point().default_language))


@bp.get("/<point>/alive")
@access("public")
def alive():
    """Answered only by the server (never by the service worker): can orders be placed now?"""
    response = current_app.make_response(("", 204))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<point>/<lang>/attract")
@access("public")
def attract():
    items = top_rated(point().id, clock.today_in_vietnam())
    return _screen("kiosk/attract.html", items=items)


@bp.get("/<point>/<lang>/")
@access("public")
def home():
    today = clock.today_in_vietnam()
    items = shelf_items(point().id, today)
    return _screen(
        "kiosk/home.html",
        facets=shelf_facets(items, today),
        featured=items[:6],
        groups=list(ProductGroup),
    )


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.get("/<point>/<lang>/browse")
@access("public")
def browse():
    today = clock.today_in_vietnam()
    group = request.args.get("group") or None
    if group not in {g.value for g in ProductGroup}:
        group = None
    province = request.args.get("province") or None
    if province is not None and province_by_code(province) is None:
        province = None
    stars = _int_arg("stars")
    if stars not in OCOP_STARS:
        stars = None
    filters = ShelfFilters(group=group, province_code=province, stars=stars)
    return _screen(
        "kiosk/browse.html",
        items=shelf_items(point().id, today, filters),
        group=group,
        province=province_by_code(province) if province else None,
        stars=stars,
    )


@bp.get("/<point>/<lang>/search")
@access("public")
def search():
    query = request.args.get("q", "")[:MAX_SEARCH_LENGTH]
    items = []
    if query.strip():
        today = clock.today_in_vietnam()
        page = product_search().search(query.strip(), ProductQuery(per_page=200), today)
        ids = tuple(product.id for product in page.items)
        items = shelf_items(point().id, today, ShelfFilters(product_ids=ids)) if ids else []
    return _screen("kiosk/search.html", query=query, items=items)


@bp.get("/<point>/<lang>/p/<slug>")
@access("public")
def product(slug: str):
    today = clock.today_in_vietnam()
    item = shelf_item(point().id, slug, today)
    if item is None:
        # Off sale since the last screen (or never here): back to the catalog, not an error.
        return redirect(url_for("kiosk.home", gone=1))
    shown = shown_certificate(item.product, today)
    origin = origin_url(item.product.origin_code) if item.product.origin_code else ""
    return _screen(
        "kiosk/product.html",
        item=item,
        certificate=shown.certificate,
        origin_qr=qr_markup(origin) if origin else None,
        quantity_steps=range(1, min(item.shelf, MAX_QUANTITY_STEP) + 1),
    )


def _visitor_basket(create: bool = False):
    state = visitor_state()
    token = state.get("basket")
    cart = find_cart(token=token) if token else None
    if cart is None and create:
        token = new_cart_token()
        cart = get_or_create_cart(token=token)
        state["basket"] = token
        save_visitor_state(state)
    return cart


@bp.get("/<point>/<lang>/basket")
@access("public")
def basket():
    cart = _visitor_basket()
    return _screen(
        "kiosk/basket.html",
        basket=basket_of(cart, point(), clock.today_in_vietnam()),
        problem=request.args.get("problem", ""),
        personal=True,
    )


def _form_int(name: str, default: int = 0) -> int:
    raw = request.form.get(name, "")
    return int(raw) if raw.isdigit() else default


@bp.post("/<point>/<lang>/basket/add")
@access("public")
def basket_add():
    if not may_order_here():
        return redirect(url_for("kiosk.basket", problem="not_paired"))
    cart = _visitor_basket(create=True)
    try:
        add_to_basket(
            cart,
            point(),
            _form_int("product_id"),
            _form_int("quantity", 1),
            clock.today_in_vietnam(),
        )
    except (NotForSale, OutOfStock) as error:
        db.session.rollback()
        return redirect(url_for("kiosk.basket", problem=error.code))
    db.session.commit()
    return redirect(url_for("kiosk.basket"))


@bp.post("/<point>/<lang>/basket/set")
@access("public")
def basket_set():
    cart = _visitor_basket()
    if cart is not None:
        set_basket_quantity(cart, point(), _form_int("product_id"), _form_int("quantity"))
        db.session.commit()
    return redirect(url_for("kiosk.basket"))


@bp.post("/<point>/<lang>/order")
@access("public")
def order():
    cart = _visitor_basket()
    if not may_order_here():
        return redirect(url_for("kiosk.basket", problem="not_paired"))
    if cart is None:
        return redirect(url_for("kiosk.basket"))
    state = visitor_state()
    # One token per basket: a second touch on "order" returns the same order.
    token = state.setdefault("checkout", secrets.token_urlsafe(24))
    save_visitor_state(state)
    hold = timedelta(minutes=int(current_app.config["KIOSK_PICKUP_MINUTES"]))
    try:
        placed = place_pickup_order(
            cart,
            point(),
            token,
            locale=lang(),
            now=clock.utcnow(),
            providers=payment_providers(),
            hold=hold,
        )
    except (EmptyCart, NotForSale, OutOfStock) as error:
        return redirect(url_for("kiosk.basket", problem=error.code))
    except OrdersError:
        return redirect(url_for("kiosk.basket", problem="order_failed"))
    pickup = db.session.query(KioskPickup).filter_by(order_id=placed.id).one()
    state = visitor_state()
    state.pop("checkout", None)
    state["pickup"] = pickup.id
    save_visitor_state(state)
    return redirect(url_for("kiosk.pickup"))


@bp.get("/<point>/<lang>/pickup")
@access("public")
def pickup():
    pickup_id = visitor_state().get("pickup")
    found = db.session.get(KioskPickup, pickup_id) if pickup_id else None
    if found is None or found.point_id != point().id:
        return redirect(url_for("kiosk.home"))
    return _screen("kiosk/pickup.html", pickup=found, order=found.order, personal=True)


@bp.get("/<point>/<lang>/offline")
@access("public")
def offline():
    """Shown by the service worker when the server cannot be reached and a page is not cached."""
    return _screen("kiosk/offline.html")


@bp.get("/sw.js")
@access("public")
def service_worker():
    """The service worker, served under /kiosk/ so that its scope is every kiosk screen."""
    script = Path(current_app.static_folder or "", "kiosk", "sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
