"""Relevance on two catalogs, scored per half: tuned (develop against it) and held-out (report only).

The judged queries live in tests/search/data/ (`tuned.tsv`, `heldout.tsv`; see the README
there); each names the catalog it is judged on: the demo catalog or the real-products catalog
(tests/search/real_catalog.py). Run it to print both halves per class:

    .venv/bin/python tests/search/suite.py               # the shop's search
    .venv/bin/python tests/search/suite.py --baseline    # also "fold diacritics, match every word"
    .venv/bin/python tests/search/suite.py --details     # + the weak *tuned* queries
    .venv/bin/python tests/search/suite.py --sets=tuned,tuned2,tuned3,heldout3   # only these sets

The held-out half is only ever reported per class: this module never prints a held-out query.
`tests/search/test_relevance.py` runs the same measurement and fails below the floors.
"""

from __future__ import annotations

import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__":  # run as a script: make the project and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.search.relevance import (
    DEMO_CSV,
    SUITE_DAY,
    Row,
    Scores,
    demo_search_skus,
    mean_scores,
    score_query,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
HALVES = ("tuned", "heldout")
# Judged later, written before the ranking change they were used for (tests/search/data/README.md):
# `tuned2`/`tuned3` may be tuned against like `tuned`; `heldout2`/`heldout3` are report-only like
# `heldout`.
LATER_SETS = ("tuned2", "heldout2", "tuned3", "heldout3")
SETS = HALVES + LATER_SETS
REPORT_ONLY = frozenset({"heldout", "heldout2", "heldout3"})
CATALOGS = ("demo", "real")
INPUT_FORMS = ("typed", "nfd")
COLUMNS = ["id", "class", "catalog", "input", "query", "grades"]

Searcher = Callable[[str], list[str]]


class SuiteDataError(ValueError):
    """A line of a judged-query file is malformed."""


@dataclass(frozen=True)
class JudgedQuery:
    qid: str
    query_class: str
    catalog: str
    input_form: str  # "typed" or "nfd"
    query: str  # as written in the file (NFC)
    grades: dict[str, int]

    @property
    def typed(self) -> str:
        """The text the harness sends to the search."""
        return unicodedata.normalize("NFD", self.query) if self.input_form == "nfd" else self.query


def _parse_grades(text: str, where: str) -> dict[str, int]:
    grades: dict[str, int] = {}
    for item in text.split():
        sku, _, grade = item.partition("=")
        if not sku or grade not in {"1", "2", "3"}:
            raise SuiteDataError(f"{where}: bad grade {item!r} (want SKU=1, 2 or 3)")
        if sku in grades:
            raise SuiteDataError(f"{where}: {sku} graded twice")
        grades[sku] = int(grade)
    if not grades:
        raise SuiteDataError(f"{where}: no graded product")
    return grades


def parse_queries(text: str, source: str = "<text>") -> list[JudgedQuery]:
    """Parse a judged-query TSV (header line first); raise SuiteDataError on any bad line."""
    header, *lines = text.splitlines()
    if header.split("\t") != COLUMNS:
        raise SuiteDataError(f"{source}: header must be {COLUMNS}")
    queries = []
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        fields = line.split("\t")
        if len(fields) != len(COLUMNS):
            raise SuiteDataError(f"{where}: {len(fields)} columns, want {len(COLUMNS)}")
        qid, query_class, catalog, input_form, query, grades = fields
        if catalog not in CATALOGS:
            raise SuiteDataError(f"{where}: unknown catalog {catalog!r}")
        if input_form not in INPUT_FORMS:
            raise SuiteDataError(f"{where}: unknown input form {input_form!r}")
        if not query.strip() or unicodedata.normalize("NFC", query) != query:
            raise SuiteDataError(f"{where}: query must be non-empty NFC text")
        queries.append(
            JudgedQuery(qid, query_class, catalog, input_form, query, _parse_grades(grades, where))
        )
    return queries


def load_half(half: str) -> list[JudgedQuery]:
    """The judged queries of one set: "tuned" or "heldout", or a later set ("tuned2", …)."""
    if half not in SETS:
        raise ValueError(f"unknown half {half!r}")
    path = DATA_DIR / f"{half}.tsv"
    return parse_queries(path.read_text(encoding="utf-8"), path.name)


def catalog_csv(catalog: str) -> str:
    """The importer CSV of a suite catalog."""
    if catalog == "demo":
        return DEMO_CSV.read_text(encoding="utf-8")
    if catalog == "real":
        from tests.search.real_catalog import csv_text

        return csv_text()
    raise ValueError(f"unknown catalog {catalog!r}")


def rank_queries(queries: Iterable[JudgedQuery], searcher: Searcher) -> dict[str, list[str]]:
    """qid → ranked SKUs ("OCOP-" prefix removed), for queries of the catalog that is loaded."""
    return {
        judged.qid: [sku.removeprefix("OCOP-") for sku in searcher(judged.typed)]
        for judged in queries
    }


