"""Graded relevance suite for product search on the demo catalog (catalog/demo/ocop-demo.csv).

Run it to print nDCG@10, Recall@10 and MRR per query class:

    .venv/bin/python tests/search/relevance.py

`tests/search/test_relevance.py` runs the same queries and fails below the measured levels.
Grades: 3 = exactly what was asked for, 2 = clearly relevant, 1 = acceptable. Products not
listed count as 0. SKUs omit the common "OCOP-" prefix.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# The suite's calendar day: every demo certificate that should be valid is valid on it.
SUITE_DAY = date(2026, 11, 1)
DEMO_CSV = Path(__file__).resolve().parents[2] / "catalog" / "demo" / "ocop-demo.csv"

FISH_SAUCE = {"KG-001": 3, "KG-002": 3, "QNA-001": 3}
COCONUT_CANDY = {"BT-001": 3, "BT-002": 3, "BT-003": 3, "TV-004": 3}
COFFEE = {"LD-001": 3, "LD-002": 3, "DL-001": 3, "QT-002": 2, "DL-002": 1}
HONEY = {"NA-001": 3, "LS-002": 3, "BG-003": 3, "BD-002": 3, "HCM-001": 3, "DL-002": 3, "BK-001": 2}
CORDYCEPS = {"LD-003": 3, "CT-001": 3, "HAU-002": 2}
HOA_BINH = {"HB-001": 3, "HB-002": 3, "HB-003": 3, "TN-003": 1}
BEN_TRE = {f"BT-00{n}": 3 for n in range(1, 9)}
TRA_VINH = {f"TV-00{n}": 3 for n in range(1, 8)}
COCONUT = {
    "BT-001": 3,
    "BT-002": 3,
    "BT-003": 3,
    "BT-004": 3,
    "BT-005": 3,
    "BT-008": 3,
    "TV-001": 3,
    "TV-002": 3,
    "TV-003": 3,
    "TV-004": 3,
    "TV-005": 3,
    "DN-002": 3,
    "HCM-001": 3,
}
MELON = {"BD-001": 3, "TNI-002": 3, "DT-002": 3}
NFD = "NFD"


@dataclass(frozen=True)
class Judged:
    query_class: str
    query: str
    grades: dict[str, int]


QUERIES: list[Judged] = [
    # typed without any diacritics
    Judged(
        "no_diacritics", "nuoc mam phu quoc", {"KG-001": 3, "KG-002": 3, "QNA-001": 1, "KG-003": 1}
    ),
    Judged(
        "no_diacritics", "keo dua ben tre", {"BT-001": 3, "BT-002": 3, "BT-003": 3, "TV-004": 2}
    ),
    Judged("no_diacritics", "keo dua", COCONUT_CANDY),
    Judged("no_diacritics", "ca phe", COFFEE),
    Judged("no_diacritics", "mat ong", HONEY),
    Judged("no_diacritics", "tra shan tuyet", {"YB-001": 3, "HGI-001": 2}),
    Judged("no_diacritics", "dong trung ha thao", CORDYCEPS),
    Judged("no_diacritics", "nam linh chi", {"HN-006": 3}),
    Judged("no_diacritics", "tinh dau", {"HUE-002": 3, "LC-005": 3, "QNG-003": 3, "LS-001": 3}),
    Judged("no_diacritics", "dua luoi", {"BD-001": 3, "TNI-002": 3}),
    Judged("no_diacritics", "yen sao", {"TH-001": 3, "ST-001": 3}),
    Judged("no_diacritics", "hat sen say", {"NA-004": 3, "DT-001": 2}),
    Judged("no_diacritics", "gom su", {"HN-001": 3, "HN-002": 2, "QNG-002": 1}),
    Judged("no_diacritics", "tho cam", {"HB-003": 3, "LC-004": 3}),
    Judged("no_diacritics", "kho ca", {"HAU-004": 3, "HCM-002": 3, "CM-002": 3}),
    Judged("no_diacritics", "banh pia", {"ST-002": 3}),
    # some diacritics, not all
    Judged("partial_diacritics", "nước mam", FISH_SAUCE),
    Judged("partial_diacritics", "kẹo dua", COCONUT_CANDY),
    Judged("partial_diacritics", "cà phe", COFFEE),
    Judged("partial_diacritics", "trà hoa vang", {"QNI-001": 3, "QNI-002": 3}),
    Judged("partial_diacritics", "mật ong rung", {"LS-002": 3}),
    Judged("partial_diacritics", "đong trung", CORDYCEPS),
    # old and new tone placement
    Judged("tone_placement", "hoà bình", HOA_BINH),
    Judged("tone_placement", "hòa bình", HOA_BINH),
    Judged("tone_placement", "thuỷ thanh", {"HUE-001": 3}),
    Judged("tone_placement", "thủy thanh", {"HUE-001": 3}),
    Judged("tone_placement", "chiếu thuỷ", {"BT-007": 3}),
    Judged("tone_placement", "sức khoẻ", {"BK-001": 3}),
    Judged("tone_placement", "trà hoà tan", {"DT-004": 3}),
    Judged("tone_placement", "khóm hoả tiến", {"HAU-003": 3}),
    # đ typed as d (or not)
    Judged("d_stroke", "duong hoa dua", {"TV-001": 3}),
    Judged("d_stroke", "đường thốt nốt", {"AG-001": 3}),
    Judged("d_stroke", "duong thot not", {"AG-001": 3}),
    Judged("d_stroke", "dau phung", {"QNA-004": 3}),
    Judged("d_stroke", "toi den", {"HN-004": 3}),
    Judged("d_stroke", "dan phuong", {"HN-005": 3}),
    Judged("d_stroke", "Đông trùng hạ thảo", CORDYCEPS),
    # province names before and after the 2025 merger
    Judged("province", "ben tre", BEN_TRE),
    Judged("province", "vinh long", {**BEN_TRE, **TRA_VINH}),
    Judged("province", "kien giang", {"KG-001": 3, "KG-002": 3, "KG-003": 3}),
    Judged("province", "tra vinh", TRA_VINH),
    Judged("province", "hue", {f"HUE-00{n}": 3 for n in range(1, 6)}),
    Judged("province", "ha giang", {"HGI-001": 3}),
    Judged("province", "dak lak", {"DL-001": 3, "DL-002": 3}),
    Judged("province", "nước mắm kiên giang", {"KG-001": 3, "KG-002": 3}),
    # English (tourists)
    Judged("english", "fish sauce", FISH_SAUCE),
    Judged("english", "coconut candy", COCONUT_CANDY),
    Judged("english", "honey", HONEY),
    Judged("english", "coffee", COFFEE),
    Judged("english", "green tea", {"TH-003": 3, "TN-004": 3, "TN-001": 3}),
    Judged("english", "lotus seeds", {"DT-001": 3, "NA-004": 3}),
    Judged("english", "bird's nest", {"TH-001": 3, "ST-001": 3}),
    Judged("english", "essential oil", {"LC-005": 3, "QNG-003": 3, "HUE-002": 2, "LS-001": 2}),
    Judged("english", "brocade", {"HB-003": 3, "LC-004": 3}),
    Judged("english", "garlic", {"HN-004": 3, "QNG-001": 3}),
    Judged("english", "mushroom", {"HN-006": 3, "HAU-001": 3, "QNI-004": 2}),
    # typos
    Judged("typo", "nuoc mma", FISH_SAUCE),
    Judged("typo", "mat ogn", HONEY),
    Judged("typo", "dong trung ha thoa", CORDYCEPS),
    Judged("typo", "toi ly shon", {"QNG-001": 3}),
    Judged("typo", "ruou ba kick", {"QNI-003": 3}),
    Judged("typo", "yeen sao", {"TH-001": 3, "ST-001": 3}),
    Judged("typo", "coffe", COFFEE),
    # multi-syllable words and phrases
    Judged("phrase", "nước mắm", FISH_SAUCE),
    Judged("phrase", "cà phê", COFFEE),
    Judged("phrase", "hoa vàng", {"QNI-001": 3, "QNI-002": 3, "BG-002": 3}),
    Judged("phrase", "hạt sen", {"NA-004": 3, "DT-001": 2}),
    Judged("phrase", "du lịch cộng đồng", {"DN-001": 3, "BT-008": 2, "QNA-003": 2}),
    Judged("phrase", "trà xanh", {"TH-003": 3, "TN-004": 1}),
    Judged(
        "phrase",
        "hợp tác xã chè",
        {"TN-001": 3, "LC-002": 3, "HGI-001": 3, "TN-004": 1, "YB-001": 3},
    ),
    # producer names
    Judged("producer", "khai hoan", {"KG-001": 3}),
    Judged("producer", "kokofi", {"TV-002": 3}),
    Judged("producer", "bometa", {"NA-001": 3}),
    Judged("producer", "ecohome", {"DT-003": 3, "DT-004": 3}),
    Judged("producer", "htx ba che", {"QNI-003": 3, "QNI-004": 3, "QNI-001": 2}),
    Judged("producer", "daisy", {"LD-001": 3}),
    Judged("producer", "Đông Á", {"BT-001": 3, "BT-002": 3, "BT-003": 3}),
    # syllables run together
    Judged("glued", "caphe", COFFEE),
    Judged("glued", "nuocmam", FISH_SAUCE),
    Judged("glued", "keodua", COCONUT_CANDY),
    Judged("glued", "matong", HONEY),
    # diacritics that carry meaning: exact words first
    Judged("exact_diacritics", "dừa", COCONUT),
    Judged("exact_diacritics", "dưa", MELON),
    Judged("exact_diacritics", "dứa", {"HAU-003": 3, "BT-001": 2, "TV-004": 2}),
    Judged("exact_diacritics", "nấm", {"HN-006": 3, "HAU-001": 3, "QNI-004": 3}),
    Judged(
        "exact_diacritics",
        "cá",
        {"HN-005": 3, "HAU-004": 3, "HCM-002": 3, "CM-002": 3, "KG-002": 3},
    ),
    Judged("exact_diacritics", "mắm", {**FISH_SAUCE, "CM-003": 3, "DT-002": 3}),
    # capitals and decomposed (NFD) input
    Judged("case_nfd", "NƯỚC MẮM Phú Quốc", {"KG-001": 3, "KG-002": 3, "QNA-001": 1, "KG-003": 1}),
    Judged("case_nfd", unicodedata.normalize(NFD, "nước mắm"), FISH_SAUCE),
    Judged("case_nfd", unicodedata.normalize(NFD, "Kẹo Dừa"), COCONUT_CANDY),
]


# --- metrics ---------------------------------------------------------------------------------


def _dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    ideal = _dcg(sorted(grades.values(), reverse=True)[:10])
    return _dcg([grades.get(sku, 0) for sku in ranked[:10]]) / ideal if ideal else 0.0


def recall_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    relevant = {sku for sku, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:10])) / min(10, len(relevant))


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for position, sku in enumerate(ranked, start=1):
        if grades.get(sku, 0) > 0:
            return 1.0 / position
    return 0.0


@dataclass(frozen=True)
class Scores:
    ndcg: float
    recall: float
    mrr: float
    count: int


Row = tuple[float, float, float]  # nDCG@10, Recall@10, reciprocal rank of one query


def score_query(ranked: list[str], grades: dict[str, int]) -> Row:
    """The three metrics of one ranked list of SKUs ("OCOP-" prefix already removed)."""
    return (
        ndcg_at_10(ranked, grades),
        recall_at_10(ranked, grades),
        reciprocal_rank(ranked, grades),
    )


def mean_scores(rows_by_class: dict[str, list[Row]]) -> dict[str, Scores]:
    """Per-class means, plus "ALL" over every row."""
    every = [row for rows in rows_by_class.values() for row in rows]
    groups = {**rows_by_class, "ALL": every} if every else dict(rows_by_class)
    return {
        name: Scores(*(sum(col) / len(rows) for col in zip(*rows, strict=True)), len(rows))
        for name, rows in groups.items()
    }


def evaluate(search_skus: Callable[[str], list[str]]) -> tuple[dict[str, Scores], dict[str, float]]:
    """Run every judged query; return per-class and overall means, plus per-query nDCG."""
    per_class: dict[str, list[Row]] = defaultdict(list)
    per_query: dict[str, float] = {}
    for judged in QUERIES:
        ranked = [sku.removeprefix("OCOP-") for sku in search_skus(judged.query)]
        row = score_query(ranked, judged.grades)
        per_class[judged.query_class].append(row)
        per_query[f"{judged.query_class}: {judged.query}"] = row[0]
    return mean_scores(per_class), per_query


def format_table(means: dict[str, Scores]) -> str:
    lines = [f"{'class':<20} {'n':>3} {'nDCG@10':>8} {'Recall@10':>10} {'MRR':>6}"]
    for name, s in sorted(means.items(), key=lambda item: (item[0] == "ALL", item[0])):
        lines.append(f"{name:<20} {s.count:>3} {s.ndcg:>8.3f} {s.recall:>10.3f} {s.mrr:>6.3f}")
    return "\n".join(lines)


# --- running it against a fresh database -----------------------------------------------------


def demo_search_skus(app, index_dir: str) -> Callable[[str], list[str]]:
    """A function query → ranked SKUs (top 10), searching the demo catalog on SUITE_DAY."""
    from catalog.products.listing import ProductQuery
    from search.query import ProductSearch

    service = ProductSearch(index_dir, snapshot_ttl=3600)

    def _search(query: str) -> list[str]:
        page = service.search(query, ProductQuery(per_page=10), SUITE_DAY)
        return [product.sku for product in page.items]

    return _search


def main() -> int:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from flask_migrate import upgrade

    from catalog.importer import import_catalog
    from config import TestingConfig
    from core.clock import utcnow
    from search.indexer import rebuild_index
    from storefront import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/relevance.sqlite3",
            SEARCH_INDEX_DIR=f"{tmp}/index",
        )
        with app.app_context():
            upgrade()
            report = import_catalog(
                DEMO_CSV.read_text(encoding="utf-8"), actor_id=None, now=utcnow()
            )
            assert report.ok, report.errors
            rebuild_index(app.config["SEARCH_INDEX_DIR"])
            means, per_query = evaluate(demo_search_skus(app, app.config["SEARCH_INDEX_DIR"]))
    print(format_table(means))  # noqa: T201 - a script
    weak = {q: v for q, v in per_query.items() if v < 0.8}
    if weak:
        print("\nqueries below nDCG@10 0.8:")  # noqa: T201 - a script
        for query, value in sorted(weak.items(), key=lambda item: item[1]):
            print(f"  {value:.3f}  {query}")  # noqa: T201 - a script
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
