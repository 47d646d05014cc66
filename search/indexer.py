"""Write the product index in generations: never modified in place, validated when opened.

Layout on disk (all beside each other in the parent folder of `index_dir`):

* `index_dir` is a **symlink** to the live generation `<name>.gen-<stamp>`. Every write — a
  full rebuild, a refresh after a commit, the follower catching up with other servers — makes
  a *new* generation beside the live one and swaps the link atomically (`os.replace`). The
  files of a generation are never written again: a refresh hard-links the live generation's
  files into the new folder and lets Whoosh add segments and a new TOC there (Whoosh never
  rewrites a file it has written; deletions live in the TOC).
* Each generation holds `manifest.json`: every file's size and SHA-256, the schema version,
  and how far the index follows the database (`covers_until`, see `search/index_follow.py`).
  `open_index` checks the manifest before Whoosh reads anything (a file's digest is computed
  once per process per file version), so a truncated, overwritten or half-copied index is
  refused instead of read. A generation without a manifest (from before) counts as outdated.
* Each generation also holds `docs.json`, a digest of every indexed document, so a writer can
  skip products whose document did not change (a sale changes stock, not the document).
* Files are read without `mmap`: a file truncated under a memory-mapped reader kills the
  process with SIGBUS, while a plain read only raises an error the search answers from the
  database (and a rebuild starts in the background).
* `<name>.lock` serialises writers across processes (`flock`); `<name>.pending/` holds ids a
  refresh could not write because another writer held the lock longer than its timeout. The
  next writer applies them, so a web request never waits long nor loses a change.
* Retired generations are deleted a few seconds after being replaced; open readers keep
  their files (POSIX), and readers re-open the live one on their next search.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from catalog.models import Product
from core.clock import utcnow
from core.db import db

from .bulk_writer import BulkWriter
from .schema import SCHEMA_VERSION, build_schema, product_document

log = logging.getLogger(__name__)

INDEX_NAME = "products"
MANIFEST_NAME = "manifest.json"
DOCS_NAME = "docs.json"  # product id → digest of its indexed document
MANIFEST_FORMAT = 1
DEFAULT_WRITE_TIMEOUT = 5.0
# A replaced generation is deleted this long after its successor went live (a reader that
# resolved the link just before the swap still opens it).
RETIRED_GENERATION_GRACE = 10.0
_BATCH = 500

__all__ = ["LockError"]


class IndexState(StrEnum):
    OK = "ok"
    MISSING = "missing"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    OUTDATED = "outdated"  # another SCHEMA_VERSION, or built before manifests existed


class IndexCorrupt(Exception):
    """The live generation does not match its manifest (or has none)."""


# --- paths -----------------------------------------------------------------------------------


def _link(index_dir: str) -> str:
    return os.path.abspath(index_dir).rstrip(os.sep)


def live_dir(index_dir: str) -> str:
    """The directory of the live generation (resolves the symlink)."""
    return os.path.realpath(index_dir)


def pending_dir(index_dir: str) -> str:
    return _link(index_dir) + ".pending"


def lock_path(index_dir: str) -> str:
    return _link(index_dir) + ".lock"


# --- manifest --------------------------------------------------------------------------------


@dataclass
class Manifest:
    files: dict[str, dict[str, object]]
    schema_version: str
    covers_until: datetime | None = None
    # product id → newest `updated_at` seen of it (ISO), for changes near `covers_until`.
    recent: dict[int, str] = field(default_factory=dict)
    created_at: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": MANIFEST_FORMAT,
                "schema_version": self.schema_version,
                "created_at": self.created_at,
                "covers_until": self.covers_until.isoformat() if self.covers_until else None,
                "recent": {str(pid): stamp for pid, stamp in sorted(self.recent.items())},
                "files": self.files,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        if raw.get("format") != MANIFEST_FORMAT or not isinstance(raw.get("files"), dict):
            raise IndexCorrupt("unknown manifest format")
        covers = raw.get("covers_until")
        return cls(
            files=raw["files"],
            schema_version=str(raw.get("schema_version")),
            covers_until=datetime.fromisoformat(covers) if covers else None,
            recent={int(pid): str(stamp) for pid, stamp in (raw.get("recent") or {}).items()},
            created_at=str(raw.get("created_at", "")),
        )


# (path, inode, size, mtime_ns) of the manifest last parsed → its Manifest. A generation's
# manifest is written once and renamed into place; after a bulk import it holds ~20,000 recent
# fingerprints, and every server's follower asks for it each second. Treat it as read-only.
_parsed_manifest: tuple[tuple[str, int, int, int], Manifest] | None = None


def read_manifest(folder: str) -> Manifest:
    global _parsed_manifest
    path = os.path.join(folder, MANIFEST_NAME)
    try:
        with open(path, encoding="utf-8") as handle:
            stat = os.fstat(handle.fileno())
            key = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
            memo = _parsed_manifest
            if memo is not None and memo[0] == key:
                return memo[1]
            manifest = Manifest.from_json(handle.read())
    except FileNotFoundError:
        raise
    except (ValueError, TypeError, AttributeError, OSError) as error:
        raise IndexCorrupt(f"unreadable manifest: {error}") from error
    _parsed_manifest = (key, manifest)
    return manifest


def _is_index_file(name: str) -> bool:
    # Not the manifest, not Whoosh's lock file, not a TOC being written (`.toc.<time>`).
    return name != MANIFEST_NAME and "LOCK" not in name and not name.startswith(".")


def _digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# (device, inode, size, mtime_ns) → digest already checked by this process. Hard-linked files
# of a new generation share the inode, so only the files a write added are read again.
_verified: dict[tuple[int, int, int, int], str] = {}
_verified_lock = threading.Lock()


def _file_key(path: str) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def validate_generation(folder: str, manifest: Manifest) -> None:
    """Raise `IndexCorrupt` unless every file the manifest lists has its size and digest."""
    if not manifest.files:
        raise IndexCorrupt("manifest lists no files")
    for name, entry in manifest.files.items():
        path = os.path.join(folder, name)
        try:
            key = _file_key(path)
        except FileNotFoundError:
            raise IndexCorrupt(f"{name} is missing") from None
        if key[2] != entry.get("size"):
            raise IndexCorrupt(f"{name} has {key[2]} bytes, expected {entry.get('size')}")
        with _verified_lock:
            known = _verified.get(key)
        if known == entry.get("sha256"):
            continue
        digest = _digest(path)
        if digest != entry.get("sha256"):
            raise IndexCorrupt(f"{name} does not match its checksum")
        with _verified_lock:
            if len(_verified) > 10_000:
                _verified.clear()
            _verified[key] = digest


def _write_manifest(
    folder: str,
    base: str | None,
    inherited: dict[str, dict[str, object]],
    covers_until: datetime | None,
    recent: dict[int, str],
) -> Manifest:
    """Describe `folder`'s files. Files hard-linked from the previous generation keep that
    generation's digests (never recomputed from possibly damaged bytes); new files are hashed."""
    files: dict[str, dict[str, object]] = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not _is_index_file(name) or not os.path.isfile(path):
            continue
        size = os.path.getsize(path)
        old = inherited.get(name)
        if old is not None and base is not None and _same_file(path, os.path.join(base, name)):
            files[name] = dict(old)  # still the hard link to the base's (verified) file
            continue
        files[name] = {"size": size, "sha256": _digest(path)}
        with _verified_lock:
            _verified[_file_key(path)] = str(files[name]["sha256"])
    manifest = Manifest(
        files=files,
        schema_version=str(SCHEMA_VERSION),
        covers_until=covers_until,
        recent=recent,
        created_at=utcnow().isoformat(timespec="seconds"),
    )
    _write_atomically(os.path.join(folder, MANIFEST_NAME), manifest.to_json())
    return manifest