def score(
    queries: Iterable[JudgedQuery], ranked: dict[str, list[str]]
) -> tuple[dict[str, Scores], dict[str, Row]]:
    """Per-class and overall means of one half, and each query's row (keyed by qid)."""
    per_class: dict[str, list[Row]] = defaultdict(list)
    per_query: dict[str, Row] = {}
    for judged in queries:
        row = score_query(ranked[judged.qid], judged.grades)
        per_class[judged.query_class].append(row)
        per_query[judged.qid] = row
    return mean_scores(per_class), per_query


def measure_catalog(
    catalog: str,
    queries: Iterable[JudgedQuery],
    index_dir: str,
    *,
    baseline: bool = False,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Load one catalog into the (empty) database of the current app, index it, rank its queries.

    Returns (shop rankings, baseline rankings — empty unless asked for). The caller empties the
    tables afterwards.
    """
    from catalog.importer import import_catalog
    from core.clock import utcnow
    from search.indexer import rebuild_index
    from tests.search.baseline import baseline_searcher

    report = import_catalog(catalog_csv(catalog), actor_id=None, now=utcnow())
    if not report.ok:
        raise SuiteDataError(f"catalog {catalog}: import failed: {report.errors[:3]}")
    rebuild_index(index_dir)
    mine = [judged for judged in queries if judged.catalog == catalog]
    shop = rank_queries(mine, demo_search_skus(None, index_dir))
    plain = rank_queries(mine, baseline_searcher(SUITE_DAY)) if baseline else {}
    return shop, plain


def format_halves(columns: dict[str, dict[str, Scores]]) -> str:
    """One table, a column group (nDCG@10 / Recall@10 / MRR) per measured half."""
    names = sorted({name for means in columns.values() for name in means})
    names.sort(key=lambda name: name == "ALL")
    head = f"{'class':<19}" + "".join(f" | {title:^25}" for title in columns)
    sub = f"{'':<19}" + " | {:>3} {:>7} {:>6} {:>6}".format("n", "nDCG", "R@10", "MRR") * len(
        columns
    )
    lines = [head, sub]
    for name in names:
        cells = []
        for means in columns.values():
            s = means.get(name)
            cells.append(
                f" | {s.count:>3} {s.ndcg:>7.3f} {s.recall:>6.3f} {s.mrr:>6.3f}"
                if s
                else f" | {'':>25}"
            )
        lines.append(f"{name:<19}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    import tempfile

    from flask_migrate import upgrade

    from config import TestingConfig
    from core.db import db
    from storefront import create_app

    with_baseline = "--baseline" in argv
    # `--sets tuned,tuned2,heldout2`: measure only these (e.g. leave the held-out half alone
    # while working, so it is measured only when reporting).
    chosen = HALVES
    for arg in argv:
        if arg.startswith("--sets="):
            chosen = tuple(arg.removeprefix("--sets=").split(","))
    halves = {half: load_half(half) for half in chosen}
    every = [judged for queries in halves.values() for judged in queries]
    shop: dict[str, list[str]] = {}
    plain: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for catalog in CATALOGS:  # one fresh database per catalog
            app = create_app(
                TestingConfig,
                SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/{catalog}.sqlite3",
                SEARCH_INDEX_DIR=f"{tmp}/{catalog}-index",
            )
            with app.app_context():
                upgrade()
                ranked, baseline_ranked = measure_catalog(
                    catalog, every, app.config["SEARCH_INDEX_DIR"], baseline=with_baseline
                )
                shop.update(ranked)
                plain.update(baseline_ranked)
                db.session.remove()
                db.engine.dispose()
    columns = {f"shop {half}": score(halves[half], shop)[0] for half in halves}
    if with_baseline:
        columns |= {f"baseline {half}": score(halves[half], plain)[0] for half in halves}
    print(format_halves(columns))  # noqa: T201 - a script
    if "--details" in argv:
        # Only sets one may tune against: a report-only query is never printed.
        tunable = [
            j for half, queries in halves.items() if half not in REPORT_ONLY for j in queries
        ]
        _, per_query = score(tunable, shop)
        weak = [(per_query[j.qid][0], j) for j in tunable if per_query[j.qid][0] < 0.8]
        print(f"\ntuned queries below nDCG@10 0.8 ({len(weak)}):")  # noqa: T201
        for value, judged in sorted(weak, key=lambda item: (item[0], item[1].qid)):
            got = " ".join(shop[judged.qid][:5]) or "(nothing)"
            print(  # noqa: T201 - a script
                f"  {value:.3f}  {judged.qid} {judged.query_class}/{judged.catalog}: "
                f"{judged.query!r} → {got}"
            )
    return 0


if __name__ == "__main__":
    import logging

    logging.disable(logging.INFO)
    raise SystemExit(main(sys.argv[1:]))
