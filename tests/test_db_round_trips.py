"""PostgreSQL: the catalog change marker (read by every catalog page) is one statement in
autocommit — no BEGIN, no ROLLBACK round trip — without leaving autocommit on for the next user
of the connection."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from catalog.changes import catalog_last_changed_at, catalog_last_changed_at_for_reader
from catalog.models import Producer
from core.db import db

pytestmark = pytest.mark.postgres_only


def test_the_marker_is_read_in_autocommit_and_the_connection_handed_back_as_it_was(
    app, make_product
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's transactions and autocommit")
    from psycopg.pq import TransactionStatus

    make_product()
    db.session.remove()
    seen = []

    def _returned(dbapi_connection, record, reset_state) -> None:  # before the pool's rollback
        seen.append((dbapi_connection.autocommit, dbapi_connection.info.transaction_status))

    event.listen(db.engine.pool, "reset", _returned)
    try:
        marker = catalog_last_changed_at_for_reader()
    finally:
        event.remove(db.engine.pool, "reset", _returned)
    assert marker == catalog_last_changed_at()
    # Handed back idle — there is nothing to roll back, as no BEGIN was sent — and out of
    # autocommit (the stock read left a transaction open for the pool to roll back).
    assert seen == [(False, TransactionStatus.IDLE)]

    # The session that takes the connection next still works in a real transaction.
    count = db.session.scalar(select(func.count(Producer.id)))
    db.session.add(Producer(name="Tạm", province_code="01", slug="tam"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Producer.id))) == count
