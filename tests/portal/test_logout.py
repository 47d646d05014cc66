"""Signing out (issue 11): a GET — a link, another site's <img src=…/account/logout> — never
signs anyone out; the header's button posts a form with its CSRF token."""

from __future__ import annotations

import re


def test_get_logout_does_not_sign_out_but_asks(client, login_as, make_user):
    login_as(make_user())
    response = client.get("/account/logout", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Do you want to sign out?" in response.get_data(as_text=True)
    assert client.get("/account/orders").status_code == 200  # still signed in


def test_post_logout_signs_out(client, login_as, make_user):
    login_as(make_user())
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert client.get("/account/orders").status_code == 302  # to the sign-in page


def test_post_logout_without_the_csrf_token_is_refused(app, client, login_as, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(make_user())
    assert client.post("/account/logout").status_code == 400
    assert client.get("/account/orders").status_code == 200


def test_header_has_a_sign_out_button_with_the_csrf_token(app, client, login_as, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(make_user())
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    form = re.search(r'<form method="post" action="/account/logout"[^>]*>(.*?)</form>', page, re.S)
    assert form and 'name="csrf_token"' in form.group(1) and "Sign out" in form.group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(1)).group(1)
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/orders").status_code == 302
