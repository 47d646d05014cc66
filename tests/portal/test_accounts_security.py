"""Password reset, invitations, rate limits, CSRF and session fixation."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from sqlalchemy import select

from accounts.models import User
from core.db import db
from core.mail_queue import QueuedMail
from core.ratelimit import MemoryRateLimiter, RedisRateLimiter
from tests.fixtures.portal import PASSWORD


def _last_mail(to: str) -> QueuedMail:
    return db.session.scalars(
        select(QueuedMail).where(QueuedMail.to_address == to).order_by(QueuedMail.id.desc())
    ).first()


def _link(mail: QueuedMail) -> str:
    return re.search(r"https://ocop\.test(/\S+)", mail.body_text).group(1)


def test_password_reset_link_works_once(client, make_user):
    user = make_user("buyer", email="lan@example.vn")
    response = client.post("/account/password/forgot", data={"email": "LAN@example.vn"})
    assert response.status_code == 302
    link = _link(_last_mail("lan@example.vn"))
    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"password": "a new long password", "confirm": "a new long password"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("a new long password")
    assert client.get(link).status_code == 400  # spent: the password changed


def test_password_reset_does_not_reveal_whether_an_account_exists(client, make_user):
    make_user("buyer", email="real@example.vn")
    known = client.post(
        "/account/password/forgot", data={"email": "real@example.vn"}, follow_redirects=True
    )
    unknown = client.post(
        "/account/password/forgot", data={"email": "nobody@example.vn"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    message = "Nếu có tài khoản dùng email này"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert _last_mail("nobody@example.vn") is None


def test_forged_reset_token_is_refused(client, make_user):
    make_user("buyer")
    assert client.get("/account/password/reset/not-a-real-token").status_code == 400


def test_owner_invites_a_member_who_joins_the_same_producer(client, login_as, portal_world):
    world = portal_world
    login_as(world["owner_a"])
    page = client.post("/producer/members", data={"email": "em@example.vn"}).get_data(as_text=True)
    link = _link(_last_mail("em@example.vn"))
    assert f"https://ocop.test{link}" in page  # shown to the owner too, to share by phone
    login_as(None)
    response = client.post(
        link, data={"name": "Em Út", "password": "long enough pw", "confirm": "long enough pw"}
    )
    assert response.status_code == 302
    member = db.session.scalar(select(User).where(User.email == "em@example.vn"))
    assert member.role == "producer" and member.producer_id == world["producer_a"].id
    assert not member.is_owner
    assert client.get("/producer/").status_code == 200  # signed in as the new member
    assert client.get(link).status_code == 400  # an invitation is used once


def test_member_who_is_not_owner_cannot_invite(client, login_as, portal_world):
    login_as(portal_world["member_a"])
    assert client.post("/producer/members", data={"email": "x@example.vn"}).status_code == 403
    assert _last_mail("x@example.vn") is None


def test_login_is_rate_limited_per_address_and_per_email(app, client, make_user):
    app.config["LOGIN_ATTEMPTS_PER_WINDOW"] = 3
    make_user("buyer", email="target@example.vn")
    statuses = [
        client.post(
            "/account/login", data={"email": "target@example.vn", "password": "wrong"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Even the right password is refused until the window passes.
    response = client.post(
        "/account/login", data={"email": "target@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "quá nhiều lần" in response.get_data(as_text=True)


def test_password_reset_requests_are_rate_limited(app, client):
    app.config["PASSWORD_RESETS_PER_WINDOW"] = 2
    statuses = [
        client.post("/account/password/forgot", data={"email": f"x{i}@example.vn"}).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_memory_limiter_opens_a_new_window():
    now = [1000.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert [limiter.hit("k", 2, 60) for _ in range(3)] == [True, True, False]
    now[0] += 60
    assert limiter.hit("k", 2, 60)


def test_redis_limiter_counts_across_instances():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis reachable")
    prefix = f"test-{uuid.uuid4().hex}:"
    first, second = RedisRateLimiter(client, prefix), RedisRateLimiter(client, prefix)
    assert [first.hit("k", 2, 60), second.hit("k", 2, 60), first.hit("k", 2, 60)] == [
        True,
        True,
        False,
    ]
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def test_login_starts_a_fresh_session_keeping_only_cart_and_language(app, client, make_user):
    make_user("buyer", email="fix@example.vn")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
        session["cart_token"] = "my-cart"
        session["lang"] = "en"
    client.post("/account/login", data={"email": "fix@example.vn", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"
        assert session["_user_id"]


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_portal_forms_require_a_csrf_token(csrf_client, login_as, portal_world):
    client = csrf_client
    with client.session_transaction() as session:
        session["_user_id"] = str(portal_world["member_a"].id)
        session["_fresh"] = True
    product = portal_world["product_a"]
    before = (product.price_vnd, product.is_listed)
    assert (
        client.post(f"/producer/products/{product.id}/listing", data={"listed": "0"}).status_code
        == 400
    )
    response = client.post(
        f"/producer/products/{product.id}",
        data={"name": "x", "group": "thuc_pham", "price_vnd": "1", "stock": "1"},
    )
    assert response.status_code == 400
    db.session.refresh(product)
    assert (product.price_vnd, product.is_listed) == before
    # With the token from the page, the same change goes through.
    page = client.get(f"/producer/products/{product.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/producer/products/{product.id}/listing", data={"listed": "0", "csrf_token": token}
    )
    assert response.status_code == 302
    db.session.refresh(product)
    assert product.is_listed is False


def test_admin_forms_and_login_require_a_csrf_token(csrf_client, portal_world):
    client = csrf_client
    assert (
        client.post("/account/login", data={"email": "a@b.vn", "password": "x"}).status_code == 400
    )
    with client.session_transaction() as session:
        session["_user_id"] = str(portal_world["admin"].id)
        session["_fresh"] = True
    cert = portal_world["certificate_a"]
    assert (
        client.post(f"/admin/certificates/{cert.id}/revoke", data={"reason": "x"}).status_code
        == 400
    )
    db.session.refresh(cert)
    assert cert.status == "verified"


def test_session_cookie_settings(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAX_CONTENT_LENGTH"] > 0
