"""The importer writes rows a batch at a time with its lookups held in memory (docs/performance.md):
files longer than a batch must give the same rows, outcomes and problems as row by row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog import importer
from catalog.importer import import_catalog
from catalog.models import Certificate, Producer, Product
from core.clock import utcnow
from core.db import db
from tests.catalog.test_import_faults import csv_text


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three rows a batch, so a handful of rows crosses several batch boundaries.
    monkeypatch.setattr(importer, "BATCH_ROWS", 3)


def _import(text: str, **options):
    return import_catalog(text, actor_id=None, now=utcnow(), **options)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


ROWS = [{"sku": f"B-{n}", "name": f"Sản phẩm {n}", "price_vnd": str(1000 * n)} for n in range(8)]


def test_reimport_across_batches_updates_and_creates(app):
    first = _import(csv_text(*ROWS[:5]))
    assert (first.created, first.updated, first.unchanged, first.errors) == (5, 0, 0, [])
    stamps = dict(db.session.execute(select(Product.sku, Product.updated_at)).all())
    db.session.rollback()

    changed = [dict(row) for row in ROWS]
    changed[1]["price_vnd"] = "99000"  # an existing row changed, in the first batch
    changed[4]["certificate_status"] = "revoked"  # one in the second batch, its certificate
    report = _import(csv_text(*changed))
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 2, 3, [])
    by_sku = {p.sku: p for p in db.session.scalars(select(Product))}
    assert by_sku["B-1"].price_vnd == 99000
    assert [c.status for c in by_sku["B-4"].certificates] == ["revoked"]
    assert sorted(report.changed_product_ids) == sorted(
        by_sku[sku].id for sku in ("B-1", "B-4", "B-5", "B-6", "B-7")
    )
    # Unchanged rows keep their stamp (the change marker and the index follower see only real
    # changes); changed ones move.
    assert by_sku["B-0"].updated_at == stamps["B-0"]
    assert by_sku["B-1"].updated_at > stamps["B-1"]
    # One producer for all rows, one certificate per product: nothing doubled across batches.
    assert (_count(Producer), _count(Product), _count(Certificate)) == (1, 8, 8)

    again = _import(csv_text(*changed))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)


def test_duplicates_in_one_file_across_batches_are_reported_with_the_first_line(app):
    rows = [*ROWS[:4], {**ROWS[1], "price_vnd": "5"}, ROWS[5]]
    report = _import(csv_text(*rows), skip_bad=True)
    assert [(e.line, e.sku, e.code, e.params) for e in report.errors] == [
        (6, "B-1", "duplicate_sku", {"line": 3})
    ]
    assert (report.created, report.updated) == (5, 0)
    price = db.session.scalar(select(Product.price_vnd).where(Product.sku == "B-1"))
    assert price == 1000  # the first occurrence is the one kept


def test_slugs_that_collide_inside_one_batch_get_counters(app):
    # Same producer name in two provinces (two producers, one slug base); two products whose
    # name and SKU give the same slug base ("keo-a-1"), all in the first batch.
    rows = [
        {"sku": "1", "name": "Kẹo A", "producer": "HTX Dừa", "province": "Bến Tre"},
        {"sku": "A-1", "name": "Kẹo", "producer": "HTX Dừa", "province": "Hà Nội"},
    ]
    report = _import(csv_text(*rows))
    assert report.errors == [] and report.created == 2
    assert sorted(db.session.scalars(select(Product.slug))) == ["keo-a-1", "keo-a-1-2"]
    assert sorted(db.session.scalars(select(Producer.slug))) == ["htx-dua", "htx-dua-2"]


def test_a_row_the_database_refuses_is_reported_alone_and_its_batch_kept(app, monkeypatch):
    # Another writer took the slug "san-pham-2-b-2" after the import read the taken slugs: the
    # batch's INSERT fails, the batch is written again row by row, only B-2 is refused.
    db.session.add(Producer(name="Other", province_code="01", slug="other"))
    db.session.flush()
    taken = Product(
        sku="OTHER",
        slug="san-pham-2-b-2",
        producer_id=db.session.scalar(select(Producer.id)),
        name="x",
        group="thuc_pham",
        price_vnd=1,
    )
    db.session.add(taken)
    db.session.commit()
    original_init = importer._Writer.__init__

    def init_missing_the_slug(self) -> None:
        original_init(self)
        self.product_slugs.discard("san-pham-2-b-2")

    monkeypatch.setattr(importer._Writer, "__init__", init_missing_the_slug)
    report = _import(csv_text(*ROWS[:6]), skip_bad=True)
    assert [(e.line, e.sku, e.code) for e in report.errors] == [(4, "B-2", "database_error")]
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    skus = sorted(db.session.scalars(select(Product.sku)))
    assert skus == ["B-0", "B-1", "B-3", "B-4", "B-5", "OTHER"]
    assert _count(Certificate) == 5
