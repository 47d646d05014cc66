"""E-invoice data per order part: seller from the producer, buyer from the order, lines with
unit, quantity, price and VAT that add up to what the buyer paid; CSV (BOM) and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core import clock
from core.db import db
from orders.checkout import place_order
from orders.enums import PaymentMethod
from orders.lifecycle import mark_order_paid
from settlement.einvoice import EINVOICE_CSV_COLUMNS, vat_split


@pytest.mark.parametrize(
    ("amount", "rate", "split"),
    [(108_000, "8", (100_000, 8_000)), (12_345, "5", (11_757, 588)), (45_000, "KCT", (45_000, 0))],
)
def test_vat_is_split_out_of_the_price_and_the_line_still_adds_up(amount, rate, split):
    # 12,345 × 100 / 105 = 11,757.14 → 11,757; the VAT is the rest, 588.
    assert vat_split(amount, rate) == split
    assert sum(vat_split(amount, rate)) == amount


@pytest.fixture
def paid_part(money_world, make_cart, checkout_details, all_providers):
    cart = make_cart((money_world["product_a"], 3))
    order = place_order(
        cart,
        checkout_details(payment_method=PaymentMethod.CARD, contact_name="Trần Văn Bình"),
        "einvoice-1",
        now=clock.utcnow(),
        providers=all_providers,
    )
    db.session.commit()
    return order.parts[0]


def test_the_producer_downloads_json_and_csv_for_its_own_paid_part(
    app, client, login_as, money_world, make_user, paid_part
):
    member_a = make_user("producer", producer=money_world["producer_a"])
    member_b = make_user("producer", producer=money_world["producer_b"])
    url = f"/producer/orders/{paid_part.id}/einvoice"
    login_as(member_a)
    assert client.get(url + ".json").status_code == 409  # not paid yet: nothing to invoice
    mark_order_paid(paid_part.order, now=clock.utcnow())
    db.session.commit()

    data = json.loads(client.get(url + ".json").data)
    assert data["seller"] == {
        "name": "HTX Trà Tân Cương",
        "tax_code": "03012345",
        "address": "Xã Tân Thạch, Vĩnh Long",
        "phone": "",
        "email": "",
    }
    assert data["buyer"]["name"] == "Trần Văn Bình"
    assert data["payment_method"] == "CK"
    goods, shipping = data["lines"]
    assert (goods["quantity"], goods["unit_price_vnd"], goods["unit"]) == (3, 12_345, "Hộp 250 g")
    assert (goods["vat_rate"], goods["amount_vnd"]) == ("5", 37_035)
    assert shipping["name"] == "Phí vận chuyển"
    assert data["totals"]["total_vnd"] == paid_part.order.total_vnd
    assert data["totals"]["before_vat_vnd"] + data["totals"]["vat_vnd"] == paid_part.order.total_vnd

    response = client.get(url + ".csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == EINVOICE_CSV_COLUMNS
    assert [row["item_name"] for row in rows] == [goods["name"], "Phí vận chuyển"]
    assert sum(int(row["amount_vnd"]) for row in rows) == paid_part.order.total_vnd

    now = clock.utcnow().astimezone(clock.VN_TZ)
    month = client.get(f"/producer/ledger/einvoices/{now.year}/{now.month}.csv")
    assert paid_part.order.number in month.data.decode("utf-8-sig")

    login_as(member_b)
    assert client.get(url + ".json").status_code == 404  # another producer's part
    other_month = client.get(f"/producer/ledger/einvoices/{now.year}/{now.month}.csv")
    assert paid_part.order.number not in other_month.data.decode("utf-8-sig")