def _same_file(path: str, other: str) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _write_atomically(path: str, text: str) -> None:
    tmp = f"{path}.{uuid.uuid4().hex[:6]}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


# --- reading ---------------------------------------------------------------------------------


class _PlainReadStorage(FileStorage):
    """Whoosh's file storage with plain reads (no mmap). A reader dropped without `close()`
    (a thread's searcher when its worker exits) closes its files when collected."""

    def __init__(self, path: str, readonly: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=readonly)

    def open_file(self, name, **kwargs):
        opened = super().open_file(name, **kwargs)
        weakref.finalize(opened, _close_quietly, opened.file)
        return opened


def _close_quietly(handle) -> None:
    with contextlib.suppress(Exception):
        handle.close()


def open_index(index_dir: str):
    """Open the live generation for reading, after checking it against its manifest.

    Raises (IndexCorrupt, FileNotFoundError, Whoosh errors, …) when missing or broken. Files
    are read with plain reads, never memory-mapped (see the module docstring).
    """
    folder = live_dir(index_dir)
    validate_generation(folder, read_manifest(folder))
    return _PlainReadStorage(folder, readonly=True).open_index(INDEX_NAME)


def index_state(index_dir: str) -> IndexState:
    """Whether the index can serve searches (for `reindex --if-needed`, `/readyz`, rebuilds).

    Never raises: anything unexpected counts as corrupt.
    """
    try:
        folder = live_dir(index_dir)
        if not os.path.isdir(folder):
            return IndexState.MISSING
        try:
            manifest = read_manifest(folder)
        except FileNotFoundError:
            has_toc = any(name.endswith(".toc") for name in os.listdir(folder))
            return IndexState.OUTDATED if has_toc else IndexState.MISSING
        if manifest.schema_version != str(SCHEMA_VERSION):
            return IndexState.OUTDATED
        ix = open_index(index_dir)
        try:
            with ix.searcher() as searcher:
                if searcher.doc_count() == 0:
                    return IndexState.EMPTY
                # Read one stored document through: a damaged segment fails here.
                first = next(searcher.all_stored_fields(), {})
                if first.get("schema_version") != str(SCHEMA_VERSION):
                    return IndexState.OUTDATED
        finally:
            ix.close()
    except Exception as error:  # any unreadable manifest, TOC or segment means corrupt
        log.warning("search index at %s is unreadable: %s", index_dir, error)
        return IndexState.CORRUPT
    return IndexState.OK


