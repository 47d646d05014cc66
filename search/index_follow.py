"""The index follows the database: changes made on *any* server reach this server's index.

Each server keeps its own Whoosh index (a cache). Every catalog row carries `updated_at`, so
"what changed since the index was written" is a few indexed range queries. The live
generation's manifest records `covers_until`: the database's change marker read *before* the
products were read. `catch_up` (run about once a second by each server,
`storefront/common/index_follower.py`) finds products whose product, producer, certificate or
photo rows changed after `covers_until - OVERLAP`, re-indexes those not already indexed in that
version, and moves `covers_until` forward.

Why the overlap: `updated_at` is stamped when a transaction writes, not when it commits, and by
the clock of the server that wrote it. A change stamped 09:00:00.5 that commits at 09:00:02,
after a marker of 09:00:01 was read, would otherwise be missed for good. Within the overlap
window each product's newest stamp (its *fingerprint*) is remembered in the manifest, so a
product is re-indexed once per change, not once per tick. The window (`OVERLAP`) must exceed
the longest catalog transaction plus the clock skew between servers (NTP keeps it far below).

A product deleted from the database stays in other servers' indexes until their next rebuild;
search never shows it (hits are intersected with the for-sale snapshot).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select, union_all

from catalog.changes import catalog_last_changed_at
from catalog.models import Certificate, Producer, Product, ProductImage
from core import clock
from core.db import db

from .indexer import (
    SCHEMA_VERSION,
    IndexCorrupt,
    IndexState,
    Manifest,
    _link,
    _pending_files,
    _read_pending,
    _remove_files,
    _update_documents,
    _write_atomically,
    _write_generation,
    documents_to_write,
    index_state,
    live_dir,
    live_manifest,
    read_doc_digests,
    rebuild_locked,
    validate_generation,
    write_lock,
)

log = logging.getLogger(__name__)

OVERLAP = timedelta(seconds=120)
# A quiet tick saves the follower's progress (its clock) at most this often: a window up to
# this much older than needed only re-reads a few stamps, a write per tick would churn disk.
PROGRESS_EVERY = timedelta(seconds=30)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # before any change


# --- what changed in the database ------------------------------------------------------------


def catalog_marker() -> datetime | None:
    """The newest `updated_at` of the catalog tables (None for an empty catalog)."""
    stamps = [stamp for stamp in catalog_last_changed_at() if stamp is not None]
    return max(stamps) if stamps else None


def fingerprints_of(product_ids: set[int]) -> dict[int, str]:
    """product id → newest `updated_at` of its product, producer, certificates and photos."""
    if not product_ids:
        return {}
    ids = sorted(product_ids)
    found: dict[int, datetime] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        parts = union_all(
            select(Product.id.label("pid"), Product.updated_at.label("stamp")).where(
                Product.id.in_(chunk)
            ),
            select(Product.id, Producer.updated_at)
            .join(Producer, Producer.id == Product.producer_id)
            .where(Product.id.in_(chunk)),
            select(Certificate.product_id, Certificate.updated_at).where(
                Certificate.product_id.in_(chunk)
            ),
            select(ProductImage.product_id, ProductImage.updated_at).where(
                ProductImage.product_id.in_(chunk)
            ),
        ).subquery()
        rows = db.session.execute(
            select(parts.c.pid, func.max(parts.c.stamp)).group_by(parts.c.pid)
        )
        for pid, stamp in rows:
            found[pid] = _aware(stamp)
    return {pid: stamp.isoformat() for pid, stamp in found.items()}


def changes_since(since: datetime | None) -> dict[int, str]:
    """Fingerprints of every product changed after `since - OVERLAP` (none when None)."""
    if since is None:
        return {}
    return window_fingerprints(_aware(since) - OVERLAP)


def window_fingerprints(lower: datetime) -> dict[int, str]:
    """`fingerprints_of` every product with a row changed after `lower`, in one grouped
    statement over the `updated_at` indexes. A product's rows outside the window are older
    than `lower`, so the newest stamp inside it is its fingerprint. (Through `fingerprints_of`
    — ids first, then 500-id chunks — a tick after a 20,000-product import cost ~1 s of CPU,
    and every tick for OVERLAP re-read them: about a minute of each worker's CPU.)"""
    parts = union_all(
        select(Product.id.label("pid"), Product.updated_at.label("stamp")).where(
            Product.updated_at > lower
        ),
        select(Product.id, Producer.updated_at)
        .join(Producer, Producer.id == Product.producer_id)
        .where(Producer.updated_at > lower),
        select(Certificate.product_id, Certificate.updated_at).where(
            Certificate.updated_at > lower
        ),
        select(ProductImage.product_id, ProductImage.updated_at).where(
            ProductImage.updated_at > lower
        ),
    ).subquery()
    rows = db.session.execute(select(parts.c.pid, func.max(parts.c.stamp)).group_by(parts.c.pid))
    return {pid: _fingerprint_text(stamp) for pid, stamp in rows}


@lru_cache(maxsize=1 << 16)
def _fingerprint_text(stamp: datetime | str) -> str:
    """A stamp as the fingerprint text `fingerprints_of` gives. Memoised: for OVERLAP after a
    bulk import every tick reads the same 20,000 stamps again, and parsing them was most of a
    tick's CPU (~0.7 s of ~1 s)."""
    return _aware(stamp).isoformat()


def oldest_change_after(since: datetime | None) -> datetime | None:
    """The oldest catalog `updated_at` after `since` (the first change not yet covered)."""
    lower = _aware(since) if since is not None else _EPOCH
    query = union_all(
        *(
            select(func.min(model.updated_at)).where(model.updated_at > lower)
            for model in (Producer, Product, Certificate, ProductImage)
        )
    )
    stamps = [_aware(stamp) for stamp in db.session.execute(query).scalars() if stamp]
    return min(stamps) if stamps else None


def _aware(stamp: datetime | str) -> datetime:
    if isinstance(stamp, str):  # SQLite through a UNION loses the column type
        stamp = datetime.fromisoformat(stamp)
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def merge_recent(
    manifest: Manifest, fingerprints: dict[int, str], window_start: datetime | None = None
) -> dict[int, str]:
    """The manifest's recent fingerprints plus these, without those older than the window
    (stamps before `window_start` can never be read again by `changes_since`)."""
    merged = {**manifest.recent, **fingerprints}
    floors = [_aware(manifest.covers_until) - OVERLAP] if manifest.covers_until else []
    if window_start is not None:
        floors.append(window_start)
    if not floors:
        return merged
    floor = max(floors)
    return {pid: stamp for pid, stamp in merged.items() if _aware(stamp) > floor}


# --- how far the index follows ---------------------------------------------------------------


@dataclass
class Coverage:
    covers_until: datetime | None
    recent: dict[int, str]
    # This server's clock when the last catch-up began: every change stamped more than OVERLAP
    # before it had committed by then and was seen, so the next window starts there. Without
    # it the window hangs from `covers_until`, the newest stamp, which stays put while the
    # catalog is quiet: every tick re-read the last two minutes before the last change (after
    # a bulk import, ~15,000 products a second on each server).
    checked_at: datetime | None = None

    def window_reference(self) -> datetime | None:
        """What `changes_since` subtracts OVERLAP from."""
        return self.checked_at or self.covers_until


def _progress_path(index_dir: str) -> str:
    return _link(index_dir) + ".follow.json"


def coverage(index_dir: str, manifest: Manifest) -> Coverage:
    """How far the live generation follows the database: its manifest, or the follower's
    progress file when that speaks of the same generation (catching up with nothing to write
    moves the marker without making a generation)."""
    found = Coverage(manifest.covers_until, dict(manifest.recent))
    try:
        with open(_progress_path(index_dir), encoding="utf-8") as handle:
            raw = json.load(handle)
        if raw.get("generation") == os.path.basename(live_dir(index_dir)) and raw.get("covers"):
            found = Coverage(
                datetime.fromisoformat(raw["covers"]),
                {int(pid): str(stamp) for pid, stamp in raw.get("recent", {}).items()},
                datetime.fromisoformat(raw["checked"]) if raw.get("checked") else None,
            )
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return found


def _save_progress(index_dir: str, found: Coverage) -> None:
    _write_atomically(
        _progress_path(index_dir),
        json.dumps(
            {
                "generation": os.path.basename(live_dir(index_dir)),
                "covers": found.covers_until.isoformat() if found.covers_until else None,
                "recent": {str(pid): stamp for pid, stamp in found.recent.items()},
                "checked": found.checked_at.isoformat() if found.checked_at else None,
            }
        ),
    )


@dataclass
class CatchUp:
    """What one `catch_up` did."""

    action: str  # "locked" (another writer is at it), "rebuilt", "updated", "current"
    products: int = 0


def catch_up(index_dir: str, *, lock_timeout: float = 0.0) -> CatchUp:
    """Bring this server's index up to the database: incremental, or a rebuild when the index
    is missing, outdated or corrupt. Skips (action "locked") when another writer holds the lock.
    """
    with write_lock(index_dir, lock_timeout) as held:
        if not held:
            return CatchUp("locked")
        manifest, problem = _checked_manifest(index_dir)
        if manifest is None:
            log.warning("search index %s is %s: rebuilding it", index_dir, problem)
            return CatchUp("rebuilt", rebuild_locked(index_dir))
        return _catch_up_locked(index_dir, manifest)


def _checked_manifest(index_dir: str) -> tuple[Manifest | None, str]:
    """The live manifest when the generation matches it (sizes, and digests of file versions
    not yet checked by this process); else None and why. Cheaper than `index_state` (no Whoosh
    open), so it can run every tick; a damaged file that still matches is caught by readers."""
    folder = live_dir(index_dir)
    manifest = live_manifest(index_dir)
    if manifest is None:
        state = index_state(index_dir)
        return None, state.value
    if manifest.schema_version != str(SCHEMA_VERSION):
        return None, IndexState.OUTDATED.value
    try:
        validate_generation(folder, manifest)
    except (IndexCorrupt, OSError) as error:
        return None, f"corrupt ({error})"
    return manifest, "ok"


def _catch_up_locked(index_dir: str, manifest: Manifest) -> CatchUp:
    checked_at = clock.utcnow()  # before reading anything: see Coverage.checked_at
    marker = catalog_marker()  # first: what changes after this is caught next time
    found = coverage(index_dir, manifest)
    if found.covers_until is None:
        # Built from an empty catalog: everything there is now is new.
        changed = fingerprints_of(set(db.session.scalars(select(Product.id))))
    else:
        changed = changes_since(found.window_reference())
    pending_files = _pending_files(index_dir)
    stamped = {pid for pid, stamp in changed.items() if found.recent.get(pid) != stamp}
    # Only documents that differ: a sale (stock) or a certificate decision changes rows but
    # not what is indexed, and must not cost every server a new generation.
    to_write = (
        documents_to_write(stamped, read_doc_digests(live_dir(index_dir))) if stamped else set()
    )
    to_write |= _read_pending(pending_files)
    candidates = [c for c in (found.covers_until, marker) if c is not None]
    covers_until = max(map(_aware, candidates)) if candidates else None
    recent = merge_recent(
        Manifest(files={}, schema_version=str(SCHEMA_VERSION), covers_until=covers_until),
        {**found.recent, **changed},
        window_start=_aware(checked_at) - OVERLAP,
    )
    progress = Coverage(covers_until, recent, checked_at)
    if to_write:
        try:
            _write_generation(
                index_dir,
                lambda writer: _update_documents(writer, to_write),
                base=live_dir(index_dir),
                covers_until=covers_until,
                recent=recent,
            )
        except IndexCorrupt:
            return CatchUp("rebuilt", rebuild_locked(index_dir))
        _remove_files(pending_files)
        _save_progress(index_dir, progress)
        return CatchUp("updated", len(to_write))
    if (
        covers_until != found.covers_until
        or recent != found.recent
        or found.checked_at is None
        or checked_at - _aware(found.checked_at) > PROGRESS_EVERY
    ):
        _save_progress(index_dir, progress)
    return CatchUp("current")


def index_lag(index_dir: str, now: datetime | None = None) -> float | None:
    """Seconds the index is behind the database: how long the oldest change it does not have
    has been waiting (0 when current). None when there is no usable index. Never raises."""
    try:
        manifest = live_manifest(index_dir)
        if manifest is None:
            return None
        oldest = oldest_change_after(coverage(index_dir, manifest).covers_until)
    except Exception:
        log.warning("could not measure the search index's lag", exc_info=True)
        db.session.rollback()
        return None
    if oldest is None:
        return 0.0
    return max(0.0, ((now or clock.utcnow()) - oldest).total_seconds())
