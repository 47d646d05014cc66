"""Compare two code trees' search on one prebuilt 20,000-product database and index.

On a loaded, shared machine a full `bench/search_bench.py` run (which rebuilds the index each
time) swings more between runs than the changes it should show. This builds the data once
(the same generator and query mix as search_bench.py) and then measures each tree on it, back to
back, as often as wanted:

    .venv/bin/python bench/search_ab.py setup /tmp/ab20k
    TREE=/path/to/other/checkout .venv/bin/python bench/search_ab.py measure /tmp/ab20k
    .venv/bin/python bench/search_ab.py measure /tmp/ab20k

`measure` prints, for two freshly opened searchers in turn, p50/p95/p99 of their first 100
queries (wall and per-thread CPU ms), then the same searcher's 500 warm queries. Both trees
must share the index format (same SCHEMA_VERSION). WARM=1 calls `ProductSearch.warm_up` first,
as a web worker does at its first search.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    mode, folder = argv[0], argv[1]
    tree = os.environ.get("TREE", str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, tree)
    logging.disable(logging.INFO)
    from bench.search_bench import (
        _page_rows,
        _percentiles,
        generate,
        make_queries,
        timed_searches,
    )
    from config import TestingConfig
    from storefront import create_app

    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite3",
        SEARCH_INDEX_DIR=f"{folder}/index",
    )
    producers, products, certificates = generate(20_000)
    queries = make_queries(products, 500)
    with app.app_context():
        if mode == "setup":
            return _setup(folder, producers, products, certificates)
        import search.query
        from catalog.products.listing import ProductQuery
        from core.clock import today_in_vietnam
        from search.query import ProductSearch

        print(f"code: {search.query.__file__}")  # noqa: T201 - a script
        rows = _page_rows()  # as the search page loads them
        today = today_in_vietnam()

        def run(service, batch):
            wall, cpu = timed_searches(service, batch, today, rows)
            return " / ".join(f"{v:.1f}" for v in _percentiles(wall)), " / ".join(
                f"{v:.1f}" for v in _percentiles(cpu)
            )

        for _ in range(2):
            fresh = ProductSearch(f"{folder}/index", snapshot_ttl=3600)
            if os.environ.get("WARM"):
                started = time.thread_time()
                maps = fresh.warm_up(today)
                print(f"warm_up: {maps} maps, CPU {(time.thread_time() - started) * 1000:.0f} ms")  # noqa: T201
            fresh.search("nuoc mam", ProductQuery(), today, **rows)  # open searcher, snapshot
            wall, cpu = run(fresh, queries[-100:])
            print(f"fresh searcher, first 100: wall {wall}  CPU {cpu}", flush=True)  # noqa: T201
        wall, cpu = run(fresh, queries)
        print(f"warm searcher, 500:        wall {wall}  CPU {cpu}", flush=True)  # noqa: T201
    return 0


def _setup(folder: str, producers, products, certificates) -> int:
    from flask_migrate import upgrade

    from bench.search_bench import insert_catalog
    from search.indexer import rebuild_index

    upgrade()
    insert_catalog(producers, products, certificates)
    started = time.perf_counter()
    rebuild_index(f"{folder}/index")
    print(f"index built in {time.perf_counter() - started:.0f} s")  # noqa: T201 - a script
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
