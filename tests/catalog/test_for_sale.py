"""The one for-sale rule: certificate status, stars, dates (inclusive), producer, listing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from catalog.for_sale import (
    for_sale_certificate,
    is_for_sale,
    product_is_for_sale,
    select_for_sale,
)
from core.clock import VN_TZ, today_in_vietnam
from core.db import db

ISSUED = date(2025, 1, 10)
EXPIRES = date(2028, 1, 9)


def _for_sale_ids(on: date) -> set[int]:
    return {p.id for p in db.session.scalars(select_for_sale(on))}


def _assert_rule(product, on: date, expected: bool) -> None:
    """All three forms of the rule agree: SQL listing, SQL single check, Python on a loaded row."""
    assert (product.id in _for_sale_ids(on)) is expected
    assert is_for_sale(product.id, on) is expected
    db.session.expire_all()
    assert product_is_for_sale(db.session.get(type(product), product.id), on) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 1, 9), False),  # the day before issue
        (ISSUED, True),  # first valid day
        (date(2026, 6, 1), True),
        (EXPIRES, True),  # last valid day (inclusive)
        (date(2028, 1, 10), False),  # the day after expiry
    ],
)
def test_validity_window_is_inclusive_at_both_ends(make_product, on, expected):
    product = make_product(certificate={"issued_on": ISSUED, "expires_on": EXPIRES})
    _assert_rule(product, on, expected)


@pytest.mark.parametrize(
    ("stars", "expected"), [(1, False), (2, False), (3, True), (4, True), (5, True)]
)
def test_only_three_to_five_stars_are_ocop(make_product, stars, expected):
    product = make_product(certificate={"stars": stars, "issued_on": ISSUED, "expires_on": EXPIRES})
    _assert_rule(product, date(2026, 1, 1), expected)


@pytest.mark.parametrize(
    ("status", "expected"), [("verified", True), ("pending", False), ("revoked", False)]
)
def test_only_verified_certificates_count(make_product, status, expected):
    product = make_product(
        certificate={"status": status, "issued_on": ISSUED, "expires_on": EXPIRES}
    )
    _assert_rule(product, date(2026, 1, 1), expected)


def test_no_certificate_means_not_for_sale(make_product):
    product = make_product(certificate=None)
    _assert_rule(product, date(2026, 1, 1), False)


def test_inactive_producer_takes_products_off_sale(make_product, make_producer):
    producer = make_producer(is_active=False)
    product = make_product(
        producer=producer, certificate={"issued_on": ISSUED, "expires_on": EXPIRES}
    )
    _assert_rule(product, date(2026, 1, 1), False)


def test_hidden_listing_is_not_for_sale(make_product):
    product = make_product(
        is_listed=False, certificate={"issued_on": ISSUED, "expires_on": EXPIRES}
    )
    _assert_rule(product, date(2026, 1, 1), False)


def test_revoked_renewal_does_not_hide_an_older_valid_certificate(make_product, make_certificate):
    product = make_product(certificate={"issued_on": ISSUED, "expires_on": EXPIRES, "stars": 4})
    make_certificate(
        product, issued_on=date(2026, 3, 1), expires_on=date(2029, 2, 28), stars=5, status="revoked"
    )
    _assert_rule(product, date(2026, 6, 1), True)
    assert for_sale_certificate(product, date(2026, 6, 1)).stars == 4


def test_upgrade_shows_the_best_valid_certificate(make_product, make_certificate):
    product = make_product(certificate={"issued_on": ISSUED, "expires_on": EXPIRES, "stars": 4})
    make_certificate(product, issued_on=date(2026, 3, 1), expires_on=date(2029, 2, 28), stars=5)
    db.session.expire_all()
    loaded = db.session.scalar(select_for_sale(date(2026, 6, 1)))
    assert for_sale_certificate(loaded, date(2026, 6, 1)).stars == 5
    assert for_sale_certificate(loaded, date(2028, 6, 1)).stars == 5


@pytest.mark.parametrize(
    ("instant_utc", "expected_today"),
    [
        # Vietnam is UTC+7 all year: 16:59:59 UTC is 23:59:59 in Hà Nội on the same day…
        (datetime(2028, 1, 9, 16, 59, 59, tzinfo=UTC), date(2028, 1, 9)),
        # …and 17:00 UTC is already midnight of the next day there.
        (datetime(2028, 1, 9, 17, 0, 0, tzinfo=UTC), date(2028, 1, 10)),
    ],
)
def test_today_is_the_calendar_date_in_vietnam(instant_utc, expected_today):
    assert today_in_vietnam(instant_utc) == expected_today


def test_certificate_expires_at_vietnam_midnight(make_product, set_now):
    product = make_product(certificate={"issued_on": ISSUED, "expires_on": EXPIRES})
    set_now(datetime(2028, 1, 9, 23, 59, 59, tzinfo=VN_TZ))
    assert is_for_sale(product.id, today_in_vietnam())
    set_now(datetime(2028, 1, 10, 0, 0, 0, tzinfo=VN_TZ))
    assert not is_for_sale(product.id, today_in_vietnam())


def test_listing_query_returns_only_sellable_products(make_product, make_producer):
    on = date(2026, 1, 1)
    good = make_product(certificate={"issued_on": ISSUED, "expires_on": EXPIRES})
    make_product(certificate={"issued_on": date(2021, 1, 1), "expires_on": date(2023, 12, 31)})
    make_product(certificate={"status": "pending", "issued_on": ISSUED, "expires_on": EXPIRES})
    make_product(certificate={"status": "revoked", "issued_on": ISSUED, "expires_on": EXPIRES})
    make_product(certificate={"stars": 2, "issued_on": ISSUED, "expires_on": EXPIRES})
    make_product(certificate=None)
    make_product(
        producer=make_producer(is_active=False),
        certificate={"issued_on": ISSUED, "expires_on": EXPIRES},
    )
    assert _for_sale_ids(on) == {good.id}
    assert db.session.scalars(select(type(good))).all().__len__() == 7
