"""Listing and product pages run a constant number of SQL statements, whatever the catalog size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Table, func, select

from catalog.models import Certificate, Producer, Product
from core.clock import today_in_vietnam
from core.db import db
from storefront.common.search_service import product_search

# The rows _build_catalog(count) wrote, kept for the run: building 2,000 products through the ORM
# took most of each case; the later cases insert the very same rows in bulk.
_CATALOG_TABLES = (Producer.__table__, Product.__table__, Certificate.__table__)
_BUILT: dict[int, list[tuple[Table, list[dict]]]] = {}


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _bulk_catalog(count: int) -> Product:
    if count not in _BUILT:
        before = _row_counts()
        _build_catalog(count)
        after = _row_counts()
        written = {name for name in after if after[name] != before[name]}
        # Only the tables the test empties before each size, or a replay would not be the same.
        assert written <= {table.name for table in _CATALOG_TABLES}, written
        _BUILT[count] = [
            (table, [dict(row._mapping) for row in db.session.execute(table.select())])
            for table in _CATALOG_TABLES
        ]
    else:
        for table, rows in _BUILT[count]:
            db.session.execute(table.insert(), rows)
        db.session.commit()
    return db.session.scalars(select(Product).order_by(Product.id)).first()


def _build_catalog(count: int) -> Product:
    today = today_in_vietnam()
    producers = [
        Producer(
            name=f"HTX {n}",
            slug=f"htx-{n}",
            kind="cooperative",
            province_code=code,
            province_name_given="",
        )
        for n, code in enumerate(["01", "86", "91", "79", "46"])
    ]
    db.session.add_all(producers)
    db.session.flush()
    products = []
    for n in range(count):
        product = Product(
            sku=f"BULK-{n:05d}",
            slug=f"bulk-{n}",
            name=f"Sản phẩm {n}",
            group="thuc_pham",
            price_vnd=10000 + n,
            stock=5,
            producer_id=producers[n % 5].id,
        )
        product.certificates.append(
            Certificate(
                stars=3 + n % 3,
                issued_on=today - timedelta(days=10),
                expires_on=today + timedelta(days=900),
                status="verified",
                certificate_no=f"{n}/GCN",
            )
        )
        products.append(product)
    db.session.add_all(products)
    db.session.commit()
    return products[0]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products",
        "/products?stars=5&sort=price_desc",
        "/products?page=2",
        "/provinces/ha-noi",
        "/api/products",
        "PRODUCT",
        "API_PRODUCT",
    ],
)
def test_pages_run_constant_sql_for_20_and_2000_products(app, client, count_queries, url):
    app.config["PER_PAGE"] = 6
    counts = []
    for size in (20, 2000):
        db.session.execute(Certificate.__table__.delete())
        db.session.execute(Product.__table__.delete())
        db.session.execute(Producer.__table__.delete())
        db.session.commit()
        first = _bulk_catalog(size)
        target = {
            "PRODUCT": f"/products/{first.slug}",
            "API_PRODUCT": f"/api/products/{first.sku}",
        }.get(url, url)
        # The process keeps its for-sale snapshot current (search/snapshot_keeper.py): loaded
        # once, then patched per change. Bring it up to date first, as an earlier request would
        # have, so both sizes are measured in the same state.
        product_search().snapshot(today_in_vietnam())
        with count_queries() as statements:
            assert client.get(target).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8, counts


@pytest.mark.parametrize(
    "page", ["/products/{slug}", "/api/products/{sku}", "/o/{code}", "/o/{code}.json"]
)
def test_a_product_page_asks_the_for_sale_rule_once(
    client, monkeypatch, make_product, make_certificate, page
):
    """Each certificate is checked against the rule once per page: not once for the badge, again
    for the 'for sale' flag and again for the state shown."""
    import catalog.for_sale as for_sale

    product = make_product()  # a valid 4★ certificate
    make_certificate(product, stars=5, status="revoked")  # and a revoked one
    checked = []
    real = for_sale._certificate_valid

    def counting(cert, on):
        checked.append(cert.id)
        return real(cert, on)

    monkeypatch.setattr(for_sale, "_certificate_valid", counting)
    url = page.format(slug=product.slug, sku=product.sku, code=product.origin_code)
    assert client.get(url).status_code == 200
    if page.startswith("/o/") and page.endswith(".json"):
        # The passport also lists every certificate with its own state: once more each.
        assert sorted(checked) == sorted(2 * [c.id for c in product.certificates])
    else:
        assert sorted(checked) == sorted(c.id for c in product.certificates)


def test_listing_cards_are_reused_across_pages_and_fresh_after_an_edit(
    client, count_queries, make_producer, make_product
):
    # A card depends on its product, the locale, the day and the catalog: once rendered for
    # /products, the province page showing the same products loads none of them again.
    producer = make_producer()
    products = [make_product(producer=producer, name=f"Mắm cá linh {n}") for n in range(3)]
    province_page = client.get("/products").get_data(as_text=True)
    assert all(p.name in province_page for p in products)
    assert "Mắm cá linh" in client.get("/").get_data(as_text=True)  # home shares the cards
    from catalog.admin_units import province_by_code

    slug = province_by_code(producer.province_code).slug
    with count_queries() as statements:
        body = client.get(f"/provinces/{slug}").get_data(as_text=True)
    assert all(p.name in body for p in products)
    product_loads = [s for s in statements if s.lstrip().startswith("SELECT product.id")]
    assert product_loads == [], statements

    products[0].name = "Mắm cá linh Đồng Tháp mới"
    db.session.commit()
    for path in ("/products", f"/provinces/{slug}"):
        assert "Mắm cá linh Đồng Tháp mới" in client.get(path).get_data(as_text=True), path
