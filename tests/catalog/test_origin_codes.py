"""Origin codes, batches and scan counts in the catalog domain."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.errors import BatchDatesInvalid, BatchLotMissing, BatchLotTaken, BatchQuantityInvalid
from catalog.importer import import_catalog
from catalog.models import Batch, Product, ScanCount
from catalog.origin.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    format_origin_code,
    normalize_origin_code,
    random_origin_code,
)
from catalog.origin.traceability import (
    product_codes,
    record_batch,
    record_scan,
    resolve_origin,
    scans_by_day,
)
from core.clock import utcnow
from core.db import db

DATA = Path(__file__).resolve().parent.parent / "data"


def test_alphabet_has_no_ambiguous_characters():
    assert len(CODE_ALPHABET) == 32
    assert not set("ILOU") & set(CODE_ALPHABET)


def test_random_codes_use_the_alphabet_and_differ():
    codes = {random_origin_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD2345", "ABCD2345"),
        ("abcd2345", "ABCD2345"),
        ("abcd-2345", "ABCD2345"),
        (" ABCD 2345 ", "ABCD2345"),
        ("0OIL1234", "00111234"),  # Crockford: O → 0, I and L → 1
        ("ABCD234", None),  # too short
        ("ABCD23456", None),  # too long
        ("ABCDU234", None),  # U is not in the alphabet
        ("ABCD234!", None),
        ("", None),
        (None, None),
        ("A" * 200, None),
    ],
)
def test_normalize_origin_code(typed, expected):
    assert normalize_origin_code(typed) == expected


def test_format_origin_code_groups_by_four():
    assert format_origin_code("ABCD2345") == "ABCD-2345"


def test_every_new_product_gets_a_code(make_product):
    first, second = make_product(), make_product()
    assert normalize_origin_code(first.origin_code) == first.origin_code
    assert first.origin_code != second.origin_code


def test_imported_products_get_codes(app):
    report = import_catalog(
        (DATA / "mixed.csv").read_text(encoding="utf-8"), actor_id=None, now=utcnow(), skip_bad=True
    )
    assert report.created >= 2
    codes = db.session.scalars(select(Product.origin_code)).all()
    assert len(codes) == report.created
    assert all(normalize_origin_code(code) == code for code in codes)
    assert len(set(codes)) == len(codes)


def test_code_never_changes_when_product_is_updated(make_product):
    product = make_product()
    code = product.origin_code
    product.name = "Tên mới"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Product, product.id).origin_code == code


def test_resolve_product_and_batch_codes_in_any_case(make_product, make_batch):
    product = make_product()
    batch = make_batch(product)
    found = resolve_origin(product.origin_code.lower())
    assert found.product.id == product.id and found.batch is None
    found = resolve_origin(format_origin_code(batch.code).lower())
    assert found.product.id == product.id and found.batch.id == batch.id
    assert found.is_batch
    assert resolve_origin("ZZZZZZZZ") is None
    assert resolve_origin("not a code") is None


def test_batch_codes_differ_from_product_codes(make_product, make_batch):
    product = make_product()
    batches = [make_batch(product) for _ in range(5)]
    codes = {product.origin_code, *(b.code for b in batches)}
    assert len(codes) == 6
    assert product_codes(product) == [product.origin_code, *(b.code for b in product.batches)]


def test_record_batch_stores_the_facts(make_product):
    product = make_product()
    batch = record_batch(
        product,
        lot_no=" L-2026-07 ",
        produced_on=date(2026, 7, 1),
        best_before_on=date(2027, 7, 1),
        quantity=1200,
        safety_warnings="Chứa đậu phộng.",
    )
    db.session.commit()
    stored = db.session.scalar(select(Batch).where(Batch.id == batch.id))
    assert (stored.lot_no, stored.produced_on, stored.best_before_on, stored.quantity) == (
        "L-2026-07",
        date(2026, 7, 1),
        date(2027, 7, 1),
        1200,
    )
    assert stored.safety_warnings == "Chứa đậu phộng."
    assert normalize_origin_code(stored.code) == stored.code


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"lot_no": "  "}, BatchLotMissing),
        ({"best_before_on": date(2026, 6, 30)}, BatchDatesInvalid),
        ({"quantity": -1}, BatchQuantityInvalid),
    ],
)
def test_record_batch_refuses_bad_input(make_product, fields, error):
    product = make_product()
    values = {
        "lot_no": "L1",
        "produced_on": date(2026, 7, 1),
        "best_before_on": date(2027, 7, 1),
        "quantity": 10,
    }
    values.update(fields)
    with pytest.raises(error):
        record_batch(product, **values)
    db.session.rollback()
    assert db.session.scalar(select(Batch.id)) is None


def test_record_batch_refuses_a_lot_number_twice_for_one_product(make_product, make_batch):
    product = make_product()
    make_batch(product, lot_no="L1")
    with pytest.raises(BatchLotTaken):
        make_batch(product, lot_no="L1")
    db.session.rollback()
    make_batch(make_product(), lot_no="L1")  # another product may reuse the lot number
    assert len(db.session.scalars(select(Batch)).all()) == 2


def test_record_scan_counts_per_code_per_day(make_product):
    product = make_product()
    day = date(2026, 3, 1)
    for _ in range(3):
        record_scan(product.origin_code, day)
    record_scan(product.origin_code, day + timedelta(days=1))
    record_scan("OTHER123", day)
    db.session.commit()
    rows = db.session.execute(
        select(ScanCount.code, ScanCount.scanned_on, ScanCount.scan_count)
    ).all()
    assert {(code, on): count for code, on, count in rows} == {
        ("OTHER123", day): 1,
        (product.origin_code, day): 3,
        (product.origin_code, day + timedelta(days=1)): 1,
    }


def test_scans_by_day_sums_product_and_batch_codes(make_product, make_batch):
    product = make_product()
    batch = make_batch(product)
    day = date(2026, 3, 1)
    record_scan(product.origin_code, day)
    record_scan(batch.code, day)
    record_scan(batch.code, day + timedelta(days=2))
    db.session.commit()
    db.session.refresh(product)
    assert scans_by_day(product_codes(product)) == {day: 2, day + timedelta(days=2): 1}
    assert scans_by_day(product_codes(product), since=day + timedelta(days=1)) == {
        day + timedelta(days=2): 1
    }


def test_concurrent_scans_are_all_counted(app, make_product):
    """Parallel increments (separate sessions and connections) lose no scan."""
    import threading

    product = make_product()
    code, day, per_thread, threads = product.origin_code, date(2026, 3, 1), 10, 8
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            with app.app_context():
                start.wait()
                for _ in range(per_thread):
                    record_scan(code, day)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    workers = [threading.Thread(target=scan) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    db.session.commit()  # end this session's read snapshot (SQLite WAL) before reading again
    assert scans_by_day([code]) == {day: per_thread * threads}
