"""Fault suite fixtures: one real database per module (the suite's SQLite file or PostgreSQL
from TEST_DATABASE_URL, emptied first), seeded in-process, and gunicorn shops on loopback."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from catalog.importer import import_catalog
from config import TestingConfig
from core import clock
from core.db import db
from orders.cart import add_item, get_or_create_cart, new_cart_token
from orders.checkout import CheckoutDetails, place_order
from orders.enums import PaymentMethod
from storefront import create_app
from tests.catalog.test_import_faults import csv_text

HANOI, HOAN_KIEM = "01", "00070"


def empty_all_tables() -> None:
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(scope="module")
def fault_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def direct(database_url: str, fault_tmp: Path) -> Iterator[Flask]:
    """The shop's database, seen from the test process (emptied before and after the module)."""
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(fault_tmp / "index"),
        MEDIA_ROOT=str(fault_tmp / "media"),
        CERTIFICATE_SCAN_ROOT=str(fault_tmp / "scans"),
    )
    with app.app_context():
        empty_all_tables()
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def seed_products(*rows: dict[str, str]) -> None:
    report = import_catalog(csv_text(*rows), actor_id=None, now=clock.utcnow())
    assert report.ok and report.saved, report.errors


def details(method: PaymentMethod = PaymentMethod.COD) -> CheckoutDetails:
    return CheckoutDetails(
        contact_name="Nguyễn Thị Lan",
        phone="0912 345 678",
        email="lan@example.vn",
        province_code=HANOI,
        commune_code=HOAN_KIEM,
        street="12 Hàng Bạc",
        payment_method=method,
    )


def order_in_process(product_id: int, quantity: int, providers: dict, method: PaymentMethod):
    cart = get_or_create_cart(token=new_cart_token())
    add_item(cart, product_id, quantity, clock.today_in_vietnam())
    db.session.commit()
    return place_order(
        cart,
        details(method),
        secrets.token_urlsafe(24),
        now=clock.utcnow(),
        providers=providers,
    )
