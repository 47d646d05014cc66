"""SMTP down: `flask mail send` keeps every queued e-mail however many runs the outage lasts
(more than MAX_ATTEMPTS), and sends each exactly once when the server is back."""

from __future__ import annotations

import socket
import socketserver
import subprocess
import sys
import threading

import pytest
from sqlalchemy import func, select

from catalog.models import Product
from core.db import db
from core.mail_queue import MAX_ATTEMPTS, QueuedMail
from orders.enums import PaymentMethod
from orders.payments import CashOnDelivery
from tests.faults.conftest import order_in_process, seed_products
from tests.faults.server import ROOT, shop_environment

ORDERS = 5


class RecordingSmtp(socketserver.ThreadingTCPServer):
    """Just enough SMTP for smtplib: every message received is kept in `messages`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _SmtpSession)


class _SmtpSession(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 fault-suite ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                self.server.messages.append(b"".join(body))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture(scope="module")
def queued_mail(direct):
    seed_products({"sku": "MAIL-1", "stock": "100"})
    product_id = db.session.scalar(select(Product.id))
    for _ in range(ORDERS):
        order_in_process(product_id, 1, {PaymentMethod.COD: CashOnDelivery()}, PaymentMethod.COD)
    queued = db.session.scalar(select(func.count(QueuedMail.id)))
    assert queued >= ORDERS
    return queued


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once it is closed


def test_smtp_down_keeps_every_mail_and_sends_each_once_later(
    queued_mail, direct, fault_tmp, database_url
):
    direct.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    runner = direct.test_cli_runner()
    for _ in range(MAX_ATTEMPTS + 2):  # an outage longer than any message's attempts
        result = runner.invoke(args=["mail", "send"])
        assert result.exit_code == 0, result.output
        assert "mail server unavailable" in result.output
    db.session.rollback()
    waiting = db.session.scalars(select(QueuedMail).where(QueuedMail.sent_at.is_(None))).all()
    assert len(waiting) == queued_mail
    assert all(mail.attempt_count == 0 for mail in waiting)
    assert "mail server unavailable" in waiting[0].last_error

    smtp = RecordingSmtp()
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    try:
        env = shop_environment(
            database_url,
            fault_tmp,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp.server_address[1]),
        )
        flask = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send"]
        sent = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert sent.returncode == 0, sent.stderr
        assert f"sent {queued_mail}, failed 0" in sent.stdout
        again = subprocess.run(
            flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert "sent 0, failed 0" in again.stdout
    finally:
        smtp.shutdown()
        smtp.server_close()
    assert len(smtp.messages) == queued_mail
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count(QueuedMail.id)).where(QueuedMail.sent_at.is_(None)))
        == 0
    )
