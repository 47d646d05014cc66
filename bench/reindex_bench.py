"""Full-reindex benchmark: one catalog database, each code tree's `rebuild_index` on it in turn.

On a shared machine wall time swings with the other engineers' load, so this prints the build's
**process CPU time** (≈ wall on a quiet machine: the build is one single-threaded process) next
to its wall time and the load average, and can dump every term and posting of the index so two
trees' indexes can be compared for identity.

    .venv/bin/python bench/reindex_bench.py setup /tmp/rb20k 20000           # load catalog
    .venv/bin/python bench/reindex_bench.py setup /tmp/rb20k 20000 --search  # search_bench's
    .venv/bin/python bench/reindex_bench.py build /tmp/rb20k [--dump FILE]
    TREE=/path/to/other/checkout .venv/bin/python bench/reindex_bench.py build /tmp/rb20k

`setup` imports the load benchmark's catalog (`bench/load_catalog.py`, the real rows and their
variants, through the app's importer — what `bench/load.py` reindexes) or, with `--search`,
`bench/search_bench.py`'s generated catalog, into `<folder>/catalog.sqlite3`. `build` rebuilds
the index into `<folder>/index-<pid>` and removes it afterwards (unless `--keep`).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import resource
import shutil
import sys
import time
from pathlib import Path


def _app(tree: str, folder: str, index_dir: str):
    sys.path.insert(0, tree)
    from config import TestingConfig
    from storefront import create_app

    return create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/catalog.sqlite3",
        SEARCH_INDEX_DIR=index_dir,
    )


def setup(tree: str, folder: str, count: int, search_catalog: bool) -> None:
    os.makedirs(folder, exist_ok=True)
    app = _app(tree, folder, f"{folder}/index-setup")
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        if search_catalog:
            from bench.search_bench import generate, insert_catalog

            insert_catalog(*generate(count))
        else:
            from bench.load import _today_vietnam
            from bench.load_catalog import generate_rows, to_csv
            from catalog.importer import import_catalog
            from core.clock import utcnow

            text = to_csv(generate_rows(count, today=_today_vietnam()))
            report = import_catalog(text, actor_id=None, now=utcnow())
            print(f"imported: created {report.created}, rejected {len(report.errors)}")  # noqa: T201


def dump_index(index_dir: str, out: str) -> str:
    """Every field's terms with (doc pid, weight/frequency, positions) postings, stored fields
    and field lengths, in a canonical text form; returns its SHA-256."""
    from search.indexer import open_index

    ix = open_index(index_dir)
    digest = hashlib.sha256()
    with ix.searcher() as searcher, open(out, "w", encoding="utf-8") as handle:
        reader = searcher.reader()
        pid_of = {docnum: fields["pid"] for docnum, fields in reader.iter_docs()}

        def emit(line: str) -> None:
            handle.write(line + "\n")
            digest.update(line.encode("utf-8") + b"\n")

        emit(f"doc_count {reader.doc_count()}")
        for _docnum, fields in sorted(reader.iter_docs(), key=lambda item: int(item[1]["pid"])):
            emit(f"stored {sorted(fields.items())}")
        for name in sorted(ix.schema.names()):
            if not ix.schema[name].scorable:
                continue
            lengths = sorted((int(pid_of[d]), reader.doc_field_length(d, name, 0)) for d in pid_of)
            emit(f"lengths {name} {lengths}")
        for fieldname, term in reader.all_terms():
            text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            postings = reader.postings(fieldname, term)
            items = []
            while postings.is_active():
                items.append((int(pid_of[postings.id()]), round(postings.weight(), 6)))
                postings.next()
            items.sort()
            emit(f"term {fieldname} {text!r} df={reader.doc_frequency(fieldname, term)} {items}")
    ix.close()
    return digest.hexdigest()


def build(tree: str, folder: str, keep: bool, dump: str | None) -> None:
    index_dir = f"{folder}/index-{os.getpid()}"
    app = _app(tree, folder, index_dir)
    with app.app_context():
        import search.indexer
        from search.indexer import rebuild_index

        print(f"code: {search.indexer.__file__}")  # noqa: T201 - a script
        load_before = os.getloadavg()
        cpu, wall = time.process_time(), time.perf_counter()
        count = rebuild_index(index_dir)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        children = os.times()
        size = (
            sum(f.stat().st_size for f in Path(index_dir).resolve().iterdir() if f.is_file()) / 1e6
        )
        print(  # noqa: T201
            f"built {count} products: CPU {cpu:.1f} s (children {children.children_user:.1f} s), "
            f"wall {wall:.1f} s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
            f"index {size:.1f} MB, load average "
            f"{load_before[0]:.2f} → {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        if dump:
            print(f"dump sha256 {dump_index(index_dir, dump)}")  # noqa: T201
        if not keep:
            for path in Path(folder).glob(f"index-{os.getpid()}*"):
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def main(argv: list[str]) -> int:
    logging.disable(logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["setup", "build"])
    parser.add_argument("folder")
    parser.add_argument("count", type=int, nargs="?", default=20_000)
    parser.add_argument("--search", action="store_true", help="search_bench's catalog")
    parser.add_argument("--keep", action="store_true", help="keep the built index")
    parser.add_argument("--dump", help="write every term and posting here")
    args = parser.parse_args(argv)
    tree = os.environ.get("TREE", str(Path(__file__).resolve().parents[1]))
    folder = os.path.abspath(args.folder)
    if args.mode == "setup":
        setup(tree, folder, args.count, args.search)
    else:
        build(tree, folder, args.keep, args.dump)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
