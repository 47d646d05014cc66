"""Search benchmark: Whoosh (our design) vs SQLite FTS5, same generated catalog, same run.

    python bench/search_bench.py              # 20,000 and 100,000 products
    python bench/search_bench.py --only-20k   # about 2 minutes
    python bench/search_bench.py --sizes 5000 --queries 200
    python bench/search_bench.py --only-20k --keep /tmp/sb --no-fts   # build once, then reuse

For each size: generate realistic Vietnamese OCOP products (names from real category words,
qualifiers and places, both tone placements, stories of ~60 words), insert them into a temporary
SQLite database through the app's tables, then print
  * full reindex time (`search.indexer.rebuild_index`) and index size,
  * p50/p95/p99 of 500 mixed queries through `ProductSearch.search` (facets, filters, sorts,
    English, typos, no-diacritic input), warm process, for-sale snapshot cached as in production,
  * autocomplete p50/p95, and the cost of one for-sale snapshot load (paid once per TTL),
  * the same queries on SQLite FTS5 (`unicode61 remove_diacritics 2` on app-folded text, bm25
    with column weights, facet counts by GROUP BY over the matches) as a reference.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = [
    ("Nước mắm", "fish sauce", "thuc_pham"),
    ("Kẹo dừa", "coconut candy", "thuc_pham"),
    ("Mật ong", "honey", "thuc_pham"),
    ("Cà phê rang xay", "ground coffee", "thuc_pham"),
    ("Trà shan tuyết", "Shan Tuyet tea", "thuc_pham"),
    ("Chè xanh", "green tea", "thuc_pham"),
    ("Gạo thơm", "fragrant rice", "thuc_pham"),
    ("Bánh tráng", "rice paper", "thuc_pham"),
    ("Khô cá", "dried fish", "thuc_pham"),
    ("Mắm tôm", "shrimp paste", "thuc_pham"),
    ("Tỏi đen", "black garlic", "thuc_pham"),
    ("Hạt điều rang muối", "salted cashews", "thuc_pham"),
    ("Đậu phộng rang", "roasted peanuts", "thuc_pham"),
    ("Bưởi da xanh", "green-skin pomelo", "thuc_pham"),
    ("Dưa lưới", "netted melon", "thuc_pham"),
    ("Dứa sấy dẻo", "soft-dried pineapple", "thuc_pham"),
    ("Yến sào", "bird's nest", "thuc_pham"),
    ("Rượu nếp", "rice wine", "do_uong"),
    ("Rượu sim", "rose-myrtle wine", "do_uong"),
    ("Nước khoáng", "mineral water", "do_uong"),
    ("Trà hoa vàng", "golden camellia tea", "do_uong"),
    ("Đông trùng hạ thảo", "cordyceps", "duoc_lieu"),
    ("Nấm linh chi", "lingzhi mushroom", "duoc_lieu"),
    ("Tinh dầu tràm", "cajeput oil", "duoc_lieu"),
    ("Cao cà gai leo", "climbing nightshade extract", "duoc_lieu"),
    ("Khăn thổ cẩm", "brocade scarf", "thu_cong_my_nghe"),
    ("Gốm sứ", "ceramics", "thu_cong_my_nghe"),
    ("Nón lá", "conical hat", "thu_cong_my_nghe"),
    ("Chiếu cói", "sedge mat", "thu_cong_my_nghe"),
    ("Lan hồ điệp", "phalaenopsis orchid", "sinh_vat_canh"),
    ("Mai vàng bonsai", "yellow apricot bonsai", "sinh_vat_canh"),
    ("Tour trải nghiệm", "farm experience tour", "du_lich"),
    ("Homestay nhà sàn", "stilt-house homestay", "du_lich"),
]
QUALIFIERS = [
    "đặc biệt",
    "nguyên chất",
    "hữu cơ",
    "truyền thống",
    "loại 1",
    "cao cấp",
    "thượng hạng",
    "sấy khô",
    "hộp quà",
    "40 độ đạm",
    "rừng",
    "hoà bình",
    "thuỷ chung",
    "khoẻ",
    "tươi",
    "gia truyền",
    "làng nghề",
    "xuất khẩu",
    "túi lọc",
    "chai thủy tinh",
]
PLACES = [
    "Phú Quốc",
    "Bến Tre",
    "Mỏ Cày",
    "Chợ Lách",
    "Trà Vinh",
    "Cầu Kè",
    "Ba Chẽ",
    "Cô Tô",
    "Hòa Bình",
    "Mai Châu",
    "Thái Nguyên",
    "Tân Cương",
    "Suối Giàng",
    "Lục Ngạn",
    "Bảy Núi",
    "Tri Tôn",
    "Cần Giờ",
    "Buôn Ma Thuột",
    "Cầu Đất",
    "Đà Lạt",
    "Lý Sơn",
    "Hội An",
    "Trà Quế",
    "Sa Pa",
    "Mường Khương",
    "Hà Giang",
    "Đồng Văn",
    "Kim Liên",
    "Cửa Khe",
    "Đông Á",
]
PRODUCER_KINDS = ["HTX", "Công ty TNHH", "Hộ kinh doanh", "Tổ hợp tác", "Công ty CP"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hoà", "Khánh", "Lan", "Minh", "Phúc", "Thuỷ"]
FILLER = [
    "sản",
    "phẩm",
    "được",
    "làm",
    "thủ",
    "công",
    "theo",
    "quy",
    "trình",
    "truyền",
    "thống",
    "của",
    "làng",
    "nghề",
    "với",
    "nguyên",
    "liệu",
    "chọn",
    "lọc",
    "từ",
    "vùng",
    "trồng",
    "địa",
    "phương",
    "không",
    "chất",
    "bảo",
    "quản",
    "đóng",
    "gói",
    "cẩn",
    "thận",
    "giữ",
    "trọn",
    "hương",
    "vị",
    "tự",
    "nhiên",
    "phù",
    "hợp",
    "làm",
    "quà",
    "biếu",
    "người",
    "thân",
    "và",
    "bạn",
    "bè",
    "trong",
    "dịp",
    "lễ",
    "tết",
    "bà",
    "con",
    "xã",
    "viên",
    "hợp",
    "tác",
    "xã",
    "cùng",
    "nhau",
    "sản",
    "xuất",
    "theo",
    "tiêu",
    "chuẩn",
    "an",
    "toàn",
    "vệ",
    "sinh",
    "thực",
    "phẩm",
]


def _name(rng: random.Random) -> tuple[str, str, str]:
    category, english, group = rng.choice(CATEGORIES)
    parts = [category]
    if rng.random() < 0.7:
        parts.append(rng.choice(QUALIFIERS))
    place = rng.choice(PLACES)
    parts.append(place)
    return " ".join(parts), f"{place} {english}", group


def generate(count: int, seed: int = 7) -> tuple[list[dict], list[dict], list[dict]]:
    """Producers, products and certificates as plain rows (ids assigned here)."""
    from catalog.admin_units import all_provinces

    rng = random.Random(seed)
    provinces = [unit.code for unit in all_provinces()]
    producers = []
    for pid in range(1, count // 5 + 2):
        name = (
            f"{rng.choice(PRODUCER_KINDS)} {rng.choice(PLACES)} "
            f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        )
        producers.append(
            {
                "id": pid,
                "slug": f"producer-{pid}",
                "name": name,
                "kind": "cooperative",
                "province_code": rng.choice(provinces),
                "province_name_given": rng.choice(PLACES[:12]),
                "commune": f"Xã {rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
                "address": "",
                "phone": "",
                "registration_no": "",
                "story": "",
                "story_en": "",
                "is_active": True,
            }
        )
    from core.clock import today_in_vietnam

    products, certificates = [], []
    today = today_in_vietnam()
    for product_id in range(1, count + 1):
        name, name_en, group = _name(rng)
        story = " ".join(rng.choices(FILLER, k=60))
        products.append(
            {
                "id": product_id,
                "sku": f"B-{product_id:06d}",
                "slug": f"p-{product_id}",
                "producer_id": rng.randint(1, len(producers)),
                "name": name,
                "name_en": name_en,
                "group": group,
                "unit": "Hộp",
                "price_vnd": rng.randrange(20_000, 2_000_000, 1_000),
                "stock": rng.choice([0, 5, 20, 100]),
                "story": f"{name}. {story}",
                "story_en": f"{name_en} made by a local cooperative.",
                "gtin": "",
                "weight_grams": 500,
                "is_listed": rng.random() > 0.02,
            }
        )
        status = "verified" if rng.random() < 0.92 else rng.choice(["pending", "revoked"])
        expired = rng.random() < 0.05
        certificates.append(
            {
                "id": product_id,
                "product_id": product_id,
                "stars": rng.choice([3, 3, 4, 4, 5]),
                "certificate_no": f"{product_id}/GCN",
                "decision_no": "",
                "issued_by": "UBND tỉnh",
                "issuer_level": "province",
                "issued_on": today - timedelta(days=400),
                "expires_on": today - timedelta(days=3) if expired else today + timedelta(days=600),
                "status": status,
                "status_reason": "",
            }
        )
    return producers, products, certificates


def make_queries(products: list[dict], count: int, seed: int = 11) -> list[tuple[str, dict]]:
    """Mixed queries: 1–3 words cut from names, half without marks, some English, typos, facets."""
    from search.analysis import fold

    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        product = rng.choice(products)
        kind = rng.random()
        if kind < 0.12:
            text = " ".join(product["name_en"].split()[-2:])
        else:
            words = product["name"].split()
            start = rng.randrange(len(words))
            text = " ".join(words[start : start + rng.randint(1, 3)])
            if rng.random() < 0.5:
                text = fold(text)
            if kind > 0.93 and len(text) > 4:  # a typo: two letters swapped
                i = rng.randrange(len(text) - 1)
                text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        filters: dict = {}
        roll = rng.random()
        if roll < 0.15:
            filters["stars"] = rng.choice([3, 4, 5])
        elif roll < 0.3:
            filters["max_price_vnd"] = 300_000
        elif roll < 0.4:
            filters["sort"] = rng.choice(["price_asc", "stars"])
        queries.append((text, filters))
    return queries


def _page_rows() -> dict:
    """How the search page loads a page's rows (storefront/common/search_results.py): plain
    card rows through the for-sale rule. A tree without that loader
    uses `ProductSearch.search`'s default (full products)."""
    try:
        from catalog.products.cards import for_sale_cards_in_order
    except ImportError:
        return {}
    return {"load_rows": for_sale_cards_in_order}


