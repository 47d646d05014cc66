"""Cart, checkout, confirmation, lookup and account pages as a buyer uses them."""

from __future__ import annotations

from sqlalchemy import func, select

from accounts.models import User
from core.db import db
from core.mail_queue import QueuedMail, deliver_pending
from orders.models import CartLine, Order
from orders.payments.vietqr import parse_tlv

EN = {"Accept-Language": "en"}


def _address(**fields):
    data = {
        "checkout_token": "page-token-000000000001",
        "contact_name": "Lê Thị Hoa",
        "phone": "0912345678",
        "email": "hoa@example.vn",
        "province_code": "01",
        "commune_code": "00070",
        "street": "1 Tràng Tiền",
        "payment_method": "cod",
    }
    data.update(fields)
    return data


def test_tampered_price_in_posted_forms_is_ignored(client, make_product):
    product = make_product(price_vnd=250_000)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 2, "price_vnd": 1})
    response = client.post("/checkout", data=_address(price_vnd=1, total_vnd=1, subtotal_vnd=1))
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert order.lines[0].unit_price_vnd == 250_000
    assert order.subtotal_vnd == 500_000
    assert order.total_vnd == 500_000 + order.shipping_vnd


def test_product_page_adds_to_cart_grouped_by_producer(client, make_product, make_producer):
    first = make_product(producer=make_producer(name="HTX Chè Tân Cương"), price_vnd=150_000)
    second = make_product(producer=make_producer(name="HTX Kẹo dừa Bến Tre"), price_vnd=40_000)
    page = client.get(f"/products/{first.slug}", headers=EN).get_data(as_text=True)
    assert 'action="/cart/add"' in page
    client.post("/cart/add", data={"product_id": first.id, "quantity": 1})
    client.post("/cart/add", data={"product_id": second.id, "quantity": 3})
    cart = client.get("/cart?ship_to=01", headers=EN).get_data(as_text=True)
    assert "HTX Chè Tân Cương" in cart and "HTX Kẹo dừa Bến Tre" in cart
    assert cart.count('class="cart-group"') == 2
    assert "₫270,000" in cart  # 150,000 + 3 × 40,000
    assert "Check out" in cart


def test_cart_flags_a_lapsed_product_and_blocks_checkout(client, make_product):
    product = make_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    product.certificates[0].status = "revoked"
    db.session.commit()
    cart = client.get("/cart", headers=EN).get_data(as_text=True)
    assert "No longer on sale" in cart
    assert "/checkout" not in cart
    response = client.post("/checkout", data=_address())
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_double_submit_makes_one_order(client, make_product):
    product = make_product(stock=5)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    first = client.post("/checkout", data=_address())
    second = client.post("/checkout", data=_address())
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Order.id))) == 1


def test_bank_transfer_confirmation_shows_a_vietqr_for_the_exact_amount(app, client, make_product):
    app.config.update(BANK_BIN="970436", BANK_ACCOUNT_NO="0011001234567")
    app.extensions.pop("payment_providers", None)
    product = make_product(price_vnd=100_000)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    response = client.post("/checkout", data=_address(payment_method="bank_transfer"))
    order = db.session.scalar(select(Order))
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "<svg" in page
    payload = page.split('data-payload="')[1].split('"')[0]
    fields = parse_tlv(payload)
    assert fields["54"] == str(order.total_vnd)
    assert parse_tlv(fields["62"])["08"] == order.number


def test_guest_lookup_needs_number_and_phone(client, make_product, app):
    product = make_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    client.post("/checkout", data=_address())
    order = db.session.scalar(select(Order))
    stranger = app.test_client()
    assert stranger.get(f"/orders/{order.number}").status_code == 404
    wrong = stranger.post("/orders/lookup", data={"number": order.number, "phone": "0900000000"})
    assert wrong.status_code == 200
    right = stranger.post("/orders/lookup", data={"number": order.number, "phone": "+84912345678"})
    assert right.headers["Location"].endswith(f"/orders/{order.number}")
    assert stranger.get(f"/orders/{order.number}").status_code == 200


def test_login_merges_the_guest_cart_and_shows_history(client, make_product):
    user = User(email="buyer@example.vn", name="Buyer")
    user.set_password("a-long-password")
    db.session.add(user)
    db.session.commit()
    product = make_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": 2})
    client.post("/account/login", data={"email": "Buyer@example.vn", "password": "a-long-password"})
    lines = db.session.scalars(select(CartLine)).all()
    assert [(line.cart.user_id, line.quantity) for line in lines] == [(user.id, 2)]
    client.post("/checkout", data=_address())
    history = client.get("/account/orders", headers=EN).get_data(as_text=True)
    order = db.session.scalar(select(Order))
    assert order.user_id == user.id
    assert order.number in history


def test_order_mail_sends_once_and_keeps_failures_for_later(app, make_product, make_order):
    from storefront.cli.mail import render_queued_mail

    make_order((make_product(), 1))
    sent: list = []

    def broken(email):
        raise ConnectionRefusedError("smtp down")

    from core import clock

    report = deliver_pending(render_queued_mail, broken, now=clock.utcnow())
    assert (report.sent, report.failed) == (0, 1)
    message = db.session.scalar(select(QueuedMail))
    assert message.sent_at is None and "smtp down" in message.last_error
    report = deliver_pending(render_queued_mail, sent.append, now=clock.utcnow())
    assert (report.sent, report.failed) == (1, 0)
    assert deliver_pending(render_queued_mail, sent.append, now=clock.utcnow()).sent == 0
    [email] = sent
    assert email.to_address == "lan@example.vn"
    assert "OCOP-" in email.subject
    assert "Nguyễn Thị Lan" in email.body_text


def test_one_mail_send_delivers_order_and_account_mail_in_the_buyers_language(
    app, runner, monkeypatch, make_product, make_order
):
    from core import clock
    from core.mail_queue import RenderedEmail, enqueue_rendered
    from orders.fulfilment import pack_part
    from storefront.cli import mail

    order = make_order((make_product(), 1), locale="en")
    pack_part(order.parts[0], actor_id=None, now=clock.utcnow())
    enqueue_rendered("password_reset", RenderedEmail("a@example.vn", "s", "b"), locale="vi")
    db.session.commit()
    sent = []
    monkeypatch.setattr(mail, "smtp_deliver", sent.append)
    assert "sent 3, failed 0" in runner.invoke(args=["mail", "send"]).output
    assert "sent 0, failed 0" in runner.invoke(args=["mail", "send"]).output
    placed, packed, reset = sent
    assert placed.subject == f"Your OCOP order {order.number}"
    assert "Packed" in packed.body_text  # the status, in English like the order
    assert (reset.to_address, reset.subject, reset.body_text) == ("a@example.vn", "s", "b")


def test_a_mail_that_cannot_be_rendered_stays_queued_with_the_reason(app, runner, monkeypatch):
    from core.mail_queue import enqueue_to_render
    from storefront.cli import mail

    enqueue_to_render("order_status", "a@example.vn", locale="vi", context={"order_id": 999})
    db.session.commit()
    monkeypatch.setattr(mail, "smtp_deliver", lambda email: None)
    assert "sent 0, failed 1" in runner.invoke(args=["mail", "send"]).output
    message = db.session.scalar(select(QueuedMail))
    assert message.sent_at is None and "order 999 not found" in message.last_error
