"""The for-sale snapshot kept current by patches: as exact as a full reload, at a fraction of
its statements; listings browsed from it answer as the SQL listing does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from catalog.enums import ProductGroup
from catalog.products.listing import LISTING_SORTS, ProductQuery, Sort
from catalog.products.queries import list_products_for_sale
from core.clock import today_in_vietnam
from core.db import db
from search.snapshot import browse, load_for_sale_snapshot
from search.snapshot_keeper import SnapshotKeeper


def _queries(statements) -> list[str]:
    return [s for s in statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")]


def _same_as_full_reload(snapshot) -> None:
    assert snapshot.rows == load_for_sale_snapshot(snapshot.on).rows


@pytest.fixture
def small_catalog(make_product, make_producer, make_certificate):
    north, south = make_producer(province_code="01"), make_producer(province_code="79")
    products = []
    for n in range(9):
        product = make_product(
            producer=north if n % 2 else south,
            name=f"Sản phẩm {chr(ord('a') + (n * 5) % 9)}",
            price_vnd=10_000 * (1 + n % 4),
            group="do_uong" if n % 3 == 0 else "thuc_pham",
            certificate={"stars": 3 + n % 3},
        )
        products.append(product)
    make_product(certificate={"status": "revoked"})  # never for sale
    return products


def test_a_change_is_patched_in_with_a_few_statements(app, small_catalog, count_queries):
    today = today_in_vietnam()
    keeper = SnapshotKeeper()
    first = keeper.get(today)
    _same_as_full_reload(first)
    assert keeper.get(today) is first  # nothing changed: the same object

    edited, revoked = small_catalog[0], small_catalog[1]
    edited.price_vnd = 77_000
    revoked.certificates[0].status = "revoked"
    db.session.commit()
    with count_queries() as statements:
        patched = keeper.get(today)
    assert len(_queries(statements)) <= 3  # marker, what changed, those products again
    assert patched is not first
    assert patched.rows[edited.id].price_vnd == 77_000
    assert revoked.id not in patched.rows
    assert first.rows[edited.id].price_vnd != 77_000  # a running request keeps its set
    _same_as_full_reload(patched)


def test_a_deactivated_producer_takes_its_products_out(app, small_catalog):
    today = today_in_vietnam()
    keeper = SnapshotKeeper()
    keeper.get(today)
    producer = small_catalog[0].producer
    producer.is_active = False
    db.session.commit()
    snapshot = keeper.get(today)
    assert not any(row.producer_id == producer.id for row in snapshot.rows.values())
    _same_as_full_reload(snapshot)


def test_midnight_patches_only_certificates_that_start_or_end(
    app, small_catalog, make_product, count_queries
):
    today = today_in_vietnam()
    tomorrow = today + timedelta(days=1)
    ending = make_product(certificate={"expires_on": today})
    starting = make_product(certificate={"issued_on": tomorrow, "stars": 5})
    keeper = SnapshotKeeper()
    assert ending.id in keeper.get(today).rows and starting.id not in keeper.get(today).rows
    with count_queries() as statements:
        next_day = keeper.get(tomorrow)
    assert len(_queries(statements)) <= 3
    assert next_day.on == tomorrow
    assert ending.id not in next_day.rows and next_day.rows[starting.id].stars == 5
    _same_as_full_reload(next_day)


def test_the_first_load_can_happen_in_the_background(app, small_catalog, count_queries):
    jobs = []
    keeper = SnapshotKeeper(background=jobs.append)
    today = today_in_vietnam()
    keeper.warm_up(today)
    assert len(jobs) == 1
    jobs[0]()
    with count_queries() as statements:
        snapshot = keeper.get(today)
    assert len(_queries(statements)) == 1  # the marker only: no request loads it
    _same_as_full_reload(snapshot)


def test_invalidate_rereads_the_marker(app, small_catalog):
    today = today_in_vietnam()
    frozen = []

    def marker():  # a request's memo, read before the change
        return frozen[0]

    from catalog.changes import catalog_last_changed_at

    frozen.append(catalog_last_changed_at())
    keeper = SnapshotKeeper(marker=marker)
    keeper.get(today)
    small_catalog[2].price_vnd = 55_000
    db.session.commit()
    assert keeper.get(today).rows[small_catalog[2].id].price_vnd != 55_000  # same memo
    keeper.invalidate()
    assert keeper.get(today).rows[small_catalog[2].id].price_vnd == 55_000


@pytest.mark.parametrize(
    "filters",
    [
        ProductQuery(),
        ProductQuery(stars=4),
        ProductQuery(province_code="01", sort=Sort.PRICE_ASC),
        ProductQuery(group=ProductGroup.DRINKS, sort=Sort.PRICE_DESC),
        ProductQuery(sort=Sort.STARS),
        ProductQuery(sort=Sort.NAME, min_price_vnd=20_000, max_price_vnd=30_000),
        ProductQuery(stars=5, province_code="79", sort=Sort.NAME),
    ],
)
def test_browsing_the_snapshot_lists_what_the_sql_listing_lists(app, small_catalog, filters):
    today = today_in_vietnam()
    snapshot = load_for_sale_snapshot(today)
    everything = ProductQuery(**{**filters.__dict__, "per_page": 100})
    expected = [p.id for p in list_products_for_sale(everything, today).items]
    assert browse(snapshot, filters, LISTING_SORTS).ids == expected
    producer_id = small_catalog[0].producer_id
    mine = ProductQuery(producer_id=producer_id, per_page=100)
    assert browse(snapshot, mine, LISTING_SORTS).ids == [
        p.id for p in list_products_for_sale(mine, today).items
    ]


def test_a_warmed_searcher_answers_as_a_cold_one(app, built_index):
    from search.query import ProductSearch

    today = today_in_vietnam()
    cold, warm = ProductSearch(built_index), ProductSearch(built_index)
    assert warm.warm_up(today) > 0  # score maps read ahead
    for words in ("nuoc mam", "mat ong", "tea", "banh"):
        a = cold.search(words, ProductQuery(), today)
        b = warm.search(words, ProductQuery(), today)
        assert [p.id for p in a.items] == [p.id for p in b.items]
        assert a.total == b.total


def test_warming_without_an_index_does_nothing(app, index_dir):
    from search.query import ProductSearch

    assert ProductSearch(index_dir).warm_up(today_in_vietnam()) == 0


def test_a_narrow_filter_lists_the_same_order_as_walking_the_whole_catalog():
    # browse() sorts a few kept ids by position instead of walking every id: same order.
    import random

    from search.snapshot import ForSaleRow, ForSaleSnapshot

    rng = random.Random(7)
    rows = {
        pid: ForSaleRow(
            product_id=pid,
            province_code=rng.choice(["01", "79", "92"] + ["48"] * 30),
            group="thuc_pham",
            stars=rng.choice([3, 4, 5]),
            price_vnd=rng.choice([1, 2, 3]) * 1000,
            in_stock=True,
            name=rng.choice(["b", "a", "c"]),
            name_en="",
            slug=f"p{pid}",
            place_text="",
            producer_id=pid % 7,
        )
        for pid in range(1, 2001)
    }
    snapshot = ForSaleSnapshot(today_in_vietnam(), rows)
    for sort in LISTING_SORTS:
        for province in ("01", "79", "48"):
            ids = browse(
                snapshot, ProductQuery(province_code=province, sort=sort), LISTING_SORTS
            ).ids
            walked = [pid for pid in snapshot.ordered(sort) if rows[pid].province_code == province]
            assert ids == walked
