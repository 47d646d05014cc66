""" "Add to cart" from an anonymous product page carries no CSRF token (so the page needs no
session cookie and can be shared); the cart trusts the form only when the browser says it was
sent by this shop (storefront/common/same_origin.py)."""

from __future__ import annotations

import pytest

from orders.models import CartLine

SHOP = "https://ocop.test"  # PUBLIC_BASE_URL of the test configuration


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def _items() -> int:
    from core.db import db

    return db.session.query(CartLine).count()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": SHOP},  # a browser without Fetch Metadata: the Origin header
        {"Sec-Fetch-Site": "same-origin", "Origin": SHOP},
    ],
)
def test_a_tokenless_add_from_this_shop_is_accepted(csrf_client, make_product, headers):
    product = make_product(stock=5)
    page = csrf_client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert 'name="csrf_token"' not in page
    response = csrf_client.post(
        "/cart/add", data={"product_id": product.id, "quantity": 2}, headers=headers
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")
    assert _items() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://shop.ocop.test"},
        {"Sec-Fetch-Site": "cross-site", "Origin": SHOP},  # Fetch Metadata wins
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Host": "evil.example", "Origin": "https://evil.example"},  # Host is never trusted
        {},  # neither header: an old browser or a script
    ],
)
def test_a_tokenless_add_from_anywhere_else_is_refused(csrf_client, make_product, headers):
    product = make_product(stock=5)
    response = csrf_client.post(
        "/cart/add", data={"product_id": product.id, "quantity": 1}, headers=headers
    )
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert _items() == 0


def test_after_a_refusal_the_reloaded_page_carries_a_token_that_works(csrf_client, make_product):
    product = make_product(stock=5)
    assert csrf_client.post("/cart/add", data={"product_id": product.id}).status_code == 400
    page = csrf_client.get(f"/products/{product.slug}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = csrf_client.post(
        "/cart/add", data={"product_id": product.id, "quantity": 1, "csrf_token": token}
    )
    assert response.status_code == 302 and _items() == 1


def test_a_posted_token_is_checked_even_from_this_shop(csrf_client, make_product):
    product = make_product(stock=5)
    response = csrf_client.post(
        "/cart/add",
        data={"product_id": product.id, "quantity": 1, "csrf_token": "forged"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 400 and _items() == 0


def test_other_forms_still_require_their_token(csrf_client, make_product):
    product = make_product(stock=5)
    csrf_client.post(
        "/cart/add", data={"product_id": product.id}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    response = csrf_client.post(
        "/cart/update",
        data={"product_id": product.id, "quantity": 3},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 400