PAGE_ROWS: dict = {}


def timed_searches(service, batch, today, rows: dict) -> tuple[list[float], list[float]]:
    """Run each (text, filters) of `batch`; their wall and thread-CPU times in ms."""
    from catalog.products.listing import ProductQuery

    wall, cpu = [], []
    for text, filters in batch:
        started, started_cpu = time.perf_counter(), time.thread_time()
        service.search(text, ProductQuery(**filters), today, **rows)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return wall, cpu


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), pick(0.95), pick(0.99)


def _dir_size_mb(path: str) -> float:
    real = os.path.realpath(path)
    total = sum(
        os.path.getsize(os.path.join(root, name))
        for root, _, names in os.walk(real)
        for name in names
    )
    return total / 1e6


def bench_whoosh(app, queries, prefixes, *, build: bool = True) -> dict:
    from catalog.products.listing import ProductQuery
    from core.clock import today_in_vietnam
    from search.indexer import rebuild_index
    from search.query import ProductSearch
    from search.snapshot import load_for_sale_snapshot

    PAGE_ROWS.update(_page_rows())
    index_dir = app.config["SEARCH_INDEX_DIR"]
    started = time.perf_counter()
    # A kept index (--keep, built by an earlier run) is measured as it is.
    count = rebuild_index(index_dir) if build else -1
    build_s = time.perf_counter() - started if build else float("nan")
    today = today_in_vietnam()
    started = time.perf_counter()
    load_for_sale_snapshot(today)
    snapshot_ms = (time.perf_counter() - started) * 1000
    service = ProductSearch(index_dir, snapshot_ttl=3600)  # no result cache: every query runs
    service.search("nuoc mam", ProductQuery(), today, **PAGE_ROWS)  # open searcher, load snapshot
    service.suggest("nuoc", today)  # build the autocomplete structure
    for text, filters in queries[:50]:  # warm-up pass
        service.search(text, ProductQuery(**filters), today, **PAGE_ROWS)
    latencies, cpu, zero_hits, totals = [], [], 0, []
    for text, filters in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        page = service.search(text, ProductQuery(**filters), today, **PAGE_ROWS)
        latencies.append((time.perf_counter() - started) * 1000)
        # CPU time of this thread: far less sensitive than wall time to other processes on a
        # shared, loaded machine (it still includes cache misses they cause).
        cpu.append((time.thread_time() - started_cpu) * 1000)
        zero_hits += page.total == 0
        totals.append(page.total)
    # Fresh searchers. Score maps per term (search/postings.py) are read from the index as
    # queries need them, so a searcher's first queries pay for them unless something read them
    # before. "Fresh" below is a new `ProductSearch` in this process (no score map, no
    # remembered frequency, no for-sale documents; the OS file cache and the for-sale snapshot
    # are warm, as in a worker whose snapshot loaded in the background), then the last 100
    # queries of the mix:
    #   * warmed: warmed the way the app warms a worker — `start_warm_up` in a background
    #     thread at worker start (gunicorn post_worker_init), which finished before the first
    #     query (it takes `warm_wall_ms`; a worker gets traffic once booted);
    #   * during warm-up: the same, queries sent at once, while the warm-up thread runs beside
    #     them in the same process (they never wait for it, but share the GIL with it);
    #   * cold: no warm-up at all, one query answered before ("nuoc mam": opens the searcher).
    fresh_snapshot = service.snapshot(today)
    cold, cold_cpu, _ = _fresh_run(index_dir, queries[-100:], today, fresh_snapshot, warm=None)
    during, during_cpu, _ = _fresh_run(
        index_dir, queries[-100:], today, fresh_snapshot, warm="start"
    )
    warm_cost: dict = {}
    fresh, fresh_cpu, _ = _fresh_run(
        index_dir, queries[-100:], today, fresh_snapshot, warm="finish", cost=warm_cost
    )
    # The web app keeps a small cache of ranked hits per (index generation, snapshot, words):
    # the same mix again, as a shop sees popular queries and page 2 of the same query.
    cached = ProductSearch(index_dir, snapshot_ttl=3600, result_cache_size=512)
    for text, filters in queries:
        cached.search(text, ProductQuery(**filters), today, **PAGE_ROWS)
    repeat = []
    for text, filters in queries:
        started = time.perf_counter()
        cached.search(text, ProductQuery(**filters), today, **PAGE_ROWS)
        repeat.append((time.perf_counter() - started) * 1000)
    suggest, suggest_cpu = [], []
    for prefix in prefixes:
        started, started_cpu = time.perf_counter(), time.thread_time()
        service.suggest(prefix, today)
        suggest.append((time.perf_counter() - started) * 1000)
        suggest_cpu.append((time.thread_time() - started_cpu) * 1000)
    return {
        "count": count,
        "build_s": build_s,
        "size_mb": _dir_size_mb(index_dir),
        "query": _percentiles(latencies),
        "repeat": _percentiles(repeat),
        "fresh": _percentiles(fresh),
        "during": _percentiles(during),
        "cold": _percentiles(cold),
        "suggest": _percentiles(suggest),
        "cpu": {
            "query": _percentiles(cpu),
            "fresh (warmed)": _percentiles(fresh_cpu),
            "fresh (during warm-up)": _percentiles(during_cpu),
            "fresh (cold)": _percentiles(cold_cpu),
            "suggest": _percentiles(suggest_cpu),
        },
        "warm_cost": warm_cost,
        "snapshot_ms": snapshot_ms,
        "zero_hits": zero_hits,
        "median_hits": statistics.median(totals),
    }


