"""Kiosk screens through the Flask client: what a visitor sees and can do, in every language;
products off sale vanish on the next screen; nothing inline (CSP) and no way out of /kiosk/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import db
from orders.kiosk.models import KioskPickup, LanguageCount
from orders.kiosk.points import shelf_quantities


@pytest.fixture
def shelf(make_product, make_point):
    five = make_product(
        name="Nước mắm Phú Quốc",
        name_en="Phu Quoc fish sauce",
        certificate={"stars": 5},
        origin_code="ABCD2345",
    )
    four = make_product(name="Kẹo dừa Bến Tre", name_en="", group="thuc_pham")
    elsewhere = make_product(name="Trà Shan tuyết", name_en="Shan Tuyet tea")
    point = make_point("HN1", (five, 5), (four, 2), name="Điểm OCOP Hồ Gươm")
    return point, five, four, elsewhere


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_attract_home_browse_product_in_every_language(client, shelf):
    point, five, four, elsewhere = shelf
    attract = _text(client.get("/kiosk/HN1/vi/attract"))
    assert "Nước mắm Phú Quốc" in attract and "Kẹo dừa" not in attract  # 5★ only
    for lang, name in (
        ("vi", "Nước mắm Phú Quốc"),
        ("en", "Phu Quoc fish sauce"),
        ("ko", "Phu Quoc fish sauce"),
        ("zh_Hans", "Phu Quoc fish sauce"),
    ):
        home = _text(client.get(f"/kiosk/HN1/{lang}/"))
        assert name in home
        assert "Trà Shan tuyết" not in home and "Shan Tuyet" not in home  # not stocked here
        page = _text(client.get(f"/kiosk/HN1/{lang}/p/{five.slug}"))
        assert name in page
        assert "<svg" in page and "k-qr" in page  # origin QR to scan
        assert "★★★★★" in page
    korean = _text(client.get(f"/kiosk/HN1/ko/p/{five.slug}"))
    assert 'lang="en"' in korean  # the English product text is marked and explained
    assert 'class="k-note"' in korean
    assert '<html lang="ko">' in korean
    english = _text(client.get(f"/kiosk/HN1/en/p/{four.slug}"))
    assert "Kẹo dừa Bến Tre" in english and 'lang="vi"' in english  # no English name yet
    browse = _text(client.get("/kiosk/HN1/en/browse?stars=5"))
    assert "Phu Quoc fish sauce" in browse and "Kẹo dừa" not in browse
    assert client.get("/kiosk/HN1/fr/").status_code == 404
    assert client.get("/kiosk/NOPE/vi/").status_code == 404


def test_basket_to_pickup_number_takes_shelf_stock(client, shelf):
    point, five, four, _ = shelf
    client.post("/kiosk/HN1/en/basket/add", data={"product_id": five.id, "quantity": 1})
    client.post("/kiosk/HN1/en/basket/add", data={"product_id": five.id, "quantity": 1})
    basket = _text(client.get("/kiosk/HN1/en/basket"))
    assert "Phu Quoc fish sauce" in basket and 'class="k-qty-value">2<' in basket
    response = client.post("/kiosk/HN1/en/order")
    assert response.status_code == 302 and response.location.endswith("/kiosk/HN1/en/pickup")
    pickup = _text(client.get("/kiosk/HN1/en/pickup"))
    assert 'data-pickup-number="001"' in pickup
    assert shelf_quantities(point.id)[five.id] == 3
    # A second touch on "order" with an empty basket places nothing more.
    client.post("/kiosk/HN1/en/order")
    assert len(db.session.scalars(select(KioskPickup)).all()) == 1
    # "Done" resets: the basket and the pickup are gone for the next visitor.
    done = client.get("/kiosk/HN1/reset")
    assert done.location.endswith("/kiosk/HN1/vi/attract")
    assert client.get("/kiosk/HN1/en/pickup").status_code == 302
    assert "k-empty" in _text(client.get("/kiosk/HN1/en/basket"))


def test_reset_empties_the_basket_and_starts_in_the_default_language(client, shelf):
    point, five, *_ = shelf
    client.post("/kiosk/HN1/ko/basket/add", data={"product_id": five.id})
    assert "Nước mắm" in _text(client.get("/kiosk/HN1/vi/basket"))
    client.get("/kiosk/HN1/reset")
    assert "Nước mắm" not in _text(client.get("/kiosk/HN1/vi/basket"))
    start = client.get("/kiosk/HN1/reset?to=en")
    assert start.location.endswith("/kiosk/HN1/en/")


def test_product_going_off_sale_disappears_on_the_next_screen(client, shelf):
    point, five, *_ = shelf
    assert five.name in _text(client.get("/kiosk/HN1/vi/"))
    certificate = five.certificates[0]
    certificate.status = "revoked"
    certificate.revoked_on = clock.today_in_vietnam()
    db.session.commit()
    assert five.name not in _text(client.get("/kiosk/HN1/vi/"))
    assert five.name not in _text(client.get("/kiosk/HN1/vi/attract"))
    gone = client.get(f"/kiosk/HN1/vi/p/{five.slug}")
    assert gone.status_code == 302 and "gone=1" in gone.location
    refused = client.post("/kiosk/HN1/vi/basket/add", data={"product_id": five.id})
    assert "problem=product_not_for_sale" in refused.location


def test_expired_certificate_takes_the_product_off_the_kiosk(client, make_product, make_point):
    today = clock.today_in_vietnam()
    lapsed = make_product(
        name="Mật ong bạc hà", certificate={"expires_on": today - timedelta(days=1)}
    )
    make_point("HN1", (lapsed, 4))
    assert "Mật ong" not in _text(client.get("/kiosk/HN1/vi/browse"))


def test_language_switch_links_on_every_screen_and_counts(client, shelf):
    point, five, *_ = shelf
    client.post("/kiosk/HN1/vi/basket/add", data={"product_id": five.id})
    client.post("/kiosk/HN1/vi/order")
    screens = [
        "attract",
        "",
        "browse?group=thuc_pham",
        "search?q=mam",
        f"p/{five.slug}",
        "basket",
        "pickup",
        "offline",
    ]
    for screen in screens:
        body = _text(client.get(f"/kiosk/HN1/vi/{screen}"))
        path = screen.split("?")[0]
        for lang in ("en", "ko", "zh_Hans"):
            assert re.search(rf'href="/kiosk/HN1/{lang}/{re.escape(path)}[^"]*chose=1"', body), (
                screen,
                lang,
            )
    client.get("/kiosk/HN1/ko/?chose=1")
    client.get("/kiosk/HN1/ko/browse?chose=1")
    counts = {row.locale: row.choices for row in db.session.scalars(select(LanguageCount))}
    assert counts == {"ko": 2}


def test_screens_have_nothing_inline_and_no_way_out(client, shelf):
    point, five, *_ = shelf
    five.story_en = "Made in [our village](https://example.com/village) since 1950."
    db.session.commit()
    assert "our village" in _text(client.get(f"/kiosk/HN1/en/p/{five.slug}"))
    client.post("/kiosk/HN1/en/basket/add", data={"product_id": five.id})
    for screen in ("attract", "", "browse", "search?q=x", f"p/{five.slug}", "basket", "offline"):
        body = _text(client.get(f"/kiosk/HN1/en/{screen}"))
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), screen
        assert not re.search(r"\sstyle=", body), screen
        assert not re.search(r"\son[a-z]+=", body), screen
        for href in re.findall(r'href="([^"]+)"', body):
            assert href.startswith(("/kiosk/", "/static/", "/media/")), (screen, href)
        assert "download" not in re.findall(r"<a\b[^>]*>", body).__str__()


def test_kiosk_search_finds_shelf_products_only(client, app, shelf):
    from search.indexer import rebuild_index

    rebuild_index(app.config["SEARCH_INDEX_DIR"])
    found = _text(client.get("/kiosk/HN1/en/search?q=nuoc+mam"))
    assert "Phu Quoc fish sauce" in found
    tea = _text(client.get("/kiosk/HN1/en/search?q=tra+shan"))
    assert "Shan Tuyet" not in tea  # in the catalog, not on this shelf


def test_service_worker_is_served_for_the_kiosk_scope(client):
    response = client.get("/kiosk/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "caches" in response.get_data(as_text=True)


def test_kiosk_interface_speaks_korean_and_chinese(client, shelf):
    korean = _text(client.get("/kiosk/HN1/ko/"))
    assert "OCOP 상품 둘러보기" in korean and "장바구니" in korean
    chinese = _text(client.get("/kiosk/HN1/zh_Hans/"))
    assert "探索 OCOP 商品" in chinese and '<html lang="zh-Hans">' in chinese
    assert "Khám phá sản phẩm OCOP" in _text(client.get("/kiosk/HN1/vi/"))


def test_origin_qr_encodes_the_public_origin_page(client, shelf):
    from storefront.common.qr import qr_matrix, qr_svg_path

    point, five, *_ = shelf
    page = _text(client.get(f"/kiosk/HN1/en/p/{five.slug}"))
    # PUBLIC_BASE_URL (never the Host header) + /o/<code>: the visitor's phone opens the origin
    # page, whose buy link leads to the online shop.
    assert qr_svg_path(qr_matrix("https://ocop.test/o/ABCD2345")) in page
