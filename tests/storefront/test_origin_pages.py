"""Origin pages reached by QR: decode the stamps, follow them, and read what the buyer sees."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from sqlalchemy import select

from catalog.importer import import_catalog
from catalog.models import Product, ScanCount
from catalog.origin.codes import format_origin_code
from catalog.origin.traceability import record_batch
from core.clock import today_in_vietnam, utcnow
from core.db import db
from tests.fixtures.origin import decode_qr, png_modules, svg_modules

BASE = "https://ocop.test"
EN = {"Accept-Language": "en"}
DATA = Path(__file__).resolve().parent.parent / "data"


def en_date(day: date) -> str:
    return format_date(day, format="medium", locale="en")


def page_text(response) -> str:
    """The page's visible text, tags dropped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def follow(client, url: str, **kwargs):
    assert url.startswith(BASE + "/"), url
    return client.get(url.removeprefix(BASE), **kwargs)


def scans(code: str) -> int:
    return sum(db.session.scalars(select(ScanCount.scan_count).where(ScanCount.code == code)))


@pytest.fixture
def certified(make_product, make_producer):
    producer = make_producer(
        name="HTX Kẹo dừa Mỏ Cày",
        kind="cooperative",
        province_code="86",
        province_name_given="Bến Tre",
        commune="Xã Tân Thạch",
        phone="0275 3123 456",
        registration_no="1300123456",
        address="Ấp 3, Xã Tân Thạch",
    )
    return make_product(
        producer=producer,
        name="Kẹo dừa sữa",
        name_en="Milk coconut candy",
        gtin="8930000000019",
        certificate={"stars": 4, "certificate_no": "12/GCN-UBND", "decision_no": "345/QĐ-UBND"},
    )