def live_manifest(index_dir: str) -> Manifest | None:
    """The live generation's manifest, or None when there is none (never raises)."""
    try:
        return read_manifest(live_dir(index_dir))
    except (OSError, IndexCorrupt):
        return None


# --- the writers' lock -----------------------------------------------------------------------


class WriteLock:
    """One writer at a time per index, across processes and threads (`flock` on a file)."""

    def __init__(self, index_dir: str) -> None:
        self.path = lock_path(index_dir)
        self._handle: int | None = None

    def acquire(self, timeout: float = 0.0) -> bool:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(handle)
                    raise
                if time.monotonic() >= deadline:
                    os.close(handle)
                    return False
                time.sleep(0.05)
                continue
            self._handle = handle
            return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None


@contextlib.contextmanager
def write_lock(index_dir: str, timeout: float) -> Iterator[bool]:
    """`with write_lock(dir, 5) as held:` — held is False when the wait timed out."""
    lock = WriteLock(index_dir)
    held = lock.acquire(timeout)
    try:
        yield held
    finally:
        if held:
            lock.release()


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
    return db.session.scalar(select(func.count(Product.id))) or 0


DigestUpdates = dict[int, str | None]  # product id → its document's digest (None: deleted)


def document_digest(document: dict[str, Any]) -> str:
    """A short digest of one index document: equal digests, nothing to write."""
    encoded = json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(encoded, digest_size=8).hexdigest()


