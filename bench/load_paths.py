"""The request paths the load benchmark draws from, one file per page kind.

wrk's Lua script (`bench/load.lua`) picks a line at random for every request, so the mix in
each file is the traffic mix: product and origin files list every product once (a uniform long
tail), the search file repeats popular queries as a shop's search log does (Zipf-like), and the
listing file mixes filters, sorts and pages the way shoppers and crawlers page through a
catalog. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

# Shopper queries, most popular first (the Zipf rank). Vietnamese with and without marks, old
# and new tone placement, English from tourists and export buyers, typos, gift searches.
QUERIES: tuple[str, ...] = (
    "nước mắm",
    "mật ong",
    "cà phê",
    "nuoc mam",
    "trà",
    "kẹo dừa",
    "mat ong",
    "yến sào",
    "tỏi đen",
    "đông trùng hạ thảo",
    "ca phe",
    "trà hoa vàng",
    "rượu",
    "bánh tráng",
    "honey",
    "khô cá",
    "fish sauce",
    "gạo",
    "keo dua",
    "tỏi lý sơn",
    "chè thái nguyên",
    "coffee",
    "quà tết",
    "nước mắm phú quốc",
    "tinh dầu",
    "cao cà gai leo",
    "hộp quà",
    "dừa sáp",
    "trà túi lọc",
    "mắm",
    "tra hoa vang",
    "dong trung ha thao",
    "chả lụa",
    "rượu sim",
    "hoà bình",
    "hòa bình",
    "bánh pía",
    "tea",
    "muối",
    "dầu mè",
    "nem chua",
    "trái cây sấy",
    "gốm sứ",
    "toi den",
    "yen sao",
    "bưởi",
    "dưa lưới",
    "khoai lang sấy",
    "cà phê arabica",
    "lạp xưởng",
    "tôm khô",
    "bird nest",
    "black garlic",
    "rice paper",
    "măng khô",
    "trà sen",
    "hạt sen",
    "tinh dầu tràm",
    "rượu đông trùng hạ thảo",
    "bánh đậu xanh",
    "kẹo cu đơ",
    "mứt dừa",
    "chuối sấy",
    "dried fruit",
    "coconut candy",
    "ginseng",
    "sâm",
    "thổ cẩm",
    "nước khoáng",
    "cordyceps",
    "vải thiều lục ngạn",
    "mắm tép",
    "bún khô",
    "miến",
    "dầu dừa nguyên chất",
    "green tea",
    "tra shan tuyet",
    "đặc sản cà mau",
    "đặc sản bến tre",
    "đặc sản trà vinh",
    "nước mắm 40 độ đạm",
    "mât ong rừng",
    "nươc mắm",
    "ca fe phin",
    "keo dua sap",
    "trà thảo mộc",
    "cao dây thìa canh",
    "thuỷ",
    "khô ếch",
    "sen sấy",
    "gao thom",
    "rượu vang",
    "lotus tea",
    "dried fish",
    "salt",
    "tinh bột nghệ",
    "bánh phồng tôm",
    "chà bông",
    "rượu nếp",
    "hủ tiếu",
    "kim chi",
    "cốm",
    "thịt bò khô",
    "vietnamese coffee gift",
    "sa tế",
    "muối ớt",
)

GROUPS = ("thuc_pham", "do_uong", "duoc_lieu", "thu_cong_my_nghe", "sinh_vat_canh", "du_lich")
LISTING_SORTS = ("newest", "price_asc", "price_desc", "stars", "name")
PRICE_RANGES = ((None, 100_000), (100_000, 300_000), (300_000, 1_000_000), (1_000_000, None))
PER_PAGE = 24


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Weight of rank r (1-based) is 1 / r**exponent: search logs follow roughly this."""
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def search_paths(count: int, rng: random.Random, province_slugs: Sequence[str]) -> list[str]:
    """`count` search requests; queries drawn Zipf-like, some with a filter or on page 2."""
    queries = rng.choices(QUERIES, weights=zipf_weights(len(QUERIES)), k=count)
    paths = []
    for query in queries:
        args: list[tuple[str, str | int]] = [("q", query)]
        roll = rng.random()
        if roll < 0.08:
            args.append(("stars", rng.choice((3, 4, 5))))
        elif roll < 0.14 and province_slugs:
            args.append(("province", rng.choice(province_slugs)))
        elif roll < 0.18:
            args.append(("sort", rng.choice(("price_asc", "price_desc", "stars"))))
        elif roll < 0.26:
            args.append(("page", 2))
        paths.append("/search?" + urlencode(args))
    return paths


def _listing_page(rng: random.Random, last_page: int) -> int:
    """Mostly the first pages; a tail of deep pages (shoppers who keep going, and crawlers)."""
    roll = rng.random()
    if roll < 0.55 or last_page <= 1:
        return 1
    if roll < 0.85:
        return rng.randint(2, min(5, last_page))
    return rng.randint(2, last_page)


def listing_paths(
    count: int, rng: random.Random, *, products: int, province_slugs: Sequence[str]
) -> list[str]:
    """`count` listing requests: /products with 0–3 filters, a sort, and a page."""
    paths = []
    for _ in range(count):
        args: list[tuple[str, str | int]] = []
        expected = products  # rough size of the filtered list, to keep pages mostly in range
        if province_slugs and rng.random() < 0.3:
            args.append(("province", rng.choice(province_slugs)))
            expected //= max(1, len(province_slugs))
        if rng.random() < 0.3:
            args.append(("group", rng.choices(GROUPS, weights=(70, 12, 8, 6, 2, 2))[0]))
            expected //= 2
        if rng.random() < 0.2:
            args.append(("stars", rng.choice((3, 4, 5))))
            expected //= 3
        if rng.random() < 0.15:
            low, high = rng.choice(PRICE_RANGES)
            if low is not None:
                args.append(("min_price", low))
            if high is not None:
                args.append(("max_price", high))
            expected //= 4
        if rng.random() < 0.4:
            args.append(("sort", rng.choice(LISTING_SORTS[1:])))
        page = _listing_page(rng, max(1, -(-expected // PER_PAGE)))
        if page > 1:
            args.append(("page", page))
        paths.append("/products" + ("?" + urlencode(args) if args else ""))
    return paths


def province_paths(
    count: int, rng: random.Random, *, products: int, province_slugs: Sequence[str]
) -> list[str]:
    """`count` province pages (/provinces/<slug>), some sorted or paged."""
    last_page = max(1, products // max(1, len(province_slugs)) // PER_PAGE)
    paths = []
    for _ in range(count):
        args: list[tuple[str, str | int]] = []
        if rng.random() < 0.25:
            args.append(("sort", rng.choice(LISTING_SORTS[1:])))
        page = _listing_page(rng, last_page)
        if page > 1:
            args.append(("page", page))
        query = "?" + urlencode(args) if args else ""
        paths.append(f"/provinces/{rng.choice(province_slugs)}{query}")
    return paths


def every_once(prefix: str, keys: Sequence[str], rng: random.Random) -> list[str]:
    """One path per key, shuffled: a uniform draw over the whole catalog."""
    paths = [f"{prefix}{key}" for key in keys]
    rng.shuffle(paths)
    return paths


def write_paths(path: Path, paths: Sequence[str]) -> Path:
    if not paths:
        raise ValueError(f"no paths for {path.name}")
    if any("\n" in p or not p.startswith("/") for p in paths):
        raise ValueError(f"{path.name}: every path is one line starting with /")
    path.write_text("\n".join(paths) + "\n", encoding="utf-8")
    return path
