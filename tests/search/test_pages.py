"""The search page, the autocomplete endpoint and /api/search, as a browser or client sees them."""

from __future__ import annotations

import re

from core.db import db


def _visible_text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def test_results_page_highlights_matches_in_the_product_card(client, built_index):
    response = client.get("/search?q=nuoc+mam")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert (
        '<h3 class="card-title"><mark>Nước</mark> <mark>mắm</mark> Phú Quốc 40 độ đạm</h3>' in body
    )
    assert "1 sản phẩm" in _visible_text(response)


def test_highlighting_escapes_product_text(client, make_product, built_index):
    from search.indexer import rebuild_index

    make_product(name="Kẹo <b>lạc</b> & mè", name_en="Peanut candy")
    rebuild_index(built_index)
    body = client.get("/search?q=keo+lac").get_data(as_text=True)
    assert "<mark>Kẹo</mark> &lt;b&gt;<mark>lạc</mark>&lt;/b&gt; &amp; mè" in body


def test_results_page_shows_facets_with_counts_and_links(client, built_index):
    text = _visible_text(client.get("/search?q=dua"))
    assert "Vĩnh Long (1)" in text
    assert "Phú Thọ (1)" in text  # Hòa Bình merged into Phú Thọ in 2025
    body = client.get("/search?q=dua").get_data(as_text=True)
    assert 'href="/search?q=dua&amp;province=vinh-long"' in body
    filtered = _visible_text(client.get("/search?q=dua&province=vinh-long"))
    assert "1 sản phẩm" in filtered
    assert "Kẹo dừa sữa" in filtered
    assert "Dưa lưới" not in filtered


def test_results_page_offers_did_you_mean(client, built_index):
    text = _visible_text(client.get("/search?q=nuoc+mma"))
    assert "Không có kết quả cho “nuoc mma”" in text
    assert "nước mắm" in text


def test_results_page_in_english(client, built_index):
    client.get("/lang/en")
    text = _visible_text(client.get("/search?q=fish+sauce"))
    assert "Results for “fish sauce”" in text
    assert "Phu Quoc fish sauce" in text
    assert "Province" in text


def test_empty_query_shows_a_hint_not_results(client, built_index):
    response = client.get("/search")
    assert response.status_code == 200
    assert "nuoc mam" in _visible_text(response)
    assert "card-title" not in response.get_data(as_text=True)


def test_bad_filter_values_are_ignored(client, built_index):
    response = client.get("/search?q=dua&stars=9&min_price=abc&sort=evil&page=-1&province=xx")
    assert response.status_code == 200
    assert "2 sản phẩm" in _visible_text(response)


def test_header_search_box_points_to_search_and_autocomplete(client, built_index):
    body = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in body
    assert 'data-autocomplete="/search/suggest"' in body
    # Every page loads the small same-origin autocomplete enhancement (no inline script).
    assert '<script src="/static/js/search.js" defer></script>' in body
    assert "js/search.js" in client.get("/search?q=dua").get_data(as_text=True)


def test_autocomplete_returns_json_names_and_urls(client, built_index):
    response = client.get("/search/suggest?q=keo+d")
    assert response.status_code == 200
    assert response.get_json() == [{"label": "Kẹo dừa sữa", "url": "/products/" + _slug(client)}]
    assert client.get("/search/suggest?q=").get_json() == []


def _slug(client) -> str:
    from catalog.models import Product

    return db.session.query(Product).filter_by(name="Kẹo dừa sữa").one().slug


def test_api_search_shape(client, built_index):
    data = client.get("/api/search?q=nuoc+mam+phu+quoc").get_json()
    assert data["query"] == "nuoc mam phu quoc"
    assert data["total"] == 1
    assert data["page"] == 1
    assert data["suggestion"] is None
    (result,) = data["results"]
    assert {key: result[key] for key in ("name", "name_en", "stars", "province", "price_vnd")} == {
        "name": "Nước mắm Phú Quốc 40 độ đạm",
        "name_en": "Phu Quoc fish sauce",
        "stars": 5,
        "province": "An Giang",  # Kiên Giang merged into An Giang in 2025
        "price_vnd": 185000,
    }
    assert result["url"].startswith("https://ocop.test/products/")
    # One product shape in every API answer: a search result is the product's own JSON.
    # (plus which tier it belongs to: every word matched, or some — the related tier).
    assert result.pop("match") == "all"
    assert result == client.get(f"/api/products/{result['sku']}").get_json()
    assert data["facets"]["province"] == [
        {"value": "an-giang", "code": "91", "name": "An Giang", "count": 1}
    ]
    assert data["facets"]["stars"] == [{"value": 5, "count": 1}]
    assert data["facets"]["group"][0]["value"] == "thuc_pham"


def test_api_search_filters_sorts_and_pages(client, built_index):
    data = client.get("/api/search?q=dua&sort=price_asc&max_price=100000").get_json()
    assert [r["name"] for r in data["results"]] == ["Kẹo dừa sữa", "Dưa lưới Hoà Bình"]
    data = client.get("/api/search?q=dua&province=86").get_json()
    assert [r["name"] for r in data["results"]] == ["Kẹo dừa sữa"]
    data = client.get("/api/search?q=dua&stars=3").get_json()
    assert [r["name"] for r in data["results"]] == ["Dưa lưới Hoà Bình"]
    data = client.get("/api/search?q=dua&page=2").get_json()
    assert data["page"] == 2
    assert data["results"] == []


def test_api_search_suggestion_for_a_typo(client, built_index):
    data = client.get("/api/search?q=nuoc+mma").get_json()
    assert data["suggestion"] == "nước mắm"
    assert data["corrected"] is True
    assert data["total"] == 1
