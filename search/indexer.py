"""Write the product index: full rebuilds and per-product refreshes after a database commit.

Layout on disk (all beside each other in the parent folder of `index_dir`):

* `index_dir` is a **symlink** to the live generation `<name>.gen-<stamp>`; a rebuild writes a
  new generation and swaps the link atomically, so readers never see a half-built index;
* `<name>.pending/` holds ids that could not be written because another process held the
  index lock; the next writer (a refresh, a rebuild, or a search that finds the lock free)
  applies them. A web request therefore never waits more than `timeout` seconds nor sees a
  `LockError`, and no change is lost.

Whoosh allows one writer per index (a file lock); readers are unaffected while it commits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from catalog.models import Product
from core.db import db

from .schema import SCHEMA_VERSION, build_schema, product_document

log = logging.getLogger(__name__)

INDEX_NAME = "products"
DEFAULT_WRITE_TIMEOUT = 5.0
_BATCH = 500


class IndexState(StrEnum):
    OK = "ok"
    MISSING = "missing"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    OUTDATED = "outdated"  # built with another SCHEMA_VERSION


def live_dir(index_dir: str) -> str:
    """The directory of the live generation (resolves the symlink)."""
    return os.path.realpath(index_dir)


def pending_dir(index_dir: str) -> str:
    return os.path.abspath(index_dir).rstrip(os.sep) + ".pending"


def open_index(index_dir: str):
    """Open the live generation; raises (EmptyIndexError, OSError, …) when missing or broken."""
    return whoosh_index.open_dir(live_dir(index_dir), indexname=INDEX_NAME)


def index_state(index_dir: str) -> IndexState:
    """Whether the index can serve searches (for `reindex --if-needed` and the status page)."""
    path = live_dir(index_dir)
    if not os.path.isdir(path) or not whoosh_index.exists_in(path, indexname=INDEX_NAME):
        return IndexState.MISSING
    try:
        ix = open_index(index_dir)
        with ix.searcher() as searcher:
            count = searcher.doc_count()
            if count == 0:
                return IndexState.EMPTY
            first = next(searcher.all_stored_fields(), {})
            if first.get("schema_version") != str(SCHEMA_VERSION):
                return IndexState.OUTDATED
    except Exception:  # any unreadable TOC or segment means corrupt
        log.exception("search index at %s is unreadable", index_dir)
        return IndexState.CORRUPT
    return IndexState.OK


# --- reading products ------------------------------------------------------------------------


def _load_products(product_ids: Iterable[int] | None) -> Iterable[Product]:
    query = select(Product).options(selectinload(Product.producer)).order_by(Product.id)
    if product_ids is None:
        # Batches keep memory flat on large catalogs.
        last_id = 0
        while True:
            batch = list(db.session.scalars(query.where(Product.id > last_id).limit(_BATCH)))
            if not batch:
                return
            yield from batch
            last_id = batch[-1].id
            # The identity map holds objects weakly, so finished batches are freed as we go.
    else:
        ids = sorted(set(product_ids))
        for start in range(0, len(ids), _BATCH):
            yield from db.session.scalars(query.where(Product.id.in_(ids[start : start + _BATCH])))


def count_products() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(Product.id))) or 0


# --- full rebuild ----------------------------------------------------------------------------


def rebuild_index(
    index_dir: str,
    progress: Callable[[int], None] | None = None,
    *,
    limitmb: int = 512,
    lock_timeout: float = 60.0,
) -> int:
    """Rebuild the whole index from the database into a new generation and swap it in.

    Holds the live index's write lock while building, so concurrent refreshes record their ids
    as pending instead of writing into a generation about to be replaced; those ids are applied
    right after the swap. Returns the number of products indexed.
    """
    link = os.path.abspath(index_dir).rstrip(os.sep)
    parent = os.path.dirname(link)
    os.makedirs(parent, exist_ok=True)
    new_dir = f"{link}.gen-{time.time_ns()}-{uuid.uuid4().hex[:6]}"
    os.makedirs(new_dir)
    held_lock = _lock_live_index(index_dir, lock_timeout)
    try:
        ix = whoosh_index.create_in(new_dir, build_schema(), indexname=INDEX_NAME)
        writer = ix.writer(limitmb=limitmb)
        count = 0
        try:
            for product in _load_products(None):
                writer.add_document(**product_document(product))
                count += 1
                if progress is not None:
                    progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        _swap_link(link, new_dir)
    except BaseException:
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    finally:
        if held_lock is not None:
            held_lock.release()
    _remove_old_generations(link, keep=new_dir)
    drain_pending(index_dir, timeout=DEFAULT_WRITE_TIMEOUT)
    return count


def _lock_live_index(index_dir: str, timeout: float):
    try:
        ix = open_index(index_dir)
    except Exception:  # nothing live (or unreadable): nobody else can write to it either
        return None
    lock = ix.lock("WRITELOCK")
    deadline = time.monotonic() + timeout
    while not lock.acquire(blocking=False):
        if time.monotonic() > deadline:
            raise LockError(f"search index {index_dir} stayed locked for {timeout:.0f} s")
        time.sleep(0.1)
    return lock


def _swap_link(link: str, target: str) -> None:
    if os.path.isdir(link) and not os.path.islink(link):
        # An index from before generations existed: move it aside, it is replaced.
        os.rename(link, f"{link}.gen-0-legacy")
    tmp_link = f"{link}.link-{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.basename(target), tmp_link)
    os.replace(tmp_link, link)  # atomic: readers see the old or the new generation


def _remove_old_generations(link: str, keep: str) -> None:
    parent, base = os.path.split(link)
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        if name.startswith(base + ".gen-") and path != keep:
            # Open readers keep their files (POSIX), so deleting under them is safe.
            shutil.rmtree(path, ignore_errors=True)


# --- refreshing some products ----------------------------------------------------------------


def refresh_products(
    index_dir: str, product_ids: Iterable[int], *, timeout: float = DEFAULT_WRITE_TIMEOUT
) -> bool:
    """Re-read these products from the database and update (or delete) their documents.

    Call after the transaction committed. Returns True when written now, False when the ids
    were recorded as pending (index locked by another process for longer than `timeout`, or
    no index yet). Never raises `LockError`.
    """
    ids = {int(product_id) for product_id in product_ids}
    if not ids:
        return True
    written = _write_ids(index_dir, ids, timeout)
    if not written:
        record_pending(index_dir, ids)
    return written


def drain_pending(index_dir: str, *, timeout: float = 0.0) -> bool:
    """Apply ids recorded as pending, if the lock can be had within `timeout`."""
    if not _pending_files(index_dir):
        return True
    return _write_ids(index_dir, set(), timeout)


def has_pending(index_dir: str) -> bool:
    return bool(_pending_files(index_dir))


def _write_ids(index_dir: str, ids: set[int], timeout: float) -> bool:
    try:
        ix = open_index(index_dir)
        opened_dir = ix.storage.folder
    except Exception:
        return False  # no usable index: a rebuild will read everything from the database
    try:
        writer = ix.writer(timeout=timeout)
    except LockError:
        return False
    try:
        if live_dir(index_dir) != opened_dir:
            # A rebuild swapped generations while we waited: this one is garbage now.
            writer.cancel()
            return False
        files = _pending_files(index_dir)
        all_ids = ids | _read_pending(files)
        _update_documents(writer, all_ids)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    for path in files:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
    return True


def _update_documents(writer: IndexWriter, ids: set[int]) -> None:
    found: set[int] = set()
    for product in _load_products(ids):
        writer.update_document(**product_document(product))
        found.add(product.id)
    for missing_id in ids - found:  # deleted from the database
        writer.delete_by_term("pid", str(missing_id))


def record_pending(index_dir: str, ids: Iterable[int]) -> None:
    """Remember ids to write later (atomic file per call, so concurrent callers never clash)."""
    folder = pending_dir(index_dir)
    os.makedirs(folder, exist_ok=True)
    name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    tmp = os.path.join(folder, f".{name}.tmp")
    with open(tmp, "w", encoding="ascii") as handle:
        handle.write("\n".join(str(i) for i in sorted(set(ids))))
    os.replace(tmp, os.path.join(folder, f"{name}.ids"))


def _pending_files(index_dir: str) -> list[str]:
    folder = pending_dir(index_dir)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return [os.path.join(folder, n) for n in sorted(names) if n.endswith(".ids")]


def _read_pending(files: list[str]) -> set[int]:
    ids: set[int] = set()
    for path in files:
        with contextlib.suppress(FileNotFoundError), open(path, encoding="ascii") as handle:
            ids.update(int(line) for line in handle.read().split() if line.isdigit())
    return ids
