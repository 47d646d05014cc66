"""Catalog import from the documented CSV format (docs/import-format.md): the one import service
behind `flask catalog import` and the admin's registry import page.

The file is read as a stream (`catalog/csv_reader.py`: encoding found, fields held to a size
limit, each record with the line it starts on). Each row is validated in full — lengths against
the columns they go to, so SQLite and PostgreSQL answer alike — before anything is written.
Valid rows are written a batch at a time (`_Writer`: lookups held in memory, one savepoint and
one flush per batch; a batch the database refuses is retried row by row, each row in its own
savepoint). A file imports whole or not at all; with `skip_bad` the good
rows go in and the bad ones are reported. Every problem is a code with parameters, the line the
record starts on and the column. Rows are upserted by SKU: importing the same file twice changes
nothing the second time. Every import that saves anything leaves one audit entry, in the same
transaction as the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from accounts.audit import record_audit
from core.db import db, refresh_planner_statistics
from core.text import clean_text, slugify

from .admin_units import resolve_province
from .csv_reader import (
    ENCODING_NAMES,
    MAX_FIELD_CHARS,
    BadEncoding,
    Record,
    UnknownEncoding,
    open_text,
    read_records,
)
from .enums import CertificateStatus, IssuerLevel, ProducerKind, parse_product_group
from .for_sale import MAX_STARS, MIN_STARS, is_ocop_rating
from .models import Certificate, Producer, Product
from .origin.codes import fresh_origin_codes

COLUMNS = [
    "sku",
    "name",
    "name_en",
    "group",
    "stars",
    "certificate_no",
    "decision_no",
    "issued_by",
    "issued_on",
    "expires_on",
    "certificate_status",
    "producer",
    "producer_kind",
    "province",
    "commune",
    "price_vnd",
    "stock",
    "unit",
    "story",
    "story_en",
]
# Columns that may be left empty (every other one is required): English texts, stories, and
# details a registry does not always print.
OPTIONAL = {"name_en", "story", "story_en", "unit", "commune"}
OPTIONAL |= {"certificate_no", "decision_no", "issued_by"}
REQUIRED = tuple(column for column in COLUMNS if column not in OPTIONAL)
MAX_PRICE_VND = 10_000_000_000  # 10 billion dong: anything above is a typo
# The columns a row writes as they are, on the product and on its certificate.
PRODUCT_FIELDS = ("name", "name_en", "group", "unit", "price_vnd", "stock", "story", "story_en")
CERTIFICATE_FIELDS = (
    "stars",
    "decision_no",
    "issued_by",
    "issuer_level",
    "issued_on",
    "expires_on",
)
MAX_SKU_LENGTH = 64
# The tables an import writes (the audit log aside), analyzed after a bulk import.
IMPORTED_TABLES = (Producer.__tablename__, Product.__tablename__, Certificate.__tablename__)
MAX_AUDITED_PRODUCT_IDS = 1000  # an audit entry names at most this many changed products
# Texts longer than the columns they are stored in are refused before the database sees them
# (PostgreSQL would raise, SQLite would store them whole).
MAX_LENGTHS = {
    "name": Product.__table__.c["name"].type.length,
    "name_en": Product.__table__.c["name_en"].type.length,
    "unit": Product.__table__.c["unit"].type.length,
    "certificate_no": Certificate.__table__.c["certificate_no"].type.length,
    "decision_no": Certificate.__table__.c["decision_no"].type.length,
    "issued_by": Certificate.__table__.c["issued_by"].type.length,
    "producer": Producer.__table__.c["name"].type.length,
    "province": Producer.__table__.c["province_name_given"].type.length,
    "commune": Producer.__table__.c["commune"].type.length,
}
# Line breaks and tabs are text in a story; anywhere else, as every other control character
# (NUL included: PostgreSQL refuses it), they are refused.
MULTILINE = {"story", "story_en"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    """A row (or the header, line 1; or the file) that was not imported: the line its record
    starts on, the column at fault (when one is), a stable code and its parameters — turned into
    a sentence by the web layer or the command line."""

    line: int
    sku: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    column: str = ""


@dataclass
class ImportReport:
    """What an import did. `created`/`updated`/`unchanged` count the valid rows; `saved` says
    whether they were written (a file with problems imports nothing unless `skip_bad`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changed_product_ids: list[int] = field(default_factory=list)
    encoding: str = ""
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def valid_rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class ParsedRow:
    sku: str
    name: str
    name_en: str
    group: str
    stars: int
    certificate_no: str
    decision_no: str
    issued_by: str
    issuer_level: str
    issued_on: date
    expires_on: date
    certificate_status: str
    producer: str
    producer_kind: str
    province_code: str
    province_name_given: str
    commune: str
    price_vnd: int
    stock: int
    unit: str
    story: str
    story_en: str


class RowInvalid(ValueError):
    """Why a row cannot be imported: a code (see RowError), the column at fault and the
    code's parameters."""

    def __init__(self, code: str, *, column: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.column = column
        self.params = params


def check_text(values: dict[str, str]) -> None:
    """Refuse control characters and texts longer than their columns, column by column."""
    for column in COLUMNS:
        value = values.get(column, "")
        control = (_CONTROL if column in MULTILINE else _CONTROL_OR_BREAK).search(value)
        if control:
            raise RowInvalid(
                "control_character", column=column, character=f"U+{ord(control.group()):04X}"
            )
        max_length = MAX_LENGTHS.get(column)
        if max_length is not None and len(value) > max_length:
            raise RowInvalid("too_long", column=column, length=len(value), max_length=max_length)


def _parse_int(value: str, column: str) -> int:
    cleaned = value.replace(" ", "").replace("_", "")
    try:
        return int(cleaned)
    except ValueError:
        raise RowInvalid("not_a_whole_number", column=column, value=value) from None


def _parse_date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowInvalid("not_a_date", column=column, value=value) from None


def issuer_level_for(issued_by: str) -> IssuerLevel:
    """Guess the level of an issuing body from its printed name (ministry, district or province)."""
    text = issued_by.lower()
    if text.startswith("bộ") or "bộ nông nghiệp" in text or "ministry" in text:
        return IssuerLevel.CENTRAL
    if any(word in text for word in ("huyện", "quận", "thị xã", "district")):
        return IssuerLevel.DISTRICT
    return IssuerLevel.PROVINCE


def parse_row(raw: dict[str, str]) -> ParsedRow:
    """Validate one CSV row; raise RowInvalid with a precise code and parameters."""
    values = {key: clean_text(raw.get(key)) for key in COLUMNS}
    check_text(values)
    missing = [key for key in REQUIRED if not values[key]]
    if missing:
        raise RowInvalid("missing_values", column=", ".join(missing), columns=missing)
    group = parse_product_group(values["group"])
    if group is None:
        raise RowInvalid("unknown_group", column="group", value=values["group"])
    stars = _parse_int(values["stars"], "stars")
    if not is_ocop_rating(stars):
        raise RowInvalid(
            "stars_out_of_range", column="stars", value=stars, min=MIN_STARS, max=MAX_STARS
        )
    issued_on = _parse_date(values["issued_on"], "issued_on")
    expires_on = _parse_date(values["expires_on"], "expires_on")
    if expires_on < issued_on:
        raise RowInvalid("expires_before_issue", column="expires_on")
    try:
        status = CertificateStatus(values["certificate_status"].lower())
    except ValueError:
        raise RowInvalid(
            "unknown_certificate_status",
            column="certificate_status",
            value=values["certificate_status"],
        ) from None
    try:
        kind = ProducerKind(values["producer_kind"].lower())
    except ValueError:
        raise RowInvalid(
            "unknown_producer_kind", column="producer_kind", value=values["producer_kind"]
        ) from None
    resolved = resolve_province(values["province"])
    if resolved is None:
        raise RowInvalid("unknown_province", column="province", value=values["province"])
    price = _parse_int(values["price_vnd"], "price_vnd")
    if price < 0:
        raise RowInvalid("negative_price", column="price_vnd", value=price)
    if price > MAX_PRICE_VND:
        raise RowInvalid("price_too_large", column="price_vnd", value=price)
    stock = _parse_int(values["stock"], "stock")
    if stock < 0:
        raise RowInvalid("negative_stock", column="stock", value=stock)
    sku = values["sku"]
    if len(sku) > MAX_SKU_LENGTH or not sku.replace("-", "").replace("_", "").isalnum():
        raise RowInvalid("invalid_sku", column="sku", value=sku, max_length=MAX_SKU_LENGTH)
    return ParsedRow(
        sku=values["sku"].upper(),
        name=values["name"],
        name_en=values["name_en"],
        group=group.value,
        stars=stars,
        certificate_no=values["certificate_no"],
        decision_no=values["decision_no"],
        issued_by=values["issued_by"],
        issuer_level=issuer_level_for(values["issued_by"]).value,
        issued_on=issued_on,
        expires_on=expires_on,
        certificate_status=status.value,
        producer=values["producer"],
        producer_kind=kind.value,
        province_code=resolved.province.code,
        province_name_given=resolved.name_as_given,
        commune=values["commune"],
        price_vnd=price,
        stock=stock,
        unit=values["unit"],
        story=values["story"],
        story_en=values["story_en"],
    )


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; return True if anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert_certificate(product: Product, row: ParsedRow) -> tuple[bool, Certificate | None]:
    """Match or add the row's certificate: (changed, the certificate when it is new)."""
    if row.certificate_no:
        match = [c for c in product.certificates if c.certificate_no == row.certificate_no]
    else:
        match = [
            c
            for c in product.certificates
            if c.issued_on == row.issued_on and c.stars == row.stars and not c.certificate_no
        ]
    cert = match[0] if match else None
    created = cert is None
    if cert is None:
        cert = Certificate(product=product, certificate_no=row.certificate_no)
        db.session.add(cert)
    values = {field: getattr(row, field) for field in CERTIFICATE_FIELDS}
    changed = _assign(cert, {**values, "status": row.certificate_status})
    return created or changed, cert if created else None


# Rows written per batch: one savepoint, one flush (multi-row INSERTs) and a few lookups per
# batch instead of about ten statements and a savepoint per row (docs/performance.md).
BATCH_ROWS = 500


class _Writer:
    """Writes validated rows a batch at a time, with what the per-row lookups used to ask the
    database for held in memory: every producer by (name, province), every producer and product
    slug, and, per batch, the batch's existing products (by SKU) with their certificates and
    fresh origin codes for its new products.

    Each row is applied to the objects exactly as the row-by-row import did (same comparisons,
    same order, so the same outcome and the same stored values); the database sees one flush per
    batch. A batch that the database refuses is rolled back to its savepoint and written again
    row by row, each row in its own savepoint, so a bad row is reported alone and the others kept.
    """

    def __init__(self) -> None:
        session = db.session
        self.producers: dict[tuple[str, str], Producer] = {
            (p.name, p.province_code): p for p in session.scalars(select(Producer))
        }
        self.producer_slugs: set[str] = set(session.scalars(select(Producer.slug)))
        self.product_slugs: set[str] = set(session.scalars(select(Product.slug)))
        # The rows this batch adds, in file order, by table (see _number_new_rows).
        self.new_rows: dict[type, list[Any]] = {Producer: [], Product: [], Certificate: []}

    def write(self, rows: list[tuple[int, str, ParsedRow]], report: ImportReport) -> None:
        """Write `rows` (line, SKU as given, parsed row); count outcomes, report failures."""
        if not rows:
            return
        first_error = len(report.errors)
        added: list[tuple[str, Any]] = []  # what this batch put in the maps, undone on failure
        try:
            with db.session.begin_nested():
                products = self._products_by_sku([row.sku for _, _, row in rows])
                codes = iter(
                    fresh_origin_codes(
                        db.session.connection(),
                        sum(1 for _, _, row in rows if row.sku not in products),
                    )
                )
                outcomes = [self._apply(row, products, codes, added) for _, _, row in rows]
                self._number_new_rows()
                db.session.flush()
        except Exception:  # noqa: BLE001 - a database refusal: find the row, keep the others
            self._forget(added)
            self._write_row_by_row(rows, report)
        else:
            for product, outcome in outcomes:
                setattr(report, outcome, getattr(report, outcome) + 1)
                if outcome != "unchanged":
                    report.changed_product_ids.append(product.id)
        # Problems in line order, whichever step found them.
        report.errors[first_error:] = sorted(report.errors[first_error:], key=lambda e: e.line)

    def _number_new_rows(self) -> None:
        """PostgreSQL: give the batch's new rows their ids from the tables' sequences, one
        statement per table, in file order (as the inserts would have).

        Rows without ids are inserted with RETURNING in one multi-row statement, whose text
        differs with every batch: psycopg then rewrites its placeholders in Python each time
        (about half the import's client time at 20,000 rows). With their ids known, the rows go
        through the driver's executemany: one short statement, converted once, pipelined.
        """
        new_rows = {model: rows for model, rows in self.new_rows.items() if rows}
        self.new_rows = {model: [] for model in self.new_rows}
        if db.session.get_bind().dialect.name != "postgresql":
            return
        connection = db.session.connection()
        for model, rows in new_rows.items():
            ids = connection.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": model.__tablename__, "count": len(rows)},
            ).all()
            for row, new_id in zip(rows, sorted(ids), strict=True):
                row.id = new_id

    def _products_by_sku(self, skus: list[str]) -> dict[str, Product]:
        query = (
            select(Product).where(Product.sku.in_(skus)).options(selectinload(Product.certificates))
        )
        return {product.sku: product for product in db.session.scalars(query)}

    def _slug(self, taken: set[str], base: str, added: list[tuple[str, Any]]) -> str:
        """`base`, or base-2, base-3… the first not taken (as `catalog.slugs.unique_slug`)."""
        slug, counter = base, 1
        while slug in taken:
            counter += 1
            slug = f"{base}-{counter}"
        taken.add(slug)
        added.append(("slug", (taken, slug)))
        return slug

    def _forget(self, added: list[tuple[str, Any]]) -> None:
        """Undo a rolled-back batch's additions to the maps (its new producers are gone)."""
        self.new_rows = {model: [] for model in self.new_rows}
        for kind, item in reversed(added):
            if kind == "slug":
                taken, slug = item
                taken.discard(slug)
            else:
                self.producers.pop(item, None)

    def _apply(
        self,
        row: ParsedRow,
        products: dict[str, Product],
        codes: Iterator[str],
        added: list[tuple[str, Any]],
    ) -> tuple[Product, str]:
        """One row onto the objects (no SQL): the product and 'created'/'updated'/'unchanged'."""
        key = (row.producer, row.province_code)
        producer = self.producers.get(key)
        producer_created = producer is None
        if producer is None:
            base = slugify(row.producer)[:150] or "producer"
            # Commune given as its default (""), not left unset: new producers then all have
            # the same columns, and the flush inserts them in one statement, not one per row.
            producer = Producer(
                name=row.producer,
                province_code=row.province_code,
                slug=self._slug(self.producer_slugs, base, added),
                commune="",
            )
            db.session.add(producer)
            self.producers[key] = producer
            self.new_rows[Producer].append(producer)
            added.append(("producer", key))
        producer_changed = _assign(
            producer,
            {
                "kind": row.producer_kind,
                "province_name_given": row.province_name_given,
                "commune": row.commune or producer.commune,
            },
        )
        product = products.get(row.sku)
        created = product is None
        if product is None:
            base = f"{slugify(row.name)[:140]}-{row.sku.lower()}"
            product = Product(
                sku=row.sku,
                slug=self._slug(self.product_slugs, base, added),
                origin_code=next(codes),
            )
            db.session.add(product)
            products[row.sku] = product
            self.new_rows[Product].append(product)
        changed = _assign(product, {field: getattr(row, field) for field in PRODUCT_FIELDS})
        if producer.id is None:
            # A producer new in this batch has no id before the flush: link by object.
            product.producer = producer
            changed = True
        elif created or product.producer_id != producer.id:
            # By id, not by object: the relationship would also append the product to the
            # producer's in-memory list of products, which every later flush walks again.
            product.producer_id = producer.id
            changed = True
        cert_changed, new_cert = _upsert_certificate(product, row)
        if new_cert is not None:
            self.new_rows[Certificate].append(new_cert)
        if created:
            return product, "created"
        updated = changed or cert_changed or producer_created or producer_changed
        return product, "updated" if updated else "unchanged"

    def _write_row_by_row(
        self, rows: list[tuple[int, str, ParsedRow]], report: ImportReport
    ) -> None:
        for line, sku, row in rows:
            added: list[tuple[str, Any]] = []
            try:
                with db.session.begin_nested():
                    products = self._products_by_sku([row.sku])
                    codes = iter(fresh_origin_codes(db.session.connection(), 1))
                    product, outcome = self._apply(row, products, codes, added)
                    self._number_new_rows()
                    db.session.flush()
            except Exception as exc:  # a database constraint: report it, keep the good rows
                self._forget(added)
                report.errors.append(
                    RowError(line, sku, "database_error", {"error": type(exc).__name__})
                )
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
                if outcome != "unchanged":
                    report.changed_product_ids.append(product.id)


def import_catalog(
    source: str | bytes | BinaryIO,
    *,
    actor_id: int | None,
    now: datetime,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV file (text, bytes or a binary stream) for `actor_id` (None: the command
    line). Owns its transaction: commits at the end with an audit entry summarising the import
    when anything is saved. Any problem keeps the whole file out, unless `skip_bad`: then the
    good rows are saved and the bad ones reported. A problem with the file itself (encoding,
    header) keeps it out either way."""
    report = ImportReport()
    file_problem = False
    writer: _Writer | None = None
    pending: list[tuple[int, str, ParsedRow]] = []
    try:
        text, codec = open_text(source)
        report.encoding = ENCODING_NAMES.get(codec, codec)
        records = read_records(text)
        header_record = next(records, None)
        if header_record is None:
            report.errors.append(RowError(1, "", "empty_file"))
            return report
        header = [name.strip().removeprefix("\ufeff") for name in header_record.fields]
        missing_columns = [c for c in COLUMNS if c not in header]
        if missing_columns:
            report.errors.append(
                RowError(1, "", "missing_columns", {"columns": missing_columns}, "")
            )
            return report
        writer = _Writer()
        seen_skus: dict[str, int] = {}
        for record in records:
            parsed = _parse_record(record, header, seen_skus, report)
            if parsed is not None:
                pending.append(parsed)
            if len(pending) >= BATCH_ROWS:
                _write_batch(writer, pending, report, progress)
        if writer is not None:
            _write_batch(writer, pending, report, progress)
    except UnknownEncoding:
        report.errors.append(RowError(1, "", "unknown_encoding"))
        file_problem = True
    except BadEncoding as error:
        # The rows read before the bad byte are counted as before; nothing is kept.
        if writer is not None:
            _write_batch(writer, pending, report, progress)
        report.errors.append(RowError(error.line, "", "bad_encoding", {"encoding": error.encoding}))
        file_problem = True
    keep = not dry_run and not file_problem and (skip_bad or not report.errors)
    if not keep:
        db.session.rollback()
        report.changed_product_ids.clear()
        return report
    summary = {
        "created": report.created,
        "updated": report.updated,
        "rejected": len(report.errors),
        "product_ids": report.changed_product_ids[:MAX_AUDITED_PRODUCT_IDS],
    }
    record_audit("catalog.imported", ("import", 0), actor_id=actor_id, now=now, after=summary)
    db.session.commit()
    report.saved = True
    if report.changed_product_ids:
        # A bulk import changes the tables' sizes: the planner must learn it now, not whenever
        # autovacuum gets round to it (docs/performance.md).
        refresh_planner_statistics(*IMPORTED_TABLES)
    return report


def _write_batch(
    writer: _Writer,
    pending: list[tuple[int, str, ParsedRow]],
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> None:
    """Write the rows waiting in `pending` and empty it."""
    writer.write(pending, report)
    if progress is not None and pending:
        progress(len(pending))
    pending.clear()


def _parse_record(
    record: Record, header: list[str], seen_skus: dict[str, int], report: ImportReport
) -> tuple[int, str, ParsedRow] | None:
    """Validate one record: (line, SKU as given, the parsed row) to write, or None with why not
    added to the report."""
    line = record.start_line
    raw = {
        name: (record.fields[index] if index < len(record.fields) else "")
        for index, name in enumerate(header)
    }
    sku = clean_text(raw.get("sku", ""))[:MAX_SKU_LENGTH].upper()
    if record.problems:
        problem = record.problems[0]
        column = header[problem.index] if problem.index < len(header) else ""
        if column == "sku":
            sku = ""
        column = column or str(problem.index + 1)
        report.errors.append(RowError(line, sku, problem.code, dict(problem.params), column))
        return None
    if len(record.fields) != len(header):
        params = {"count": len(record.fields), "expected": len(header)}
        report.errors.append(RowError(line, sku, "wrong_column_count", params))
        return None
    try:
        row = parse_row(raw)
        if row.sku in seen_skus:
            raise RowInvalid("duplicate_sku", column="sku", line=seen_skus[row.sku])
    except RowInvalid as exc:
        report.errors.append(RowError(line, sku, exc.code, exc.params, exc.column))
        return None
    seen_skus[row.sku] = line
    return line, sku, row


def count_data_rows(source: str | bytes | BinaryIO) -> int:
    """How many data rows a CSV file holds (for the progress bar); 0 for an unreadable file."""
    try:
        text, _ = open_text(source)
        return max(0, sum(1 for _ in read_records(text)) - 1)
    except (UnknownEncoding, BadEncoding):
        return 0


__all__ = ["MAX_FIELD_CHARS", "ImportReport", "RowError", "import_catalog", "count_data_rows"]