# --- QR images -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["product", "batch"])
def test_png_decodes_to_the_public_url_which_shows_the_certificate(
    client, certified, make_batch, kind
):
    code = certified.origin_code if kind == "product" else make_batch(certified).code
    png = client.get(f"/o/{code}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decode_qr(png.data) == [f"{BASE}/o/{code}"]

    page = follow(client, decode_qr(png.data)[0], headers=EN)
    assert page.status_code == 200
    text = page_text(page)
    assert "12/GCN-UBND" in text
    assert "★★★★" in text and "4-star OCOP product" in text
    assert "HTX Kẹo dừa Mỏ Cày" in text
    assert "Vĩnh Long (formerly Bến Tre)" in text
    assert "OCOP certificate valid until" in text


def test_svg_draws_the_same_modules_as_the_png(client, certified):
    code = certified.origin_code
    png = client.get(f"/o/{code}.png").data
    svg = client.get(f"/o/{code}.svg")
    assert svg.mimetype == "image/svg+xml"
    matrix = svg_modules(svg.get_data(as_text=True))
    assert matrix == png_modules(png)
    # Quiet zone: four light modules on every side.
    assert not any(any(row) for row in matrix[:4] + matrix[-4:])
    assert not any(any(row[:4] + row[-4:]) for row in matrix)


DEMO_CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "demo" / "ocop-demo.csv"


@pytest.mark.parametrize(
    "csv_path",
    [
        DATA / "mixed.csv",
        pytest.param(
            DEMO_CATALOG,
        ),
    ],
    ids=["mixed", "demo"],
)
def test_every_imported_product_and_batch_qr_decodes_to_its_page(client, app, csv_path):
    report = import_catalog(
        csv_path.read_text(encoding="utf-8"), actor_id=None, now=utcnow(), skip_bad=True
    )
    products = db.session.scalars(select(Product)).all()
    assert len(products) == report.created > 0
    codes = []
    for product in products:
        batch = record_batch(
            product,
            lot_no="L1",
            produced_on=date(2026, 1, 1),
            best_before_on=date(2027, 1, 1),
            quantity=10,
        )
        codes += [product.origin_code, batch.code]
    db.session.commit()
    for code in codes:
        url = f"{BASE}/o/{code}"
        png = client.get(f"/o/{code}.png").data
        assert decode_qr(png) == [url]
        assert svg_modules(client.get(f"/o/{code}.svg").get_data(as_text=True)) == png_modules(png)
        assert follow(client, url).status_code == 200


def test_changing_public_base_url_changes_the_qr(app, client, certified):
    code = certified.origin_code
    before = client.get(f"/o/{code}.png")
    app.config["PUBLIC_BASE_URL"] = "https://dacsan.example.vn"
    after = client.get(f"/o/{code}.png")
    assert decode_qr(after.data) == [f"https://dacsan.example.vn/o/{code}"]
    assert after.headers["ETag"] != before.headers["ETag"]
    svg = client.get(f"/o/{code}.svg").get_data(as_text=True)
    assert svg_modules(svg) == png_modules(after.data)
    assert client.get(f"/o/{code}.json").get_json()["url"] == f"https://dacsan.example.vn/o/{code}"


def test_a_forged_host_header_changes_nothing(client, certified):
    code = certified.origin_code
    honest_png = client.get(f"/o/{code}.png").data
    honest_svg = client.get(f"/o/{code}.svg").data
    forged = {"base_url": "http://evil.example"}
    assert client.get(f"/o/{code}.png", **forged).data == honest_png
    assert client.get(f"/o/{code}.svg", **forged).data == honest_svg
    data = client.get(f"/o/{code}.json", **forged).get_json()
    assert data["url"] == f"{BASE}/o/{code}"
    assert data["qr_png_url"] == f"{BASE}/o/{code}.png"
    api = client.get(f"/api/products/{certified.sku}", **forged).get_json()
    assert api["origin_url"] == f"{BASE}/o/{code}"
    html = client.get(f"/o/{code}", **forged).get_data(as_text=True)
    assert "evil.example" not in html
    assert f'<link rel="canonical" href="{BASE}/o/{code}">' in html


def test_qr_images_are_cacheable(client, certified):
    code = certified.origin_code
    for suffix in (".png", ".svg"):
        first = client.get(f"/o/{code}{suffix}")
        assert first.headers["Cache-Control"] == "public, max-age=86400"
        etag = first.headers["ETag"]
        again = client.get(f"/o/{code}{suffix}", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.data == b""


def test_images_and_json_of_unknown_codes_are_404(client):
    for suffix in (".png", ".svg"):
        assert client.get(f"/o/ZZZZZZZZ{suffix}").status_code == 404
    response = client.get("/o/ZZZZZZZZ.json")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found"}


# --- the page, in every certificate state ----------------------------------------------------


def _cert(today: date, state: str) -> dict:
    past, future = today - timedelta(days=400), today + timedelta(days=400)
    return {
        "valid": {"issued_on": past, "expires_on": future},
        "last_day": {"issued_on": past, "expires_on": today},
        "expired": {"issued_on": past, "expires_on": today - timedelta(days=1)},
        "revoked": {
            "issued_on": past,
            "expires_on": future,
            "status": "revoked",
            "revoked_on": today - timedelta(days=10),
            "status_reason": "Không duy trì chất lượng",
        },
        "revoked_undated": {"issued_on": past, "expires_on": future, "status": "revoked"},
        "pending": {"issued_on": past, "expires_on": future, "status": "pending"},
        "not_yet_valid": {"issued_on": today + timedelta(days=5), "expires_on": future},
    }[state]


@pytest.mark.parametrize(
    ("state", "sentence", "buyable"),
    [
        ("valid", "OCOP certificate valid until {expires}", True),
        ("last_day", "OCOP certificate valid until {expires}", True),
        ("expired", "OCOP certificate expired on {expires}", False),
        ("revoked", "OCOP certificate revoked on {revoked}", False),
        ("revoked_undated", "OCOP certificate revoked", False),
        ("pending", "OCOP certificate awaiting verification", False),
        ("not_yet_valid", "OCOP certificate valid from {issued}", False),
    ],
)
def test_page_spells_out_the_certificate_state(client, make_product, state, sentence, buyable):
    today = today_in_vietnam()
    fields = _cert(today, state)
    product = make_product(certificate={"certificate_no": "77/GCN", **fields})
    cert = product.certificates[0]
    response = client.get(f"/o/{product.origin_code}", headers=EN)
    assert response.status_code == 200
    text = page_text(response)
    expected = sentence.format(
        expires=en_date(cert.expires_on),
        issued=en_date(cert.issued_on),
        revoked=en_date(cert.revoked_on) if cert.revoked_on else "",
    )
    assert expected in text
    assert "77/GCN" in text
    # The star headline is a claim: only while the certificate is valid.
    assert ("4-star OCOP product" in text) is buyable
    html = response.get_data(as_text=True)
    assert ('class="buy"' in html) is buyable
    if buyable:
        assert f'href="/products/{product.slug}"' in html
    else:
        assert "cannot be bought here" in text
    if state == "revoked":
        assert "Không duy trì chất lượng" in text


def test_product_without_certificate_says_so(client, make_product):
    product = make_product(certificate=None)
    text = page_text(client.get(f"/o/{product.origin_code}", headers=EN))
    assert "No OCOP certificate on record" in text
    assert "Buy in the OCOP shop" not in text


def test_hidden_listing_with_valid_certificate_shows_no_buy_button(client, make_product):
    product = make_product(is_listed=False)
    response = client.get(f"/o/{product.origin_code}", headers=EN)
    text = page_text(response)
    assert "OCOP certificate valid until" in text
    assert "Not on sale in this shop at the moment." in text
    assert 'class="buy"' not in response.get_data(as_text=True)


def test_page_shows_the_passport_facts(client, certified):
    text = page_text(client.get(f"/o/{certified.origin_code.lower()}", headers=EN))
    for fact in (
        "Milk coconut candy",
        "Kẹo dừa sữa",
        format_origin_code(certified.origin_code),
        "8930000000019",
        "345/QĐ-UBND",
        "Bến Tre Provincial People",  # the issuer in English (issue 13); ' is escaped
        "Cooperative",
        "Xã Tân Thạch",
        "Ấp 3, Xã Tân Thạch",
        "0275 3123 456",
        "1300123456",
        "Vĩnh Long, Vietnam",
        "The product's story.",
    ):
        assert fact in text, fact


def test_batch_page_adds_the_batch_facts(client, certified, make_batch):
    batch = make_batch(
        certified,
        lot_no="L-2026-07",
        produced_on=date(2026, 7, 1),
        best_before_on=date(2027, 6, 30),
        quantity=1200,
        safety_warnings="Contains peanuts.",
    )
    text = page_text(client.get(f"/o/{batch.code}", headers=EN))
    assert "This batch" in text
    assert "L-2026-07" in text
    assert f"Produced on {en_date(date(2026, 7, 1))}" in text
    assert f"Best before {en_date(date(2027, 6, 30))}" in text
    assert "Quantity 1200" in text
    assert "Safety warnings Contains peanuts." in text
    assert format_origin_code(batch.code) in text
    assert "12/GCN-UBND" in text  # the product's certificate is there too


def test_product_page_has_no_batch_section(client, certified, make_batch):
    make_batch(certified)
    assert "This batch" not in page_text(client.get(f"/o/{certified.origin_code}", headers=EN))


def test_unknown_code_is_a_helpful_404_in_english(client):
    response = client.get("/o/ZZZZ-ZZZZ", headers=EN)
    assert response.status_code == 404
    text = page_text(response)
    assert "We do not know this code" in text
    assert "No product or batch has the origin code ZZZZ-ZZZZ." in text
    assert 'action="/o/"' in response.get_data(as_text=True)


def test_lookup_form_goes_to_the_page(client, certified):
    typed = format_origin_code(certified.origin_code).lower()
    response = client.get("/o/", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/o/{certified.origin_code}"
    assert client.get("/o/", query_string={"code": "nope"}).status_code == 404


# --- scan counts -----------------------------------------------------------------------------


def test_page_views_are_counted_per_canonical_code(client, certified):
    code = certified.origin_code
    client.get(f"/o/{code}")
    client.get(f"/o/{code.lower()}")
    client.get(f"/o/{format_origin_code(code)}")
    assert scans(code) == 3


def test_json_and_images_are_not_counted(client, certified):
    code = certified.origin_code
    for suffix in (".json", ".png", ".svg"):
        client.get(f"/o/{code}{suffix}")
    client.head(f"/o/{code}")
    assert scans(code) == 0


@pytest.mark.parametrize("state", ["revoked", "expired", "pending"])
def test_scans_of_uncertified_products_are_counted_too(client, make_product, state):
    product = make_product(certificate=_cert(today_in_vietnam(), state))
    client.get(f"/o/{product.origin_code}")
    assert scans(product.origin_code) == 1


def test_batch_scans_count_under_the_batch_code(client, certified, make_batch):
    batch = make_batch(certified)
    client.get(f"/o/{batch.code}")
    assert scans(batch.code) == 1
    assert scans(certified.origin_code) == 0


def test_scans_are_dated_in_vietnam(client, certified, set_now):
    set_now(datetime(2026, 3, 1, 17, 30, tzinfo=UTC))  # 00:30 on 2 March in Hà Nội
    client.get(f"/o/{certified.origin_code}")
    days = db.session.scalars(
        select(ScanCount.scanned_on).where(ScanCount.code == certified.origin_code)
    ).all()
    assert days == [date(2026, 3, 2)]


def test_unknown_codes_are_not_counted(client):
    client.get("/o/ZZZZZZZZ")
    assert db.session.scalar(select(ScanCount.code)) is None


# --- JSON -----------------------------------------------------------------------------------


def test_json_carries_the_passport(client, certified, make_batch):
    batch = make_batch(
        certified,
        lot_no="L9",
        produced_on=date(2026, 7, 1),
        best_before_on=date(2027, 6, 30),
        quantity=50,
    )
    response = client.get(f"/o/{batch.code.lower()}.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    cert = certified.certificates[0]
    assert data == {
        "schema": "ocop-origin/1",
        "code": batch.code,
        "kind": "batch",
        "url": f"{BASE}/o/{batch.code}",
        "qr_png_url": f"{BASE}/o/{batch.code}.png",
        "qr_svg_url": f"{BASE}/o/{batch.code}.svg",
        "checked_on": today_in_vietnam().isoformat(),
        "product": {
            "sku": certified.sku,
            "origin_code": certified.origin_code,
            "name": "Kẹo dừa sữa",
            "name_en": "Milk coconut candy",
            "gtin": "8930000000019",
            "group": "thuc_pham",
            "unit": "Hộp 250 g",
            "story": "Câu chuyện sản phẩm.",
            "story_en": "The product's story.",
            "for_sale": True,
            "url": f"{BASE}/products/{certified.slug}",
        },
        "producer": {
            "name": "HTX Kẹo dừa Mỏ Cày",
            "kind": "cooperative",
            "registration_no": "1300123456",
            "phone": "0275 3123 456",
            "address": "Ấp 3, Xã Tân Thạch",
            "commune": "Xã Tân Thạch",
            "province_code": "86",
            "province": "Vĩnh Long",
            "province_as_given": "Bến Tre",
        },
        "origin": {"country_code": "VN", "province": "Vĩnh Long"},
        "certificate": {
            "stars": 4,
            "certificate_no": "12/GCN-UBND",
            "decision_no": "345/QĐ-UBND",
            "issued_by": "UBND tỉnh Bến Tre",
            "issuer_level": "province",
            "issued_on": cert.issued_on.isoformat(),
            "expires_on": cert.expires_on.isoformat(),
            "status": "verified",
            "state": "valid",
            "revoked_on": None,
            "status_reason": None,
        },
        "certificates": [data["certificate"]],
        "batch": {
            "code": batch.code,
            "url": f"{BASE}/o/{batch.code}",
            "lot_no": "L9",
            "produced_on": "2026-07-01",
            "best_before_on": "2027-06-30",
            "quantity": 50,
            "safety_warnings": None,
        },
    }


def test_json_of_a_revoked_product_says_so(client, make_product):
    product = make_product(certificate=_cert(today_in_vietnam(), "revoked"))
    data = client.get(f"/o/{product.origin_code}.json").get_json()
    assert data["kind"] == "product" and data["batch"] is None
    assert data["product"]["for_sale"] is False
    assert data["certificate"]["state"] == "revoked"
    assert (
        data["certificate"]["revoked_on"] == (today_in_vietnam() - timedelta(days=10)).isoformat()
    )


# --- links from the rest of the shop ----------------------------------------------------------


def test_api_product_gains_origin_and_qr_urls(client, certified):
    data = client.get(f"/api/products/{certified.sku}").get_json()
    assert data["origin_url"] == f"{BASE}/o/{certified.origin_code}"
    assert data["qr_png_url"] == f"{BASE}/o/{certified.origin_code}.png"
    assert decode_qr(follow(client, data["qr_png_url"]).data) == [data["origin_url"]]


def test_product_page_links_to_its_origin_page(client, certified):
    html = client.get(f"/products/{certified.slug}", headers=EN).get_data(as_text=True)
    assert f'href="/o/{certified.origin_code}"' in html
    assert "Origin and traceability" in html


# --- weight and hosts -----------------------------------------------------------------------


def test_origin_page_is_light_and_self_contained(client, certified, make_batch):
    batch = make_batch(certified, safety_warnings="Contains peanuts.")
    response = client.get(f"/o/{batch.code}", headers=EN)
    html = response.get_data(as_text=True)
    total = len(response.data)
    assets = re.findall(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"', html)
    for asset in assets:
        total += len(follow(client, BASE + asset).data) if asset.startswith("/") else 10**9
    assert total < 100 * 1024
    # No request to another host: every src/href is local, a data: URI, tel:, or our own base.
    for url in re.findall(r'(?:src|href|action)="([^"]*)"', html):
        assert (
            url.startswith(("/", "#", "data:", "tel:")) and not url.startswith("//")
        ) or url.startswith(BASE + "/"), url
    assert "@import" not in html and "url(" not in html


# --- Vietnamese, the default language ----------------------------------------------------------


@pytest.fixture(scope="module")
def compiled_catalogs() -> None:
    """Compile the .po catalogs (as `make translations` does) so pages really render Vietnamese."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d",
         str(root / "storefront" / "translations"), "--use-fuzzy", "-f"],
        check=True, capture_output=True,
    )  # fmt: skip
    # Flask-Babel caches loaded catalogs per process (on the Babel object, not the app): drop
    # what earlier tests loaded before the .mo files existed.
    from storefront.extensions import babel

    babel.domain_instance.cache.clear()


def test_unknown_code_is_a_helpful_404_in_vietnamese(client, compiled_catalogs):
    response = client.get("/o/ZZZZZZZZ", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    text = page_text(response)
    assert "Chúng tôi không nhận ra mã này" in text
    assert "Không có sản phẩm hay lô hàng nào mang mã truy xuất ZZZZZZZZ." in text


def test_page_in_vietnamese_by_default(client, certified, compiled_catalogs):
    cert = certified.certificates[0]
    text = page_text(client.get(f"/o/{certified.origin_code}"))
    expires = format_date(cert.expires_on, format="medium", locale="vi")
    assert f"Giấy chứng nhận OCOP còn hiệu lực đến ngày {expires}" in text
    assert "Mua tại cửa hàng OCOP" in text


def test_simultaneous_page_views_all_succeed_and_count(app, certified):
    """Phones scanning at once: every page renders and every scan counts (no lost update, and
    on SQLite no 'database is locked' from upgrading a stale read transaction to a write)."""
    import threading

    code, threads, per_thread = certified.origin_code, 6, 8
    start = threading.Barrier(threads)
    statuses: list[int] = []

    def scan() -> None:
        client = app.test_client()
        start.wait()
        for _ in range(per_thread):
            # A fresh app context per request, as in production (the test's own is shared).
            with app.app_context():
                statuses.append(client.get(f"/o/{code}").status_code)

    workers = [threading.Thread(target=scan) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert statuses == [200] * threads * per_thread
    db.session.commit()  # end this session's read snapshot before counting
    assert scans(code) == threads * per_thread


def test_a_failing_counter_does_not_cost_the_buyer_the_page(client, certified, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import storefront.origin.routes as origin_routes

    def broken(code, on):
        raise OperationalError("INSERT INTO scan_count", {}, Exception("database is locked"))

    monkeypatch.setattr(origin_routes, "record_scan", broken)
    response = client.get(f"/o/{certified.origin_code}", headers=EN)
    assert response.status_code == 200
    assert "12/GCN-UBND" in page_text(response)
    assert scans(certified.origin_code) == 0
