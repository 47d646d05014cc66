"""Catalog pages and JSON API through the Flask test client."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.clock import today_in_vietnam
from core.money import format_vnd


def _not_for_sale_products(make_product, make_producer):
    today = today_in_vietnam()
    return {
        "expired": make_product(
            name="Mắm hết hạn",
            certificate={
                "issued_on": today - timedelta(days=1100),
                "expires_on": today - timedelta(days=1),
            },
        ),
        "pending": make_product(name="Mắm chờ duyệt", certificate={"status": "pending"}),
        "revoked": make_product(name="Mắm bị thu hồi", certificate={"status": "revoked"}),
        "two_stars": make_product(name="Mắm hai sao", certificate={"stars": 2}),
        "inactive": make_product(name="Mắm ngừng bán", producer=make_producer(is_active=False)),
        "none": make_product(name="Mắm chưa chứng nhận", certificate=None),
    }


def test_home_lists_featured_for_sale_products(client, make_product):
    make_product(name="Nước mắm Phú Quốc", certificate={"stars": 5})
    page = client.get("/").get_data(as_text=True)
    assert "Nước mắm Phú Quốc" in page
    assert "Vĩnh Long" in page  # browse by province


def test_no_page_or_api_shows_products_that_are_not_for_sale(client, make_product, make_producer):
    hidden = _not_for_sale_products(make_product, make_producer)
    make_product(name="Mắm bán được")
    for url in ["/", "/products", "/products?stars=4", "/provinces/vinh-long", "/api/products"]:
        body = client.get(url).get_data(as_text=True)
        assert "Mắm bán được" in body or "M\\u1eafm b\\u00e1n" in body, url
        for product in hidden.values():
            assert product.name not in body, (url, product.name)
    assert client.get("/api/products").json["total"] == 1


@pytest.mark.parametrize("kind", ["expired", "pending", "revoked", "two_stars", "inactive", "none"])
def test_product_page_of_a_product_not_for_sale_says_so_without_buy_button(
    client, make_product, make_producer, kind
):
    product = _not_for_sale_products(make_product, make_producer)[kind]
    response = client.get(f"/products/{product.slug}", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not on sale" in body
    assert 'class="price"' not in body
    assert "add-to-cart" not in body
    api = client.get(f"/api/products/{product.sku}").json
    assert api["for_sale"] is False


def test_product_page_shows_price_stars_certificate_story_and_producer(
    client, make_product, make_producer
):
    producer = make_producer(
        name="HTX Kẹo dừa Mỏ Cày", province_code="86", province_name_given="Bến Tre"
    )
    product = make_product(
        name="Kẹo dừa sữa",
        price_vnd=125000,
        producer=producer,
        story="Kẹo được nấu từ **nước cốt dừa** tươi.<script>alert(1)</script>",
        certificate={
            "stars": 4,
            "certificate_no": "12/GCN-UBND",
            "issued_on": date(2025, 1, 10),
            "expires_on": date(2028, 1, 9),
        },
    )
    body = client.get(f"/products/{product.slug}", headers={"Accept-Language": "vi"}).get_data(
        as_text=True
    )
    assert format_vnd(125000, "vi") in body  # 125.000 ₫ with a no-break space
    assert "125.000\xa0₫" in body
    assert "12/GCN-UBND" in body
    assert "★★★★<" in body
    assert "10 thg 1, 2025" in body and "9 thg 1, 2028" in body
    assert "<strong>nước cốt dừa</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "HTX Kẹo dừa Mỏ Cày" in body
    assert "Vĩnh Long" in body and "Bến Tre" in body  # current province and the old name


def test_english_product_page_formats_price_and_dates_for_english(client, make_product):
    product = make_product(
        name="Kẹo dừa",
        name_en="Coconut candy",
        price_vnd=125000,
        certificate={"issued_on": date(2025, 1, 10), "expires_on": date(2028, 1, 9)},
    )
    body = client.get(f"/products/{product.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "₫125,000" in body
    assert "Jan 9, 2028" in body
    assert "<h1>Coconut candy</h1>" in body


def test_english_falls_back_to_vietnamese_name_and_story(client, make_product):
    product = make_product(name="Mắm tép", name_en="", story="Câu chuyện tiếng Việt.", story_en="")
    body = client.get(f"/products/{product.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "<h1>Mắm tép</h1>" in body
    assert "Câu chuyện tiếng Việt." in body


def test_language_switch_is_remembered_and_refuses_foreign_redirects(client):
    response = client.get("/lang/en?next=/products")
    assert response.status_code == 302 and response.headers["Location"] == "/products"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert client.get("/lang/vi?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/vi?next=//evil.example/").headers["Location"] == "/"
    assert '<html lang="vi">' in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_accept_language_is_the_first_guess(client):
    assert '<html lang="en">' in client.get(
        "/", headers={"Accept-Language": "en-US,en;q=0.9"}
    ).get_data(as_text=True)
    assert '<html lang="vi">' in client.get("/", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )


def test_filters_by_province_group_stars_and_price(client, make_product, make_producer):
    hanoi = make_producer(province_code="01", province_name_given="Hà Nội")
    make_product(
        name="Trà sen Tây Hồ",
        group="do_uong",
        price_vnd=300000,
        producer=hanoi,
        certificate={"stars": 5},
    )
    make_product(name="Kẹo dừa", group="thuc_pham", price_vnd=40000, certificate={"stars": 3})
    make_product(
        name="Bình gốm", group="thu_cong_my_nghe", price_vnd=900000, certificate={"stars": 4}
    )

    def names(query: str) -> list[str]:
        return sorted(item["name"] for item in client.get("/api/products?" + query).json["results"])

    assert names("province=ha-noi") == ["Trà sen Tây Hồ"]
    assert names("group=thu_cong_my_nghe") == ["Bình gốm"]
    assert names("stars=3") == ["Kẹo dừa"]
    assert names("min_price=50000&max_price=500000") == ["Trà sen Tây Hồ"]
    body = client.get("/products?stars=5").get_data(as_text=True)
    assert "Trà sen Tây Hồ" in body and "Kẹo dừa" not in body
    body = client.get("/provinces/ha-noi").get_data(as_text=True)
    assert "Trà sen Tây Hồ" in body and "Bình gốm" not in body


def test_listing_paginates(app, client, make_product):
    app.config["PER_PAGE"] = 2
    for n in range(5):
        make_product(name=f"Sản phẩm {n}")
    data = client.get("/api/products?page=3").json
    assert (data["total"], data["pages"], len(data["results"])) == (5, 3, 1)
    body = client.get("/products?page=2", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page 2 of 3" in body


def test_producer_page_lists_only_its_products_for_sale(client, make_product, make_producer):
    producer = make_producer(name="HTX Chè Tân Cương")
    make_product(name="Chè búp", producer=producer)
    make_product(name="Chè hết hạn", producer=producer, certificate={"status": "revoked"})
    make_product(name="Sản phẩm khác")
    body = client.get(f"/producers/{producer.slug}").get_data(as_text=True)
    assert "HTX Chè Tân Cương" in body and "Chè búp" in body
    assert "Chè hết hạn" not in body and "Sản phẩm khác" not in body


def test_api_product_shape(client, make_product):
    product = make_product(
        sku="OCOP-1",
        name="Kẹo dừa",
        name_en="Coconut candy",
        price_vnd=45000,
        stock=7,
        certificate={
            "stars": 4,
            "certificate_no": "9/GCN",
            "issued_on": date(2025, 1, 10),
            "expires_on": date(2028, 1, 9),
        },
    )
    data = client.get("/api/products/ocop-1").json
    assert data["sku"] == "OCOP-1"
    assert (data["name"], data["name_en"], data["stars"], data["province"]) == (
        "Kẹo dừa",
        "Coconut candy",
        4,
        "Vĩnh Long",
    )
    assert (data["price_vnd"], data["stock"], data["for_sale"]) == (45000, 7, True)
    assert data["url"] == f"https://ocop.test/products/{product.slug}"
    assert data["certificate"]["certificate_no"] == "9/GCN"
    assert data["certificate"]["expires_on"] == "2028-01-09"
    assert client.get("/api/products/NOPE").status_code == 404
    assert client.get("/api/products/NOPE").json == {"error": "not_found"}


def test_absolute_urls_ignore_the_host_header(client, make_product):
    product = make_product(sku="OCOP-2")
    data = client.get("/api/products/OCOP-2", headers={"Host": "evil.example"}).json
    assert data["url"] == f"https://ocop.test/products/{product.slug}"


def test_404_page_is_friendly_and_in_the_users_language(client):
    response = client.get("/products/khong-co", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
    response = client.get("/products/khong-co", headers={"Accept-Language": "en"})
    assert "Page not found" in response.get_data(as_text=True)


def test_500_page_is_friendly(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom", headers={"Accept-Language": "vi"})
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.get_data(as_text=True)


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_cached_listing_never_shows_a_stale_catalog(client, make_product):
    product = make_product(name="Mật ong bạc hà", price_vnd=250000)
    assert "250.000" in client.get("/products").get_data(as_text=True)
    assert "250.000" in client.get("/").get_data(as_text=True)
    product.price_vnd = 260000
    from core.db import db

    db.session.commit()
    assert "260.000" in client.get("/products").get_data(as_text=True)
    assert "260.000" in client.get("/").get_data(as_text=True)
    product.certificates[0].status = "revoked"
    db.session.commit()
    assert "Mật ong bạc hà" not in client.get("/products").get_data(as_text=True)
    assert "Mật ong bạc hà" not in client.get("/").get_data(as_text=True)


def test_cached_listing_follows_the_date_at_vietnam_midnight(client, make_product, set_now):
    from datetime import datetime

    from core.clock import VN_TZ

    make_product(
        name="Chè Tân Cương",
        certificate={"issued_on": date(2025, 1, 10), "expires_on": date(2028, 1, 9)},
    )
    set_now(datetime(2028, 1, 9, 23, 59, tzinfo=VN_TZ))
    assert "Chè Tân Cương" in client.get("/products").get_data(as_text=True)
    set_now(datetime(2028, 1, 10, 0, 0, tzinfo=VN_TZ))
    assert "Chè Tân Cương" not in client.get("/products").get_data(as_text=True)
    assert client.get("/api/products").json["total"] == 0


def test_product_page_shows_stock_taken_by_a_checkout(
    client, make_product, make_cart, checkout_details, basic_providers
):
    """The stock reservation is a raw UPDATE; it must still invalidate the cached product page."""
    import secrets

    from core import clock
    from orders.checkout import place_order

    product = make_product(stock=7)
    client.get("/lang/en")
    assert "In stock: 7" in client.get(f"/products/{product.slug}").get_data(as_text=True)
    place_order(
        make_cart((product, 2)),
        checkout_details(),
        secrets.token_urlsafe(16),
        now=clock.utcnow(),
        providers=basic_providers,
    )
    assert "In stock: 5" in client.get(f"/products/{product.slug}").get_data(as_text=True)


def test_a_product_page_whose_text_holds_the_part_separator_renders_whole(client, make_product):
    # The view renders head, top and bottom in one go and splits them on an HTML comment.
    text = "Mè xửng <!--ocop-product-part--> Huế"
    product = make_product(name=text, name_en=text, story=f"Câu chuyện {text}.")
    response = client.get(f"/products/{product.slug}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mè xửng &lt;!--ocop-product-part--&gt; Huế</h1>" in body
    assert "Câu chuyện" in body and 'class="add-to-cart"' in body
