"""Traceability: resolve an origin code, record production batches, count scans per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.db import db
from core.text import clean_text

from ..errors import (
    BatchDatesInvalid,
    BatchLotMissing,
    BatchLotTaken,
    BatchNotFound,
    BatchQuantityInvalid,
)
from ..models import Batch, Product, ScanCount, one_product_load_options, product_load_options
from ..products.portal import owned_row
from .codes import normalize_origin_code

MAX_LOT_LENGTH = 64
# Built once (a page's statement construction cost as much as running it; see
# catalog/products/queries.py).
_PRODUCT_BY_CODE = (
    select(Product)
    .options(*one_product_load_options())
    .where(Product.origin_code == bindparam("code"))
)
_PRODUCT_BY_ID = (
    select(Product).options(*one_product_load_options()).where(Product.id == bindparam("id"))
)
_BATCH_BY_CODE = select(Batch).where(Batch.code == bindparam("code"))


@dataclass(frozen=True)
class OriginTarget:
    """What an origin code points at: a product, and the batch when it is a batch code."""

    code: str
    product: Product
    batch: Batch | None = None

    @property
    def is_batch(self) -> bool:
        return self.batch is not None


def resolve_origin(text: str | None) -> OriginTarget | None:
    """The product or batch behind a code as typed or scanned (any case); None if unknown.

    Hidden listings, inactive producers and expired or revoked certificates still resolve: a stamp
    outlives the listing, and its page must say honestly what became of the product.
    """
    code = normalize_origin_code(text)
    if code is None:
        return None
    product = db.session.scalars(_PRODUCT_BY_CODE, {"code": code}).unique().first()
    if product is not None:
        return OriginTarget(code=code, product=product)
    batch = db.session.scalar(_BATCH_BY_CODE, {"code": code})
    if batch is None:
        return None
    product = db.session.scalars(_PRODUCT_BY_ID, {"id": batch.product_id}).unique().first()
    return OriginTarget(code=code, product=product, batch=batch)


def find_product_by_sku_or_code(text: str) -> OriginTarget | None:
    """For tools: a product by SKU, or a product or batch by origin code."""
    product = db.session.scalar(
        select(Product)
        .where(Product.sku == clean_text(text).upper())
        .options(*product_load_options())
    )
    if product is not None:
        return OriginTarget(code=product.origin_code, product=product)
    return resolve_origin(text)


def record_batch(
    product: Product,
    *,
    lot_no: str,
    produced_on: date,
    best_before_on: date,
    quantity: int,
    safety_warnings: str = "",
) -> Batch:
    """Record a production batch of `product`; it gets its own origin code. Flushes only."""
    lot_no = clean_text(lot_no)
    if not lot_no or len(lot_no) > MAX_LOT_LENGTH:
        raise BatchLotMissing(lot_no=lot_no)
    if best_before_on < produced_on:
        raise BatchDatesInvalid(produced_on=produced_on, best_before_on=best_before_on)
    if quantity < 0:
        raise BatchQuantityInvalid(quantity=quantity)
    taken = db.session.scalar(
        select(Batch.id).where(Batch.product_id == product.id, Batch.lot_no == lot_no)
    )
    if taken is not None:
        raise BatchLotTaken(lot_no=lot_no)
    batch = Batch(
        product=product,
        lot_no=lot_no,
        produced_on=produced_on,
        best_before_on=best_before_on,
        quantity=quantity,
        safety_warnings=clean_text(safety_warnings),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def record_scan(code: str, on: date) -> None:
    """Add one scan of `code` on the Vietnamese day `on`, atomically. Executes; caller commits.

    One INSERT … ON CONFLICT DO UPDATE, so two phones scanning at once both count (a read-then-
    write would lose one). SQLite (≥ 3.24) and PostgreSQL share the syntax.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ScanCount).values(code=code, scanned_on=on, scan_count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[ScanCount.code, ScanCount.scanned_on],
        set_={"scan_count": ScanCount.scan_count + 1},
    )
    db.session.execute(statement)


def record_scans(counts: dict[tuple[str, date], int]) -> None:
    """Add many scans at once: {(code, Vietnamese day): how many}. One INSERT … ON CONFLICT DO
    UPDATE for the whole batch (the counts are added, never overwritten). Executes; caller
    commits."""
    if not counts:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ScanCount).values(
        [
            {"code": code, "scanned_on": day, "scan_count": count}
            for (code, day), count in sorted(counts.items())
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ScanCount.code, ScanCount.scanned_on],
        set_={"scan_count": ScanCount.scan_count + statement.excluded.scan_count},
    )
    db.session.execute(statement)


def scans_by_day(codes: list[str], since: date | None = None) -> dict[date, int]:
    """Scans per day over `codes` (e.g. a product's code and its batches' codes), oldest first."""
    query = (
        select(ScanCount.scanned_on, func.sum(ScanCount.scan_count))
        .where(ScanCount.code.in_(codes))
        .group_by(ScanCount.scanned_on)
        .order_by(ScanCount.scanned_on)
    )
    if since is not None:
        query = query.where(ScanCount.scanned_on >= since)
    return {day: int(total) for day, total in db.session.execute(query)}


def product_codes(product: Product) -> list[str]:
    """The product's own code followed by its batches' codes (for scan totals per product)."""
    return [product.origin_code, *(batch.code for batch in product.batches)]


def get_batch_for_producer(producer_id: int, batch_id: int) -> Batch:
    """One of this producer's batches; BatchNotFound for anyone else's (or none)."""
    batch = owned_row(Batch, batch_id, producer_id)
    if batch is None:
        raise BatchNotFound(batch_id=batch_id)
    return batch


def origin_scans_by_product(producer_id: int, since: date) -> dict[int, int]:
    """Origin-page scans since `since` per product of this producer (product and batch codes)."""
    codes = union_all(
        select(Product.id.label("product_id"), Product.origin_code.label("code")).where(
            Product.producer_id == producer_id
        ),
        select(Batch.product_id, Batch.code)
        .join(Product, Product.id == Batch.product_id)
        .where(Product.producer_id == producer_id),
    ).subquery()
    rows = db.session.execute(
        select(codes.c.product_id, func.sum(ScanCount.scan_count))
        .join(ScanCount, ScanCount.code == codes.c.code)
        .where(ScanCount.scanned_on >= since)
        .group_by(codes.c.product_id)
    )
    return {product_id: int(total or 0) for product_id, total in rows}
