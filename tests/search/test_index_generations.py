"""The index survives corruption (issue 11 step 4) and follows the database (issue 16 step 2).

Generations are written beside the live one and never modified in place; a manifest with
checksums is checked when opened; files are read without mmap (no SIGBUS); a damaged index is
answered from the database and rebuilt; each server's index catches up with changes made
through any other server.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from catalog.models import Producer, Product
from core import clock
from core.db import db
from search.index_follow import OVERLAP, catch_up, index_lag
from search.indexer import (
    MANIFEST_NAME,
    IndexCorrupt,
    IndexState,
    index_state,
    live_dir,
    live_manifest,
    open_index,
    refresh_products,
)
from storefront.common.index_follower import IndexFollower
from storefront.common.search_service import background_rebuild, product_search


def _visible_text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def _segments(index_dir: str) -> list[Path]:
    return sorted(Path(live_dir(index_dir)).glob("*.seg"))


def _digests(folder: str) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in Path(folder).iterdir()
        if "LOCK" not in path.name
    }


# --- manifest and open-time validation -------------------------------------------------------


def test_each_generation_has_a_manifest_with_checksums(built_index):
    folder = live_dir(built_index)
    manifest = json.loads(Path(folder, MANIFEST_NAME).read_text())
    listed = manifest["files"]
    assert {p.name for p in _segments(built_index)} <= set(listed)
    for name, entry in listed.items():
        data = Path(folder, name).read_bytes()
        assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["covers_until"]  # how far it follows the database


@pytest.mark.parametrize("damage", ["flip", "truncate", "zero"])
def test_a_segment_damaged_in_place_is_refused_when_opened(built_index, damage):
    segment = _segments(built_index)[0]
    data = bytearray(segment.read_bytes())
    if damage == "flip":  # same size: only the checksum sees it
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray(len(data))
    segment.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt):
        open_index(built_index)
    assert index_state(built_index) is IndexState.CORRUPT


def test_index_state_never_raises(built_index, monkeypatch):
    Path(live_dir(built_index), MANIFEST_NAME).write_text("{not json")
    assert index_state(built_index) is IndexState.CORRUPT
    import search.indexer as indexer

    def explode(*args, **kwargs):
        raise MemoryError("what a damaged length field can cause")

    monkeypatch.setattr(indexer, "read_manifest", explode)
    assert index_state(built_index) is IndexState.CORRUPT


def test_an_index_from_before_manifests_is_outdated_and_rebuilt(app, runner, built_index):
    os.remove(os.path.join(live_dir(built_index), MANIFEST_NAME))
    assert index_state(built_index) is IndexState.OUTDATED
    result = runner.invoke(args=["search", "reindex", "--if-needed"])
    assert result.exit_code == 0, result.output
    assert "outdated: rebuilding" in result.output
    assert index_state(built_index) is IndexState.OK


def test_reindex_if_needed_rebuilds_a_corrupt_index_without_a_traceback(app, runner, built_index):
    for segment in _segments(built_index):
        os.truncate(segment, 10)
    result = runner.invoke(args=["search", "reindex", "--if-needed"])
    assert result.exit_code == 0, result.output
    assert "corrupt: rebuilding" in result.output
    assert result.exception is None
    assert index_state(built_index) is IndexState.OK


# --- no worker dies --------------------------------------------------------------------------


def test_segments_truncated_under_open_readers_give_answers_from_the_database(
    app, client, built_index
):
    # Warm this thread's reader (files open), then damage the files in place: with mmap, the
    # next read of a truncated page would kill the process with SIGBUS (and this test with it).
    assert "Kẹo dừa sữa" in _visible_text(client.get("/search?q=keo+dua"))
    for segment in _segments(built_index):
        os.truncate(segment, 64)
    response = client.get("/search?q=ca+phe+robusta")  # words not read before
    assert response.status_code == 200
    assert "Cà phê Robusta" in _visible_text(response)
    rebuild = background_rebuild()
    assert rebuild is not None
    rebuild.join()
    assert index_state(built_index) is IndexState.OK
    assert "Nấm linh chi" in _visible_text(client.get("/search?q=nam+linh+chi"))


# --- writes never modify the live generation -------------------------------------------------


def test_a_refresh_writes_a_new_generation_and_leaves_the_old_one_untouched(
    built_index, make_product, search
):
    before = live_dir(built_index)
    digests = _digests(before)
    product = make_product(name="Bánh pía Sóc Trăng", name_en="Pia cake")
    assert refresh_products(built_index, [product.id]) is True
    assert live_dir(built_index) != before
    assert _digests(before) == digests  # not one byte of the old generation changed
    assert [p.name_en for p in search("banh pia").items] == ["Pia cake"]
    assert index_state(built_index) is IndexState.OK


# --- following the database ------------------------------------------------------------------


def test_catch_up_indexes_products_changed_elsewhere(built_index, make_product, search):
    # Written straight to the database, as another server would: this index was not told.
    product = make_product(name="Mật ong bạc hà", name_en="Mint honey")
    assert product.id not in [p.id for p in search("mat ong bac ha").items]
    result = catch_up(built_index)
    assert (result.action, result.products) == ("updated", 1)
    assert [p.id for p in search("mat ong bac ha").items][0] == product.id
    again = live_dir(built_index)
    assert catch_up(built_index).action == "current"  # nothing new: no new generation
    assert live_dir(built_index) == again


def test_a_producer_renamed_elsewhere_reindexes_its_products(built_index, small_catalog, search):
    producer = small_catalog["Milk coconut candy"].producer
    producer.name = "HTX Dừa Sáp Cầu Kè"
    db.session.commit()
    assert catch_up(built_index).products == 1
    assert [p.name_en for p in search("dua sap cau ke").items] == ["Milk coconut candy"]


def test_a_change_committed_late_with_an_older_stamp_is_not_missed(
    built_index, make_product, search
):
    # Stamped before the index's marker but committed after it was read (a slow transaction).
    covers = live_manifest(built_index).covers_until
    product = make_product(name="Rượu cần Tây Nguyên", name_en="Can wine")
    stamp = covers - timedelta(seconds=5)
    db.session.execute(update(Product).where(Product.id == product.id).values(updated_at=stamp))
    db.session.execute(
        update(Producer).where(Producer.id == product.producer_id).values(updated_at=stamp)
    )
    for certificate in product.certificates:
        certificate.updated_at = stamp
    db.session.commit()
    assert catch_up(built_index).products == 1
    assert search("ruou can").total == 1
    assert catch_up(built_index).action == "current"
    assert timedelta(seconds=5) < OVERLAP


def _noted(found: dict, read: list) -> dict:
    read.extend(found)
    return found


def test_window_fingerprints_are_the_fingerprints_of_what_changed_in_the_window(
    built_index, small_catalog, make_product
):
    # One grouped statement over the window gives what fingerprints_of gives for the same ids.
    import search.index_follow as follow
    from catalog.models import Certificate, ProductImage

    an_hour_ago = clock.utcnow() - timedelta(hours=1)
    for model in (Producer, Product, Certificate, ProductImage):
        db.session.execute(update(model).values(updated_at=an_hour_ago))
    db.session.commit()
    lower = clock.utcnow() - timedelta(minutes=1)
    changed = make_product(name="Bánh tráng Trảng Bàng")  # product, producer, certificate
    products = list(small_catalog.values()) if isinstance(small_catalog, dict) else small_catalog
    products[0].price_vnd += 1000  # the product row only
    products[1].producer.phone = "0900000000"  # the producer: its products change
    db.session.commit()
    found = follow.window_fingerprints(lower)
    expected_ids = {changed.id, products[0].id} | {
        p.id for p in products if p.producer_id == products[1].producer_id
    }
    assert set(found) == expected_ids
    assert found == follow.fingerprints_of(expected_ids)
    assert follow.window_fingerprints(clock.utcnow() + timedelta(seconds=1)) == {}


def test_a_quiet_catalog_costs_a_tick_no_product_reads(built_index, make_product, monkeypatch):
    # The window of "maybe committed late" stamps hangs from this server's clock, not from
    # the newest stamp: once the catalog has been quiet for OVERLAP, a tick re-reads nothing
    # (it used to re-read every product of the last two minutes before the last change).
    import search.index_follow as follow

    make_product(name="Trà shan tuyết", name_en="Shan tuyet tea")
    assert catch_up(built_index).action == "updated"
    read: list[int] = []
    real_window = follow.window_fingerprints
    monkeypatch.setattr(
        follow, "window_fingerprints", lambda lower: _noted(real_window(lower), read)
    )
    later = clock.utcnow() + OVERLAP + timedelta(seconds=5)
    monkeypatch.setattr(follow.clock, "utcnow", lambda: later)
    assert catch_up(built_index).action == "current"  # may re-read what the last tick saw
    read.clear()
    assert catch_up(built_index).action == "current"
    assert catch_up(built_index).action == "current"
    assert read == []


def test_catch_up_rebuilds_a_missing_or_corrupt_index(built_index, small_catalog):
    for segment in _segments(built_index):
        os.truncate(segment, 0)
    result = catch_up(built_index)
    assert (result.action, result.products) == ("rebuilt", len(small_catalog))
    assert index_state(built_index) is IndexState.OK


def test_index_lag_and_readyz_report_an_index_behind_the_database(
    app, client, built_index, make_product, set_now
):
    assert index_lag(built_index) == 0.0
    make_product(name="Gạo ST25", name_en="ST25 rice")  # not yet in this index
    set_now(clock.utcnow() + timedelta(seconds=90))
    lag = index_lag(built_index)
    assert lag is not None and 89 <= lag < 200
    response = client.get("/readyz")
    assert response.status_code == 503
    index = response.json["checks"]["index"]
    assert index["ok"] is False and index["lag_seconds"] >= 89 and index["max_lag_seconds"] == 60
    catch_up(built_index)
    assert index_lag(built_index) == 0.0
    assert client.get("/readyz").status_code == 200


def test_the_follower_tick_catches_up_and_refreshes_the_snapshot(
    app, client, built_index, make_product
):
    follower = IndexFollower(app, interval=1.0)
    follower.tick()  # remembers the marker
    assert "Mắm cá linh" not in _visible_text(client.get("/search?q=mam+ca+linh"))
    product_search().snapshot(clock.today_in_vietnam())  # cached for 30 s by default
    make_product(name="Mắm cá linh", name_en="Linh fish paste")
    follower.tick()
    assert "Mắm cá linh" in _visible_text(client.get("/search?q=mam+ca+linh"))
    assert index_lag(built_index) == 0.0


def test_a_sale_or_a_certificate_decision_elsewhere_makes_no_new_generation(
    built_index, small_catalog, search
):
    # Stock and certificates are not in the index document (the for-sale rule reads them from
    # the database): such changes move `updated_at` but must not cost a generation per sale.
    candy = small_catalog["Milk coconut candy"]
    before = live_dir(built_index)
    candy.stock -= 1
    candy.certificates[0].status_reason = "checked again"
    db.session.commit()
    assert catch_up(built_index).action == "current"
    assert live_dir(built_index) == before
    assert index_lag(built_index) == 0.0  # the marker moved on all the same
    candy.name = "Kẹo dừa sữa sầu riêng"
    db.session.commit()
    assert (catch_up(built_index).action, live_dir(built_index) != before) == ("updated", True)
    assert [p.name_en for p in search("sau rieng").items] == ["Milk coconut candy"]
