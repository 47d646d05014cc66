"""Photos done properly (issue 13): responsive files from the upload pipeline, a gallery with an
order, a main photo and alt text; a drawing per product kind when there is no photo; share
previews (Open Graph, Twitter) and schema.org Product JSON-LD on product pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from catalog.models import ProductImage
from catalog.uploads import photo_files
from core.db import db
from storefront.common.illustrations import drawing_for_names
from tests.fixtures.portal import image_bytes

ROOT = Path(__file__).resolve().parents[2]
KINDS = ROOT / "storefront" / "static" / "img" / "kinds"


def _upload(client, product, size=(1000, 750), alt=""):
    return client.post(
        f"/producer/products/{product.id}/photos",
        data={"photo": (io.BytesIO(image_bytes("JPEG", size)), "p.jpg"), "alt": alt},
        content_type="multipart/form-data",
    )


def test_upload_stores_webp_and_jpeg_at_several_widths(app, client, login_as, portal_world):
    product = portal_world["product_a"]
    login_as(portal_world["member_a"])
    assert _upload(client, product, alt="Hũ kẹo dừa trên bàn").status_code == 302
    image = db.session.query(ProductImage).filter_by(product_id=product.id).all()[-1]
    files = photo_files(image.path)
    assert (files.width, files.height) == (1000, 750)
    assert [w for w, _p in files.webp] == [400, 800, 1000]
    assert [w for w, _p in files.jpeg] == [400, 800, 1000]
    media = Path(app.config["MEDIA_ROOT"])
    for _w, path in files.jpeg + files.webp:
        assert (media / path).stat().st_size > 0
    assert image.alt == "Hũ kẹo dừa trên bàn"

    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert '<source type="image/webp" srcset="' in page and " 400w, " in page
    assert 'width="1000" height="750" alt="Hũ kẹo dừa trên bàn"' in page

    client.post(f"/producer/products/{product.id}/photos/{image.id}/delete")
    assert [p for p in media.rglob("*") if p.is_file() and files.jpeg[0][1][-30:-8] in p.name] == []


def test_gallery_order_main_photo_and_alt_text(client, login_as, portal_world):
    product = portal_world["product_a"]  # has one photo row already
    login_as(portal_world["member_a"])
    _upload(client, product)
    _upload(client, product)
    first, second, third = sorted(product.images, key=lambda i: i.position)
    client.post(f"/producer/products/{product.id}/photos/{third.id}/move", data={"to": "first"})
    client.post(f"/producer/products/{product.id}/photos/{first.id}/move", data={"to": "down"})
    db.session.expire_all()
    assert [i.id for i in sorted(product.images, key=lambda i: i.position)] == [
        third.id,
        second.id,
        first.id,
    ]
    client.post(
        f"/producer/products/{product.id}/photos/{third.id}/alt", data={"alt": "Mặt trước hộp"}
    )
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    slides = re.findall(r'<li id="photo-(\d)">.*?alt="([^"]*)"', page, flags=re.S)
    assert slides[0] == ("1", "Mặt trước hộp")  # the main photo comes first, described
    assert len(re.findall(r"data-gallery-thumb", page)) == 3
    main, *others = re.findall(r"<img [^>]*>", page.split('class="gallery-slides"')[1])[:3]
    assert 'fetchpriority="high"' in main and "loading" not in main
    assert all('loading="lazy"' in img for img in others)


def test_demo_catalog_gets_at_least_20_distinct_drawings_all_present():
    text = (ROOT / "catalog/demo/ocop-demo.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    drawings = {drawing_for_names(r["name"], r["name_en"]) for r in rows}
    assert None not in drawings
    assert len(drawings) >= 20
    for drawing in drawings:
        assert (KINDS / f"{drawing}.svg").exists() and (KINDS / f"{drawing}.png").exists()
    assert drawing_for_names("Muối hạt Bạc Liêu") == "salt"
    assert drawing_for_names("Nước mắm cá cơm Phú Quốc") == "fish_sauce"
    assert drawing_for_names("Nước mắm chay") == "fish_sauce"
    assert drawing_for_names("Mật ong hoa cà phê") == "honey"
    assert drawing_for_names("Kẹo dừa sầu riêng") == "candy"
    assert drawing_for_names("Cà phê Robusta") == "coffee"


def test_product_page_has_share_tags_and_product_json_ld(client, make_product):
    product = make_product(name="Muối hạt Bạc Liêu", price_vnd=45_000, gtin="8930000000019")
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert 'src="/static/img/kinds/salt.svg"' in page
    assert '<meta property="og:title" content="Muối hạt Bạc Liêu">' in page
    assert (
        '<meta property="og:image" content="https://ocop.test/static/img/kinds/salt.png">' in page
    )
    assert f'<meta property="og:url" content="https://ocop.test/products/{product.slug}">' in page
    assert '<meta name="twitter:card"' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert data["@type"] == "Product" and data["name"] == "Muối hạt Bạc Liêu"
    assert data["brand"] == {"@type": "Brand", "name": product.producer.name}
    assert data["offers"]["price"] == "45000" and data["offers"]["priceCurrency"] == "VND"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["gtin"] == "8930000000019"


def test_json_ld_cannot_break_out_of_its_script(client, make_product):
    product = make_product(name="</script><script>alert(1)</script>")
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)[1]
    assert "<" not in block
