"""Degraded modes (issue 11, defect 3 and step 3): the database unreachable → a translated 503
page rendered without touching it (Retry-After; JSON for /api/* and /healthz), and back to 200
without a restart; Redis down → sign-in still works, Redis left alone for a while."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from config import TestingConfig
from core.db import db
from core.ratelimit import FallbackRateLimiter, MemoryRateLimiter, RedisRateLimiter, redis_client
from storefront import create_app
from storefront.rate_limits import app_rate_limiter
from tests.fixtures.network import SilentServer, TcpSwitch, free_port
from tests.fixtures.portal import PASSWORD


@pytest.fixture
def unreachable_app(tmp_path: Path):
    """The shop configured with a PostgreSQL server that refuses every connection."""
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"postgresql://postgres@127.0.0.1:{free_port()}/ocop",
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        MEDIA_ROOT=str(tmp_path / "media"),
        CERTIFICATE_SCAN_ROOT=str(tmp_path / "scans"),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "The shop is briefly unavailable"), ("vi", "Cửa hàng tạm thời gián đoạn")],
)
def test_database_unreachable_is_a_translated_503_page_with_retry_after(
    unreachable_app, language, title
):
    client = unreachable_app.test_client()
    for path in ("/", "/products"):
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 503, path
        assert response.headers["Retry-After"].isdigit()
        assert title in response.get_data(as_text=True)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_signed_in_visitor_gets_the_503_page_not_a_bare_500(unreachable_app):
    client = unreachable_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    for path in ("/", "/account/orders", "/producer/", "/admin/"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 503, path
        body = response.get_data(as_text=True)
        assert "The shop is briefly unavailable" in body
        assert "Internal Server Error" not in body
    response = client.post("/account/login", data={"email": "an@example.vn", "password": PASSWORD})
    assert response.status_code == 503


def test_api_and_healthz_answer_json_503(unreachable_app):
    client = unreachable_app.test_client()
    for path in ("/healthz", "/api/products", "/api/search?q=mam", "/api/products/ABC"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.is_json, path
        assert response.json["error"] == "database_unavailable"
        assert response.headers["Retry-After"].isdigit()


def test_database_cut_and_back_503_then_200_without_restart(app, client, make_product, tmp_path):
    product = make_product(name="Nước mắm Phú Quốc")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        switch = TcpSwitch((url.host or "127.0.0.1", url.port or 5432))
        switch.up()
        shop = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=switch.port).render_as_string(
                hide_password=False
            ),
            SEARCH_INDEX_DIR=str(tmp_path / "proxied-index"),
        )
        cut, restore = switch.down, switch.up
    else:  # SQLite: the database's folder disappears, and its pooled connections with it
        folder = Path(url.database).parent
        away = folder.with_name(folder.name + "-away")
        shop = app

        def cut() -> None:
            db.session.remove()  # the test's app context outlives requests: drop its connection
            db.engine.dispose()
            os.rename(folder, away)

        def restore() -> None:
            os.rename(away, folder)

    shop_client = shop.test_client()
    assert shop_client.get(f"/products/{product.slug}").status_code == 200
    assert shop_client.get("/healthz").status_code == 200
    cut()
    try:
        assert shop_client.get(f"/products/{product.slug}").status_code == 503
        assert shop_client.get("/healthz").status_code == 503
        assert shop_client.get("/api/products/" + product.sku).status_code == 503
    finally:
        restore()
    assert shop_client.get("/healthz").status_code == 200
    page = shop_client.get(f"/products/{product.slug}")
    assert page.status_code == 200
    assert "Nước mắm Phú Quốc" in page.get_data(as_text=True)
    if shop is not app:
        with shop.app_context():
            db.engine.dispose()
        switch.down()
    shutil.rmtree(tmp_path / "proxied-index", ignore_errors=True)


@pytest.mark.parametrize("redis_state", ["refusing", "silent"])
def test_redis_down_sign_in_still_works_and_redis_is_left_alone(
    app, client, make_user, redis_state
):
    user = make_user(email="an@example.vn")
    silent = SilentServer() if redis_state == "silent" else None
    port = silent.port if silent else free_port()
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/9"
    limiter = app.extensions["rate_limiter"] = app_rate_limiter(app)
    assert isinstance(limiter, FallbackRateLimiter)
    try:
        for _ in range(3):
            response = client.post(
                "/account/login", data={"email": user.email, "password": PASSWORD}
            )
            assert response.status_code == 302
            client.post("/account/logout")
        assert limiter.primary_down
        if silent:
            assert len(silent.accepted) == 1  # one timed-out attempt, then Redis left alone
    finally:
        if silent:
            silent.close()


def test_redis_client_gives_up_fast():
    client = redis_client("redis://127.0.0.1:6379/9", timeout_seconds=0.05)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_connect_timeout"] == 0.05
    assert kwargs["socket_timeout"] == 0.05
    assert client.get_retry().get_retries() == 0


def test_rate_limit_counts_fall_back_to_memory_while_redis_is_down():
    class Broken:
        def hit(self, key, limit, window_seconds):
            raise ConnectionError("down")

    limiter = FallbackRateLimiter(Broken(), MemoryRateLimiter())
    assert [limiter.hit("k", 2, 60) for _ in range(3)] == [True, True, False]


def test_rate_limit_keys_carry_the_apps_prefix(app):
    redis = pytest.importorskip("redis")
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL not set")
    client = redis.Redis.from_url(url)
    limiter = FallbackRateLimiter(
        RedisRateLimiter(client, prefix="shop-a:ratelimit:"), MemoryRateLimiter()
    )
    limiter.hit("account.login:ip:1.2.3.4", 10, 60)
    keys = [k.decode() for k in client.keys("*account.login:ip:1.2.3.4*")]
    assert keys and all(k.startswith("shop-a:ratelimit:") for k in keys)
    client.delete(*keys)


def test_the_app_prefixes_its_redis_keys(app):
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/9", REDIS_KEY_PREFIX="shop-b:")
    limiter = app_rate_limiter(app)
    assert limiter._primary._prefix == "shop-b:ratelimit:"
