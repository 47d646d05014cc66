"""Navigation and feedback (issue 13): cart count, account/seller/staff links, pages past the end,
every capped or rejected cart change explained, OCOP labels on cards, featured products in stock."""

from __future__ import annotations

import re

EN = {"Accept-Language": "en"}


def _flashes(body: str) -> list[str]:
    return re.findall(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', body)


def test_header_counts_the_items_in_the_cart(client, make_product):
    product = make_product(stock=20)
    assert "data-cart-count>0<" in client.get("/", headers=EN).get_data(as_text=True)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 3})
    body = client.get("/", headers=EN).get_data(as_text=True)
    assert "data-cart-count>3<" in body
    assert 'aria-label="Cart, 3 items"' in body


def test_navigation_links_for_guests_buyers_producers_and_staff(
    client, login_as, make_user, make_producer
):
    guest = client.get("/").get_data(as_text=True)
    assert "Bán hàng cùng chúng tôi" in guest  # header and footer: the producer application
    assert guest.count('href="/producer/apply"') == 2
    assert "Quản trị" not in guest
    login_as(make_user())
    buyer = client.get("/").get_data(as_text=True)
    assert 'href="/account/orders"' in buyer and "Đơn hàng của tôi" in buyer
    login_as(make_user(role="admin"))
    staff = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' in staff and "Quản trị" in staff
    login_as(make_user(role="producer", producer=make_producer()))
    producer = client.get("/").get_data(as_text=True)
    assert 'href="/producer/"' in producer


def test_pages_past_the_end_are_not_found(app, client, make_product):
    app.config["PER_PAGE"] = 2
    for _ in range(3):
        make_product()
    assert client.get("/products?page=2").status_code == 200
    assert client.get("/products?page=3").status_code == 404
    assert client.get("/provinces/vinh-long?page=9").status_code == 404


def test_cards_label_the_ocop_rating_and_home_features_only_products_in_stock(client, make_product):
    make_product(name="Mật ong còn hàng", certificate={"stars": 5})
    make_product(name="Mật ong hết hàng", certificate={"stars": 5}, stock=0)
    body = client.get("/").get_data(as_text=True)
    assert "OCOP 5★" in body
    assert "Mật ong còn hàng" in body
    assert "Mật ong hết hàng" not in body


def test_adding_beyond_99_says_the_cart_holds_99(client, make_product):
    product = make_product(stock=500)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 95}, follow_redirects=True)
    response = client.post(
        "/cart/add",
        data={"product_id": product.id, "quantity": 10},
        headers=EN,
        follow_redirects=True,
    )
    assert _flashes(response.get_data(as_text=True)) == [
        "At most 99 of one product per order: your cart now holds 99."
    ]


def test_adding_more_than_the_stock_says_how_many_are_left(client, make_product):
    product = make_product(stock=4)
    response = client.post(
        "/cart/add",
        data={"product_id": product.id, "quantity": 9},
        headers=EN,
        follow_redirects=True,
    )
    assert _flashes(response.get_data(as_text=True)) == [
        "Only 4 left: your cart holds all of them."
    ]


def test_every_rejected_or_capped_quantity_change_says_what_happened(client, make_product):
    product = make_product(stock=7)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1}, follow_redirects=True)

    def update(quantity: str) -> list[str]:
        response = client.post(
            "/cart/update",
            data={"product_id": product.id, "quantity": quantity},
            headers=EN,
            follow_redirects=True,
        )
        return _flashes(response.get_data(as_text=True))

    assert update("abc") == ["Please choose a quantity between 0 and 99. Nothing was changed."]
    assert update("150") == ["Please choose a quantity between 0 and 99. Nothing was changed."]
    assert update("12") == ["Only 7 left: your cart holds all of them."]
    assert update("3") == ["Cart updated."]
    assert update("0") == ["Removed from your cart."]
    assert update("2") == ["This product is no longer in your cart."]


def test_checkout_carries_the_cart_province_and_shows_the_grand_total(client, make_product):
    product = make_product(price_vnd=150_000)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 2})
    client.get("/cart?ship_to=01")
    page = client.get("/checkout", headers=EN).get_data(as_text=True)
    assert re.search(r'<option selected value="01">|<option value="01" selected', page)
    quote = client.get("/checkout/shipping/01.json", headers=EN).json
    assert quote["total"] in page  # the grand total, before "Place order"
    assert page.index(quote["total"]) < page.index('value="Place order"')
    fee = quote["groups"][0]["shipping"]
    assert f'data-shipping-for="{product.producer_id}">{fee}<' in page
    assert client.get("/checkout/shipping/99.json").status_code == 404
