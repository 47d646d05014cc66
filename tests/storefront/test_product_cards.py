"""Listing cards are read as plain rows (catalog/products/cards.py) and must render exactly as
the cards of fully loaded products did, through the same for-sale rule."""

from __future__ import annotations

from datetime import timedelta

from flask import get_template_attribute
from flask_babel import force_locale

from catalog.models import ProductImage
from catalog.products.cards import for_sale_cards_in_order
from catalog.products.queries import for_sale_in_order
from core.clock import today_in_vietnam
from core.db import db


def _catalog(make_product, make_certificate):
    today = today_in_vietnam()
    plain = make_product(name="Mật ong hoa nhãn", name_en="", unit="")
    out_of_stock = make_product(name="Nước mắm cá cơm", stock=0)
    several = make_product(name="Trà shan tuyết", certificate={"stars": 3})
    make_certificate(several, stars=5, expires_on=today - timedelta(days=1))  # expired
    make_certificate(several, stars=4)  # the best valid one
    photographed = make_product(name="Kẹo dừa sáp")
    db.session.add_all(
        [
            ProductImage(product=photographed, path="p/second.jpg", alt="", position=2),
            ProductImage(product=photographed, path="p/first.jpg", alt="Kẹo <dừa>", position=1),
        ]
    )
    hidden = make_product(name="Không bán", certificate=None)
    db.session.commit()
    return [plain.id, hidden.id, out_of_stock.id, several.id, photographed.id]


def test_cards_from_rows_render_as_cards_from_loaded_products(app, make_product, make_certificate):
    ids = _catalog(make_product, make_certificate)
    today = today_in_vietnam()
    with app.test_request_context("/"):
        render_card = get_template_attribute("_macros.html", "product_card")
        rows = for_sale_cards_in_order(ids, today)
        loaded = for_sale_in_order(ids, today)
        assert [card.id for card in rows] == [product.id for product in loaded]
        assert ids[1] not in [card.id for card in rows]  # not for sale: no card
        assert [card.stars for card in rows] == [4, 4, 4, 4]
        for locale in ("vi", "en"):
            with force_locale(locale):
                for row, product in zip(rows, loaded, strict=True):
                    for eager in (False, True):
                        assert str(render_card(row, today, eager=eager)) == str(
                            render_card(product, today, eager=eager)
                        )


def test_a_listing_shows_the_first_photo_and_best_valid_stars(
    client, make_product, make_certificate
):
    _catalog(make_product, make_certificate)
    body = client.get("/products?sort=name").get_data(as_text=True)
    assert "Không bán" not in body
    assert 'alt="Kẹo &lt;dừa&gt;"' in body and "p/first" in body and "p/second" not in body
    card = body.split("Trà shan tuyết")[1].split("</article>")[0]
    assert "OCOP 4★" in card
