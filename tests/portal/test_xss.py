"""Producer text can never run in a buyer's browser: names, units and stories are rendered inert."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<p style="background:url(javascript:alert(1))">css</p>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '"><script>alert(2)</script>',
]


class _ActiveContentFinder(HTMLParser):
    """Collects what a browser would run or obey: script-capable tags, event handlers,
    javascript: URLs and inline styles (the layout itself uses none of them, apart from its own
    script files under /static/js/)."""

    DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        src = dict(attrs).get("src") or ""
        if tag == "script" and src.startswith("/static/js/") and "://" not in src:
            return  # the shop's own same-origin script file, no inline code
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            return  # schema.org data (never run); tojson escapes "<", so nothing breaks out
        if tag in self.DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name == "style":
                self.found.append(f"{tag}[style]")
            url = (value or "").strip().lower().replace("\t", "")
            if name in ("href", "src", "action", "formaction") and url.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag}[{name}={url[:20]}]")


def _dangerous_bits(html: str) -> list[str]:
    finder = _ActiveContentFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_names_and_stories_are_inert_on_every_shop_page(
    client, make_producer, make_product, payload
):
    producer = make_producer(name=f"HTX {payload}", story=payload, slug="htx-xss")
    product = make_product(
        producer=producer,
        name=f"Mắm {payload}",
        name_en=f"Fish sauce {payload}",
        unit=payload[:80],
        story=f"Câu chuyện\n\n{payload}",
        story_en=payload,
        slug="mam-xss",
    )
    pages = {
        "product": f"/products/{product.slug}",
        "listing": "/products",
        "home": "/",
        "producer": f"/producers/{producer.slug}",
        "province": "/provinces/vinh-long",
        "product (en)": f"/products/{product.slug}?lang=en",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        assert _dangerous_bits(html) == [], (name, payload)
    api = client.get(f"/api/products/{product.sku}")
    assert api.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_in_the_portal_and_admin_pages(client, login_as, portal_world, payload):
    from core.db import db

    world = portal_world
    product = world["product_a"]
    product.name = f"Mắm {payload}"
    product.story = payload
    world["producer_a"].name = f"HTX {payload}"
    db.session.commit()
    login_as(world["member_a"])
    for url in ["/producer/", "/producer/products", f"/producer/products/{product.id}"]:
        html = client.get(url).get_data(as_text=True)
        assert _dangerous_bits(html) == [], url
    login_as(world["admin"])
    for url in ["/admin/producers", "/admin/certificates?status=verified", "/admin/audit"]:
        html = client.get(url).get_data(as_text=True)
        assert _dangerous_bits(html) == [], url


def test_markdown_formatting_survives_sanitising(client, make_product):
    product = make_product(story="**Đậm** và [trang HTX](https://htx.example)", slug="mam-md")
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "<strong>Đậm</strong>" in html
    assert 'href="https://htx.example"' in html and 'rel="nofollow noopener"' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_on_origin_and_search_pages(
    client, app, make_producer, make_product, payload
):
    """These pages carry their own inline CSS/JS, so compare with a harmless product's page."""
    from search.indexer import rebuild_index

    harmless = make_product(
        name="Mắm cá cơm", story="Câu chuyện.", producer=make_producer(story="Chuyện.")
    )
    hostile = make_product(
        producer=make_producer(name=f"HTX {payload}", story=payload),
        name=f"Mắm {payload}",
        name_en=f"Fish sauce {payload}",
        unit=payload[:80],
        story=f"Câu chuyện\n\n{payload}",
        story_en=payload,
    )
    rebuild_index(app.config["SEARCH_INDEX_DIR"])

    def bits(url: str) -> list[str]:
        response = client.get(url)
        assert response.status_code == 200, url
        return _dangerous_bits(response.get_data(as_text=True))

    assert bits(f"/o/{hostile.origin_code}") == bits(f"/o/{harmless.origin_code}")
    search_page = bits("/search?q=mam")
    assert "Mắm" in client.get("/search?q=mam").get_data(as_text=True)
    assert [bit for bit in search_page if bit not in bits("/search?q=ca+com")] == []


# What the portal's story editor (static/js/story-editor.js) writes into the form.
EDITOR_HTML = (
    "<p><strong>Đậm</strong> và <em>nghiêng</em></p><h3>Cách làm</h3>"
    "<ul><li>Chọn dừa</li><li>Nấu chậm</li></ul><ol><li>Một</li><li>Hai</li></ol>"
    '<p><a href="https://htx.example/ve-chung-toi">trang HTX</a></p>'
)


def _save_story(client, product, story: str, price: str = "1.250.000"):
    return client.post(
        f"/producer/products/{product.id}",
        data={"name": product.name, "group": product.group, "unit": product.unit,
              "price_vnd": price, "stock": "5", "weight_grams": "0", "story": story,
              "story_en": ""},
    )


def test_story_editor_html_round_trips_and_prices_take_separators(client, login_as, portal_world):
    from core.db import db

    product = portal_world["product_a"]
    login_as(portal_world["member_a"])
    assert _save_story(client, product, EDITOR_HTML).status_code == 302
    db.session.refresh(product)
    assert product.price_vnd == 1_250_000
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    story = page.split('<div class="story-text">')[1].split("</div>")[0]
    for bit in ("<strong>Đậm</strong>", "<em>nghiêng</em>", "<h3>Cách làm</h3>",
                "<ul><li>Chọn dừa</li><li>Nấu chậm</li></ul>", "<ol><li>Một</li><li>Hai</li></ol>",
                'href="https://htx.example/ve-chung-toi"'):
        assert bit in story, bit
    edit = client.get(f"/producer/products/{product.id}").get_data(as_text=True)
    area = edit.split('class="story-area"')[1].split("</div>")[0]
    assert "<strong>Đậm</strong>" in area and "<li>Nấu chậm</li>" in area  # back in the editor
    assert 'value="1.250.000"' in edit  # shown with separators again


def test_script_and_javascript_links_typed_into_the_editor_are_inert(
    client, login_as, portal_world
):
    product = portal_world["product_a"]
    login_as(portal_world["member_a"])
    hostile = (
        "<p>ok</p><script>alert(1)</script>"
        '<p><a href="javascript:alert(1)">bấm</a> <a href="JaVaScRiPt:alert(2)">nữa</a></p>'
        '<p><img src=x onerror="alert(3)"></p>'
    )
    assert _save_story(client, product, hostile).status_code == 302
    for url in (f"/products/{product.slug}", f"/producer/products/{product.id}"):
        html = client.get(url).get_data(as_text=True)
        assert _dangerous_bits(html) == [], url
        assert "alert(1)</script>" not in html
