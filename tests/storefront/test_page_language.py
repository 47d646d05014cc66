"""Every page speaks the page's language (issue 13): each page is rendered in Vietnamese and in
English and fails on interface strings of the other language from a known list. Text marked with
its own language (lang="vi" on an English page: the Vietnamese name, the language switch) and
data the producers typed (names, addresses) are not interface strings and are not checked."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from core.db import db

# Interface words that must not appear on a Vietnamese page (whole words, case-sensitive).
ENGLISH = (
    "Add to cart",
    "Search",
    "Sign in",
    "Sign out",
    "Cart",
    "Quantity",
    "Shipping",
    "Subtotal",
    "Remove",
    "Update",
    "Checkout",
    "Place order",
    "This field is required",
    "Not a valid",
    "Invalid input",
    "Number must be",
    "Province",
    "Out of stock",
    "In stock",
    "Home",
    "Filter",
    "Previous",
    "Next",
    "Total",
    "Price",
    "Status",
    "Products",
    "Orders",
    "Certificate",
    "Save",
    "stars",
    "My orders",
    "Sell with us",
    "Administration",
    "Box",
    "Bottle",
    "Please",
    "Phone",
    "Payment",
    "Story",
    "Photos",
    "Reason",
    "Confirm",
    "Reject",
    "Revoke",
    "Approve",
    "Verify",
)
# Interface words (and untranslated units/issuers) that must not appear on an English page.
VIETNAMESE = (
    "Giỏ hàng",
    "Tìm kiếm",
    "Đăng nhập",
    "Đăng xuất",
    "Thêm vào giỏ",
    "Vui lòng",
    "Số lượng",
    "Phí vận chuyển",
    "Tạm tính",
    "Thanh toán",
    "Đơn hàng",
    "Lọc",
    "Cập nhật",
    "Xoá",
    "Hộp",
    "Chai",
    "UBND tỉnh",
    "Trang chủ",
    "Còn hàng",
    "Hết hàng",
    "Chứng nhận",
    "Lưu",
    "sao",
    "Tỉnh",
    "Giá",
    "Sắp xếp",
    "Nhà sản xuất",
    "Bán hàng",
    "Quản trị",
    "Đặt hàng",
    "Tổng",
)


REQUIRED = {"vi": "Vui lòng điền mục này.", "en": "This field is required."}
ISSUER = {"vi": "UBND tỉnh Bến Tre", "en": "Bến Tre Provincial People's Committee"}


class _VisibleText(HTMLParser):
    """Text and user-visible attributes, skipping scripts and anything marked in another language."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skipped = tag in ("script", "style") or (
            tag != "html" and lang not in (None, self.page_lang)
        )
        if not skipped and not self._skipping():
            for name in ("aria-label", "placeholder", "title", "alt"):
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _skipped = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, lang: str) -> str:
    parser = _VisibleText(lang)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def foreign_words(text: str, lang: str) -> list[str]:
    words = ENGLISH if lang == "vi" else VIETNAMESE
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


@pytest.fixture
def world(portal_world, make_order):
    product = portal_world["product_a"]
    product.name, product.name_en, product.unit = "Kẹo dừa sữa", "Milk coconut candy", "Hộp 400 g"
    product.story, product.story_en = "Kẹo dừa làm tay.", "Hand-made coconut candy."
    db.session.commit()
    order = make_order((product, 2))
    portal_world["order"] = order
    return portal_world


def _pages(world) -> list[tuple[str, str, str | None, dict | None]]:
    """(name, url, who is signed in, form data to POST) for every page family."""
    product, order = world["product_a"], world["order"]
    return [
        ("home", "/", None, None),
        ("listing", "/products", None, None),
        ("province", "/provinces/vinh-long", None, None),
        ("producer", f"/producers/{product.producer.slug}", None, None),
        ("search", "/search?q=keo", None, None),
        ("product", f"/products/{product.slug}", None, None),
        ("cart", "/cart?ship_to=01", "cart", None),
        ("checkout", "/checkout", "cart", None),
        ("checkout errors", "/checkout", "cart", {"checkout_token": "x" * 20}),
        ("confirmation", f"/orders/{order.number}", "order", None),
        ("order lookup", "/orders/lookup", None, None),
        ("order lookup errors", "/orders/lookup", None, {"number": ""}),
        ("login", "/account/login", None, None),
        ("register errors", "/account/register", None, {"email": "x"}),
        ("history", "/account/orders", "buyer", None),
        ("origin", f"/o/{product.origin_code}", None, None),
        ("404", "/no-such-page", None, None),
        ("portal dashboard", "/producer/", "owner_a", None),
        ("portal products", "/producer/products", "owner_a", None),
        ("portal product", f"/producer/products/{product.id}", "owner_a", None),
        ("portal new product errors", "/producer/products/new", "owner_a", {"name": ""}),
        (
            "portal certificate",
            f"/producer/products/{product.id}/certificates/new",
            "owner_a",
            None,
        ),
        ("portal orders", "/producer/orders", "owner_a", None),
        ("portal members", "/producer/members", "owner_a", None),
        ("apply", "/producer/apply", "buyer", None),
        ("admin", "/admin/", "admin", None),
        ("admin applications", "/admin/applications", "admin", None),
        ("admin producers", "/admin/producers", "admin", None),
        ("admin certificates", "/admin/certificates", "admin", None),
        ("admin import", "/admin/import", "admin", None),
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_speaks_the_page_language(app, client, login_as, world, lang):
    from storefront.common.visitor import MY_ORDERS_KEY

    problems = []
    for name, url, who, data in _pages(world):
        login_as(world.get(who))
        with client.session_transaction() as session:
            session["lang"] = lang
            if who == "order":
                session[MY_ORDERS_KEY] = [world["order"].number]
        if who == "cart":
            client.post("/cart/add", data={"product_id": world["product_a"].id, "quantity": 1})
        headers = {"Accept-Language": lang}
        if data is None:
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, data=data, headers=headers)
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        html = response.get_data(as_text=True)
        if f'lang="{lang}"' not in html[:200]:
            problems.append(f"{name}: page is not in {lang}")
            continue
        text = visible_text(html, lang)
        if found := foreign_words(text, lang):
            problems.append(f"{name} ({url}): {found}")
        if name == "checkout errors":  # WTForms' own message, translated
            assert REQUIRED[lang] in text
        if name == "product":  # the unit and the issuer from the vocabulary table
            assert ("Hộp 400 g" if lang == "vi" else "Box 400 g") in text
            assert ISSUER[lang] in text
    assert problems == [], "\n".join(problems)
