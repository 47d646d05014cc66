"""Index life cycle: rebuild, refresh after commit, lock contention, missing or corrupt index."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from catalog.models import Product
from core.db import db
from search import indexer
from search.indexer import (
    IndexState,
    WriteLock,
    has_pending,
    index_state,
    live_dir,
    rebuild_index,
    refresh_products,
)
from storefront.common.indexing import after_products_changed
from storefront.common.search_service import background_rebuild

DEMO_ROW = (
    "T-100,Bánh tráng Trảng Bàng,Trang Bang rice paper,Thực phẩm,4,9/GCN,1/QĐ-UBND,"
    "UBND tỉnh Tây Ninh,2025-01-10,2099-01-09,verified,HTX Bánh tráng Trảng Bàng,cooperative,"
    "Tây Ninh,,30000,50,Gói 500 g,,\n"
)


def _visible_text(response) -> str:
    """The page as a reader sees it: tags (such as the <mark> of highlights) removed."""
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def _header() -> str:
    from catalog.importer import COLUMNS

    return ",".join(COLUMNS) + "\n"


def test_rebuild_swaps_generations_and_reports_state(index_dir, small_catalog, monkeypatch):
    assert index_state(index_dir) is IndexState.MISSING
    assert rebuild_index(index_dir) == len(small_catalog)
    first = live_dir(index_dir)
    assert index_state(index_dir) is IndexState.OK
    rebuild_index(index_dir)
    second = live_dir(index_dir)
    assert second != first
    assert os.path.exists(first)  # kept a few seconds for readers that resolved the link
    monkeypatch.setattr(indexer, "RETIRED_GENERATION_GRACE", 0.0)
    rebuild_index(index_dir)
    # Retired long enough (grace 0): cleaned up; only the live generation is left.
    assert not os.path.exists(first) and not os.path.exists(second)
    assert os.path.exists(live_dir(index_dir))


def test_empty_catalog_gives_an_empty_index(index_dir):
    rebuild_index(index_dir)
    assert index_state(index_dir) is IndexState.EMPTY


def _break_segments(index_dir: str) -> None:
    # As after a partial copy or a full disk: the TOC is there, its segment files are not.
    for path in Path(live_dir(index_dir)).glob("*.seg"):
        path.unlink()


def test_corrupt_index_is_reported(built_index):
    _break_segments(built_index)
    assert index_state(built_index) is IndexState.CORRUPT


def test_refresh_while_another_process_holds_the_lock_is_deferred_not_raised(
    built_index, search, make_product
):
    lock = WriteLock(built_index)  # as another process would hold it
    assert lock.acquire()
    try:
        product = make_product(name="Bánh pía Sóc Trăng", name_en="Pia cake")
        assert refresh_products(built_index, [product.id], timeout=0.05) is False
        assert has_pending(built_index)
    finally:
        lock.release()
    # The next search finds the lock free and writes the pending ids.
    assert [p.name_en for p in search("banh pia").items] == ["Pia cake"]
    assert not has_pending(built_index)


def test_refresh_waits_for_a_rebuild_and_lands_in_the_new_generation(
    built_index, search, make_product
):
    product = make_product(name="Miến dong Bình Liêu", name_en="Binh Lieu glass noodles")
    lock = WriteLock(built_index)
    lock.acquire()
    refresh_products(built_index, [product.id], timeout=0.01)  # deferred
    lock.release()
    rebuild_index(built_index)  # applies pending ids after the swap
    assert not has_pending(built_index)
    assert search("mien dong").total == 1


def test_after_products_changed_refreshes_the_app_index(app, built_index, client, make_product):
    product = make_product(name="Chè Tân Cương", name_en="Tan Cuong tea")
    after_products_changed([product.id])
    assert "Chè Tân Cương" in _visible_text(client.get("/search?q=che+tan+cuong"))


def test_import_cli_updates_the_index_after_commit(app, runner, built_index, tmp_path, client):
    csv_path = tmp_path / "one.csv"
    csv_path.write_text(_header() + DEMO_ROW, encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert db.session.query(Product).filter_by(sku="T-100").one()
    body = _visible_text(client.get("/search?q=banh+trang+trang+bang"))
    assert "Bánh tráng Trảng Bàng" in body


def test_reindex_cli_builds_and_if_needed_skips_a_good_index(app, runner, small_catalog):
    index_dir = app.config["SEARCH_INDEX_DIR"]
    result = runner.invoke(args=["search", "reindex", "--if-needed"])
    assert result.exit_code == 0, result.output
    assert "rebuilding" in result.output
    assert f"indexed {len(small_catalog)} products" in result.output
    assert index_state(index_dir) is IndexState.OK
    again = runner.invoke(args=["search", "reindex", "--if-needed"])
    assert "up to date" in again.output
    forced = runner.invoke(args=["search", "reindex"])
    assert f"indexed {len(small_catalog)} products" in forced.output


def test_deleting_the_index_while_the_app_runs_is_not_an_error_page(app, client, built_index):
    assert "Kẹo dừa sữa" in _visible_text(client.get("/search?q=keo+dua"))
    shutil.rmtree(live_dir(built_index))
    # Another query: the page above is cached (same arguments and catalog) and needs no index.
    response = client.get("/search?q=keo+dua+sua")
    assert response.status_code == 200
    assert "Kẹo dừa sữa" in _visible_text(response)  # answered from the database
    background_rebuild().join()
    assert index_state(built_index) is IndexState.OK


def test_corrupt_index_is_not_an_error_page(app, client, built_index):
    _break_segments(built_index)
    response = client.get("/search?q=nuoc+mam")
    assert response.status_code == 200
    assert "Nước mắm Phú Quốc" in _visible_text(response)
    background_rebuild().join()
    assert index_state(built_index) is IndexState.OK
    assert client.get("/api/search?q=nuoc+mam").get_json()["total"] == 1