def read_doc_digests(folder: str) -> dict[int, str]:
    """The digests of the documents in a generation (empty for one written without them)."""
    try:
        with open(os.path.join(folder, DOCS_NAME), encoding="utf-8") as handle:
            return {int(pid): str(digest) for pid, digest in json.load(handle).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _update_documents(writer: IndexWriter, ids: set[int]) -> DigestUpdates:
    digests: DigestUpdates = {}
    for product in _load_products(ids):
        document = product_document(product)
        writer.update_document(**document)
        digests[product.id] = document_digest(document)
    for missing_id in ids - set(digests):  # deleted from the database
        writer.delete_by_term("pid", str(missing_id))
        digests[missing_id] = None
    return digests


def documents_to_write(ids: set[int], known: dict[int, str]) -> set[int]:
    """Those of `ids` whose document differs from the one indexed (or that were deleted):
    a stock or certificate change moves `updated_at` but not the document."""
    found: set[int] = set()
    changed: set[int] = set()
    for product in _load_products(ids):
        found.add(product.id)
        if known.get(product.id) != document_digest(product_document(product)):
            changed.add(product.id)
    return changed | {pid for pid in ids - found if pid in known or not known}


# --- writing a generation --------------------------------------------------------------------


def _write_generation(
    index_dir: str,
    write: Callable[[IndexWriter], DigestUpdates],
    *,
    base: str | None,
    covers_until: datetime | None,
    recent: dict[int, str],
    optimize: bool = False,
    limitmb: int = 128,
) -> str:
    """Make a new generation (from `base`'s files, or empty), run `write`, swap it in.

    The caller holds the write lock. Returns the new generation's folder.
    """
    link = _link(index_dir)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    new_dir = f"{link}.gen-{time.time_ns()}-{uuid.uuid4().hex[:6]}"
    os.makedirs(new_dir)
    try:
        inherited: dict[str, dict[str, object]] = {}
        digests: dict[int, str] = {}
        storage = _PlainReadStorage(new_dir)
        if base is None:
            ix = storage.create_index(build_schema(), indexname=INDEX_NAME)
        else:
            base_manifest = read_manifest(base)
            validate_generation(base, base_manifest)
            for name in base_manifest.files:
                os.link(os.path.join(base, name), os.path.join(new_dir, name))
            inherited = base_manifest.files
            digests = read_doc_digests(base)
            ix = storage.open_index(INDEX_NAME)
        # A new index gets every document at once: the bulk writer writes the same segment
        # as Whoosh's in about half the time (search/bulk_writer.py).
        writer = BulkWriter(ix, limitmb=limitmb) if base is None else ix.writer(limitmb=limitmb)
        try:
            updates = write(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=optimize)
        ix.close()
        for pid, digest in updates.items():
            if digest is None:
                digests.pop(pid, None)
            else:
                digests[pid] = digest
        # Replaces the hard link to the base's file (never writes into it).
        _write_atomically(
            os.path.join(new_dir, DOCS_NAME),
            json.dumps({str(pid): digest for pid, digest in sorted(digests.items())}),
        )
        _write_manifest(new_dir, base, inherited, covers_until, recent)
        _swap_link(link, new_dir)
    except BaseException:
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    _remove_retired_generations(link, live=new_dir)
    return new_dir


def _swap_link(link: str, target: str) -> None:
    if os.path.isdir(link) and not os.path.islink(link):
        # An index from before generations existed: move it aside, it is replaced.
        os.rename(link, f"{link}.gen-0-legacy")
    tmp_link = f"{link}.link-{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.basename(target), tmp_link)
    os.replace(tmp_link, link)  # atomic: readers see the old or the new generation


def _generations(link: str) -> list[str]:
    parent, base = os.path.split(link)
    prefix = base + ".gen-"

    def stamp(name: str) -> int:
        head = name[len(prefix) :].split("-", 1)[0]
        return int(head) if head.isdigit() else 0

    names = [n for n in os.listdir(parent) if n.startswith(prefix)]
    return [os.path.join(parent, n) for n in sorted(names, key=stamp)]


def _remove_retired_generations(link: str, live: str) -> None:
    """Delete generations replaced more than `RETIRED_GENERATION_GRACE` seconds ago."""
    generations = _generations(link)
    now = time.time()
    for older, newer in zip(generations, generations[1:], strict=False):
        if older == live:
            continue
        try:
            retired_for = now - os.stat(newer).st_mtime
        except FileNotFoundError:
            retired_for = RETIRED_GENERATION_GRACE
        if retired_for >= RETIRED_GENERATION_GRACE:
            shutil.rmtree(older, ignore_errors=True)


# --- full rebuild ----------------------------------------------------------------------------


def rebuild_index(
    index_dir: str,
    progress: Callable[[int], None] | None = None,
    *,
    limitmb: int = 512,
    lock_timeout: float = 60.0,
) -> int:
    """Rebuild the whole index from the database into a new generation and swap it in.

    Holds the write lock while building, so concurrent refreshes record their ids as pending;
    those are applied right after the swap. Returns the number of products indexed.
    """
    with write_lock(index_dir, lock_timeout) as held:
        if not held:
            raise LockError(f"search index {index_dir} stayed locked for {lock_timeout:.0f} s")
        return rebuild_locked(index_dir, progress, limitmb=limitmb)


def rebuild_locked(
    index_dir: str, progress: Callable[[int], None] | None = None, *, limitmb: int = 512
) -> int:
    """`rebuild_index` for a caller that already holds the write lock."""
    from .index_follow import catalog_marker, changes_since

    # Read the database's change marker first: whatever changes after it is caught up later.
    covers_until = catalog_marker()
    recent = changes_since(covers_until)
    covered_pending = _pending_files(index_dir)
    count = 0

    def write_all(writer: IndexWriter) -> DigestUpdates:
        nonlocal count
        digests: DigestUpdates = {}
        for product in _load_products(None):
            document = product_document(product)
            writer.add_document(**document)
            digests[product.id] = document_digest(document)
            count += 1
            if progress is not None:
                progress(1)
        return digests

    _write_generation(
        index_dir,
        write_all,
        base=None,
        covers_until=covers_until,
        recent=recent,
        optimize=True,
        limitmb=limitmb,
    )
    _remove_files(covered_pending)  # read in full after they were recorded
    if _pending_files(index_dir):
        _apply_pending_locked(index_dir, set())
    return count


# --- refreshing some products ----------------------------------------------------------------


def refresh_products(
    index_dir: str, product_ids: Iterable[int], *, timeout: float = DEFAULT_WRITE_TIMEOUT
) -> bool:
    """Re-read these products from the database and update (or delete) their documents.

    Call after the transaction committed. Returns True when written now, False when the ids
    were recorded as pending (index locked by another writer for longer than `timeout`, or no
    usable index yet). Never raises `LockError`.
    """
    ids = {int(product_id) for product_id in product_ids}
    if not ids:
        return True
    with write_lock(index_dir, timeout) as held:
        if held and _apply_pending_locked(index_dir, ids):
            return True
    record_pending(index_dir, ids)
    return False


def drain_pending(index_dir: str, *, timeout: float = 0.0) -> bool:
    """Apply ids recorded as pending, if the lock can be had within `timeout`."""
    if not _pending_files(index_dir):
        return True
    with write_lock(index_dir, timeout) as held:
        return held and _apply_pending_locked(index_dir, set())


def has_pending(index_dir: str) -> bool:
    return bool(_pending_files(index_dir))


def _apply_pending_locked(index_dir: str, ids: set[int]) -> bool:
    """Write `ids` and every pending id into a new generation (lock held). False when there is
    no usable live generation to start from."""
    from .index_follow import fingerprints_of, merge_recent

    base = live_dir(index_dir)
    manifest = live_manifest(index_dir)
    if manifest is None or manifest.schema_version != str(SCHEMA_VERSION):
        return False
    files = _pending_files(index_dir)
    all_ids = ids | _read_pending(files)
    if not all_ids:
        _remove_files(files)
        return True
    try:
        _write_generation(
            index_dir,
            lambda writer: _update_documents(writer, all_ids),
            base=base,
            covers_until=manifest.covers_until,
            # These products are now indexed as they are: the follower need not redo them.
            recent=merge_recent(manifest, fingerprints_of(all_ids)),
        )
    except IndexCorrupt as error:
        log.warning("search index %s is corrupt (%s); refresh deferred", index_dir, error)
        return False
    _remove_files(files)
    return True


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


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