def _fresh_run(index_dir, batch, today, snapshot, *, warm: str | None, cost: dict | None = None):
    """Wall and thread-CPU ms of `batch` on a new ProductSearch (see "Fresh searchers"), and
    that ProductSearch. `warm`: None (cold), "start" (queries at once, beside the warm-up) or
    "finish" (the warm-up finished first)."""
    from catalog.products.listing import ProductQuery
    from search.query import ProductSearch

    fresh = ProductSearch(index_dir, snapshot_ttl=3600)
    fresh._snapshot = (time.monotonic(), snapshot)  # the worker's snapshot, loaded beside
    thread = None
    if warm is not None:
        started, started_cpu = time.perf_counter(), time.process_time()
        thread = fresh.start_warm_up(lambda: today)
        if warm == "finish":
            thread.join()
            if cost is not None:
                cost["wall_ms"] = (time.perf_counter() - started) * 1000
                # The main thread only waits meanwhile: the process's CPU is the warm-up's.
                cost["cpu_ms"] = (time.process_time() - started_cpu) * 1000
    else:
        fresh.search("nuoc mam", ProductQuery(), today, **PAGE_ROWS)  # open the searcher
    wall, cpu = timed_searches(fresh, batch, today, PAGE_ROWS)
    if thread is not None:
        thread.join()
    return wall, cpu, fresh


