"""Helpers every template may call (labels, province names, today's date, safe story HTML)."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app
from markupsafe import Markup

from catalog.admin_units import province_by_code
from catalog.for_sale import MAX_STARS, OCOP_STARS, for_sale_certificate
from catalog.models import Producer, Product
from catalog.products.cards import ProductCard
from catalog.uploads import photo_files
from core.clock import today_in_vietnam
from core.richtext import render_story
from core.text import fold

from .common.illustrations import illustration_path
from .common.labels import (
    SORT_LABELS,
    certificate_state_label,
    group_label,
    issuer_level_label,
    order_status_label,
    payment_method_label,
    producer_kind_label,
)
from .common.visitor import current_cart_count
from .common.vocabulary import issuer_label, unit_label
from .errors import import_problem_message


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def province_name(code: str) -> str:
    unit = province_by_code(code)
    return unit.name if unit else code


def old_province_name(producer: Producer) -> str:
    """The pre-2025 province name the producer's address used, if it differs from today's."""
    current = province_name(producer.province_code)
    given = producer.province_name_given
    if given and fold(given).removeprefix("tinh ").removeprefix("thanh pho ") != fold(current):
        return given
    return ""


def card_stars(product: Product | ProductCard, today: date) -> int:
    """The stars a card shows: read with a card's row, else the for-sale rule's certificate."""
    if isinstance(product, ProductCard):
        return product.stars
    certificate = for_sale_certificate(product, today)
    return certificate.stars if certificate else 0


def origin_code(product: Product) -> str:
    """The product's origin code (the QR stamp's), for links to its origin page."""
    return product.origin_code or ""


def story_html(text: str) -> Markup:
    return Markup(render_story(text))  # noqa: S704 - render_story sanitises with nh3


def init_template_globals(app: Flask) -> None:
    helpers = (has_endpoint, province_name, old_province_name, story_html, origin_code, card_stars)
    rules = (for_sale_certificate, import_problem_message)
    labels = (group_label, producer_kind_label, issuer_level_label, certificate_state_label)
    labels += (order_status_label, payment_method_label)
    app.jinja_env.globals.update({f.__name__: f for f in (*helpers, *rules, *labels)})
    app.jinja_env.globals.update(
        cart_item_count=current_cart_count,
        unit_label=unit_label,
        issuer_label=issuer_label,
        illustration_path=illustration_path,
        photo_files=photo_files,
    )
    app.jinja_env.globals.update(
        sort_labels=SORT_LABELS, ocop_stars=OCOP_STARS, max_stars=MAX_STARS
    )

    @app.context_processor
    def inject_today() -> dict:
        return {"today": today_in_vietnam()}
