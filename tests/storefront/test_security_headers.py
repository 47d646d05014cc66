"""Security headers on every response (issue 11, defect 1): checked like `curl -sI` over real HTTP,
and through the test client for signed-in portal and admin pages."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

TEMPLATES = Path(__file__).resolve().parents[2] / "storefront" / "templates"


def assert_security_headers(headers, where: str, https: bool = False) -> None:
    csp = headers.get("Content-Security-Policy") or ""
    assert csp, where
    directives = {d.split()[0]: d for d in (part.strip() for part in csp.split(";")) if d}
    assert "'unsafe-inline'" not in directives["script-src"], where
    assert "'unsafe-inline'" not in directives["style-src"], where
    assert directives["frame-ancestors"] == "frame-ancestors 'none'", where
    assert directives["object-src"] == "object-src 'none'", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    assert "camera=()" in (headers.get("Permissions-Policy") or ""), where
    if https:
        assert "max-age=" in (headers.get("Strict-Transport-Security") or ""), where
    else:
        assert headers.get("Strict-Transport-Security") is None, where


@pytest.fixture
def http_server(app) -> Iterator[tuple[str, int]]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _head(host: str, port: int, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("HEAD", path)
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def test_curl_head_of_home_product_origin_portal_admin_shows_the_headers(http_server, make_product):
    product = make_product(name="Nước mắm Phú Quốc")
    host, port = http_server
    paths = {
        "home": ("/", 200),
        "product": (f"/products/{product.slug}", 200),
        "origin": (f"/o/{product.origin_code}", 200),
        "portal": ("/producer/", 302),  # signed out: to the sign-in page, still with headers
        "admin": ("/admin/", 302),
        "api": (f"/api/products/{product.sku}", 200),
        "static": ("/static/css/shop.css", 200),
        "not found": ("/no-such-page", 404),
    }
    for name, (path, status) in paths.items():
        response = _head(host, port, path)
        assert response.status == status, (name, response.status)
        assert_security_headers(response.headers, name)


def test_signed_in_portal_and_admin_pages_carry_the_headers(client, login_as, portal_world):
    for user, path in [
        (portal_world["owner_a"], "/producer/"),
        (portal_world["owner_a"], f"/producer/products/{portal_world['product_a'].id}"),
        (portal_world["admin"], "/admin/"),
        (portal_world["admin"], "/admin/certificates"),
    ]:
        login_as(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response.headers, path)


def test_hsts_only_when_served_over_https(app, client):
    assert_security_headers(client.get("/healthz").headers, "http")
    app.config["PREFERRED_URL_SCHEME"] = "https"
    assert_security_headers(client.get("/healthz").headers, "https", https=True)


def test_inline_styles_carry_the_responses_nonce(client, make_product):
    product = make_product()
    response = client.get(f"/o/{product.origin_code}")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce
    assert f'<style nonce="{nonce.group(1)}">' in response.get_data(as_text=True)
    other = client.get(f"/o/{product.origin_code}").headers["Content-Security-Policy"]
    assert nonce.group(1) not in other  # a fresh nonce per response


def test_no_template_has_inline_handlers_scripts_or_style_attributes():
    """CSP forbids them: behaviour goes to static/js/behaviours.js via data- attributes."""
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    style_attr = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
    # A JSON-LD data block is not a script (never executed, CSP does not apply to it).
    inline_script = re.compile(
        r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/ld\+json\")[^>]*>", re.IGNORECASE
    )
    unnonced_style = re.compile(r"<style(?![^>]*nonce=)[^>]*>", re.IGNORECASE)
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts:
            continue  # e-mails are not served with a CSP
        text = path.read_text(encoding="utf-8")
        for pattern in (handler, style_attr, inline_script, unnonced_style):
            if pattern.search(text):
                offenders.append((path.relative_to(TEMPLATES).as_posix(), pattern.pattern))
    assert offenders == []
