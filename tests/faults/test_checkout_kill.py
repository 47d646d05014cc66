"""kill -9 of a gunicorn worker while 20 buyers check out at once: no order is left without
its lines, and stock + units sold = the stock we started with. Buyers whose request died with
the worker resubmit the same form (same checkout token), as a browser would."""

from __future__ import annotations

import os
import secrets
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from catalog.models import Product
from core.db import db
from orders.models import Order, OrderLine, OrderPart
from tests.faults.conftest import HANOI, HOAN_KIEM, seed_products
from tests.faults.server import ShopServer, add_to_cart, shop_environment

BUYERS = 20
INITIAL_STOCK = 500


@pytest.fixture(scope="module")
def checkout_shop(direct, fault_tmp, database_url):
    seed_products({"sku": "KILL-1", "stock": str(INITIAL_STOCK), "price_vnd": "45000"})
    product = db.session.scalar(select(Product))
    db.session.commit()  # end the read: SQLite would keep this snapshot
    server = ShopServer(shop_environment(database_url, fault_tmp), fault_tmp / "kill.log").start()
    yield server, product.id, product.slug
    server.stop()


def _buyer_ready(server, product_id: int, slug: str, quantity: int):
    session = requests.Session()
    added, token = add_to_cart(session, server.url, slug, product_id, quantity)
    assert added.status_code in (302, 303), added.status_code
    form = {
        "csrf_token": token,
        "checkout_token": secrets.token_urlsafe(24),
        "contact_name": "Trần Văn An",
        "phone": "0987654321",
        "email": "an@example.vn",
        "province_code": HANOI,
        "commune_code": HOAN_KIEM,
        "street": "5 Lý Thái Tổ",
        "payment_method": "cod",
    }
    return session, form


def test_kill_9_of_a_worker_during_20_checkouts_loses_nothing(checkout_shop, direct):
    server, product_id, slug = checkout_shop
    buyers = [_buyer_ready(server, product_id, slug, 1 + n % 3) for n in range(BUYERS)]
    first_answer = threading.Event()
    outcomes: list[str] = []

    def check_out(buyer) -> str:
        session, form = buyer
        for _attempt in range(3):
            try:
                answer = session.post(
                    f"{server.url}/checkout", data=form, allow_redirects=False, timeout=120
                )
            except requests.ConnectionError:
                continue  # the worker died under this request: the buyer submits again
            finally:
                first_answer.set()
            if answer.status_code in (302, 303) and "/orders/" in answer.headers["Location"]:
                return "ordered"
            return f"status {answer.status_code}"
        return "gave up"

    workers_before = server.worker_pids()
    with ThreadPoolExecutor(BUYERS) as pool:
        futures = [pool.submit(check_out, buyer) for buyer in buyers]
        first_answer.wait()
        victim = workers_before[0]
        os.kill(victim, signal.SIGKILL)  # while the other checkouts are in flight
        outcomes = [future.result() for future in futures]

    assert outcomes.count("ordered") >= BUYERS - 1, outcomes  # at most the victim's buyer lost
    db.session.rollback()  # a fresh snapshot: the read transaction of the set-up is over
    orders_without_lines = db.session.scalar(
        select(func.count(Order.id)).where(~Order.parts.any(OrderPart.lines.any()))
    )
    parts_without_lines = db.session.scalar(
        select(func.count(OrderPart.id)).where(~OrderPart.lines.any())
    )
    assert (orders_without_lines, parts_without_lines) == (0, 0)
    sold = db.session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0)))
    stock = db.session.scalar(select(Product.stock).where(Product.id == product_id))
    assert stock + sold == INITIAL_STOCK
    placed = db.session.scalar(select(func.count(Order.id)))
    # A buyer who gave up may still have an order (committed just before the worker died).
    assert (
        outcomes.count("ordered") <= placed <= outcomes.count("ordered") + outcomes.count("gave up")
    )
    # The master replaced the killed worker and the shop still serves.
    server.wait_until_serving()
    assert victim not in server.worker_pids()
    assert requests.get(server.url + "/healthz", timeout=60).status_code == 200
