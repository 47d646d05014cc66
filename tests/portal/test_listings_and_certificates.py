"""A producer lists a product, sends its certificate; admins verify, reject, revoke; audit entries."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from accounts.models import AuditEntry
from catalog.for_sale import is_for_sale
from catalog.models import Certificate, Product
from core.clock import today_in_vietnam
from core.db import db
from tests.fixtures.portal import PDF_BYTES, image_bytes

NEW_PRODUCT = {
    "name": "Mật ong hoa nhãn",
    "name_en": "Longan honey",
    "group": "thuc_pham",
    "unit": "Chai 500 ml",
    "price_vnd": "180000",
    "stock": "12",
    "weight_grams": "700",
    "story": "Ong nuôi **giữa vườn nhãn**.",
    "story_en": "Bees kept in longan orchards.",
}


def _certificate_form(**overrides):
    today = today_in_vietnam()
    data = {
        "stars": "4",
        "certificate_no": "12/GCN-UBND",
        "decision_no": "345/QĐ-UBND",
        "issued_by": "UBND tỉnh Vĩnh Long",
        "issuer_level": "province",
        "issued_on": (today - timedelta(days=10)).isoformat(),
        "expires_on": (today + timedelta(days=1000)).isoformat(),
        "scan": (io.BytesIO(PDF_BYTES), "chung-nhan.pdf"),
    }
    data.update(overrides)
    return data


def _audit_actions(entity_id: int | None = None) -> list[str]:
    query = select(AuditEntry.action).order_by(AuditEntry.id)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(db.session.scalars(query))


def test_new_listing_stays_invisible_until_an_admin_verifies_and_vanishes_when_revoked(
    client, login_as, portal_world
):
    world = portal_world
    login_as(world["member_a"])
    response = client.post("/producer/products/new", data=NEW_PRODUCT)
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.name == "Mật ong hoa nhãn"))
    assert product.producer_id == world["producer_a"].id
    assert product.price_vnd == 180000 and product.stock == 12

    response = client.post(
        f"/producer/products/{product.id}/certificates/new",
        data=_certificate_form(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    cert = db.session.scalar(select(Certificate).where(Certificate.product_id == product.id))
    assert cert.status == "pending" and cert.scan_media_type == "application/pdf"
    assert not is_for_sale(product.id, today_in_vietnam())
    assert "Mật ong hoa nhãn" not in client.get("/products").get_data(as_text=True)

    login_as(world["admin"])
    queue = client.get("/admin/certificates").get_data(as_text=True)
    assert "Mật ong hoa nhãn" in queue
    assert client.post(f"/admin/certificates/{cert.id}/verify").status_code == 302
    assert is_for_sale(product.id, today_in_vietnam())
    assert "Mật ong hoa nhãn" in client.get("/products").get_data(as_text=True)

    response = client.post(f"/admin/certificates/{cert.id}/revoke", data={"reason": "Sai hồ sơ"})
    assert response.status_code == 302
    assert not is_for_sale(product.id, today_in_vietnam())
    assert "Mật ong hoa nhãn" not in client.get("/products").get_data(as_text=True)
    db.session.refresh(cert)
    assert cert.status == "revoked" and cert.status_reason == "Sai hồ sơ"
    assert cert.revoked_on == today_in_vietnam()
    assert _audit_actions(cert.id)[-3:] == [
        "certificate.submitted",
        "certificate.verified",
        "certificate.revoked",
    ]


def test_rejected_certificate_shows_the_reason_to_the_producer(client, login_as, portal_world):
    world = portal_world
    login_as(world["member_a"])
    product = world["product_a"]
    client.post(
        f"/producer/products/{product.id}/certificates/new",
        data=_certificate_form(certificate_no="77/GCN"),
        content_type="multipart/form-data",
    )
    cert = db.session.scalar(select(Certificate).where(Certificate.certificate_no == "77/GCN"))
    login_as(world["admin"])
    client.post(f"/admin/certificates/{cert.id}/reject", data={"reason": "Ảnh quét bị mờ"})
    login_as(world["member_a"])
    page = client.get(f"/producer/products/{product.id}").get_data(as_text=True)
    assert "Ảnh quét bị mờ" in page
    assert db.session.get(Certificate, cert.id).status == "rejected"


def test_renewal_adds_a_certificate_and_keeps_the_history(client, login_as, portal_world):
    world = portal_world
    product = world["product_a"]
    old = world["certificate_a"]
    login_as(world["member_a"])
    client.post(
        f"/producer/products/{product.id}/certificates/new",
        data=_certificate_form(stars="5", certificate_no="NEW/5"),
        content_type="multipart/form-data",
    )
    certs = db.session.scalars(
        select(Certificate).where(Certificate.product_id == product.id).order_by(Certificate.id)
    ).all()
    assert [c.certificate_no for c in certs] == [old.certificate_no, "NEW/5"]
    assert certs[0].status == "verified" and certs[1].status == "pending"


def test_certificate_with_end_before_start_is_refused(client, login_as, portal_world):
    login_as(portal_world["member_a"])
    today = today_in_vietnam()
    response = client.post(
        f"/producer/products/{portal_world['product_a'].id}/certificates/new",
        data=_certificate_form(
            issued_on=today.isoformat(), expires_on=(today - timedelta(days=1)).isoformat()
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Ngày hết hiệu lực" in response.get_data(as_text=True) or response.status_code == 400
    assert len(db.session.get(Product, portal_world["product_a"].id).certificates) == 1


def test_price_and_stock_changes_are_audited_with_before_and_after(client, login_as, portal_world):
    world = portal_world
    product = world["product_a"]
    login_as(world["member_a"])
    form = dict(NEW_PRODUCT, name=product.name, price_vnd="99000", stock="3")
    assert client.post(f"/producer/products/{product.id}", data=form).status_code == 302
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "product", AuditEntry.entity_id == product.id)
    ).all()
    by_action = {e.action: e for e in entries}
    assert by_action["product.price_vnd"].before == {"price_vnd": 125000}
    assert by_action["product.price_vnd"].after == {"price_vnd": 99000}
    assert by_action["product.stock"].before == {"stock": 10}
    assert by_action["product.stock"].after == {"stock": 3}
    assert by_action["product.stock"].actor_id == world["member_a"].id

    login_as(world["admin"])
    page = client.get("/admin/audit?entity=product").get_data(as_text=True)
    assert "product.price_vnd" in page and world["member_a"].email in page


def test_hiding_a_listing_takes_it_off_sale_and_showing_puts_it_back(
    client, login_as, portal_world
):
    world = portal_world
    product = world["product_a"]
    login_as(world["member_a"])
    client.post(f"/producer/products/{product.id}/listing", data={"listed": "0"})
    assert not is_for_sale(product.id, today_in_vietnam())
    client.post(f"/producer/products/{product.id}/listing", data={"listed": "1"})
    assert is_for_sale(product.id, today_in_vietnam())
    assert _audit_actions(product.id).count("product.is_listed") == 2


def test_photo_upload_is_reencoded_and_shown_on_the_product_page(
    app, client, login_as, portal_world
):
    world = portal_world
    product = world["product_a"]
    login_as(world["member_a"])
    response = client.post(
        f"/producer/products/{product.id}/photos",
        data={"photo": (io.BytesIO(image_bytes("PNG", (3000, 2000))), "anh.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    image = db.session.get(Product, product.id).images[-1]
    assert image.path.startswith(f"products/{product.id}/") and image.path.endswith(".jpg")
    stored = (app.config["MEDIA_ROOT"] + "/" + image.path).encode()
    from PIL import Image

    with Image.open(stored.decode()) as saved:
        assert saved.format == "JPEG" and max(saved.size) == 1600
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert f"/media/{image.path}" in page