def bench_fts5(db_path: str, queries, prefixes) -> dict:
    """The same catalog in FTS5 (app-side fold for đ), AND of words, bm25, 3 facet GROUP BYs."""
    import sqlite3

    from core.clock import today_in_vietnam
    from search.analysis import fold, syllables
    from search.snapshot import load_for_sale_snapshot

    today = today_in_vietnam()
    conn = sqlite3.connect(db_path)
    started = time.perf_counter()
    conn.execute("DROP TABLE IF EXISTS fts")  # a kept database (--keep) has it from before
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(name, meta, story, name_en, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    rows = conn.execute(
        "SELECT p.id, p.name, pr.name || ' ' || pr.province_name_given || ' ' || pr.commune, "
        "p.story, p.name_en FROM product p JOIN producer pr ON pr.id = p.producer_id"
    )
    conn.executemany(
        "INSERT INTO fts(rowid, name, meta, story, name_en) VALUES (?,?,?,?,?)",
        ((r[0], fold(r[1]), fold(r[2]), fold(r[3]), r[4]) for r in rows),
    )
    # The for-sale facts come from the same snapshot query the app uses.
    snapshot = load_for_sale_snapshot(today)
    conn.execute(
        "CREATE TEMP TABLE facts(id INTEGER PRIMARY KEY, province TEXT, grp TEXT, stars INT, "
        "price INT)"
    )
    conn.executemany(
        "INSERT INTO facts VALUES (?,?,?,?,?)",
        (
            (r.product_id, r.province_code, r.group, r.stars, r.price_vnd)
            for r in snapshot.rows.values()
        ),
    )
    conn.commit()
    build_s = time.perf_counter() - started
    latencies, zero_hits = [], 0
    for text, filters in queries:
        words = [fold(w) for w in syllables(text)]
        match = " AND ".join(f'"{w}"' for w in words) or '""'
        where, args = "", []
        if "stars" in filters:
            where, args = " AND f.stars = ?", [filters["stars"]]
        if "max_price_vnd" in filters:
            where, args = " AND f.price <= ?", [filters["max_price_vnd"]]
        started = time.perf_counter()
        base = "FROM fts JOIN facts f ON f.id = fts.rowid WHERE fts MATCH ?" + where
        top = conn.execute(
            f"SELECT fts.rowid {base} ORDER BY bm25(fts, 4.0, 1.0, 0.3, 2.5) LIMIT 24",
            [match, *args],
        ).fetchall()
        for column in ("province", "grp", "stars"):
            conn.execute(
                f"SELECT f.{column}, count(*) {base} GROUP BY f.{column}", [match, *args]
            ).fetchall()
        latencies.append((time.perf_counter() - started) * 1000)
        zero_hits += not top
    suggest = []
    for prefix in prefixes:
        words = [fold(w) for w in syllables(prefix)]
        match = " AND ".join([*(f'name:"{w}"' for w in words[:-1]), f'name:"{words[-1]}"*'])
        started = time.perf_counter()
        conn.execute(
            "SELECT fts.rowid FROM fts JOIN facts f ON f.id = fts.rowid WHERE fts MATCH ? "
            "ORDER BY f.stars DESC LIMIT 8",
            [match],
        ).fetchall()
        suggest.append((time.perf_counter() - started) * 1000)
    size_mb = (
        sum(r[0] for r in conn.execute("SELECT pgsize FROM dbstat WHERE name LIKE 'fts%'")) / 1e6
        if _has_dbstat(conn)
        else float("nan")
    )
    conn.close()
    return {
        "build_s": build_s,
        "size_mb": size_mb,
        "query": _percentiles(latencies),
        "suggest": _percentiles(suggest),
        "zero_hits": zero_hits,
    }


def _has_dbstat(conn) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1").fetchall()
        return True
    except Exception:
        return False


def insert_catalog(producers: list[dict], products: list[dict], certificates: list[dict]) -> None:
    """Bulk-insert a generated catalog (`generate`) into the app's database, and commit."""
    from sqlalchemy import insert

    from catalog.models import Certificate, Producer, Product
    from core.db import db

    db.session.execute(insert(Producer), producers)
    for start in range(0, len(products), 5000):
        db.session.execute(insert(Product), products[start : start + 5000])
        db.session.execute(insert(Certificate), certificates[start : start + 5000])
    db.session.commit()


def run_size(
    count: int, query_count: int, keep: str | None = None, fts: bool = True
) -> tuple[dict, dict | None]:
    from flask_migrate import upgrade

    from config import TestingConfig
    from core.db import db
    from storefront import create_app

    if keep:  # one folder per size, reused when it holds a finished build
        tmp = os.path.join(keep, str(count))
        os.makedirs(tmp, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix=f"search-bench-{count}-")
    db_path = os.path.join(tmp, "bench.sqlite3")
    built = keep is not None and os.path.exists(os.path.join(tmp, "built"))
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}",
        SEARCH_INDEX_DIR=os.path.join(tmp, "index"),
    )
    producers, products, certificates = generate(count)
    rng = random.Random(3)
    queries = make_queries(products, query_count)
    prefixes = []
    for product in rng.sample(products, query_count):
        words = product["name"].split()
        cut = rng.randint(1, min(3, len(words)))
        text = " ".join(words[:cut])
        text = text[: max(2, len(text) - rng.randint(0, 3))]
        prefixes.append(unicodedata.normalize("NFC", text))
    with app.app_context():
        if not built:
            upgrade()
            insert_catalog(producers, products, certificates)
        whoosh = bench_whoosh(app, queries, prefixes, build=not built)
        if keep and not built:
            Path(tmp, "built").touch()
        result = bench_fts5(db_path, queries, prefixes) if fts else None
        db.session.remove()
    return whoosh, result


