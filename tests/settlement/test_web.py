"""The producer's money pages (its own ledger only), statements in vi and en, bank-account
changes held for approval (audited, e-mailed), and the admin's settlement pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditEntry
from core import clock
from core.db import db
from core.mail_queue import QueuedMail
from orders.checkout import place_order
from orders.enums import PaymentMethod
from orders.fulfilment import deliver_part, pack_part, ship_part
from orders.lifecycle import mark_order_paid
from settlement.bank_accounts import approved_bank_account, pending_bank_account
from settlement.ledger import configure, part_money, producer_balance
from settlement.models import PayoutLine
from settlement.payouts import read_payout_csv
from settlement.statements import monthly_statement, reconciliation
from tests.fixtures.portal import PASSWORD  # noqa: F401  (same users as the portal tests)


@pytest.fixture
def sold(money_world, make_cart, checkout_details, all_providers):
    """sold(product, qty) → a card order part paid and delivered now."""

    def _sold(product, quantity=1, when=None):
        now = when or clock.utcnow()
        cart = make_cart((product, quantity))
        order = place_order(
            cart,
            checkout_details(payment_method=PaymentMethod.CARD),
            f"web-{cart.id}",
            now=now,
            providers=all_providers,
        )
        mark_order_paid(order, now=now)
        part = order.parts[0]
        pack_part(part, actor_id=None, now=now)
        ship_part(part, carrier="GHN", tracking_code="G", actor_id=None, now=now)
        deliver_part(part, actor_id=None, now=now)
        db.session.commit()
        return part

    return _sold


@pytest.fixture
def people(money_world, make_user):
    return {
        "owner_a": make_user("producer", producer=money_world["producer_a"], is_owner=True),
        "member_a": make_user("producer", producer=money_world["producer_a"]),
        "owner_b": make_user("producer", producer=money_world["producer_b"], is_owner=True),
        "admin": make_user("admin"),
    }


def test_a_producer_sees_only_its_own_ledger(client, login_as, money_world, people, sold):
    part_a = sold(money_world["product_a"], 2)
    part_b = sold(money_world["product_b"], 1)
    login_as(people["owner_b"])
    page = client.get("/producer/ledger").get_data(as_text=True)
    assert part_b.order.number in page
    assert part_a.order.number not in page
    now = clock.utcnow().astimezone(clock.VN_TZ)
    csv_text = client.get(f"/producer/ledger/statements/{now.year}/{now.month}.csv").data
    assert part_a.order.number.encode() not in csv_text
    assert part_b.order.number.encode() in csv_text


def test_the_monthly_statement_csv_is_utf8_with_bom_and_adds_up(
    client, login_as, money_world, people, sold
):
    sold(money_world["product_a"], 3)
    login_as(people["member_a"])
    now = clock.utcnow().astimezone(clock.VN_TZ)
    url = f"/producer/ledger/statements/{now.year}/{now.month}.csv"
    response = client.get(url, headers={"Accept-Language": "vi"})
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Ngày", "Khoản", "Đơn hàng hoặc mã tham chiếu", "Số tiền (VND)"]
    assert {row[1] for row in rows[1:]} == {"Bán hàng", "Phí sàn"}
    statement = monthly_statement(money_world["producer_a"].id, now.year, now.month)
    assert sum(int(row[3]) for row in rows[1:]) == statement.closing_vnd - statement.opening_vnd
    assert statement.closing_vnd == producer_balance(money_world["producer_a"].id)
    english = client.get(url + "?lang=en").data.decode("utf-8-sig")
    assert english.startswith("Date,Entry,Order or reference,Amount (VND)")
    assert "Platform fee" in english


def test_the_printable_statement_in_both_languages(client, login_as, money_world, people, sold):
    sold(money_world["product_a"], 1)
    login_as(people["member_a"])
    now = clock.utcnow().astimezone(clock.VN_TZ)
    url = f"/producer/ledger/statements/{now.year}/{now.month}"
    vi = client.get(url + "?lang=vi").get_data(as_text=True)
    en = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Số dư đầu kỳ" in vi and "HTX Trà Tân Cương" in vi
    assert "Bán hàng" in vi and "Phí sàn" in vi  # the month's totals by kind of entry
    assert "Opening balance" in en and "Closing balance" in en
    assert client.get(f"/producer/ledger/statements/{now.year}/13").status_code == 404


def test_a_bank_account_change_waits_for_approval_is_audited_and_emailed(
    client, login_as, money_world, people, sold
):
    producer_id = money_world["producer_a"].id
    old = approved_bank_account(producer_id)
    login_as(people["owner_a"])
    response = client.post(
        "/producer/bank-account",
        data={
            "bank_bin": "970422",
            "account_no": "0901 234 567",
            "account_name": "htx trà tân cương",
        },
    )
    assert response.status_code == 302
    pending = pending_bank_account(producer_id)
    assert (pending.bank_bin, pending.account_no, pending.account_name) == (
        "970422",
        "0901234567",
        "HTX TRA TAN CUONG",  # as banks keep holders' names
    )
    assert approved_bank_account(producer_id).id == old.id  # payouts still go to the old one
    mails = db.session.scalars(select(QueuedMail).where(QueuedMail.kind == "bank_account")).all()
    assert [m.to_address for m in mails] == [people["owner_a"].email]
    assert "4567" in mails[0].body_text and "0901234567" not in mails[0].body_text
    assert (
        client.post(
            "/producer/bank-account",
            data={"bank_bin": "999999", "account_no": "1", "account_name": "X"},
        ).status_code
        == 200
    )  # not a VietQR bank: refused, nothing saved
    assert pending_bank_account(producer_id).id == pending.id

    login_as(people["admin"])
    assert "0901234567" in client.get("/admin/settlement").get_data(as_text=True)
    client.post(f"/admin/bank-accounts/{pending.id}/approve")
    db.session.expire_all()
    assert approved_bank_account(producer_id).account_no == "0901234567"
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.startswith("bank_account."))
    ).all()
    assert sorted(actions) == ["bank_account.approve", "bank_account.request"]
    assert db.session.query(QueuedMail).filter_by(kind="bank_account").count() == 2

    # The next payout goes to the approved account.
    sold(money_world["product_a"], 10, when=clock.utcnow() - timedelta(days=30))
    configure(fee_basis_points=500, hold_days=1, payout_minimum_vnd=1000)
    client.post("/admin/payouts")
    line = db.session.scalars(select(PayoutLine)).one()
    assert (line.bank_bin, line.account_no) == ("970422", "0901234567")


def test_the_command_line_reconciles_and_writes_the_bank_file(runner, money_world, sold, tmp_path):
    sold(money_world["product_b"], 2, when=clock.utcnow() - timedelta(days=10))
    result = runner.invoke(args=["settlement", "reconcile"])
    assert result.exit_code == 0 and "balanced" in result.output
    out = tmp_path / "payout.csv"
    result = runner.invoke(args=["settlement", "payout-run", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_payout_csv(out.read_bytes())
    assert [r.amount_vnd for r in rows] == [db.session.scalars(select(PayoutLine)).one().amount_vnd]
    again = runner.invoke(args=["settlement", "payout-run", "--csv", str(out)])
    assert "nobody is due a payout" in again.output


def test_the_admin_runs_payouts_downloads_the_csv_and_marks_lines(
    client, login_as, money_world, people, sold
):
    sold(money_world["product_a"], 5, when=clock.utcnow() - timedelta(days=10))
    sold(money_world["product_b"], 2, when=clock.utcnow() - timedelta(days=10))
    login_as(people["admin"])
    page = client.get("/admin/settlement").get_data(as_text=True)
    assert "Sổ sách khớp." in page or "The books balance." in page
    response = client.post("/admin/payouts")
    run_url = response.headers["Location"]
    rows = read_payout_csv(client.get(run_url + "/csv").data)
    lines = db.session.scalars(select(PayoutLine).order_by(PayoutLine.id)).all()
    assert [(r.reference, r.amount_vnd) for r in rows] == [
        (x.reference, x.amount_vnd) for x in lines
    ]
    client.post(f"/admin/payouts/lines/{lines[0].id}/paid")
    client.post(f"/admin/payouts/lines/{lines[1].id}/failed")
    db.session.expire_all()
    assert [x.status for x in lines] == ["paid", "failed"]
    assert producer_balance(lines[1].producer_id) == lines[1].amount_vnd
    again = client.post(f"/admin/payouts/lines/{lines[0].id}/failed", follow_redirects=True)
    assert again.status_code == 200 and lines[0].status == "paid"
    assert "Sổ sách khớp." in client.get("/admin/settlement").get_data(as_text=True)


def test_the_admin_records_a_cod_remittance_and_a_refund(
    client, login_as, money_world, people, make_cart, checkout_details, all_providers
):
    now = clock.utcnow()
    cart = make_cart((money_world["product_b"], 2))
    details = checkout_details(payment_method=PaymentMethod.COD)
    order = place_order(cart, details, "cod-web", now=now, providers=all_providers)
    part = order.parts[0]
    pack_part(part, actor_id=None, now=now)
    ship_part(part, carrier="VNPost", tracking_code="V", actor_id=None, now=now)
    deliver_part(part, actor_id=None, now=now)
    db.session.commit()
    login_as(people["admin"])
    assert order.number in client.get("/admin/settlement").get_data(as_text=True)
    client.post(f"/admin/settlement/parts/{part.id}/remit")
    again = client.post(f"/admin/settlement/parts/{part.id}/remit", follow_redirects=True)
    assert "không có tiền thu hộ" in again.get_data(as_text=True)  # once only
    client.post(f"/admin/settlement/parts/{part.id}/refund", data={"amount_vnd": "99999"})
    too_much = client.post(
        f"/admin/settlement/parts/{part.id}/refund",
        data={"amount_vnd": str(order.total_vnd)},
        follow_redirects=True,
    )
    assert "lớn hơn phần còn có thể hoàn" in too_much.get_data(as_text=True)
    money = part_money(part.id)
    assert (money.remitted_vnd, money.refunded_vnd) == (order.total_vnd, 99_999)
    assert money.fee_vnd == 5_000  # one of two jars went back: half the 10,000 ₫ fee too
    assert reconciliation().holds
