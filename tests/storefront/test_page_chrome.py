"""The page chrome (header, navigation, footer) is rendered once per locale and reused
(storefront/chrome.py); what varies per request must still vary, and translation in templates
keeps Jinja's newstyle semantics (storefront/i18n.py)."""

from __future__ import annotations

import re

from flask import render_template_string
from flask_babel import refresh

EN = {"Accept-Language": "en"}


def _search_box_value(body: str) -> str:
    return re.search(r'<input type="search" name="q" value="([^"]*)"', body).group(1)


def test_the_search_box_shows_this_requests_query_escaped_and_no_other(client):
    hostile = client.get('/products?q=<b>"x"</b>').get_data(as_text=True)
    assert _search_box_value(hostile) == "&lt;b&gt;&#34;x&#34;&lt;/b&gt;"
    assert "<b>" not in hostile.split('role="search"')[1].split("</form>")[0]
    assert _search_box_value(client.get("/").get_data(as_text=True)) == ""
    assert _search_box_value(client.get("/products?q=mật ong").get_data(as_text=True)) == "mật ong"


def test_the_chrome_speaks_each_requests_language(client):
    for _ in range(2):
        vi = client.get("/").get_data(as_text=True)
        en = client.get("/", headers=EN).get_data(as_text=True)
        assert ">Tìm kiếm</button>" in vi and "Giá tính bằng" in vi
        assert ">Search</button>" in en and "Prices in Vietnamese dong" in en
        assert 'aria-label="Cart, 0 items"' in en and "Cart, 0 items" not in vi


def test_a_signed_in_visitor_gets_their_own_navigation_after_guests(client, login_as, make_user):
    assert "Đăng nhập" in client.get("/").get_data(as_text=True)
    login_as(make_user())
    signed_in = client.get("/").get_data(as_text=True)
    assert 'class="signout-form"' in signed_in and 'name="csrf_token"' in signed_in


def test_template_translation_keeps_jinjas_newstyle_semantics(app):
    with app.test_request_context("/", headers=EN):
        assert render_template_string('{{ _("Search") }}') == "Search"
        # Arguments are escaped in HTML, left alone where autoescaping is off.
        assert render_template_string('{{ _("a %(x)s", x="<i>") }}') == "a &lt;i&gt;"
        assert (
            render_template_string(
                '{% autoescape false %}{{ _("a %(x)s", x="<i>") }}{% endautoescape %}'
            )
            == "a <i>"
        )
        # Always %-formatted, as Jinja's own: "%%" is a percent sign.
        assert render_template_string('{{ _("100%%") }}') == "100%"
        assert (
            render_template_string("{{ ngettext('Cart, %(num)d item', 'Cart, %(num)d items', 3) }}")
            == "Cart, 3 items"
        )
        assert render_template_string("{% trans n=2 %}{{ n }} apples{% endtrans %}") == "2 apples"
    with app.test_request_context("/"):
        refresh()  # what every request does first (the app context outlives the request here)
        assert render_template_string('{{ _("Search") }}') == "Tìm kiếm"
