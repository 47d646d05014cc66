"""Bad input is a 4xx, never a 500 (issue 11, defect 2), on SQLite and on PostgreSQL
(TEST_DATABASE_URL): ids beyond the database's integers, NUL characters, CR/LF in `next=`."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.portal import PASSWORD

HUGE = "99999999999999999999"  # beyond 64 bits
JUST_ABOVE_INT = str(2**31)  # beyond PostgreSQL's integer


def _urls_with_int_ids(app, value: str) -> list[tuple[str, str]]:
    """(method, url) for every route with an `<int:...>` part, `value` in each such part."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:[^>]+>", value, rule.rule)
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "x", path)  # any other part: a plain word
        method = "GET" if "GET" in rule.methods else "POST"
        urls.append((method, path))
    return urls


@pytest.mark.parametrize("value", [HUGE, JUST_ABOVE_INT, "²"])
def test_ids_beyond_the_database_range_in_portal_and_admin_urls_are_404(
    app, client, login_as, portal_world, value
):
    urls = _urls_with_int_ids(app, value)
    assert any(path.startswith("/admin/") for _, path in urls)
    assert any(path.startswith("/producer/") for _, path in urls)
    for user in (portal_world["admin"], portal_world["owner_a"]):
        login_as(user)
        for method, path in urls:
            response = client.open(path, method=method, data={"reason": "x"})
            assert response.status_code in (302, 400, 403, 404, 405), (method, path)


def test_cart_add_with_an_id_beyond_the_database_range_is_refused_politely(client, make_product):
    make_product()
    for product_id in (HUGE, JUST_ABOVE_INT, "²", "-1"):
        response = client.post("/cart/add", data={"product_id": product_id, "quantity": "1"})
        assert response.status_code == 302, product_id
    for quantity in (HUGE, "²"):
        response = client.post("/cart/add", data={"product_id": "1", "quantity": quantity})
        assert response.status_code == 302, quantity


def test_listing_page_numbers_beyond_range_are_ignored(client, make_product):
    product = make_product()
    for url in (
        f"/products?page={HUGE}",
        f"/products?min_price={HUGE}0000",
        "/products?page=²",
        f"/producers/{product.producer.slug}?page={HUGE}",
    ):
        assert client.get(url).status_code == 200, url


def test_nul_characters_are_a_400_never_a_500(client, make_user):
    make_user(email="an@example.vn")
    cases = [
        ("POST", "/account/login", {"email": "an\x00@example.vn", "password": PASSWORD}),
        (
            "POST",
            "/account/register",
            {
                "name": "An\x00",
                "email": "new@example.vn",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        ),  # fmt: skip
        ("POST", "/orders/lookup", {"number": "OC\x00123", "phone": "0912345678"}),
        ("GET", "/search?q=m%E1%BA%AFm%00", None),
        ("GET", "/products?province=%00", None),
    ]
    for method, url, data in cases:
        response = client.open(url, method=method, data=data, headers={"Accept-Language": "en"})
        assert response.status_code == 400, url
        assert "could not be understood" in response.get_data(as_text=True), url
    api = client.get("/api/products/%00")
    assert api.status_code == 400
    assert api.json == {"error": "bad_request"}


def test_cr_lf_in_next_never_reaches_the_location_header(client, make_user):
    make_user(email="an@example.vn")
    for evil in ("/%0d%0aSet-Cookie:%20x=1", "/cart%0aX-Evil:%201", "/%09/evil.example"):
        response = client.get(f"/lang/en?next={evil}")
        assert response.status_code == 302, evil
        assert response.headers["Location"] == "/", evil
        response = client.post(
            f"/account/login?next={evil}", data={"email": "an@example.vn", "password": PASSWORD}
        )
        assert response.status_code == 302, evil
        assert response.headers["Location"] == "/", evil
        assert "Set-Cookie: x" not in str(response.headers)
