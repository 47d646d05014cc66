"""Score maps shared per index generation and warmed in the background: a request never waits
for the warm-up, a warmed searcher answers exactly as a cold one, and nothing warmed for one
generation is used after the index changed."""

from __future__ import annotations

import re
import threading

from catalog.products.listing import ProductQuery
from core.clock import today_in_vietnam
from core.db import db
from search.indexer import live_dir, refresh_products
from search.query import ProductSearch
from storefront.common.search_service import EXTENSION_KEY

FISH_SAUCE = "Nước mắm Phú Quốc 40 độ đạm"
QUERIES = ("nuoc mam", "mat ong", "tea", "banh", "phu quoc", "nuoc mam hoa", "honey ca phe")


def _held_warm_up(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make every warm-up stop before reading anything until `release` is set; `entered` is
    set once one has started (it already holds its searcher and generation)."""
    entered, release = threading.Event(), threading.Event()
    real = ProductSearch._warm_maps

    def held(self, state, max_postings):
        entered.set()
        release.wait(60)
        return real(self, state, max_postings)

    monkeypatch.setattr(ProductSearch, "_warm_maps", held)
    return entered, release


def test_a_search_during_the_warm_up_answers_at_once_and_alike(built_index, monkeypatch):
    today = today_in_vietnam()
    expected = ProductSearch(built_index).search("nuoc mam", ProductQuery(), today)
    entered, release = _held_warm_up(monkeypatch)
    service = ProductSearch(built_index, warm_in_background=True)
    thread = service.start_warm_up(lambda: today)
    assert thread is not None and entered.wait(60)
    generation = service._generations.latest
    try:
        page = service.search("nuoc mam", ProductQuery(), today)
        # Answered while the warm-up was still held: the search did not wait for it.
        assert not generation.warmed.is_set()
        assert [p.id for p in page.items] == [p.id for p in expected.items]
        assert page.total == expected.total
    finally:
        release.set()
        thread.join(60)
    assert generation.warmed.is_set()


def test_a_worker_start_warms_in_the_background_and_its_first_search_does_not_wait(
    app, built_index, client, monkeypatch
):
    from storefront.common.search_service import warm_up_worker

    app.config["SEARCH_WARM_UP"] = True
    service: ProductSearch = app.extensions[EXTENSION_KEY]
    entered, release = _held_warm_up(monkeypatch)
    warm_up_worker(app)  # what gunicorn's post_worker_init calls
    assert entered.wait(60)
    generation = service._generations.latest
    try:
        response = client.get("/search?q=nuoc+mam")
        assert response.status_code == 200
        assert FISH_SAUCE in re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
        assert not generation.warmed.is_set()  # the warm-up is still held
        warm_up_worker(app)  # once per process: a second call starts nothing
        assert service.warm_ups == 1
    finally:
        release.set()
        assert generation.warmed.wait(60)


def test_a_warmed_searcher_scores_exactly_as_a_cold_one(built_index):
    today = today_in_vietnam()
    cold, warm = ProductSearch(built_index), ProductSearch(built_index)
    assert warm.warm_up(today) > 0
    snapshot = cold.snapshot(today)
    for words in QUERIES:
        a = cold._index_hits(cold._reader(), words.split(), snapshot)
        b = warm._index_hits(warm._reader(), words.split(), snapshot)
        assert (a.full, a.related, a.corrected) == (b.full, b.related, b.corrected)


def test_warmed_vocabularies_give_whooshs_document_frequencies(built_index):
    service = ProductSearch(built_index)
    service.warm_up()
    state = service._reader()
    reader = state.searcher.reader()
    assert state.generation.complete  # every scorable field's terms were read
    for fieldname in ("name", "place", "name_en", "story", "name_j"):
        terms = list(reader.field_terms(fieldname))[:20]
        for text in [*terms, "khongco", "zzz", terms[0] + "x"]:
            assert state.frequencies.doc_frequency(fieldname, text) == reader.doc_frequency(
                fieldname, text
            )


def test_threads_share_one_generations_maps(app, built_index):
    service = ProductSearch(built_index)
    today = today_in_vietnam()
    service.search("nuoc mam", ProductQuery(), today)
    mine = service._reader()
    read_here = set(mine.postings.maps.terms)
    theirs: list = []

    def other() -> None:
        with app.app_context():
            page = service.search("linh chi", ProductQuery(), today)
            theirs.append(service._reader())
            theirs.append(page)
            db.session.remove()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(60)
    assert theirs[0] is not mine and theirs[0].searcher is not mine.searcher  # own searcher
    assert theirs[0].generation is mine.generation  # shared maps
    assert theirs[1].source == "index", theirs[1]
    assert set(mine.postings.maps.terms) > read_here  # read by the other thread, seen here


def test_warmed_maps_are_dropped_when_the_generation_changes(app, built_index, small_catalog):
    today = today_in_vietnam()
    service = ProductSearch(built_index, snapshot_ttl=0, warm_in_background=True)
    first = service.start_warm_up(lambda: today)
    first.join(60)
    old = service._reader().generation
    assert old.maps.terms and old.warmed.is_set()
    before = live_dir(built_index)

    product = small_catalog["Phu Quoc fish sauce"]
    product.name = "Nước chấm Cà Mau"
    db.session.commit()
    refresh_products(built_index, [product.id])
    assert live_dir(built_index) != before

    page = service.search("nuoc cham ca mau", ProductQuery(), today)
    assert [p.id for p in page.items][:1] == [product.id]  # the edit, on the next request
    new = service._reader().generation
    assert new is not old and new.key != old.key
    assert new.maps is not old.maps and new.maps.terms is not old.maps.terms
    assert not old.maps.terms and not old.complete  # dropped, not kept for idle threads
    # The new generation is warmed in its turn (in the background), starting with what the
    # old one had read.
    # (its thread claims the generation when it runs: wait for it before asking)
    assert new.warmed.wait(60)
    assert new.warm_started and new.previous_terms
    assert service.warm_ups == 2


def test_a_patched_snapshot_is_prepared_beside_the_request(app, small_catalog):
    from search.snapshot import load_for_sale_snapshot
    from search.snapshot_keeper import SnapshotKeeper

    today = today_in_vietnam()
    jobs: list = []
    keeper = SnapshotKeeper(background=jobs.append)  # jobs run when the test says
    keeper.warm_up(today)
    jobs.pop()()  # the first load: built and prepared before it is swapped in
    first = keeper.get(today)
    assert first._facet_columns is not None and first._name_heads is not None
    assert first._autocomplete is not None

    product = small_catalog["Phu Quoc fish sauce"]
    product.name = "Nước chấm Cà Mau"
    db.session.commit()
    patched = keeper.get(today)
    assert patched is not first and patched.rows[product.id].name == "Nước chấm Cà Mau"
    assert patched._name_heads is None  # the request did not build it ...
    jobs.pop()()  # ... the background job does
    fresh = load_for_sale_snapshot(today)
    assert patched._name_heads == fresh.name_heads()
    assert patched._autocomplete is not None  # the previous snapshot had one
    assert patched.facet_columns().members == fresh.facet_columns().members


def test_the_warm_up_steps_aside_while_a_search_runs(built_index, monkeypatch):
    from search import query

    service = ProductSearch(built_index)
    asked = threading.Event()
    real_wait = query._Activity.wait_idle

    def wait_idle(self, timeout):
        asked.set()
        return real_wait(self, 60)  # no bound: the test ends the "search" itself

    monkeypatch.setattr(query._Activity, "wait_idle", wait_idle)
    with service._searching:  # a search is running in this process
        thread = service.start_warm_up()
        assert asked.wait(60)
        generation = service._generations.latest
        assert generation.maps.size == 0  # waiting before its first score map
    thread.join(60)  # the search is over: the warm-up goes on
    assert generation.maps.size > 0 and generation.warmed.is_set()