def main() -> int:
    import logging

    logging.disable(logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--only-20k", action="store_true", help="just 20,000 products")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build each size's database and index in DIR/<size> once and reuse them on later "
        "runs (build time is then not measured)",
    )
    parser.add_argument("--no-fts", action="store_true", help="skip the SQLite FTS5 reference")
    args = parser.parse_args()
    sizes = [20_000] if args.only_20k else args.sizes
    print(f"CPUs: {os.cpu_count()}, Python {sys.version.split()[0]}")
    header = (
        "| products | engine | build s | index MB | query p50 / p95 / p99 ms "
        "| autocomplete p50 / p95 ms | zero-hit queries |"
    )
    lines = [header, "|---|---|---|---|---|---|---|"]
    for size in sizes:
        whoosh, fts = run_size(size, args.queries, args.keep, fts=not args.no_fts)
        q, s = whoosh["query"], whoosh["suggest"]
        build = "kept" if whoosh["count"] < 0 else f"{whoosh['build_s']:.1f}"
        lines.append(
            f"| {size:,} | Whoosh-Reloaded (ours) | {build} | "
            f"{whoosh['size_mb']:.1f} | {q[0]:.1f} / {q[1]:.1f} / {q[2]:.1f} | "
            f"{s[0]:.2f} / {s[1]:.2f} | {whoosh['zero_hits']} |"
        )
        if fts is not None:
            q, s = fts["query"], fts["suggest"]
            lines.append(
                f"| {size:,} | SQLite FTS5 rd2 + đ fold | {fts['build_s']:.1f} | "
                f"{fts['size_mb']:.1f} | {q[0]:.1f} / {q[1]:.1f} / {q[2]:.1f} | "
                f"{s[0]:.2f} / {s[1]:.2f} | {fts['zero_hits']} |"
            )
        r, cost = whoosh["repeat"], whoosh["warm_cost"]
        print(
            f"{size:,}: fresh = a new ProductSearch in this process (no score maps; file cache "
            f"and for-sale snapshot warm), its first 100 queries (the mix's last 100):",
            flush=True,
        )
        for name, label in (
            ("fresh", "warmed as a worker is at start, warm-up finished first"),
            ("during", "queries sent while that warm-up runs beside them"),
            ("cold", "no warm-up (truly cold score maps)"),
        ):
            c = whoosh[name]
            print(
                f"{size:,}:   {label}: wall p50/p95/p99 {c[0]:.1f} / {c[1]:.1f} / {c[2]:.1f} ms",
                flush=True,
            )
        print(
            f"{size:,}:   the warm-up itself (background thread): wall {cost['wall_ms']:.0f} ms, "
            f"CPU {cost['cpu_ms']:.0f} ms",
            flush=True,
        )
        for name, (p50, p95, p99) in whoosh["cpu"].items():
            print(
                f"{size:,}: CPU time (thread) {name} p50/p95/p99 {p50:.1f} / {p95:.1f} / {p99:.1f} ms",
                flush=True,
            )
        print(
            f"{size:,}: repeated query (result cache hit) p50/p95/p99 "
            f"{r[0]:.1f} / {r[1]:.1f} / {r[2]:.1f} ms; "
            f"for-sale snapshot load {whoosh['snapshot_ms']:.0f} ms (once per TTL), "
            f"median hits per query {whoosh['median_hits']:.0f}",
            flush=True,
        )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
