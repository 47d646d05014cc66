"""Applying to sell, admin decisions on producers, registry import, expiry reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEntry, User
from catalog.certificates.reminders import reminder_threshold
from catalog.for_sale import is_for_sale
from catalog.models import CertificateReminder, Producer, ProducerApplication, Product
from core.clock import today_in_vietnam
from core.db import db
from core.mail_queue import QueuedMail

APPLICATION = {
    "kind": "cooperative",
    "name": "HTX Mật ong Sơn La",
    "registration_no": "5500123456",
    "province_code": "14",
    "commune": "Xã Mộc Châu",
    "address": "Bản Áng",
    "contact_name": "Lò Văn Hùng",
    "phone": "0912345678",
    "email": "hung@example.vn",
}


def test_buyer_applies_admin_approves_and_the_applicant_owns_the_new_producer(
    client, login_as, make_user
):
    applicant = make_user("buyer", email="hung@example.vn")
    admin = make_user("admin")
    login_as(applicant)
    assert client.post("/producer/apply", data=APPLICATION).status_code == 302
    assert "đang chờ cán bộ" in client.get("/producer/apply").get_data(as_text=True)
    application = db.session.scalar(select(ProducerApplication))
    assert application.status == "pending"

    login_as(admin)
    assert "HTX Mật ong Sơn La" in client.get("/admin/applications").get_data(as_text=True)
    client.post(f"/admin/applications/{application.id}/approve")
    db.session.expire_all()
    producer = db.session.scalar(select(Producer).where(Producer.name == "HTX Mật ong Sơn La"))
    assert producer.province_code == "14" and producer.registration_no == "5500123456"
    owner = db.session.get(User, applicant.id)
    assert (owner.role, owner.producer_id, owner.is_owner) == ("producer", producer.id, True)

    login_as(owner)
    assert client.get("/producer/").status_code == 200
    assert client.get("/producer/members").status_code == 200


def test_admin_rejects_with_a_reason_the_applicant_then_sees(client, login_as, make_user):
    applicant = make_user("buyer")
    admin = make_user("admin")
    login_as(applicant)
    client.post("/producer/apply", data=APPLICATION)
    application = db.session.scalar(select(ProducerApplication))
    login_as(admin)
    client.post(f"/admin/applications/{application.id}/reject", data={"reason": "Thiếu GCN"})
    assert client.post(f"/admin/applications/{application.id}/approve").status_code == 409
    login_as(applicant)
    assert "Thiếu GCN" in client.get("/producer/apply").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Producer.id))) == 0


def test_deactivating_a_producer_takes_all_its_products_off_sale_at_once(
    client, login_as, portal_world
):
    world = portal_world
    login_as(world["admin"])
    client.post(f"/admin/producers/{world['producer_a'].id}/active", data={"reason": "Vi phạm"})
    assert not is_for_sale(world["product_a"].id, today_in_vietnam())
    assert is_for_sale(world["product_b"].id, today_in_vietnam())
    # Its members lose the portal too.
    login_as(world["member_a"])
    assert client.get("/producer/").status_code == 403
    login_as(world["admin"])
    client.post(f"/admin/producers/{world['producer_a'].id}/active", data={"active": "1"})
    assert is_for_sale(world["product_a"].id, today_in_vietnam())
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "producer"))
    assert list(actions) == ["producer.deactivated", "producer.activated"]


def test_registry_csv_import_through_the_web(client, login_as, make_user):
    login_as(make_user("admin"))
    csv_text = (Path(__file__).resolve().parent.parent / "data" / "mixed.csv").read_bytes()
    from io import BytesIO

    response = client.post(
        "/admin/import",
        data={"csv_file": (BytesIO(csv_text), "registry.csv"), "skip_bad": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tạo mới" in page
    # Rejected rows are explained in the admin's language, with the values at fault.
    assert "stars: phải từ 3 đến 5, nhận được 7" in page
    assert "group: không có nhóm sản phẩm &#39;banh keo&#39;" in page
    assert db.session.scalar(select(func.count(Product.id))) > 0
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "catalog.imported")
        )
        == 1
    )


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_reminder_thresholds(days_left, threshold):
    assert reminder_threshold(days_left) == threshold


def test_expiring_certificates_show_on_the_dashboard(
    client, login_as, portal_world, make_certificate
):
    world = portal_world
    cert = world["certificate_a"]
    cert.expires_on = today_in_vietnam() + timedelta(days=25)
    db.session.commit()
    login_as(world["member_a"])
    page = client.get("/producer/").get_data(as_text=True)
    assert cert.certificate_no in page and "còn 25 ngày" in page


def test_reminder_cli_is_idempotent_per_certificate_and_threshold(runner, portal_world, set_now):
    world = portal_world
    cert = world["certificate_a"]
    start = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
    cert.expires_on = start.date() + timedelta(days=40)
    db.session.commit()
    set_now(start)
    assert "reminders due 1" in runner.invoke(args=["certificates", "remind"]).output  # 90-day
    assert "reminders due 0" in runner.invoke(args=["certificates", "remind"]).output  # again
    set_now(start + timedelta(days=10))  # 30 days left
    assert "reminders due 1" in runner.invoke(args=["certificates", "remind"]).output
    set_now(start + timedelta(days=11))
    assert "reminders due 0" in runner.invoke(args=["certificates", "remind"]).output
    set_now(start + timedelta(days=33))  # 7 days left
    assert "reminders due 1" in runner.invoke(args=["certificates", "remind"]).output
    given = db.session.scalars(
        select(CertificateReminder.days_before).where(CertificateReminder.certificate_id == cert.id)
    )
    assert sorted(given) == [7, 30, 90]
    mails = db.session.scalars(
        select(QueuedMail).where(QueuedMail.kind == "certificate_reminder")
    ).all()
    # Three reminders, each to both members of A (member and owner).
    assert len(mails) == 6
    assert {m.to_address for m in mails} == {world["member_a"].email, world["owner_a"].email}
    assert cert.certificate_no in mails[0].body_text


def test_renewed_certificate_gets_no_reminder(runner, portal_world, make_certificate, set_now):
    world = portal_world
    start = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
    set_now(start)
    world["certificate_a"].expires_on = start.date() + timedelta(days=20)
    db.session.commit()
    make_certificate(world["product_a"], expires_on=start.date() + timedelta(days=1000))
    assert "reminders due 0" in runner.invoke(args=["certificates", "remind"]).output


def test_mail_send_delivers_queued_messages_once(runner, app, monkeypatch):
    from core.mail_queue import RenderedEmail, enqueue_rendered
    from storefront.cli import mail

    sent = []
    monkeypatch.setattr(mail, "smtp_deliver", lambda email: sent.append(email.to_address))
    enqueue_rendered("x", RenderedEmail("a@example.vn", "s", "b"), locale="vi")
    db.session.commit()
    assert "sent 1" in runner.invoke(args=["mail", "send"]).output
    assert "sent 0" in runner.invoke(args=["mail", "send"]).output
    assert sent == ["a@example.vn"]
