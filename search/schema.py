"""The Whoosh schema of the product index, and the document built for one product.

The index is a cache: everything in it is rebuilt from the database (`indexer.rebuild_index`).
Only the product id is stored; prices, stars, stock and the for-sale rule are read from the
database at query time, so they are never stale.
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from catalog.admin_units import province_by_code
from catalog.enums import ProductGroup, group_names
from catalog.models import Product

from .analysis import (
    english_analyzer,
    fold,
    folded_analyzer,
    joined_analyzer,
    syllables,
    tone_key_analyzer,
)

# Bump when the schema or the analysis changes: an index with another version is rebuilt.
SCHEMA_VERSION = 3  # 3: fold maps the eth (Ð/ð) to d

# A tiny English glossary per group, so "handicraft" or "tea" find the right group's products.
GROUP_WORDS_EN: dict[str, str] = {
    ProductGroup.FOOD.value: "food specialty",
    ProductGroup.DRINKS.value: "drinks beverage",
    ProductGroup.HERBAL.value: "herbal medicinal herbs",
    ProductGroup.HANDICRAFT.value: "handicraft handmade craft souvenir",
    ProductGroup.ORNAMENTAL.value: "ornamental plants bonsai",
    ProductGroup.TOURISM.value: "tourism tour travel",
}


def build_schema() -> Schema:
    """Fields: folded (recall), tone key (exact-diacritic boost), joined bigrams, English."""
    return Schema(
        pid=ID(stored=True, unique=True, sortable=True),
        sku=KEYWORD(lowercase=True),
        # Product name: the strongest field, in three forms.
        name=TEXT(analyzer=folded_analyzer(), phrase=False),
        name_k=TEXT(analyzer=tone_key_analyzer(), phrase=False),
        name_j=TEXT(analyzer=joined_analyzer(), phrase=False),
        # Producer, group, province (current and as given, e.g. pre-2025), commune.
        meta=TEXT(analyzer=folded_analyzer(), phrase=False),
        meta_j=TEXT(analyzer=joined_analyzer(), phrase=False),
        # Province: today's name and the one the source gave (e.g. pre-2025 "Bến Tre").
        place=TEXT(analyzer=folded_analyzer(), phrase=False),
        place_j=TEXT(analyzer=joined_analyzer(), phrase=False),
        place_k=TEXT(analyzer=tone_key_analyzer(), phrase=False),
        story=TEXT(analyzer=folded_analyzer(), phrase=False),
        # Tone keys of producer, commune and story: exact words there count a little.
        text_k=TEXT(analyzer=tone_key_analyzer(), phrase=False),
        name_en=TEXT(analyzer=english_analyzer(), phrase=False),
        story_en=TEXT(analyzer=english_analyzer(), phrase=False),
        schema_version=ID(stored=True),
    )


# Abbreviations in producer names, indexed with their long form so either finds the other.
ABBREVIATIONS = {
    "htx": "hợp tác xã",
    "thtx": "tổ hợp tác",
    "tnhh": "trách nhiệm hữu hạn",
    "cp": "cổ phần",
    "ctcp": "công ty cổ phần",
    "mtv": "một thành viên",
    "sxkd": "sản xuất kinh doanh",
    "xnk": "xuất nhập khẩu",
    "dvnn": "dịch vụ nông nghiệp",
    "tp": "thành phố",
}


def expand_abbreviations(text: str) -> str:
    """'HTX Chè' → 'HTX Chè hợp tác xã' (the long forms appended, positions don't matter)."""
    words = {fold(word) for word in syllables(text)}
    extra = [long for short, long in ABBREVIATIONS.items() if short in words]
    return " \n ".join([text, *extra]) if extra else text


def _meta_text(product: Product) -> str:
    producer = product.producer
    parts = [
        expand_abbreviations(producer.name),
        producer.commune,
        *group_names().get(ProductGroup(product.group), ()),
    ]
    return " \n ".join(part for part in parts if part)


def _place_text(product: Product) -> str:
    province = province_by_code(product.producer.province_code)
    names = [province.name if province else "", product.producer.province_name_given]
    # "Tỉnh Bến Tre" / "TP. Hồ Chí Minh": the prefix is not part of the name.
    return " \n ".join(dict.fromkeys(_strip_prefix(name) for name in names if name))


def _strip_prefix(name: str) -> str:
    for prefix in ("tỉnh ", "thành phố ", "tp. ", "tp "):
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def product_document(product: Product) -> dict[str, Any]:
    """The index document for one product (producer must be loaded)."""
    meta = _meta_text(product)
    place = _place_text(product)
    group_en = GROUP_WORDS_EN.get(product.group, "")
    return {
        "pid": str(product.id),
        "sku": product.sku,
        "name": product.name,
        "name_k": product.name,
        "name_j": product.name,
        "meta": meta,
        "meta_j": meta,
        "place": place,
        "place_j": place,
        "place_k": place,
        "story": " \n ".join(filter(None, (product.story, product.producer.story))),
        "text_k": " \n ".join(filter(None, (meta, product.story))),
        "name_en": " \n ".join(filter(None, (product.name_en, group_en))),
        "story_en": product.story_en,
        "schema_version": str(SCHEMA_VERSION),
    }
