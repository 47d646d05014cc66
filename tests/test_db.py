"""core.db.begin_write: a writer transaction, never started on top of someone's own writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from catalog.models import Product
from core.db import WriteTransactionOpen, begin_write, db, has_pending_writes


def test_a_transaction_that_only_read_is_ended_and_the_writer_starts(app, make_product):
    product = make_product(stock=5)
    db.session.commit()
    db.session.scalar(select(Product.stock).where(Product.id == product.id))  # a read
    assert db.session().in_transaction() and not has_pending_writes()
    begin_write()
    db.session.execute(update(Product).where(Product.id == product.id).values(stock=4))
    db.session.commit()
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 4


@pytest.mark.parametrize("how", ["flushed", "unflushed", "executed", "in_savepoint"])
def test_begin_write_refuses_a_transaction_with_writes_and_commits_none_of_them(
    app, make_product, how
):
    product = make_product(stock=5)
    db.session.commit()
    if how == "flushed":
        product.stock = 1
        db.session.flush()
    elif how == "unflushed":
        product.stock = 1
    elif how == "executed":
        db.session.execute(update(Product).where(Product.id == product.id).values(stock=1))
    else:
        with db.session.begin_nested():
            product.stock = 1
    assert has_pending_writes()
    with pytest.raises(WriteTransactionOpen):
        begin_write()
    db.session.rollback()
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 5


def test_after_commit_or_rollback_the_session_is_clean_again(app, make_product):
    product = make_product(stock=5)
    db.session.commit()
    product.stock = 2
    db.session.flush()
    db.session.rollback()
    assert not has_pending_writes()
    product.stock = 3
    db.session.commit()
    assert not has_pending_writes()
    begin_write()
    db.session.rollback()
