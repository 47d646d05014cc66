"""Origin scan counts buffered in memory and written in batches: none lost, none doubled."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import ScanCount
from core.db import db
from storefront.origin.scan_buffer import EXTENSION_KEY, ScanBuffer, flush_scan_counts


def _scans(code: str) -> int:
    db.session.commit()  # end this session's read snapshot
    return sum(db.session.scalars(select(ScanCount.scan_count).where(ScanCount.code == code)))


def _buffered(app, threshold: int = 1000) -> ScanBuffer:
    # A long interval: nothing is written behind the test's back unless the threshold is hit.
    buffer = ScanBuffer(app, every_seconds=3600, threshold=threshold)
    app.extensions[EXTENSION_KEY] = buffer
    return buffer


def test_views_are_counted_in_memory_and_written_in_one_batch(
    app, client, make_product, count_queries
):
    buffer = _buffered(app)
    first, second = make_product(), make_product()
    for _ in range(3):
        assert client.get(f"/o/{first.origin_code}").status_code == 200
    with count_queries() as statements:
        assert client.get(f"/o/{second.origin_code}").status_code == 200
    assert not any("scan_count" in s for s in statements)  # no write on the request path
    assert buffer.pending() == 4
    assert _scans(first.origin_code) == 0
    assert flush_scan_counts() == 4
    assert (_scans(first.origin_code), _scans(second.origin_code)) == (3, 1)
    # Later batches add to what is stored, never overwrite it.
    client.get(f"/o/{first.origin_code}")
    assert flush_scan_counts() == 1
    assert _scans(first.origin_code) == 4
    assert flush_scan_counts() == 0


def test_the_threshold_wakes_the_writer(app, client, make_product):
    buffer = _buffered(app, threshold=2)
    product = make_product()
    client.get(f"/o/{product.origin_code}")
    assert not buffer._wake.is_set()
    client.get(f"/o/{product.origin_code}")
    # The writer thread was woken; whether it has written yet or not, flushing now completes
    # the count exactly once.
    flush_scan_counts()
    assert _scans(product.origin_code) == 2


def test_counts_are_kept_when_the_database_refuses_them(app, client, make_product, monkeypatch):
    import storefront.origin.scan_buffer as scan_buffer

    buffer = _buffered(app)
    product = make_product()
    client.get(f"/o/{product.origin_code}")

    def broken(counts):
        raise RuntimeError("database is down")

    monkeypatch.setattr(scan_buffer, "record_scans", broken)
    assert buffer.flush() == 0
    assert buffer.pending() == 1
    monkeypatch.undo()
    assert buffer.flush() == 1
    assert _scans(product.origin_code) == 1
