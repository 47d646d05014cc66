"""VAT e-invoice data per order part: the fields a Vietnamese e-invoice needs (Decree
123/2020/NĐ-CP, Circular 78/2021/TT-BTC), for the producer to upload to its own e-invoice
provider. No tax-authority integration.

The seller is the producer (its business registration number is its tax code), the buyer is
the order's contact (no buyer tax code is collected at checkout), lines are the frozen order
lines plus the shipping fee. Shop prices include VAT: each line's amount before VAT is the
amount × 100 / (100 + rate), rounded half up to a whole dong, and the VAT is the rest, so the
line totals stay exactly what the buyer paid. A rate that is not a number ("KCT": not subject
to VAT, "KKKNT": not declared) has no VAT.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select

from catalog.admin_units import province_by_code
from catalog.models import Producer
from core.clock import VN_TZ
from core.db import db
from orders.enums import PaymentMethod
from orders.models import OrderPart

from .enums import JournalKind
from .errors import NotInvoiceable
from .ledger import part_money
from .models import LedgerJournal

NON_NUMERIC_RATES = ("KCT", "KKKNT")
SHIPPING_LINE_NAME = "Phí vận chuyển"


def vat_split(amount_vnd: int, rate: str) -> tuple[int, int]:
    """(amount before VAT, VAT) of a VAT-inclusive amount at `rate` ("5", "8", "10", "KCT")."""
    if rate in NON_NUMERIC_RATES:
        return amount_vnd, 0
    percent = int(rate)
    before = (amount_vnd * 100 * 2 + (100 + percent)) // (2 * (100 + percent))
    return before, amount_vnd - before


def check_vat_rate(rate: str) -> str:
    if rate in NON_NUMERIC_RATES or (rate.isdigit() and 0 <= int(rate) <= 100):
        return rate
    raise ValueError(f"VAT rate must be a percentage or one of {NON_NUMERIC_RATES}: {rate!r}")


@dataclass(frozen=True)
class InvoiceLine:
    line_no: int
    sku: str
    name: str
    unit: str
    quantity: int
    unit_price_vnd: int  # including VAT, as sold
    amount_before_vat_vnd: int
    vat_rate: str
    vat_vnd: int
    amount_vnd: int  # including VAT


@dataclass(frozen=True)
class Party:
    name: str
    tax_code: str
    address: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class InvoiceData:
    reference: str  # order number and part: the invoice's link to the sale
    order_number: str
    sold_at: str  # ISO date in Vietnam of the sale entry
    currency: str
    payment_method: str  # e-invoice convention: TM (cash), CK (transfer), TM/CK
    seller: Party
    buyer: Party
    lines: list[InvoiceLine] = field(default_factory=list)
    refunded_vnd: int = 0  # refunds so far: an adjustment invoice is the producer's to issue

    @property
    def total_before_vat_vnd(self) -> int:
        return sum(line.amount_before_vat_vnd for line in self.lines)

    @property
    def total_vat_vnd(self) -> int:
        return sum(line.vat_vnd for line in self.lines)

    @property
    def total_vnd(self) -> int:
        return sum(line.amount_vnd for line in self.lines)


def _payment_code(method: str) -> str:
    return "TM" if method in (PaymentMethod.COD.value, PaymentMethod.COUNTER.value) else "CK"


def _province(code: str) -> str:
    unit = province_by_code(code)
    return unit.name if unit else code


def einvoice_data(
    part: OrderPart, *, vat_rate: str, sold_at: datetime | None = None
) -> InvoiceData:
    """The e-invoice fields of one order part (its lines frozen at purchase)."""
    rate = check_vat_rate(vat_rate)
    order = part.order
    producer = db.session.get(Producer, part.producer_id)
    seller_address = ", ".join(
        x for x in (producer.address, producer.commune, _province(producer.province_code)) if x
    )
    buyer_address = ", ".join(
        x for x in (order.street, order.commune_name, _province(order.province_code)) if x
    )
    lines: list[InvoiceLine] = []
    for number, line in enumerate(part.lines, start=1):
        before, vat = vat_split(line.line_total_vnd, rate)
        lines.append(
            InvoiceLine(
                line_no=number,
                sku=line.sku,
                name=line.product_name,
                unit=line.unit,
                quantity=line.quantity,
                unit_price_vnd=line.unit_price_vnd,
                amount_before_vat_vnd=before,
                vat_rate=rate,
                vat_vnd=vat,
                amount_vnd=line.line_total_vnd,
            )
        )
    if part.shipping_fee_vnd:
        before, vat = vat_split(part.shipping_fee_vnd, rate)
        lines.append(
            InvoiceLine(
                line_no=len(lines) + 1,
                sku="",
                name=SHIPPING_LINE_NAME,
                unit="",
                quantity=1,
                unit_price_vnd=part.shipping_fee_vnd,
                amount_before_vat_vnd=before,
                vat_rate=rate,
                vat_vnd=vat,
                amount_vnd=part.shipping_fee_vnd,
            )
        )
    when = sold_at or order.paid_at or part.status_changed_at
    return InvoiceData(
        reference=f"{order.number}-{part.id}",
        order_number=order.number,
        sold_at=when.astimezone(VN_TZ).date().isoformat(),
        currency="VND",
        payment_method=_payment_code(order.payment_method),
        seller=Party(
            name=producer.name,
            tax_code=producer.registration_no,
            address=seller_address,
            phone=producer.phone,
        ),
        buyer=Party(
            name=order.contact_name,
            tax_code="",
            address=buyer_address,
            phone=order.phone,
            email=order.email,
        ),
        lines=lines,
        refunded_vnd=part_money(part.id).refunded_vnd,
    )


def einvoice_json(invoice: InvoiceData) -> str:
    data = asdict(invoice)
    data["totals"] = {
        "before_vat_vnd": invoice.total_before_vat_vnd,
        "vat_vnd": invoice.total_vat_vnd,
        "total_vnd": invoice.total_vnd,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


EINVOICE_CSV_COLUMNS = (
    "reference",
    "order_number",
    "sold_at",
    "payment_method",
    "currency",
    "seller_name",
    "seller_tax_code",
    "seller_address",
    "buyer_name",
    "buyer_tax_code",
    "buyer_address",
    "buyer_phone",
    "buyer_email",
    "line_no",
    "sku",
    "item_name",
    "unit",
    "quantity",
    "unit_price_vnd",
    "amount_before_vat_vnd",
    "vat_rate",
    "vat_vnd",
    "amount_vnd",
)


def einvoice_csv(invoices: list[InvoiceData]) -> bytes:
    """One row per invoice line (the invoice's fields repeated), UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EINVOICE_CSV_COLUMNS)
    for invoice in invoices:
        head = [
            invoice.reference,
            invoice.order_number,
            invoice.sold_at,
            invoice.payment_method,
            invoice.currency,
            invoice.seller.name,
            invoice.seller.tax_code,
            invoice.seller.address,
            invoice.buyer.name,
            invoice.buyer.tax_code,
            invoice.buyer.address,
            invoice.buyer.phone,
            invoice.buyer.email,
        ]
        for line in invoice.lines:
            writer.writerow(
                head
                + [
                    line.line_no,
                    line.sku,
                    line.name,
                    line.unit,
                    line.quantity,
                    line.unit_price_vnd,
                    line.amount_before_vat_vnd,
                    line.vat_rate,
                    line.vat_vnd,
                    line.amount_vnd,
                ]
            )
    return out.getvalue().encode("utf-8-sig")


def sale_time(part_id: int) -> datetime | None:
    """When the part's money came in (its sale entry); None if it never did."""
    return db.session.scalar(
        select(LedgerJournal.occurred_at).where(
            LedgerJournal.part_id == part_id, LedgerJournal.kind == JournalKind.SALE.value
        )
    )


def invoice_for_part(part: OrderPart, *, vat_rate: str) -> InvoiceData:
    """The e-invoice data of a part whose money came in; NotInvoiceable before that."""
    sold_at = sale_time(part.id)
    if sold_at is None:
        raise NotInvoiceable(part_id=part.id)
    return einvoice_data(part, vat_rate=vat_rate, sold_at=sold_at)


def invoices_of_month(
    producer_id: int, start: datetime, end: datetime, *, vat_rate: str
) -> list[InvoiceData]:
    """Every part of the producer sold in `[start, end)`, oldest first."""
    rows = db.session.execute(
        select(OrderPart, LedgerJournal.occurred_at)
        .join(LedgerJournal, LedgerJournal.part_id == OrderPart.id)
        .where(
            OrderPart.producer_id == producer_id,
            LedgerJournal.kind == JournalKind.SALE.value,
            LedgerJournal.occurred_at >= start,
            LedgerJournal.occurred_at < end,
        )
        .order_by(LedgerJournal.occurred_at, OrderPart.id)
    ).all()
    return [einvoice_data(part, vat_rate=vat_rate, sold_at=at) for part, at in rows]
