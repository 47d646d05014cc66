"""HTTP caching of catalog pages: validators from the change marker, 304 on revalidation, nothing
stale after a change, nothing shared that belongs to one visitor."""

from __future__ import annotations

from core.db import db


def _revalidate(client, url: str, etag: str, **headers):
    return client.get(url, headers={"If-None-Match": etag, **headers})


def test_an_anonymous_listing_carries_validators_and_is_answered_304(client, make_product):
    make_product(name="Mật ong bạc hà")
    first = client.get("/products")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert {"Cookie", "Accept-Language"} <= set(first.vary)
    again = _revalidate(client, "/products", first.headers["ETag"])
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_304_runs_one_statement_and_no_view(client, make_product, count_queries):
    make_product()
    etag = client.get("/products").headers["ETag"]
    with count_queries() as statements:
        assert _revalidate(client, "/products", etag).status_code == 304
    assert len(statements) == 1  # the change marker


def test_an_edited_product_is_fresh_on_the_next_request(client, make_product):
    product = make_product(name="Trà shan tuyết", price_vnd=120000, stock=0)
    url = f"/products/{product.slug}"  # out of stock: no cart form, so the page is shareable
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "120.000" in first.get_data(as_text=True)
    listing = client.get("/products?sort=price_asc")
    product.price_vnd = 99000
    db.session.commit()
    fresh = _revalidate(client, url, first.headers["ETag"])
    assert fresh.status_code == 200
    assert "99.000" in fresh.get_data(as_text=True)
    assert fresh.headers["ETag"] != first.headers["ETag"]
    assert (
        _revalidate(client, "/products?sort=price_asc", listing.headers["ETag"]).status_code == 200
    )


def test_a_revoked_certificate_changes_the_listing_validator(client, make_product):
    product = make_product(name="Nước mắm cá cơm")
    first = client.get("/products")
    assert "Nước mắm cá cơm" in first.get_data(as_text=True)
    product.certificates[0].status = "revoked"
    db.session.commit()
    fresh = _revalidate(client, "/products", first.headers["ETag"])
    assert fresh.status_code == 200
    assert "Nước mắm cá cơm" not in fresh.get_data(as_text=True)


def test_the_validator_differs_by_locale(client, make_product):
    make_product()
    vi = client.get("/products", headers={"Accept-Language": "vi"})
    en = client.get("/products", headers={"Accept-Language": "en"})
    assert vi.headers["ETag"] != en.headers["ETag"]
    assert (
        _revalidate(
            client, "/products", vi.headers["ETag"], **{"Accept-Language": "en"}
        ).status_code
        == 200
    )


def test_a_cart_form_for_a_visitor_without_a_session_is_shared_with_one_it_is_not(
    client, make_product
):
    product = make_product(stock=5)  # for sale and in stock: the page has "add to cart"
    response = client.get(f"/products/{product.slug}")
    body = response.get_data(as_text=True)
    # No session yet: no token, no cookie (the cart checks the form's origin instead).
    assert 'class="add-to-cart"' in body and 'name="csrf_token"' not in body
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, no-cache" and "ETag" in response.headers
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    client.get("/cart")  # its forms give this visitor a session and a token
    response = client.get(f"/products/{product.slug}")
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    # Later pages without a form are shareable again (the token is per request).
    assert client.get("/products").headers["Cache-Control"] == "public, no-cache"


def test_nothing_is_shared_with_a_signed_in_user(client, make_product, make_user, login_as):
    make_product(stock=0)
    login_as(make_user())
    response = client.get("/products")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    anonymous_etag = "x"
    assert _revalidate(client, "/products", anonymous_etag).status_code == 200
    assert client.get("/cart").headers["Cache-Control"] == "private, no-store"


def test_an_origin_page_revalidated_is_still_counted(client, make_product):
    from catalog.origin.traceability import scans_by_day

    product = make_product()
    url = f"/o/{product.origin_code}"
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = _revalidate(client, url, first.headers["ETag"])
    assert again.status_code == 304
    assert sum(scans_by_day([product.origin_code]).values()) == 2


def test_the_readers_marker_is_the_writers_marker_and_moves_with_a_change(app, make_product):
    # Read-only requests read the marker on a driver connection of their own (cheaper than
    # the ORM session); it must be the same value, types included, and see a commit at once.
    from catalog.changes import catalog_last_changed_at, catalog_last_changed_at_for_reader

    product = make_product(name="Mắm tôm chua")
    db.session.remove()
    before = catalog_last_changed_at_for_reader()
    assert before == catalog_last_changed_at()
    assert all(stamp is None or stamp.tzinfo is not None for stamp in before)
    db.session.remove()
    product = db.session.merge(product)
    product.stock += 1
    db.session.commit()
    db.session.remove()
    after = catalog_last_changed_at_for_reader()
    assert after != before
    assert after == catalog_last_changed_at()
